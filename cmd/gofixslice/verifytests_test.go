package main

import (
	"encoding/json"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A package with two fixable findings. The Write method keeps its buffer
// on purpose, and TestRecorderAliases says so: the clone fix compiles and
// vets but breaks that test. The Lines fix is right, and TestLines, which
// fails before it, passes after.
var verifyFiles = map[string]string{
	"w/capture.go": `package w

// Recorder keeps every chunk written to it without copying: its callers
// hand it buffers they never reuse.
type Recorder struct{ Chunks [][]byte }

func (r *Recorder) Write(p []byte) (int, error) {
	r.Chunks = append(r.Chunks, p)
	return len(p), nil
}
`,
	"w/lines.go": `package w

import (
	"bufio"
	"io"
)

// Lines returns the lines of r.
func Lines(r io.Reader) [][]byte {
	var lines [][]byte
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, sc.Bytes())
	}
	return lines
}
`,
	"w/w_test.go": `package w

import (
	"strings"
	"testing"
)

func TestRecorderAliases(t *testing.T) {
	buf := []byte("abc")
	var r Recorder
	r.Write(buf)
	buf[0] = 'x'
	if string(r.Chunks[0]) != "xbc" {
		t.Fatalf("Recorder must keep the caller's buffer itself, got %q", r.Chunks[0])
	}
}

func TestLines(t *testing.T) {
	got := Lines(strings.NewReader(strings.Repeat("a\n", 3000) + "b\n"))
	if string(got[0]) != "a" {
		t.Fatalf("first line %q", got[0])
	}
}
`,
}

const linesFixed = `package w

import (
	"bufio"
	"bytes"
	"io"
)

// Lines returns the lines of r.
func Lines(r io.Reader) [][]byte {
	var lines [][]byte
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, bytes.Clone(sc.Bytes()))
	}
	return lines
}
`

func TestVerifyTestsLeavesOutAFixThatBreaksATest(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go test")
	}
	dir := module(t, verifyFiles)

	// -verify=types (the default) writes both fixes: they compile.
	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	require.Equal(t, 0, code, errOut)
	assert.NotEqual(t, verifyFiles["w/capture.go"], read(t, dir, "w/capture.go"))
	for name, content := range verifyFiles {
		require.NoError(t, os.WriteFile(dir+"/"+name, []byte(content), 0o644))
	}

	out, errOut, code := gofixslice(t, dir, "-w", "-verify=tests", "./...")
	assert.Equal(t, 1, code, "a finding is left unfixed: %s%s", out, errOut)
	assert.Equal(t, verifyFiles["w/capture.go"], read(t, dir, "w/capture.go"), "the guilty fix is left out")
	assert.Equal(t, linesFixed, read(t, dir, "w/lines.go"), "the package's other fix is written")
	assert.Equal(t, "w/capture.go:8:30: transient-retain/write-arg: p is retained, but io.Writer implementations must not retain p; copy it\n", out)

	// -json says why, naming the test.
	for name, content := range verifyFiles {
		require.NoError(t, os.WriteFile(dir+"/"+name, []byte(content), 0o644))
	}
	out, _, code = gofixslice(t, dir, "-w", "-verify=tests", "-json", "./...")
	assert.Equal(t, 1, code)
	var got struct {
		Findings []struct {
			File       string `json:"file"`
			Fixable    bool   `json:"fixable"`
			FixDropped string `json:"fix_dropped"`
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got.Findings, 2)
	assert.Equal(t, "w/capture.go", got.Findings[0].File)
	assert.False(t, got.Findings[0].Fixable)
	assert.Contains(t, got.Findings[0].FixDropped, "TestRecorderAliases")
	assert.NotContains(t, got.Findings[0].FixDropped, "TestLines", "a test that failed before is not blamed")
	assert.True(t, got.Findings[1].Fixable)

	// A second run changes nothing and reports the left-out finding.
	out, _, code = gofixslice(t, dir, "-w", "-verify=tests", "./...")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "w/capture.go:8:30: transient-retain/write-arg:")
	assert.Equal(t, linesFixed, read(t, dir, "w/lines.go"))
}

func TestVerifyFlags(t *testing.T) {
	dir := module(t, map[string]string{"p/p.go": hazard})
	for _, args := range [][]string{{"-verify=tests"}, {"-d", "-verify=tests"}, {"-w", "-verify=all"}} {
		_, errOut, code := gofixslice(t, dir, append(args, "./...")...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Contains(t, errOut, "-verify", "%v", args)
	}
	assert.Equal(t, hazard, read(t, dir, "p/p.go"))
}

// TestKillDuringVerifyTestsNeverTruncates kills gofixslice -w
// -verify=tests at random moments (while it runs the tests, bisects, and
// writes and restores files): every file is always its old content or a
// complete rewrite, never partial, and a last run finishes the job.
func TestKillDuringVerifyTestsNeverTruncates(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := module(t, verifyFiles)
	capFixed := strings.Replace(verifyFiles["w/capture.go"], "append(r.Chunks, p)", "append(r.Chunks, bytes.Clone(p))", 1)
	check := func(iter int) {
		t.Helper()
		got := read(t, dir, "w/capture.go")
		assert.True(t, got == verifyFiles["w/capture.go"] || strings.Contains(got, "bytes.Clone(p)") && strings.HasSuffix(got, strings.SplitN(capFixed, "type Recorder", 2)[1]),
			"iteration %d: capture.go is partial:\n%s", iter, got)
		got = read(t, dir, "w/lines.go")
		assert.True(t, got == verifyFiles["w/lines.go"] || got == linesFixed, "iteration %d: lines.go is partial:\n%s", iter, got)
	}
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-w", "-verify=tests", "./...")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFIXSLICE_TEST_MAIN=1")
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		require.NoError(t, cmd.Start())
		return cmd
	}
	t0 := time.Now()
	full := start()
	full.Wait()
	runTime := time.Since(t0)
	check(-1)
	rng := rand.New(rand.NewSource(2))
	for iter := 0; iter < 6; iter++ {
		for name, content := range verifyFiles {
			require.NoError(t, os.WriteFile(dir+"/"+name, []byte(content), 0o644))
		}
		cmd := start()
		time.Sleep(time.Duration(rng.Int63n(int64(runTime))))
		cmd.Process.Kill()
		cmd.Wait()
		check(iter)
	}
	// A kill in the middle of the tests can leave the fix under test in
	// place (a complete rewrite, which the next run cannot tell from the
	// user's code); the next run completes the rest.
	out, errOut, code := gofixslice(t, dir, "-w", "-verify=tests", "./...")
	assert.NotEqual(t, 2, code, "%s%s", out, errOut)
	check(6)
	assert.Equal(t, linesFixed, read(t, dir, "w/lines.go"))
}

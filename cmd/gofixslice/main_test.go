package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rules"
)

// hazard is a file with one transient-retain finding that has a fix.
const hazard = `package p

import "bufio"

func keep(sc *bufio.Scanner, m map[int][]byte) {
	for i := 0; sc.Scan(); i++ {
		m[i] = sc.Bytes()
	}
}
`

const hazardFixed = `package p

import (
	"bufio"
	"bytes"
)

func keep(sc *bufio.Scanner, m map[int][]byte) {
	for i := 0; sc.Scan(); i++ {
		m[i] = bytes.Clone(sc.Bytes())
	}
}
`

// module writes a module with the given files (go.mod added when absent)
// into a temporary directory and sets up a hermetic go command.
func module(t *testing.T, files map[string]string) string {
	t.Helper()
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOTOOLCHAIN", "local")
	return testmod.Module(t, files)
}

func gofixslice(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, dir, &out, &errb)
	return out.String(), errb.String(), code
}

func read(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	require.NoError(t, err)
	return string(b)
}

func TestReportExitCodes(t *testing.T) {
	dir := module(t, map[string]string{"p/p.go": hazard, "q/q.go": "package q\n\nfunc F() int { return 1 }\n"})
	out, errOut, code := gofixslice(t, dir, "./...")
	assert.Equal(t, 1, code, errOut)
	assert.Equal(t, "p/p.go:7:10: transient-retain/next-call: sc.Bytes() is overwritten by the next Scan but is retained; copy it\n", out)

	out, _, code = gofixslice(t, dir, "./q")
	assert.Equal(t, 0, code)
	assert.Empty(t, out)

	_, errOut, code = gofixslice(t, dir, "-enable", "no-such-rule", "./...")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no-such-rule")

	out, _, code = gofixslice(t, dir, "-disable", "transient-retain", "./...")
	assert.Equal(t, 0, code)
	assert.Empty(t, out)
}

func TestWriteThenCleanAndVet(t *testing.T) {
	dir := module(t, map[string]string{"p/p.go": hazard})
	info, err := os.Stat(filepath.Join(dir, "p/p.go"))
	require.NoError(t, err)
	require.NoError(t, os.Chmod(filepath.Join(dir, "p/p.go"), 0o640))

	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, hazardFixed, read(t, dir, "p/p.go"))
	info, err = os.Stat(filepath.Join(dir, "p/p.go"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o640), info.Mode().Perm(), "file mode kept")

	out, _, code := gofixslice(t, dir, "./...")
	assert.Equal(t, 0, code, "second run finds nothing")
	assert.Empty(t, out)

	vet := exec.Command("go", "vet", "./...")
	vet.Dir = dir
	b, err := vet.CombinedOutput()
	require.NoError(t, err, "go vet on the fixed module: %s", b)

	leftovers, _ := filepath.Glob(filepath.Join(dir, "p", ".*gofixslice*"))
	assert.Empty(t, leftovers, "no temporary files left behind")
}

func TestListAndDiffApplyWithGitApply(t *testing.T) {
	dir := module(t, map[string]string{"p/p.go": hazard, "p/other.go": "package p\n"})
	out, _, code := gofixslice(t, dir, "-l", "./...")
	assert.Equal(t, 1, code)
	assert.Equal(t, "p/p.go\n", out)

	diff, _, code := gofixslice(t, dir, "-d", "./...")
	assert.Equal(t, 1, code)
	require.Contains(t, diff, "--- a/p/p.go\n+++ b/p/p.go\n")
	assert.Equal(t, hazard, read(t, dir, "p/p.go"), "-d writes nothing")

	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(diff)
		b, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, b)
	}
	git("init", "-q")
	git("apply", "--check", "-")
	git("apply", "-")
	assert.Equal(t, hazardFixed, read(t, dir, "p/p.go"))
}

func TestSingleFileArgumentRewritesOnlyThatFile(t *testing.T) {
	sibling := strings.Replace(hazard, "func keep(", "func keep2(", 1)
	dir := module(t, map[string]string{"p/a.go": hazard, "p/b.go": sibling})
	_, errOut, code := gofixslice(t, dir, "-w", "p/a.go")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, hazardFixed, read(t, dir, "p/a.go"))
	assert.Equal(t, sibling, read(t, dir, "p/b.go"), "sibling untouched")

	out, _, code := gofixslice(t, dir, "p/b.go")
	assert.Equal(t, 1, code)
	assert.True(t, strings.HasPrefix(out, "p/b.go:7:10: transient-retain/next-call:"), out)
}

func TestSyntaxErrorInOnePackageOthersStillFixed(t *testing.T) {
	dir := module(t, map[string]string{
		"bad/bad.go": "package bad\n\nfunc broken( {\n",
		"p/p.go":     hazard,
	})
	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "bad/bad.go:3:")
	assert.Equal(t, hazardFixed, read(t, dir, "p/p.go"), "the good package is still fixed")
}

func TestTypeErrorNamesFileAndPosition(t *testing.T) {
	dir := module(t, map[string]string{"p/p.go": "package p\n\nvar x int = \"s\"\n"})
	_, errOut, code := gofixslice(t, dir, "./...")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "p/p.go:3:13")
}

func TestGeneratedFileUntouched(t *testing.T) {
	gen := "// Code generated by hand. DO NOT EDIT.\n\n" + hazard
	dir := module(t, map[string]string{"p/p.go": gen})
	out, _, code := gofixslice(t, dir, "-w", "./...")
	assert.Equal(t, 0, code)
	assert.Empty(t, out)
	assert.Equal(t, gen, read(t, dir, "p/p.go"))
}

func TestCRLFAndBOMKept(t *testing.T) {
	withBlank := strings.Replace(hazard, "func keep", "// keep keeps.\n\n\nfunc keep", 1)
	crlf := strings.ReplaceAll(withBlank, "\n", "\r\n")
	bom := "\xEF\xBB\xBF" + hazard
	dir := module(t, map[string]string{"p/p.go": crlf, "q/q.go": strings.Replace(bom, "package p", "package q", 1)})
	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	require.Equal(t, 0, code, errOut)
	wantCRLF := strings.ReplaceAll(strings.Replace(hazardFixed, "func keep", "// keep keeps.\n\n\nfunc keep", 1), "\n", "\r\n")
	// gofmt collapses the two blank lines to one, as it would on LF input.
	wantCRLF = strings.Replace(wantCRLF, "\r\n\r\n\r\nfunc", "\r\n\r\nfunc", 1)
	assert.Equal(t, wantCRLF, read(t, dir, "p/p.go"))
	assert.Equal(t, "\xEF\xBB\xBF"+strings.Replace(hazardFixed, "package p", "package q", 1), read(t, dir, "q/q.go"))
}

func TestDuplicateImportPath(t *testing.T) {
	src := `package p

import (
	"bufio"
	"bytes"
	b2 "bytes"
)

var _ = b2.MinRead + bytes.MinRead

func keep(sc *bufio.Scanner, m map[int][]byte) {
	for i := 0; sc.Scan(); i++ {
		m[i] = sc.Bytes()
	}
}
`
	dir := module(t, map[string]string{"p/p.go": src})
	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	require.Equal(t, 0, code, errOut)
	want := strings.Replace(src, "m[i] = sc.Bytes()", "m[i] = bytes.Clone(sc.Bytes())", 1)
	assert.Equal(t, want, read(t, dir, "p/p.go"), "both imports kept, the plain one reused")
}

func TestReadOnlyFileErrorOthersWritten(t *testing.T) {
	dir := module(t, map[string]string{"p/p.go": hazard, "q/q.go": strings.Replace(hazard, "package p", "package q", 1)})
	ro := filepath.Join(dir, "p/p.go")
	require.NoError(t, os.Chmod(ro, 0o444))
	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "p/p.go: file is read-only")
	assert.Equal(t, hazard, read(t, dir, "p/p.go"))
	assert.Equal(t, strings.Replace(hazardFixed, "package p", "package q", 1), read(t, dir, "q/q.go"))
}

func TestJSONOutput(t *testing.T) {
	dir := module(t, map[string]string{"p/p.go": hazard})
	out, _, code := gofixslice(t, dir, "-json", "./...")
	assert.Equal(t, 1, code)
	var got struct {
		Findings []struct {
			Rule     string `json:"rule"`
			Check    string `json:"check"`
			Category string `json:"category"`
			File     string `json:"file"`
			Line     int    `json:"line"`
			Column   int    `json:"column"`
			Fixable  bool   `json:"fixable"`
			Edits    []struct {
				Start   int    `json:"start"`
				End     int    `json:"end"`
				NewText string `json:"new_text"`
			} `json:"edits"`
		} `json:"findings"`
		Errors []string `json:"errors"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got.Findings, 1)
	f := got.Findings[0]
	assert.Equal(t, "transient-retain", f.Rule)
	assert.Equal(t, "transient-retain/next-call", f.Check)
	assert.Equal(t, "bug", f.Category)
	assert.Equal(t, "p/p.go", f.File)
	assert.Equal(t, 7, f.Line)
	assert.True(t, f.Fixable)
	// Applying the edits (from the end) to the original gives the fix.
	src := hazard
	for i := len(f.Edits) - 1; i >= 0; i-- {
		e := f.Edits[i]
		src = src[:e.Start] + e.NewText + src[e.End:]
	}
	assert.Equal(t, hazardFixed, src)
}

func TestListAndExplain(t *testing.T) {
	out, _, code := gofixslice(t, "", "-list")
	assert.Equal(t, 0, code)
	for _, r := range rules.All() {
		assert.Contains(t, out, r.ID+" ")
		for _, c := range r.Checks {
			assert.Regexp(t, `(?m)^  `+regexp.QuoteMeta(c.ID())+` +`+string(c.Category)+` `, out, "-list shows each check with its category")
		}
	}
	assert.Regexp(t, `(?m)^  range-delete/map-clear +style .*\(off by default\)$`, out)
	out, _, code = gofixslice(t, "", "-explain", "pool-put/boxing")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "pool-put/boxing (performance)")
	out, _, code = gofixslice(t, "", "-explain", "subslice-pin")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "Not reported:")
	_, _, code = gofixslice(t, "", "-explain", "nope")
	assert.Equal(t, 2, code)
}

// TestExampleEndToEnd runs the README's main command on a copy of the
// bundled example, writes the fixes, and checks that go vet passes and a
// second run reports nothing.
func TestExampleEndToEnd(t *testing.T) {
	src, err := os.ReadDir("../../examples/ingest")
	require.NoError(t, err)
	files := map[string]string{}
	for _, e := range src {
		b, err := os.ReadFile(filepath.Join("../../examples/ingest", e.Name()))
		require.NoError(t, err)
		files["ingest/"+e.Name()] = string(b)
	}
	dir := module(t, files)
	out, why, code := gofixslice(t, dir, "-v", "-d", "./...")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "+\t\tlines = append(lines, bytes.Clone(sc.Bytes()))")
	assert.Contains(t, out, "+\ttitles[path] = bytes.Clone(first)")
	assert.NotContains(t, out, "why:", "stdout is a patch")
	// The example shows every rule, each finding with its explanation.
	for _, r := range rules.All() {
		assert.Contains(t, why, ": "+r.ID+"/", "the example has a %s finding", r.ID)
		assert.Contains(t, why, "gofixslice -explain "+r.ID+")")
	}
	assert.Equal(t, strings.Count(why, "\twhy: "), strings.Count(why, "\tfix: "), why)
	// Findings of rules that give evidence show their chains, indented
	// under the finding, before its explanation.
	for _, chain := range []string{
		`ingest/render.go:\d+:\d+: range-delete/slice: .*\n\tingest/render.go:\d+:\d+: the loop ranges over names here.*\n\tingest/render.go:\d+:\d+: names\[i\] is removed here.*\n\tingest/render.go:\d+:\d+: the loop advances i here.*\n\twhy: `,
		`ingest/batches.go:\d+:\d+: alias-append/handoff: .*\n\tingest/batches.go:\d+:\d+: recs\[i:j\] is sliced from recs here.*\n\tingest/batches.go:\d+:\d+: it is handed to a goroutine here\n\tingest/batches.go:\d+:\d+: send appends to it here.*\n\tingest/batches.go:\d+:\d+: recs belongs to the caller.*\n\twhy: `,
		`ingest/auth.go:\d+:\d+: zero-secret/dropped: .*\n\tingest/auth.go:\d+:\d+: password's buffer is allocated here\n\tingest/auth.go:\d+:\d+: secret bytes are written into password here\n\tingest/auth.go:\d+:\d+: password is truncated here.*\n\twhy: `,
	} {
		assert.Regexp(t, chain, why)
	}

	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	require.Equal(t, 0, code, errOut)
	out, _, code = gofixslice(t, dir, "./...")
	assert.Equal(t, 0, code, out)
	vet := exec.Command("go", "vet", "./...")
	vet.Dir = dir
	b, err := vet.CombinedOutput()
	require.NoError(t, err, "%s", b)
}

// poolBoth has a Put of a slice value (pool-put/boxing) and a Put of a
// buffer that is not reset (pool-put/no-reset), on lines 16 and 24.
const poolBoth = `package q

import (
	"bytes"
	"sync"
)

var slicePool = sync.Pool{New: func() any { return make([]byte, 0, 64) }}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func Sum(p []byte) int {
	b := slicePool.Get().([]byte)
	b = append(b[:0], p...)
	n := len(b)
	slicePool.Put(b)
	return n
}

func Render(v string) string {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.WriteString(v)
	s := buf.String()
	bufPool.Put(buf)
	return s
}
`

// TestSubChecks selects and suppresses single checks: the IDs users type in
// -enable, -disable, -category and suppression comments.
func TestSubChecks(t *testing.T) {
	dir := module(t, map[string]string{"q/q.go": poolBoth})
	ids := func(args ...string) []string {
		out, errOut, code := gofixslice(t, dir, append(args, "./...")...)
		require.NotEqual(t, 2, code, errOut)
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if parts := strings.SplitN(l, ": ", 3); len(parts) == 3 {
				got = append(got, parts[0]+" "+parts[1])
			}
		}
		return got
	}
	both := []string{"q/q.go:16:16 pool-put/boxing", "q/q.go:24:2 pool-put/no-reset"}
	assert.Equal(t, both, ids())
	assert.Equal(t, both[1:], ids("-disable", "pool-put/boxing"))
	assert.Equal(t, both[:1], ids("-enable", "pool-put/boxing"))
	assert.Equal(t, both[:1], ids("-category", "performance"))
	assert.Empty(t, ids("-category", "memory,hardening"))
	assert.Equal(t, both, ids("-enable", "pool-put", "-category", "bug,performance"))

	suppressed := strings.Replace(poolBoth, "\tbufPool.Put(buf)\n", "\tbufPool.Put(buf) //gofixslice:ignore pool-put/no-reset\n", 1)
	suppressed = strings.Replace(suppressed, "\tslicePool.Put(b)\n", "\t//gofixslice:ignore pool-put/typed-nil,pool-put/use-after-put\n\tslicePool.Put(b)\n", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "q/q.go"), []byte(suppressed), 0o644))
	assert.Equal(t, []string{"q/q.go:17:16 pool-put/boxing"}, ids(), "a check ID silences that check only")

	suppressed = strings.Replace(suppressed, "//gofixslice:ignore pool-put/typed-nil,pool-put/use-after-put", "//gofixslice:ignore pool-put", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "q/q.go"), []byte(suppressed), 0o644))
	assert.Empty(t, ids(), "a rule ID silences all its checks")
}

// TestStyleIsOffByDefault: map-clear runs only when asked for.
func TestStyleIsOffByDefault(t *testing.T) {
	dir := module(t, map[string]string{
		"go.mod": "module example.com/m\n\ngo 1.22\n",
		"m/m.go": "package m\n\nfunc reset(m map[string]int) {\n\tfor k := range m {\n\t\tdelete(m, k)\n\t}\n}\n",
	})
	out, _, code := gofixslice(t, dir, "./...")
	assert.Equal(t, 0, code, out)
	for _, args := range [][]string{{"-category", "style"}, {"-enable", "range-delete"}, {"-enable", "range-delete/map-clear"}} {
		out, _, code = gofixslice(t, dir, append(args, "./...")...)
		assert.Equal(t, 1, code, "%v", args)
		assert.Contains(t, out, "m/m.go:4:2: range-delete/map-clear: ", "%v", args)
	}
}

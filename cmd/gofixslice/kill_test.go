package main

import (
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain lets the tests run the command as a child process: the test
// binary re-executed with GOFIXSLICE_TEST_MAIN=1 is gofixslice itself.
func TestMain(m *testing.M) {
	if os.Getenv("GOFIXSLICE_TEST_MAIN") == "1" {
		os.Exit(run(os.Args[1:], "", os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestKillDuringWriteNeverTruncates kills `gofixslice -w` with SIGKILL at
// chosen moments, most of them while it is writing (the parent watches for
// the temporary files the writer creates and kills at a random moment of
// the write phase once one appears), some at a random moment of the run. After
// every kill each file must be byte for byte either its old or its new
// content: never empty, truncated or mixed, which is what writing a full
// temporary file and renaming it over the original guarantees. Leftover
// temporary files are dot-files the go command ignores; the build passes
// with them, and a last uninterrupted run finishes the job.
func TestKillDuringWriteNeverTruncates(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	const nFiles = 40
	files := map[string]string{}
	old := map[string]string{}
	fixed := map[string]string{}
	// Pad the files so that each write takes a little time.
	pad := strings.Repeat("\n// padding padding padding padding padding padding padding padding\n", 400)
	for i := 0; i < nFiles; i++ {
		name := fmt.Sprintf("many/f%02d.go", i)
		suffix := fmt.Sprintf("%02d", i)
		old[name] = hazardIn("many", suffix) + pad
		fixed[name] = hazardFixedIn("many", suffix) + pad
		files[name] = old[name]
	}
	dir := module(t, files)
	pkgDir := filepath.Join(dir, "many")

	tmpFiles := func() []string {
		m, err := filepath.Glob(filepath.Join(pkgDir, ".*.gofixslice-*"))
		require.NoError(t, err)
		return m
	}
	reset := func() {
		for name, content := range old {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
		}
		for _, m := range tmpFiles() {
			require.NoError(t, os.Remove(m))
		}
	}
	check := func(iter int) (nOld, nNew, nTmp int) {
		t.Helper()
		entries, err := os.ReadDir(pkgDir)
		require.NoError(t, err)
		for _, e := range entries {
			name := "many/" + e.Name()
			if strings.HasPrefix(e.Name(), ".") {
				require.Contains(t, e.Name(), ".gofixslice-", "iteration %d: unexpected file %s", iter, name)
				nTmp++
				continue
			}
			got := read(t, dir, name)
			switch got {
			case old[name]:
				nOld++
			case fixed[name]:
				nNew++
			default:
				t.Fatalf("iteration %d: %s is neither the old nor the new content (%d bytes; old %d, new %d)",
					iter, name, len(got), len(old[name]), len(fixed[name]))
			}
		}
		require.Equal(t, nFiles, nOld+nNew, "iteration %d: every file is still there", iter)
		return
	}
	start := func(stderr io.Writer) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-w", "./...")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFIXSLICE_TEST_MAIN=1")
		cmd.Stderr = stderr
		require.NoError(t, cmd.Start())
		return cmd
	}

	// waitTmp polls until a temporary file appears (true) or the child
	// exits (false).
	waitTmp := func(exited chan struct{}) bool {
		for {
			select {
			case <-exited:
				return false
			default:
			}
			if len(tmpFiles()) > 0 {
				return true
			}
			time.Sleep(100 * time.Microsecond)
		}
	}
	wait := func(cmd *exec.Cmd) chan struct{} {
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		return exited
	}

	// One full run to learn how long a run and its write phase take.
	t0 := time.Now()
	var stderr strings.Builder
	full := start(&stderr)
	exited := wait(full)
	var writeStart time.Time
	if waitTmp(exited) {
		writeStart = time.Now()
	}
	<-exited
	runTime := time.Since(t0)
	require.True(t, full.ProcessState.Success(), "uninterrupted run: %s\n%s", full.ProcessState, stderr.String())
	writeTime := time.Millisecond
	if !writeStart.IsZero() && time.Since(writeStart) > writeTime {
		writeTime = time.Since(writeStart)
	}
	_, nNew, _ := check(-1)
	require.Equal(t, nFiles, nNew, "an uninterrupted run fixes every file")
	t.Logf("run %v, write phase about %v", runTime, writeTime)

	rng := rand.New(rand.NewSource(1))
	midWrite := 0
	const iterations = 8
	for iter := 0; iter < iterations; iter++ {
		reset()
		cmd := start(nil)
		exited := wait(cmd)
		sawTmp := false
		if iter%4 == 3 {
			// A random moment of the whole run.
			select {
			case <-time.After(time.Duration(rng.Int63n(int64(runTime)))):
			case <-exited:
			}
		} else if sawTmp = waitTmp(exited); sawTmp {
			// A random moment of the write phase.
			time.Sleep(time.Duration(rng.Int63n(int64(writeTime))))
		}
		cmd.Process.Kill()
		<-exited
		nOld, nNew, nTmp := check(iter)
		if sawTmp && nOld > 0 && nNew > 0 {
			midWrite++
		}
		t.Logf("iteration %d: old %d, new %d, temporary files left %d", iter, nOld, nNew, nTmp)
	}
	t.Logf("%d of %d kills landed between two file writes", midWrite, iterations)

	// Leftover temporary files do not disturb the go command, and a last
	// run completes the fixes and leaves a clean tree.
	goCmd(t, dir, "build", "./...")
	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	assert.Equal(t, 0, code, errOut)
	_, nNew, _ = check(iterations)
	assert.Equal(t, nFiles, nNew)
	out, _, code := gofixslice(t, dir, "-l", "./...")
	assert.Equal(t, 0, code)
	assert.Empty(t, out)
}

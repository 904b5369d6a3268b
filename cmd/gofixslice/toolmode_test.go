package main

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// buildTool builds the gofixslice binary once per test binary run.
func buildTool(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gofixslice")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// TestGoVetVettool runs `go vet -vettool=gofixslice ./...` on a sample
// module: the go command drives the unitchecker protocol (-V=full, -flags,
// one .cfg per package) and reports our findings.
func TestGoVetVettool(t *testing.T) {
	bin := buildTool(t)
	dir := module(t, map[string]string{"p/p.go": hazard, "q/q.go": "package q\n"})
	cmd := exec.Command("go", "vet", "-vettool="+bin, "./...")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "go vet must fail on findings")
	assert.Contains(t, string(out), "p/p.go:7:10: sc.Bytes() is overwritten by the next Scan but is retained; copy it")
	assert.Equal(t, hazard, read(t, dir, "p/p.go"), "go vet does not write")
}

// TestGoFixFixtool runs `go fix -fixtool=gofixslice ./...`: the go command
// applies our suggested fixes (the same dst rewrite as -w).
func TestGoFixFixtool(t *testing.T) {
	bin := buildTool(t)
	dir := module(t, map[string]string{"p/p.go": hazard})
	cmd := exec.Command("go", "fix", "-fixtool="+bin, "./...")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	assert.Equal(t, hazardFixed, read(t, dir, "p/p.go"))

	// Nothing left: vet is clean now.
	cmd = exec.Command("go", "vet", "-vettool="+bin, "./...")
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	assert.NoError(t, err, "%s", out)
}

func TestToolProtocolDetection(t *testing.T) {
	assert.True(t, toolProtocol([]string{"-V=full"}))
	assert.True(t, toolProtocol([]string{"-flags"}))
	assert.True(t, toolProtocol([]string{"-fix", "/tmp/x/vet.cfg"}))
	assert.False(t, toolProtocol([]string{"./..."}))
	assert.False(t, toolProtocol([]string{"-w", "a.go"}))
}

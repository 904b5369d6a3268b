package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPreCommitHooks runs the repository's .pre-commit-hooks.yaml with the
// real pre-commit, through `git commit` in a temporary repository. The
// hooks are used as a local repository (`repo: local`) with the manifest's
// own definitions (types, exclude, require_serial, entry arguments); only
// `language: golang` becomes `language: system` and the entry points at a
// freshly built binary, since a golang hook would `go install` this
// repository from its git remote.
//
// Without pre-commit the test skips, except on CI (CI=true), where .ci/run
// installs it and the test must run.
func TestPreCommitHooks(t *testing.T) {
	if _, err := exec.LookPath("pre-commit"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pre-commit is not installed; on CI it must be (.ci/run installs the Debian package pre-commit)")
		}
		t.Skip("pre-commit is not installed (Debian: apt-get install pre-commit); this test runs on CI")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed")
	}
	manifestPath, err := filepath.Abs(filepath.Join("..", "..", ".pre-commit-hooks.yaml"))
	require.NoError(t, err)
	manifest, err := os.ReadFile(manifestPath)
	require.NoError(t, err)

	bin := buildTool(t)
	sibling := strings.Replace(hazard, "func keep(", "func keep2(", 1)
	dir := module(t, map[string]string{
		"p/p.go":                  hazard,
		"p/sibling.go":            sibling,
		"c/c.go":                  "package c\n\nfunc F() int { return 1 }\n",
		"p/testdata/broken.go":    "package broken\n\nfunc (\n",
		".pre-commit-config.yaml": localConfig(t, string(manifest), bin),
	})
	env := append(os.Environ(),
		"PRE_COMMIT_HOME="+t.TempDir(), // pre-commit's cache, not ~/.cache
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+filepath.Join(t.TempDir(), "gitconfig"),
	)
	cmd := func(extraEnv []string, name string, args ...string) (string, error) {
		t.Helper()
		c := exec.Command(name, args...)
		c.Dir = dir
		c.Env = append(append([]string(nil), env...), extraEnv...)
		out, err := c.CombinedOutput()
		return string(out), err
	}
	must := func(name string, args ...string) string {
		t.Helper()
		out, err := cmd(nil, name, args...)
		require.NoError(t, err, "%s %v: %s", name, args, out)
		return out
	}
	must("pre-commit", "validate-manifest", manifestPath)
	must("git", "init", "-q", "-b", "main")
	must("pre-commit", "validate-config", ".pre-commit-config.yaml")
	must("pre-commit", "install")
	must("git", "add", "go.mod", ".pre-commit-config.yaml", "c/c.go")
	must("git", "commit", "-q", "-m", "clean files pass")

	// The fixing hook: the staged file is fixed, its unstaged sibling is
	// not touched, and the commit fails because the hook changed a file.
	fixOnly := []string{"SKIP=gofixslice-check"}
	must("git", "add", "p/p.go", "p/testdata/broken.go")
	out, err := cmd(fixOnly, "git", "commit", "-m", "hazard")
	require.Error(t, err, "the commit fails: %s", out)
	assert.Contains(t, out, "files were modified by this hook", out)
	assert.Contains(t, out, "gofixslice (fix)", out)
	assert.Equal(t, hazardFixed, read(t, dir, "p/p.go"), "the staged file is fixed")
	assert.Equal(t, sibling, read(t, dir, "p/sibling.go"), "an unstaged file is not touched")
	assert.Equal(t, "package broken\n\nfunc (\n", read(t, dir, "p/testdata/broken.go"), "testdata is excluded")
	staged := must("git", "show", ":p/p.go")
	assert.Equal(t, hazard, staged, "the fix is left unstaged for review")

	// Staging the fix lets the commit through.
	must("git", "add", "p/p.go")
	out = must("git", "commit", "-m", "hazard fixed")
	assert.Contains(t, out, "gofixslice (fix)")
	assert.Contains(t, out, "Passed")

	// The check-only hook: a staged hazard fails the commit with the
	// finding printed, and nothing is changed.
	check := []string{"SKIP=gofixslice"}
	must("git", "add", "p/sibling.go")
	out, err = cmd(check, "git", "commit", "-m", "sibling")
	require.Error(t, err, "the commit fails: %s", out)
	assert.Contains(t, out, "p/sibling.go:7:10: transient-retain/next-call: sc.Bytes() is overwritten by the next Scan but is retained; copy it")
	assert.NotContains(t, out, "files were modified")
	assert.Equal(t, sibling, read(t, dir, "p/sibling.go"))

	// A clean change passes both hooks.
	must("git", "reset", "-q", "p/sibling.go")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "c/c.go"), []byte("package c\n\nfunc F() int { return 2 }\n"), 0o644))
	must("git", "add", "c/c.go")
	out = must("git", "commit", "-m", "clean change")
	assert.Equal(t, 2, strings.Count(out, "Passed"), out)
}

// localConfig turns the hook manifest into a .pre-commit-config.yaml with
// one local repository holding the same hooks, run from bin.
func localConfig(t *testing.T, manifest, bin string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("repos:\n  - repo: local\n    hooks:\n")
	entries, languages := 0, 0
	for _, line := range strings.Split(manifest, "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		switch {
		case strings.HasPrefix(trimmed, "entry: gofixslice"):
			line = strings.Replace(line, "entry: gofixslice", "entry: "+bin, 1)
			entries++
		case trimmed == "language: golang":
			line = strings.Replace(line, "golang", "system", 1)
			languages++
		}
		b.WriteString("      " + line + "\n")
	}
	require.Equal(t, 2, entries, "two hooks with entry: gofixslice ...")
	require.Equal(t, 2, languages, "two hooks with language: golang")
	return b.String()
}

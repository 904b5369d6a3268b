package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/internal/testmod"
)

const root = "../../.."

// TestSuiteIsGenerated keeps rules/suite_gen.go what the generator writes:
// a rule package is in the suite exactly when it exists.
func TestSuiteIsGenerated(t *testing.T) {
	want, err := Suite(root)
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(root, suiteFile))
	require.NoError(t, err)
	require.Equal(t, string(want), string(got), "run go run ./internal/cmd/addrule -suite")
}

// TestScaffoldBuildsASeventhRule runs the scaffold in a copy of the
// repository: it must touch only the new rule's directory, its golden
// folder and the generated suite, and the result must build, vet, pass the
// new rule's test and the import-graph test, and list the rule.
func TestScaffoldBuildsASeventhRule(t *testing.T) {
	if testing.Short() {
		t.Skip("copies and builds the repository")
	}
	out, err := exec.Command("git", "-C", root, "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	dir := t.TempDir()
	before := map[string][]byte{}
	for _, f := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		data, err := os.ReadFile(filepath.Join(root, f))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		require.NoError(t, err)
		p := filepath.Join(dir, filepath.FromSlash(f))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, data, 0o644))
		before[f] = data
	}
	gocmd := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = testmod.Env()
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "go %s:\n%s", strings.Join(args, " "), out)
		return string(out)
	}
	gocmd("run", "./internal/cmd/addrule", "self-copy")

	var changed []string
	require.NoError(t, filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		data, _ := os.ReadFile(p)
		if old, ok := before[rel]; !ok || string(old) != string(data) {
			changed = append(changed, rel)
		}
		return nil
	}))
	sort.Strings(changed)
	assert.Equal(t, []string{
		"golden/self-copy/neg_distinct.txtar",
		"golden/self-copy/reports.txtar",
		"rules/selfcopy/analyzer.go",
		"rules/selfcopy/selfcopy.go",
		"rules/selfcopy/selfcopy_test.go",
		"rules/suite_gen.go",
	}, changed)

	gocmd("build", "./...")
	gocmd("vet", "./rules/...", "./internal/cmd/...")
	gocmd("test", "./rules/selfcopy")
	gocmd("test", "./rewrite", "-run", "TestImportGraph")
	list := gocmd("run", "./cmd/gofixslice", "-list")
	assert.Contains(t, list, "self-copy/self ")
	out2 := gocmd("run", "./internal/cmd/addrule", "-suite")
	assert.Empty(t, out2)

	// A second scaffold of the same name is refused.
	cmd := exec.Command("go", "run", "./internal/cmd/addrule", "self-copy")
	cmd.Dir = dir
	cmd.Env = testmod.Env()
	msg, err := cmd.CombinedOutput()
	require.Error(t, err)
	assert.Contains(t, string(msg), "already exists")
}

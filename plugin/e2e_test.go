package plugin_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGolangciLintCustomEndToEnd builds golangci-lint with the plugin by
// running the real `golangci-lint custom` on the repository's
// .custom-gcl.yml, then runs the custom binary with the README's
// .golangci.yml on a sample module: it reports the finding, --fix applies
// gofixslice's fix, and the settings reach the analyzers.
//
// `golangci-lint custom` clones golangci-lint's git repository at the
// configured version. The test gives it that repository from the module
// proxy's copy of the same release (a local git repository tagged with the
// version, swapped in with git's url.<base>.insteadOf), so it needs only
// the Go module proxy. A cold build takes several minutes: the test runs
// only with GOFIXSLICE_GOLANGCI_E2E=1.
func TestGolangciLintCustomEndToEnd(t *testing.T) {
	if os.Getenv("GOFIXSLICE_GOLANGCI_E2E") != "1" {
		t.Skip("builds golangci-lint (minutes, needs the Go module proxy): set GOFIXSLICE_GOLANGCI_E2E=1 to run")
	}
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	cfg, err := os.ReadFile(filepath.Join(root, ".custom-gcl.yml"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^version:\s*(\S+)`).FindSubmatch(cfg)
	require.NotNil(t, m, ".custom-gcl.yml names a golangci-lint version")
	version := string(m[1])
	m = regexp.MustCompile(`(?m)^name:\s*(\S+)`).FindSubmatch(cfg)
	require.NotNil(t, m, ".custom-gcl.yml names the binary")
	binName := string(m[1])

	tmp := t.TempDir()
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
	runIn := func(dir string, extraEnv []string, name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = dir
		cmd.Env = append(append([]string(nil), env...), extraEnv...)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s %v: %s", name, args, out)
		return string(out)
	}

	// golangci-lint's source at the version, as a git repository.
	out := runIn(tmp, nil, "go", "mod", "download", "-json", "github.com/golangci/golangci-lint/v2@"+version)
	var mod struct{ Dir string }
	require.NoError(t, json.Unmarshal([]byte(out), &mod))
	src := filepath.Join(tmp, "golangci-lint")
	copyTree(t, mod.Dir, src)
	gitEnv := []string{"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"}
	runIn(src, gitEnv, "git", "init", "-q")
	runIn(src, gitEnv, "git", "add", "-A")
	runIn(src, gitEnv, "git", "commit", "-q", "-m", version)
	runIn(src, gitEnv, "git", "tag", version)

	// The stock golangci-lint (go install from the module cache: the
	// build cache keeps it for the next run), then `golangci-lint custom`
	// in the repository root, where .custom-gcl.yml is and `path: .`
	// points.
	gcl := filepath.Join(tmp, "bin", "golangci-lint")
	runIn(tmp, []string{"GOFLAGS=", "GOBIN=" + filepath.Dir(gcl)}, "go", "install", "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@"+version)
	dest := filepath.Join(tmp, "out")
	runIn(root, []string{
		"GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=url.file://" + filepath.ToSlash(src) + ".insteadOf",
		"GIT_CONFIG_VALUE_0=https://github.com/golangci/golangci-lint.git",
	}, gcl, "custom", "-v", "--destination", dest)
	custom := filepath.Join(dest, binName)
	_, err = os.Stat(custom)
	require.NoError(t, err, "custom binary built")

	// A sample module with the README's .golangci.yml.
	sample := filepath.Join(tmp, "sample")
	golangciYML := readmeBlock(t, filepath.Join(root, "README.md"), "yaml", "type: module")
	writeFiles(t, sample, map[string]string{
		"go.mod":        "module example.com/m\n\ngo 1.22\n",
		"p/p.go":        hazard,
		".golangci.yml": golangciYML,
	})
	lint := func(args ...string) (string, int) {
		cmd := exec.Command(custom, args...)
		cmd.Dir = sample
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else {
			require.NoError(t, err)
		}
		return string(out), code
	}
	out, code := lint("run", "./...")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "p/p.go:7:10: transientretain: sc.Bytes() is overwritten by the next Scan but is retained; copy it (gofixslice)")

	out, code = lint("run", "--fix", "./...")
	assert.Equal(t, 0, code, out)
	b, err := os.ReadFile(filepath.Join(sample, "p/p.go"))
	require.NoError(t, err)
	assert.Equal(t, hazardFixed, string(b), "golangci-lint --fix applies the plugin's suggested fix")

	out, code = lint("run", "./...")
	assert.Equal(t, 0, code, out)

	// Settings reach the plugin: disabling the rule silences the hazard;
	// an unknown key is an error naming it.
	writeFiles(t, sample, map[string]string{"p/p.go": hazard, ".golangci.yml": strings.Replace(golangciYML, "disable: [", "disable: [transient-retain, ", 1)})
	out, code = lint("run", "./...")
	assert.Equal(t, 0, code, out)
	writeFiles(t, sample, map[string]string{".golangci.yml": strings.Replace(golangciYML, "large:", "largest:", 1)})
	out, code = lint("run", "./...")
	assert.NotEqual(t, 0, code, out)
	assert.Contains(t, out, `unknown field "largest"`)
}

// hazard is exported: golangci-lint's default linters (unused) run too.
const hazard = `package p

import "bufio"

func Keep(sc *bufio.Scanner, m map[int][]byte) {
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

func Keep(sc *bufio.Scanner, m map[int][]byte) {
	for i := 0; sc.Scan(); i++ {
		m[i] = bytes.Clone(sc.Bytes())
	}
}
`

// readmeBlock returns the first fenced block of the given language in the
// README that contains marker.
func readmeBlock(t *testing.T, readme, lang, marker string) string {
	t.Helper()
	b, err := os.ReadFile(readme)
	require.NoError(t, err)
	for _, m := range regexp.MustCompile("(?ms)^```"+lang+"\n(.*?)^```").FindAllStringSubmatch(string(b), -1) {
		if strings.Contains(m[1], marker) {
			return m[1]
		}
	}
	t.Fatalf("no ```%s block containing %q in %s", lang, marker, readme)
	return ""
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
}

// copyTree copies a read-only module cache directory into a writable one.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, info.Mode().Perm()|0o200)
	})
	require.NoError(t, err)
}

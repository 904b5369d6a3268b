// Package golden runs the golden cases: one folder per rule, one txtar
// archive per case.
//
// A case archive holds:
//
//	-- go.mod --           optional; default "module example.com/golden" with go 1.22
//	-- a.go --             input files (any relative path, several packages allowed)
//	-- a.go.golden --      expected new content of a.go; absent: a.go must not change
//	-- findings --         expected findings, "file:line:col: rule: message", sorted
//	-- exec --             optional: "before: fail|pass" and "after: fail|pass";
//	                       the runner runs the case's own tests (a *_test.go file
//	                       of the case) with go test before and after the rewrite
//	                       and requires those outcomes. This is how a case proves
//	                       that the original misbehaves and the rewrite does not.
//	-- settings --         optional: "key: value" lines overriding
//	                       rewrite.DefaultSettings(); known keys:
//	                       pool-max-cap (Settings.PoolMaxCap).
//
// The runner writes the files into a temporary module, runs the engine with
// the folder's rule and -w, and compares findings and contents. It then runs
// the engine again on the result and requires no change, only the findings
// that had no fix, and no error (the output type-checks).
//
// go test ./golden -update rewrites the findings and .golden sections.
package golden

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rules"
)

var update = flag.Bool("update", false, "rewrite the expected findings and outputs of the golden cases")

const defaultGoMod = "module example.com/golden\n\ngo 1.22\n"

func TestGolden(t *testing.T) {
	dirs, err := os.ReadDir(".")
	require.NoError(t, err)
	ran := 0
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		rule := rules.ByID(d.Name())
		require.NotNil(t, rule, "golden folder %s names no rule", d.Name())
		cases, err := filepath.Glob(filepath.Join(d.Name(), "*.txtar"))
		require.NoError(t, err)
		for _, c := range cases {
			c := c
			ran++
			t.Run(strings.TrimSuffix(c, ".txtar"), func(t *testing.T) {
				t.Parallel()
				runCase(t, rule, c)
			})
		}
	}
	require.NotZero(t, ran, "no golden cases found")
}

// Case is a parsed golden archive.
type Case struct {
	Path     string
	Archive  *txtar.Archive
	Inputs   map[string][]byte // relative path -> content (go.mod included)
	Outputs  map[string][]byte // relative path -> expected new content
	Findings []string
	Exec     map[string]string // "before"/"after" -> "pass"/"fail"
	Settings map[string]string // "-- settings --" overrides
}

// Load parses a golden archive.
func Load(path string) (*Case, error) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		return nil, err
	}
	c := &Case{Path: path, Archive: ar, Inputs: map[string][]byte{}, Outputs: map[string][]byte{}}
	for _, f := range ar.Files {
		switch {
		case f.Name == "findings":
			for _, l := range strings.Split(string(f.Data), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					c.Findings = append(c.Findings, l)
				}
			}
		case f.Name == "exec":
			c.Exec = map[string]string{}
			for _, l := range strings.Split(string(f.Data), "\n") {
				if k, v, ok := strings.Cut(l, ":"); ok {
					c.Exec[strings.TrimSpace(k)] = strings.TrimSpace(v)
				}
			}
		case f.Name == "settings":
			c.Settings = map[string]string{}
			for _, l := range strings.Split(string(f.Data), "\n") {
				if k, v, ok := strings.Cut(l, ":"); ok {
					c.Settings[strings.TrimSpace(k)] = strings.TrimSpace(v)
				}
			}
		case strings.HasSuffix(f.Name, ".golden"):
			c.Outputs[strings.TrimSuffix(f.Name, ".golden")] = f.Data
		default:
			c.Inputs[f.Name] = f.Data
		}
	}
	if _, ok := c.Inputs["go.mod"]; !ok {
		c.Inputs["go.mod"] = []byte(defaultGoMod)
	}
	return c, nil
}

// WriteModule writes the case's input files under dir.
func (c *Case) WriteModule(t testing.TB, dir string) {
	for name, data := range c.Inputs {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, data, 0o644))
	}
}

// Env is the go command environment for golden modules: no workspace, no
// network, no toolchain switch.
func Env() []string { return testmod.Env() }

func runCase(t *testing.T, rule *rewrite.Rule, path string) {
	c, err := Load(path)
	require.NoError(t, err)
	dir := t.TempDir()
	c.WriteModule(t, dir)
	settings := rewrite.DefaultSettings()
	for k, v := range c.Settings {
		switch k {
		case "pool-max-cap":
			n, err := strconv.ParseInt(v, 10, 64)
			require.NoError(t, err, "settings: %s", k)
			settings.PoolMaxCap = n
		default:
			t.Fatalf("settings: unknown key %q", k)
		}
	}
	opts := rewrite.Options{
		Dir: dir, Args: []string{"./..."}, Tests: true, Env: Env(),
		Rules: []*rewrite.Rule{rule}, Settings: settings,
		Fix: true, Write: true,
	}
	if want, ok := c.Exec["before"]; ok && !*update {
		execTests(t, dir, want, "before the rewrite")
	}
	res, err := rewrite.Run(opts)
	require.NoError(t, err)
	require.Empty(t, errorStrings(dir, res.Errors), "engine errors")
	got := findingLines(dir, res.Findings)
	outputs := map[string][]byte{}
	for name, in := range c.Inputs {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		require.NoError(t, err)
		if string(data) != string(in) {
			outputs[name] = data
		}
	}
	if *update {
		rewriteCase(t, c, got, outputs)
		return
	}
	require.Equal(t, c.Findings, got, "findings")
	for name := range c.Inputs {
		want, hasWant := c.Outputs[name]
		gotOut, changed := outputs[name]
		switch {
		case hasWant && !changed:
			t.Errorf("%s: expected a rewrite, file unchanged", name)
		case !hasWant && changed:
			t.Errorf("%s: expected no change, got:\n%s", name, gotOut)
		case hasWant:
			require.Equal(t, string(want), string(gotOut), "%s: rewritten content", name)
		}
	}

	if want, ok := c.Exec["after"]; ok {
		execTests(t, dir, want, "after the rewrite")
	}

	// Idempotence: a second run changes nothing, reports only what the first
	// run could not fix, and loads without errors (the output type-checks).
	res2, err := rewrite.Run(opts)
	require.NoError(t, err)
	require.Empty(t, errorStrings(dir, res2.Errors), "second run: engine errors (does the output compile?)")
	require.Empty(t, res2.Changes, "second run changed files")
	var unfixed, again []string
	for _, f := range res.Findings {
		if !f.Fixed {
			unfixed = append(unfixed, f.Rule+": "+f.Message)
		}
	}
	for _, f := range res2.Findings {
		again = append(again, f.Rule+": "+f.Message)
	}
	require.Equal(t, unfixed, again, "second run findings")
}

// execTests runs the case module's tests and requires the outcome want
// ("pass" or "fail").
func execTests(t *testing.T, dir, want, when string) {
	cmd := exec.Command("go", "test", "-count=1", "./...")
	cmd.Dir = dir
	cmd.Env = Env()
	out, err := cmd.CombinedOutput()
	switch want {
	case "pass":
		require.NoError(t, err, "tests %s should pass:\n%s", when, out)
	case "fail":
		require.Error(t, err, "tests %s should fail:\n%s", when, out)
		require.Contains(t, string(out), "--- FAIL", "tests %s should fail by a test, not a build error:\n%s", when, out)
	default:
		t.Fatalf("exec: unknown outcome %q", want)
	}
}

func findingLines(dir string, fs []rewrite.Finding) []string {
	var out []string
	for _, f := range fs {
		rel, _ := filepath.Rel(dir, f.Pos.Filename)
		line := filepath.ToSlash(rel) + ":" + strconv.Itoa(f.Pos.Line) + ":" + strconv.Itoa(f.Pos.Column) + ": " + f.Rule + ": " + f.Message
		out = append(out, line)
	}
	return out
}

func errorStrings(dir string, errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, strings.ReplaceAll(e.Error(), dir+string(filepath.Separator), ""))
	}
	return out
}

// rewriteCase regenerates the findings and .golden sections of a case.
func rewriteCase(t *testing.T, c *Case, findings []string, outputs map[string][]byte) {
	ar := &txtar.Archive{Comment: c.Archive.Comment}
	for _, f := range c.Archive.Files {
		if f.Name == "findings" || f.Name == "exec" || strings.HasSuffix(f.Name, ".golden") {
			continue
		}
		ar.Files = append(ar.Files, f)
		if out, ok := outputs[f.Name]; ok {
			ar.Files = append(ar.Files, txtar.File{Name: f.Name + ".golden", Data: out})
		}
	}
	data := strings.Join(findings, "\n")
	if data != "" {
		data += "\n"
	}
	ar.Files = append(ar.Files, txtar.File{Name: "findings", Data: []byte(data)})
	for _, f := range c.Archive.Files {
		if f.Name == "exec" {
			ar.Files = append(ar.Files, f)
		}
	}
	require.NoError(t, os.WriteFile(c.Path, txtar.Format(ar), 0o644))
}

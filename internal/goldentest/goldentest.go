// Package goldentest runs golden cases: txtar archives holding a small
// module, the findings a rule must report on it, the files its fixes must
// write, and optionally tests that prove the bug before the fix and its
// absence after. The golden folder and the real-bug corpus use it.
//
// A case archive holds:
//
//	-- go.mod --           optional; default DefaultGoMod (go 1.22)
//	-- a.go --             input files (any relative path, several packages allowed)
//	-- a.go.golden --      expected new content of a.go; absent: a.go must not change
//	-- findings --         expected findings, "file:line:col: id: message", sorted;
//	                       id is the check ID, or the rule ID for any of its checks
//	-- exec --             optional: "before: fail|pass" and "after: fail|pass";
//	                       the runner runs the case's own tests (a *_test.go file
//	                       of the case) with go test before and after the rewrite
//	                       and requires those outcomes. This is how a case proves
//	                       that the original misbehaves and the rewrite does not.
//	-- settings --         optional: "name: value" lines, each the name of an
//	                       option of the case's rule (gofixslice -explain RULE)
//	-- evidence --         optional: evidence chains of some findings (below)
//
// The evidence section names findings and the chains they must carry
// (rule.Diagnostic.Related), in the shape of gofixslice -v:
//
//	a.go:29:13                         a finding: its "file:line:col",
//	                                   "file:line", or a longer prefix of
//	                                   its findings line
//	    a.go:25: is sliced here        its steps, indented, in chain order:
//	    a.go:29: handed to a goroutine "file:line: " (or "file:line:col: ")
//	                                   and a substring of the step's note
//
// A listed finding must carry exactly the listed steps; findings not
// listed are not checked. -update leaves the section as it is.
//
// Run writes the files into a temporary module, runs the engine with the
// rule (every check of it) and -w, and compares findings and contents. It
// then runs the engine again on the result and requires no change, only
// the findings that had no fix, and no error (the output type-checks).
package goldentest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// Case is a parsed golden archive.
type Case struct {
	Path     string
	Archive  *txtar.Archive
	Inputs   map[string][]byte // relative path -> content (go.mod included)
	Outputs  map[string][]byte // relative path -> expected new content
	Findings []string
	Exec     map[string]string // "before"/"after" -> "pass"/"fail"
	Settings map[string]string // "-- settings --" overrides: option name -> value
	Evidence []Chain           // "-- evidence --": expected chains of some findings
}

// Chain is the expected evidence chain of one finding.
type Chain struct {
	Finding string // "file:line:col", "file:line", or a longer prefix of the finding's line
	Steps   []Step
}

// Step is one expected step of a chain.
type Step struct {
	File         string
	Line, Column int    // Column 0: any
	Note         string // a substring of the step's message
}

func (s Step) String() string {
	pos := s.File + ":" + strconv.Itoa(s.Line)
	if s.Column > 0 {
		pos += ":" + strconv.Itoa(s.Column)
	}
	return pos + ": " + s.Note
}

var stepLine = regexp.MustCompile(`^(\S+?):(\d+)(?::(\d+))?: (.+)$`)

// ParseEvidence parses an "-- evidence --" section.
func ParseEvidence(text string) ([]Chain, error) {
	var out []Chain
	for n, l := range strings.Split(text, "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if l[0] != ' ' && l[0] != '\t' {
			out = append(out, Chain{Finding: strings.TrimSpace(l)})
			continue
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("evidence line %d: a step before any finding", n+1)
		}
		m := stepLine.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			return nil, fmt.Errorf("evidence line %d: want \"file:line: note\", got %q", n+1, strings.TrimSpace(l))
		}
		s := Step{File: m[1], Note: m[4]}
		s.Line, _ = strconv.Atoi(m[2])
		if m[3] != "" {
			s.Column, _ = strconv.Atoi(m[3])
		}
		c := &out[len(out)-1]
		c.Steps = append(c.Steps, s)
	}
	return out, nil
}

// CheckEvidence compares the chains of the findings (paths relative to
// dir) with the expected ones and describes each difference.
func CheckEvidence(want []Chain, dir string, fs []rewrite.Finding) []string {
	lines := FindingLines(dir, fs)
	var errs []string
	for _, c := range want {
		var match []int
		for i, l := range lines {
			if l == c.Finding || strings.HasPrefix(l, c.Finding+":") || strings.HasPrefix(l, c.Finding+" ") {
				match = append(match, i)
			}
		}
		if len(match) != 1 {
			errs = append(errs, fmt.Sprintf("evidence: %q names %d findings, want 1", c.Finding, len(match)))
			continue
		}
		f := fs[match[0]]
		var got []string
		for _, s := range f.Evidence {
			rel, _ := filepath.Rel(dir, s.Pos.Filename)
			got = append(got, fmt.Sprintf("%s:%d:%d: %s", filepath.ToSlash(rel), s.Pos.Line, s.Pos.Column, s.Message))
		}
		ok := len(got) == len(c.Steps)
		for i := 0; ok && i < len(got); i++ {
			w, g := c.Steps[i], f.Evidence[i]
			rel, _ := filepath.Rel(dir, g.Pos.Filename)
			ok = filepath.ToSlash(rel) == w.File && g.Pos.Line == w.Line &&
				(w.Column == 0 || g.Pos.Column == w.Column) && strings.Contains(g.Message, w.Note)
		}
		if !ok {
			var wantS []string
			for _, s := range c.Steps {
				wantS = append(wantS, s.String())
			}
			errs = append(errs, fmt.Sprintf("evidence of %s:\n  want: %s\n  got:  %s", lines[match[0]],
				strings.Join(wantS, "\n        "), strings.Join(got, "\n        ")))
		}
	}
	return errs
}

// DefaultGoMod is the go.mod of a case that has none.
const DefaultGoMod = "module example.com/golden\n\ngo 1.22\n"

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
		case f.Name == "evidence":
			c.Evidence, err = ParseEvidence(string(f.Data))
			if err != nil {
				return nil, fmt.Errorf("%s: %v", path, err)
			}
		case strings.HasSuffix(f.Name, ".golden"):
			c.Outputs[strings.TrimSuffix(f.Name, ".golden")] = f.Data
		default:
			c.Inputs[f.Name] = f.Data
		}
	}
	if _, ok := c.Inputs["go.mod"]; !ok {
		c.Inputs["go.mod"] = []byte(DefaultGoMod)
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

// SettingsFor returns the engine settings a case runs with: every check
// of r (style checks included) and the case's "-- settings --" values, each
// key the name of one of r's options.
func (c *Case) SettingsFor(r *rule.Rule) (*rewrite.Settings, error) {
	values := rule.Values{}
	for k, v := range c.Settings {
		var opt *rule.Option
		for _, o := range r.Options {
			if o.Name == k {
				opt = o
			}
		}
		if opt == nil {
			return nil, fmt.Errorf("settings: %s has no option %q", r.ID, k)
		}
		val, err := opt.Parse(v)
		if err != nil {
			return nil, fmt.Errorf("settings: %v", err)
		}
		values[opt] = val
	}
	return &rewrite.Settings{
		Values:  values,
		Enabled: func(check *rule.Check, _ string) bool { return check.Rule() == r },
	}, nil
}

// Run runs the case at path with rule r: findings, rewritten files,
// executable proofs and idempotence. With update, it rewrites the case's
// expected findings and outputs instead of comparing them. It returns the
// findings of the first run.
func Run(t *testing.T, r *rule.Rule, path string, update bool) []rewrite.Finding {
	c, err := Load(path)
	require.NoError(t, err)
	dir := t.TempDir()
	c.WriteModule(t, dir)
	settings, err := c.SettingsFor(r)
	require.NoError(t, err)
	opts := rewrite.Options{
		Dir: dir, Args: []string{"./..."}, Tests: true, Env: Env(),
		Rules:    []*rule.Rule{r},
		Settings: func(string) (*rewrite.Settings, error) { return settings, nil },
		Fix:      true, Write: true, Dependencies: true,
	}
	if want, ok := c.Exec["before"]; ok && !update {
		execTests(t, dir, want, "before the rewrite")
	}
	res, err := rewrite.Run(opts)
	require.NoError(t, err)
	require.Empty(t, errorStrings(dir, res.Errors), "engine errors")
	got := FindingLines(dir, res.Findings)
	outputs := map[string][]byte{}
	for name, in := range c.Inputs {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		require.NoError(t, err)
		if string(data) != string(in) {
			outputs[name] = data
		}
	}
	if update {
		rewriteCase(t, c, got, outputs)
		return res.Findings
	}
	require.Equal(t, c.Findings, Match(c.Findings, got), "findings")
	for _, e := range CheckEvidence(c.Evidence, dir, res.Findings) {
		t.Error(e)
	}
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
			unfixed = append(unfixed, f.Check.ID()+": "+f.Message)
		}
	}
	for _, f := range res2.Findings {
		again = append(again, f.Check.ID()+": "+f.Message)
	}
	require.Equal(t, unfixed, again, "second run findings")
	return res.Findings
}

// Match returns got with each line shaped like the expected line at the
// same index: an expected line may name a finding's rule ("pool-put")
// instead of its check ("pool-put/no-reset"), and then the check name is
// dropped from the line it is compared with. Lines are compared in order;
// extra or missing lines stay as they are and make the comparison fail.
func Match(want, got []string) []string {
	if got == nil {
		return nil
	}
	out := make([]string, len(got))
	for i, g := range got {
		out[i] = g
		if i >= len(want) {
			continue
		}
		if stripped := stripCheck(g); stripped == want[i] {
			out[i] = stripped
		}
	}
	return out
}

// stripCheck turns "a.go:1:2: rule/check: msg" into "a.go:1:2: rule: msg".
func stripCheck(line string) string {
	m := findingID.FindStringSubmatchIndex(line)
	if m == nil {
		return line
	}
	return line[:m[2]] + line[m[3]:]
}

var findingID = regexp.MustCompile(`^\S+:\d+:\d+: [a-z-]+(/[a-z0-9-]+): `)

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

// FindingLines renders findings as golden "findings" lines, with paths
// relative to dir.
func FindingLines(dir string, fs []rewrite.Finding) []string {
	var out []string
	for _, f := range fs {
		rel, _ := filepath.Rel(dir, f.Pos.Filename)
		line := filepath.ToSlash(rel) + ":" + strconv.Itoa(f.Pos.Line) + ":" + strconv.Itoa(f.Pos.Column) + ": " + f.Check.ID() + ": " + f.Message
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
	Rewrite(t, c.Path, c.Archive, findings, outputs)
}

// Rewrite writes the archive at path again with new "findings" and
// ".golden" sections (outputs: file name -> expected content; nil: none).
// Every other section keeps its place; "evidence" and "exec" move after
// "findings".
func Rewrite(t testing.TB, path string, old *txtar.Archive, findings []string, outputs map[string][]byte) {
	ar := &txtar.Archive{Comment: old.Comment}
	for _, f := range old.Files {
		if f.Name == "findings" || f.Name == "evidence" || f.Name == "exec" || strings.HasSuffix(f.Name, ".golden") {
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
	for _, name := range []string{"evidence", "exec"} {
		for _, f := range old.Files {
			if f.Name == name {
				ar.Files = append(ar.Files, f)
			}
		}
	}
	require.NoError(t, os.WriteFile(path, txtar.Format(ar), 0o644))
}

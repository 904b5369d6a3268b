// Package realbugs measures gofixslice on a corpus of real bugs: hazards
// reduced from merged public fix PRs and commits (positive cases) and real
// correct code that looks like them (negative cases).
//
// One txtar archive per case, under <rule-id>/<name>.txtar, in the format
// of the golden cases (golden/golden_test.go) plus two sections:
//
//	-- upstream --   repo: URL, fix: PR or commit URL, bug: one line
//	-- want --       what must be reported, one "file:line: rule-id" a line
//	                 ("file:lo-hi: rule-id" accepts any line of the range);
//	                 empty for negative cases
//
// The archive comment starts with "Positive." or "Negative.". The
// "-- findings --" section records what the tool reported when the case
// was last updated (go test ./bench/realbugs -update); "-- exec --" with
// "before: fail" marks a case whose own _test.go proves the bug (run with
// -prove).
//
// TestRealBugs writes every case into one temporary module (one package
// per case), runs the engine once with every rule, matches the findings
// against the wanted ones by file, line and rule (a finding of
// pool-put/use-after-put matches a want of pool-put), prints recall
// (wanted findings reported / wanted findings) and precision (findings
// matching a want / all findings) per rule and overall, and fails when
// either falls below floor.txt. Missed cases stay in the corpus: the
// figures show the gap, and nothing is skipped.
package realbugs

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/gofixslice/gofixslice/internal/goldentest"
	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rules"
)

var (
	update  = flag.Bool("update", false, "rewrite the -- findings -- sections with today's findings")
	runExec = flag.Bool("prove", false, "also run each case's own tests and check the -- exec -- outcome")
)

// The module every case is written into. golang.org/x/crypto comes from
// the module cache, fetched through the proxy on first use (moduleEnv):
// cases use its KDFs under their real import paths.
const (
	goMod = "module example.com/realbugs\n\ngo 1.25.0\n\nrequire golang.org/x/crypto v0.54.0\n"
	goSum = "golang.org/x/crypto v0.54.0 h1:YLIA59K4fiNzHzjnZt2tUJQjQtUWfWbeHBqKtk3eScw=\n" +
		"golang.org/x/crypto v0.54.0/go.mod h1:KWL8ny2AZdGR2cWmzeHrp2azQPGogOv+HeQaVEXC2dk=\n"
)

// Want is one expected finding.
type Want struct {
	File   string
	Lo, Hi int
	Rule   string
}

// Case is one parsed corpus archive.
type Case struct {
	Path     string // rule-id/name.txtar
	Rule     string // folder
	Name     string
	Positive bool
	Archive  *txtar.Archive
	Inputs   map[string][]byte
	Wants    []Want
	Upstream map[string]string
	Exec     map[string]string
}

// Dir is the case's package directory inside the corpus module.
func (c *Case) Dir() string { return c.Rule + "/" + c.Name }

func loadCases(t *testing.T) []*Case {
	paths, err := filepath.Glob("*/*.txtar")
	require.NoError(t, err)
	require.NotEmpty(t, paths, "no cases")
	var cases []*Case
	for _, p := range paths {
		c, err := loadCase(p)
		require.NoError(t, err, p)
		cases = append(cases, c)
	}
	return cases
}

func loadCase(path string) (*Case, error) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		return nil, err
	}
	rule := filepath.Base(filepath.Dir(path))
	if rules.ByID(rule) == nil {
		return nil, fmt.Errorf("folder %s names no rule", rule)
	}
	c := &Case{
		Path: filepath.ToSlash(path), Rule: rule,
		Name:    strings.TrimSuffix(filepath.Base(path), ".txtar"),
		Archive: ar, Inputs: map[string][]byte{}, Upstream: map[string]string{},
	}
	switch comment := strings.TrimSpace(string(ar.Comment)); {
	case strings.HasPrefix(comment, "Positive."):
		c.Positive = true
	case strings.HasPrefix(comment, "Negative."):
	default:
		return nil, fmt.Errorf("the comment must start with Positive. or Negative.")
	}
	hasWant := false
	for _, f := range ar.Files {
		switch {
		case f.Name == "want":
			hasWant = true
			for _, l := range lines(f.Data) {
				w, err := parseWant(l)
				if err != nil {
					return nil, err
				}
				c.Wants = append(c.Wants, w)
			}
		case f.Name == "upstream":
			for _, l := range lines(f.Data) {
				if k, v, ok := strings.Cut(l, ":"); ok {
					c.Upstream[strings.TrimSpace(k)] = strings.TrimSpace(v)
				}
			}
		case f.Name == "exec":
			c.Exec = map[string]string{}
			for _, l := range lines(f.Data) {
				if k, v, ok := strings.Cut(l, ":"); ok {
					c.Exec[strings.TrimSpace(k)] = strings.TrimSpace(v)
				}
			}
		case f.Name == "findings", f.Name == "settings", f.Name == "evidence", strings.HasSuffix(f.Name, ".golden"):
		case f.Name == "go.mod":
			return nil, fmt.Errorf("cases share one module; a case cannot have its own go.mod")
		default:
			c.Inputs[f.Name] = f.Data
		}
	}
	for _, k := range []string{"repo", "fix", "bug"} {
		if c.Upstream[k] == "" {
			return nil, fmt.Errorf("upstream: missing %q", k)
		}
	}
	if !strings.Contains(c.Upstream["repo"]+c.Upstream["fix"], "github.com/") && !strings.Contains(c.Upstream["fix"], "go.dev/") {
		return nil, fmt.Errorf("upstream: repo and fix must be URLs")
	}
	if !hasWant {
		return nil, fmt.Errorf("no -- want -- section")
	}
	if c.Positive != (len(c.Wants) > 0) {
		return nil, fmt.Errorf("a positive case wants findings and a negative one wants none (positive %v, %d wants)", c.Positive, len(c.Wants))
	}
	for _, w := range c.Wants {
		if _, ok := c.Inputs[w.File]; !ok {
			return nil, fmt.Errorf("want names %s, which the case does not have", w.File)
		}
	}
	return c, nil
}

func lines(data []byte) []string {
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// parseWant parses "file:line: rule" or "file:lo-hi: rule".
func parseWant(l string) (Want, error) {
	loc, rule, ok := strings.Cut(l, ": ")
	i := strings.LastIndex(loc, ":")
	if !ok || i < 0 {
		return Want{}, fmt.Errorf("want %q: not file:line: rule", l)
	}
	w := Want{File: loc[:i], Rule: strings.TrimSpace(rule)}
	lo, hi, isRange := strings.Cut(loc[i+1:], "-")
	var err1, err2 error
	w.Lo, err1 = strconv.Atoi(lo)
	w.Hi = w.Lo
	if isRange {
		w.Hi, err2 = strconv.Atoi(hi)
	}
	if err1 != nil || err2 != nil || w.Hi < w.Lo || rules.ByID(w.Rule) == nil {
		return Want{}, fmt.Errorf("want %q: bad line or rule", l)
	}
	return w, nil
}

// family is the rule of a finding id: pool-put/use-after-put -> pool-put.
// moduleEnv is testmod.Env with the module proxy allowed: the cases use
// golang.org/x/crypto, which a fresh machine's module cache does not hold
// (the go command fetches it once; later runs find it in the cache).
func moduleEnv() []string {
	var env []string
	for _, kv := range testmod.Env() {
		if kv != "GOPROXY=off" {
			env = append(env, kv)
		}
	}
	return env
}

func family(id string) string {
	f, _, _ := strings.Cut(id, "/")
	return f
}

// Got is one finding, relative to its case.
type Got struct {
	File string
	Line int
	Rule string // as reported (may name a sub-check)
	Text string // golden form: file:line:col: rule: message
}

func (w Want) matches(g Got) bool {
	return w.File == g.File && w.Lo <= g.Line && g.Line <= w.Hi && w.Rule == family(g.Rule)
}

// tally counts one scope's figures.
type tally struct{ wants, found, findings, matching int }

func (t tally) recall() float64    { return ratio(t.found, t.wants) }
func (t tally) precision() float64 { return ratio(t.matching, t.findings) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func TestRealBugs(t *testing.T) {
	cases := loadCases(t)
	dir := t.TempDir()
	files := map[string]string{"go.mod": goMod, "go.sum": goSum}
	for _, c := range cases {
		for name, data := range c.Inputs {
			files[c.Dir()+"/"+name] = string(data)
		}
	}
	testmod.Write(t, dir, files)

	res, err := rewrite.Run(rewrite.Options{
		Dir: dir, Args: []string{"./..."}, Tests: true, Env: moduleEnv(),
		Rules: rules.All(), Dependencies: true, // as the CLI runs
	})
	require.NoError(t, err)
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, strings.ReplaceAll(e.Error(), dir+string(filepath.Separator), ""))
	}
	require.Empty(t, errs, "engine errors: every case must load and type-check")

	got := map[string][]Got{} // case dir -> findings
	for _, f := range res.Findings {
		rel, err := filepath.Rel(dir, f.Pos.Filename)
		require.NoError(t, err)
		rel = filepath.ToSlash(rel)
		parts := strings.SplitN(rel, "/", 3)
		require.Len(t, parts, 3, "finding outside a case: %s", rel)
		g := Got{File: parts[2], Line: f.Pos.Line, Rule: f.Check.ID()}
		g.Text = fmt.Sprintf("%s:%d:%d: %s: %s", g.File, f.Pos.Line, f.Pos.Column, f.Check.ID(), f.Message)
		key := parts[0] + "/" + parts[1]
		got[key] = append(got[key], g)
	}

	tallies := map[string]*tally{"overall": {}}
	for _, r := range rules.All() {
		tallies[r.ID] = &tally{}
	}
	var table []string
	for _, c := range cases {
		gs := got[c.Dir()]
		found := 0
		for _, w := range c.Wants {
			hit := false
			for _, g := range gs {
				hit = hit || w.matches(g)
			}
			for _, k := range []string{w.Rule, "overall"} {
				tallies[k].wants++
				if hit {
					tallies[k].found++
				}
			}
			if hit {
				found++
			}
		}
		fps := 0
		for _, g := range gs {
			ok := false
			for _, w := range c.Wants {
				ok = ok || w.matches(g)
			}
			fam := family(g.Rule)
			if tallies[fam] == nil {
				tallies[fam] = &tally{}
			}
			for _, k := range []string{fam, "overall"} {
				tallies[k].findings++
				if ok {
					tallies[k].matching++
				}
			}
			if !ok {
				fps++
			}
		}
		verdict := ""
		switch {
		case c.Positive && found == len(c.Wants):
			verdict = "TP"
		case c.Positive && found > 0:
			verdict = fmt.Sprintf("TP %d/%d", found, len(c.Wants))
		case c.Positive:
			verdict = "FN"
		default:
			verdict = "TN"
		}
		if fps > 0 {
			verdict += fmt.Sprintf(" +%d FP", fps)
		}
		table = append(table, fmt.Sprintf("%-60s %s", c.Path, verdict))
		checkFindings(t, c, gs)
	}
	for _, l := range table {
		t.Log(l)
	}

	var scopes []string
	for k := range tallies {
		if k != "overall" {
			scopes = append(scopes, k)
		}
	}
	sort.Strings(scopes)
	scopes = append(scopes, "overall")
	pos, neg := map[string]int{}, map[string]int{}
	for _, c := range cases {
		if c.Positive {
			pos[c.Rule]++
			pos["overall"]++
		} else {
			neg[c.Rule]++
			neg["overall"]++
		}
	}
	floor := readFloor(t)
	for _, k := range scopes {
		tl := tallies[k]
		t.Logf("%-17s cases %2d+/%2d-  recall %2d/%2d = %.2f  precision %2d/%2d = %.2f",
			k, pos[k], neg[k], tl.found, tl.wants, tl.recall(), tl.matching, tl.findings, tl.precision())
		if f, ok := floor[k]; ok {
			const eps = 1e-9
			if tl.recall() < f[0]-eps {
				t.Errorf("%s: recall %.2f is below the floor %.2f", k, tl.recall(), f[0])
			}
			if tl.precision() < f[1]-eps {
				t.Errorf("%s: precision %.2f is below the floor %.2f", k, tl.precision(), f[1])
			}
		}
	}
	if *runExec {
		for _, c := range cases {
			if want, ok := c.Exec["before"]; ok {
				t.Run("exec/"+c.Path, func(t *testing.T) { execCase(t, c, want) })
			}
		}
	}
}

// checkFindings compares today's findings with the case's recorded
// -- findings -- section (what the tool said when the case was last
// updated), or rewrites it with -update. A difference is logged, not
// failed: the floors are what gate.
func checkFindings(t *testing.T, c *Case, gs []Got) {
	var now []string
	for _, g := range gs {
		now = append(now, g.Text)
	}
	sort.Strings(now)
	var recorded []string
	for _, f := range c.Archive.Files {
		if f.Name == "findings" {
			recorded = lines(f.Data)
		}
	}
	if *update {
		goldentest.Rewrite(t, c.Path, c.Archive, now, nil)
		return
	}
	if strings.Join(now, "\n") != strings.Join(recorded, "\n") {
		t.Logf("%s: findings changed since the case was recorded (go test ./bench/realbugs -update):\n  was: %q\n  now: %q", c.Path, recorded, now)
	}
}

// readFloor reads floor.txt: "scope recall precision" lines.
func readFloor(t *testing.T) map[string][2]float64 {
	f, err := os.Open("floor.txt")
	require.NoError(t, err)
	defer f.Close()
	out := map[string][2]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		fs := strings.Fields(l)
		require.Len(t, fs, 3, "floor.txt: %q", l)
		r, err1 := strconv.ParseFloat(fs[1], 64)
		p, err2 := strconv.ParseFloat(fs[2], 64)
		require.NoError(t, err1, "floor.txt: %q", l)
		require.NoError(t, err2, "floor.txt: %q", l)
		out[fs[0]] = [2]float64{r, p}
	}
	require.NoError(t, sc.Err())
	require.Contains(t, out, "overall", "floor.txt needs an overall line")
	return out
}

// execCase runs the case's own tests in a module of its own and requires
// the recorded outcome on the original code.
func execCase(t *testing.T, c *Case, want string) {
	files := map[string]string{"go.mod": goMod, "go.sum": goSum}
	for name, data := range c.Inputs {
		files[name] = string(data)
	}
	dir := testmod.Module(t, files)
	cmd := exec.Command("go", "test", "-count=1", "./...")
	cmd.Dir = dir
	cmd.Env = moduleEnv()
	out, err := cmd.CombinedOutput()
	switch want {
	case "fail":
		require.Error(t, err, "the case's tests should fail on the buggy code:\n%s", out)
		require.Contains(t, string(out), "--- FAIL", "the tests should fail by a test, not a build error:\n%s", out)
	case "pass":
		require.NoError(t, err, "the case's tests should pass:\n%s", out)
	default:
		t.Fatalf("exec: unknown outcome %q", want)
	}
}

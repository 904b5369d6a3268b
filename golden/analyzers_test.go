package golden

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
	"golang.org/x/tools/txtar"

	"github.com/gofixslice/gofixslice/internal/goldentest"
	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rewrite/analyzer"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules"
)

var findingLine = regexp.MustCompile(`^(.+?):(\d+):\d+: ([a-z/0-9-]+): (.*)$`)

const modulePath = "example.com/golden"

// conflicting lists cases whose fixes touch the same spot, so that a
// driver's three-way merge of independently computed fixes cannot apply
// them all at once (go fix applies the rest on a re-run). Their findings
// are still checked, their fixes are not.
var conflicting = map[string]string{
	"range-delete/go119_compaction": "two compactions of adjacent loops both insert between the loops",
	"pool-put/combined_fixes":       "the guard, reset, clear and pool-conversion fixes all insert before the same Put",
}

// TestAnalyzersOnGoldenCases runs the analyzers over the golden cases with
// analysistest.RunWithSuggestedFixes. The cases are not written twice: each
// case's expected findings become `// want` comments, and the expected
// fixed files are what the gofixslice engine writes for the annotated
// input, so the test proves that each analyzer reports the same findings as
// the CLI and that its suggested fixes produce the CLI's rewrite. The
// chains of a case's "-- evidence --" section are checked against the
// diagnostics' Related information, which `// want` cannot express.
//
// Loading a module for analysistest type-checks every dependency from
// source, so the cases are packed into one module per go.mod variant, with
// one package tree per case (example.com/golden/<rule>/<case>/...), and
// one analyzer that dispatches each package to its rule's analyzer.
func TestAnalyzersOnGoldenCases(t *testing.T) {
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	modules := map[string]string{}            // go.mod content -> module dir
	diagOnly := map[string]string{}           // the same, for conflicting cases
	chains := map[string][]goldentest.Chain{} // module dir -> its cases' chains, paths from the module root
	rulesIn := map[string]map[string]bool{}
	dirs, err := os.ReadDir(".")
	require.NoError(t, err)
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		require.NotNil(t, rules.Analyzer(d.Name()), d.Name())
		cases, _ := filepath.Glob(filepath.Join(d.Name(), "*.txtar"))
		for _, c := range cases {
			name := d.Name() + "/" + strings.TrimSuffix(filepath.Base(c), ".txtar")
			if _, ok := conflicting[name]; ok {
				key := addCase(t, diagOnly, d.Name(), c)
				chains[diagOnly[key]] = append(chains[diagOnly[key]], caseChains(t, d.Name(), c)...)
				continue
			}
			gomod := addCase(t, modules, d.Name(), c)
			chains[modules[gomod]] = append(chains[modules[gomod]], caseChains(t, d.Name(), c)...)
			if rulesIn[gomod] == nil {
				rulesIn[gomod] = map[string]bool{}
			}
			rulesIn[gomod][d.Name()] = true
		}
	}
	require.NotEmpty(t, modules)
	var gomods []string
	for g := range modules {
		gomods = append(gomods, g)
	}
	sort.Strings(gomods)
	for _, key := range gomods {
		dir := modules[key]
		settings := withSettings(t, key, rulesIn[key])
		for id := range rulesIn[key] {
			fixWithEngine(t, dir, rules.ByID(id), settings)
		}
		checkRelated(t, dir, chains[dir], analysistest.RunWithSuggestedFixes(t, dir, dispatcher(), "./..."))
	}
	for key, dir := range diagOnly {
		withSettings(t, key, allRules())
		checkRelated(t, dir, chains[dir], analysistest.Run(t, dir, dispatcher(), "./..."))
	}
	withSettings(t, "", allRules())
}

// withSettings applies a case's "-- settings --" (after the NUL of a module
// key) to the analyzers' flags, with every check on, and returns the same
// as engine settings for the rules named by ids. An empty key restores the
// analyzers' defaults.
func withSettings(t *testing.T, key string, ids map[string]bool) *rewrite.Settings {
	_, text, _ := strings.Cut(key, "\x00")
	given := map[string]string{}
	for _, l := range strings.Split(text, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			given[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	values := rule.Values{}
	for _, r := range rules.All() {
		a := rules.Analyzer(r.ID)
		var names []string
		for _, ch := range r.Checks {
			if key != "" || ch.Category.DefaultOn() {
				names = append(names, ch.Name)
			}
		}
		require.NoError(t, a.Flags.Set(analyzer.ChecksFlag, strings.Join(names, ",")))
		for _, o := range r.Options {
			v := o.Default
			if text, ok := given[o.Name]; ok && ids[r.ID] {
				var err error
				v, err = o.Parse(text)
				require.NoError(t, err)
				values[o] = v
				delete(given, o.Name)
			}
			require.NoError(t, a.Flags.Set(o.Name, o.Format(v)))
		}
	}
	require.Empty(t, given, "settings that name no option of the case's rule")
	return &rewrite.Settings{Values: values, Enabled: func(ch *rule.Check, _ string) bool { return ids[ch.Rule().ID] }}
}

func allRules() map[string]bool {
	ids := map[string]bool{}
	for _, r := range rules.All() {
		ids[r.ID] = true
	}
	return ids
}

// dispatcher runs, on each package, the analyzer of the rule its path names.
func dispatcher() *analysis.Analyzer {
	var requires []*analysis.Analyzer
	seen := map[*analysis.Analyzer]bool{}
	for _, a := range rules.Analyzers() {
		for _, r := range a.Requires {
			if !seen[r] {
				seen[r] = true
				requires = append(requires, r)
			}
		}
	}
	return &analysis.Analyzer{
		Name:     "golden",
		Doc:      "runs each golden case's rule",
		Requires: requires,
		Run: func(p *analysis.Pass) (interface{}, error) {
			rest := strings.TrimPrefix(p.Pkg.Path(), modulePath+"/")
			id, _, _ := strings.Cut(rest, "/")
			return rules.Analyzer(id).Run(p)
		},
	}
}

// caseChains returns the "-- evidence --" chains of the case at path, with
// file names from the root of the module addCase puts it in.
func caseChains(t *testing.T, rule, path string) []goldentest.Chain {
	c, err := goldentest.Load(path)
	require.NoError(t, err)
	prefix := rule + "/" + strings.TrimSuffix(filepath.Base(path), ".txtar") + "/"
	var out []goldentest.Chain
	for _, ch := range c.Evidence {
		ch.Finding = prefix + ch.Finding
		steps := append([]goldentest.Step(nil), ch.Steps...)
		for i := range steps {
			steps[i].File = prefix + steps[i].File
		}
		ch.Steps = steps
		out = append(out, ch)
	}
	return out
}

// checkRelated checks the chains against the Related information of the
// analyzers' diagnostics.
func checkRelated(t *testing.T, dir string, chains []goldentest.Chain, results []*analysistest.Result) {
	t.Helper()
	if len(chains) == 0 {
		return
	}
	var fs []rewrite.Finding
	for _, r := range results {
		if r.Pass == nil {
			continue
		}
		for _, d := range r.Diagnostics {
			f := rewrite.Finding{Check: rules.Check(d.Category), Pos: r.Pass.Fset.Position(d.Pos), Message: d.Message}
			require.NotNil(t, f.Check, d.Category)
			for _, rel := range d.Related {
				f.Evidence = append(f.Evidence, rewrite.Step{Pos: r.Pass.Fset.Position(rel.Pos), Message: rel.Message})
			}
			fs = append(fs, f)
		}
	}
	for _, e := range goldentest.CheckEvidence(chains, dir, fs) {
		t.Error("analyzer:", e)
	}
}

// addCase writes a case into the module of its go.mod variant, under
// <rule>/<case>/, with `// want` comments on the lines of its findings.
func addCase(t *testing.T, modules map[string]string, rule, path string) string {
	ar, err := txtar.ParseFile(path)
	require.NoError(t, err)
	name := strings.TrimSuffix(filepath.Base(path), ".txtar")
	prefix := rule + "/" + name + "/"
	gomod := "module " + modulePath + "\n\ngo 1.22\n"
	settings := ""
	wants := map[string]map[int][]string{}
	files := map[string]string{}
	for _, f := range ar.Files {
		switch {
		case f.Name == "go.mod":
			gomod = string(f.Data)
		case f.Name == "findings":
			for _, l := range strings.Split(string(f.Data), "\n") {
				m := findingLine.FindStringSubmatch(strings.TrimSpace(l))
				if m == nil {
					continue
				}
				line, _ := strconv.Atoi(m[2])
				if wants[m[1]] == nil {
					wants[m[1]] = map[int][]string{}
				}
				wants[m[1]][line] = append(wants[m[1]][line], strconv.Quote(regexp.QuoteMeta(m[4])))
			}
		case f.Name == "settings":
			settings = strings.TrimSpace(string(f.Data))
		case f.Name == "exec" || f.Name == "evidence" || strings.HasSuffix(f.Name, ".golden") || strings.HasSuffix(f.Name, "_test.go"):
		default:
			files[f.Name] = string(f.Data)
		}
	}
	key := gomod + "\x00" + settings
	dir, ok := modules[key]
	if !ok {
		dir = t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644))
		modules[key] = dir
	}
	for fname, content := range files {
		if w := wants[fname]; w != nil {
			lines := strings.Split(content, "\n")
			for n, res := range w {
				lines[n-1] += " // want " + strings.Join(res, " ")
			}
			content = strings.Join(lines, "\n")
		}
		content = strings.ReplaceAll(content, `"`+modulePath+`/`, `"`+modulePath+`/`+prefix)
		p := filepath.Join(dir, filepath.FromSlash(prefix+fname))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	return key
}

// fixWithEngine runs the gofixslice engine with one rule over that rule's
// cases and stores what it would write as the .golden files analysistest
// compares against.
func fixWithEngine(t *testing.T, dir string, r *rule.Rule, settings *rewrite.Settings) {
	res, err := rewrite.Run(rewrite.Options{
		Dir: dir, Args: []string{"./" + r.ID + "/..."}, Env: testmod.Env(),
		Rules: []*rule.Rule{r}, Settings: func(string) (*rewrite.Settings, error) { return settings, nil }, Fix: true,
		Dependencies: true,
	})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	for _, c := range res.Changes {
		require.NoError(t, os.WriteFile(c.Path+".golden", c.New, 0o644))
	}
}

package rewrite

import (
	"fmt"
	"go/ast"
	"go/types"
	"os"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// This file adapts rules to golang.org/x/tools/go/analysis, so that the same
// rules and the same dst fixes run under go vet, go fix, gopls,
// golangci-lint and nogo.

// PackageFacts is the go/analysis fact that carries a package's facts
// (FactStore entries) to the packages that import it.
type PackageFacts struct {
	// Entries are sorted by key: gob-encoding must be deterministic.
	Entries []FactEntry
}

// FactEntry is one fact.
type FactEntry struct{ Key, Value string }

// AFact marks PackageFacts as a go/analysis fact.
func (*PackageFacts) AFact() {}

func (f *PackageFacts) String() string {
	keys := make([]string, 0, len(f.Entries))
	for _, e := range f.Entries {
		keys = append(keys, e.Key)
	}
	return fmt.Sprintf("facts(%s)", strings.Join(keys, ","))
}

// AnalysisFacts is a FactStore over go/analysis package facts. It reads every
// fact of the dependencies when it is created (a pass may import facts only
// while it runs) and exports this package's facts on Flush. The analyzer that
// uses it must list new(PackageFacts) in its FactTypes.
type AnalysisFacts struct {
	pass *analysis.Pass
	mine map[string]string
	deps map[string]map[string]string // package path -> facts
}

// NewAnalysisFacts snapshots the facts of pass's dependencies.
func NewAnalysisFacts(pass *analysis.Pass) *AnalysisFacts {
	f := &AnalysisFacts{pass: pass, mine: map[string]string{}, deps: map[string]map[string]string{}}
	for _, pf := range pass.AllPackageFacts() {
		if m, ok := pf.Fact.(*PackageFacts); ok {
			facts := make(map[string]string, len(m.Entries))
			for _, e := range m.Entries {
				facts[e.Key] = e.Value
			}
			f.deps[pf.Package.Path()] = facts
		}
	}
	return f
}

// Export records a fact about the package being analysed.
func (f *AnalysisFacts) Export(pkg *types.Package, key, value string) {
	if pkg == f.pass.Pkg {
		f.mine[key] = value
	}
}

// Import returns a fact about pkg.
func (f *AnalysisFacts) Import(pkg *types.Package, key string) (string, bool) {
	if pkg == f.pass.Pkg {
		v, ok := f.mine[key]
		return v, ok
	}
	v, ok := f.deps[pkg.Path()][key]
	return v, ok
}

// Flush exports the facts recorded about the package being analysed.
func (f *AnalysisFacts) Flush() {
	if len(f.mine) == 0 {
		return
	}
	pf := &PackageFacts{}
	for k, v := range f.mine {
		pf.Entries = append(pf.Entries, FactEntry{k, v})
	}
	sort.Slice(pf.Entries, func(i, j int) bool { return pf.Entries[i].Key < pf.Entries[j].Key })
	f.pass.ExportPackageFact(pf)
}

// NewAnalysisPass adapts an analysis pass to a rule pass. cache carries
// values computed by analyzers the rule's analyzer requires.
func NewAnalysisPass(ap *analysis.Pass, rule *Rule, settings Settings, facts FactStore, cache map[string]any) *Pass {
	return &Pass{
		Rule: rule, Fset: ap.Fset, Files: ap.Files, Pkg: ap.Pkg, Info: ap.TypesInfo,
		Settings: settings, Facts: facts, cache: cache,
	}
}

// RunAnalysis runs rule on an analysis pass and reports its diagnostics,
// each with exactly one SuggestedFix when the rule offers a fix: the text
// edits of the same dst rewrite the CLI applies. Generated files and
// suppressed findings are skipped, as in the CLI.
func RunAnalysis(ap *analysis.Pass, rule *Rule, settings Settings, facts FactStore, cache map[string]any, url string) error {
	pass := NewAnalysisPass(ap, rule, settings, facts, cache)
	var diags []Diagnostic
	pass.report = func(d Diagnostic) { diags = append(diags, d) }
	if err := runRule(rule, pass); err != nil {
		return err
	}
	sup := newSuppressions(ap.Fset)
	for _, d := range diags {
		f := pass.FileOf(d.Pos)
		if f == nil || ast.IsGenerated(f) || sup.suppressed(f, d.Pos, rule.ID) {
			continue
		}
		ad := analysis.Diagnostic{Pos: d.Pos, End: d.End, Category: rule.ID, Message: d.Message, URL: url}
		if d.Fix != nil {
			if edits, err := fixTextEdits(ap, pass, f, d); err == nil && len(edits) > 0 {
				ad.SuggestedFixes = []analysis.SuggestedFix{{Message: d.Fix.Message, TextEdits: edits}}
			}
		}
		ap.Report(ad)
	}
	return nil
}

// fixTextEdits applies one diagnostic's fix to its file and returns the
// change as text edits.
func fixTextEdits(ap *analysis.Pass, pass *Pass, f *ast.File, d Diagnostic) ([]analysis.TextEdit, error) {
	tf := ap.Fset.File(f.FileStart)
	read := ap.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	raw, err := read(tf.Name())
	if err != nil {
		return nil, err
	}
	src, err := sourceOf(tf.Name(), raw, tf)
	if err != nil {
		return nil, err
	}
	out, _, errs := applyFixes(pass, f, src, []Diagnostic{d})
	if errs[0] != nil {
		return nil, errs[0]
	}
	if out == nil {
		return nil, nil
	}
	var edits []analysis.TextEdit
	for _, e := range TokenEdits(src.raw, out) {
		edits = append(edits, analysis.TextEdit{
			Pos: tf.Pos(e.Start), End: tf.Pos(e.End), NewText: []byte(e.New),
		})
	}
	return edits, nil
}

// NoFacts is a FactStore that knows nothing and keeps nothing, for passes
// that neither export nor import facts.
var NoFacts FactStore = noFacts{}

type noFacts struct{}

func (noFacts) Export(*types.Package, string, string)        {}
func (noFacts) Import(*types.Package, string) (string, bool) { return "", false }

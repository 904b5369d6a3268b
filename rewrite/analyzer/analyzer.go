package analyzer

import (
	"fmt"
	"go/ast"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/tools/go/analysis"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// Name is the analyzer name of a rule ID: an identifier, as go/analysis
// requires ("subslice-pin" -> "subslicepin").
func Name(ruleID string) string { return strings.ReplaceAll(ruleID, "-", "") }

// ChecksFlag is the analyzer flag naming the checks to run
// (-poolput.checks=use-after-put,no-reset); its default is the checks whose
// category is on by default.
const ChecksFlag = "checks"

// New returns the analyzer of a rule. Its flags are the rule's options and
// ChecksFlag. Each diagnostic carries exactly one SuggestedFix when the
// rule offers a fix that applies: the text edits of the same dst rewrite
// the gofixslice command makes. Its Category is the check ID, and its
// Related information is the finding's evidence chain (source, view,
// holder, later overwrite or use), in order.
func New(r *rule.Rule) *analysis.Analyzer {
	values := rule.Values{}
	checks := &checkList{rule: r, on: map[*rule.Check]bool{}}
	for _, c := range r.Checks {
		checks.on[c] = c.Category.DefaultOn()
	}
	a := &analysis.Analyzer{
		Name: Name(r.ID),
		Doc:  r.Title + "\n\n" + strings.TrimSpace(r.Doc.Intro),
		URL:  r.URL(),
		Run: func(ap *analysis.Pass) (any, error) {
			results, _ := ap.ResultOf[sharedAnalyzer].(*rule.Results)
			return nil, run(ap, r, values, checks.enabled, results)
		},
	}
	for _, sa := range r.Requires {
		a.Requires = []*analysis.Analyzer{Shared(sa)}
	}
	for _, o := range r.Options {
		a.Flags.Var(rule.FlagValue{Opt: o, Values: values}, o.Name, o.Doc)
	}
	a.Flags.Var(checks, ChecksFlag, "comma-separated names of the checks to run ("+checkNames(r)+")")
	return a
}

var (
	sharedMu       sync.Mutex
	sharedAnalyses []*rule.Analysis // every shared analysis some rule analyzer requires
	sharedAnalyzer *analysis.Analyzer
)

// Shared returns the analyzer of the shared analyses, the same one on
// every call: it computes every shared analysis the rule analyzers require
// (registered by New) once per package, exports their facts as one
// package fact (go/analysis allows a fact type to only one analyzer), and
// returns them as a *rule.Results that each rule analyzer reads.
func Shared(sa *rule.Analysis) *analysis.Analyzer {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	known := false
	for _, x := range sharedAnalyses {
		known = known || x == sa
	}
	if !known {
		sharedAnalyses = append(sharedAnalyses, sa)
	}
	if sharedAnalyzer == nil {
		sharedAnalyzer = &analysis.Analyzer{
			Name:       "gofixsliceshared",
			Doc:        "gofixsliceshared computes the analyses several gofixslice analyzers share (what each function does with its arguments, SSA value flow, functions that never return) and carries their facts to importing packages.",
			URL:        rule.HomeURL,
			FactTypes:  []analysis.Fact{new(PackageFacts)},
			ResultType: reflect.TypeOf((*rule.Results)(nil)),
			Run:        runShared,
		}
	}
	return sharedAnalyzer
}

// runShared computes every registered shared analysis: facts can be
// exported only while the pass runs.
func runShared(ap *analysis.Pass) (any, error) {
	sharedMu.Lock()
	analyses := append([]*rule.Analysis(nil), sharedAnalyses...)
	sharedMu.Unlock()
	facts := NewAnalysisFacts(ap)
	results := rule.NewResults()
	pass := rule.NewPass(rule.PassConfig{Fset: ap.Fset, Files: ap.Files, Pkg: ap.Pkg, Info: ap.TypesInfo, Facts: facts, Results: results})
	for _, sa := range analyses {
		pass.ResultOf(sa)
	}
	facts.Flush()
	return results, nil
}

// Run runs rule r on an analysis pass and reports its diagnostics of the
// enabled checks, each with its SuggestedFix. Generated files and
// suppressed findings are skipped, as in the CLI. results holds the shared
// analyses r requires (nil: computed here, without facts).
func Run(ap *analysis.Pass, r *rule.Rule, values rule.Values, enabled func(*rule.Check) bool, results *rule.Results) error {
	return run(ap, r, values, enabled, results)
}

func run(ap *analysis.Pass, r *rule.Rule, values rule.Values, enabled func(*rule.Check) bool, results *rule.Results) (err error) {
	var diags []rule.Diagnostic
	pass := rule.NewPass(rule.PassConfig{
		Rule: r, Fset: ap.Fset, Files: ap.Files, Pkg: ap.Pkg, Info: ap.TypesInfo,
		Values: values, Results: results,
		Report: func(d rule.Diagnostic) { diags = append(diags, d) },
	})
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("%s: rule %s panicked: %v", ap.Pkg.Path(), r.ID, x)
		}
	}()
	r.Run(pass)
	sup := rule.NewSuppressions(ap.Fset)
	for _, d := range diags {
		f := pass.FileOf(d.Pos)
		if f == nil || ast.IsGenerated(f) || !enabled(d.Check) || sup.Suppressed(f, d.Pos, d.Check) {
			continue
		}
		ad := analysis.Diagnostic{Pos: d.Pos, End: d.End, Category: d.Check.ID(), Message: d.Message, URL: r.URL(), Related: related(d.Related)}
		if d.Fix != nil {
			if edits, err := fixTextEdits(ap, pass, f, d); err == nil && len(edits) > 0 {
				ad.SuggestedFixes = []analysis.SuggestedFix{{Message: d.Fix.Message, TextEdits: edits}}
			}
		}
		ap.Report(ad)
	}
	return nil
}

// omitRelated is set by OmitRelated.
var omitRelated atomic.Bool

// OmitRelated makes every analyzer of this process leave the evidence
// chain out of its diagnostics (or put it back). The golangci-lint plugin
// sets it: golangci-lint turns each related-information entry into an
// issue of its own, at its own line, which a //nolint comment on the
// finding's line does not suppress.
func OmitRelated(omit bool) { omitRelated.Store(omit) }

// related is a diagnostic's evidence chain as go/analysis related
// information, in order; steps without a position are left out.
func related(rel []rule.Related) []analysis.RelatedInformation {
	if omitRelated.Load() {
		return nil
	}
	var out []analysis.RelatedInformation
	for _, r := range rel {
		if r.Pos.IsValid() {
			out = append(out, analysis.RelatedInformation{Pos: r.Pos, End: r.End, Message: r.Message})
		}
	}
	return out
}

// fixTextEdits applies one diagnostic's fix to its file and returns the
// change as text edits.
func fixTextEdits(ap *analysis.Pass, pass *rule.Pass, f *ast.File, d rule.Diagnostic) ([]analysis.TextEdit, error) {
	tf := ap.Fset.File(f.FileStart)
	read := ap.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	raw, err := read(tf.Name())
	if err != nil {
		return nil, err
	}
	src, err := rule.SourceOf(tf.Name(), raw, tf)
	if err != nil {
		return nil, err
	}
	out, _, errs := rule.ApplyFixes(pass, f, src, []rule.Diagnostic{d})
	if errs[0] != nil {
		return nil, errs[0]
	}
	if out == nil {
		return nil, nil
	}
	var edits []analysis.TextEdit
	for _, e := range rule.TokenEdits(src.Raw, out) {
		edits = append(edits, analysis.TextEdit{
			Pos: tf.Pos(e.Start), End: tf.Pos(e.End), NewText: []byte(e.New),
		})
	}
	return edits, nil
}

// checkList is the ChecksFlag value.
type checkList struct {
	rule *rule.Rule
	mu   sync.Mutex
	on   map[*rule.Check]bool
}

func (l *checkList) enabled(c *rule.Check) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.on[c]
}

func (l *checkList) String() string {
	if l == nil || l.rule == nil {
		return ""
	}
	var names []string
	for _, c := range l.rule.Checks {
		if l.enabled(c) {
			names = append(names, c.Name)
		}
	}
	return strings.Join(names, ",")
}

func (l *checkList) Set(s string) error {
	on := map[*rule.Check]bool{}
	for _, name := range strings.Split(s, ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		name = strings.TrimPrefix(name, l.rule.ID+"/")
		c := l.rule.Check(name)
		if c == nil {
			return fmt.Errorf("%s has no check %q (%s)", l.rule.ID, name, checkNames(l.rule))
		}
		on[c] = true
	}
	l.mu.Lock()
	l.on = on
	l.mu.Unlock()
	return nil
}

func checkNames(r *rule.Rule) string {
	var names []string
	for _, c := range r.Checks {
		names = append(names, c.Name)
	}
	return strings.Join(names, ",")
}

package rules

import (
	"flag"
	"reflect"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"

	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
)

// This file exposes every rule as a golang.org/x/tools/go/analysis
// Analyzer. The public packages under passes/ re-export them; this is where
// they are built, because the shared summary analyzer needs the rules'
// internal packages.

// DocURL is where a rule's documentation lives: the README's rule section.
const DocURL = "https://github.com/gofixslice/gofixslice#"

// analysisSettings are the settings of the analyzers, set through their
// flags (go vet -subslicepin.large=1048576).
var analysisSettings = rewrite.DefaultSettings()

// summaryTableKey is the pass-cache key summary.For uses.
const summaryTableKey = "summary.table"

// summaryAnalyzer computes the retention summaries of a package once for
// every rule analyzer, and passes them to importing packages as facts.
var summaryAnalyzer = &analysis.Analyzer{
	Name:       "gofixslicesummary",
	Doc:        "gofixslicesummary computes what each function does with its arguments (keeps them, returns views of them, appends to them, puts them into a sync.Pool) for the gofixslice analyzers.",
	URL:        DocURL + "rules",
	FactTypes:  []analysis.Fact{new(rewrite.PackageFacts)},
	ResultType: reflect.TypeOf((*summary.Table)(nil)),
	Run: func(ap *analysis.Pass) (any, error) {
		facts := rewrite.NewAnalysisFacts(ap)
		pass := rewrite.NewAnalysisPass(ap, nil, analysisSettings, facts, nil)
		t := summary.For(pass)
		facts.Flush()
		return t, nil
	},
}

var (
	analyzersOnce sync.Once
	analyzers     map[string]*analysis.Analyzer
)

// AnalyzerName is the analyzer name of a rule ID: an identifier, as
// go/analysis requires ("subslice-pin" -> "subslicepin").
func AnalyzerName(id string) string { return strings.ReplaceAll(id, "-", "") }

// Analyzer returns the analyzer of the rule with the given ID (nil if there
// is none). The same *analysis.Analyzer is returned on every call.
func Analyzer(id string) *analysis.Analyzer {
	analyzersOnce.Do(func() {
		analyzers = map[string]*analysis.Analyzer{}
		for _, r := range All() {
			analyzers[r.ID] = newAnalyzer(r)
		}
	})
	return analyzers[id]
}

// Analyzers returns the analyzers of every rule, sorted by rule ID.
func Analyzers() []*analysis.Analyzer {
	var out []*analysis.Analyzer
	for _, r := range All() {
		out = append(out, Analyzer(r.ID))
	}
	return out
}

func newAnalyzer(r *rewrite.Rule) *analysis.Analyzer {
	url := DocURL + r.ID
	a := &analysis.Analyzer{
		Name:     AnalyzerName(r.ID),
		Doc:      r.Doc,
		URL:      url,
		Requires: []*analysis.Analyzer{summaryAnalyzer},
		Run: func(ap *analysis.Pass) (any, error) {
			cache := map[string]any{summaryTableKey: ap.ResultOf[summaryAnalyzer]}
			return nil, rewrite.RunAnalysis(ap, r, analysisSettings, rewrite.NoFacts, cache, url)
		},
	}
	registerFlags(r.ID, &a.Flags)
	return a
}

// registerFlags gives each analyzer the settings its rule reads.
func registerFlags(id string, fs *flag.FlagSet) {
	switch id {
	case "subslice-pin":
		fs.Int64Var(&analysisSettings.LargeSize, "large", analysisSettings.LargeSize, "bytes from which a constant-size make is large storage")
	case "zero-secret":
		fs.Var(wordList{&analysisSettings.SensitiveWords}, "sensitive", "comma-separated identifier words naming secrets")
	case "pool-put":
		fs.Int64Var(&analysisSettings.PoolMaxCap, "maxcap", analysisSettings.PoolMaxCap, "report Puts of buffers with no capacity bound above this many bytes (0: off)")
	}
}

// wordList is a comma-separated flag value.
type wordList struct{ words *[]string }

func (w wordList) String() string {
	if w.words == nil {
		return ""
	}
	return strings.Join(*w.words, ",")
}

func (w wordList) Set(s string) error {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	*w.words = out
	return nil
}

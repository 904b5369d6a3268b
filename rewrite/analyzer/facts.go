// Package analyzer adapts gofixslice rules to golang.org/x/tools/go/analysis,
// so that the same rules and the same dst fixes run under go vet, go fix,
// gopls, golangci-lint and Bazel nogo.
//
// Each rule becomes one analyzer (New); each shared analysis a rule requires
// becomes an analyzer of its own with a ResultType and the package facts,
// which the rule's analyzer requires. It imports the rule-author API only,
// never the gofixslice driver.
package analyzer

import (
	"fmt"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
)

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

// AnalysisFacts is a rule.FactStore over go/analysis package facts. It reads every
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

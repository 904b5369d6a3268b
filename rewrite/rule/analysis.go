package rule

import (
	"fmt"
	"reflect"
	"sync"
)

// Analysis is a per-package computation that several rules share (the
// retention summaries, say). The driver computes it once per package for
// every rule that lists it in Requires; under go/analysis it becomes an
// analyzer of its own, with ResultType, that the rules' analyzers require.
type Analysis struct {
	// Name is the analyzer name under go/analysis (an identifier).
	Name string
	// Doc is the analyzer's documentation.
	Doc string
	// ResultType is the type Run returns.
	ResultType reflect.Type
	// Run computes the result; the pass it gets has no Rule and reports
	// nothing. It may export facts through Pass.Facts.
	Run func(*Pass) any
}

// ResultOf returns the result of a shared analysis that the rule requires.
func (p *Pass) ResultOf(a *Analysis) any {
	return p.results.of(a, p)
}

// Results holds the shared analyses of one package.
type Results struct {
	mu sync.Mutex
	m  map[*Analysis]*result
}

// result is one analysis, computed once; the Results lock is not held
// while it runs, so that an analysis may ask for another.
type result struct {
	once sync.Once
	v    any
}

// NewResults returns an empty set: each analysis is computed on first use.
func NewResults() *Results { return &Results{m: map[*Analysis]*result{}} }

func (r *Results) of(a *Analysis, p *Pass) any {
	r.mu.Lock()
	e, ok := r.m[a]
	if !ok {
		e = &result{}
		r.m[a] = e
	}
	r.mu.Unlock()
	e.once.Do(func() {
		ap := &Pass{Fset: p.Fset, Files: p.Files, Pkg: p.Pkg, Info: p.Info, Facts: p.Facts, values: p.values, results: r}
		v := a.Run(ap)
		if reflect.TypeOf(v) != a.ResultType {
			panic(fmt.Sprintf("analysis %s returned %T, want %v", a.Name, v, a.ResultType))
		}
		e.v = v
	})
	return e.v
}

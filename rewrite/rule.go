// Package rewrite is gofixslice's engine: it loads packages with types, runs
// rules over them, applies their fixes through dst, verifies that the
// rewritten package still type-checks, and writes files atomically.
//
// Rules plug in through the Rule type; the engine knows nothing about any
// particular rule.
package rewrite

import (
	"go/ast"
	"go/token"
	"go/types"
	"sync"
)

// Rule is one check. Rules are values, registered by the rules package; the
// engine takes the list it is given.
type Rule struct {
	// ID is the public name users type (-enable, suppression comments).
	ID string
	// Summary is the one-line message used when a diagnostic has none.
	Summary string
	// Doc is the long documentation shown by -explain and in the README.
	Doc string
	// Run inspects one package and reports diagnostics through the pass.
	// It must be cheap: it sees go/ast and go/types only.
	Run func(*Pass)
}

// Settings are the user-tunable knobs rules read.
type Settings struct {
	// LargeSize is the byte size from which a constant-size make counts as
	// large storage (subslice-pin).
	LargeSize int64
	// SensitiveWords are identifier word parts naming secrets (zero-secret).
	SensitiveWords []string
	// PoolMaxCap enables the oversized-Put check when > 0 (pool-put).
	PoolMaxCap int64
}

// DefaultSettings returns the documented defaults.
func DefaultSettings() Settings {
	return Settings{
		LargeSize:      64 << 10,
		SensitiveWords: []string{"password", "passwd", "passphrase", "secret", "privkey", "private key", "token", "credential", "api key"},
	}
}

// Pass is what a rule sees of one package.
type Pass struct {
	Rule     *Rule
	Fset     *token.FileSet
	Files    []*ast.File // every file of the package, in scope or not
	Pkg      *types.Package
	Info     *types.Info
	Settings Settings
	// Facts carries what rules learned about other packages: the engine
	// checks a package only after the packages it imports, and the
	// go/analysis drivers pass facts along the same way.
	Facts FactStore

	cache  map[string]any
	report func(Diagnostic)
}

// FactStore records facts about packages, as strings under string keys,
// for the packages that import them.
type FactStore interface {
	// Export records a fact about pkg, the package being checked.
	Export(pkg *types.Package, key, value string)
	// Import returns a fact recorded about pkg.
	Import(pkg *types.Package, key string) (string, bool)
}

// memFacts is the engine's FactStore: one process, every package.
type memFacts struct{ m sync.Map }

func (f *memFacts) Export(pkg *types.Package, key, value string) {
	f.m.Store(pkg.Path()+"\x00"+key, value)
}

func (f *memFacts) Import(pkg *types.Package, key string) (string, bool) {
	v, ok := f.m.Load(pkg.Path() + "\x00" + key)
	if !ok {
		return "", false
	}
	return v.(string), true
}

// Cached returns the value computed once per package under key, shared by
// every rule that checks the package (a summary table, say).
func (p *Pass) Cached(key string, compute func() any) any {
	if v, ok := p.cache[key]; ok {
		return v
	}
	v := compute()
	if p.cache == nil {
		p.cache = map[string]any{}
	}
	p.cache[key] = v
	return v
}

// Diagnostic is one finding of a rule.
type Diagnostic struct {
	Pos     token.Pos
	End     token.Pos // optional
	Message string    // empty: the rule's Summary
	Fix     *Fix      // nil: report only
}

// Report records a diagnostic. The engine drops it when the file is out of
// scope, generated, or the finding is suppressed by a comment.
func (p *Pass) Report(d Diagnostic) {
	if d.Message == "" {
		d.Message = p.Rule.Summary
	}
	p.report(d)
}

// Fix rewrites the code behind a diagnostic. Edit mutates the dst form of
// the diagnostic's file through the FixContext; it returns an error when the
// fix cannot be applied safely (the diagnostic is then reported unfixed).
type Fix struct {
	Message string
	Edit    func(*FixContext) error
}

// FileVersion returns the Go version ("go1.21") that applies to file f.
func (p *Pass) FileVersion(f *ast.File) string {
	if v := p.Info.FileVersions[f]; v != "" {
		return v
	}
	return p.Pkg.GoVersion()
}

// FileOf returns the file of the package that contains pos.
func (p *Pass) FileOf(pos token.Pos) *ast.File {
	for _, f := range p.Files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

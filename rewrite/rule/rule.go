// Package rule is the rule-author API of gofixslice: what a rule declares
// (Rule, its Checks, Options and structured Doc), what it sees of a package
// (Pass), what it reports (Diagnostic) and how it rewrites code (Fix,
// FixContext and the version-gated forms).
//
// Rules import this package only. The driver (package rewrite) and the
// go/analysis adapter (package rewrite/analyzer) run rules through it; it
// imports neither.
package rule

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"strings"
	"sync"
)

// Rule is one family of checks. Each rule lives in its own package under
// rules/ and declares itself with Define.
type Rule struct {
	// ID is the public name users type (-enable, suppression comments).
	ID string
	// Title is the one-line summary (-list, SARIF shortDescription).
	Title string
	// Doc is the rule's documentation (-explain, README, SARIF help).
	Doc Doc
	// Checks are the rule's sub-checks; every diagnostic names one.
	Checks []*Check
	// Options are the rule's settings, declared once: each becomes a CLI
	// flag, a config key, an analyzer flag, a golangci-lint setting and a
	// golden "-- settings --" key under its Name.
	Options []*Option
	// Requires lists shared analyses whose results the rule reads with
	// Pass.ResultOf.
	Requires []*Analysis
	// Run inspects one package and reports diagnostics through the pass.
	Run func(*Pass)
}

// Check is a sub-check of a rule, with an ID of its own
// ("pool-put/boxing") that users can enable, disable and suppress alone.
type Check struct {
	// Name is the part after the slash: "boxing".
	Name string
	// Category says what kind of harm the check prevents.
	Category Category
	// Summary is the one-line description, and the message of a diagnostic
	// that has none.
	Summary string
	// Doc says what the check reports and how it is fixed.
	Doc string
	// Equivalents are the same diagnosis by other linters, as
	// "linter:ID" ("staticcheck:SA6002"): a line where the user silenced
	// that linter's check (//lint:ignore SA6002, //lint:file-ignore
	// SA6002, //nolint:staticcheck) has already been judged, and the check
	// does not report it again.
	Equivalents []string

	rule *Rule
}

// ID returns the check's full ID, "rule-id/name".
func (c *Check) ID() string { return c.rule.ID + "/" + c.Name }

// Rule returns the rule the check belongs to.
func (c *Check) Rule() *Rule { return c.rule }

// Doc is a rule's structured documentation. The check docs come from the
// rule's Checks; the README's rule reference and -explain are generated
// from both.
type Doc struct {
	// Intro explains the hazard: why the code is wrong under Go semantics.
	Intro string
	// NotReported lists look-alikes the rule deliberately leaves alone.
	NotReported string
	// Example is a before/after pair of the most common fix.
	Example string
}

var (
	ruleIDPattern  = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)
	checkIDPattern = regexp.MustCompile(`^[a-z]+(-[a-z0-9]+)*$`)
)

// Define checks a rule's declaration and links its checks to it; rule
// packages call it when declaring their Rule variable. A malformed
// declaration is a programming error and panics at init.
func Define(r *Rule) *Rule {
	if !ruleIDPattern.MatchString(r.ID) {
		panic(fmt.Sprintf("rule ID %q: want lower-case words joined by dashes", r.ID))
	}
	if r.Title == "" || r.Doc.Intro == "" || r.Run == nil || len(r.Checks) == 0 {
		panic(fmt.Sprintf("rule %s: Title, Doc.Intro, Run and at least one Check are required", r.ID))
	}
	seen := map[string]bool{}
	for _, c := range r.Checks {
		if !checkIDPattern.MatchString(c.Name) || seen[c.Name] {
			panic(fmt.Sprintf("rule %s: check name %q is malformed or repeated", r.ID, c.Name))
		}
		if !c.Category.valid() || c.Summary == "" || c.Doc == "" {
			panic(fmt.Sprintf("rule %s: check %s needs a category, a summary and a doc", r.ID, c.Name))
		}
		if c.rule != nil && c.rule != r {
			panic(fmt.Sprintf("check %s belongs to two rules", c.Name))
		}
		seen[c.Name] = true
		c.rule = r
	}
	for _, o := range r.Options {
		if err := o.validateDecl(); err != nil {
			panic(fmt.Sprintf("rule %s: %v", r.ID, err))
		}
	}
	return r
}

// Check returns the rule's check with the given name, or nil.
func (r *Rule) Check(name string) *Check {
	for _, c := range r.Checks {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Category is the kind of harm a check prevents.
type Category string

const (
	// Bug: corrupts data, races or crashes.
	Bug Category = "bug"
	// Memory: pins or leaks memory.
	Memory Category = "memory"
	// Performance: allocates needlessly.
	Performance Category = "performance"
	// Hardening: leaves secrets in memory.
	Hardening Category = "hardening"
	// Style: an equivalent modern form.
	Style Category = "style"
)

// Categories lists every category, most severe first.
var Categories = []Category{Bug, Memory, Performance, Hardening, Style}

func (c Category) valid() bool {
	for _, k := range Categories {
		if c == k {
			return true
		}
	}
	return false
}

// DefaultOn reports whether checks of the category run when the user
// selects nothing. Style checks are off: they rewrite correct code into an
// equivalent form, which a user must ask for (the same choice staticcheck
// makes for its style checks).
func (c Category) DefaultOn() bool { return c != Style }

// Level is the SARIF level of findings of the category.
func (c Category) Level() string {
	switch c {
	case Bug:
		return "error"
	case Memory, Hardening:
		return "warning"
	}
	return "note"
}

// Pass is what a rule sees of one package.
type Pass struct {
	Rule  *Rule
	Fset  *token.FileSet
	Files []*ast.File // every file of the package, in scope or not
	Pkg   *types.Package
	Info  *types.Info
	// Facts carries what rules learned about other packages: the engine
	// checks a package only after the packages it imports, and the
	// go/analysis drivers pass facts along the same way.
	Facts FactStore

	values  Values
	results *Results
	report  func(Diagnostic)
	inScope func(*ast.File) bool
}

// PassConfig is what a driver gives NewPass.
type PassConfig struct {
	Rule   *Rule // nil for a shared analysis
	Fset   *token.FileSet
	Files  []*ast.File
	Pkg    *types.Package
	Info   *types.Info
	Facts  FactStore // nil: NoFacts
	Values Values    // option values; options absent take their default
	// Results holds the shared analyses of the package, computed once for
	// every rule that requires them (nil: a private set).
	Results *Results
	// Report receives the rule's diagnostics.
	Report func(Diagnostic)
	// InScope says which files findings are reported in (nil: all); the
	// others are still read for what they say about the package.
	InScope func(*ast.File) bool
}

// NewPass makes a pass; drivers call it, rules never do.
func NewPass(c PassConfig) *Pass {
	if c.Facts == nil {
		c.Facts = NoFacts
	}
	if c.Results == nil {
		c.Results = NewResults()
	}
	return &Pass{Rule: c.Rule, Fset: c.Fset, Files: c.Files, Pkg: c.Pkg, Info: c.Info,
		Facts: c.Facts, values: c.Values, results: c.Results, report: c.Report, inScope: c.InScope}
}

// Diagnostic is one finding of a rule.
type Diagnostic struct {
	Check   *Check // the sub-check that found it; must belong to the rule
	Pos     token.Pos
	End     token.Pos // optional
	Message string    // empty: the check's Summary
	Fix     *Fix      // nil: report only

	// Related is the finding's evidence chain, in order: the source (the
	// allocation, the scanner, the Get), the view, the holder, the later
	// overwrite or use. Each step has a position and a one-line note; the
	// outputs show it as go/analysis Related information, SARIF
	// relatedLocations, -json "evidence" and indented lines under -v.
	Related []Related
}

// Related is one step of a diagnostic's evidence chain.
type Related struct {
	Pos     token.Pos
	End     token.Pos // optional
	Message string
}

// Report records a diagnostic. The driver drops it when the file is out of
// scope, generated, the check is disabled there, or the finding is
// suppressed by a comment.
func (p *Pass) Report(d Diagnostic) {
	if d.Check == nil || d.Check.rule != p.Rule {
		panic(fmt.Sprintf("rule %s reported a diagnostic without one of its checks", p.Rule.ID))
	}
	if d.Message == "" {
		d.Message = d.Check.Summary
	}
	d.Message = oneLineMessage(d.Message)
	for i := range d.Related {
		d.Related[i].Message = oneLineMessage(d.Related[i].Message)
	}
	if p.report != nil {
		p.report(d)
	}
}

// oneLineMessage keeps a message on one line: the text output is
// path:line:col: id: message, one finding a line.
func oneLineMessage(m string) string {
	if !strings.ContainsAny(m, "\r\n") {
		return m
	}
	return strings.Join(strings.Fields(m), " ")
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
	return FileOf(p.Files, pos)
}

// InScope reports whether a finding at pos can be reported: its file is
// one the run reports on (all of the package's files, unless the user
// named single files). A rule may skip the checks whose findings would
// all fall outside the scope; what the other files say about the package
// (summaries, the sites of a pool) must still be read from them.
func (p *Pass) InScope(pos token.Pos) bool {
	if p.inScope == nil {
		return true
	}
	f := p.FileOf(pos)
	return f != nil && p.inScope(f)
}

// FileOf returns the file of files that contains pos, or nil.
func FileOf(files []*ast.File, pos token.Pos) *ast.File {
	for _, f := range files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// FactStore records facts about packages, as strings under string keys,
// for the packages that import them.
type FactStore interface {
	// Export records a fact about pkg, the package being checked.
	Export(pkg *types.Package, key, value string)
	// Import returns a fact recorded about pkg.
	Import(pkg *types.Package, key string) (string, bool)
}

// MemFacts is a FactStore for one process and every package (the CLI).
type MemFacts struct{ m sync.Map }

// Export records a fact about pkg.
func (f *MemFacts) Export(pkg *types.Package, key, value string) {
	f.m.Store(pkg.Path()+"\x00"+key, value)
}

// Import returns a fact recorded about pkg.
func (f *MemFacts) Import(pkg *types.Package, key string) (string, bool) {
	v, ok := f.m.Load(pkg.Path() + "\x00" + key)
	if !ok {
		return "", false
	}
	return v.(string), true
}

// NoFacts is a FactStore that knows nothing and keeps nothing.
var NoFacts FactStore = noFacts{}

type noFacts struct{}

func (noFacts) Export(*types.Package, string, string)        {}
func (noFacts) Import(*types.Package, string) (string, bool) { return "", false }

// HomeURL is where the rules' documentation lives: the README, whose rule
// reference has an anchor per rule ID.
const HomeURL = "https://github.com/gofixslice/gofixslice"

// URL is the address of the rule's documentation.
func (r *Rule) URL() string { return HomeURL + "#" + r.ID }

package rewrite

import (
	"fmt"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"go/ast"
	"go/token"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure one run of the engine.
type Options struct {
	Dir   string   // working directory: loading and relative paths
	Args  []string // package patterns, directories and .go files
	Tests bool     // include _test.go files
	Tags  string   // build tags passed to the go command
	Env   []string // environment of the go command (nil: this process's)
	// Rules are the rules that may run (the suite); Settings decides
	// which of their checks run where, and with which option values.
	Rules []*rule.Rule
	// Settings returns the settings of the package in directory dir (a
	// project's configuration may differ by directory); nil: Defaults. An
	// error (a broken configuration file) is reported for the package,
	// which is then not checked.
	Settings func(dir string) (*Settings, error)
	Fix      bool // compute fixes (needed for -l, -d, -w, -json)
	Write    bool // write fixed files
	// VerifyTests (with Write) runs the tests of every package whose files
	// are written, before and after; fixes that make a test fail that
	// passed before are found by bisection and left out (-verify=tests).
	VerifyTests bool
	// TestTimeout limits each go test run of VerifyTests (0: 5 minutes).
	TestTimeout time.Duration
	Edits       bool // compute each finding's own text edits (-json)
	// Dependencies computes the shared analyses' facts (summaries of
	// callees) for the dependencies outside the standard library, from
	// source, cached on disk (see depfacts.go), before the packages are
	// checked; without it a callee in a package not being checked is
	// unknown to the rules.
	Dependencies bool

	// exportRoots: the checked packages' imports all come from export
	// data, which the go command compiles for edited packages (the loader
	// before issue 17; kept for the test that compares both).
	exportRoots bool
}

// Settings are what a run enables and sets for one package.
type Settings struct {
	// Enabled reports whether check runs on the file (an absolute path);
	// nil: the checks whose category is on by default.
	Enabled func(check *rule.Check, file string) bool
	// Values are the option values; absent options take their defaults.
	Values rule.Values
}

// Defaults are the settings of a run without configuration.
var Defaults = &Settings{}

func (s *Settings) enabled(c *rule.Check, file string) bool {
	if s.Enabled == nil {
		return c.Category.DefaultOn()
	}
	return s.Enabled(c, file)
}

// Finding is one reported diagnostic.
type Finding struct {
	Check   *rule.Check    // Check.ID() names it; Check.Rule() its rule
	Pos     token.Position // absolute file name
	Message string
	HasFix  bool // the rule offered a fix
	Fixed   bool // the fix is part of the file's new content
	// FixDropped says why the rule's fix was left out: it did not apply,
	// conflicted, did not type-check, was not idempotent, or broke a test.
	FixDropped string
	Edits      []rule.TextEdit // the fix on its own (Options.Edits)
	// Evidence is the finding's evidence chain (the rule's Related), in
	// order: source, view, holder, later overwrite or use.
	Evidence []Step

	id int // unique in the run: names the finding across sorting
}

// Step is one step of a finding's evidence chain.
type Step struct {
	Pos     token.Position // absolute file name, like Finding.Pos
	End     token.Position // invalid when the rule gave no end
	Message string         // one line
}

// evidence resolves a diagnostic's Related steps; steps without a
// position are left out.
func evidence(fset *token.FileSet, rel []rule.Related) []Step {
	var out []Step
	for _, r := range rel {
		if !r.Pos.IsValid() {
			continue
		}
		s := Step{Pos: fset.PositionFor(r.Pos, false), Message: r.Message}
		if r.End.IsValid() {
			s.End = fset.PositionFor(r.End, false)
		}
		out = append(out, s)
	}
	return out
}

// Change is the new content of one file.
type Change struct {
	Path     string // absolute
	Old, New []byte
	Written  bool

	// With Options.VerifyTests: the findings whose fixes New holds, and
	// how to compute the content with only some of them.
	fixes []int // Finding ids
	refix func(keep map[int]bool) []byte
}

// Result is everything one run produced.
type Result struct {
	Findings []Finding
	Changes  []Change
	Errors   []error
	Deps     DepStats // with Options.Dependencies
}

// Run loads the packages named by opts.Args, runs the rules, and, when asked,
// computes, verifies and writes fixes. Load, parse and type errors of one
// package are reported in Result.Errors; other packages are still processed.
func Run(opts Options) (*Result, error) {
	if opts.Dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			return nil, err
		}
		opts.Dir = wd
	}
	tgt, err := splitArgs(opts.Dir, opts.Args)
	if err != nil {
		return nil, err
	}
	if opts.Env == nil {
		opts.Env = os.Environ()
	}
	tests := opts.Tests
	if tgt.files != nil && !tgt.hasTestFile() {
		// Named files, none a test: their packages' plain variants are
		// enough, and much cheaper than building the test variants.
		tests = false
	}
	listed, err := goList(opts.Dir, opts.Env, opts.Tags, tests, opts.exportRoots, opts.exportRoots, tgt.patterns)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*listedPackage, len(listed))
	for _, p := range listed {
		byID[p.ID] = p
	}
	fset := token.NewFileSet()
	e := &engine{opts: opts, target: tgt, extra: newExtraImporter(opts.Dir, opts.Tags, opts.Env), facts: &rule.MemFacts{}, claimed: map[string]bool{}}
	loader := newExportLoader(fset, byID)
	selected := selectPackages(listed)
	if tgt.files != nil {
		selected = tgt.holding(selected)
	}
	// The plan is the same with either loader, so that packages run in
	// the same order (facts) and findings are the same.
	set := sourceSet(listed, byID)
	plan := sourcePlan(selected, set, byID)
	var src *sourceTypes
	if !opts.exportRoots {
		// More go commands: cgo's output for the cgo packages inside the
		// source set, and export data for the packages outside it. cgo's
		// output first: it has imports of its own (runtime/cgo), which
		// may bring more packages into the plan.
		compiled := map[string]bool{}
		for {
			var cgo []*listedPackage
			for _, p := range plan {
				if len(p.CgoFiles) > 0 && !compiled[p.ID] {
					compiled[p.ID] = true
					cgo = append(cgo, p)
				}
			}
			if len(cgo) == 0 {
				break
			}
			if err := compiledFiles(opts.Dir, opts.Env, opts.Tags, tests, cgo); err != nil {
				return nil, err
			}
			set = sourceSet(listed, byID)
			plan = sourcePlan(selected, set, byID)
		}
		if need := exportNeeded(plan, set); len(need) > 0 {
			exported, err := goListExport(opts.Dir, opts.Env, opts.Tags, need)
			if err != nil {
				return nil, err
			}
			for id, q := range exported {
				lp := byID[id]
				if lp == nil {
					byID[id] = q // an import of cgo's output, or one of its dependencies
					continue
				}
				if set[id] {
					continue
				}
				lp.Export = q.Export
				if lp.Error == nil {
					lp.Error = q.Error
				}
			}
		}
		src = newSourceTypes(set, plan)
	}
	var deps DepStats
	if opts.Dependencies {
		deps = e.computeDependencyFacts(dependencyPackages(listed, selected, set), fset, loader, src)
	}
	results := make([]pkgResult, len(selected))
	inDependencyOrder(plan, runtime.GOMAXPROCS(0), func(i int) {
		lp := plan[i]
		if i >= len(selected) {
			if src == nil {
				return // the export loader reads it when imported
			}
			// Imported by the checked packages: types only.
			im := &sourceImporter{lp: lp, loader: loader, src: src, extra: e.extra}
			t, err := src.typesOnly(lp, fset, im)
			src.done(lp, t, err)
			return
		}
		// The package's syntax is dropped when this returns; its types
		// stay as long as a package that imports it is not done.
		pkg := checkListed(lp, fset, loader, src, e.extra)
		results[i] = e.checkPackage(pkg)
		if src != nil {
			var err error
			if len(pkg.Errors) > 0 {
				err = pkg.Errors[0]
			}
			src.done(lp, pkg.Types, err)
		}
	})

	res := &Result{Deps: deps}
	seenErr := map[string]bool{}
	for _, r := range results {
		res.Findings = append(res.Findings, r.findings...)
		res.Changes = append(res.Changes, r.changes...)
		for _, err := range r.errors {
			if !seenErr[err.Error()] { // a package and its test variant share errors
				seenErr[err.Error()] = true
				res.Errors = append(res.Errors, err)
			}
		}
	}
	if len(listed) == 0 || (len(selected) == 0 && len(res.Errors) == 0) {
		res.Errors = append(res.Errors, fmt.Errorf("no packages matched %s", strings.Join(opts.Args, " ")))
	}
	sortFindings(res.Findings)
	sort.Slice(res.Changes, func(i, j int) bool { return res.Changes[i].Path < res.Changes[j].Path })
	if opts.Write && opts.VerifyTests {
		e.writeVerified(res)
	} else if opts.Write {
		for i := range res.Changes {
			c := &res.Changes[i]
			if err := writeAtomic(c.Path, c.Old, c.New); err != nil {
				res.Errors = append(res.Errors, err)
				unmarkFixed(res.Findings, c.Path)
				continue
			}
			c.Written = true
		}
	}
	return res, nil
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i].Pos, fs[j].Pos
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return fs[i].Check.Rule().ID < fs[j].Check.Rule().ID // stable: a rule's own order
	})
}

func unmarkFixed(fs []Finding, path string) {
	for i := range fs {
		if fs[i].Pos.Filename == path {
			fs[i].Fixed = false
		}
	}
}

type engine struct {
	opts   Options
	target target
	extra  *extraImporter
	facts  rule.FactStore

	claimMu sync.Mutex
	claimed map[string]bool // files already checked by some package

	nextID atomic.Int64 // Finding ids
}

// claim reports whether file is not yet checked by another package (a file
// can belong to several loaded variants of a package) and claims it.
func (e *engine) claim(file string) bool {
	e.claimMu.Lock()
	defer e.claimMu.Unlock()
	if e.claimed[file] {
		return false
	}
	e.claimed[file] = true
	return true
}

// inDependencyOrder calls do for every package with at most `workers`
// calls at once, starting a package only when the packages it imports
// (among pkgs) are done, so that their types and facts are available.
//
// A package waits for the variants it imports (their types are needed)
// and, for facts, for every other variant of the packages it imports (P's
// facts come from "P [P.test]" when that is the variant checked). The
// second kind of edge can close cycles where the first cannot: the
// internal tests of A import B while those of B import A. Such an edge is
// left out, and only such a one: edges are added in package order, each
// unless it would close a cycle, so that the order is the same from run to
// run and as many packages as possible see the facts of what they import.
func inDependencyOrder(pkgs []*listedPackage, workers int, do func(i int)) {
	byPath := map[string][]int{}
	for i, p := range pkgs {
		byPath[p.pkgPath] = append(byPath[p.pkgPath], i)
	}
	byID := map[string]int{}
	for i, p := range pkgs {
		byID[p.ID] = i
	}
	waiting := make([]int, len(pkgs)) // unfinished dependencies
	dependents := make([][]int, len(pkgs))
	has := make([]map[int]bool, len(pkgs)) // i -> the j it waits for
	for i := range pkgs {
		has[i] = map[int]bool{}
	}
	add := func(i, j int) {
		if j != i && !has[i][j] {
			has[i][j] = true
			waiting[i]++
			dependents[j] = append(dependents[j], i)
		}
	}
	for i, p := range pkgs {
		for _, id := range p.Imports {
			if j, ok := byID[id]; ok {
				add(i, j)
			}
		}
	}
	if !acyclic(waiting, dependents) {
		// Valid Go has no import cycles; should the loaded graph have one,
		// run everything in any order rather than deadlock (an import
		// whose types are not there yet is then an error).
		for i := range waiting {
			waiting[i] = 0
			dependents[i] = nil
		}
	} else {
		mark := make([]int, len(pkgs)) // visit stamps of reaches
		stamp := 0
		var stack []int
		// reaches reports whether to is reachable from from along
		// dependents edges (from is done before to).
		reaches := func(from, to int) bool {
			stamp++
			stack = append(stack[:0], from)
			mark[from] = stamp
			for len(stack) > 0 {
				n := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if n == to {
					return true
				}
				for _, d := range dependents[n] {
					if mark[d] != stamp {
						mark[d] = stamp
						stack = append(stack, d)
					}
				}
			}
			return false
		}
		for i, p := range pkgs {
			for _, id := range p.Imports {
				path := id
				if k := strings.Index(id, " ["); k >= 0 {
					path = id[:k]
				}
				for _, j := range byPath[path] {
					// i after j, unless i must already come before j.
					if j != i && !has[i][j] && !reaches(i, j) {
						add(i, j)
					}
				}
			}
		}
	}
	ready := make(chan int, len(pkgs))
	var mu sync.Mutex
	for i := range pkgs {
		if waiting[i] == 0 {
			ready <- i
		}
	}
	var wg sync.WaitGroup
	wg.Add(len(pkgs))
	for w := 0; w < workers; w++ {
		go func() {
			for i := range ready {
				do(i)
				mu.Lock()
				for _, d := range dependents[i] {
					waiting[d]--
					if waiting[d] == 0 {
						ready <- d
					}
				}
				mu.Unlock()
				wg.Done()
			}
		}()
	}
	wg.Wait()
	close(ready)
}

// acyclic reports whether every package can be reached in topological order.
func acyclic(waiting []int, dependents [][]int) bool {
	w := append([]int(nil), waiting...)
	var queue []int
	for i, n := range w {
		if n == 0 {
			queue = append(queue, i)
		}
	}
	done := 0
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		done++
		for _, d := range dependents[i] {
			if w[d]--; w[d] == 0 {
				queue = append(queue, d)
			}
		}
	}
	return done == len(w)
}

type pkgResult struct {
	findings []Finding
	changes  []Change
	errors   []error
}

// ruleDiag is a diagnostic in the engine's hands.
type ruleDiag struct {
	rule.Diagnostic
	finding int // index in pkgResult.findings
}

func (e *engine) checkPackage(pkg *Package) (res pkgResult) {
	if len(pkg.Errors) > 0 {
		res.errors = append(res.errors, pkg.Errors...)
		return res
	}
	if pkg.Types == nil || pkg.TypesInfo == nil {
		return res
	}
	goFiles := map[string]bool{}
	for _, f := range pkg.GoFiles {
		goFiles[f] = true
	}
	inScope := map[*ast.File]bool{}
	for _, f := range pkg.Syntax {
		name := pkg.Fset.File(f.FileStart).Name()
		if !goFiles[name] || ast.IsGenerated(f) {
			continue // cgo-processed or generated: never reported or rewritten
		}
		if e.target.files != nil && !e.target.files[name] {
			continue
		}
		if !e.claim(name) {
			continue
		}
		inScope[f] = true
	}
	if len(inScope) == 0 {
		return res
	}

	settings := Defaults
	if e.opts.Settings != nil {
		s, err := e.opts.Settings(pkg.Dir)
		if err != nil {
			res.errors = append(res.errors, err)
			return res
		}
		settings = s
	}
	var diags []ruleDiag
	results := rule.NewResults() // shared analyses, once for all rules of the package
	sup := rule.NewSuppressions(pkg.Fset)
	for _, r := range e.opts.Rules {
		if !anyEnabled(settings, r, inScope, pkg.Fset) {
			continue
		}
		pass := rule.NewPass(rule.PassConfig{
			Rule: r, Fset: pkg.Fset, Files: pkg.Syntax, Pkg: pkg.Types, Info: pkg.TypesInfo,
			Facts: e.facts, Values: settings.Values, Results: results,
			InScope: func(f *ast.File) bool { return inScope[f] },
			Report: func(d rule.Diagnostic) {
				f := rule.FileOf(pkg.Syntax, d.Pos)
				if f == nil || !inScope[f] || !settings.enabled(d.Check, pkg.Fset.File(f.FileStart).Name()) || sup.Suppressed(f, d.Pos, d.Check) {
					return
				}
				diags = append(diags, ruleDiag{Diagnostic: d})
			},
		})
		if err := runRule(r, pass); err != nil {
			res.errors = append(res.errors, err)
		}
	}
	diags = dedupe(pkg.Fset, diags)
	for i := range diags {
		d := &diags[i]
		d.finding = len(res.findings)
		res.findings = append(res.findings, Finding{
			id:       int(e.nextID.Add(1)),
			Check:    d.Check,
			Pos:      pkg.Fset.PositionFor(d.Pos, false),
			Message:  d.Message,
			HasFix:   d.Fix != nil,
			Evidence: evidence(pkg.Fset, d.Related),
		})
	}
	if e.opts.Fix {
		e.fixPackage(pkg, settings, diags, &res)
	}
	return res
}

// runRule runs one rule, turning a panic into an error naming the rule and
// package so that one bad rule never takes the run down.
func runRule(r *rule.Rule, pass *rule.Pass) (err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("%s: rule %s panicked: %v\n%s", pass.Pkg.Path(), r.ID, x, debug.Stack())
		}
	}()
	r.Run(pass)
	return nil
}

// anyEnabled reports whether some check of r runs on some in-scope file.
func anyEnabled(s *Settings, r *rule.Rule, inScope map[*ast.File]bool, fset *token.FileSet) bool {
	for f := range inScope {
		name := fset.File(f.FileStart).Name()
		for _, c := range r.Checks {
			if s.enabled(c, name) {
				return true
			}
		}
	}
	return false
}

// dedupe drops repeated reports of the same rule at the same place. The
// finding keeps one evidence chain: the first report's, or the first
// non-empty one when the first report had none.
func dedupe(fset *token.FileSet, diags []ruleDiag) []ruleDiag {
	type key struct {
		check *rule.Check
		pos   token.Pos
		msg   string
	}
	seen := map[key]int{} // index in out
	out := diags[:0]
	for _, d := range diags {
		k := key{d.Check, d.Pos, d.Message}
		if i, ok := seen[k]; ok {
			if len(out[i].Related) == 0 {
				out[i].Related = d.Related
			}
			continue
		}
		seen[k] = len(out)
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos < out[j].Pos })
	return out
}

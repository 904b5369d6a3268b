// Package vflow is value flow on SSA (golang.org/x/tools/go/ssa), built
// once per package as a shared analysis: where a slice (or any value)
// ultimately comes from, following phis, slicing, conversions, loads and
// stores of memory cells, tuple results and closures' free variables;
// which calls never return (derived from code, carried across packages as
// facts); and the mapping between SSA values and syntax in both directions,
// for messages and fixes.
//
// SSA makes the analysis flow-sensitive for free: a variable reassigned
// after an operation is a different value, the values merged from two
// branches meet in a phi, and loop-carried values are phis at the loop head.
// Memory cells that SSA does not lift (variables whose address is taken or
// that closures capture, struct fields behind pointers) are followed by a
// backward search for the stores that reach a load; see Origins.
//
// Rules list Analysis in Requires and call For.
package vflow

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"

	"golang.org/x/tools/go/ssa"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// Package is the value-flow layer of one package: its SSA form, the
// mapping between syntax and values, and what never returns. It is
// immutable once built, so rules may query it concurrently.
type Package struct {
	Fset *token.FileSet
	Pkg  *types.Package
	// SSA is the package's SSA form (nil when it could not be built: then
	// every query answers nil, false or "reachable").
	SSA *ssa.Package
	// Err says why SSA is nil.
	Err error

	facts rule.FactStore
	funcs []*ssa.Function // every function with a body: declared, methods, init, literals (parents first)

	// syntax <-> values, from the DebugRef instructions of debug mode
	vals   map[ast.Expr]*ssa.DebugRef // expression -> its value
	addrs  map[ast.Expr]*ssa.DebugRef // addressable expression in an lvalue context -> its address
	stores map[ast.Expr]*ssa.Store    // left side of an assignment to memory -> the store
	exprOf map[ssa.Value]ast.Expr     // value -> the expression that best names it
	bySyn  map[ast.Node]*ssa.Function // *ast.FuncDecl or *ast.FuncLit -> its function

	closures map[*ssa.Function][]*ssa.MakeClosure // anonymous function -> where closures of it are made
	byRoot   map[ssa.Value][]*ssa.Store           // base of a location (see locKey) -> the stores into it
	storeIdx map[*ssa.Store]int                   // store -> its index in its block

	// calls that never return
	noReturn map[*ssa.Function]bool   // functions of this package that never return
	named    map[*types.Func]bool     // the same, by object (named functions and methods)
	known    map[*ssa.Function]bool   // callee -> whether knowledge or facts say it never returns
	cut      map[*ssa.BasicBlock]int  // block -> index of its first never-returning call or panic
	live     map[*ssa.Function][]bool // function -> reachability of its blocks, by Index
}

// FactKey is the key under which a function that never returns is
// recorded in the shared facts of its package (value "1").
func FactKey(fn *types.Func) string { return "noreturn:" + fn.Origin().FullName() }

// Mode is the SSA builder mode: debug information for every function (so
// that syntax maps to values), serial building (the driver already checks
// packages in parallel), generic functions built once with their type
// parameters (no instantiation).
const Mode = ssa.GlobalDebug | ssa.BuildSerially

// Analysis builds the value-flow layer of a package once for every rule
// that requires it, and exports the package's never-returning functions as
// facts for the packages that import it.
var Analysis = &rule.Analysis{
	Name:       "gofixslicevflow",
	Doc:        "gofixslicevflow builds the SSA form of a package with value-flow queries (origins of values, calls that never return) for the gofixslice analyzers.",
	ResultType: reflect.TypeOf((*Package)(nil)),
	Run: func(pass *rule.Pass) any {
		p := Build(pass.Fset, pass.Files, pass.Pkg, pass.Info, pass.Facts)
		for fn, ok := range p.named {
			if ok {
				pass.Facts.Export(pass.Pkg, FactKey(fn), "1")
			}
		}
		return p
	},
}

// For returns the value-flow layer of the pass's package. The rule must
// list Analysis in its Requires.
func For(pass *rule.Pass) *Package { return pass.ResultOf(Analysis).(*Package) }

// Build builds the value-flow layer of a type-checked package. Imported
// packages are created from their types only (no bodies): calls into them
// are calls to functions without blocks. facts (nil: none) answers whether
// functions of other packages never return.
func Build(fset *token.FileSet, files []*ast.File, pkg *types.Package, info *types.Info, facts rule.FactStore) *Package {
	return build(fset, files, pkg, info, facts, Mode)
}

func build(fset *token.FileSet, files []*ast.File, pkg *types.Package, info *types.Info, facts rule.FactStore, mode ssa.BuilderMode) (p *Package) {
	if facts == nil {
		facts = rule.NoFacts
	}
	p = &Package{Fset: fset, Pkg: pkg, facts: facts}
	defer func() {
		// The builder panics on input it does not expect (a package with
		// type errors); the layer is then empty rather than the run lost.
		if r := recover(); r != nil {
			*p = Package{Fset: fset, Pkg: pkg, facts: facts, Err: fmt.Errorf("building SSA for %s: %v", pkg.Path(), r)}
		}
	}()
	prog := ssa.NewProgram(fset, mode)
	for _, q := range ssaImports(pkg, info) {
		prog.CreatePackage(q, nil, nil, true)
	}
	p.SSA = prog.CreatePackage(pkg, files, info, false)
	p.SSA.Build()
	p.collect()
	p.index()
	p.deriveNoReturn()
	return p
}

// collect lists the package's functions: package-level functions (with
// the package initializer, which holds package-level function literals),
// methods of its named types, and their function literals, parents first.
func (p *Package) collect() {
	seen := map[*ssa.Function]bool{}
	var add func(fn *ssa.Function)
	add = func(fn *ssa.Function) {
		if fn == nil || seen[fn] || fn.Pkg != p.SSA {
			return
		}
		seen[fn] = true
		p.funcs = append(p.funcs, fn)
		for _, anon := range fn.AnonFuncs {
			add(anon)
		}
	}
	prog := p.SSA.Prog
	// Members in source order, so that results are deterministic.
	var members []ssa.Member
	for _, m := range p.SSA.Members {
		members = append(members, m)
	}
	sortMembers(members)
	for _, m := range members {
		switch m := m.(type) {
		case *ssa.Function:
			add(m)
		case *ssa.Type:
			named, ok := types.Unalias(m.Type()).(*types.Named)
			if !ok {
				continue
			}
			for i := range named.NumMethods() {
				add(prog.FuncValue(named.Method(i)))
			}
		}
	}
}

// index maps syntax to values and back, function syntax to functions,
// and anonymous functions to the closures made of them.
func (p *Package) index() {
	p.vals = map[ast.Expr]*ssa.DebugRef{}
	p.addrs = map[ast.Expr]*ssa.DebugRef{}
	p.stores = map[ast.Expr]*ssa.Store{}
	p.exprOf = map[ssa.Value]ast.Expr{}
	p.bySyn = map[ast.Node]*ssa.Function{}
	p.closures = map[*ssa.Function][]*ssa.MakeClosure{}
	p.byRoot = map[ssa.Value][]*ssa.Store{}
	p.storeIdx = map[*ssa.Store]int{}
	scores := map[ssa.Value]int{}
	for _, fn := range p.funcs {
		if syn := fn.Syntax(); syn != nil {
			switch syn.(type) {
			case *ast.FuncDecl, *ast.FuncLit:
				p.bySyn[syn] = fn
			}
		}
		for _, b := range fn.Blocks {
			for i, instr := range b.Instrs {
				switch instr := instr.(type) {
				case *ssa.DebugRef:
					// An assignment to memory is a store followed by
					// the left side's DebugRef to the stored value.
					if s, ok := prev(b, i).(*ssa.Store); ok && !instr.IsAddr && s.Val == instr.X {
						if _, ok := p.stores[instr.Expr]; !ok {
							p.stores[instr.Expr] = s
						}
					}
					m := p.vals
					if instr.IsAddr {
						m = p.addrs
					}
					if _, ok := m[instr.Expr]; !ok {
						m[instr.Expr] = instr
					}
					if !instr.IsAddr {
						lhs := p.stores[instr.Expr] != nil
						score := nameScore(instr.Expr, instr.X, lhs)
						if old, ok := p.exprOf[instr.X]; !ok || score > scores[instr.X] || score == scores[instr.X] && instr.Expr.Pos() < old.Pos() {
							p.exprOf[instr.X] = instr.Expr
							scores[instr.X] = score
						}
					}
				case *ssa.Store:
					root, _ := locKey(instr.Addr)
					p.byRoot[root] = append(p.byRoot[root], instr)
					p.storeIdx[instr] = i
				case *ssa.MakeClosure:
					if anon, ok := instr.Fn.(*ssa.Function); ok {
						p.closures[anon] = append(p.closures[anon], instr)
					}
				}
			}
		}
	}
}

func prev(b *ssa.BasicBlock, i int) ssa.Instruction {
	if i > 0 {
		return b.Instrs[i-1]
	}
	return nil
}

// nameScore rates e as the expression that names value v: the one
// whose span holds v's own position (make(...) for its slice, the call
// for its result), then one that is not the left side of an assignment
// (x.f = v names the store, not v), then one that is not a mere mention
// of a variable.
func nameScore(e ast.Expr, v ssa.Value, lhs bool) int {
	s := 0
	if pos := v.Pos(); pos.IsValid() && e.Pos() <= pos && pos < e.End() {
		s += 4
	}
	if !lhs {
		s += 2
	}
	if _, ok := e.(*ast.Ident); !ok {
		s++
	}
	return s
}

// Funcs returns every function of the package that has a body: declared
// functions and methods, the package initializer, and function literals
// (package-level ones are literals of the initializer), parents before
// their literals.
func (p *Package) Funcs() []*ssa.Function { return p.funcs }

// FuncOf returns the function of an *ast.FuncDecl or *ast.FuncLit, or nil.
func (p *Package) FuncOf(n ast.Node) *ssa.Function { return p.bySyn[n] }

// ValueOf returns the SSA value of a non-constant expression where it is
// evaluated, or nil (a constant, nil, a built-in, code the builder dropped
// as unreachable). It is what ssa.Function.ValueForExpr answers, from an
// index of the package's DebugRef instructions. A variable denotes the
// value it holds at that point: after x = y, x is y's value.
func (p *Package) ValueOf(e ast.Expr) ssa.Value {
	if r := p.RefOf(e); r != nil {
		return r.X
	}
	return nil
}

// AddrOf returns the address an addressable expression denotes where its
// address is taken (&x.f, a call of a pointer method on it, an operand of
// x.f += 1), or nil. ValueOf of the left side of an assignment is the
// value assigned; StoreOf is the store.
func (p *Package) AddrOf(e ast.Expr) ssa.Value {
	if r := lookup(p.addrs, e); r != nil {
		return r.X
	}
	return nil
}

// AddrRefOf is AddrOf's DebugRef: the address, and as an instruction,
// where it is taken.
func (p *Package) AddrRefOf(e ast.Expr) *ssa.DebugRef {
	if e == nil || p.addrs == nil {
		return nil
	}
	return lookup(p.addrs, e)
}

// lookup finds e in m; a field selection x.f in an lvalue context is
// recorded under its selector f.
func lookup[T any](m map[ast.Expr]T, e ast.Expr) T {
	e = ast.Unparen(e)
	r, ok := m[e]
	if !ok {
		if sel, isSel := e.(*ast.SelectorExpr); isSel {
			r = m[sel.Sel]
		}
	}
	return r
}

// StoreOf returns the store an assignment makes to the location its left
// side denotes (x.f = v, *p = v, a[i] = v, a variable not lifted to a
// register), or nil (an assignment to a variable in a register, a map
// element).
func (p *Package) StoreOf(lhs ast.Expr) *ssa.Store {
	if lhs == nil || p.stores == nil {
		return nil
	}
	return lookup(p.stores, lhs)
}

// RefOf returns the DebugRef of a non-constant expression: its value, and
// as an instruction, where in its function and block it is evaluated.
func (p *Package) RefOf(e ast.Expr) *ssa.DebugRef {
	if e == nil || p.vals == nil {
		return nil
	}
	return lookup(p.vals, e)
}

// Expr returns the expression that best names a value: the one that
// defines it (make(...), b[i:j], f(x)) or else its first mention, or nil
// (a phi nobody names, a value the builder made up).
func (p *Package) Expr(v ssa.Value) ast.Expr { return p.exprOf[v] }

// Pos returns a position for a value: its own (the call's parenthesis, the
// slice expression's bracket, the parameter's name) or its expression's.
func (p *Package) Pos(v ssa.Value) token.Pos {
	if v == nil {
		return token.NoPos
	}
	if pos := v.Pos(); pos.IsValid() {
		return pos
	}
	if e := p.exprOf[v]; e != nil {
		return e.Pos()
	}
	if phi, ok := v.(*ssa.Phi); ok {
		for _, e := range phi.Edges {
			if pos := p.Pos(e); pos.IsValid() && !isPhi(e) {
				return pos
			}
		}
	}
	return token.NoPos
}

// InstrPos returns a position for an instruction: its own or, for a value,
// Pos's.
func (p *Package) InstrPos(instr ssa.Instruction) token.Pos {
	if instr == nil {
		return token.NoPos
	}
	if pos := instr.Pos(); pos.IsValid() {
		return pos
	}
	if v, ok := instr.(ssa.Value); ok {
		return p.Pos(v)
	}
	if s, ok := instr.(*ssa.Store); ok {
		return p.Pos(s.Val)
	}
	return token.NoPos
}

func isPhi(v ssa.Value) bool { _, ok := v.(*ssa.Phi); return ok }

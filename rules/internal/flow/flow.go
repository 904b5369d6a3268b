// Package flow holds the intraprocedural facts rules share: where a local
// variable was last assigned, which loops enclose a node, what a location's
// root variable is, and which values a store puts into a location.
//
// It is deliberately simple (textual order stands in for control flow) and
// errs towards "unknown", which rules treat as "do not report".
package flow

import (
	"go/ast"
	"go/token"
	"go/types"
	"sort"

	"golang.org/x/tools/go/cfg"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// Func is one function declaration with the facts rules ask about it.
type Func struct {
	Decl    *ast.FuncDecl
	Info    *types.Info
	Pkg     *types.Package
	params  map[*types.Var]bool
	results map[*types.Var]bool
	loops   []ast.Node // ForStmt and RangeStmt, in source order
	defs    map[*types.Var][]Def
	uses    map[*types.Var][]*ast.Ident

	readTargets map[*types.Var]bool   // computed by ReadTargets
	parents     map[ast.Node]ast.Node // computed by Parents
}

// Def is one assignment to a variable.
type Def struct {
	End   token.Pos // where the assignment takes effect
	RHS   ast.Expr  // nil for range variables and zero-value declarations
	Index int       // LHS index when RHS is a multi-value call
	Tuple bool      // RHS is a multi-value call assigned to several LHS
	Stmt  ast.Node
}

// Funcs returns the functions with bodies declared in file.
func Funcs(info *types.Info, pkg *types.Package, file *ast.File) []*Func {
	var out []*Func
	for _, d := range file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Body == nil {
			continue
		}
		out = append(out, NewFunc(info, pkg, fd))
	}
	return out
}

// NewFunc collects the facts of one function declaration.
func NewFunc(info *types.Info, pkg *types.Package, fd *ast.FuncDecl) *Func {
	f := &Func{Decl: fd, Info: info, Pkg: pkg, params: map[*types.Var]bool{}, results: map[*types.Var]bool{}, defs: map[*types.Var][]Def{}, uses: map[*types.Var][]*ast.Ident{}}
	addFields := func(fl *ast.FieldList) {
		if fl == nil {
			return
		}
		for _, fld := range fl.List {
			for _, n := range fld.Names {
				if v, ok := info.Defs[n].(*types.Var); ok {
					f.params[v] = true
				}
			}
		}
	}
	addFields(fd.Recv)
	addFields(fd.Type.Params)
	addFields(fd.Type.Results)
	if fd.Type.Results != nil {
		for _, fld := range fd.Type.Results.List {
			for _, n := range fld.Names {
				if v, ok := info.Defs[n].(*types.Var); ok {
					f.results[v] = true
				}
			}
		}
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if v, ok := info.Uses[n].(*types.Var); ok {
				f.uses[v] = append(f.uses[v], n)
			}
		case *ast.FuncLit:
			addFields(n.Type.Params)
			addFields(n.Type.Results)
		case *ast.ForStmt:
			f.loops = append(f.loops, n)
		case *ast.AssignStmt:
			f.addAssign(n)
		case *ast.ValueSpec:
			for i, name := range n.Names {
				v, ok := info.Defs[name].(*types.Var)
				if !ok {
					continue
				}
				d := Def{End: n.End(), Stmt: n, Index: i}
				if len(n.Values) == len(n.Names) {
					d.RHS = n.Values[i]
				} else if len(n.Values) == 1 {
					d.RHS, d.Tuple = n.Values[0], true
				}
				f.defs[v] = append(f.defs[v], d)
			}
		case *ast.RangeStmt:
			f.loops = append(f.loops, n)
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if v := f.VarOf(e); v != nil {
					f.defs[v] = append(f.defs[v], Def{End: n.X.End(), Stmt: n})
				}
			}
		}
		return true
	})
	for _, ds := range f.defs {
		sort.SliceStable(ds, func(i, j int) bool { return ds[i].End < ds[j].End })
	}
	return f
}

func (f *Func) addAssign(n *ast.AssignStmt) {
	if n.Tok != token.ASSIGN && n.Tok != token.DEFINE {
		// x += y and friends: x keeps its storage kind; no new def.
		return
	}
	for i, lhs := range n.Lhs {
		v := f.VarOf(lhs)
		if v == nil {
			continue
		}
		d := Def{End: n.End(), Stmt: n, Index: i}
		if len(n.Rhs) == len(n.Lhs) {
			d.RHS = n.Rhs[i]
		} else if len(n.Rhs) == 1 {
			d.RHS, d.Tuple = n.Rhs[0], true
		}
		f.defs[v] = append(f.defs[v], d)
	}
}

// VarOf returns the variable an identifier expression denotes, or nil.
func (f *Func) VarOf(e ast.Expr) *types.Var {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	if v, ok := f.Info.Defs[id].(*types.Var); ok && v != nil {
		return v
	}
	v, _ := f.Info.Uses[id].(*types.Var)
	return v
}

// Reaching returns the last assignment to v that takes effect at or before
// pos in source order.
func (f *Func) Reaching(v *types.Var, pos token.Pos) (Def, bool) {
	ds := f.defs[v]
	for i := len(ds) - 1; i >= 0; i-- {
		if ds[i].End <= pos {
			return ds[i], true
		}
	}
	return Def{}, false
}

// Uses returns the identifiers using v in the function, in source order.
func (f *Func) Uses(v *types.Var) []*ast.Ident { return f.uses[v] }

// Defs returns every assignment to v in the function.
func (f *Func) Defs(v *types.Var) []Def { return f.defs[v] }

// IsParam reports whether v is a parameter, result or receiver of the
// function or of a function literal inside it.
func (f *Func) IsParam(v *types.Var) bool { return f.params[v] }

// IsResult reports whether v is a named result of the function declaration.
func (f *Func) IsResult(v *types.Var) bool { return f.results[v] }

// IsPackageLevel reports whether v is a package-level variable.
func IsPackageLevel(v *types.Var) bool {
	return v != nil && v.Parent() != nil && v.Pkg() != nil && v.Parent() == v.Pkg().Scope()
}

// InnermostLoop returns the innermost for or range statement of the
// function whose body contains n, or nil.
func (f *Func) InnermostLoop(n ast.Node) ast.Node {
	var best ast.Node
	for _, l := range f.loops {
		body := loopBody(l)
		if body.Pos() <= n.Pos() && n.End() <= body.End() {
			if best == nil || best.Pos() < l.Pos() {
				best = l
			}
		}
	}
	return best
}

// Loops returns the loops of the function in source order.
func (f *Func) Loops() []ast.Node { return f.loops }

func loopBody(l ast.Node) *ast.BlockStmt {
	switch l := l.(type) {
	case *ast.ForStmt:
		return l.Body
	case *ast.RangeStmt:
		return l.Body
	}
	return nil
}

// Within reports whether n lies inside outer.
func Within(n, outer ast.Node) bool {
	return outer != nil && outer.Pos() <= n.Pos() && n.End() <= outer.End()
}

// DeclaredOutside reports whether v is declared outside node n.
func DeclaredOutside(v *types.Var, n ast.Node) bool {
	return v.Pos() < n.Pos() || v.Pos() >= n.End()
}

// Root returns the identifier at the root of a location expression
// (m[k], x.f.g, *p, s[i:j]) or nil when the root is not an identifier
// (a call result, a literal).
func Root(e ast.Expr) *ast.Ident {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return x
		case *ast.IndexExpr:
			e = x.X
		case *ast.SelectorExpr:
			e = x.X
		case *ast.StarExpr:
			e = x.X
		case *ast.SliceExpr:
			e = x.X
		default:
			return nil
		}
	}
}

// Stored returns the expressions whose values end up in a location when e
// is stored there: the elements (not the spread argument) and the base of an
// append, the elements of composite literals, the operand of &.
func Stored(info *types.Info, e ast.Expr) []ast.Expr {
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.CallExpr:
		if IsBuiltin(info, x, "append") && len(x.Args) > 0 {
			var out []ast.Expr
			if !IsFresh(info, x.Args[0]) {
				out = append(out, Stored(info, x.Args[0])...)
			}
			elems := x.Args[1:]
			if x.Ellipsis.IsValid() && len(elems) > 0 {
				elems = elems[:len(elems)-1] // spread elements are copied
			}
			for _, a := range elems {
				out = append(out, Stored(info, a)...)
			}
			return out
		}
	case *ast.CompositeLit:
		var out []ast.Expr
		for _, elt := range x.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				elt = kv.Value
			}
			out = append(out, Stored(info, elt)...)
		}
		return out
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return Stored(info, x.X)
		}
	}
	return []ast.Expr{e}
}

// IsFresh reports whether e denotes a slice with no storage to share: nil,
// a conversion of nil, x[:0:0], or a make.
func IsFresh(info *types.Info, e ast.Expr) bool {
	e = ast.Unparen(e)
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name == "nil" && info.Uses[x] == types.Universe.Lookup("nil")
	case *ast.SliceExpr:
		if x.Slice3 && x.Max != nil {
			if tv, ok := info.Types[x.Max]; ok && tv.Value != nil && tv.Value.String() == "0" {
				return true
			}
		}
	case *ast.CallExpr:
		if IsBuiltin(info, x, "make") {
			return true
		}
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
			return IsFresh(info, x.Args[0])
		}
	case *ast.CompositeLit:
		return true
	}
	return false
}

// IsBuiltin reports whether call calls the named built-in function.
func IsBuiltin(info *types.Info, call *ast.CallExpr, name string) bool {
	id, ok := ast.Unparen(call.Fun).(*ast.Ident)
	if !ok {
		return false
	}
	b, ok := info.Uses[id].(*types.Builtin)
	return ok && b.Name() == name
}

// IsSliceType reports whether t's underlying type is a slice.
func IsSliceType(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Slice)
	return ok
}

// Indirect reports whether the location lhs is reached through an
// indirection (a pointer, map or slice), so that storing there writes into
// memory shared with whoever holds the root: p.f with p a pointer, m[k],
// s[i], *p. A field of a struct value or an element of an array value is not.
func Indirect(info *types.Info, lhs ast.Expr) bool {
	for {
		switch x := ast.Unparen(lhs).(type) {
		case *ast.StarExpr:
			return true
		case *ast.IndexExpr:
			if t := info.TypeOf(x.X); t != nil {
				switch t.Underlying().(type) {
				case *types.Map, *types.Slice, *types.Pointer:
					return true
				}
			}
			lhs = x.X
		case *ast.SelectorExpr:
			if t := info.TypeOf(x.X); t != nil {
				if _, ok := t.Underlying().(*types.Pointer); ok {
					return true
				}
			}
			lhs = x.X
		default:
			return false
		}
	}
}

// Graph is the control-flow graph of one function body (a declaration's or
// a function literal's). Statements inside nested function literals are not
// part of it.
type Graph struct {
	cfg *cfg.CFG
}

// NewGraph builds the control-flow graph of body. Calls that never return
// (panic, os.Exit, log.Fatal, t.Fatal...) end their block.
func NewGraph(info *types.Info, body *ast.BlockStmt) *Graph {
	return &Graph{cfg: cfg.New(body, func(call *ast.CallExpr) bool { return !NoReturn(info, call) })}
}

// NoReturn reports whether call certainly does not return: the panic
// built-in or a standard-library function that exits or unwinds
// (knowledge.NoReturn).
func NoReturn(info *types.Info, call *ast.CallExpr) bool {
	if IsBuiltin(info, call, "panic") {
		return true
	}
	return knowledge.NoReturn(rule.Callee(info, call))
}

// ReachesNextIteration reports whether control, once n has been evaluated,
// can reach the next iteration of loop (its post statement, or its head when
// it has none, or the head of a range loop) without leaving the loop first.
// n must be a statement or expression of the graph's function that lies in
// loop's body, outside any function literal. Unknown nodes answer false.
func (g *Graph) ReachesNextIteration(loop ast.Stmt, n ast.Node) bool {
	var start *cfg.Block
	for _, b := range g.cfg.Blocks {
		for _, bn := range b.Nodes {
			if bn.Pos() <= n.Pos() && n.End() <= bn.End() {
				start = b
			}
		}
	}
	if start == nil || !start.Live {
		return false
	}
	isTarget := func(b *cfg.Block) bool {
		if b.Stmt != loop {
			return false
		}
		switch l := loop.(type) {
		case *ast.RangeStmt:
			return b.Kind == cfg.KindRangeLoop
		case *ast.ForStmt:
			switch {
			case l.Post != nil:
				return b.Kind == cfg.KindForPost
			case l.Cond != nil:
				return b.Kind == cfg.KindForLoop
			default:
				return b.Kind == cfg.KindForBody
			}
		}
		return false
	}
	inside := func(b *cfg.Block) bool {
		if b.Stmt == nil {
			return false // a dangling label
		}
		if b.Stmt == loop {
			return b.Kind != cfg.KindForDone && b.Kind != cfg.KindRangeDone
		}
		return loop.Pos() <= b.Stmt.Pos() && b.Stmt.End() <= loop.End()
	}
	seen := map[*cfg.Block]bool{}
	queue := append([]*cfg.Block(nil), start.Succs...)
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		if seen[b] {
			continue
		}
		seen[b] = true
		if isTarget(b) {
			return true
		}
		if inside(b) {
			queue = append(queue, b.Succs...)
		}
	}
	return false
}

// Parents maps every node of the function declaration to its parent,
// computed once and shared by every rule that asks.
func (f *Func) Parents() map[ast.Node]ast.Node {
	if f.parents == nil {
		f.parents = Parents(f.Decl)
	}
	return f.parents
}

// Parents maps every node under root to its parent.
func Parents(root ast.Node) map[ast.Node]ast.Node {
	parents := map[ast.Node]ast.Node{}
	var stack []ast.Node
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return false
		}
		if len(stack) > 0 {
			parents[n] = stack[len(stack)-1]
		}
		stack = append(stack, n)
		return true
	})
	return parents
}

// StmtList returns the statement list a block, case clause or select
// clause holds, or nil for any other node.
func StmtList(n ast.Node) []ast.Stmt {
	switch b := n.(type) {
	case *ast.BlockStmt:
		return b.List
	case *ast.CaseClause:
		return b.Body
	case *ast.CommClause:
		return b.Body
	}
	return nil
}

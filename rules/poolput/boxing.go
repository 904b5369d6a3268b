// pool-put sub-check 3: non-pointer Put (staticcheck SA6002) and the
// conversion of a pool to pointers.

package poolput

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
)

// boxingPlan is the conversion of a pool of T values to a pool of *T: the
// New function, every Get and every Put, all in one file.
type boxingPlan struct {
	newRet  *ast.ReturnStmt // New's only statement
	newLit  bool            // it returns a composite literal: &T{...}
	newName string          // otherwise: the temporary holding the value
	gets    []*boxGet
	puts    []*boxPut
	elem    types.Type
	fix     *rule.Fix
}

type boxGet struct {
	assert  *ast.TypeAssertExpr
	stmt    ast.Stmt   // w := pool.Get().(T), or var w = pool.Get().(T)
	name    *ast.Ident // w in that statement
	v       *types.Var
	ptrName string // the fresh name of the pointer
}

type boxPut struct {
	site *putSite
	get  *boxGet
}

func (c *poolCheck) checkBoxing(s *putSite) {
	t := c.pass.Info.TypeOf(s.arg)
	if tv, ok := c.pass.Info.Types[s.arg]; !boxes(t) || (ok && tv.Value != nil) {
		return // constants are boxed without allocating
	}
	var fix *rule.Fix
	if s.pool != nil {
		if plan := c.boxingPlanFor(s.pool); plan != nil {
			fix = plan.fix
		}
	}
	c.report(s, rule.Diagnostic{Check: boxing, Pos: s.arg.Pos(), End: s.arg.End(), Fix: fix, Message: fmt.Sprintf(
		"argument should be pointer-like to avoid allocations (SA6002): %s boxes a %s into an interface, which allocates on every Put; pool *%s instead",
		c.putText(s), types.TypeString(t, types.RelativeTo(c.pass.Pkg)), types.TypeString(t, types.RelativeTo(c.pass.Pkg)))})
}

// boxes reports whether storing a value of type t in an interface
// allocates: slices, strings, arrays and structs that are not a single
// pointer-shaped word and not zero-sized.
func boxes(t types.Type) bool {
	if t == nil {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Slice:
		return true
	case *types.Basic:
		return u.Info()&types.IsString != 0 && u.Info()&types.IsUntyped == 0
	case *types.Array, *types.Struct:
		return !pointerShaped(t) && types.SizesFor("gc", "amd64").Sizeof(t) > 0
	}
	return false
}

func pointerShaped(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Pointer, *types.Map, *types.Chan, *types.Signature:
		return true
	case *types.Basic:
		return u.Kind() == types.UnsafePointer
	case *types.Struct:
		return u.NumFields() == 1 && pointerShaped(u.Field(0).Type())
	case *types.Array:
		return u.Len() == 1 && pointerShaped(u.Elem())
	}
	return false
}

// boxingPlanFor returns the conversion of the pool to pointers, or nil when
// it cannot be done safely: the pool, its New, every Get and every Put must
// be in view, in one file, and pair up (each Put puts back a variable that
// a Get of the same function defined).
func (c *poolCheck) boxingPlanFor(pi *poolInfo) *boxingPlan {
	if plan, ok := c.boxing[pi]; ok {
		return plan
	}
	plan := c.makeBoxingPlan(pi)
	c.boxing[pi] = plan
	return plan
}

func (c *poolCheck) makeBoxingPlan(pi *poolInfo) *boxingPlan {
	info := c.pass.Info
	if !pi.known || pi.newAssigned || pi.decl == nil || len(pi.decl.Names) != 1 || len(pi.decl.Values) != 1 || len(pi.puts) == 0 {
		return nil
	}
	file := c.pass.FileOf(pi.decl.Pos())
	inFile := func(n ast.Node) bool { return file != nil && file.FileStart <= n.Pos() && n.End() <= file.FileEnd }
	plan := &boxingPlan{}
	// New: func() any { return E }
	lit := ast.Unparen(pi.decl.Values[0])
	if u, ok := lit.(*ast.UnaryExpr); ok && u.Op == token.AND {
		lit = ast.Unparen(u.X)
	}
	cl, ok := lit.(*ast.CompositeLit)
	if !ok {
		return nil
	}
	var newFn *ast.FuncLit
	for _, elt := range cl.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			return nil
		}
		if id, ok := kv.Key.(*ast.Ident); ok && id.Name == knowledge.PoolNewField {
			newFn, _ = ast.Unparen(kv.Value).(*ast.FuncLit)
		}
	}
	if newFn == nil || len(newFn.Body.List) != 1 {
		return nil
	}
	ret, ok := newFn.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return nil
	}
	plan.newRet = ret
	plan.elem = info.TypeOf(ret.Results[0])
	if !boxes(plan.elem) {
		return nil
	}
	_, plan.newLit = ast.Unparen(ret.Results[0]).(*ast.CompositeLit)
	plan.newName = "v"
	// After the conversion the pool holds *T: it must not become a pool
	// that the reset check asks to reset (types with a Reset method).
	if !flow.IsSliceType(plan.elem) && c.resetFormOf(types.NewPointer(plan.elem)) != resetNone {
		return nil
	}
	// Gets: w := pool.Get().(T) / var w = pool.Get().(T).
	byVar := map[*types.Var]*boxGet{}
	for _, g := range pi.gets {
		if !inFile(g) {
			return nil
		}
		ta, ok := c.parent[g].(*ast.TypeAssertExpr)
		if !ok || ta.X != g || ta.Type == nil || !types.Identical(info.TypeOf(ta), plan.elem) {
			return nil
		}
		bg := &boxGet{assert: ta}
		switch p := c.parent[ta].(type) {
		case *ast.AssignStmt:
			if p.Tok != token.DEFINE || len(p.Lhs) != 1 || len(p.Rhs) != 1 || !c.inList(p) {
				return nil
			}
			bg.stmt = p
			bg.name, _ = p.Lhs[0].(*ast.Ident)
		case *ast.ValueSpec:
			gd, ok := c.parent[p].(*ast.GenDecl)
			if !ok || len(gd.Specs) != 1 || len(p.Names) != 1 || len(p.Values) != 1 || p.Type != nil {
				return nil
			}
			ds, ok := c.parent[gd].(*ast.DeclStmt)
			if !ok || !c.inList(ds) {
				return nil
			}
			bg.stmt, bg.name = ds, p.Names[0]
		default:
			return nil
		}
		if bg.name == nil {
			return nil
		}
		bg.v, _ = info.Defs[bg.name].(*types.Var)
		if bg.v == nil || byVar[bg.v] != nil {
			return nil
		}
		byVar[bg.v] = bg
		plan.gets = append(plan.gets, bg)
	}
	// Puts: pool.Put(w) or pool.Put(w[...]) within w's scope.
	used := map[*boxGet]bool{}
	for _, s := range pi.puts {
		if s.unfixed || !inFile(s.call) || !types.Identical(info.TypeOf(s.arg), plan.elem) {
			return nil
		}
		var id *ast.Ident
		switch a := ast.Unparen(s.arg).(type) {
		case *ast.Ident:
			id = a
		case *ast.SliceExpr:
			id, _ = ast.Unparen(a.X).(*ast.Ident)
		}
		if id == nil {
			return nil
		}
		bg := byVar[s.fn.VarOf(id)]
		if bg == nil || bg.v.Parent() == nil || !bg.v.Parent().Contains(s.call.Pos()) || s.call.Pos() < bg.stmt.End() {
			return nil
		}
		if s.stmt == nil && (s.deferStmt == nil || !c.inList(s.deferStmt)) {
			return nil
		}
		if flow.IsSliceType(plan.elem) && !summary.IsEmptied(info, s.arg) && !c.truncatedAfterGet(s.fn, bg) {
			// After the conversion, a *[]T put back with its old length
			// and a Get that does not truncate is a Put without reset.
			return nil
		}
		used[bg] = true
		plan.puts = append(plan.puts, &boxPut{site: s, get: bg})
	}
	for _, bg := range plan.gets {
		if !used[bg] {
			return nil // the pointer would be declared and not used
		}
		bg.ptrName = c.freshPtrName(bg)
	}
	plan.fix = &rule.Fix{Message: "pool pointers: convert New, every Get and every Put", Edit: plan.edit}
	return plan
}

// truncatedAfterGet reports whether the function slices w to zero length
// after the Get that defines it (w = w[:0], append(w[:0], ...)).
func (c *poolCheck) truncatedAfterGet(fn *flow.Func, bg *boxGet) bool {
	found := false
	ast.Inspect(fn.Decl.Body, func(n ast.Node) bool {
		if found || n == nil {
			return false
		}
		if se, ok := n.(*ast.SliceExpr); ok && se.Pos() > bg.stmt.End() && summary.IsEmptied(c.pass.Info, se) && fn.VarOf(se.X) == bg.v {
			found = true
		}
		return !found
	})
	return found
}

// freshPtrName picks a name for the pointer of w that no scope of the
// function uses: wp, wPtr, wPtr2...
func (c *poolCheck) freshPtrName(bg *boxGet) string {
	fd, _ := c.enclosingDecl(bg.stmt).(*ast.FuncDecl)
	used := map[string]bool{}
	if fd != nil {
		ast.Inspect(fd, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				used[id.Name] = true
			}
			return true
		})
	}
	base := bg.name.Name
	cands := []string{base + "p", base + "Ptr"}
	for i := 2; i < 100; i++ {
		cands = append(cands, fmt.Sprintf("%sPtr%d", base, i))
	}
	for _, n := range cands {
		if !used[n] && c.lookup(n, bg.stmt.Pos()) == nil {
			return n
		}
	}
	return base + "Ptr100"
}

// edit converts the pool; every Put diagnostic of the pool shares it, so it
// does nothing when an earlier one already converted this file.
func (plan *boxingPlan) edit(fc *rule.FixContext) error {
	first, ok := fc.Dst(plan.gets[0].assert).(*dst.TypeAssertExpr)
	if !ok {
		return fmt.Errorf("Get not found")
	}
	if _, done := first.Type.(*dst.StarExpr); done {
		return nil
	}
	ret, ok := fc.Dst(plan.newRet).(*dst.ReturnStmt)
	if !ok {
		return fmt.Errorf("New not found")
	}
	e := ret.Results[0]
	if plan.newLit {
		ret.Results[0] = &dst.UnaryExpr{Op: token.AND, X: e}
	} else {
		ret.Results[0] = &dst.UnaryExpr{Op: token.AND, X: dst.NewIdent(plan.newName)}
		tmp := &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(plan.newName)}, Tok: token.DEFINE, Rhs: []dst.Expr{e}}
		if err := fc.InsertBefore(plan.newRet, tmp); err != nil {
			return err
		}
	}
	for _, g := range plan.gets {
		ta, ok := fc.Dst(g.assert).(*dst.TypeAssertExpr)
		name, ok2 := fc.Dst(g.name).(*dst.Ident)
		if !ok || !ok2 {
			return fmt.Errorf("Get not found")
		}
		ta.Type = &dst.StarExpr{X: ta.Type}
		name.Name = g.ptrName
		deref := &dst.AssignStmt{
			Lhs: []dst.Expr{dst.NewIdent(g.name.Name)}, Tok: token.DEFINE,
			Rhs: []dst.Expr{&dst.StarExpr{X: dst.NewIdent(g.ptrName)}},
		}
		deref.Decs.Before, deref.Decs.After = dst.NewLine, dst.NewLine
		if err := fc.InsertAfter(g.stmt, deref); err != nil {
			return err
		}
	}
	for _, p := range plan.puts {
		call, ok := fc.Dst(p.site.call).(*dst.CallExpr)
		if !ok || len(call.Args) != 1 {
			return fmt.Errorf("Put not found")
		}
		old := call.Args[0]
		call.Args[0] = dst.NewIdent(p.get.ptrName)
		store := &dst.AssignStmt{Lhs: []dst.Expr{&dst.StarExpr{X: dst.NewIdent(p.get.ptrName)}}, Tok: token.ASSIGN, Rhs: []dst.Expr{old}}
		store.Decs.Before, store.Decs.After = dst.NewLine, dst.NewLine
		var at ast.Stmt = p.site.stmt
		if p.site.deferStmt != nil {
			at = p.site.deferStmt
		}
		if err := fc.InsertBefore(at, store); err != nil {
			return err
		}
	}
	return nil
}

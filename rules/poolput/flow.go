// Intraprocedural helpers of pool-put: the order of statements, and what
// memory of the pooled object a value may reference.

package poolput

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// enclosingFunc returns the innermost FuncLit or FuncDecl containing n.
func (c *poolCheck) enclosingFunc(n ast.Node) ast.Node {
	for p := c.parent[n]; p != nil; p = c.parent[p] {
		switch p.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return p
		}
	}
	return nil
}

func funcBody(fn ast.Node) *ast.BlockStmt {
	switch fn := fn.(type) {
	case *ast.FuncLit:
		return fn.Body
	case *ast.FuncDecl:
		return fn.Body
	}
	return nil
}

func funcType(fn ast.Node) *ast.FuncType {
	switch fn := fn.(type) {
	case *ast.FuncLit:
		return fn.Type
	case *ast.FuncDecl:
		return fn.Type
	}
	return nil
}

func hasResults(fn ast.Node) bool {
	ft := funcType(fn)
	return ft == nil || (ft.Results != nil && len(ft.Results.List) > 0)
}

func (c *poolCheck) inList(s ast.Stmt) bool {
	for _, t := range flow.StmtList(c.parent[s]) {
		if t == s {
			return true
		}
	}
	return false
}

// flowsTo reports whether to may run after from in the same call of the
// function, following statement lists outwards (a terminating statement
// stops the walk; a loop is not followed back to its start). Textual order
// stands in for control flow, as everywhere in flow; branches that
// exclude each other (then and else) are not connected.
func (c *poolCheck) flowsTo(from, to ast.Node) bool {
	if to.Pos() < from.End() {
		return false
	}
	cur := from
	for {
		par := c.parent[cur]
		if par == nil {
			return false
		}
		switch par.(type) {
		case *ast.FuncLit, *ast.FuncDecl:
			return false
		}
		switch cur.(type) {
		case *ast.CaseClause, *ast.CommClause:
			// The other clauses of a switch do not follow this one.
		default:
			list := flow.StmtList(par)
			for i, st := range list {
				if st != cur {
					continue
				}
				for _, t := range list[i+1:] {
					if flow.Within(to, t) {
						return true
					}
					if terminates(t) {
						return false
					}
				}
				break
			}
		}
		cur = par
	}
}

// terminates reports whether control never continues after s.
func terminates(s ast.Stmt) bool {
	switch s := s.(type) {
	case *ast.ReturnStmt, *ast.BranchStmt:
		return true
	case *ast.ExprStmt:
		if call, ok := ast.Unparen(s.X).(*ast.CallExpr); ok {
			if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok && id.Name == "panic" {
				return true
			}
		}
	case *ast.BlockStmt:
		return len(s.List) > 0 && terminates(s.List[len(s.List)-1])
	case *ast.IfStmt:
		return s.Else != nil && terminates(s.Body) && terminates(s.Else)
	case *ast.LabeledStmt:
		return terminates(s.Stmt)
	}
	return false
}

// inspectUnit visits the nodes of a function body without entering
// nested function literals.
func inspectUnit(fn ast.Node, visit func(ast.Node) bool) {
	body := funcBody(fn)
	if body == nil {
		return
	}
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			return true
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		return visit(n)
	})
}

// sameDef reports whether def (found with ok) is the assignment of the
// pooled root that reaches the Put of s.
func (s *putSite) sameDef(def flow.Def, ok bool) bool {
	if s.anyDef {
		return true
	}
	return ok == s.hasDef && (!ok || (def.Stmt == s.def.Stmt && def.Index == s.def.Index))
}

// isPooled reports whether e denotes the pooled object of s (by object
// identity, astx.SameLocation), as assigned when the Put is made: with SSA,
// one of e's origins is one of the put object's (so a variable or field
// reassigned since is another object, and every value merged into e
// counts); without, the reaching assignment in source order.
func (c *poolCheck) isPooled(s *putSite, e ast.Expr) bool {
	if s.root == nil || e == nil {
		return false
	}
	e = ast.Unparen(e)
	id := flow.Root(e)
	if id == nil || s.fn.VarOf(id) != s.root {
		return false
	}
	if !astx.SameLocation(c.pass.Info, e, s.obj) {
		return false
	}
	if same, known := c.samePooled(s, e); known {
		return same
	}
	return s.sameDef(s.fn.Reaching(s.root, id.Pos()))
}

// aliases reports whether the value of e may reference memory of the
// pooled object of s: the object itself, its fields, its elements, views
// of it (buf.Bytes(), sub-slices, functions of the module returning views),
// and locals assigned from those (their values followed in SSA: merges,
// loop-carried values, kills).
func (c *poolCheck) aliases(s *putSite, e ast.Expr, depth int) bool {
	if e == nil || depth > 10 || s.root == nil {
		return false
	}
	if c.isPooled(s, e) {
		return true
	}
	info := c.pass.Info
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		v := s.fn.VarOf(x)
		if v == nil || v == s.root {
			return false
		}
		if v.IsField() {
			return false // the selector of x.f: x.f is looked at whole
		}
		if s.ssa != nil && !flow.IsPackageLevel(v) && mayReference(v.Type()) {
			if u := c.valueOf(x); u != nil {
				return c.valueAliases(s, u, depth)
			}
		}
		return c.varAliases(s, v, x.Pos(), depth)
	case *ast.SliceExpr:
		if flow.IsFresh(info, x) {
			return false
		}
		return c.aliases(s, x.X, depth+1)
	case *ast.IndexExpr:
		return ownsStorage(info.TypeOf(x)) && c.aliases(s, x.X, depth+1)
	case *ast.StarExpr:
		return ownsStorage(info.TypeOf(x)) && c.aliases(s, x.X, depth+1)
	case *ast.SelectorExpr:
		sel := info.Selections[x]
		if sel == nil || sel.Kind() != types.FieldVal {
			return false
		}
		return ownsStorage(info.TypeOf(x)) && c.aliases(s, x.X, depth+1)
	case *ast.UnaryExpr:
		return x.Op == token.AND && c.aliases(s, x.X, depth+1)
	case *ast.TypeAssertExpr:
		return c.aliases(s, x.X, depth+1)
	case *ast.CompositeLit:
		for _, elt := range x.Elts {
			if kv, ok := elt.(*ast.KeyValueExpr); ok {
				elt = kv.Value
			}
			if c.aliases(s, elt, depth+1) {
				return true
			}
		}
	case *ast.FuncLit:
		for v, id := range s.fn.CapturedVars(x) {
			if c.varAliases(s, v, id.Pos(), depth) {
				return true
			}
		}
	case *ast.CallExpr:
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() {
			return len(x.Args) == 1 && flow.IsSliceType(info.TypeOf(x.Args[0])) && flow.IsSliceType(tv.Type) &&
				c.aliases(s, x.Args[0], depth+1)
		}
		if flow.IsBuiltin(info, x, "append") && len(x.Args) > 0 {
			// Under a guard that it cannot fit (len(a)+len(b) > cap(a)),
			// append copies a into a new array.
			if !flow.IsFresh(info, x.Args[0]) && !s.fn.GrowingAppend(x) && c.aliases(s, x.Args[0], depth+1) {
				return true
			}
			elems := x.Args[1:]
			if x.Ellipsis.IsValid() && len(elems) > 0 {
				elems = elems[:len(elems)-1]
			}
			for _, a := range elems {
				if c.aliases(s, a, depth+1) {
					return true
				}
			}
			return false
		}
		for _, a := range c.sums.Views(x) {
			if c.aliases(s, a, depth+1) {
				return true
			}
		}
	}
	return false
}

// varAliases reports whether local variable v, as assigned at pos, holds
// memory of the pooled object of s. v may be the pooled variable itself.
func (c *poolCheck) varAliases(s *putSite, v *types.Var, pos token.Pos, depth int) bool {
	if flow.IsPackageLevel(v) || !mayReference(v.Type()) {
		return false
	}
	def, ok := s.fn.Reaching(v, pos)
	if v == s.root {
		obj, isIdent := ast.Unparen(s.obj).(*ast.Ident)
		return isIdent && s.fn.VarOf(obj) == v && s.sameDef(def, ok)
	}
	if !ok || def.RHS == nil || def.Tuple {
		return false
	}
	return c.aliases(s, def.RHS, depth+1)
}

// mayReference reports whether a value of type t can reference other
// memory (strings excepted: their bytes are immutable).
func mayReference(t types.Type) bool {
	return pointerful(t, false, 0)
}

// ownsStorage reports whether a field, element or pointee of type t is
// storage the pooled object's next user writes into: a slice or map, or a
// struct or array value holding one. Pointers and interfaces held in a
// field usually refer to objects of their own (an error value), which the
// next user replaces rather than overwrites: not counted.
func ownsStorage(t types.Type) bool {
	return owns(t, 0)
}

func owns(t types.Type, depth int) bool {
	if t == nil || depth > 8 {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Slice, *types.Map:
		return true
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if owns(u.Field(i).Type(), depth+1) {
				return true
			}
		}
	case *types.Array:
		return u.Len() > 0 && owns(u.Elem(), depth+1)
	}
	return false
}

// containsPointers reports whether values of type t hold pointers the
// garbage collector follows, strings included.
func containsPointers(t types.Type) bool {
	return pointerful(t, true, 0)
}

func pointerful(t types.Type, strings bool, depth int) bool {
	if t == nil || depth > 8 {
		return t != nil
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Kind() == types.UnsafePointer || (strings && u.Info()&types.IsString != 0)
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		return true
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if pointerful(u.Field(i).Type(), strings, depth+1) {
				return true
			}
		}
	case *types.Array:
		return u.Len() > 0 && pointerful(u.Elem(), strings, depth+1)
	}
	return false
}

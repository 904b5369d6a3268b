package rangedelete

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// This file holds range-delete's questions about expressions: which
// location an expression denotes, whether code touches or assigns it.

// rdUsedIn reports whether an identifier named name occurs in n.
func rdUsedIn(n ast.Node, name string) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if id, ok := x.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}

// rdLocation is a variable or a chain of field selections rooted at one
// (x, x.f.g, pkg.V.f): an expression that evaluates to the same storage
// every time and without side effects.
type rdLocation struct {
	root   *types.Var
	fields []*types.Var
}

// locationOf returns the location e denotes, or false.
func (c *rdCheck) locationOf(e ast.Expr) (rdLocation, bool) {
	info := c.pass.Info
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, ok := info.Uses[x].(*types.Var)
		if !ok {
			v, ok = info.Defs[x].(*types.Var)
		}
		if !ok || v == nil {
			return rdLocation{}, false
		}
		return rdLocation{root: v}, true
	case *ast.SelectorExpr:
		sel := info.Selections[x]
		if sel == nil { // qualified identifier pkg.V
			v, ok := info.Uses[x.Sel].(*types.Var)
			return rdLocation{root: v}, ok
		}
		if sel.Kind() != types.FieldVal {
			return rdLocation{}, false
		}
		base, ok := c.locationOf(x.X)
		if !ok {
			return rdLocation{}, false
		}
		f, _ := sel.Obj().(*types.Var)
		base.fields = append(append([]*types.Var(nil), base.fields...), f)
		return base, true
	}
	return rdLocation{}, false
}

func (a rdLocation) equal(b rdLocation) bool {
	if a.root != b.root || len(a.fields) != len(b.fields) {
		return false
	}
	for i := range a.fields {
		if a.fields[i] != b.fields[i] {
			return false
		}
	}
	return true
}

// sameLocation reports whether a and b denote the same location.
func (c *rdCheck) sameLocation(a, b ast.Expr) bool {
	la, ok1 := c.locationOf(a)
	lb, ok2 := c.locationOf(b)
	return ok1 && ok2 && la.equal(lb)
}

// touches reports whether expression n mentions loc other than through
// the nodes in skip: any use of loc itself, of an enclosing location (x
// for x.f, which a method call or an argument may reach through), or of a
// location inside it. Field selections that part from loc's path (x.g for
// x.f) do not touch it.
func (c *rdCheck) touches(n ast.Node, loc rdLocation, skip map[ast.Node]bool) bool {
	info := c.pass.Info
	found := false
	var stack []ast.Node
	ast.Inspect(n, func(x ast.Node) bool {
		if found {
			return false
		}
		if x == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if skip[x] {
			return false
		}
		stack = append(stack, x)
		id, ok := x.(*ast.Ident)
		if !ok || info.Uses[id] != loc.root {
			return true
		}
		// Climb the field selections applied to the root.
		var cur ast.Node = id
		k := 0
		for i := len(stack) - 2; i >= 0 && k < len(loc.fields); i-- {
			sel, ok := stack[i].(*ast.SelectorExpr)
			if !ok {
				if _, paren := stack[i].(*ast.ParenExpr); paren {
					cur = stack[i]
					continue
				}
				break
			}
			if sel.X != cur {
				break
			}
			s := info.Selections[sel]
			if s == nil || s.Kind() != types.FieldVal {
				break
			}
			if s.Obj() != loc.fields[k] {
				return true // parts from loc's path
			}
			cur = sel
			k++
		}
		found = true
		return false
	})
	return found
}

// isVarUse reports whether e is an identifier denoting v.
func (c *rdCheck) isVarUse(e ast.Expr, v *types.Var) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && v != nil && c.pass.Info.Uses[id] == v
}

// varOf returns the variable an identifier defines or uses.
func (c *rdCheck) varOf(e ast.Expr) *types.Var {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil
	}
	if v, ok := c.pass.Info.Defs[id].(*types.Var); ok && v != nil {
		return v
	}
	v, _ := c.pass.Info.Uses[id].(*types.Var)
	return v
}

// assigns reports whether n (function literals included) assigns to v,
// increments or decrements it, or takes its address.
func (c *rdCheck) assigns(n ast.Node, v *types.Var, except map[ast.Node]bool) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if found || except[x] {
			return false
		}
		switch s := x.(type) {
		case *ast.AssignStmt:
			for _, lhs := range s.Lhs {
				if c.isVarUse(lhs, v) || c.varOf(lhs) == v {
					found = true
				}
			}
		case *ast.IncDecStmt:
			found = c.isVarUse(s.X, v)
		case *ast.UnaryExpr:
			found = s.Op == token.AND && c.isVarUse(s.X, v)
		case *ast.RangeStmt:
			found = (s.Key != nil && c.isVarUse(s.Key, v)) || (s.Value != nil && c.isVarUse(s.Value, v))
		}
		return !found
	})
	return found
}

// assignsLocation reports whether n assigns to loc or to a location it is
// part of, or takes the address of one.
func (c *rdCheck) assignsLocation(n ast.Node, loc rdLocation, except map[ast.Node]bool) bool {
	found := false
	prefix := func(e ast.Expr) bool {
		l, ok := c.locationOf(e)
		if !ok || l.root != loc.root || len(l.fields) > len(loc.fields) {
			return false
		}
		for i := range l.fields {
			if l.fields[i] != loc.fields[i] {
				return false
			}
		}
		return true
	}
	ast.Inspect(n, func(x ast.Node) bool {
		if found || except[x] {
			return false
		}
		switch s := x.(type) {
		case *ast.AssignStmt:
			for _, lhs := range s.Lhs {
				found = found || prefix(lhs)
			}
		case *ast.UnaryExpr:
			found = s.Op == token.AND && prefix(s.X)
		case *ast.RangeStmt:
			found = (s.Key != nil && prefix(s.Key)) || (s.Value != nil && prefix(s.Value))
		}
		return !found
	})
	return found
}

// rdDeferredOrGo reports whether target is part of a go or defer statement
// of n, which runs it at another time.
func rdDeferredOrGo(n, target ast.Node) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		switch s := x.(type) {
		case *ast.DeferStmt:
			found = found || flow.Within(target, s)
		case *ast.GoStmt:
			found = found || flow.Within(target, s)
		}
		return !found
	})
	return found
}

// rdIsConstInt reports whether e is the integer constant n.
func rdIsConstInt(info *types.Info, e ast.Expr, n int64) bool {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return false
	}
	v, exact := constant.Int64Val(tv.Value)
	return exact && v == n
}

// rdIsNil reports whether e is the predeclared nil.
func rdIsNil(info *types.Info, e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && info.Uses[id] == types.Universe.Lookup("nil")
}

// rdIsPointer reports whether t's underlying type is a pointer.
func rdIsPointer(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

package rangedelete

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// This file holds range-delete's questions about expressions: which
// location an expression denotes, whether code touches or assigns it.

// usedIn reports whether an identifier named name occurs in n.
func usedIn(n ast.Node, name string) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if id, ok := x.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}

// locationOf returns the location e denotes, or false.
func (c *check) locationOf(e ast.Expr) (astx.Location, bool) {
	return astx.LocationOf(c.pass.Info, e)
}

// sameLocation reports whether a and b denote the same location
// (astx.SameLocation: by object identity).
func (c *check) sameLocation(a, b ast.Expr) bool {
	return astx.SameLocation(c.pass.Info, a, b)
}

// touches reports whether expression n mentions loc other than through
// the nodes in skip: any use of loc itself, of an enclosing location (x
// for x.f, which a method call or an argument may reach through), or of a
// location inside it. Field selections that part from loc's path (x.g for
// x.f) do not touch it.
func (c *check) touches(n ast.Node, loc astx.Location, skip map[ast.Node]bool) bool {
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
		if !ok || info.Uses[id] != loc.Root {
			return true
		}
		// Climb the field selections applied to the root.
		var cur ast.Node = id
		k := 0
		for i := len(stack) - 2; i >= 0 && k < len(loc.Fields); i-- {
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
			if s.Obj() != loc.Fields[k] {
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
func (c *check) isVarUse(e ast.Expr, v *types.Var) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && v != nil && c.pass.Info.Uses[id] == v
}

// varOf returns the variable an identifier defines or uses.
func (c *check) varOf(e ast.Expr) *types.Var {
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
func (c *check) assigns(n ast.Node, v *types.Var, except map[ast.Node]bool) bool {
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
func (c *check) assignsLocation(n ast.Node, loc astx.Location, except map[ast.Node]bool) bool {
	found := false
	prefix := func(e ast.Expr) bool {
		l, ok := c.locationOf(e)
		if !ok || l.Root != loc.Root || len(l.Fields) > len(loc.Fields) {
			return false
		}
		for i := range l.Fields {
			if l.Fields[i] != loc.Fields[i] {
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

// deferredOrGo reports whether target is part of a go or defer statement
// of n, which runs it at another time.
func deferredOrGo(n, target ast.Node) bool {
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

// isConstInt reports whether e is the integer constant n.
func isConstInt(info *types.Info, e ast.Expr, n int64) bool {
	tv, ok := info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return false
	}
	v, exact := constant.Int64Val(tv.Value)
	return exact && v == n
}

// isNil reports whether e is the predeclared nil.
func isNil(info *types.Info, e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	return ok && info.Uses[id] == types.Universe.Lookup("nil")
}

// isPointer reports whether t's underlying type is a pointer.
func isPointer(t types.Type) bool {
	if t == nil {
		return false
	}
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

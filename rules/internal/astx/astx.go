// Package astx holds small syntax questions that several rules ask.
package astx

import (
	"go/ast"
	"go/types"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// IsConstZero reports whether e is a constant equal to zero.
func IsConstZero(info *types.Info, e ast.Expr) bool {
	if e == nil {
		return false
	}
	tv, ok := info.Types[e]
	return ok && tv.Value != nil && tv.Value.String() == "0"
}

// InFuncLit reports whether n lies inside a function literal of body.
func InFuncLit(body ast.Node, n ast.Node) bool {
	in := false
	ast.Inspect(body, func(m ast.Node) bool {
		if in {
			return false
		}
		if lit, ok := m.(*ast.FuncLit); ok && lit.Pos() <= n.Pos() && n.End() <= lit.End() {
			in = true
		}
		return !in
	})
	return in
}

// ParamIndex maps an argument position of a call to the parameter it is
// passed to (arguments past the last parameter go to the variadic one).
func ParamIndex(info *types.Info, call *ast.CallExpr, arg int) int {
	fn := rule.Callee(info, call)
	if fn == nil {
		return arg
	}
	sig, ok := fn.Type().(*types.Signature)
	if !ok {
		return arg
	}
	if sig.Variadic() && arg >= sig.Params().Len()-1 {
		return sig.Params().Len() - 1
	}
	return arg
}

// ArgPosition returns the position of e among call's arguments, or -2.
func ArgPosition(call *ast.CallExpr, e ast.Node) int {
	for i, a := range call.Args {
		if a == e {
			return i
		}
	}
	return -2
}

// Same expression: decided one way for every rule, by object identity.

// Location is a variable or a chain of field selections rooted at one
// (x, x.f.g, pkg.V.f): an expression that evaluates to the same storage
// every time and without side effects.
type Location struct {
	Root   *types.Var
	Fields []*types.Var
}

// LocationOf returns the location e denotes, or false. Parentheses are
// ignored; identifiers are resolved to their variables (used or defined),
// field selections (through pointers too) to their field objects.
func LocationOf(info *types.Info, e ast.Expr) (Location, bool) {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		v, ok := info.Uses[x].(*types.Var)
		if !ok {
			v, ok = info.Defs[x].(*types.Var)
		}
		if !ok || v == nil {
			return Location{}, false
		}
		return Location{Root: v}, true
	case *ast.SelectorExpr:
		sel := info.Selections[x]
		if sel == nil { // qualified identifier pkg.V
			v, ok := info.Uses[x.Sel].(*types.Var)
			return Location{Root: v}, ok
		}
		if sel.Kind() != types.FieldVal {
			return Location{}, false
		}
		base, ok := LocationOf(info, x.X)
		if !ok {
			return Location{}, false
		}
		f, _ := sel.Obj().(*types.Var)
		base.Fields = append(append([]*types.Var(nil), base.Fields...), f)
		return base, true
	}
	return Location{}, false
}

// Equal reports whether a and b are the same location.
func (a Location) Equal(b Location) bool {
	if a.Root != b.Root || len(a.Fields) != len(b.Fields) {
		return false
	}
	for i := range a.Fields {
		if a.Fields[i] != b.Fields[i] {
			return false
		}
	}
	return true
}

// SameLocation reports whether expressions a and b (nil: never the same)
// denote the same value or storage, decided by object identity rather than
// by name or printed text:
//   - two constants are the same when their types are identical and their
//     values equal (0 and 0x0, n and 0 for const n = 0);
//   - a variable, or a chain of field selections rooted at one, is the same
//     as another when it names the same variable and the same field objects
//     (see LocationOf): a shadowing variable of the same name differs;
//   - *x, x[i] and x[i:j:k] are the same as *y, y[j] and y[i:j:k] when their
//     operands are, recursively (x.f after such a base too);
//   - parentheses are ignored; anything else (calls, method values,
//     literals that are not constants) is never the same.
func SameLocation(info *types.Info, a, b ast.Expr) bool {
	if a == nil || b == nil {
		return false
	}
	a, b = ast.Unparen(a), ast.Unparen(b)
	ta, tb := info.Types[a], info.Types[b]
	if ta.Value != nil || tb.Value != nil {
		return ta.Value != nil && tb.Value != nil && types.Identical(ta.Type, tb.Type) &&
			ta.Value.ExactString() == tb.Value.ExactString()
	}
	if la, ok := LocationOf(info, a); ok {
		lb, ok := LocationOf(info, b)
		return ok && la.Equal(lb)
	}
	switch a := a.(type) {
	case *ast.SelectorExpr: // a field of a base that is not a location: (*p).f, x[i].f
		b, ok := b.(*ast.SelectorExpr)
		if !ok {
			return false
		}
		sa, sb := info.Selections[a], info.Selections[b]
		return sa != nil && sb != nil && sa.Kind() == types.FieldVal && sb.Kind() == types.FieldVal &&
			sa.Obj() == sb.Obj() && SameLocation(info, a.X, b.X)
	case *ast.StarExpr:
		b, ok := b.(*ast.StarExpr)
		return ok && SameLocation(info, a.X, b.X)
	case *ast.IndexExpr:
		b, ok := b.(*ast.IndexExpr)
		return ok && SameLocation(info, a.X, b.X) && SameLocation(info, a.Index, b.Index)
	case *ast.SliceExpr:
		b, ok := b.(*ast.SliceExpr)
		return ok && a.Slice3 == b.Slice3 && SameLocation(info, a.X, b.X) &&
			sameOptional(info, a.Low, b.Low) && sameOptional(info, a.High, b.High) && sameOptional(info, a.Max, b.Max)
	}
	return false
}

// IsOrFieldOf reports whether e is the location x or a field selected
// from it (x.f, x.f.g, through pointers too), decided by SameLocation:
// assigning x then also replaces e. A method value or call is never a
// field of x.
func IsOrFieldOf(info *types.Info, e, x ast.Expr) bool {
	for e != nil {
		if SameLocation(info, e, x) {
			return true
		}
		sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
		if !ok {
			return false
		}
		if s := info.Selections[sel]; s == nil || s.Kind() != types.FieldVal {
			return false
		}
		e = sel.X
	}
	return false
}

// sameOptional is SameLocation for optional expressions: two absent ones
// are the same.
func sameOptional(info *types.Info, a, b ast.Expr) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return SameLocation(info, a, b)
}

// CallName is the name a call's function is written with: f in f(x) and
// in recv.f(x), "" for anything else (a call of a call, a literal).
func CallName(call *ast.CallExpr) string {
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	}
	return ""
}

// Package astx holds small syntax questions that several rules ask.
package astx

import (
	"go/ast"
	"go/types"

	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
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
		if lit, ok := m.(*ast.FuncLit); ok && flow.Within(n, lit) {
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

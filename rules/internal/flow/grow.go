package flow

import (
	"go/ast"
	"go/token"

	"github.com/gofixslice/gofixslice/rules/internal/astx"
)

// GrowingAppend reports whether call, an append(a, ...), runs only where a
// guard proves the appended elements do not fit in a's spare capacity: in
// the then-branch of `if len(a)+len(b) > cap(a)` for append(a, b...) (or
// `cap(a) < len(a)+len(b)`, `cap(a)-len(a) < len(b)`), or of
// `if len(a) == cap(a)` (or >=) for one appended element. append then
// copies into a new array, which shares nothing with a's (quic-go's
// sendStream moves a pooled frame's data into an unpooled frame this way
// before putting the pooled one back).
func (f *Func) GrowingAppend(call *ast.CallExpr) bool {
	if !IsBuiltin(f.Info, call, "append") || len(call.Args) < 2 {
		return false
	}
	a := call.Args[0]
	var spread ast.Expr
	switch {
	case call.Ellipsis.IsValid() && len(call.Args) == 2:
		spread = call.Args[1]
	case !call.Ellipsis.IsValid() && len(call.Args) == 2:
	default:
		return false
	}
	parents := f.Parents()
	var n ast.Node = call
	for {
		p := parents[n]
		switch p := p.(type) {
		case nil, *ast.FuncLit:
			return false
		case *ast.IfStmt:
			if ast.Node(p.Body) == n && f.provesGrowth(p.Cond, a, spread) {
				return true
			}
		}
		n = p
	}
}

// provesGrowth reports whether cond, when true, says that appending spread
// (or one element, when spread is nil) to a exceeds a's capacity.
func (f *Func) provesGrowth(cond, a, spread ast.Expr) bool {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return false
	}
	x, y, op := b.X, b.Y, b.Op
	switch op { // as "x > y" or "x >= y"
	case token.LSS:
		x, y, op = y, x, token.GTR
	case token.LEQ:
		x, y, op = y, x, token.GEQ
	}
	if spread == nil {
		// len(a) == cap(a), len(a) >= cap(a): no room for one more.
		return (op == token.EQL || op == token.GEQ) && f.builtinOf(x, "len", a) && f.builtinOf(y, "cap", a)
	}
	if op != token.GTR {
		return false
	}
	// len(a)+len(b) > cap(a)
	if sum, ok := ast.Unparen(x).(*ast.BinaryExpr); ok && sum.Op == token.ADD && f.builtinOf(y, "cap", a) {
		return f.builtinOf(sum.X, "len", a) && f.builtinOf(sum.Y, "len", spread) ||
			f.builtinOf(sum.X, "len", spread) && f.builtinOf(sum.Y, "len", a)
	}
	// len(b) > cap(a)-len(a)
	if diff, ok := ast.Unparen(y).(*ast.BinaryExpr); ok && diff.Op == token.SUB {
		return f.builtinOf(x, "len", spread) && f.builtinOf(diff.X, "cap", a) && f.builtinOf(diff.Y, "len", a)
	}
	return false
}

// builtinOf reports whether e is the builtin name (len, cap) applied to
// the same location as x.
func (f *Func) builtinOf(e ast.Expr, name string, x ast.Expr) bool {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	return ok && len(call.Args) == 1 && IsBuiltin(f.Info, call, name) && astx.SameLocation(f.Info, call.Args[0], x)
}

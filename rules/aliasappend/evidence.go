package aliasappend

// alias-append evidence chains: the sub-slice and the array it shares,
// the holder it is handed to, the append that writes past it, and the
// other user of the array.

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

func (c *aliasCheck) step(n ast.Node, format string, args ...any) rule.Related {
	return rule.Related{Pos: n.Pos(), End: n.End(), Message: fmt.Sprintf(format, args...)}
}

// varStep points at the declaration of v.
func varStep(v *types.Var, format string, args ...any) rule.Related {
	return rule.Related{Pos: v.Pos(), End: v.Pos() + token.Pos(len(v.Name())), Message: fmt.Sprintf(format, args...)}
}

// sliced is the first step of a sub-slice's chain.
func (c *aliasCheck) sliced(se *ast.SliceExpr) rule.Related {
	return c.step(se, "%s is sliced from %s here and keeps the rest of the array as spare capacity", c.text(se), c.text(se.X))
}

// inUseStep says why the array around se is still in use at stmt, as
// inUse found it: the step naming the other user.
func (c *aliasCheck) inUseStep(se *ast.SliceExpr, stmt ast.Node) (rule.Related, bool) {
	v := c.baseVar(se)
	if v == nil {
		return rule.Related{}, false
	}
	x := c.text(se.X)
	switch {
	case c.fn.IsParam(v):
		return varStep(v, "%s belongs to the caller (a parameter), who still uses the elements after the sub-slice", v.Name()), true
	case flow.IsPackageLevel(v):
		return varStep(v, "%s is a package-level variable: other code still uses the elements after the sub-slice", v.Name()), true
	}
	if _, bare := ast.Unparen(se.X).(*ast.Ident); !bare {
		return c.step(se.X, "%s is reachable by other code, which still uses the elements after the sub-slice", x), true
	}
	if loop := c.fn.InnermostLoop(stmt); loop != nil && flow.DeclaredOutside(v, loop) {
		return rule.Related{Pos: loop.Pos(), End: loop.Pos() + token.Pos(len("for")), Message: fmt.Sprintf("the loop goes on to use the rest of %s, after the sub-slice", x)}, true
	}
	for _, u := range c.fn.Uses(v) {
		if u.Pos() >= stmt.End() && !c.readsWithin(se, u) {
			return c.step(u, "%s is still used here", v.Name()), true
		}
	}
	return rule.Related{}, false
}

// appendTo returns the first append in body onto v (or a sub-slice of v
// that keeps its capacity).
func (c *aliasCheck) appendTo(body ast.Node, v *types.Var) *ast.CallExpr {
	var found *ast.CallExpr
	ast.Inspect(body, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok || !flow.IsBuiltin(c.pass.Info, call, "append") || len(call.Args) == 0 {
			return true
		}
		a := ast.Unparen(call.Args[0])
		if se, ok := a.(*ast.SliceExpr); ok && !se.Slice3 {
			a = ast.Unparen(se.X)
		}
		if id, ok := a.(*ast.Ident); ok && c.pass.Info.Uses[id] == v {
			found = call
		}
		return true
	})
	return found
}

// calleeAppend returns the append, in the body of call's callee (declared
// in this package) or of a callee it passes the parameter on to, onto the
// parameter that argument i binds, and the name of the function holding
// it; nil when there is none to show.
func (c *aliasCheck) calleeAppend(call *ast.CallExpr, i int) (*ast.CallExpr, string) {
	return c.calleeAppendIn(call, i, 0)
}

func (c *aliasCheck) calleeAppendIn(call *ast.CallExpr, i, depth int) (*ast.CallExpr, string) {
	fn := rule.Callee(c.pass.Info, call)
	if fn == nil || depth > 3 {
		return nil, ""
	}
	g := c.declOf(fn)
	if g == nil {
		return nil, ""
	}
	pv := paramVar(c.pass.Info, g.Decl, astx.ParamIndex(c.pass.Info, call, i))
	if pv == nil {
		return nil, ""
	}
	var found *ast.CallExpr
	name := fn.Name()
	ast.Inspect(g.Decl.Body, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		inner, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if flow.IsBuiltin(c.pass.Info, inner, "append") {
			if len(inner.Args) > 0 && keepsEnd(g, inner.Args[0], pv, 0) {
				found, name = inner, fn.Name()
			}
			return true
		}
		for k, a := range inner.Args {
			if found == nil && keepsEnd(g, a, pv, 0) {
				found, name = c.calleeAppendIn(inner, k, depth+1)
			}
		}
		return true
	})
	return found, name
}

// handoffChain is the chain of a sub-slice handed over at `at` (an
// argument, a captured variable, a sent value): the slice, the hand-off,
// the append that writes past it when one can be shown, and the other
// user of the array.
func (c *aliasCheck) handoffChain(se *ast.SliceExpr, at ast.Node, handed string, appendAt ast.Node, appender string, stmt ast.Node) []rule.Related {
	out := []rule.Related{c.sliced(se)}
	out = append(out, c.step(at, "%s", handed))
	if appendAt != nil {
		out = append(out, c.step(appendAt, "%s appends to it here, writing past its end into the array of %s", appender, c.text(se.X)))
	}
	if s, ok := c.inUseStep(se, stmt); ok {
		out = append(out, s)
	}
	return out
}

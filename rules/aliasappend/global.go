package aliasappend

// alias-append, shared globals: g[:0] of a package-level slice appended to.

import (
	"fmt"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// globalReset returns the package-level variable when se is g[:0] (or
// g[0:0]) of a package-level slice g.
func (c *aliasCheck) globalReset(e ast.Expr) (*ast.SliceExpr, *types.Var) {
	se, ok := ast.Unparen(e).(*ast.SliceExpr)
	if !ok || se.Slice3 || !astx.IsConstZero(c.pass.Info, se.High) || (se.Low != nil && !astx.IsConstZero(c.pass.Info, se.Low)) {
		return nil, nil
	}
	if !flow.IsSliceType(c.pass.Info.TypeOf(se)) || !rule.SideEffectFree(c.pass.Info, se.X) {
		return nil, nil
	}
	root := flow.Root(se.X)
	if root == nil {
		return nil, nil
	}
	v := c.fn.VarOf(root)
	if v == nil || !flow.IsPackageLevel(v) {
		return nil, nil
	}
	return se, v
}

// checkGlobalReset: y := g[:0] of a package-level g, then appended to.
func (c *aliasCheck) checkGlobalReset(stmt ast.Node, lhs ast.Expr, rhs ast.Expr) {
	se, g := c.globalReset(rhs)
	if se == nil {
		return
	}
	y := c.fn.VarOf(lhs)
	if y == nil || flow.IsPackageLevel(y) || y == g {
		return
	}
	at := c.appendAfter(y, stmt.End())
	if at == nil || c.storedBack(g, y) {
		return
	}
	c.reportGlobal(se, g, at, y.Name()+" is appended to here, overwriting the elements of "+g.Name())
}

// checkGlobalAppend: append(g[:0], ...) whose result is not assigned back
// to g.
func (c *aliasCheck) checkGlobalAppend(call *ast.CallExpr) {
	if len(call.Args) == 0 {
		return
	}
	se, g := c.globalReset(call.Args[0])
	if se == nil {
		return
	}
	if as, ok := c.parents[call].(*ast.AssignStmt); ok {
		for _, l := range as.Lhs {
			if root := flow.Root(l); root != nil && c.fn.VarOf(root) == g {
				return // g = append(g[:0], ...): the owner resetting its buffer
			}
		}
	}
	c.reportGlobal(se, g, call, "it is appended to here, overwriting the elements of "+g.Name())
}

// reportGlobal reports g[:0] with the fix g[:0:0].
func (c *aliasCheck) reportGlobal(se *ast.SliceExpr, g *types.Var, appendAt ast.Node, appended string) {
	fixed := c.text(se.X) + "[:0:0]"
	c.reportFix(globalReset, se, fmt.Sprintf("%s reuses the backing array of package-level %s, shared by every goroutine, and is appended to: the append overwrites the elements of %s; use %s",
		c.text(se), g.Name(), g.Name(), fixed), &rule.Fix{Message: "use " + fixed, Edit: func(fc *rule.FixContext) error {
		return fc.Replace(se, func(old dst.Node) dst.Node {
			s := old.(*dst.SliceExpr)
			s.Slice3 = true
			s.Max = &dst.BasicLit{Kind: token.INT, Value: "0"}
			return s
		})
	}}, []rule.Related{
		varStep(g, "%s is a package-level slice, shared by every goroutine", g.Name()),
		c.step(se, "%s reuses its backing array here", c.text(se)),
		c.step(appendAt, "%s", appended),
	})
}

// appendedAfter reports whether local y is appended to (directly or by a
// callee that appends to its parameter) after pos.
func (c *aliasCheck) appendedAfter(y *types.Var, pos token.Pos) bool {
	return c.appendAfter(y, pos) != nil
}

// appendAfter returns the first append to local y (or call of a callee
// that appends to it) after pos, or nil.
func (c *aliasCheck) appendAfter(y *types.Var, pos token.Pos) ast.Node {
	for _, u := range c.fn.Uses(y) {
		if u.Pos() < pos {
			continue
		}
		call, ok := c.parents[u].(*ast.CallExpr)
		if !ok {
			continue
		}
		if flow.IsBuiltin(c.pass.Info, call, "append") {
			if len(call.Args) > 0 && call.Args[0] == u {
				return call
			}
			continue
		}
		if i := astx.ArgPosition(call, u); i >= 0 {
			if s, ok := c.sums.Call(call); ok && s.Appends.Has(astx.ParamIndex(c.pass.Info, call, i)) {
				return call
			}
		}
	}
	return nil
}

// storedBack reports whether y (or a slice of it) is assigned to g
// somewhere in the function: y := g[:0]; y = append(y, ...); g = y is the
// owner refilling its buffer through a temporary.
func (c *aliasCheck) storedBack(g, y *types.Var) bool {
	found := false
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || found || len(as.Lhs) != len(as.Rhs) {
			return !found
		}
		for i, l := range as.Lhs {
			root := flow.Root(l)
			if root == nil || c.fn.VarOf(root) != g {
				continue
			}
			if r := flow.Root(as.Rhs[i]); r != nil && c.fn.VarOf(r) == y {
				found = true
			}
			if call, ok := ast.Unparen(as.Rhs[i]).(*ast.CallExpr); ok && flow.IsBuiltin(c.pass.Info, call, "append") && len(call.Args) > 0 {
				if r := flow.Root(call.Args[0]); r != nil && c.fn.VarOf(r) == y {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

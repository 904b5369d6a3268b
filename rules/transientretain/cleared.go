package transientretain

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/cfg"

	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// heldOnlyDuringCall reports whether a Write method's store of p into the
// field lhs (s.data = p) is undone before Write returns: on every path from
// the store to a return, the same field is set to nil (by an assignment, or
// by a deferred function literal registered on the way or unconditionally
// before the store). Write then holds p only while it runs (it waits for
// another goroutine to consume it, as quic-go's SendStream.Write does), which
// io.Writer allows. A function that starts a goroutine, or a store inside a
// function literal, is not decided (false).
func (c *transientCheck) heldOnlyDuringCall(lhs ast.Expr, stmt ast.Node) bool {
	sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	root := c.fn.VarOf(flow.Root(sel))
	if root == nil || !c.fn.IsParam(root) || root == c.writeParam {
		return false
	}
	for _, d := range c.fn.Defs(root) {
		if d.Stmt != nil {
			return false // the receiver is rebound: the location is not one
		}
	}
	body := c.fn.Decl.Body
	goes := false
	ast.Inspect(body, func(n ast.Node) bool {
		_, isGo := n.(*ast.GoStmt)
		goes = goes || isGo
		return !goes
	})
	if goes {
		return false
	}
	for _, lit := range funcLits(body) {
		if flow.Within(stmt, lit) {
			return false
		}
	}
	want := types.ExprString(sel)
	clears := func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != len(as.Rhs) {
			return false
		}
		for i, l := range as.Lhs {
			if types.ExprString(ast.Unparen(l)) == want && c.fn.VarOf(flow.Root(l)) == root && isNil(c.pass.Info, as.Rhs[i]) {
				return true
			}
		}
		return false
	}
	deferClears := func(n ast.Node) bool {
		d, ok := n.(*ast.DeferStmt)
		if !ok {
			return false
		}
		lit, ok := ast.Unparen(d.Call.Fun).(*ast.FuncLit)
		if !ok {
			return false
		}
		for _, s := range lit.Body.List {
			if clears(s) {
				return true
			}
		}
		return false
	}
	for _, s := range body.List {
		if s.Pos() < stmt.Pos() && deferClears(s) {
			return true
		}
	}
	if c.graph == nil {
		c.graph = cfg.New(body, func(call *ast.CallExpr) bool { return !flow.NoReturn(c.pass.Info, call) })
	}
	var start *cfg.Block
	startIdx := -1
	for _, b := range c.graph.Blocks {
		for i, n := range b.Nodes {
			if n.Pos() <= stmt.Pos() && stmt.End() <= n.End() {
				start, startIdx = b, i
			}
		}
	}
	if start == nil {
		return false
	}
	// walk scans b's nodes from index i: it answers whether the path is
	// cleared there (done) and whether it returns uncleared (retained).
	walk := func(b *cfg.Block, i int) (done, retained bool) {
		for ; i < len(b.Nodes); i++ {
			n := b.Nodes[i]
			if clears(n) || deferClears(n) {
				return true, false
			}
			if _, ok := n.(*ast.ReturnStmt); ok {
				return true, true
			}
		}
		if len(b.Succs) > 0 {
			return false, false
		}
		// The end of the body, or a call that never returns.
		if k := len(b.Nodes); k > 0 {
			if es, ok := b.Nodes[k-1].(*ast.ExprStmt); ok {
				if call, ok := ast.Unparen(es.X).(*ast.CallExpr); ok && flow.NoReturn(c.pass.Info, call) {
					return true, false
				}
			}
		}
		return true, true
	}
	seen := map[*cfg.Block]bool{}
	var queue []*cfg.Block
	next := func(b *cfg.Block) {
		for _, s := range b.Succs {
			if !seen[s] {
				seen[s] = true
				queue = append(queue, s)
			}
		}
	}
	done, retained := walk(start, startIdx+1)
	if retained {
		return false
	}
	if !done {
		next(start)
	}
	for len(queue) > 0 {
		b := queue[0]
		queue = queue[1:]
		done, retained := walk(b, 0)
		if retained {
			return false
		}
		if !done {
			next(b)
		}
	}
	return true
}

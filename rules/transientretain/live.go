package transientretain

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/cfg"

	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// keptAcrossOverwrite decides whether the local v, given a transient view
// (or a container holding one) by stmt, still holds it when the source is
// overwritten and is then read: some control-flow path from stmt passes a
// call that overwrites src (the next Scan, ReadLine, a Read into the loop's
// buffer) and then reaches a use of v that reads it, with no assignment to
// v in between. A use before the next overwrite (string(line), bytes.Equal,
// parsing, a copy into own storage) keeps nothing; neither do len(v),
// cap(v) and nil comparisons after it. It answers true (kept) whenever it
// cannot tell: v's address is taken, a function literal uses it, stmt is
// not found in the graph, or the overwriting calls cannot be identified.
func (c *transientCheck) keptAcrossOverwrite(v *types.Var, src *transientSource, stmt ast.Node) bool {
	overwrites := c.overwriter(src)
	if overwrites == nil || c.fn.IsResult(v) {
		return true
	}
	parents := c.fn.Parents()
	lits := funcLits(c.fn.Decl.Body)
	for _, lit := range lits {
		if flow.Within(stmt, lit) {
			return true // the graph is the declaration's; a literal's body is not in it
		}
	}
	for _, u := range c.fn.Uses(v) {
		if p, ok := parents[u].(*ast.UnaryExpr); ok && p.Op == token.AND {
			return true
		}
		for _, lit := range lits {
			if flow.Within(u, lit) {
				return true
			}
		}
	}
	if c.graph == nil {
		c.graph = cfg.New(c.fn.Decl.Body, func(call *ast.CallExpr) bool { return !flow.NoReturn(c.pass.Info, call) })
	}
	// The node of the graph that holds stmt.
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
		return true
	}
	if !start.Live {
		return false
	}
	type state struct {
		b      *cfg.Block
		passed bool
	}
	seen := map[state]bool{}
	var queue []state
	// visit walks b's nodes from index i; it reports a use after an
	// overwrite, and queues the successors unless v is reassigned.
	visit := func(b *cfg.Block, i int, passed bool) bool {
		for ; i < len(b.Nodes); i++ {
			n := b.Nodes[i]
			if !passed && c.containsCall(n, overwrites) {
				passed = true
			}
			if passed && c.readsVar(n, v, parents) {
				return true
			}
			if c.assigns(n, v) {
				return false
			}
		}
		for _, s := range b.Succs {
			st := state{s, passed}
			if !seen[st] {
				seen[st] = true
				queue = append(queue, st)
			}
		}
		return false
	}
	if visit(start, startIdx+1, false) {
		return true
	}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		if visit(st.b, 0, st.passed) {
			return true
		}
	}
	return false
}

// overwriter returns the test for a call that overwrites src's storage, or
// nil when it cannot be told.
//   - next-call: the source call itself, and any call that mentions the
//     variable the source's receiver is rooted at (sc.Scan(), r.Read(p),
//     next(r), d.fill()).
//   - read-loop: every read into the buffer (prepare's list).
func (c *transientCheck) overwriter(src *transientSource) func(*ast.CallExpr) bool {
	switch src.kind {
	case kindNextCall:
		call, ok := src.expr.(*ast.CallExpr)
		if !ok {
			return nil
		}
		sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
		if !ok {
			return nil
		}
		recv := c.fn.VarOf(flow.Root(sel.X))
		if recv == nil {
			return nil
		}
		return func(x *ast.CallExpr) bool {
			return x == call || mentions(c.pass.Info, x, recv)
		}
	case kindReadBuf:
		reads := c.readCalls[src.buf]
		if len(reads) == 0 {
			return nil
		}
		return func(x *ast.CallExpr) bool { return reads[x] }
	}
	return nil
}

// containsCall reports whether n, outside function literals, holds a call
// for which is answers true.
func (c *transientCheck) containsCall(n ast.Node, is func(*ast.CallExpr) bool) bool {
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if found {
			return false
		}
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			found = is(x)
		}
		return !found
	})
	return found
}

// readsVar reports whether n uses v other than as the bare target of an
// assignment, len(v), cap(v), or a comparison with nil.
func (c *transientCheck) readsVar(n ast.Node, v *types.Var, parents map[ast.Node]ast.Node) bool {
	info := c.pass.Info
	bare := map[*ast.Ident]bool{}
	if as, ok := n.(*ast.AssignStmt); ok && (as.Tok == token.ASSIGN || as.Tok == token.DEFINE) {
		for _, lhs := range as.Lhs {
			if id, ok := ast.Unparen(lhs).(*ast.Ident); ok {
				bare[id] = true
			}
		}
	}
	found := false
	ast.Inspect(n, func(x ast.Node) bool {
		if found {
			return false
		}
		id, ok := x.(*ast.Ident)
		if !ok || bare[id] || info.Uses[id] != v {
			return true
		}
		switch p := parents[id].(type) {
		case *ast.CallExpr:
			if len(p.Args) == 1 && (flow.IsBuiltin(info, p, "len") || flow.IsBuiltin(info, p, "cap")) {
				return true
			}
		case *ast.BinaryExpr:
			if (p.Op == token.EQL || p.Op == token.NEQ) && (isNil(info, p.X) || isNil(info, p.Y)) {
				return true
			}
		}
		found = true
		return false
	})
	return found
}

// assigns reports whether n is an assignment whose targets include v bare
// (v = ..., v, err = ...).
func (c *transientCheck) assigns(n ast.Node, v *types.Var) bool {
	as, ok := n.(*ast.AssignStmt)
	if !ok || (as.Tok != token.ASSIGN && as.Tok != token.DEFINE) {
		return false
	}
	for _, lhs := range as.Lhs {
		if c.fn.VarOf(lhs) == v {
			return true
		}
	}
	return false
}

func isNil(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.IsNil()
}

// mentions reports whether v occurs in call (its function or arguments).
func mentions(info *types.Info, call *ast.CallExpr, v *types.Var) bool {
	found := false
	ast.Inspect(call, func(x ast.Node) bool {
		if id, ok := x.(*ast.Ident); ok && info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

func funcLits(body *ast.BlockStmt) []*ast.FuncLit {
	var lits []*ast.FuncLit
	ast.Inspect(body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok {
			lits = append(lits, lit)
		}
		return true
	})
	return lits
}

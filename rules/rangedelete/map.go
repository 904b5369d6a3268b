package rangedelete

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// checkMapLoop handles range loops over a map: the delete-everything loop
// and keys inserted while ranging.
func (c *check) checkMapLoop(l *loop) {
	rs := l.stmt.(*ast.RangeStmt)
	t := c.pass.Info.TypeOf(rs.X)
	if t == nil {
		return
	}
	if _, ok := t.Underlying().(*types.Map); !ok {
		return
	}
	loc, ok := c.locationOf(rs.X)
	if !ok {
		return
	}
	var key *types.Var
	if rs.Key != nil && rs.Tok == token.DEFINE {
		key = c.varOf(rs.Key)
	}
	if c.checkClearLoop(l, rs, key) {
		return
	}
	if !c.assignsLocation(rs.Body, loc, nil) { // else m[x] may be another map
		c.checkMapInserts(l, rs, key)
	}
}

// checkClearLoop reports "for k := range m { delete(m, k) }" as clear(m)
// when the file can use clear (Go 1.21); older files keep the loop, which
// is correct, and get no finding. It reports whether the loop has that
// shape.
func (c *check) checkClearLoop(l *loop, rs *ast.RangeStmt, key *types.Var) bool {
	if key == nil || len(rs.Body.List) != 1 {
		return false
	}
	if rs.Value != nil {
		if id, ok := rs.Value.(*ast.Ident); !ok || id.Name != "_" {
			return false
		}
	}
	es, ok := rs.Body.List[0].(*ast.ExprStmt)
	if !ok {
		return false
	}
	call, ok := ast.Unparen(es.X).(*ast.CallExpr)
	if !ok || !flow.IsBuiltin(c.pass.Info, call, "delete") || len(call.Args) != 2 ||
		!c.sameLocation(call.Args[0], rs.X) || !c.isVarUse(call.Args[1], key) {
		return false
	}
	if !c.atLeast(21) || l.labeled || !c.isUniverse("clear", rs.Pos()) {
		return true
	}
	m := c.str(rs.X)
	c.pass.Report(rule.Diagnostic{Check: mapClear,
		Pos: rs.Pos(), End: rs.End(),
		Message: fmt.Sprintf("this loop deletes every key of %s; use clear(%s)", m, m),
		Related: []rule.Related{
			{Pos: rs.X.Pos(), End: rs.X.End(), Message: fmt.Sprintf("the loop ranges over every key of %s here", m)},
			{Pos: call.Pos(), End: call.End(), Message: "and deletes each one here, which is all the loop does"},
		},
		Fix: &rule.Fix{Message: "use clear", Edit: func(fc *rule.FixContext) error {
			loopD, ok1 := fc.Dst(rs).(*dst.RangeStmt)
			x, ok2 := fc.Dst(rs.X).(dst.Expr)
			if !ok1 || !ok2 {
				return fmt.Errorf("no dst node for the loop")
			}
			comments := nestedComments(loopD, map[dst.Node]bool{x: true}, true)
			stmt := &dst.ExprStmt{X: &dst.CallExpr{Fun: dst.NewIdent("clear"), Args: []dst.Expr{x}}}
			stmt.Decs.NodeDecs = loopD.Decs.NodeDecs
			stmt.Decs.End = append(append(dst.Decorations(nil), comments...), loopD.Decs.End...)
			return fc.Replace(rs, func(dst.Node) dst.Node { return stmt })
		}},
	})
	return true
}

// checkMapInserts reports assignments to m[x] in a range over m where x
// may be a new key and the loop can go on afterwards.
func (c *check) checkMapInserts(l *loop, rs *ast.RangeStmt, key *types.Var) {
	keyStable := key != nil && !c.assigns(rs.Body, key, nil)
	g := c.graph(l.fn)
	var stack []ast.Node
	ast.Inspect(rs.Body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		stack = append(stack, n)
		var targets []ast.Expr
		switch s := n.(type) {
		case *ast.AssignStmt:
			if s.Tok != token.DEFINE {
				targets = s.Lhs
			}
		case *ast.IncDecStmt:
			targets = []ast.Expr{s.X}
		default:
			return true
		}
		for _, t := range targets {
			ix, ok := ast.Unparen(t).(*ast.IndexExpr)
			if !ok || !c.sameLocation(ix.X, rs.X) {
				continue
			}
			if keyStable && c.isVarUse(ix.Index, key) {
				continue // the current key: an update, not an insertion
			}
			if c.knownKey(rs, stack, ix.Index) || !g.ReachesNextIteration(rs, n) {
				continue
			}
			c.pass.Report(rule.Diagnostic{Check: mapInsert,
				Pos: n.Pos(), End: n.End(),
				Message: fmt.Sprintf("%s may add a key to %s while ranging over it; whether the loop visits an added key is unspecified: collect new entries and add them after the loop", c.str(ix), c.str(rs.X)),
				Related: []rule.Related{
					{Pos: rs.X.Pos(), End: rs.X.End(), Message: fmt.Sprintf("the loop ranges over %s here", c.str(rs.X))},
					{Pos: n.Pos(), End: n.End(), Message: fmt.Sprintf("a key that may be new is stored into %s here", c.str(rs.X))},
					{Pos: rs.For, End: rs.For + token.Pos(len("for")), Message: "the loop goes on to the next key here, which may or may not be the added one"},
				},
			})
			break
		}
		return true
	})
}

// knownKey reports whether the statement at the top of stack only runs when
// m already holds key x: it sits in the then-branch of an "if ok" whose ok
// comes from "_, ok := m[x]" in the loop.
func (c *check) knownKey(rs *ast.RangeStmt, stack []ast.Node, x ast.Expr) bool {
	if !c.fixedDuring(rs.Body, x) {
		return false
	}
	for i := len(stack) - 2; i >= 0; i-- {
		ifs, ok := stack[i].(*ast.IfStmt)
		if !ok || stack[i+1] != ifs.Body {
			continue
		}
		okVar := c.varOf(ifs.Cond)
		if okVar == nil {
			continue
		}
		// The only assignment of ok in the loop must be a comma-ok lookup
		// of the same key in the same map, before the if.
		var defs []*ast.AssignStmt
		ast.Inspect(rs.Body, func(n ast.Node) bool {
			if as, ok := n.(*ast.AssignStmt); ok {
				for _, lhs := range as.Lhs {
					if c.varOf(lhs) == okVar {
						defs = append(defs, as)
					}
				}
			}
			return true
		})
		if len(defs) != 1 || c.assigns(rs.Body, okVar, map[ast.Node]bool{defs[0]: true}) {
			continue
		}
		d := defs[0]
		if d.Pos() > ifs.Cond.Pos() || len(d.Lhs) != 2 || len(d.Rhs) != 1 || c.varOf(d.Lhs[1]) != okVar {
			continue
		}
		lookup, ok := ast.Unparen(d.Rhs[0]).(*ast.IndexExpr)
		if ok && c.sameLocation(lookup.X, rs.X) && c.sameLocation(lookup.Index, x) {
			return true
		}
	}
	return false
}

// Fix placement for pool-put: where statements go so that they run right
// before a Put, and small dst helpers.

package poolput

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"

	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// canInsertBeforePut: statements can be placed to run right before the Put.
func (c *poolCheck) canInsertBeforePut(s *putSite) bool {
	return s.stmt != nil || c.canWrap(s)
}

// guardable: a return placed right before the Put skips exactly the Put.
func (c *poolCheck) guardable(s *putSite) bool {
	if s.deferStmt != nil {
		return c.canWrap(s)
	}
	if s.stmt == nil || hasResults(s.inner) {
		return false
	}
	body := funcBody(s.inner)
	return c.parent[s.stmt] == body && body.List[len(body.List)-1] == s.stmt
}

// canWrap: "defer pool.Put(x)" can become "defer func() { ...; pool.Put(x) }()"
// without changing what is put: the operands have no side effects and the
// variables they read keep their value until the function returns.
func (c *poolCheck) canWrap(s *putSite) bool {
	ds := s.deferStmt
	if ds == nil || !c.inList(ds) {
		return false
	}
	info := c.pass.Info
	loop := s.fn.InnermostLoop(ds)
	for _, e := range []ast.Expr{s.poolX, s.arg} {
		if !rule.SideEffectFree(info, e) {
			return false
		}
		ok := true
		ast.Inspect(e, func(n ast.Node) bool {
			id, isID := n.(*ast.Ident)
			if !isID {
				return ok
			}
			v, isVar := info.Uses[id].(*types.Var)
			if !isVar || v.IsField() {
				return ok
			}
			if flow.IsPackageLevel(v) {
				return ok
			}
			if loop != nil && flow.DeclaredOutside(v, loop) {
				ok = false
			}
			for _, d := range s.fn.Defs(v) {
				if d.End > ds.End() {
					ok = false
				}
				if _, isRange := d.Stmt.(*ast.RangeStmt); isRange {
					ok = false
				}
				if f, isFor := c.parent[d.Stmt].(*ast.ForStmt); isFor && f.Init == d.Stmt {
					ok = false
				}
			}
			return ok
		})
		if !ok {
			return false
		}
	}
	return true
}

// placeBeforePut places stmts so that they run right before the Put: before its
// statement, or in a closure that a direct "defer pool.Put(x)" becomes.
func (c *poolCheck) placeBeforePut(fc *rule.FixContext, s *putSite, stmts ...dst.Stmt) error {
	for _, st := range stmts {
		st.Decorations().Before = dst.NewLine
		st.Decorations().After = dst.NewLine
	}
	if s.deferStmt == nil {
		if s.stmt == nil {
			return fmt.Errorf("the Put is not a statement of its own")
		}
		es, ok := fc.Dst(s.stmt).(*dst.ExprStmt)
		if !ok {
			return fmt.Errorf("Put statement not found")
		}
		return insertBeforePutStmt(fc, es, stmts)
	}
	ds, ok := fc.Dst(s.deferStmt).(*dst.DeferStmt)
	put, _ := fc.Dst(s.call).(*dst.CallExpr)
	if !ok || put == nil {
		return fmt.Errorf("defer statement not found")
	}
	if ds.Call == put {
		es := &dst.ExprStmt{X: put}
		es.Decs.Before, es.Decs.After = dst.NewLine, dst.NewLine
		ds.Call = &dst.CallExpr{Fun: &dst.FuncLit{
			Type: &dst.FuncType{Func: true, Params: &dst.FieldList{}},
			Body: &dst.BlockStmt{List: append(stmts, es)},
		}}
		return nil
	}
	lit, ok := ds.Call.Fun.(*dst.FuncLit)
	if !ok || len(lit.Body.List) == 0 {
		return fmt.Errorf("deferred Put changed shape")
	}
	n := len(lit.Body.List)
	last := lit.Body.List[n-1]
	if es, ok := last.(*dst.ExprStmt); !ok || es.X != put {
		return fmt.Errorf("deferred Put changed shape")
	}
	lit.Body.List = append(append(lit.Body.List[:n-1:n-1], stmts...), last)
	return nil
}

// insertBeforePutStmt inserts stmts before the Put statement es, or before
// the store "*p = x" that the pointer conversion placed right before it
// (so that guards and clears come first), keeping es's leading comments
// above the inserted statements.
func insertBeforePutStmt(fc *rule.FixContext, es *dst.ExprStmt, stmts []dst.Stmt) error {
	done := false
	dstutil.Apply(fc.File, func(cur *dstutil.Cursor) bool {
		if done {
			return false
		}
		list, ok := cur.Node().(*dst.BlockStmt)
		var stmtsOf *[]dst.Stmt
		if ok {
			stmtsOf = &list.List
		} else if cc, ok := cur.Node().(*dst.CaseClause); ok {
			stmtsOf = &cc.Body
		} else if cc, ok := cur.Node().(*dst.CommClause); ok {
			stmtsOf = &cc.Body
		} else {
			return true
		}
		l := *stmtsOf
		for i, st := range l {
			if st != dst.Stmt(es) {
				continue
			}
			at := i
			if call, ok := es.X.(*dst.CallExpr); ok && len(call.Args) == 1 && i > 0 {
				if id, ok := call.Args[0].(*dst.Ident); ok {
					if as, ok := l[i-1].(*dst.AssignStmt); ok && len(as.Lhs) == 1 {
						if star, ok := as.Lhs[0].(*dst.StarExpr); ok {
							if pid, ok := star.X.(*dst.Ident); ok && pid.Name == id.Name {
								at = i - 1
							}
						}
					}
				}
			}
			target := l[at]
			first := stmts[0]
			first.Decorations().Before = target.Decorations().Before
			first.Decorations().Start = target.Decorations().Start
			target.Decorations().Before = dst.NewLine
			target.Decorations().Start = nil
			out := append([]dst.Stmt{}, l[:at]...)
			out = append(out, stmts...)
			*stmtsOf = append(out, l[at:]...)
			done = true
			return false
		}
		return true
	}, nil)
	if !done {
		return fmt.Errorf("Put statement is not in a statement list")
	}
	return nil
}

// cloneExpr returns a fresh copy of the dst form of e, without comments.
func cloneExpr(fc *rule.FixContext, e ast.Expr) (dst.Expr, error) {
	n, ok := fc.Dst(e).(dst.Expr)
	if !ok || n == nil {
		return nil, fmt.Errorf("no dst node for %s", rule.ExprText(fc.Pass.Fset, e))
	}
	x := dst.Clone(n).(dst.Expr)
	d := x.Decorations()
	d.Before, d.After, d.Start, d.End = dst.None, dst.None, nil, nil
	return x, nil
}

// parenIfNeeded wraps x in parentheses when it cannot be an operand of a
// selector, index or slice expression as it stands.
func parenIfNeeded(x dst.Expr) dst.Expr {
	switch x.(type) {
	case *dst.UnaryExpr, *dst.BinaryExpr, *dst.StarExpr:
		return &dst.ParenExpr{X: x}
	}
	return x
}

func intLit(n int) *dst.BasicLit {
	return &dst.BasicLit{Kind: token.INT, Value: strconv.Itoa(n)}
}

// lookup resolves name as seen at pos in the package.
func (c *poolCheck) lookup(name string, pos token.Pos) types.Object {
	scope := c.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		scope = c.pass.Pkg.Scope()
	}
	_, obj := scope.LookupParent(name, pos)
	return obj
}

// universal reports whether name at pos is the predeclared one.
func (c *poolCheck) universal(name string, pos token.Pos) bool {
	return c.lookup(name, pos) == types.Universe.Lookup(name)
}

// atLeast reports whether the file holding pos has Go version >= 1.minor.
func (c *poolCheck) atLeast(pos token.Pos, minor int) bool {
	f := c.pass.FileOf(pos)
	if f == nil {
		return false
	}
	v := c.pass.FileVersion(f)
	var major, m int
	if _, err := fmt.Sscanf(v, "go%d.%d", &major, &m); err != nil {
		return true // no version constraint
	}
	return major > 1 || m >= minor
}

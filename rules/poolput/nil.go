// pool-put sub-check 6: typed nil Put.

package poolput

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

func (c *poolCheck) checkTypedNil(s *putSite) {
	info := c.pass.Info
	t := info.TypeOf(s.arg)
	if t == nil {
		return
	}
	if _, ok := t.Underlying().(*types.Pointer); !ok {
		return
	}
	id, ok := ast.Unparen(s.arg).(*ast.Ident)
	if !ok {
		return
	}
	v := s.fn.VarOf(id)
	if v == nil || flow.IsPackageLevel(v) {
		return
	}
	defs := s.fn.Defs(v)
	for _, d := range defs {
		if !isNilDef(info, d) || d.End > s.call.Pos() || !c.flowsTo(d.Stmt, s.call) {
			continue
		}
		later := false
		for _, d2 := range defs {
			if d2.End > d.End && d2.End <= s.call.Pos() {
				later = true
			}
		}
		if later || c.nilChecked(s, v, d.Stmt.Pos()) {
			continue
		}
		var fix *rule.Fix
		if asg, ok := d.Stmt.(*ast.AssignStmt); ok && c.simpleNilGuard(s, v, asg) {
			fix = &rule.Fix{Message: "return instead of putting nil", Edit: func(fc *rule.FixContext) error {
				return fc.Replace(asg, func(old dst.Node) dst.Node {
					ret := &dst.ReturnStmt{}
					ret.Decs.NodeDecs = old.(*dst.AssignStmt).Decs.NodeDecs
					return ret
				})
			}}
		}
		c.report(s, rule.Diagnostic{Check: typedNil, Pos: s.arg.Pos(), End: s.arg.End(), Fix: fix, Message: fmt.Sprintf(
			"%s can be a nil %s here (set to nil at line %d): Put ignores only an untyped nil, so the pool hands out a nil pointer and its next user panics; return instead of putting it",
			id.Name, types.TypeString(v.Type(), types.RelativeTo(c.pass.Pkg)), c.pass.Fset.Position(d.Stmt.Pos()).Line)})
		return
	}
}

func isNilDef(info *types.Info, d flow.Def) bool {
	if d.Tuple {
		return false
	}
	if d.RHS == nil {
		_, isSpec := d.Stmt.(*ast.ValueSpec)
		return isSpec
	}
	id, ok := ast.Unparen(d.RHS).(*ast.Ident)
	return ok && info.Uses[id] == types.Universe.Lookup("nil")
}

// nilChecked: v is compared with nil after from and before the Put, or in
// the condition of an if that holds the Put.
func (c *poolCheck) nilChecked(s *putSite, v *types.Var, from token.Pos) bool {
	info := c.pass.Info
	isNilCmp := func(n ast.Node) bool {
		b, ok := n.(*ast.BinaryExpr)
		if !ok || (b.Op != token.EQL && b.Op != token.NEQ) {
			return false
		}
		x, y := ast.Unparen(b.X), ast.Unparen(b.Y)
		isNil := func(e ast.Expr) bool {
			id, ok := e.(*ast.Ident)
			return ok && info.Uses[id] == types.Universe.Lookup("nil")
		}
		return (s.fn.VarOf(x) == v && isNil(y)) || (s.fn.VarOf(y) == v && isNil(x))
	}
	found := false
	ast.Inspect(s.fn.Decl.Body, func(n ast.Node) bool {
		if found || n == nil {
			return false
		}
		if n.Pos() >= from && n.Pos() < s.call.Pos() && isNilCmp(n) {
			found = true
		}
		return !found
	})
	for p := c.parent[s.call]; p != nil && !found; p = c.parent[p] {
		if ifs, ok := p.(*ast.IfStmt); ok {
			ast.Inspect(ifs.Cond, func(n ast.Node) bool {
				if n != nil && isNilCmp(n) {
					found = true
				}
				return !found
			})
		}
	}
	return found
}

// simpleNilGuard: "if cond { ...; v = nil }" directly followed by the Put,
// which ends a function without results; v is a local of that function
// that nothing else reads. Returning there skips exactly the Put.
func (c *poolCheck) simpleNilGuard(s *putSite, v *types.Var, asg *ast.AssignStmt) bool {
	if asg.Tok != token.ASSIGN || len(asg.Lhs) != 1 || s.stmt == nil || hasResults(s.inner) || s.fn.IsResult(v) {
		return false
	}
	block, ok := c.parent[asg].(*ast.BlockStmt)
	if !ok || len(block.List) == 0 || block.List[len(block.List)-1] != asg {
		return false
	}
	var top ast.Node = block
	for {
		ifs, ok := c.parent[top].(*ast.IfStmt)
		if !ok || (ifs.Body != top && ifs.Else != top) {
			break
		}
		top = ifs
	}
	ifs, ok := top.(*ast.IfStmt)
	if !ok {
		return false
	}
	body := funcBody(s.inner)
	if c.parent[s.stmt] != body || len(body.List) < 2 || body.List[len(body.List)-1] != s.stmt || body.List[len(body.List)-2] != ifs {
		return false
	}
	// v is local to the function that ends with the Put, or (in a deferred
	// closure) read elsewhere only by the enclosing function's own
	// statements, which are done when deferred calls run.
	local := s.inner.Pos() <= v.Pos() && v.Pos() < s.inner.End()
	if !local && !(s.anyDef && s.unit.Pos() <= v.Pos() && v.Pos() < s.unit.End()) {
		return false
	}
	for _, u := range s.fn.Uses(v) {
		if f := c.enclosingFunc(u); f != s.inner && (local || f != s.unit) {
			return false
		}
	}
	return true
}

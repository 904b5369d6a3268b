package rangedelete

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
)

// listLoop is "for e := l.Front(); e != nil; e = e.Next()" or its
// Back/Prev mirror.
type listLoop struct {
	*loop
	list ast.Expr      // l
	loc  astx.Location // l's location
	elem *types.Var    // e
	step string        // knowledge.ListNext or knowledge.ListPrev
	init *ast.AssignStmt
	post *ast.AssignStmt
}

func (c *check) checkListLoop(l *loop) {
	ll := c.matchListLoop(l)
	if ll == nil {
		return
	}
	// A body that assigns e advances by itself: it is analysed as it is,
	// and it is not this rule's shape.
	if c.assigns(ll.body, ll.elem, nil) {
		return
	}
	g := c.graph(l.fn)
	var removes []*ast.CallExpr
	ast.Inspect(ll.body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok && c.isListRemove(ll, call) && !deferredOrGo(ll.body, call) {
			removes = append(removes, call)
		}
		return true
	})
	for _, rm := range removes {
		if !g.ReachesNextIteration(ll.stmt, rm) {
			continue
		}
		l, e := c.str(ll.list), ll.elem.Name()
		c.pass.Report(rule.Diagnostic{Check: listCheck,
			Pos: rm.Pos(), End: rm.End(),
			Message: fmt.Sprintf("%s.Remove(%s) clears %s's links, so %s = %s.%s() ends the loop after the first removal", l, e, e, e, e, ll.step),
			Fix:     c.listFix(ll),
			Related: []rule.Related{
				{Pos: ll.init.Pos(), End: ll.init.End(), Message: fmt.Sprintf("the loop starts at %s here", c.str(ll.init.Rhs[0]))},
				{Pos: rm.Pos(), End: rm.End(), Message: fmt.Sprintf("%s is removed here, which sets its links to nil", e)},
				{Pos: ll.post.Pos(), End: ll.post.End(), Message: fmt.Sprintf("%s.%s() is then nil, and the loop ends here", e, ll.step)},
			},
		})
		return
	}
}

func (c *check) matchListLoop(l *loop) *listLoop {
	fs, ok := l.stmt.(*ast.ForStmt)
	if !ok || fs.Init == nil || fs.Cond == nil || fs.Post == nil {
		return nil
	}
	info := c.pass.Info
	ll := &listLoop{loop: l}
	// e := l.Front()
	init, ok := fs.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
		return nil
	}
	ll.init = init
	ll.elem = c.varOf(init.Lhs[0])
	first, ok := ast.Unparen(init.Rhs[0]).(*ast.CallExpr)
	if !ok || ll.elem == nil || len(first.Args) != 0 {
		return nil
	}
	if ll.step = knowledge.ListWalk(rule.Callee(info, first)); ll.step == "" {
		return nil
	}
	ll.list = ast.Unparen(first.Fun).(*ast.SelectorExpr).X
	if ll.loc, ok = c.locationOf(ll.list); !ok {
		return nil
	}
	// e != nil
	cond, ok := fs.Cond.(*ast.BinaryExpr)
	if !ok || cond.Op != token.NEQ {
		return nil
	}
	if !(c.isVarUse(cond.X, ll.elem) && isNil(info, cond.Y)) && !(c.isVarUse(cond.Y, ll.elem) && isNil(info, cond.X)) {
		return nil
	}
	// e = e.Next()
	post, ok := fs.Post.(*ast.AssignStmt)
	if !ok || post.Tok != token.ASSIGN || len(post.Lhs) != 1 || len(post.Rhs) != 1 || !c.isVarUse(post.Lhs[0], ll.elem) {
		return nil
	}
	ll.post = post
	step, ok := ast.Unparen(post.Rhs[0]).(*ast.CallExpr)
	if !ok || len(step.Args) != 0 {
		return nil
	}
	if knowledge.ListStep(rule.Callee(info, step)) != ll.step || !c.isVarUse(ast.Unparen(step.Fun).(*ast.SelectorExpr).X, ll.elem) {
		return nil
	}
	return ll
}

// listMethod returns the name of the container/list method a call calls
// on l, or "".
func (c *check) listMethod(ll *listLoop, call *ast.CallExpr) string {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	m := knowledge.ListMethod(rule.Callee(c.pass.Info, call))
	if m == "" || !c.sameLocation(sel.X, ll.list) {
		return ""
	}
	return m
}

// isListRemove recognises l.Remove(e).
func (c *check) isListRemove(ll *listLoop, call *ast.CallExpr) bool {
	return c.listMethod(ll, call) == knowledge.ListRemove && len(call.Args) == 1 && c.isVarUse(call.Args[0], ll.elem)
}

// elementType returns the type name of e's pointee, container/list.Element.
func (ll *listLoop) elementType() *types.TypeName {
	if p, ok := ll.elem.Type().(*types.Pointer); ok {
		if n, ok := p.Elem().(*types.Named); ok {
			return n.Obj()
		}
	}
	return nil
}

// listFix captures the successor before the body runs. It is offered when
// the body leaves the list alone apart from removing e (an insertion could
// make the fixed loop visit, and remove, elements forever) and does not
// hand the list to other code.
func (c *check) listFix(ll *listLoop) *rule.Fix {
	skip := map[ast.Node]bool{}
	ok := true
	ast.Inspect(ll.body, func(n ast.Node) bool {
		call, isCall := n.(*ast.CallExpr)
		if !isCall {
			return true
		}
		switch m := c.listMethod(ll, call); {
		case m == "":
			return true
		case m == knowledge.ListRemove:
			ok = ok && c.isListRemove(ll, call)
		case knowledge.ListReadOnly(m):
		default:
			ok = false
		}
		skip[ast.Unparen(call.Fun).(*ast.SelectorExpr).X] = true
		return true
	})
	if !ok || c.touches(ll.body, ll.loc, skip) {
		return nil
	}
	base := "next"
	if ll.step == knowledge.ListPrev {
		base = "prev"
	}
	pos := ll.stmt.Pos()
	var name string
	for _, cand := range []string{base, base + "Elem", base + "2", base + "3"} {
		if !usedIn(ll.stmt, cand) && c.lookup(cand, pos) == nil {
			name = cand
			break
		}
	}
	tn := ll.elementType()
	if name == "" || tn == nil || !c.isUniverse("nil", pos) {
		return nil
	}
	if _, err := (&typeWriter{c: c, at: pos}).named(tn); err != nil {
		return nil
	}
	msg := "take the next element before the body runs"
	if ll.step == knowledge.ListPrev {
		msg = "take the previous element before the body runs"
	}
	return &rule.Fix{Message: msg, Edit: func(fc *rule.FixContext) error {
		initD, ok1 := fc.Dst(ll.init).(*dst.AssignStmt)
		postD, ok2 := fc.Dst(ll.post).(*dst.AssignStmt)
		bodyD, ok3 := fc.Dst(ll.body).(*dst.BlockStmt)
		if !ok1 || !ok2 || !ok3 {
			return fmt.Errorf("no dst node for the list loop")
		}
		elemType, err := (&typeWriter{c: c, at: pos, fc: fc}).named(tn)
		if err != nil {
			return err
		}
		// e, next := l.Front(), (*list.Element)(nil)
		initD.Lhs = append(initD.Lhs, dst.NewIdent(name))
		initD.Rhs = append(initD.Rhs, &dst.CallExpr{
			Fun:  &dst.ParenExpr{X: &dst.StarExpr{X: elemType}},
			Args: []dst.Expr{dst.NewIdent("nil")},
		})
		// next = e.Next() first in the body (the post statement's call
		// moves there), e = next as the post statement.
		step := postD.Rhs[0]
		postD.Rhs[0] = dst.NewIdent(name)
		capture := &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(name)}, Tok: token.ASSIGN, Rhs: []dst.Expr{step}}
		capture.Decs.Before, capture.Decs.After = dst.NewLine, dst.NewLine
		bodyD.List = append([]dst.Stmt{capture}, bodyD.List...)
		return nil
	}}
}

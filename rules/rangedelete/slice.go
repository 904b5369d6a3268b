package rangedelete

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// sliceLoop is a loop that walks a slice by index: "for i := range s",
// "for i, v := range s", or "for i := 0; i < len(s); i++".
type sliceLoop struct {
	*loop
	s     ast.Expr      // the slice location, as the loop header spells it
	loc   astx.Location // s's location
	elem  types.Type    // s's element type
	idx   *types.Var    // i
	val   *types.Var    // v, or nil
	index bool          // a three-clause loop
}

// sliceRemoval is one "s = append(s[:i], s[i+1:]...)" or
// "s = slices.Delete(s, i, i+1)" in a slice loop's body.
type sliceRemoval struct {
	stmt *ast.AssignStmt
	dec  *ast.IncDecStmt // "i--" right after it in a range loop, or nil
}

func (c *check) checkSliceLoop(l *loop) {
	sl := c.matchSliceLoop(l)
	if sl == nil {
		return
	}
	removals, ok := c.sliceRemovals(sl)
	if !ok {
		return
	}
	if c.removesOneIndex(sl, removals) {
		return
	}
	g := c.graph(l.fn)
	for _, r := range removals {
		at := ast.Node(r.stmt)
		if r.dec != nil {
			at = r.dec
		}
		if !g.ReachesNextIteration(l.stmt, at) {
			continue
		}
		d := rule.Diagnostic{Check: sliceCheck, Pos: r.stmt.Pos(), End: r.stmt.End(), Message: c.sliceMessage(sl, r), Related: c.sliceEvidence(sl, r)}
		if len(removals) == 1 {
			d.Fix = c.sliceFix(sl, r)
		}
		c.pass.Report(d)
		return // one finding a loop
	}
}

func (c *check) sliceMessage(sl *sliceLoop, r sliceRemoval) string {
	s, i := c.str(sl.s), sl.idx.Name()
	if sl.index {
		return fmt.Sprintf("removing %s[%s] and then incrementing %s skips the element shifted into its place", s, i, i)
	}
	msg := fmt.Sprintf("removing %s[%s] while ranging over %s skips the element shifted into its place and can index past the shortened slice", s, i, s)
	if r.dec != nil {
		msg += fmt.Sprintf("; %s-- does not rewind a range loop", i)
	}
	return msg
}

// sliceEvidence is the chain of a removal: the loop's walk over s, the
// removal that shifts the next element into s[i], and the step of i that
// passes over it.
func (c *check) sliceEvidence(sl *sliceLoop, r sliceRemoval) []rule.Related {
	s, i := c.str(sl.s), sl.idx.Name()
	var out []rule.Related
	if sl.index {
		cond := sl.stmt.(*ast.ForStmt).Cond
		out = append(out, rule.Related{Pos: cond.Pos(), End: cond.End(), Message: fmt.Sprintf("the loop walks %s by index up to len(%s) here", s, s)})
	} else {
		out = append(out, rule.Related{Pos: sl.s.Pos(), End: sl.s.End(), Message: fmt.Sprintf("the loop ranges over %s here, with the length %s had when it started", s, s)})
	}
	out = append(out, rule.Related{Pos: r.stmt.Pos(), End: r.stmt.End(), Message: fmt.Sprintf("%s[%s] is removed here: the next element shifts into %s[%s]", s, i, s, i)})
	if sl.index {
		post := sl.stmt.(*ast.ForStmt).Post
		return append(out, rule.Related{Pos: post.Pos(), End: post.End(), Message: fmt.Sprintf("%s advances here, past the element shifted into %s[%s]", i, s, i)})
	}
	if r.dec != nil {
		out = append(out, rule.Related{Pos: r.dec.Pos(), End: r.dec.End(), Message: fmt.Sprintf("%s-- changes the copy the body sees, not the range loop's counter", i)})
	}
	key := sl.stmt.(*ast.RangeStmt).Key
	return append(out, rule.Related{Pos: key.Pos(), End: key.End(), Message: fmt.Sprintf("the loop advances %s here, past the element shifted into %s[%s]", i, s, i)})
}

// matchSliceLoop recognises the loop shapes of the rule.
func (c *check) matchSliceLoop(l *loop) *sliceLoop {
	info := c.pass.Info
	sl := &sliceLoop{loop: l}
	switch s := l.stmt.(type) {
	case *ast.RangeStmt:
		if s.Tok != token.DEFINE || s.Key == nil {
			return nil
		}
		sl.s = s.X
		sl.idx = c.varOf(s.Key)
		if id, ok := s.Value.(*ast.Ident); ok && id.Name != "_" {
			sl.val = c.varOf(id)
		}
	case *ast.ForStmt:
		// for i := 0; i < len(s); i++
		init, ok := s.Init.(*ast.AssignStmt)
		if !ok || init.Tok != token.DEFINE || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
			return nil
		}
		if tv, ok := info.Types[init.Rhs[0]]; !ok || tv.Value == nil || tv.Value.Kind() != constant.Int || constant.Sign(tv.Value) != 0 {
			return nil
		}
		sl.idx = c.varOf(init.Lhs[0])
		cond, ok := s.Cond.(*ast.BinaryExpr)
		if !ok || sl.idx == nil {
			return nil
		}
		var lenCall ast.Expr
		switch {
		case cond.Op == token.LSS && c.isVarUse(cond.X, sl.idx):
			lenCall = cond.Y
		case cond.Op == token.GTR && c.isVarUse(cond.Y, sl.idx):
			lenCall = cond.X
		default:
			return nil
		}
		call, ok := ast.Unparen(lenCall).(*ast.CallExpr)
		if !ok || !flow.IsBuiltin(info, call, "len") || len(call.Args) != 1 {
			return nil
		}
		sl.s = call.Args[0]
		switch p := s.Post.(type) {
		case *ast.IncDecStmt:
			if p.Tok != token.INC || !c.isVarUse(p.X, sl.idx) {
				return nil
			}
		case *ast.AssignStmt:
			if p.Tok != token.ADD_ASSIGN || len(p.Lhs) != 1 || !c.isVarUse(p.Lhs[0], sl.idx) || !isConstInt(info, p.Rhs[0], 1) {
				return nil
			}
		default:
			return nil
		}
		sl.index = true
	default:
		return nil
	}
	if sl.idx == nil {
		return nil
	}
	loc, ok := c.locationOf(sl.s)
	if !ok {
		return nil
	}
	sl.loc = loc
	t, ok := info.TypeOf(sl.s).Underlying().(*types.Slice)
	if !ok {
		return nil
	}
	sl.elem = t.Elem()
	return sl
}

// sliceRemovals returns the removals of s[i] in the loop body, or false when
// there is none or the body changes s or i in other ways (it then manages
// the iteration itself, and the rule stays out of it).
func (c *check) sliceRemovals(sl *sliceLoop) ([]sliceRemoval, bool) {
	var out []sliceRemoval
	except := map[ast.Node]bool{}
	var walk func(list []ast.Stmt)
	walkNode := func(n ast.Node) {
		ast.Inspect(n, func(x ast.Node) bool {
			switch x := x.(type) {
			case *ast.FuncLit:
				return false
			case *ast.BlockStmt:
				walk(x.List)
				return false
			case *ast.CaseClause:
				walk(x.Body)
				return false
			case *ast.CommClause:
				walk(x.Body)
				return false
			}
			return true
		})
	}
	walk = func(list []ast.Stmt) {
		for k, st := range list {
			if as, ok := st.(*ast.AssignStmt); ok && c.isRemoval(sl, as) {
				r := sliceRemoval{stmt: as}
				except[as] = true
				if !sl.index && k+1 < len(list) {
					if dec, ok := list[k+1].(*ast.IncDecStmt); ok && dec.Tok == token.DEC && c.isVarUse(dec.X, sl.idx) {
						r.dec = dec
						except[dec] = true
					}
				}
				out = append(out, r)
				continue
			}
			walkNode(st)
		}
	}
	walk(sl.body.List)
	if len(out) == 0 {
		return nil, false
	}
	// Any other assignment to i, or to s (or a variable holding it), and
	// the loop is not the simple shape this rule knows.
	if c.assigns(sl.body, sl.idx, except) || c.assignsLocation(sl.body, sl.loc, except) {
		return nil, false
	}
	return out, true
}

// removesOneIndex recognises the loop that removes the element at one
// given index, "if i == x { remove }" with x fixed during the loop, and
// does not otherwise look at s or v: it removes at most once and never
// reads a shifted element, so it is correct as it stands.
func (c *check) removesOneIndex(sl *sliceLoop, removals []sliceRemoval) bool {
	skip := map[ast.Node]bool{}
	for _, r := range removals {
		skip[r.stmt] = true
		if r.dec != nil {
			return false
		}
		var guarded bool
		ast.Inspect(sl.body, func(n ast.Node) bool {
			ifs, ok := n.(*ast.IfStmt)
			if !ok || !flow.Within(r.stmt, ifs.Body) {
				return !guarded
			}
			if cond, ok := ast.Unparen(ifs.Cond).(*ast.BinaryExpr); ok && cond.Op == token.EQL {
				for _, pair := range [][2]ast.Expr{{cond.X, cond.Y}, {cond.Y, cond.X}} {
					if c.isVarUse(pair[0], sl.idx) && c.fixedDuring(sl.body, pair[1]) {
						guarded = true
					}
				}
			}
			return !guarded
		})
		if !guarded {
			return false
		}
	}
	if c.touches(sl.body, sl.loc, skip) {
		return false
	}
	return sl.val == nil || !c.touches(sl.body, astx.Location{Root: sl.val}, skip)
}

// fixedDuring reports whether x has one value throughout body: a constant,
// or a variable or field path that body does not assign.
func (c *check) fixedDuring(body ast.Node, x ast.Expr) bool {
	if tv, ok := c.pass.Info.Types[x]; ok && tv.Value != nil {
		return true
	}
	loc, ok := c.locationOf(x)
	return ok && !c.assignsLocation(body, loc, nil)
}

// isRemoval recognises s = append(s[:i], s[i+1:]...) and
// s = slices.Delete(s, i, i+1).
func (c *check) isRemoval(sl *sliceLoop, as *ast.AssignStmt) bool {
	info := c.pass.Info
	if as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 || !c.sameLocation(as.Lhs[0], sl.s) {
		return false
	}
	call, ok := ast.Unparen(as.Rhs[0]).(*ast.CallExpr)
	if !ok {
		return false
	}
	if flow.IsBuiltin(info, call, "append") {
		if len(call.Args) != 2 || !call.Ellipsis.IsValid() {
			return false
		}
		head, ok1 := ast.Unparen(call.Args[0]).(*ast.SliceExpr)
		tail, ok2 := ast.Unparen(call.Args[1]).(*ast.SliceExpr)
		if !ok1 || !ok2 || head.Slice3 || tail.Slice3 {
			return false
		}
		if !c.sameLocation(head.X, sl.s) || (head.Low != nil && !isConstInt(info, head.Low, 0)) || head.High == nil || !c.isVarUse(head.High, sl.idx) {
			return false
		}
		if !c.sameLocation(tail.X, sl.s) || tail.Low == nil || !c.isSucc(tail.Low, sl.idx) {
			return false
		}
		if tail.High != nil {
			lc, ok := ast.Unparen(tail.High).(*ast.CallExpr)
			if !ok || !flow.IsBuiltin(info, lc, "len") || len(lc.Args) != 1 || !c.sameLocation(lc.Args[0], sl.s) {
				return false
			}
		}
		return true
	}
	if !knowledge.SlicesDelete.Is(rule.Callee(info, call)) || len(call.Args) != 3 {
		return false
	}
	return c.sameLocation(call.Args[0], sl.s) && c.isVarUse(call.Args[1], sl.idx) && c.isSucc(call.Args[2], sl.idx)
}

// isSucc reports whether e is i+1 or 1+i.
func (c *check) isSucc(e ast.Expr, i *types.Var) bool {
	b, ok := ast.Unparen(e).(*ast.BinaryExpr)
	if !ok || b.Op != token.ADD {
		return false
	}
	info := c.pass.Info
	return (c.isVarUse(b.X, i) && isConstInt(info, b.Y, 1)) || (c.isVarUse(b.Y, i) && isConstInt(info, b.X, 1))
}

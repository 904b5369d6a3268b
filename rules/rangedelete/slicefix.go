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

// This file holds the fixes of range-delete's slice loops: recognising a
// loop that only filters, and rewriting it to slices.DeleteFunc or to the
// in-place compaction.

// filterBody is a loop body that only decides which elements to drop.
type filterBody struct {
	ifStmt *ast.IfStmt
	cond   ast.Expr // the if condition
	negate bool     // "if cond { continue }; remove": drop when !cond
	elems  []ast.Expr
	// ordered: cond is an ordered comparison whose negation is the
	// opposite comparison.
	ordered bool
}

// filter recognises the bodies
//
//	if cond { remove [; i--] [; continue] }
//	if cond { continue }; remove
//
// and checks that cond can become a predicate of the element alone.
func (c *check) filter(sl *sliceLoop, r sliceRemoval) *filterBody {
	list := sl.body.List
	var f filterBody
	switch len(list) {
	case 1:
		ifs, ok := list[0].(*ast.IfStmt)
		if !ok || ifs.Init != nil || ifs.Else != nil || len(ifs.Body.List) == 0 || ifs.Body.List[0] != r.stmt {
			return nil
		}
		rest := ifs.Body.List[1:]
		if r.dec != nil {
			rest = rest[1:]
		}
		if len(rest) > 1 || (len(rest) == 1 && !isPlainContinue(rest[0])) {
			return nil
		}
		f.ifStmt, f.cond = ifs, ifs.Cond
	case 2:
		ifs, ok := list[0].(*ast.IfStmt)
		if !ok || list[1] != r.stmt || r.dec != nil || ifs.Init != nil || ifs.Else != nil || len(ifs.Body.List) != 1 || !isPlainContinue(ifs.Body.List[0]) {
			return nil
		}
		f.ifStmt, f.cond, f.negate = ifs, ifs.Cond, true
	default:
		return nil
	}
	t := c.pass.Info.TypeOf(f.cond)
	if t == nil {
		return nil
	}
	if _, named := t.(*types.Named); named {
		return nil // a defined boolean type is not assignable to bool
	}
	if !types.Identical(t.Underlying(), types.Typ[types.Bool]) && !types.Identical(t, types.Typ[types.UntypedBool]) {
		return nil
	}
	elems, ok := c.elementUses(sl, f.cond)
	if !ok {
		return nil
	}
	f.elems = elems
	f.ordered = noNaN(c.pass.Info, f.cond)
	return &f
}

func isPlainContinue(s ast.Stmt) bool {
	b, ok := s.(*ast.BranchStmt)
	return ok && b.Tok == token.CONTINUE && b.Label == nil
}

// elementUses returns the s[i] expressions of cond, and false when cond
// cannot become a predicate of the element alone: it uses i or s other
// than as s[i], or s[i] as storage (its address, a pointer method, a
// slice of an array element, an assignment in a function literal).
func (c *check) elementUses(sl *sliceLoop, cond ast.Expr) ([]ast.Expr, bool) {
	info := c.pass.Info
	var elems []ast.Expr
	skip := map[ast.Node]bool{}
	ok := true
	var stack []ast.Node
	ast.Inspect(cond, func(n ast.Node) bool {
		if !ok {
			return false
		}
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		ix, isIndex := n.(*ast.IndexExpr)
		if !isIndex || !c.sameLocation(ix.X, sl.s) || !c.isVarUse(ix.Index, sl.idx) {
			stack = append(stack, n)
			return true
		}
		// Climb field selections and array indexing that stay inside the
		// element, then look at what uses the result.
		var cur ast.Node = ix
		i := len(stack) - 1
		for ; i >= 0; i-- {
			switch p := stack[i].(type) {
			case *ast.ParenExpr:
				cur = p
				continue
			case *ast.SelectorExpr:
				if sel := info.Selections[p]; p.X == cur && sel != nil && sel.Kind() == types.FieldVal && !isPointer(info.TypeOf(p.X)) {
					cur = p
					continue
				}
			case *ast.IndexExpr:
				if _, arr := info.TypeOf(p.X).Underlying().(*types.Array); p.X == cur && arr {
					cur = p
					continue
				}
			}
			break
		}
		if i >= 0 {
			switch p := stack[i].(type) {
			case *ast.UnaryExpr:
				ok = p.Op != token.AND
			case *ast.SliceExpr:
				_, arr := info.TypeOf(p.X).Underlying().(*types.Array)
				ok = p.X != cur || !arr
			case *ast.SelectorExpr:
				if sel := info.Selections[p]; p.X == cur && sel != nil && sel.Kind() == types.MethodVal {
					if sig, isSig := sel.Obj().Type().(*types.Signature); isSig && sig.Recv() != nil && isPointer(sig.Recv().Type()) && !isPointer(info.TypeOf(cur.(ast.Expr))) {
						ok = false
					}
				}
			case *ast.AssignStmt:
				for _, lhs := range p.Lhs {
					ok = ok && lhs != cur
				}
			case *ast.IncDecStmt:
				ok = false
			}
		}
		elems = append(elems, ix)
		skip[ix] = true
		return false
	})
	if !ok {
		return nil, false
	}
	// i and s may not appear otherwise.
	if c.touches(cond, astx.Location{Root: sl.idx}, skip) || c.touches(cond, sl.loc, skip) {
		return nil, false
	}
	return elems, true
}

// sliceFix returns the fix of a filter loop: slices.DeleteFunc (Go 1.21),
// or the in-place compaction for older files; nil when the loop does more
// than filter or the rewrite cannot be written at the loop.
func (c *check) sliceFix(sl *sliceLoop, r sliceRemoval) *rule.Fix {
	f := c.filter(sl, r)
	if f == nil || sl.labeled {
		return nil
	}
	if c.atLeast(21) {
		return c.deleteFuncFix(sl, r, f)
	}
	return c.compactFix(sl, r, f)
}

func (c *check) deleteFuncFix(sl *sliceLoop, r sliceRemoval, f *filterBody) *rule.Fix {
	pos := sl.stmt.Pos()
	if _, err := (&typeWriter{c: c, at: pos}).expr(sl.elem); err != nil || !c.isUniverse("bool", pos) {
		return nil
	}
	param := ""
	if sl.val != nil {
		param = sl.val.Name()
	} else {
		for _, cand := range []string{"v", "e", "x", "elem", "item"} {
			if !usedIn(f.cond, cand) {
				param = cand
				break
			}
		}
		if param == "" {
			return nil
		}
	}
	return &rule.Fix{Message: "delete the matching elements with slices.DeleteFunc", Edit: func(fc *rule.FixContext) error {
		loopD, ok := fc.Dst(sl.stmt).(dst.Stmt)
		if !ok {
			return fmt.Errorf("no dst node for the loop")
		}
		lhs, _ := fc.Dst(r.stmt.Lhs[0]).(dst.Expr)
		cond, _ := fc.Dst(f.cond).(dst.Expr)
		if lhs == nil || cond == nil {
			return fmt.Errorf("no dst node for the removal")
		}
		fn, err := fc.Ref(knowledge.SlicesDeleteFunc.Path, knowledge.SlicesDeleteFunc.Name, pos)
		if err != nil {
			return err
		}
		elemType, err := (&typeWriter{c: c, at: pos, fc: fc}).expr(sl.elem)
		if err != nil {
			return err
		}
		// Comments of the removed loop parts go above the return.
		comments := nestedComments(loopD, map[dst.Node]bool{cond: true}, true)
		cond = replaceElems(fc, cond, f.elems, param)
		if f.negate {
			cond = negateExpr(cond, f.ordered)
		}
		ret := &dst.ReturnStmt{Results: []dst.Expr{cond}}
		ret.Decs.Before, ret.Decs.After = dst.NewLine, dst.NewLine
		ret.Decs.Start = comments
		lit := &dst.FuncLit{
			Type: &dst.FuncType{
				Func:    true,
				Params:  &dst.FieldList{List: []*dst.Field{{Names: []*dst.Ident{dst.NewIdent(param)}, Type: elemType}}},
				Results: &dst.FieldList{List: []*dst.Field{{Type: dst.NewIdent("bool")}}},
			},
			Body: &dst.BlockStmt{List: []dst.Stmt{ret}},
		}
		stmt := &dst.AssignStmt{
			Lhs: []dst.Expr{lhs},
			Tok: token.ASSIGN,
			Rhs: []dst.Expr{&dst.CallExpr{Fun: fn, Args: []dst.Expr{dst.Clone(lhs).(dst.Expr), lit}}},
		}
		stmt.Decs.NodeDecs = *loopD.Decorations()
		lhs.Decorations().Start, lhs.Decorations().End = nil, nil
		return fc.Replace(sl.stmt, func(dst.Node) dst.Node { return stmt })
	}}
}

// compactFix rewrites a filter loop of an old file into the in-place
// compaction: the loop keeps its header and condition; the body copies
// the survivors down and the slice is cut once after the loop.
func (c *check) compactFix(sl *sliceLoop, r sliceRemoval, f *filterBody) *rule.Fix {
	n := c.freshName(sl.stmt.Pos(), "n", "kept")
	if n == "" {
		return nil
	}
	i := sl.idx.Name()
	return &rule.Fix{Message: "compact the kept elements in place", Edit: func(fc *rule.FixContext) error {
		ifD, ok1 := fc.Dst(f.ifStmt).(*dst.IfStmt)
		removal, ok2 := fc.Dst(r.stmt).(*dst.AssignStmt)
		bodyD, ok3 := fc.Dst(sl.body).(*dst.BlockStmt)
		if !ok1 || !ok2 || !ok3 {
			return fmt.Errorf("no dst node for the loop body")
		}
		s := func() dst.Expr { return dst.Clone(removal.Lhs[0]).(dst.Expr) }
		keep := &dst.AssignStmt{
			Lhs: []dst.Expr{&dst.IndexExpr{X: s(), Index: dst.NewIdent(n)}},
			Tok: token.ASSIGN,
			Rhs: []dst.Expr{&dst.IndexExpr{X: s(), Index: dst.NewIdent(i)}},
		}
		keep.Decs.Before = dst.NewLine
		count := &dst.IncDecStmt{X: dst.NewIdent(n), Tok: token.INC}
		count.Decs.Before, count.Decs.After = dst.NewLine, dst.NewLine
		var cutComments []string
		if f.negate {
			// if cond { s[n] = s[i]; n++ }: cond said which elements stay.
			// The removal's comments go with the statement that now drops
			// the elements: the final cut.
			cutComments = nestedComments(removal, nil, false)
			for _, st := range ifD.Body.List {
				keep.Decs.Start = append(keep.Decs.Start, nestedComments(st, nil, false)...)
			}
			ifD.Body.List = []dst.Stmt{keep, count}
			bodyD.List = bodyD.List[:1]
		} else {
			// if cond { continue }; s[n] = s[i]; n++: the condition and its
			// comments stay as they are; the removal's comments go to the
			// continue that now skips the element.
			var removed []string
			var cont *dst.BranchStmt
			for _, st := range ifD.Body.List {
				if b, ok := st.(*dst.BranchStmt); ok && b.Tok == token.CONTINUE {
					cont = b
					continue
				}
				removed = append(removed, nestedComments(st, nil, false)...)
			}
			if cont == nil {
				cont = &dst.BranchStmt{Tok: token.CONTINUE}
				cont.Decs.Before, cont.Decs.After = dst.NewLine, dst.NewLine
			}
			cont.Decs.Start = append(dst.Decorations(removed), cont.Decs.Start...)
			ifD.Body.List = []dst.Stmt{cont}
			bodyD.List = append(bodyD.List, keep, count)
		}
		decl := &dst.AssignStmt{Lhs: []dst.Expr{dst.NewIdent(n)}, Tok: token.DEFINE, Rhs: []dst.Expr{&dst.BasicLit{Kind: token.INT, Value: "0"}}}
		decl.Decs.Before, decl.Decs.After = dst.NewLine, dst.NewLine
		cut := &dst.AssignStmt{Lhs: []dst.Expr{s()}, Tok: token.ASSIGN, Rhs: []dst.Expr{&dst.SliceExpr{X: s(), High: dst.NewIdent(n)}}}
		cut.Decs.Before, cut.Decs.After = dst.NewLine, dst.NewLine
		cut.Decs.Start = cutComments
		if err := fc.InsertBefore(sl.stmt, decl); err != nil {
			return err
		}
		return fc.InsertAfter(sl.stmt, cut)
	}}
}

// pool-put sub-checks 4 (oversized Put) and 5 (pointer elements kept
// alive), with the clearing statements and zero values they write.

package poolput

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
)

type capForm int

const (
	capNone     capForm = iota
	capMethod           // x.Cap()
	capSlice            // cap(x)
	capSlicePtr         // cap(*x)
)

func (c *poolCheck) capFormOf(s *putSite) (capForm, ast.Expr) {
	t := c.pass.Info.TypeOf(s.arg)
	if t == nil {
		return capNone, nil
	}
	if _, addr := ast.Unparen(s.arg).(*ast.UnaryExpr); addr {
		return capNone, nil
	}
	if flow.IsSliceType(t) {
		return capSlice, s.obj
	}
	if p, ok := t.Underlying().(*types.Pointer); ok && flow.IsSliceType(p.Elem()) {
		return capSlicePtr, s.arg
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, c.pass.Pkg, knowledge.CapMethod)
	if fn, ok := obj.(*types.Func); ok {
		if sig, ok := fn.Type().(*types.Signature); ok && sig.Params().Len() == 0 && sig.Results().Len() == 1 &&
			types.Identical(sig.Results().At(0).Type(), types.Typ[types.Int]) {
			return capMethod, s.arg
		}
	}
	return capNone, nil
}

func (c *poolCheck) checkOversize(s *putSite) {
	limit := c.pass.Size(MaxCap)
	if limit <= 0 {
		return
	}
	form, x := c.capFormOf(s)
	if form == capNone || c.capBounded(s) {
		return
	}
	var fix *rule.Fix
	if c.guardable(s) && rule.SideEffectFree(c.pass.Info, x) && (form == capMethod || c.universal("cap", s.call.Pos())) {
		fix = &rule.Fix{Message: "drop oversized objects instead of pooling them", Edit: func(fc *rule.FixContext) error {
			y, err := cloneExpr(fc, x)
			if err != nil {
				return err
			}
			var capx dst.Expr
			switch form {
			case capMethod:
				capx = &dst.CallExpr{Fun: &dst.SelectorExpr{X: parenIfNeeded(y), Sel: dst.NewIdent(knowledge.CapMethod)}}
			case capSlice:
				capx = &dst.CallExpr{Fun: dst.NewIdent("cap"), Args: []dst.Expr{y}}
			default:
				capx = &dst.CallExpr{Fun: dst.NewIdent("cap"), Args: []dst.Expr{&dst.StarExpr{X: y}}}
			}
			guard := &dst.IfStmt{
				Cond: &dst.BinaryExpr{X: capx, Op: token.GTR, Y: &dst.BasicLit{Kind: token.INT, Value: strconv.FormatInt(limit, 10)}},
				Body: &dst.BlockStmt{List: []dst.Stmt{&dst.ReturnStmt{}}},
			}
			return c.placeBeforePut(fc, s, guard)
		}}
	}
	c.report(s, rule.Diagnostic{Check: oversize, Pos: s.call.Pos(), End: s.call.End(), Fix: fix, Message: fmt.Sprintf(
		"%s puts %s back whatever its capacity: one oversized object stays pooled and is handed out again and again; drop it when its capacity exceeds %d",
		c.putText(s), s.objText, limit)})
}

// capBounded reports whether the putting function looks at the pooled
// object's capacity (cap(b), buf.Cap(), cap(p.buf)...).
func (c *poolCheck) capBounded(s *putSite) bool {
	info := c.pass.Info
	found := false
	ast.Inspect(s.fn.Decl.Body, func(n ast.Node) bool {
		if found || n == nil {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok || (!s.deferred && call.Pos() >= s.call.Pos()) {
			return true
		}
		if flow.IsBuiltin(info, call, "cap") && len(call.Args) == 1 {
			found = c.aliases(s, call.Args[0], 0)
		} else if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == knowledge.CapMethod && len(call.Args) == 0 {
			found = c.aliases(s, sel.X, 0)
		}
		return !found
	})
	return found
}

func (c *poolCheck) checkPointerElems(s *putSite) {
	info := c.pass.Info
	if s.pool != nil && c.poolLocal(s.pool) {
		// A pool created by this call dies with it (and with the
		// goroutines it starts): what its arrays reference is kept no
		// longer than the call keeps it anyway.
		return
	}
	if se, ok := ast.Unparen(s.arg).(*ast.SliceExpr); ok && summary.IsEmptied(info, se) {
		if hasPointerElems(info.TypeOf(se.X)) && !c.cleared(s.fn, se.X, nil, s.anchor.Pos()) {
			c.reportPointerElems(s, se, nil)
		}
		return
	}
	ast.Inspect(funcBody(s.inner), func(n ast.Node) bool {
		a, ok := n.(*ast.AssignStmt)
		if !ok || a.Tok != token.ASSIGN || len(a.Lhs) != 1 || len(a.Rhs) != 1 || a.Pos() >= s.call.Pos() {
			return true
		}
		se, ok := ast.Unparen(a.Rhs[0]).(*ast.SliceExpr)
		if !ok || !summary.IsEmptied(info, se) || !hasPointerElems(info.TypeOf(se.X)) {
			return true
		}
		root := flow.Root(a.Lhs[0])
		if root == nil || s.fn.VarOf(root) != s.root || !s.sameDef(s.fn.Reaching(s.root, root.Pos())) {
			return true
		}
		target := ast.Node(s.call)
		if c.enclosingFunc(a) != s.inner {
			target = s.anchor
		}
		if !c.flowsTo(a, target) || c.cleared(s.fn, se.X, a.Lhs[0], a.Pos()) {
			return true
		}
		c.reportPointerElems(s, se, a)
		return true
	})
}

func hasPointerElems(t types.Type) bool {
	if t == nil {
		return false
	}
	sl, ok := t.Underlying().(*types.Slice)
	return ok && containsPointers(sl.Elem())
}

func (c *poolCheck) reportPointerElems(s *putSite, se *ast.SliceExpr, trunc *ast.AssignStmt) {
	x := ast.Unparen(se.X)
	var fix *rule.Fix
	where := "before the Put"
	if trunc != nil {
		where = "before truncating"
	}
	placeable := (trunc == nil && c.canInsertBeforePut(s)) || (trunc != nil && c.inList(trunc))
	if placeable && rule.SideEffectFree(c.pass.Info, x) && c.canClear(x) {
		fix = &rule.Fix{Message: "clear the elements " + where, Edit: func(fc *rule.FixContext) error {
			st, err := c.clearStmt(fc, x)
			if err != nil {
				return err
			}
			if trunc != nil {
				st.Decorations().Before = dst.NewLine
				st.Decorations().After = dst.NewLine
				return fc.InsertBefore(trunc, st)
			}
			return c.placeBeforePut(fc, s, st)
		}}
	}
	elem := c.pass.Info.TypeOf(x).Underlying().(*types.Slice).Elem()
	xt := rule.ExprText(c.pass.Fset, x)
	c.report(s, rule.Diagnostic{Check: pointerElems, Pos: se.Pos(), End: se.End(), Fix: fix, Message: fmt.Sprintf(
		"%s leaves the old elements in the pooled array: %s values hold pointers, so everything they reference stays alive while the array is pooled; clear(%s) %s",
		rule.ExprText(c.pass.Fset, se), types.TypeString(elem, types.RelativeTo(c.pass.Pkg)), xt, where)})
}

// cleared reports whether x (or alt) is cleared before pos in the function:
// clear(x), or a range loop over x assigning to its elements.
func (c *poolCheck) cleared(fn *flow.Func, x, alt ast.Expr, pos token.Pos) bool {
	info := c.pass.Info
	is := func(e ast.Expr) bool { return astx.SameLocation(info, e, x) || astx.SameLocation(info, e, alt) }
	found := false
	ast.Inspect(fn.Decl.Body, func(n ast.Node) bool {
		if found || n == nil || n.Pos() >= pos {
			return false
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			if flow.IsBuiltin(info, n, "clear") && len(n.Args) == 1 && is(n.Args[0]) {
				found = true
			}
		case *ast.RangeStmt:
			key := fn.VarOf(n.Key)
			if key == nil || !is(n.X) {
				return true
			}
			ast.Inspect(n.Body, func(m ast.Node) bool {
				if as, ok := m.(*ast.AssignStmt); ok {
					for _, l := range as.Lhs {
						for e := ast.Unparen(l); e != nil; {
							switch y := e.(type) {
							case *ast.IndexExpr:
								if is(y.X) && fn.VarOf(y.Index) == key {
									found = true
								}
								e = ast.Unparen(y.X)
								continue
							case *ast.SelectorExpr:
								e = ast.Unparen(y.X)
								continue
							}
							break
						}
					}
				}
				return !found
			})
		}
		return !found
	})
	return found
}

// canClear reports whether a clearing statement can be written for x in
// its file: clear(x) from Go 1.21, else a zeroing loop whose zero value can
// be named.
func (c *poolCheck) canClear(x ast.Expr) bool {
	if c.atLeast(x.Pos(), 21) && c.universal("clear", x.Pos()) {
		return true
	}
	elem := c.pass.Info.TypeOf(x).Underlying().(*types.Slice).Elem()
	_, ok := c.zeroExpr(nil, elem, x.Pos())
	return ok
}

func (c *poolCheck) clearStmt(fc *rule.FixContext, x ast.Expr) (dst.Stmt, error) {
	y, err := cloneExpr(fc, x)
	if err != nil {
		return nil, err
	}
	if fc.AtLeast(21) && c.universal("clear", x.Pos()) {
		return &dst.ExprStmt{X: &dst.CallExpr{Fun: dst.NewIdent("clear"), Args: []dst.Expr{y}}}, nil
	}
	elem := c.pass.Info.TypeOf(x).Underlying().(*types.Slice).Elem()
	zero, ok := c.zeroExpr(fc, elem, x.Pos())
	if !ok {
		return nil, fmt.Errorf("no zero value for %s", elem)
	}
	i := c.freshIndexName(x)
	asg := &dst.AssignStmt{
		Lhs: []dst.Expr{&dst.IndexExpr{X: parenIfNeeded(dst.Clone(y).(dst.Expr)), Index: dst.NewIdent(i)}},
		Tok: token.ASSIGN, Rhs: []dst.Expr{zero},
	}
	asg.Decs.Before, asg.Decs.After = dst.NewLine, dst.NewLine
	return &dst.RangeStmt{Key: dst.NewIdent(i), Tok: token.DEFINE, X: y, Body: &dst.BlockStmt{List: []dst.Stmt{asg}}}, nil
}

// freshIndexName picks a loop index name that x does not mention and that
// does not hide a name the loop needs.
func (c *poolCheck) freshIndexName(x ast.Expr) string {
	used := map[string]bool{}
	ast.Inspect(x, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	for _, name := range []string{"i", "j", "k", "idx"} {
		if !used[name] && c.lookup(name, x.Pos()) == nil {
			return name
		}
	}
	for n := 0; ; n++ {
		name := "i" + strconv.Itoa(n)
		if !used[name] && c.lookup(name, x.Pos()) == nil {
			return name
		}
	}
}

// zeroExpr builds the zero value of t as seen at pos; with fc nil it only
// reports whether it can.
func (c *poolCheck) zeroExpr(fc *rule.FixContext, t types.Type, pos token.Pos) (dst.Expr, bool) {
	switch u := t.Underlying().(type) {
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		return dst.NewIdent("nil"), c.universal("nil", pos)
	case *types.Basic:
		switch {
		case u.Kind() == types.UnsafePointer:
			return dst.NewIdent("nil"), c.universal("nil", pos)
		case u.Info()&types.IsString != 0:
			return &dst.BasicLit{Kind: token.STRING, Value: `""`}, true
		case u.Info()&types.IsBoolean != 0:
			return dst.NewIdent("false"), c.universal("false", pos)
		case u.Info()&types.IsNumeric != 0:
			return intLit(0), true
		}
	case *types.Struct, *types.Array:
		te, ok := c.typeExpr(fc, t, pos)
		if !ok {
			return nil, false
		}
		return &dst.CompositeLit{Type: te}, true
	}
	return nil, false
}

// typeExpr writes type t as seen at pos (adding an import through fc when
// it names another package's type); with fc nil it only checks.
func (c *poolCheck) typeExpr(fc *rule.FixContext, t types.Type, pos token.Pos) (dst.Expr, bool) {
	switch t := types.Unalias(t).(type) {
	case *types.Named:
		obj := t.Obj()
		if t.TypeArgs().Len() > 0 {
			return nil, false
		}
		if obj.Pkg() == nil || obj.Pkg() == c.pass.Pkg {
			return dst.NewIdent(obj.Name()), c.lookup(obj.Name(), pos) == obj
		}
		if !obj.Exported() {
			return nil, false
		}
		if fc == nil {
			return nil, true
		}
		ref, err := fc.Ref(obj.Pkg().Path(), obj.Name(), pos)
		return ref, err == nil
	case *types.Basic:
		return dst.NewIdent(t.Name()), c.lookup(t.Name(), pos) == types.Universe.Lookup(t.Name())
	case *types.Pointer:
		e, ok := c.typeExpr(fc, t.Elem(), pos)
		return &dst.StarExpr{X: e}, ok
	case *types.Slice:
		e, ok := c.typeExpr(fc, t.Elem(), pos)
		return &dst.ArrayType{Elt: e}, ok
	case *types.Array:
		e, ok := c.typeExpr(fc, t.Elem(), pos)
		return &dst.ArrayType{Len: &dst.BasicLit{Kind: token.INT, Value: strconv.FormatInt(t.Len(), 10)}, Elt: e}, ok
	case *types.Map:
		k, ok1 := c.typeExpr(fc, t.Key(), pos)
		v, ok2 := c.typeExpr(fc, t.Elem(), pos)
		return &dst.MapType{Key: k, Value: v}, ok1 && ok2
	}
	return nil, false
}

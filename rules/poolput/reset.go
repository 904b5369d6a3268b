// pool-put sub-check 2: Put without reset.

package poolput

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
)

type resetForm int

const (
	resetNone   resetForm = iota
	resetMethod           // x.Reset()
	resetSlice            // *p = (*p)[:0]
)

func (c *poolCheck) resetFormOf(t types.Type) resetForm {
	if t == nil {
		return resetNone
	}
	switch u := t.Underlying().(type) {
	case *types.Pointer:
		if flow.IsSliceType(u.Elem()) {
			return resetSlice
		}
	case *types.Interface:
	default:
		return resetNone
	}
	obj, _, _ := types.LookupFieldOrMethod(t, true, c.pass.Pkg, knowledge.ResetMethod)
	if fn, ok := obj.(*types.Func); ok {
		if sig, ok := fn.Type().(*types.Signature); ok && sig.Params().Len() == 0 && c.plainReset(fn, sig) {
			return resetMethod
		}
	}
	return resetNone
}

// plainReset reports whether the Reset method fn empties its receiver
// for reuse, as bytes.Buffer's and hash.Hash's do: it has no results (a
// Reset() error is a domain operation that can fail), and when its body
// is in this package, it calls no interface method or function value
// other than resets of its parts (no call out to a storage or a
// connection). Only such a Reset is a state reset the pooled object
// lacks, and a fix that can be proposed.
func (c *poolCheck) plainReset(fn *types.Func, sig *types.Signature) bool {
	if sig.Results().Len() != 0 {
		return false
	}
	if fn.Pkg() != c.pass.Pkg {
		return true
	}
	info := c.pass.Info
	for _, f := range c.pass.Files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || info.Defs[fd.Name] != fn {
				continue
			}
			plain := true
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || !plain {
					return plain
				}
				if tv, ok := info.Types[call.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
					return true
				}
				if summary.ResetOf(info, call) != nil {
					return true
				}
				callee := rule.Callee(info, call)
				if callee == nil {
					plain = false // a function value
					return false
				}
				if csig, ok := callee.Type().(*types.Signature); ok && csig.Recv() != nil && types.IsInterface(csig.Recv().Type()) {
					plain = false // dynamic: anything may happen
				}
				return plain
			})
			return plain
		}
	}
	return true
}

func (c *poolCheck) checkReset(s *putSite) {
	form := c.resetFormOf(c.pass.Info.TypeOf(s.arg))
	if form == resetNone || c.resetBeforePut(s) {
		return
	}
	if form == resetSlice && !c.appendsWithoutTruncating(s) {
		// A *[]T used as a fixed-size buffer (Read(*p)) has nothing to
		// reset: its length is its size. Only appending to the old
		// contents makes a stale length a bug.
		return
	}
	// Flag only on evidence: a Get of the pool in this package that does
	// not reset. With no Get in sight (a pool of another package, a
	// parameter) nothing says the object is used dirty.
	if s.pool == nil || len(s.pool.gets) == 0 || c.allGetsReset(s.pool) {
		return
	}
	var fix *rule.Fix
	if _, addr := ast.Unparen(s.arg).(*ast.UnaryExpr); !addr && !s.unfixedUse && c.canInsertBeforePut(s) &&
		rule.SideEffectFree(c.pass.Info, s.arg) {
		fix = &rule.Fix{Message: "reset before Put", Edit: func(fc *rule.FixContext) error {
			x, err := cloneExpr(fc, s.arg)
			if err != nil {
				return err
			}
			var st dst.Stmt
			if form == resetMethod {
				st = &dst.ExprStmt{X: &dst.CallExpr{Fun: &dst.SelectorExpr{X: parenIfNeeded(x), Sel: dst.NewIdent(knowledge.ResetMethod)}}}
			} else {
				y := dst.Clone(x).(dst.Expr)
				st = &dst.AssignStmt{
					Lhs: []dst.Expr{&dst.StarExpr{X: x}}, Tok: token.ASSIGN,
					Rhs: []dst.Expr{&dst.SliceExpr{X: &dst.ParenExpr{X: &dst.StarExpr{X: y}}, High: intLit(0)}},
				}
			}
			return c.placeBeforePut(fc, s, st)
		}}
	}
	how := s.objText + ".Reset()"
	if form == resetSlice {
		how = fmt.Sprintf("*%s = (*%s)[:0]", s.objText, s.objText)
	}
	c.report(s, rule.Diagnostic{Check: noReset, Pos: s.call.Pos(), End: s.call.End(), Fix: fix, Message: fmt.Sprintf(
		"%s puts %s back without resetting it, and not every Get from %s resets it: the next user starts from the old contents; call %s before the Put",
		c.putText(s), s.objText, rule.ExprText(c.pass.Fset, s.poolX), how)})
}

// appendsWithoutTruncating reports whether the putting function appends to
// the pooled *[]T's slice as it stands (append(*p, ...), or through a local
// assigned from *p), so that its length carries over between users.
func (c *poolCheck) appendsWithoutTruncating(s *putSite) bool {
	info := c.pass.Info
	deref := func(e ast.Expr) bool {
		st, ok := ast.Unparen(e).(*ast.StarExpr)
		return ok && c.isPooled(s, st.X)
	}
	found := false
	ast.Inspect(s.fn.Decl.Body, func(n ast.Node) bool {
		if found || n == nil {
			return false
		}
		call, ok := n.(*ast.CallExpr)
		if !ok || !flow.IsBuiltin(info, call, "append") || len(call.Args) == 0 {
			return true
		}
		a := ast.Unparen(call.Args[0])
		if deref(a) {
			found = true
		} else if id, ok := a.(*ast.Ident); ok {
			if v := s.fn.VarOf(id); v != nil {
				if d, ok := s.fn.Reaching(v, id.Pos()); ok && d.RHS != nil && !d.Tuple && deref(d.RHS) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// resetBeforePut reports whether the putting function resets the pooled
// object: directly, or through a function whose summary says it resets it.
func (c *poolCheck) resetBeforePut(s *putSite) bool {
	info := c.pass.Info
	found := false
	ast.Inspect(s.fn.Decl.Body, func(n ast.Node) bool {
		if found || n == nil || (!s.deferred && n.Pos() >= s.call.Pos()) {
			return false
		}
		if x := summary.ResetOf(info, n); x != nil && (c.isPooled(s, x) || c.resetsPromoted(s, n, x)) {
			found = true
		}
		if as, ok := n.(*ast.AssignStmt); ok && as.Tok == token.ASSIGN && len(as.Lhs) == 1 && len(as.Rhs) == 1 {
			// *x = T{}: the whole object is overwritten.
			if st, ok := ast.Unparen(as.Lhs[0]).(*ast.StarExpr); ok && c.isPooled(s, st.X) && !c.aliases(s, as.Rhs[0], 0) {
				found = true
			}
		}
		if call, ok := n.(*ast.CallExpr); ok {
			if sum, ok := c.sums.Call(call); ok && sum.Resets != 0 {
				sum.Resets.Each(func(i int) {
					for _, a := range c.sums.Arg(call, i) {
						if c.isPooled(s, a) {
							found = true
						}
					}
				})
			}
		}
		return !found
	})
	return found
}

// allGetsReset reports whether every Get of the pool resets what it gets.
func (c *poolCheck) allGetsReset(pi *poolInfo) bool {
	for _, g := range pi.gets {
		if !c.getResets(g, 0) {
			return false
		}
	}
	return true
}

// getResets reports whether the object a Get (or a call of a getter
// function wrapping Get) returns is reset by the function that receives it.
func (c *poolCheck) getResets(call *ast.CallExpr, depth int) bool {
	info := c.pass.Info
	var v ast.Node = call
	for {
		switch p := c.parent[v].(type) {
		case *ast.ParenExpr:
			v = p
			continue
		case *ast.TypeAssertExpr:
			if p.X == v {
				v = p
				continue
			}
		}
		break
	}
	fd, _ := c.enclosingDecl(v).(*ast.FuncDecl)
	if fd == nil {
		return false
	}
	fn := c.sums.Flow(fd)
	var target ast.Expr
	var stmt ast.Node
	switch p := c.parent[v].(type) {
	case *ast.AssignStmt:
		if len(p.Lhs) == len(p.Rhs) {
			for i, r := range p.Rhs {
				if r == v {
					target, stmt = p.Lhs[i], p
				}
			}
		}
	case *ast.ValueSpec:
		for i, r := range p.Values {
			if r == v && i < len(p.Names) {
				target, stmt = p.Names[i], p
			}
		}
	case *ast.ReturnStmt:
		return c.getterResets(fd, depth)
	case *ast.CallExpr:
		// prepare(pool.Get().(*T)): the callee resets its parameter.
		if sum, ok := c.sums.Call(p); ok && sum.Resets != 0 {
			reset := false
			sum.Resets.Each(func(i int) {
				for _, a := range c.sums.Arg(p, i) {
					if a == v {
						reset = true
					}
				}
			})
			return reset
		}
		return false
	}
	if target == nil {
		return false
	}
	tv := fn.VarOf(flow.Root(target))
	var same func(x ast.Expr, depth int) bool
	same = func(x ast.Expr, depth int) bool {
		x = ast.Unparen(x)
		id := flow.Root(x)
		if id == nil || tv == nil {
			return false
		}
		if u := fn.VarOf(id); u != tv {
			// A local assigned from the target: e := v.(*T).
			if u == nil || id != x || depth > 3 {
				return false
			}
			d, ok := fn.Reaching(u, id.Pos())
			if !ok || d.RHS == nil || d.Tuple {
				return false
			}
			rhs := ast.Unparen(d.RHS)
			if ta, ok := rhs.(*ast.TypeAssertExpr); ok {
				rhs = ta.X
			}
			return same(rhs, depth+1)
		}
		if !astx.SameLocation(c.pass.Info, x, target) {
			return false
		}
		d, ok := fn.Reaching(tv, id.Pos())
		return !ok || d.Stmt == stmt || !isIdent(target)
	}
	// deref: x is *target, or a local assigned from *target.
	deref := func(x ast.Expr) bool {
		switch x := ast.Unparen(x).(type) {
		case *ast.StarExpr:
			return same(x.X, 0)
		case *ast.Ident:
			if u := fn.VarOf(x); u != nil {
				if d, ok := fn.Reaching(u, x.Pos()); ok && d.RHS != nil && !d.Tuple {
					if st, ok := ast.Unparen(d.RHS).(*ast.StarExpr); ok {
						return same(st.X, 0)
					}
				}
			}
		}
		return false
	}
	found, returned := false, false
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if found || n == nil {
			return false
		}
		if n.Pos() < stmt.End() {
			return true
		}
		if x := summary.ResetOf(info, n); x != nil && same(x, 0) {
			found = true
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			if sum, ok := c.sums.Call(n); ok && sum.Resets != 0 {
				sum.Resets.Each(func(i int) {
					for _, a := range c.sums.Arg(n, i) {
						if same(a, 0) {
							found = true
						}
					}
				})
			}
		case *ast.SliceExpr:
			if summary.IsEmptied(info, n) && deref(n.X) {
				found = true
			}
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if same(r, 0) {
					returned = true
				}
			}
		}
		return !found
	})
	if found {
		return true
	}
	return returned && c.getterResets(fd, depth)
}

func isIdent(e ast.Expr) bool {
	_, ok := ast.Unparen(e).(*ast.Ident)
	return ok
}

// getterResets: fd returns what it got from the pool; it counts as a
// resetting Get when it is unexported, only ever called, and every caller
// resets the result.
func (c *poolCheck) getterResets(fd *ast.FuncDecl, depth int) bool {
	obj, ok := c.pass.Info.Defs[fd.Name].(*types.Func)
	if !ok || obj.Exported() || depth >= 2 {
		return false
	}
	for id, used := range c.pass.Info.Uses {
		if used != obj {
			continue
		}
		var f ast.Node = id
		if sel, ok := c.parent[id].(*ast.SelectorExpr); ok && sel.Sel == id {
			f = sel
		}
		call, ok := c.parent[f].(*ast.CallExpr)
		if !ok || call.Fun != f || !c.getResets(call, depth+1) {
			return false
		}
	}
	return true
}

// enclosingDecl returns the FuncDecl containing n (through literals).
func (c *poolCheck) enclosingDecl(n ast.Node) ast.Node {
	for p := c.parent[n]; p != nil; p = c.parent[p] {
		if fd, ok := p.(*ast.FuncDecl); ok {
			return fd
		}
	}
	return nil
}

// resetsPromoted reports whether the reset call n (x.Reset(), x its
// receiver expression) resets the put object through embedded fields: the
// method is promoted from an embedded field of x's type and the object put
// back is that field (m.Reset() is m.Hash.Reset() when hash.Hash is
// embedded, and Put(m.Hash) then puts a reset hash).
func (c *poolCheck) resetsPromoted(s *putSite, n ast.Node, x ast.Expr) bool {
	call, ok := n.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return false
	}
	ms := c.pass.Info.Selections[sel]
	if ms == nil || len(ms.Index()) < 2 {
		return false
	}
	path := ms.Index()[:len(ms.Index())-1] // the embedded fields walked
	// s.obj must be x.F1...Fk with F1..Fk a prefix of path.
	var fields []ast.Expr
	e := ast.Unparen(s.obj)
	for {
		fs, ok := e.(*ast.SelectorExpr)
		if !ok {
			break
		}
		fsel := c.pass.Info.Selections[fs]
		if fsel == nil || fsel.Kind() != types.FieldVal || len(fsel.Index()) != 1 {
			return false
		}
		fields = append([]ast.Expr{fs}, fields...)
		e = ast.Unparen(fs.X)
	}
	if len(fields) == 0 || len(fields) > len(path) {
		return false
	}
	for i, f := range fields {
		if c.pass.Info.Selections[f.(*ast.SelectorExpr)].Index()[0] != path[i] {
			return false
		}
	}
	if !astx.SameLocation(c.pass.Info, e, x) {
		return false
	}
	id := flow.Root(e)
	return id != nil && s.fn.VarOf(id) == s.root && s.sameDef(s.fn.Reaching(s.root, id.Pos()))
}

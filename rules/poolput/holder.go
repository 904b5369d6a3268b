// Retention through a local holder: a method of this package that keeps
// its argument only in its receiver's fields (a.SetResponse(resp) stores
// resp in a.resp) keeps it as long as the receiver lives. When the
// receiver is a local object of the putting function that nothing else
// holds and that is not used after the Put, nothing can reach the
// argument through it once the Put happens.

package poolput

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// keptOnlyByLocalHolder reports whether call keeps its argument at
// position i only in its receiver (holder), and the holder is a local
// object that does not outlive the Put of s.
func (c *poolCheck) keptOnlyByLocalHolder(s *putSite, call *ast.CallExpr, holder ast.Expr, i int) bool {
	if holder == nil || i < 0 {
		return false
	}
	callee := rule.Callee(c.pass.Info, call)
	if callee == nil || callee.Pkg() != c.pass.Pkg || !c.storesOnlyIntoReceiver(callee, i) {
		return false
	}
	id, ok := ast.Unparen(holder).(*ast.Ident)
	if !ok {
		return false
	}
	v := s.fn.VarOf(id)
	if v == nil || flow.IsPackageLevel(v) || s.fn.IsParam(v) || s.fn.IsResult(v) {
		return false
	}
	return c.localObject(s, v, 0)
}

// storesOnlyIntoReceiver reports whether the method fn, declared in this
// package, keeps parameter i only by assigning it to memory reached from
// its receiver (r.f = p): no other store, send, goroutine or call that
// keeps it.
func (c *poolCheck) storesOnlyIntoReceiver(fn *types.Func, i int) bool {
	sig, ok := fn.Type().(*types.Signature)
	if !ok || sig.Recv() == nil {
		return false
	}
	fd := c.declOf(fn)
	if fd == nil || fd.Recv == nil || len(fd.Recv.List) != 1 || len(fd.Recv.List[0].Names) != 1 {
		return false
	}
	f := c.sums.Flow(fd)
	info := c.pass.Info
	recv, _ := info.Defs[fd.Recv.List[0].Names[0]].(*types.Var)
	param := sig.Params().At(i)
	if recv == nil || param == nil {
		return false
	}
	fromParam := func(e ast.Expr) bool {
		for _, leaf := range flow.Stored(info, e) {
			for _, o := range f.Origins(leaf, c.sums.Views) {
				if o.Kind == flow.OriginParam && o.Var == param {
					return true
				}
			}
		}
		return false
	}
	only := true
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if !only {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			for v := range f.CapturedVars(n) {
				if v == param {
					only = false
				}
			}
			return false
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				return true
			}
			for k, lhs := range n.Lhs {
				if !fromParam(n.Rhs[k]) {
					continue
				}
				root := flow.Root(lhs)
				if root == nil {
					only = false
					continue
				}
				w := f.VarOf(root)
				if w == recv && ast.Unparen(lhs) != root {
					continue // r.f = p
				}
				if w != nil && !flow.IsPackageLevel(w) && !f.IsParam(w) && ast.Unparen(lhs) == root {
					continue // a local: followed where it is used
				}
				only = false
			}
		case *ast.SendStmt:
			if fromParam(n.Value) {
				only = false
			}
		case *ast.GoStmt:
			only = false
		case *ast.ReturnStmt:
			// A view returned is the caller's business (summary Views).
		case *ast.CallExpr:
			sum, ok := c.sums.Call(n)
			if !ok {
				return true
			}
			(sum.Retains | sum.Sends).Each(func(k int) {
				for _, a := range c.sums.Arg(n, k) {
					if fromParam(a) {
						only = false
					}
				}
			})
		}
		return only
	})
	return only
}

// declOf is the declaration of fn in this package, or nil.
func (c *poolCheck) declOf(fn *types.Func) *ast.FuncDecl {
	for _, f := range c.pass.Files {
		if f.Pos() > fn.Pos() || fn.Pos() >= f.End() {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && c.pass.Info.Defs[fd.Name] == fn {
				return fd
			}
		}
	}
	return nil
}

// localObject reports whether the object local variable v refers to lives
// only in this call of the function, as far as the Put of s is
// concerned: no closure captures v, and every use of v is a definition of
// v, a store into its fields, a nil check, or the receiver of a method
// call that neither keeps nor sends its receiver (a view it returns must
// itself be a receiver, or a local obeying the same rules); after a
// non-deferred Put, v is not used while it still holds the same object.
// A holder put back into a pool counts as gone: its next user gets it
// through Get, and a pool handing out objects with stale fields is the
// no-reset check's business.
func (c *poolCheck) localObject(s *putSite, v *types.Var, depth int) bool {
	if depth > 3 {
		return false
	}
	body := funcBody(s.unit)
	if body == nil {
		return false
	}
	captured := false
	ast.Inspect(body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.FuncLit); ok {
			if _, ok := s.fn.CapturedVars(lit)[v]; ok {
				captured = true
			}
			return false
		}
		return !captured
	})
	if captured {
		return false
	}
	info := c.pass.Info
	for _, u := range s.fn.Uses(v) {
		if !s.deferred {
			if in := c.exprInstr(u); in != nil {
				if after, known := c.afterPut(s, in); !known || after && c.liveAfterPut(s, c.valueOf(u), in) {
					return false
				}
			} else {
				return false
			}
		}
		if !c.holderUse(s, u, info, depth) {
			return false
		}
	}
	return true
}

// holderUse reports whether use u of a local holder keeps it local (see
// localObject).
func (c *poolCheck) holderUse(s *putSite, u ast.Expr, info *types.Info, depth int) bool {
	var n ast.Node = u
	for {
		par := c.parent[n]
		switch p := par.(type) {
		case *ast.ParenExpr:
			n = p
			continue
		case *ast.AssignStmt:
			for _, l := range p.Lhs {
				if l == n {
					return true // v = ...: rebinding
				}
			}
			return false
		case *ast.BinaryExpr:
			if p.Op == token.EQL || p.Op == token.NEQ {
				other := p.X
				if p.X == n {
					other = p.Y
				}
				if id, ok := ast.Unparen(other).(*ast.Ident); ok && info.Uses[id] == types.Universe.Lookup("nil") {
					return true
				}
			}
			return false
		case *ast.SelectorExpr:
			if p.X != n {
				return false
			}
			sel := info.Selections[p]
			if sel == nil {
				return false
			}
			if sel.Kind() == types.FieldVal {
				// v.f: a store into it is fine; anything else reads a
				// part that could be kept: only as a method receiver.
				if as, ok := c.parent[p].(*ast.AssignStmt); ok {
					for _, l := range as.Lhs {
						if l == p {
							return true
						}
					}
				}
				n = p
				continue
			}
			call, ok := c.parent[p].(*ast.CallExpr)
			if !ok || call.Fun != p {
				return false
			}
			sum, ok := c.sums.Call(call)
			if !ok {
				return false
			}
			if (sum.Retains | sum.Sends).Has(-1) {
				return false
			}
			if !sum.Views.Has(-1) {
				return true
			}
			return c.viewStaysLocal(s, call, info, depth)
		}
		return false
	}
}

// viewStaysLocal: the result of call is a view of the holder; it must be
// discarded, the receiver of another call, or a local obeying localObject.
func (c *poolCheck) viewStaysLocal(s *putSite, call *ast.CallExpr, info *types.Info, depth int) bool {
	switch p := c.parent[call].(type) {
	case *ast.ExprStmt:
		return true
	case *ast.SelectorExpr:
		return c.holderUse(s, call, info, depth)
	case *ast.AssignStmt:
		if len(p.Lhs) != 1 || len(p.Rhs) != 1 || p.Rhs[0] != call {
			return false
		}
		id, ok := ast.Unparen(p.Lhs[0]).(*ast.Ident)
		if !ok {
			return false
		}
		if id.Name == "_" {
			return true
		}
		w := s.fn.VarOf(id)
		if w == nil || flow.IsPackageLevel(w) || s.fn.IsParam(w) || s.fn.IsResult(w) {
			return false
		}
		return c.localObject(s, w, depth+1)
	}
	return false
}

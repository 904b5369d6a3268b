package transientretain

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
)

// pkgState is what the checks of one package share: the methods that
// return a view of a buffer their type overwrites in place, and the
// parameters that receive a transient view from some caller.
type pkgState struct {
	pass *rule.Pass
	// getters: a method returning (a slice of) a slice field of its
	// receiver, mapped to the in-place write into that field by another
	// method of the type (copy(p.buf[i:], b), p.buf[i] = x, a read into
	// p.buf): the result is valid until that method runs again.
	getters map[*types.Func]fieldWrite
	// params: a parameter some call site of the package passes a
	// transient view to, with the source as seen at that call.
	params map[*types.Var]*transientSource
	checks map[*ast.FuncDecl]*transientCheck
}

type fieldWrite struct {
	method *types.Func
	at     ast.Node
}

// reusedGetters finds the methods whose result is a view of a receiver
// field that a method of the same type writes into in place.
func reusedGetters(p *rule.Pass) map[*types.Func]fieldWrite {
	info := p.Info
	returned := map[*types.Var][]*types.Func{} // field -> getters
	writes := map[*types.Var]fieldWrite{}
	fieldOf := func(e ast.Expr, recv *types.Var) *types.Var {
		for {
			switch x := ast.Unparen(e).(type) {
			case *ast.SliceExpr:
				e = x.X
				continue
			case *ast.SelectorExpr:
				id, ok := ast.Unparen(x.X).(*ast.Ident)
				if !ok || info.Uses[id] != recv {
					return nil
				}
				sel := info.Selections[x]
				if sel == nil || sel.Kind() != types.FieldVal {
					return nil
				}
				f, _ := sel.Obj().(*types.Var)
				if f == nil || !flow.IsSliceType(f.Type()) {
					return nil
				}
				return f
			}
			return nil
		}
	}
	for _, file := range p.Files {
		for _, d := range file.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil || fd.Recv == nil || len(fd.Recv.List) != 1 || len(fd.Recv.List[0].Names) != 1 {
				continue
			}
			recv, _ := info.Defs[fd.Recv.List[0].Names[0]].(*types.Var)
			fn, _ := info.Defs[fd.Name].(*types.Func)
			if recv == nil || fn == nil {
				continue
			}
			// A getter: one slice result, every return gives the field.
			if res := fd.Type.Results; res != nil && len(res.List) == 1 && len(res.List[0].Names) <= 1 && flow.IsSliceType(info.TypeOf(res.List[0].Type)) {
				var field *types.Var
				ok := true
				ast.Inspect(fd.Body, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.FuncLit:
						return false
					case *ast.ReturnStmt:
						if len(n.Results) != 1 {
							ok = false
							return false
						}
						f := fieldOf(n.Results[0], recv)
						if f == nil || (field != nil && f != field) {
							ok = false
						}
						field = f
					}
					return ok
				})
				if ok && field != nil {
					returned[field] = append(returned[field], fn)
				}
			}
			// In-place writes into a receiver field.
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				var into ast.Expr
				switch n := n.(type) {
				case *ast.CallExpr:
					if flow.IsBuiltin(info, n, "copy") && len(n.Args) == 2 {
						into = n.Args[0]
					} else if in := flow.ReadInto(info, n, rule.Callee(info, n)); len(in) > 0 {
						into = in[0]
					}
				case *ast.AssignStmt:
					if len(n.Lhs) == 1 {
						if ix, ok := ast.Unparen(n.Lhs[0]).(*ast.IndexExpr); ok && flow.IsSliceType(info.TypeOf(ix.X)) {
							into = ix.X
						}
					}
				}
				if into != nil {
					if f := fieldOf(into, recv); f != nil {
						if _, seen := writes[f]; !seen {
							writes[f] = fieldWrite{fn, n}
						}
					}
				}
				return true
			})
		}
	}
	out := map[*types.Func]fieldWrite{}
	for f, gs := range returned {
		w, ok := writes[f]
		if !ok {
			continue
		}
		for _, g := range gs {
			if g != w.method {
				out[g] = w
			}
		}
	}
	return out
}

// callsGetter reports whether file calls one of the getters.
func callsGetter(info *types.Info, file *ast.File, getters map[*types.Func]fieldWrite) bool {
	if len(getters) == 0 {
		return false
	}
	found := false
	ast.Inspect(file, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if fn := rule.Callee(info, call); fn != nil {
				_, found = getters[fn.Origin()]
			}
		}
		return !found
	})
	return found
}

// check returns (and prepares on first use) the check of a declaration.
func (s *pkgState) check(sums *summary.Table, fd *ast.FuncDecl) *transientCheck {
	if c, ok := s.checks[fd]; ok {
		return c
	}
	c := &transientCheck{pass: s.pass, pkg: s, sums: sums, fn: sums.Flow(fd), mutations: map[*types.Var][]token.Pos{}, readBufs: map[*types.Var][]ast.Node{}, readCalls: map[*types.Var]map[*ast.CallExpr]bool{}, reported: map[token.Pos]bool{}}
	c.prepare()
	s.checks[fd] = c
	return c
}

// propagate marks, to a fixed point, the slice parameters of the
// package's functions that some call site passes a transient view to.
// Only a hand-off to another goroutine inside the callee reports them
// (asyncOnly): the callee cannot see when its caller overwrites the view.
func (s *pkgState) propagate(sums *summary.Table, decls map[*types.Func]*ast.FuncDecl) {
	work := make([]*transientCheck, 0, len(s.checks))
	for _, c := range s.checks {
		work = append(work, c)
	}
	for rounds := 0; len(work) > 0 && rounds < 8; rounds++ {
		var next []*transientCheck
		for _, c := range work {
			ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				callee := rule.Callee(c.pass.Info, call)
				if callee == nil || knowledge.IsWriteMethod(callee) || knowledge.IsReadIntoMethod(callee) {
					return true
				}
				fd := decls[callee.Origin()]
				if fd == nil || fd == c.fn.Decl {
					return true
				}
				sig, _ := callee.Type().(*types.Signature)
				if sig == nil || sig.Variadic() {
					return true
				}
				for i, a := range call.Args {
					if i >= sig.Params().Len() || !flow.IsSliceType(sig.Params().At(i).Type()) {
						continue
					}
					pv := paramVar(c.pass.Info, fd, i)
					if pv == nil || s.params[pv] != nil {
						continue
					}
					src := c.transient(a, 0)
					if src == nil || (src.kind == kindReadBuf && src.loop != nil && flow.Within(call, src.loop) && c.refreshedAfter(src, call)) {
						// A read buffer the loop replaces with fresh
						// storage after the call is not overwritten.
						continue
					}
					p := *src
					p.asyncOnly, p.at, p.loop = true, nil, nil
					p.guards = c.receiverGuards(call, fd)
					p.via = append(append([]viaStep(nil), src.via...), viaStep{call.Pos(), call.End(), "passed to " + callee.Name() + " here"})
					s.params[pv] = &p
					next = append(next, s.check(sums, fd))
				}
				return true
			})
		}
		work = next
	}
}

func paramVar(info *types.Info, fd *ast.FuncDecl, i int) *types.Var {
	k := 0
	for _, fld := range fd.Type.Params.List {
		names := fld.Names
		if len(names) == 0 {
			k++
			continue
		}
		for _, n := range names {
			if k == i {
				v, _ := info.Defs[n].(*types.Var)
				return v
			}
			k++
		}
	}
	return nil
}

// synchronousSend reports whether the function waits on a channel after
// the send (p.ch <- b; <-p.ch, or a select on a reply channel carried in
// the sent value, as yamux's waitForSendErr does): the hand-off may be
// synchronous, so the sender may still own the view when it returns.
func (c *transientCheck) synchronousSend(s *ast.SendStmt) bool {
	found := false
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.ARROW && u.Pos() > s.End() {
			found = true
		}
		return !found
	})
	return found
}

// guard is a condition known at a statement: its text and whether it
// holds there.
type guard struct {
	text string
	val  bool
}

// guardsAt returns the conditions that hold where n runs in f's body: the
// conditions of the if statements enclosing it (true in the then branch,
// false in the else), split at &&, and those of the earlier if statements
// of an enclosing block whose then branch always leaves (return, panic):
// false after them.
func guardsAt(f *ast.FuncDecl, parents map[ast.Node]ast.Node, n ast.Node) []guard {
	var out []guard
	var conj func(e ast.Expr, val bool)
	conj = func(e ast.Expr, val bool) {
		e = ast.Unparen(e)
		if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.NOT {
			conj(u.X, !val)
			return
		}
		if b, ok := e.(*ast.BinaryExpr); ok && ((b.Op == token.LAND && val) || (b.Op == token.LOR && !val)) {
			conj(b.X, val)
			conj(b.Y, val)
			return
		}
		out = append(out, guard{types.ExprString(e), val})
	}
	for cur := n; cur != nil && cur != f.Body; cur = parents[cur] {
		switch p := parents[cur].(type) {
		case *ast.IfStmt:
			if cur == p.Body {
				conj(p.Cond, true)
			} else if cur == p.Else {
				conj(p.Cond, false)
			}
		case *ast.BlockStmt:
			for _, st := range p.List {
				if st.Pos() >= cur.Pos() {
					break
				}
				if is, ok := st.(*ast.IfStmt); ok && is.Else == nil && len(is.Body.List) > 0 {
					switch last := is.Body.List[len(is.Body.List)-1].(type) {
					case *ast.ReturnStmt:
						conj(is.Cond, false)
					case *ast.ExprStmt:
						if call, ok := last.X.(*ast.CallExpr); ok {
							if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "panic" {
								conj(is.Cond, false)
							}
						}
					}
				}
			}
		}
	}
	return out
}

// receiverGuards returns the conditions on the caller's receiver-rooted
// values (w.isNotConcurrent(), w.closed) that hold at a method call,
// renamed to the callee's receiver: the callee sees the same object.
func (c *transientCheck) receiverGuards(call *ast.CallExpr, callee *ast.FuncDecl) []guard {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok || callee.Recv == nil || len(callee.Recv.List) != 1 || len(callee.Recv.List[0].Names) != 1 {
		return nil
	}
	from := types.ExprString(sel.X) + "."
	to := callee.Recv.List[0].Names[0].Name + "."
	var out []guard
	for _, g := range guardsAt(c.fn.Decl, c.fn.Parents(), call) {
		if len(g.text) > len(from) && g.text[:len(from)] == from {
			out = append(out, guard{to + g.text[len(from):], g.val})
		}
	}
	return out
}

// infeasible reports whether a view a caller passed under its guards
// cannot reach n: a condition on the same object holds there with the
// opposite value.
func (c *transientCheck) infeasible(src *transientSource, n ast.Node) bool {
	if len(src.guards) == 0 {
		return false
	}
	for _, g := range guardsAt(c.fn.Decl, c.fn.Parents(), n) {
		for _, h := range src.guards {
			if g.text == h.text && g.val != h.val {
				return true
			}
		}
	}
	return false
}

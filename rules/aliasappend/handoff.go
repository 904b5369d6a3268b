package aliasappend

// alias-append, hand-offs: sub-slices handed to goroutines, sent on
// channels, or passed to callees of the package that append past them.

import (
	"fmt"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// checkGo: x[i:j] handed to a goroutine, as an argument of the go
// statement or a variable its function literal captures, when the
// goroutine may append to it.
func (c *aliasCheck) checkGo(g *ast.GoStmt) {
	call := g.Call
	lit, _ := ast.Unparen(call.Fun).(*ast.FuncLit)
	for i, a := range call.Args {
		se := c.chunkOf(a, g.Pos())
		if se == nil || !c.inUse(se, g) {
			continue
		}
		var appendAt ast.Node
		appender := "the goroutine"
		if lit != nil {
			v := litParam(c.pass.Info, lit, i)
			if v == nil || !c.mayAppend(lit.Body, v, 0) {
				continue
			}
			if at := c.appendTo(lit.Body, v); at != nil {
				appendAt = at
			}
		} else if fn := rule.Callee(c.pass.Info, call); (knowledge.IsWriteMethod(fn) || knowledge.IsReadMethod(fn)) && i == 0 {
			continue // io.Writer and io.Reader implementations must not retain p
		} else if s, ok := c.sums.Call(call); ok {
			p := astx.ParamIndex(c.pass.Info, call, i)
			if !s.Keeps().Has(p) && !c.growsPastLen(call, i, 0) {
				continue // the goroutine only reads it, or appends within it
			}
		}
		if lit == nil {
			if at, name := c.calleeAppend(call, i); at != nil {
				appendAt, appender = at, name
			}
		}
		c.report(handoff, se, fmt.Sprintf("%s is handed to a goroutine that may append to it while %s is still in use: the append would overwrite the elements after it; %s",
			c.text(se), c.text(se.X), c.suggest(se)),
			c.handoffChain(se, g, "it is handed to a goroutine here", appendAt, appender, g))
	}
	if lit == nil {
		return
	}
	for v, id := range c.fn.CapturedVars(lit) {
		se := c.chunkOf(id, g.Pos())
		if se == nil || !c.inUse(se, g) || !c.mayAppend(lit.Body, v, 0) {
			continue
		}
		var appendAt ast.Node
		if at := c.appendTo(lit.Body, v); at != nil {
			appendAt = at
		}
		c.report(handoff, se, fmt.Sprintf("%s holds %s and is captured by a goroutine that may append to it while %s is still in use: the append would overwrite the elements after it; %s",
			id.Name, c.text(se), c.text(se.X), c.suggest(se)),
			c.handoffChain(se, id, id.Name+" holds it and is captured by a goroutine here", appendAt, "the goroutine", g))
	}
}

// litParam returns the variable of a function literal's i-th parameter.
func litParam(info *types.Info, lit *ast.FuncLit, i int) *types.Var {
	k := 0
	for _, fld := range lit.Type.Params.List {
		for _, n := range fld.Names {
			if k == i {
				v, _ := info.Defs[n].(*types.Var)
				return v
			}
			k++
		}
		if len(fld.Names) == 0 {
			k++
		}
	}
	return nil
}

// mayAppend reports whether body may append to v's storage: it appends to
// v (or a sub-slice of it that keeps the capacity), passes it to a callee
// that appends to it, keeps it, or cannot be followed, sends or stores it.
func (c *aliasCheck) mayAppend(body ast.Node, v *types.Var, depth int) bool {
	if depth > 3 {
		return true
	}
	info := c.pass.Info
	refers := func(e ast.Expr) bool {
		e = ast.Unparen(e)
		if se, ok := e.(*ast.SliceExpr); ok {
			if se.Slice3 {
				return false
			}
			e = se.X
		}
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && info.Uses[id] == v
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.CallExpr:
			if tv, ok := info.Types[n.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
				if flow.IsBuiltin(info, n, "append") && len(n.Args) > 0 && refers(n.Args[0]) {
					found = true
				}
				return true
			}
			s, known := c.sums.Call(n)
			for i, a := range n.Args {
				if !refers(a) {
					continue
				}
				if !known || s.Keeps().Has(astx.ParamIndex(info, n, i)) || c.growsPastLen(n, i, 0) {
					found = true
				}
			}
		case *ast.SendStmt:
			for _, val := range flow.Stored(info, n.Value) {
				if refers(val) {
					found = true
				}
			}
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				return true
			}
			for i, rhs := range n.Rhs {
				for _, val := range flow.Stored(info, rhs) {
					if !refers(val) {
						continue
					}
					if id, ok := ast.Unparen(n.Lhs[i]).(*ast.Ident); ok {
						if w, ok := info.Defs[id].(*types.Var); ok && w != nil {
							if c.mayAppend(body, w, depth+1) {
								found = true
							}
							continue
						}
						if w, ok := info.Uses[id].(*types.Var); ok && w == v {
							continue // v = v[...]: still v
						}
						if id.Name == "_" {
							continue
						}
					}
					found = true
				}
			}
		}
		return true
	})
	return found
}

// checkSend: x[i:j] sent on a channel (alone or inside a value).
func (c *aliasCheck) checkSend(s *ast.SendStmt) {
	for _, val := range flow.Stored(c.pass.Info, s.Value) {
		se := c.chunkOf(val, s.Pos())
		if se == nil || !c.inUse(se, s) || c.readLoopBuffer(se, s) {
			continue
		}
		c.report(handoff, se, fmt.Sprintf("%s is sent on a channel while %s is still in use: a receiver that appends to it overwrites the elements after it; %s",
			c.text(se), c.text(se.X), c.suggest(se)),
			c.handoffChain(se, s, "it is sent on a channel here, where a receiver may append to it", nil, "", s))
	}
}

// checkAppendingCall: x[i:j] passed to a function of this package that
// appends to that parameter.
func (c *aliasCheck) checkAppendingCall(call *ast.CallExpr) {
	fn := rule.Callee(c.pass.Info, call)
	if fn == nil || fn.Pkg() != c.pass.Pkg || knowledge.IsAppendName(fn.Name()) {
		return
	}
	s, ok := c.sums.Call(call)
	if !ok || s.Appends == 0 {
		return
	}
	s.Appends.Each(func(i int) {
		for _, a := range c.sums.Arg(call, i) {
			se := c.chunkOf(a, call.Pos())
			if se == nil || astx.IsConstZero(c.pass.Info, se.High) || !c.inUse(se, call) || c.assignedBack(call, se) {
				continue
			}
			if c.resultDiscarded(call) || astx.SameLocation(c.pass.Info, se.Low, se.High) {
				// pack(msg[off:off]) with the result dropped writes into
				// msg's reserved bytes on purpose (dnsmessage fills in a
				// header this way): capping it would make it write nowhere.
				continue
			}
			k := astx.ArgPosition(call, a)
			if k >= 0 && !c.growsPastLen(call, k, 0) {
				continue // it appends only into a truncation of it (an in-place filter)
			}
			var appendAt ast.Node
			appender := fn.Name()
			if k >= 0 {
				if at, name := c.calleeAppend(call, k); at != nil {
					appendAt, appender = at, name
				}
			}
			c.report(appendingCallee, se, fmt.Sprintf("%s is passed to %s, which appends to it, while %s is still in use: the append overwrites the elements after it; %s",
				c.text(se), fn.Name(), c.text(se.X), c.suggest(se)),
				c.handoffChain(se, call, "it is passed to "+fn.Name()+" here", appendAt, appender, call))
		}
	})
}

// resultDiscarded reports whether call's results are dropped: the call is
// made only for what it writes.
func (c *aliasCheck) resultDiscarded(call *ast.CallExpr) bool {
	switch p := c.parents[call].(type) {
	case *ast.ExprStmt:
		return true
	case *ast.AssignStmt:
		for _, l := range p.Lhs {
			if id, ok := l.(*ast.Ident); !ok || id.Name != "_" {
				return false
			}
		}
		return true
	}
	return false
}

// assignedBack reports whether the result of call is assigned to the
// variable whose storage se cuts (x = f(x[:n]): the owner appending to its
// own buffer).
func (c *aliasCheck) assignedBack(call *ast.CallExpr, se *ast.SliceExpr) bool {
	v := c.baseVar(se)
	as, ok := c.parents[call].(*ast.AssignStmt)
	if !ok || v == nil {
		return false
	}
	for _, l := range as.Lhs {
		if root := flow.Root(l); root != nil && c.fn.VarOf(root) == v {
			return true
		}
	}
	return false
}

// growsPastLen reports whether the callee of call may append to the
// argument at position i beyond its length, writing into its spare
// capacity. For a function of this package, it looks at the body: an
// append onto the parameter itself or onto a value that keeps its end (p,
// p[i:], append(p, ...), a local holding one), or a call passing such a
// value on to a callee that does. An append onto a truncation (p[:0],
// p[:k]: the in-place filter idiom, which appends no more than it reads)
// does not count. For other callees, the summary's Appends bit decides.
func (c *aliasCheck) growsPastLen(call *ast.CallExpr, i int, depth int) bool {
	return c.growsPastLenIn(nil, nil, call, i, depth)
}

// growsPastLenIn is growsPastLen for a call made in function caller (nil
// for the function being checked), whose parameters in nilParams are nil
// on entry and never reassigned: an append(p, q...) in the callee with q
// bound to a nil argument writes nothing (go-crypto's Encrypt(w, to, nil,
// ...) appends toHidden, nil at the call, onto to).
func (c *aliasCheck) growsPastLenIn(caller *flow.Func, nilParams map[*types.Var]bool, call *ast.CallExpr, i int, depth int) bool {
	info := c.pass.Info
	fn := rule.Callee(info, call)
	if fn == nil {
		return false
	}
	p := astx.ParamIndex(info, call, i)
	g, pv := c.declOf(fn), (*types.Var)(nil)
	if g != nil {
		pv = paramVar(info, g.Decl, p)
	}
	if g == nil || pv == nil || depth > 3 {
		s, ok := c.sums.Call(call)
		return ok && s.Appends.Has(p)
	}
	nils := c.nilArgs(caller, nilParams, call, g)
	grows := false
	ast.Inspect(g.Decl.Body, func(n ast.Node) bool {
		if grows {
			return false
		}
		inner, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if flow.IsBuiltin(info, inner, "append") {
			if len(inner.Args) > 0 && keepsEnd(g, inner.Args[0], pv, 0) && !appendsNil(g, nils, inner) {
				grows = true
			}
			return true
		}
		if tv, ok := info.Types[inner.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
			return true
		}
		for k, a := range inner.Args {
			if keepsEnd(g, a, pv, 0) && c.growsPastLenIn(g, nils, inner, k, depth+1) {
				grows = true
			}
		}
		return true
	})
	return grows
}

// appendsNil reports whether an append call in g is append(x, q...) with
// q a parameter that is nil on entry and never reassigned: it writes
// nothing.
func appendsNil(g *flow.Func, nils map[*types.Var]bool, call *ast.CallExpr) bool {
	if !call.Ellipsis.IsValid() || len(call.Args) != 2 {
		return false
	}
	id, ok := ast.Unparen(call.Args[1]).(*ast.Ident)
	if !ok {
		return false
	}
	v := g.VarOf(id)
	return v != nil && nils[v]
}

// nilArgs returns the parameters of callee g that call binds to nil: a nil
// literal, or a parameter of caller that is itself nil on entry. Only
// parameters g never reassigns nor takes the address of count.
func (c *aliasCheck) nilArgs(caller *flow.Func, callerNils map[*types.Var]bool, call *ast.CallExpr, g *flow.Func) map[*types.Var]bool {
	info := c.pass.Info
	sig, ok := info.TypeOf(call.Fun).Underlying().(*types.Signature)
	if !ok {
		return nil
	}
	var nils map[*types.Var]bool
	for k, a := range call.Args {
		if sig.Variadic() && k >= sig.Params().Len()-1 && !call.Ellipsis.IsValid() {
			break
		}
		isNil := false
		if tv, ok := info.Types[a]; ok && tv.IsNil() {
			isNil = true
		} else if id, ok := ast.Unparen(a).(*ast.Ident); ok && caller != nil {
			if v := caller.VarOf(id); v != nil && callerNils[v] {
				isNil = true
			}
		}
		if !isNil {
			continue
		}
		pv := paramVar(info, g.Decl, astx.ParamIndex(info, call, k))
		if pv == nil || !untouched(g, pv) {
			continue
		}
		if nils == nil {
			nils = map[*types.Var]bool{}
		}
		nils[pv] = true
	}
	return nils
}

// untouched reports whether parameter v of g is never assigned nor has its
// address taken, so it holds its argument throughout.
func untouched(g *flow.Func, v *types.Var) bool {
	if len(g.Defs(v)) > 0 {
		return false
	}
	ok := true
	ast.Inspect(g.Decl.Body, func(n ast.Node) bool {
		if u, isU := n.(*ast.UnaryExpr); isU && u.Op == token.AND {
			if r := flow.Root(u.X); r != nil && g.VarOf(r) == v {
				ok = false
			}
		}
		return ok
	})
	return ok
}

// keepsEnd reports whether e, in function g, is parameter pv or a value
// that ends where pv ends (so appending to it writes past pv's length).
func keepsEnd(g *flow.Func, e ast.Expr, pv *types.Var, depth int) bool {
	if depth > 8 {
		return false
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		v := g.VarOf(x)
		if v == nil {
			return false
		}
		def, ok := g.Reaching(v, x.Pos())
		if !ok {
			return v == pv
		}
		if def.RHS == nil || def.Tuple {
			return false
		}
		return keepsEnd(g, def.RHS, pv, depth+1)
	case *ast.SliceExpr:
		if x.Slice3 || x.High != nil {
			return false
		}
		return keepsEnd(g, x.X, pv, depth+1)
	case *ast.CallExpr:
		if flow.IsBuiltin(g.Info, x, "append") && len(x.Args) > 0 {
			return keepsEnd(g, x.Args[0], pv, depth+1)
		}
	}
	return false
}

// declOf returns the flow facts of fn's declaration in this package.
func (c *aliasCheck) declOf(fn *types.Func) *flow.Func {
	fn = fn.Origin()
	if fn.Pkg() != c.pass.Pkg {
		return nil
	}
	for _, g := range c.funcs {
		if c.pass.Info.Defs[g.Decl.Name] == fn {
			return g
		}
	}
	return nil
}

// paramVar returns the variable of parameter i of a function declaration.
func paramVar(info *types.Info, fd *ast.FuncDecl, i int) *types.Var {
	k := 0
	for _, fld := range fd.Type.Params.List {
		if len(fld.Names) == 0 {
			k++
			continue
		}
		for _, n := range fld.Names {
			if k == i {
				v, _ := info.Defs[n].(*types.Var)
				return v
			}
			k++
		}
	}
	return nil
}

// readLoopBuffer reports whether se cuts a local read buffer that the loop
// around stmt reads into again (hookah's app.ch <- buffer[:n] after
// conn.Read(buffer), geth's ReadFromUDP(buf)): the owner's next read
// overwrites what was handed off, which transient-retain reports, and
// capping it as x[i:j:j] would not fix it.
func (c *aliasCheck) readLoopBuffer(se *ast.SliceExpr, stmt ast.Node) bool {
	info := c.pass.Info
	v := c.baseVar(se)
	if v == nil || flow.IsPackageLevel(v) || c.fn.IsParam(v) {
		return false
	}
	if _, bare := ast.Unparen(se.X).(*ast.Ident); !bare {
		return false
	}
	loop := c.fn.InnermostLoop(stmt)
	if loop == nil || !flow.DeclaredOutside(v, loop) {
		return false
	}
	found := false
	ast.Inspect(loop, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		fn := rule.Callee(info, call)
		var into []int
		if knowledge.IsReadIntoMethod(fn) {
			into = append(into, 0)
		}
		if facts, ok := knowledge.Lookup(fn); ok {
			into = append(into, facts.ReadsInto...)
		}
		for _, i := range into {
			if i < 0 || i >= len(call.Args) {
				continue
			}
			if id, ok := ast.Unparen(call.Args[i]).(*ast.Ident); ok && info.Uses[id] == v {
				found = true
			}
		}
		return true
	})
	return found
}

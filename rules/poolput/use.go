// pool-put sub-check 1: use after Put.

package poolput

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// escapeTiming says when an escape is evaluated relative to the Put.
type escapeTiming int

const (
	notOnPath   escapeTiming = iota
	beforePut                // evaluated before the object goes back: a copy there is in time
	afterPutUse              // evaluated after a non-deferred Put: too late to copy
)

// checkUse reports memory of the pooled object that outlives the Put
// (sub-check 1): returned, stored, sent, retained by a call, handed to a
// goroutine, or read after a non-deferred Put.
func (c *poolCheck) checkUse(s *putSite) {
	if s.root == nil || s.unit == nil {
		return
	}
	inspectUnit(s.unit, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ReturnStmt:
			if !c.returnAfter(s, n) {
				return true
			}
			timing := beforePut
			if !s.deferred {
				timing = afterPutUse
			}
			for _, r := range n.Results {
				c.escapes(s, r, timing, "returned", "return")
			}
			if len(n.Results) == 0 {
				c.bareReturn(s, n)
			}
		case *ast.AssignStmt:
			if (n.Tok != token.ASSIGN && n.Tok != token.DEFINE) || len(n.Lhs) != len(n.Rhs) {
				return true
			}
			timing := c.timing(s, n)
			for i, lhs := range n.Lhs {
				if timing == beforePut && (c.storeKilled(s, lhs) || c.restoredByLaterDefer(s, n, lhs)) {
					continue // the holder is cleared or reassigned before the Put
				}
				if timing != notOnPath && c.isSink(s, lhs) {
					c.escapes(s, n.Rhs[i], timing, "stored in "+rule.ExprText(c.pass.Fset, lhs), "store")
				}
			}
		case *ast.SendStmt:
			timing := c.timing(s, n)
			if timing == beforePut && c.synchronizedAfter(s, n) {
				timing = notOnPath // the receiver is waited for before the Put
			}
			if timing != notOnPath {
				c.escapes(s, n.Value, timing, "sent on a channel", "send")
			}
		case *ast.GoStmt:
			timing := c.timing(s, n)
			if timing == beforePut && c.synchronizedAfter(s, n) {
				timing = notOnPath
			}
			if timing == notOnPath {
				return true
			}
			for _, a := range n.Call.Args {
				c.escapes(s, a, timing, "handed to a goroutine", "pass")
			}
			if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
				c.captures(s, lit, timing)
			}
		case *ast.CallExpr:
			c.retainingCall(s, n)
		}
		return true
	})
	if !s.deferred {
		c.usesAfterPut(s)
	}
}

// returnAfter reports whether return statement n can run after the Put
// of s (a deferred Put: after the defer statement).
func (c *poolCheck) returnAfter(s *putSite, n *ast.ReturnStmt) bool {
	if !s.deferred {
		if after, known := c.afterPut(s, c.stmtInstr(s, n)); known {
			return after
		}
	}
	return c.flowsTo(s.anchor, n)
}

// timing places a statement relative to the Put of s. After a
// non-deferred Put, SSA decides when it can: calls that never return end
// a path, and a loop's next iteration follows the Put.
func (c *poolCheck) timing(s *putSite, n ast.Node) escapeTiming {
	if !s.deferred && !c.flowsTo(n, s.anchor) {
		if after, known := c.afterPut(s, c.stmtInstr(s, n)); known {
			if after {
				return afterPutUse
			}
			return notOnPath
		}
	}
	switch {
	case c.flowsTo(n, s.anchor):
		return beforePut
	case c.flowsTo(s.anchor, n):
		if s.deferred {
			return beforePut // a deferred Put runs at exit, after n
		}
		return afterPutUse
	}
	return notOnPath
}

// synchronizedAfter reports whether the function may wait for the
// goroutine it starts (or the receiver it sends to) at g before the Put
// happens: a Wait call, a channel receive or a select between them.
func (c *poolCheck) synchronizedAfter(s *putSite, g ast.Stmt) bool {
	end := funcBody(s.unit).End()
	if !s.deferred && s.anchor.Pos() > g.End() {
		end = s.anchor.Pos()
	}
	found := false
	inspectUnit(s.unit, func(n ast.Node) bool {
		if found || n.Pos() < g.End() || n.Pos() >= end {
			return !found
		}
		switch n := n.(type) {
		case *ast.SelectStmt:
			found = true
		case *ast.UnaryExpr:
			found = n.Op == token.ARROW
		case *ast.CallExpr:
			if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && sel.Sel.Name == knowledge.WaitMethod {
				found = true
			}
		}
		return !found
	})
	return found
}

// escapes reports the parts of e that are memory of the pooled object.
func (c *poolCheck) escapes(s *putSite, e ast.Expr, timing escapeTiming, how, verb string) {
	for _, leaf := range flow.Stored(c.pass.Info, e) {
		if timing == afterPutUse && !c.liveAfterPut(s, c.valueOf(leaf), c.instrOf(leaf)) {
			continue // reassigned between the Put and here
		}
		if c.aliases(s, leaf, 0) {
			c.reportEscape(s, leaf, timing, how, verb)
		}
	}
}

func (c *poolCheck) reportEscape(s *putSite, leaf ast.Expr, timing escapeTiming, how, verb string) {
	if fixed, seen := c.reported[leaf]; seen {
		if !fixed {
			s.unfixedUse = true
		}
		return
	}
	var fix *rule.Fix
	if timing == beforePut && flow.IsSliceType(c.pass.Info.TypeOf(leaf)) {
		fix = rule.CloneFix(c.pass, leaf)
	}
	c.reported[leaf] = fix != nil
	if fix == nil {
		s.unfixedUse = true
	}
	text := rule.ExprText(c.pass.Fset, leaf)
	var msg string
	if timing == afterPutUse {
		msg = fmt.Sprintf("%s is %s after %s gave %s back to the pool: another goroutine may already be reusing that memory; copy it before the Put",
			text, how, c.putText(s), s.objText)
	} else {
		when := ""
		if s.deferred {
			when = " when the function returns"
		}
		msg = fmt.Sprintf("%s is %s, but %s gives %s back to the pool%s: the pool's next user overwrites that memory; %s a copy",
			text, how, c.deferredText(s), s.objText, when, verb)
	}
	d := rule.Diagnostic{Check: useAfterPut, Pos: leaf.Pos(), End: leaf.End(), Message: msg, Fix: fix}
	d.Related = c.evidenceWith(s, d, how, leaf)
	c.report(s, d)
}

func (c *poolCheck) deferredText(s *putSite) string {
	if s.deferred {
		return "the deferred " + c.putText(s)
	}
	return c.putText(s)
}

// bareReturn reports named results that hold memory of the pooled object
// at a bare return after a deferred Put (no fix: the copy would have to be
// made where the result is assigned).
func (c *poolCheck) bareReturn(s *putSite, ret *ast.ReturnStmt) {
	ft := funcType(s.unit)
	if ft == nil || ft.Results == nil {
		return
	}
	for _, fld := range ft.Results.List {
		for _, name := range fld.Names {
			v, ok := c.pass.Info.Defs[name].(*types.Var)
			if !ok || !mayReference(v.Type()) {
				continue
			}
			if !c.varAliases(s, v, ret.Pos(), 0) || c.reported[ret] {
				continue
			}
			c.reported[ret] = false
			s.unfixedUse = true
			timing := "returned"
			if !s.deferred {
				timing = "returned after the Put"
			}
			c.report(s, rule.Diagnostic{Check: useAfterPut, Pos: ret.Pos(), End: ret.End(), Message: fmt.Sprintf(
				"result %s holds memory of %s and is %s, but %s gives %s back to the pool: the pool's next user overwrites it; assign a copy to %s",
				name.Name, s.objText, timing, c.deferredText(s), s.objText, name.Name)})
		}
	}
}

// captures reports pooled memory captured by a goroutine's function literal.
func (c *poolCheck) captures(s *putSite, lit *ast.FuncLit, timing escapeTiming) {
	for _, id := range sortedCaptures(s.fn.CapturedVars(lit)) {
		v := s.fn.VarOf(id)
		if v == nil {
			continue
		}
		pooled := c.varAliases(s, v, lit.Pos(), 0)
		if !pooled || c.reported[id] {
			continue
		}
		c.reported[id] = false
		s.unfixedUse = true
		msg := fmt.Sprintf("%s is captured by a goroutine that may run after %s gives %s back to the pool: the pool's next user overwrites that memory; pass the goroutine a copy",
			id.Name, c.deferredText(s), s.objText)
		if timing == afterPutUse {
			msg = fmt.Sprintf("%s is captured by a goroutine started after %s gave %s back to the pool: another goroutine may already be reusing that memory; copy it before the Put",
				id.Name, c.putText(s), s.objText)
		}
		c.report(s, rule.Diagnostic{Check: useAfterPut, Pos: id.Pos(), End: id.End(), Message: msg})
	}
}

func sortedCaptures(m map[*types.Var]*ast.Ident) []*ast.Ident {
	var out []*ast.Ident
	for _, id := range m {
		out = append(out, id)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Pos() < out[j-1].Pos(); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// retainingCall reports pooled memory passed to a call that keeps its
// argument (sync.Map.Store, a cache of the module...).
func (c *poolCheck) retainingCall(s *putSite, call *ast.CallExpr) {
	sum, ok := c.sums.Call(call)
	if !ok || sum.Retains == 0 {
		return
	}
	timing := c.timing(s, call)
	if timing == notOnPath {
		return
	}
	how := "kept by " + rule.ExprText(c.pass.Fset, call.Fun)
	var holder ast.Expr
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if ps := c.pass.Info.Selections[sel]; ps != nil && ps.Kind() == types.MethodVal {
			holder = sel.X
		}
	}
	held := holder != nil && c.heldByPooled(s, holder)
	// io.Reader's Read (and ReadAt) and io.Writer's Write: "Implementations
	// must not retain p". A summary of the code that says otherwise is
	// path-insensitive (a view stored on one path and reset before
	// returning); the contract is the better evidence.
	callee := rule.Callee(c.pass.Info, call)
	ioContract := knowledge.IsReadMethod(callee) || knowledge.IsWriteMethod(callee)
	sum.Retains.Each(func(i int) {
		if held && i >= 0 {
			return // kept by a part of the pooled object: it goes back with it
		}
		if ioContract && i == 0 {
			return
		}
		if c.keptOnlyByLocalHolder(s, call, holder, i) {
			return // kept in a local object that is gone when the Put happens
		}
		for _, a := range c.sums.Arg(call, i) {
			c.escapes(s, a, timing, how, "pass")
		}
	})
}

// isSink reports whether storing into lhs keeps the value beyond the
// function: package-level variables, variables a function literal captures,
// memory reached through a parameter or receiver.
func (c *poolCheck) isSink(s *putSite, lhs ast.Expr) bool {
	root := flow.Root(lhs)
	if root == nil || root.Name == "_" {
		return false
	}
	v := s.fn.VarOf(root)
	if v == nil || v == s.root {
		return false // the pooled object storing into itself
	}
	// x.f = ... with x the pooled object (or a view of it). A variable
	// assigned whole is not looked up: its value there is the new one.
	if ast.Unparen(lhs) != root && c.aliases(s, root, 0) {
		return false
	}
	if flow.IsPackageLevel(v) {
		return true
	}
	if lit, ok := s.unit.(*ast.FuncLit); ok && !(lit.Pos() <= v.Pos() && v.Pos() < lit.End()) {
		return true
	}
	return s.fn.IsParam(v) && !s.fn.IsResult(v) && flow.Indirect(c.pass.Info, lhs)
}

// usesAfterPut reports the first read of the pooled object (or of memory
// aliasing it) after a non-deferred Put. With SSA, "after" is a path of
// the control-flow graph from the Put that passes no never-returning call
// (a use earlier in a loop body is after the Put of the previous
// iteration), and the value used must still be the put object there (not
// reassigned, not merged only from paths that skip the Put).
func (c *poolCheck) usesAfterPut(s *putSite) {
	info := c.pass.Info
	var found ast.Expr
	ast.Inspect(funcBody(s.unit), func(n ast.Node) bool {
		if found != nil {
			return false
		}
		e, ok := n.(ast.Expr)
		if !ok {
			return true
		}
		in := c.exprInstr(e)
		after, known := c.afterPut(s, in)
		if known && !after || !known && e.Pos() < s.anchor.End() {
			return true
		}
		use := c.isPooled(s, e)
		if !use {
			if id, ok := e.(*ast.Ident); ok {
				if v := s.fn.VarOf(id); v != nil && v != s.root && !flow.IsPackageLevel(v) && info.Uses[id] == v {
					use = c.aliases(s, id, 0)
				}
			}
		}
		if use && known && !c.liveAfterPut(s, c.valueOf(e), in) {
			return false
		}
		if !use || !known && !c.flowsTo(s.anchor, e) || c.harmlessUse(s, e) {
			return !use
		}
		found = e
		return false
	})
	if found == nil {
		return
	}
	s.unfixedUse = true
	c.report(s, rule.Diagnostic{Check: useAfterPut, Pos: found.Pos(), End: found.End(), Message: fmt.Sprintf(
		"%s is used after %s gave %s back to the pool: another goroutine may already own that memory",
		rule.ExprText(c.pass.Fset, found), c.putText(s), s.objText)})
}

// harmlessUse: uses after Put that do not touch the pooled memory or are
// reported elsewhere: rebinding the variable, comparing it with nil (or
// testify's Nil/NotNil),
// len/cap of a local slice header, another Put, an escape already reported.
func (c *poolCheck) harmlessUse(s *putSite, e ast.Expr) bool {
	info := c.pass.Info
	par := c.parent[e]
	for {
		if p, ok := par.(*ast.ParenExpr); ok {
			par = c.parent[p]
			continue
		}
		break
	}
	switch p := par.(type) {
	case *ast.AssignStmt:
		for _, l := range p.Lhs {
			if ast.Unparen(l) == e {
				return true
			}
		}
	case *ast.BinaryExpr:
		if p.Op == token.EQL || p.Op == token.NEQ {
			other := p.X
			if ast.Unparen(p.X) == e {
				other = p.Y
			}
			if id, ok := ast.Unparen(other).(*ast.Ident); ok && id.Name == "nil" && info.Uses[id] == types.Universe.Lookup("nil") {
				return true
			}
		}
	case *ast.CallExpr:
		if _, isIdent := e.(*ast.Ident); isIdent && flow.IsSliceType(info.TypeOf(e)) &&
			(flow.IsBuiltin(info, p, "len") || flow.IsBuiltin(info, p, "cap")) {
			return true
		}
		if p.Fun != e && isTestifyNilCheck(info, p) {
			return true // assert.NotNil(t, p): tests the pointer only
		}
	}
	for n := ast.Node(e); n != nil; n = c.parent[n] {
		if fixed, ok := c.reported[n]; ok {
			_ = fixed
			return true
		}
		if call, ok := n.(*ast.CallExpr); ok {
			for _, o := range c.sites {
				if o.call == call {
					return true
				}
			}
		}
		if _, ok := n.(ast.Stmt); ok {
			break
		}
	}
	return false
}

// restoredByLaterDefer reports whether the store into lhs made by stmt is
// undone before a deferred Put runs: a defer registered after the Put's
// defer (defers run last-in first-out) and right after the store (no
// return in between) whose function assigns lhs again, unconditionally
// (origWriter := mw.w; mw.w = buf; defer func() { mw.w = origWriter }()).
func (c *poolCheck) restoredByLaterDefer(s *putSite, stmt ast.Stmt, lhs ast.Expr) bool {
	if !s.deferred || s.unit == nil {
		return false
	}
	list := flow.StmtList(c.parent[stmt])
	at := -1
	for i, st := range list {
		if st == stmt {
			at = i
		}
	}
	if at < 0 {
		return false
	}
	for _, st := range list[at+1:] {
		ds, ok := st.(*ast.DeferStmt)
		if !ok {
			if containsExit(st) {
				return false // a return before the restoring defer is registered
			}
			continue
		}
		if !c.flowsTo(s.anchor, ds) {
			continue // registered before the Put's defer: it runs after it
		}
		lit, ok := ast.Unparen(ds.Call.Fun).(*ast.FuncLit)
		if !ok || len(ds.Call.Args) != 0 {
			continue
		}
		for _, bs := range lit.Body.List {
			as, ok := bs.(*ast.AssignStmt)
			if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != len(as.Rhs) {
				continue
			}
			for i, l := range as.Lhs {
				if astx.SameLocation(c.pass.Info, l, lhs) && !c.aliases(s, as.Rhs[i], 0) {
					return true
				}
			}
		}
	}
	return false
}

// containsExit reports whether statement st may leave the function: a
// return, or a call of panic.
func containsExit(st ast.Stmt) bool {
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			found = true
		case *ast.CallExpr:
			if id, ok := ast.Unparen(n.Fun).(*ast.Ident); ok && id.Name == "panic" {
				found = true
			}
		}
		return !found
	})
	return found
}

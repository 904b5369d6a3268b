package zerosecret

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"

	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// Evidence chains: where the secret comes from, where it is last written
// or used, and where its bytes are left behind unzeroed.

// keyEvidence is the chain of an owned key: its creation (and, for a
// buffer, the read that fills it), its last use, and the exit that drops
// it.
func (c *secretCheck) keyEvidence(kc *keyCandidate, uses []*ast.Ident) []rule.Related {
	name := kc.v.Name()
	var out []rule.Related
	if defs := c.fn.Defs(kc.v); len(defs) == 1 && defs[0].RHS != nil {
		rhs := ast.Unparen(defs[0].RHS)
		note := fmt.Sprintf("%s is allocated here", name)
		if call, ok := rhs.(*ast.CallExpr); ok {
			fun := rule.ExprText(c.pass.Fset, call.Fun)
			switch {
			case kc.secret:
				note = fmt.Sprintf("%s is derived here (%s)", name, fun)
			case flow.IsBuiltin(c.pass.Info, call, "make"):
			case flow.IsBuiltin(c.pass.Info, call, "append"):
				note = fmt.Sprintf("%s is a copy made here", name)
			default:
				if tv, ok := c.pass.Info.Types[call.Fun]; ok && tv.IsType() {
					note = fmt.Sprintf("%s is a copy of a string made here", name)
				} else {
					note = fmt.Sprintf("%s is a fresh buffer returned by %s here", name, fun)
				}
			}
		}
		out = append(out, rule.Related{Pos: rhs.Pos(), End: rhs.End(), Message: note})
	}
	sorted := append([]*ast.Ident(nil), uses...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Pos() < sorted[j].Pos() })
	if kc.fill {
		for _, u := range sorted {
			if c.fills(u) {
				out = append(out, rule.Related{Pos: u.Pos(), End: u.End(), Message: fmt.Sprintf("secret bytes are written into %s here", name)})
				break
			}
		}
	}
	var last ast.Node = kc.id
	if len(sorted) > 0 {
		last = sorted[len(sorted)-1]
		out = append(out, rule.Related{Pos: last.Pos(), End: last.End(), Message: fmt.Sprintf("%s is last used here", name)})
	}
	if pos, end, note := c.exitAfter(last); pos.IsValid() {
		out = append(out, rule.Related{Pos: pos, End: end, Message: fmt.Sprintf("%s is dropped unzeroed when the function %s", name, note)})
	}
	return out
}

// exitAfter returns where the function leaves after node n: the return
// statement holding n or the first one after it (outside function
// literals), else the closing brace of the function.
func (c *secretCheck) exitAfter(n ast.Node) (token.Pos, token.Pos, string) {
	var ret *ast.ReturnStmt
	ast.Inspect(c.fn.Decl.Body, func(x ast.Node) bool {
		if ret != nil {
			return false
		}
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if x.End() > n.Pos() {
				ret = x
			}
		}
		return true
	})
	if ret != nil {
		return ret.Pos(), ret.Pos() + token.Pos(len("return")), "returns here"
	}
	rb := c.fn.Decl.Body.Rbrace
	return rb, rb + 1, "ends here"
}

// dropEvidence is the chain of a dropped secret buffer: where its storage
// comes from (a local's allocation, or the declaration of a field or
// variable named as a secret), the last write of secret bytes into it
// before the drop, and the drop itself.
func (c *secretCheck) dropEvidence(stmt ast.Stmt, x ast.Expr, how string) []rule.Related {
	text := c.text(x)
	var out []rule.Related
	base, deref := ast.Unparen(x), false
	if st, ok := base.(*ast.StarExpr); ok {
		base, deref = ast.Unparen(st.X), true // Put(p) of a *[]byte p: the slice *p
	}
	switch e := base.(type) {
	case *ast.Ident:
		v := c.fn.VarOf(e)
		if v == nil {
			break
		}
		if flow.IsPackageLevel(v) {
			out = append(out, c.declStep(v, "a package-level variable"))
			break
		}
		var src *flow.Origin
		for _, o := range c.fn.Origins(e, c.sums.Views) {
			if o.Node == nil || o.Node.Pos() >= stmt.Pos() {
				continue
			}
			switch o.Kind {
			case flow.OriginMake, flow.OriginCall:
			case flow.OriginFresh:
				if _, isIdent := o.Node.(*ast.Ident); isIdent {
					continue
				}
			default:
				continue
			}
			if src == nil || o.Node.Pos() < src.Node.Pos() {
				src = &o
			}
		}
		if src == nil {
			// A pooled *[]byte: the Get (through its type assertion).
			for _, d := range c.fn.Defs(v) {
				if d.RHS == nil || d.End >= stmt.Pos() {
					continue
				}
				rhs := ast.Unparen(d.RHS)
				if ta, ok := rhs.(*ast.TypeAssertExpr); ok {
					rhs = ast.Unparen(ta.X)
				}
				if call, ok := rhs.(*ast.CallExpr); ok {
					src = &flow.Origin{Kind: flow.OriginCall, Node: call}
				}
			}
		}
		if src != nil {
			note := fmt.Sprintf("%s's buffer is allocated here", e.Name)
			if call, ok := src.Node.(*ast.CallExpr); ok && src.Kind == flow.OriginCall {
				note = fmt.Sprintf("%s comes from %s here", e.Name, rule.ExprText(c.pass.Fset, call.Fun))
			}
			out = append(out, rule.Related{Pos: src.Node.Pos(), End: src.Node.End(), Message: note})
		}
		if w := c.lastWriteBefore(v, stmt, deref); w != nil {
			out = append(out, rule.Related{Pos: w.Pos(), End: w.End(), Message: fmt.Sprintf("secret bytes are written into %s here", text)})
		}
	case *ast.SelectorExpr:
		if sel, ok := c.pass.Info.Selections[e]; ok {
			if v, ok := sel.Obj().(*types.Var); ok {
				out = append(out, c.declStep(v, "a field"))
			}
		}
	}
	out = append(out, rule.Related{Pos: stmt.Pos(), End: stmt.End(), Message: fmt.Sprintf("%s is %s here, and its bytes are not zeroed", text, how)})
	return out
}

// declStep points at the declaration of a variable or field whose name
// marks it as a secret.
func (c *secretCheck) declStep(v *types.Var, what string) rule.Related {
	return rule.Related{Pos: v.Pos(), End: v.Pos() + token.Pos(len(v.Name())), Message: fmt.Sprintf("%s is %s whose name marks it as a secret", v.Name(), what)}
}

// lastWriteBefore returns the last use of local v before stmt (before the
// function's end for a deferred call, which runs there) that writes into
// its buffer (into *v when deref): a read or copy into it, an element
// store, or the append whose result is stored back into it.
func (c *secretCheck) lastWriteBefore(v *types.Var, stmt ast.Stmt, deref bool) ast.Node {
	limit := stmt.Pos()
	if _, ok := stmt.(*ast.DeferStmt); ok {
		limit = c.fn.Decl.Body.Rbrace
	}
	var last ast.Node
	for _, u := range c.fn.Uses(v) {
		if u.Pos() >= limit || (last != nil && u.Pos() < last.Pos()) {
			continue
		}
		var target ast.Node = u // the location written: v, or *v
		if deref {
			p := c.parents[u]
			for {
				if pe, ok := p.(*ast.ParenExpr); ok {
					p = c.parents[pe]
					continue
				}
				break
			}
			st, ok := p.(*ast.StarExpr)
			if !ok {
				continue
			}
			target = st
		} else if c.fills(u) {
			last = u
			continue
		}
		// target = append(target, ...): the stored result holds the bytes.
		as, ok := c.parents[target].(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			continue
		}
		for i, l := range as.Lhs {
			if l != target {
				continue
			}
			if call, ok := ast.Unparen(as.Rhs[i]).(*ast.CallExpr); ok && flow.IsBuiltin(c.pass.Info, call, "append") && len(call.Args) >= 2 {
				last = call
			}
		}
	}
	return last
}

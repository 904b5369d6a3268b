package aliasappend

// alias-append, shared bases: one base appended to once per iteration with
// each result kept, and methods returning append(recv, ...).

import (
	"fmt"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// checkLoopBase: r := append(base, v) in a loop with a loop-invariant
// base, each result kept separately.
func (c *aliasCheck) checkLoopBase(call *ast.CallExpr) {
	info := c.pass.Info
	if len(call.Args) < 2 || astx.InFuncLit(c.fn.Decl.Body, call) {
		return
	}
	loop := c.fn.InnermostLoop(call)
	if loop == nil {
		return
	}
	base := ast.Unparen(call.Args[0])
	if se, ok := base.(*ast.SliceExpr); ok && se.Slice3 {
		return
	}
	if flow.IsFresh(info, base) || !flow.IsSliceType(info.TypeOf(base)) || !c.invariantBase(base, loop) {
		return
	}
	c.keptAt = nil
	if !c.kept(call, loop, 0) {
		return
	}
	keptAt := c.keptAt
	if !builtinAt(c.pass, "len", call.Pos()) {
		return
	}
	name := c.text(base)
	fixed := fmt.Sprintf("%s[:len(%s):len(%s)]", name, name, name)
	related := []rule.Related{
		varStep(c.fn.VarOf(flow.Root(base)), "%s is declared here, outside the loop, which never reassigns %s", flow.Root(base).Name, name),
		c.step(call, "each iteration appends to %s here, into the same spare capacity", name),
	}
	if keptAt != nil {
		related = append(related, c.step(keptAt, "the result is kept here, apart from the other iterations' results"))
	}
	related = append(related, rule.Related{Pos: loop.Pos(), End: loop.Pos() + token.Pos(len("for")), Message: "the next iteration's append overwrites the last elements of the result kept before"})
	c.reportFix(sharedBase, call, fmt.Sprintf("%s is appended to in a loop and each result is kept: the results share the spare capacity of %s, so each append overwrites the previous results' last elements; use append(%s, ...)",
		name, name, fixed), c.capBaseFix(base, fixed), related)
}

// capBaseFix replaces base by base[:len(base):len(base)].
func (c *aliasCheck) capBaseFix(base ast.Expr, fixed string) *rule.Fix {
	return &rule.Fix{Message: "use " + fixed, Edit: func(fc *rule.FixContext) error {
		return fc.Replace(base, func(old dst.Node) dst.Node {
			x := old.(dst.Expr)
			lenOf := func() dst.Expr {
				return &dst.CallExpr{Fun: dst.NewIdent("len"), Args: []dst.Expr{cleanClone(x)}}
			}
			return &dst.SliceExpr{X: x, High: lenOf(), Max: lenOf(), Slice3: true}
		})
	}}
}

// invariantBase reports whether base is a variable or field path whose root
// is declared outside loop, that the loop never reassigns, and that does
// not come from a composite literal (whose capacity equals its length).
func (c *aliasCheck) invariantBase(base ast.Expr, loop ast.Node) bool {
	info := c.pass.Info
	for e := base; e != nil; {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			e = nil
		case *ast.SelectorExpr:
			if sel, ok := info.Selections[x]; !ok || sel.Kind() != types.FieldVal {
				return false
			}
			e = x.X
		default:
			return false
		}
	}
	root := flow.Root(base)
	v := c.fn.VarOf(root)
	if v == nil || !flow.DeclaredOutside(v, loop) {
		return false
	}
	for _, d := range c.fn.Defs(v) {
		if flow.Within(d.Stmt, loop) {
			return false
		}
	}
	_, bare := ast.Unparen(base).(*ast.Ident)
	ok := true
	ast.Inspect(loop, func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				if r := flow.Root(n.X); r != nil && c.fn.VarOf(r) == v {
					ok = false
				}
			}
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if r := flow.Root(l); r != nil && c.fn.VarOf(r) == v {
					if astx.IsOrFieldOf(info, base, l) {
						ok = false
					}
				}
			}
		case *ast.Ident:
			if !bare && info.Uses[n] == v {
				// A field path: the root may only be used to read fields
				// in the loop (a method call or a call taking the root
				// could reassign the base).
				sel, isSel := c.parents[n].(*ast.SelectorExpr)
				if !isSel || sel.X != n || info.Selections[sel] == nil || info.Selections[sel].Kind() != types.FieldVal {
					ok = false
				}
			}
		}
		return ok
	})
	if !ok {
		return false
	}
	if bare {
		defs := c.fn.Defs(v)
		lits := len(defs) > 0
		for _, d := range defs {
			if _, isLit := ast.Unparen(orNil(d.RHS)).(*ast.CompositeLit); !isLit || d.Tuple {
				lits = false
			}
		}
		if lits {
			return false
		}
	}
	return true
}

// orNil returns e, or a placeholder expression for a missing one.
func orNil(e ast.Expr) ast.Expr {
	if e == nil {
		return &ast.BadExpr{}
	}
	return e
}

// kept reports whether the value of e, computed in an iteration of loop, is
// kept separately from the values of other iterations: it becomes an
// element of a slice or map that outlives the iteration, is sent, handed
// to a goroutine or a retaining callee, or is held by a variable of the
// iteration that is.
func (c *aliasCheck) kept(e ast.Expr, loop ast.Node, depth int) bool {
	if depth > 3 {
		return false
	}
	info := c.pass.Info
	var n ast.Node = e
	wrapped := false // e became an element of a larger value
	for {
		p := c.parents[n]
		switch x := p.(type) {
		case *ast.ParenExpr:
			n = x
			continue
		case *ast.KeyValueExpr:
			if x.Value == n {
				n = x
				continue
			}
			return false
		case *ast.CompositeLit:
			n, wrapped = x, true
			continue
		case *ast.UnaryExpr:
			if x.Op == token.AND {
				n = x
				continue
			}
			return false
		case *ast.CallExpr:
			if flow.IsBuiltin(info, x, "append") {
				i := astx.ArgPosition(x, n)
				if i <= 0 || (x.Ellipsis.IsValid() && i == len(x.Args)-1) {
					return false // the base, or spread (copied)
				}
				n, wrapped = x, true
				continue
			}
			if i := astx.ArgPosition(x, n); i >= 0 {
				if _, isGo := c.parents[x].(*ast.GoStmt); isGo {
					c.keptAt = x
					return true
				}
				if s, ok := c.sums.Call(x); ok && (s.Retains | s.Sends).Has(astx.ParamIndex(info, x, i)) {
					c.keptAt = x
					return true
				}
			}
			return false
		case *ast.SendStmt:
			if x.Value == n {
				c.keptAt = x
			}
			return x.Value == n
		case *ast.AssignStmt:
			i := -1
			for k, r := range x.Rhs {
				if r == n {
					i = k
				}
			}
			if i < 0 || len(x.Lhs) != len(x.Rhs) {
				return false
			}
			return c.keptIn(x.Lhs[i], loop, wrapped, depth)
		case *ast.ValueSpec:
			for k, v := range x.Values {
				if v == n && len(x.Names) == len(x.Values) {
					return c.keptIn(x.Names[k], loop, wrapped, depth)
				}
			}
			return false
		default:
			return false
		}
	}
}

// keptIn reports whether storing a value of an iteration into lhs keeps it
// apart from the other iterations' values.
func (c *aliasCheck) keptIn(lhs ast.Expr, loop ast.Node, wrapped bool, depth int) bool {
	root := flow.Root(lhs)
	if root == nil || root.Name == "_" {
		return false
	}
	v := c.fn.VarOf(root)
	if v == nil {
		return false
	}
	switch x := ast.Unparen(lhs).(type) {
	case *ast.Ident:
		if flow.Within(&ast.Ident{NamePos: v.Pos()}, loop) {
			// A variable of the iteration: kept if it is.
			for _, u := range c.fn.Uses(v) {
				if u.Pos() > lhs.End() && flow.Within(u, loop) && c.kept(u, loop, depth+1) {
					return true
				}
			}
			return false
		}
		// out = append(out, r): accumulated across iterations.
		if wrapped && c.keptAt == nil {
			c.keptAt = lhs
		}
		return wrapped
	case *ast.IndexExpr:
		// m[k] = r, out[i] = r: one element per iteration.
		if k := flow.DeclaredOutside(v, loop) || flow.Indirect(c.pass.Info, x.X); k {
			if c.keptAt == nil {
				c.keptAt = lhs
			}
			return true
		}
		return false
	}
	return false
}

// checkWithMethod: a method on a slice type returning append(recv, ...).
func (c *aliasCheck) checkWithMethod() {
	fd := c.fn.Decl
	info := c.pass.Info
	if fd.Recv == nil || len(fd.Recv.List) != 1 || len(fd.Recv.List[0].Names) != 1 || knowledge.IsAppendName(fd.Name.Name) {
		return
	}
	recv, _ := info.Defs[fd.Recv.List[0].Names[0]].(*types.Var)
	if recv == nil || !flow.IsSliceType(recv.Type()) || len(c.fn.Defs(recv)) > 0 {
		return
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		ret, ok := n.(*ast.ReturnStmt)
		if !ok {
			return true
		}
		for _, r := range ret.Results {
			call := c.appendOnto(r, recv)
			if call == nil || !builtinAt(c.pass, "len", call.Pos()) {
				continue
			}
			base := call.Args[0]
			name := c.text(base)
			fixed := fmt.Sprintf("%s[:len(%s):len(%s)]", name, name, name)
			c.reportFix(sharedBase, call, fmt.Sprintf("%s returns append(%s, ...): the results of calls on the same %s share its spare capacity and overwrite each other; use append(%s, ...)",
				fd.Name.Name, name, name, fixed), c.capBaseFix(base, fixed), []rule.Related{
				varStep(recv, "%s is the receiver: each call's %s shares one spare capacity", recv.Name(), recv.Name()),
				c.step(call, "the method appends to %s here and returns the result", name),
				c.step(ret, "the result is returned here: a second call's append overwrites its last elements"),
			})
		}
		return true
	})
}

// appendOnto returns the append(recv, x...) that e is, or that the local
// variable e holds (single definition), or nil.
func (c *aliasCheck) appendOnto(e ast.Expr, recv *types.Var) *ast.CallExpr {
	e = ast.Unparen(e)
	if id, ok := e.(*ast.Ident); ok {
		v := c.fn.VarOf(id)
		if v == nil || c.fn.IsParam(v) {
			return nil
		}
		defs := c.fn.Defs(v)
		if len(defs) != 1 || defs[0].RHS == nil || defs[0].Tuple {
			return nil
		}
		e = ast.Unparen(defs[0].RHS)
	}
	call, ok := e.(*ast.CallExpr)
	if !ok || !flow.IsBuiltin(c.pass.Info, call, "append") || len(call.Args) < 2 {
		return nil
	}
	if id, ok := ast.Unparen(call.Args[0]).(*ast.Ident); ok && c.pass.Info.Uses[id] == recv {
		return call
	}
	return nil
}

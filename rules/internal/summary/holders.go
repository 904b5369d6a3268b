package summary

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// heldParams returns the parameters (Summary.Contains) whose storage a
// value that is not itself a slice holds: a struct, pointer or interface built in f from
// them (&T{data: p}, a local struct given p in its literal or a field,
// the result of a callee whose result holds its argument). from answers
// for slice-typed parts. It complements flow's Origins, which follows
// slices and strings only.
func (t *Table) heldParams(f *flow.Func, e ast.Expr, from func(ast.Expr) Params, seen map[*types.Var]bool, depth int) Params {
	if depth > 8 {
		return 0
	}
	info := t.pass.Info
	var p Params
	part := func(x ast.Expr) {
		if flow.IsSliceType(info.TypeOf(x)) {
			p |= from(x)
			return
		}
		p |= t.heldParams(f, x, from, seen, depth+1)
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			part(x.X)
		}
	case *ast.CompositeLit:
		for _, el := range flow.Stored(info, x) {
			if el != ast.Expr(x) {
				part(el)
			}
		}
	case *ast.CallExpr:
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() {
			if len(x.Args) == 1 {
				part(x.Args[0])
			}
			return p
		}
		if s, ok := t.Call(x); ok && s.Views|s.Contains != 0 {
			(s.Views | s.Contains).Each(func(i int) {
				for _, a := range t.Arg(x, i) {
					part(a)
				}
			})
		}
	case *ast.Ident:
		v := f.VarOf(x)
		if v == nil || flow.IsPackageLevel(v) || seen[v] {
			return 0
		}
		seen[v] = true
		if f.IsParam(v) {
			return p | from(x)
		}
		for _, d := range f.Defs(v) {
			if d.RHS == nil {
				continue
			}
			if d.Tuple {
				if call, ok := ast.Unparen(d.RHS).(*ast.CallExpr); ok && d.Index == 0 {
					part(call)
				}
				continue
			}
			part(d.RHS)
		}
		// Stores into the local's fields and elements: v.data = p.
		ast.Inspect(f.Decl.Body, func(n ast.Node) bool {
			as, ok := n.(*ast.AssignStmt)
			if !ok || len(as.Lhs) != len(as.Rhs) {
				return true
			}
			for i, l := range as.Lhs {
				if _, bare := ast.Unparen(l).(*ast.Ident); bare {
					continue
				}
				if r := flow.Root(l); r != nil && f.VarOf(r) == v {
					for _, val := range flow.Stored(info, as.Rhs[i]) {
						part(val)
					}
				}
			}
			return true
		})
	}
	return p
}

package aliasappend

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// pureExpr reports whether evaluating e a second time, right after the
// first, gives the same value with no side effect: what rewrite's
// SideEffectFree accepts, plus arithmetic, comparisons and the built-ins
// len, cap, min and max on such operands.
func pureExpr(info *types.Info, e ast.Expr) bool {
	if rule.SideEffectFree(info, e) {
		return true
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.BinaryExpr:
		return pureExpr(info, x.X) && pureExpr(info, x.Y)
	case *ast.UnaryExpr:
		return x.Op != token.ARROW && x.Op != token.AND && pureExpr(info, x.X)
	case *ast.IndexExpr:
		return pureExpr(info, x.X) && pureExpr(info, x.Index)
	case *ast.SelectorExpr:
		if sel, ok := info.Selections[x]; ok && sel.Kind() == types.FieldVal {
			return pureExpr(info, x.X)
		}
	case *ast.StarExpr:
		return pureExpr(info, x.X)
	case *ast.CallExpr:
		tv, ok := info.Types[x.Fun]
		if !ok {
			return false
		}
		if tv.IsType() {
			return len(x.Args) == 1 && pureExpr(info, x.Args[0])
		}
		if !tv.IsBuiltin() {
			return false
		}
		id, ok := ast.Unparen(x.Fun).(*ast.Ident)
		if !ok {
			return false
		}
		switch id.Name {
		case "len", "cap":
			if len(x.Args) != 1 {
				return false
			}
			if t := info.TypeOf(x.Args[0]); t != nil {
				if _, isChan := t.Underlying().(*types.Chan); isChan {
					return false // the length of a channel changes under us
				}
			}
		case "min", "max":
		default:
			return false
		}
		for _, a := range x.Args {
			if !pureExpr(info, a) {
				return false
			}
		}
		return true
	}
	return false
}

// builtinAt reports whether name denotes the universe's built-in at pos.
func builtinAt(p *rule.Pass, name string, pos token.Pos) bool {
	scope := p.Pkg.Scope().Innermost(pos)
	if scope == nil {
		scope = p.Pkg.Scope()
	}
	_, obj := scope.LookupParent(name, pos)
	return obj != nil && obj == types.Universe.Lookup(name)
}

// cleanClone copies a dst expression without the comments around it.
func cleanClone(e dst.Expr) dst.Expr {
	c := dst.Clone(e).(dst.Expr)
	d := c.Decorations()
	d.Before, d.After = dst.None, dst.None
	d.Start, d.End = nil, nil
	return c
}

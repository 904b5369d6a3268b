package rewrite

import (
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/knowledge"
)

// This file is the version-gating helper: the safe forms every rule uses,
// chosen by the file's Go version, with the fallbacks of RULES.md.

// versionAtLeast reports whether a "go1.N[.x]" version is at least go1.minor.
// An empty or unparsable version counts as new enough: go/types leaves it
// empty only when no version constraint applies.
func versionAtLeast(v string, minor int) bool {
	v = strings.TrimPrefix(v, "go")
	if v == "" {
		return true
	}
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 || parts[0] != "1" {
		return true
	}
	digits := parts[1]
	if i := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		digits = digits[:i] // go1.20rc1
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return true
	}
	return n >= minor
}

// cloneKind says which copy form fits an expression's type.
type cloneKind int

const (
	noClone cloneKind = iota
	cloneBytes
	cloneString
	cloneSlice
)

func cloneKindOf(t types.Type) cloneKind {
	if t == nil {
		return noClone
	}
	if types.Identical(t, types.NewSlice(types.Typ[types.Byte])) {
		return cloneBytes
	}
	if types.Identical(t, types.Typ[types.String]) {
		return cloneString
	}
	if _, ok := t.Underlying().(*types.Slice); ok {
		return cloneSlice
	}
	return noClone
}

// CloneFix returns a fix that replaces e with a copy of it in the form the
// file's Go version allows (bytes.Clone, strings.Clone, slices.Clone, or the
// nil-preserving append(e[:0:0], e...) fallback), or nil when no safe form
// exists (a string before Go 1.20, or a fallback that would evaluate a
// side-effecting e twice).
func CloneFix(p *Pass, e ast.Expr) *Fix {
	file := p.FileOf(e.Pos())
	if file == nil {
		return nil
	}
	kind := cloneKindOf(p.Info.TypeOf(e))
	ver := p.FileVersion(file)
	var pkg, fn string
	switch {
	case kind == cloneBytes && versionAtLeast(ver, 20):
		pkg, fn = "bytes", "Clone"
	case kind == cloneString && versionAtLeast(ver, 20):
		pkg, fn = "strings", "Clone"
	case kind == cloneSlice && versionAtLeast(ver, 21):
		pkg, fn = "slices", "Clone"
	case kind == cloneBytes || kind == cloneSlice:
		if !SideEffectFree(p.Info, e) {
			return nil
		}
		return &Fix{Message: "copy with append(x[:0:0], x...)", Edit: func(c *FixContext) error {
			return c.Replace(e, func(old dst.Node) dst.Node {
				x := old.(dst.Expr)
				// For x = b[i:j], b[:0:0] is nil exactly when x is, and reads
				// better than b[i:j][:0:0].
				base := x
				if se, ok := x.(*dst.SliceExpr); ok {
					base = se.X
				}
				return &dst.CallExpr{
					Fun: dst.NewIdent("append"),
					Args: []dst.Expr{
						&dst.SliceExpr{X: parenIfNeeded(dst.Clone(base).(dst.Expr)), High: intLit(0), Max: intLit(0), Slice3: true},
						x,
					},
					Ellipsis: true,
				}
			})
		}}
	default:
		return nil
	}
	return &Fix{Message: "copy with " + pkg + "." + fn, Edit: func(c *FixContext) error {
		ref, err := c.Ref(pkg, fn, e.Pos())
		if err != nil {
			return err
		}
		return c.Replace(e, func(old dst.Node) dst.Node {
			return &dst.CallExpr{Fun: ref, Args: []dst.Expr{old.(dst.Expr)}}
		})
	}}
}

func intLit(n int) *dst.BasicLit {
	return &dst.BasicLit{Kind: token.INT, Value: strconv.Itoa(n)}
}

// parenIfNeeded wraps x in parentheses when it cannot be the operand of a
// slice expression as it stands (a unary or binary expression).
func parenIfNeeded(x dst.Expr) dst.Expr {
	switch x.(type) {
	case *dst.UnaryExpr, *dst.BinaryExpr, *dst.StarExpr:
		return &dst.ParenExpr{X: x}
	}
	return x
}

// SideEffectFree reports whether evaluating e twice is indistinguishable
// from evaluating it once: identifiers, constants, field selections,
// indexing and slicing of such, and calls the knowledge table marks pure.
func SideEffectFree(info *types.Info, e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.SelectorExpr:
		if sel, ok := info.Selections[e]; ok {
			if sel.Kind() != types.FieldVal {
				return false
			}
			return SideEffectFree(info, e.X)
		}
		return true // qualified identifier
	case *ast.IndexExpr:
		return SideEffectFree(info, e.X) && SideEffectFree(info, e.Index)
	case *ast.SliceExpr:
		for _, x := range []ast.Expr{e.Low, e.High, e.Max} {
			if x != nil && !SideEffectFree(info, x) {
				return false
			}
		}
		return SideEffectFree(info, e.X)
	case *ast.StarExpr:
		return SideEffectFree(info, e.X)
	case *ast.CallExpr:
		if tv, ok := info.Types[e.Fun]; ok && tv.IsType() && len(e.Args) == 1 {
			return SideEffectFree(info, e.Args[0]) // conversion
		}
		fn := Callee(info, e)
		facts, ok := knowledge.Lookup(fn)
		if !ok || !facts.Pure {
			return false
		}
		if sel, ok := ast.Unparen(e.Fun).(*ast.SelectorExpr); ok && info.Selections[sel] != nil {
			if !SideEffectFree(info, sel.X) {
				return false
			}
		}
		for _, a := range e.Args {
			if !SideEffectFree(info, a) {
				return false
			}
		}
		return true
	}
	return false
}

// Callee returns the function or method a call statically calls, or nil.
func Callee(info *types.Info, call *ast.CallExpr) *types.Func {
	var id *ast.Ident
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		id = f
	case *ast.SelectorExpr:
		id = f.Sel
	case *ast.IndexExpr: // generic instantiation f[T]
		return calleeOfExpr(info, f.X)
	case *ast.IndexListExpr:
		return calleeOfExpr(info, f.X)
	default:
		return nil
	}
	fn, _ := info.Uses[id].(*types.Func)
	return fn
}

func calleeOfExpr(info *types.Info, e ast.Expr) *types.Func {
	switch f := ast.Unparen(e).(type) {
	case *ast.Ident:
		fn, _ := info.Uses[f].(*types.Func)
		return fn
	case *ast.SelectorExpr:
		fn, _ := info.Uses[f.Sel].(*types.Func)
		return fn
	}
	return nil
}

// ExprText returns the source form of e as gofmt prints it, for messages.
func ExprText(fset *token.FileSet, e ast.Node) string {
	var b strings.Builder
	if err := printer.Fprint(&b, fset, e); err != nil {
		return fmt.Sprintf("%T", e)
	}
	return b.String()
}

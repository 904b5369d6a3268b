package rule

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

// ExprText returns the source form of e for messages: as gofmt prints it,
// on one line (line breaks and the indentation after them become one
// space), and elided in the middle when longer than maxExprText, so that
// a message stays one line that editors and CI annotations can parse.
func ExprText(fset *token.FileSet, e ast.Node) string {
	var b strings.Builder
	if err := printer.Fprint(&b, fset, e); err != nil {
		return fmt.Sprintf("%T", e)
	}
	return shorten(b.String())
}

// maxExprText is the longest expression a message quotes whole.
const maxExprText = 80

func shorten(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
		for i, l := range lines {
			lines[i] = strings.TrimSpace(l)
		}
		s = strings.Join(lines, " ")
	}
	if r := []rune(s); len(r) > maxExprText {
		s = string(r[:maxExprText/2]) + " … " + string(r[len(r)-maxExprText/2+3:])
	}
	return s
}

// The zeroing form: clear(x) (Go 1.21) or, for older files, a loop storing
// the zero value of the element type.

// CanZero reports whether a zeroing statement for the slice x can be built
// in the file that holds it: always with clear (Go 1.21, clear not
// shadowed at x); for the fallback loop, x must be side-effect free (it is
// evaluated twice) and the element type's zero value must be writable.
func CanZero(p *Pass, x ast.Expr) bool {
	file := p.FileOf(x.Pos())
	if file == nil {
		return false
	}
	s, ok := typeOfSlice(typeOfExpr(p.Info, x))
	if !ok {
		return false
	}
	if versionAtLeast(p.FileVersion(file), 21) && builtinVisible(p, "clear", x.Pos()) {
		return true
	}
	return SideEffectFree(p.Info, x) && zeroValueKnown(p, s.Elem(), x.Pos())
}

// ZeroStmt returns a statement that sets every element of the slice x to
// its zero value: clear(x) when the file's Go version allows it and clear
// is not shadowed at x, else `for i := range x { x[i] = zero }` with a loop
// variable that does not clash with the names x uses. x is cloned, never
// moved.
func ZeroStmt(c *FixContext, x ast.Expr) (dst.Stmt, error) {
	if c.AtLeast(21) && builtinVisible(c.Pass, "clear", x.Pos()) {
		arg, err := c.cloneOf(x)
		if err != nil {
			return nil, err
		}
		return &dst.ExprStmt{X: &dst.CallExpr{Fun: dst.NewIdent("clear"), Args: []dst.Expr{arg}}}, nil
	}
	return c.zeroLoop(x)
}

// ZeroDeferStmt returns `defer clear(x)`, or for older files
// `defer func() { for i := range x { x[i] = zero } }()`. The fallback reads
// x when the function returns rather than at the defer statement: use it
// only for an x that is not reassigned after it.
func ZeroDeferStmt(c *FixContext, x ast.Expr) (dst.Stmt, error) {
	st, err := ZeroStmt(c, x)
	if err != nil {
		return nil, err
	}
	if es, ok := st.(*dst.ExprStmt); ok {
		return &dst.DeferStmt{Call: es.X.(*dst.CallExpr)}, nil
	}
	st.Decorations().Before = dst.NewLine
	st.Decorations().After = dst.NewLine
	lit := &dst.FuncLit{
		Type: &dst.FuncType{Func: true, Params: &dst.FieldList{}},
		Body: &dst.BlockStmt{List: []dst.Stmt{st}},
	}
	return &dst.DeferStmt{Call: &dst.CallExpr{Fun: lit}}, nil
}

// ZeroBeforeFix returns a fix inserting the zeroing statement of the slice
// x right before statement stmt, or nil when no safe form exists.
func ZeroBeforeFix(p *Pass, stmt ast.Stmt, x ast.Expr) *Fix {
	if !CanZero(p, x) {
		return nil
	}
	return &Fix{Message: "zero it first", Edit: func(c *FixContext) error {
		st, err := ZeroStmt(c, x)
		if err != nil {
			return err
		}
		return c.InsertBefore(stmt, st)
	}}
}

// typeOfExpr is info.TypeOf, extended to a dereference *p built by a rule
// (not part of the file) from an expression p of the file.
func typeOfExpr(info *types.Info, x ast.Expr) types.Type {
	if t := info.TypeOf(x); t != nil {
		return t
	}
	if s, ok := x.(*ast.StarExpr); ok {
		if t := typeOfExpr(info, s.X); t != nil {
			if p, ok := t.Underlying().(*types.Pointer); ok {
				return p.Elem()
			}
		}
	}
	return nil
}

func typeOfSlice(t types.Type) (*types.Slice, bool) {
	if t == nil {
		return nil, false
	}
	s, ok := t.Underlying().(*types.Slice)
	return s, ok
}

// builtinVisible reports whether name denotes the universe's built-in at
// position at (no local or package-level declaration shadows it).
func builtinVisible(p *Pass, name string, at token.Pos) bool {
	scope := p.Pkg.Scope().Innermost(at)
	if scope == nil {
		scope = p.Pkg.Scope()
	}
	_, obj := scope.LookupParent(name, at)
	return obj != nil && obj == types.Universe.Lookup(name)
}

// cloneOf returns a copy of the dst form of the type-checked expression x,
// without the comments attached around it. x may also be a dereference *p
// built by a rule around an expression p of the file.
func (c *FixContext) cloneOf(x ast.Expr) (dst.Expr, error) {
	n := c.Dst(x)
	if s, ok := x.(*ast.StarExpr); ok && n == nil {
		inner, err := c.cloneOf(s.X)
		if err != nil {
			return nil, err
		}
		return &dst.StarExpr{X: inner}, nil
	}
	if n == nil {
		return nil, fmt.Errorf("no dst node for %s", ExprText(c.Pass.Fset, x))
	}
	e := dst.Clone(n).(dst.Expr)
	d := e.Decorations()
	d.Before, d.After = dst.None, dst.None
	d.Start, d.End = nil, nil
	return e, nil
}

func (c *FixContext) zeroLoop(x ast.Expr) (dst.Stmt, error) {
	s, ok := typeOfSlice(typeOfExpr(c.Pass.Info, x))
	if !ok {
		return nil, fmt.Errorf("%s is not a slice", ExprText(c.Pass.Fset, x))
	}
	if !SideEffectFree(c.Pass.Info, x) {
		return nil, fmt.Errorf("%s would be evaluated twice", ExprText(c.Pass.Fset, x))
	}
	zero, err := c.zeroValue(s.Elem(), x.Pos())
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	ast.Inspect(x, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	dst.Inspect(zero, func(n dst.Node) bool {
		if id, ok := n.(*dst.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	name := ""
	for _, cand := range []string{"i", "j", "k", "n", "idx"} {
		if !used[cand] {
			name = cand
			break
		}
	}
	for i := 0; name == ""; i++ {
		if cand := fmt.Sprintf("i%d", i); !used[cand] {
			name = cand
		}
	}
	rangeX, err := c.cloneOf(x)
	if err != nil {
		return nil, err
	}
	elemX, err := c.cloneOf(x)
	if err != nil {
		return nil, err
	}
	assign := &dst.AssignStmt{
		Lhs: []dst.Expr{&dst.IndexExpr{X: parenIfNeeded(elemX), Index: dst.NewIdent(name)}},
		Tok: token.ASSIGN,
		Rhs: []dst.Expr{zero},
	}
	assign.Decs.Before, assign.Decs.After = dst.NewLine, dst.NewLine
	return &dst.RangeStmt{
		Key:  dst.NewIdent(name),
		Tok:  token.DEFINE,
		X:    rangeX,
		Body: &dst.BlockStmt{List: []dst.Stmt{assign}},
	}, nil
}

// zeroValueKnown reports whether zeroValue can write the zero value of t.
func zeroValueKnown(p *Pass, t types.Type, at token.Pos) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&(types.IsNumeric|types.IsString|types.IsBoolean) != 0 || u.Kind() == types.UnsafePointer
	case *types.Pointer, *types.Slice, *types.Map, *types.Chan, *types.Signature, *types.Interface:
		return builtinVisible(p, "nil", at)
	case *types.Struct, *types.Array:
		n, ok := types.Unalias(t).(*types.Named)
		if !ok || n.TypeArgs().Len() > 0 || n.Obj().Pkg() == nil {
			return false
		}
		if n.Obj().Pkg() == p.Pkg {
			scope := p.Pkg.Scope().Innermost(at)
			if scope == nil {
				scope = p.Pkg.Scope()
			}
			_, obj := scope.LookupParent(n.Obj().Name(), at)
			return obj == n.Obj()
		}
		return n.Obj().Exported()
	}
	return false
}

// zeroValue returns an expression for the zero value of t valid at at.
func (c *FixContext) zeroValue(t types.Type, at token.Pos) (dst.Expr, error) {
	if !zeroValueKnown(c.Pass, t, at) {
		return nil, fmt.Errorf("no zero value expression for %s", t)
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsNumeric != 0:
			return intLit(0), nil
		case u.Info()&types.IsString != 0:
			return &dst.BasicLit{Kind: token.STRING, Value: `""`}, nil
		case u.Info()&types.IsBoolean != 0:
			return dst.NewIdent("false"), nil
		}
		return dst.NewIdent("nil"), nil
	case *types.Struct, *types.Array:
		n := types.Unalias(t).(*types.Named)
		var typ dst.Expr = dst.NewIdent(n.Obj().Name())
		if n.Obj().Pkg() != c.Pass.Pkg {
			ref, err := c.Ref(n.Obj().Pkg().Path(), n.Obj().Name(), at)
			if err != nil {
				return nil, err
			}
			typ = ref
		}
		return &dst.CompositeLit{Type: typ}, nil
	}
	return dst.NewIdent("nil"), nil
}

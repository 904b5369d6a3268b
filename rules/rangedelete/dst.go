package rangedelete

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// This file holds range-delete's syntax builders: writing a type at a
// position, moving comments off removed nodes, negating a condition.

// typeWriter writes the syntax of a type as code at position at may
// spell it. Without a FixContext it only checks that the type can be
// written there.
type typeWriter struct {
	c  *check
	at token.Pos
	fc *rule.FixContext
}

func (w *typeWriter) expr(t types.Type) (dst.Expr, error) {
	switch t := t.(type) {
	case *types.Basic:
		if t.Info()&types.IsUntyped != 0 || t.Kind() == types.UnsafePointer || !w.c.isUniverse(t.Name(), w.at) {
			return nil, fmt.Errorf("cannot write %s here", t)
		}
		return dst.NewIdent(t.Name()), nil
	case *types.Alias:
		if t.TypeArgs().Len() == 0 {
			if e, err := w.named(t.Obj()); err == nil {
				return e, nil
			}
		}
		return w.expr(types.Unalias(t))
	case *types.Named:
		base, err := w.named(t.Obj())
		if err != nil {
			return nil, err
		}
		args := t.TypeArgs()
		if args.Len() == 0 {
			return base, nil
		}
		var idx []dst.Expr
		for i := 0; i < args.Len(); i++ {
			a, err := w.expr(args.At(i))
			if err != nil {
				return nil, err
			}
			idx = append(idx, a)
		}
		if len(idx) == 1 {
			return &dst.IndexExpr{X: base, Index: idx[0]}, nil
		}
		return &dst.IndexListExpr{X: base, Indices: idx}, nil
	case *types.TypeParam:
		if w.c.lookup(t.Obj().Name(), w.at) != t.Obj() {
			return nil, fmt.Errorf("type parameter %s is not in scope", t)
		}
		return dst.NewIdent(t.Obj().Name()), nil
	case *types.Pointer:
		e, err := w.expr(t.Elem())
		if err != nil {
			return nil, err
		}
		return &dst.StarExpr{X: e}, nil
	case *types.Slice:
		e, err := w.expr(t.Elem())
		if err != nil {
			return nil, err
		}
		return &dst.ArrayType{Elt: e}, nil
	case *types.Array:
		e, err := w.expr(t.Elem())
		if err != nil {
			return nil, err
		}
		return &dst.ArrayType{Len: &dst.BasicLit{Kind: token.INT, Value: strconv.FormatInt(t.Len(), 10)}, Elt: e}, nil
	case *types.Map:
		k, err := w.expr(t.Key())
		if err != nil {
			return nil, err
		}
		v, err := w.expr(t.Elem())
		if err != nil {
			return nil, err
		}
		return &dst.MapType{Key: k, Value: v}, nil
	case *types.Chan:
		e, err := w.expr(t.Elem())
		if err != nil {
			return nil, err
		}
		dir := dst.SEND | dst.RECV
		switch t.Dir() {
		case types.SendOnly:
			dir = dst.SEND
		case types.RecvOnly:
			dir = dst.RECV
		}
		return &dst.ChanType{Dir: dir, Value: e}, nil
	case *types.Interface:
		if !t.Empty() {
			return nil, fmt.Errorf("cannot write %s here", t)
		}
		if w.c.atLeast(18) && w.c.isUniverse("any", w.at) {
			return dst.NewIdent("any"), nil
		}
		return &dst.InterfaceType{Methods: &dst.FieldList{Opening: true, Closing: true}}, nil
	case *types.Struct:
		if t.NumFields() != 0 {
			return nil, fmt.Errorf("cannot write %s here", t)
		}
		return &dst.StructType{Fields: &dst.FieldList{Opening: true, Closing: true}}, nil
	}
	return nil, fmt.Errorf("cannot write %s here", t)
}

// named writes a reference to a type name: plain when it is predeclared or
// belongs to this package (and is visible at the position), qualified
// (importing its package if needed) when it is exported by an importable
// package.
func (w *typeWriter) named(obj *types.TypeName) (dst.Expr, error) {
	pkg := obj.Pkg()
	if pkg == nil {
		if !w.c.isUniverse(obj.Name(), w.at) {
			return nil, fmt.Errorf("%s is shadowed here", obj.Name())
		}
		return dst.NewIdent(obj.Name()), nil
	}
	if pkg == w.c.pass.Pkg {
		if w.c.lookup(obj.Name(), w.at) != obj {
			return nil, fmt.Errorf("%s is not visible here", obj.Name())
		}
		return dst.NewIdent(obj.Name()), nil
	}
	if !obj.Exported() || obj.Parent() != pkg.Scope() || !importable(w.c.pass.Pkg.Path(), pkg.Path()) {
		return nil, fmt.Errorf("cannot refer to %s.%s here", pkg.Path(), obj.Name())
	}
	if w.fc == nil {
		return dst.NewIdent(obj.Name()), nil
	}
	return w.fc.Ref(pkg.Path(), obj.Name(), w.at)
}

// importable reports whether package from may import path under the
// internal-directory rule.
func importable(from, path string) bool {
	if path == "main" {
		return false
	}
	i := strings.LastIndex(path, "/internal/")
	switch {
	case i >= 0:
	case strings.HasPrefix(path, "internal/") || path == "internal":
		i = 0
	case strings.HasSuffix(path, "/internal"):
		i = len(path) - len("/internal")
	default:
		return true
	}
	parent := path[:i]
	if parent == "" { // the standard library's internal packages
		return !strings.Contains(strings.SplitN(from, "/", 2)[0], ".")
	}
	return from == parent || strings.HasPrefix(from, parent+"/")
}

// nestedComments returns the comments decorating n and its descendants, in
// order, leaving out the subtrees in keep (they move elsewhere with their
// comments) and, when skipRoot, n's own leading and trailing comments.
func nestedComments(n dst.Node, keep map[dst.Node]bool, skipRoot bool) []string {
	var out []string
	dst.Inspect(n, func(x dst.Node) bool {
		if x == nil || keep[x] {
			return false
		}
		out = append(out, commentsOf(x, skipRoot && x == n)...)
		return true
	})
	return out
}

var decorationsType = reflect.TypeOf(dst.Decorations(nil))

// commentsOf lists the comments in a node's own decorations: Start, the
// node-specific points, End.
func commentsOf(n dst.Node, skipStartEnd bool) []string {
	v := reflect.ValueOf(n)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return nil
	}
	decs := v.Elem().FieldByName("Decs")
	if !decs.IsValid() || decs.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	add := func(d dst.Decorations) {
		for _, s := range d {
			if strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/*") {
				out = append(out, s)
			}
		}
	}
	nd := n.Decorations()
	if !skipStartEnd {
		add(nd.Start)
	}
	for i := 0; i < decs.NumField(); i++ {
		if f := decs.Field(i); f.Type() == decorationsType {
			add(f.Interface().(dst.Decorations))
		}
	}
	if !skipStartEnd {
		add(nd.End)
	}
	return out
}

// replaceElems replaces, in the moved condition cond, the dst nodes of
// the s[i] expressions elems by the predicate's parameter.
func replaceElems(fc *rule.FixContext, cond dst.Expr, elems []ast.Expr, param string) dst.Expr {
	targets := map[dst.Node]bool{}
	for _, e := range elems {
		if d := fc.Dst(e); d != nil {
			targets[d] = true
		}
	}
	ident := func(old dst.Node) *dst.Ident {
		id := dst.NewIdent(param)
		id.Decs.NodeDecs = *old.Decorations()
		return id
	}
	if targets[cond] {
		return ident(cond)
	}
	res := dstutil.Apply(cond, func(cur *dstutil.Cursor) bool {
		if targets[cur.Node()] {
			cur.Replace(ident(cur.Node()))
			return false
		}
		return true
	}, nil)
	return res.(dst.Expr)
}

// negateExpr returns the negation of a boolean expression, reusing its
// nodes: !x becomes x, == and != swap (exact for every comparable type, NaN
// included), <, <=, >, >= flip when ordered says their operands cannot be
// NaN (integers, strings), anything else gets a ! (with parentheses when
// needed).
func negateExpr(x dst.Expr, ordered bool) dst.Expr {
	switch e := x.(type) {
	case *dst.UnaryExpr:
		if e.Op == token.NOT {
			inner := e.X
			if p, ok := inner.(*dst.ParenExpr); ok {
				inner = p.X
			}
			inner.Decorations().Start.Prepend(e.Decs.Start...)
			inner.Decorations().End.Append(e.Decs.End...)
			return inner
		}
	case *dst.BinaryExpr:
		switch e.Op {
		case token.EQL:
			e.Op = token.NEQ
			return e
		case token.NEQ:
			e.Op = token.EQL
			return e
		}
		flips := map[token.Token]token.Token{token.LSS: token.GEQ, token.LEQ: token.GTR, token.GTR: token.LEQ, token.GEQ: token.LSS}
		if flip, ok := flips[e.Op]; ok && ordered {
			e.Op = flip
			return e
		}
		return &dst.UnaryExpr{Op: token.NOT, X: &dst.ParenExpr{X: e}}
	case *dst.Ident, *dst.CallExpr, *dst.SelectorExpr, *dst.IndexExpr, *dst.ParenExpr, *dst.TypeAssertExpr:
		return &dst.UnaryExpr{Op: token.NOT, X: e}
	}
	return &dst.UnaryExpr{Op: token.NOT, X: &dst.ParenExpr{X: x}}
}

// noNaN reports whether e is an ordered comparison of integers or
// strings, whose negation is the opposite comparison.
func noNaN(info *types.Info, e ast.Expr) bool {
	b, ok := e.(*ast.BinaryExpr)
	if !ok {
		return false
	}
	for _, x := range []ast.Expr{b.X, b.Y} {
		t, ok := info.TypeOf(x).Underlying().(*types.Basic)
		if !ok || t.Info()&(types.IsInteger|types.IsString) == 0 {
			return false
		}
	}
	return true
}

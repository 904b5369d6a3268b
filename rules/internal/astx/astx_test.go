package astx

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sameSrc = `package p

import "os"

type T struct{ f, g []int; p *T; a [4]int }

const n = 0
const u uint = 0

func (t *T) M() []int { return nil }

func f(x, y T, p *T, s []int, m map[string]int, i, j int) {
	_ = []any{
		x, x, // same variable
		x, y, // different variables
		(x), x, // parentheses ignored
		x.f, x.f, // same field of the same variable
		x.f, x.g, // different fields
		x.f, y.f, // same field of different variables
		p.p.f, p.p.f, // a chain through pointers
		p.f, (*p).f, // different forms
		(*p).f, (*p).f, // a field of a dereference
		*p, *p, // dereferences
		s[i], s[i], // same index
		s[i], s[j], // different index variables
		s[0], s[0x0], // constant indexes by value
		x.a[1], x.a[1],
		m["k"], m["k"],
		s[i:j], s[i:j], // slice expressions
		s[i:], s[i:j],
		s[:i:j], s[:i:j],
		0, 0x0, // constants by value
		n, 0, // a named constant and a literal of the same type
		u, n, // same value, different types
		len(x.a), 4, // a constant call
		os.Args, os.Args, // a package-level variable
		x.M, x.M, // method values: never the same
		p.M(), p.M(), // calls: never the same
	}
	{
		x := y // shadows x: same name, different variable
		_ = []any{x, y}
	}
}
`

func TestSameLocation(t *testing.T) {
	info, lits := checkPairs(t, sameSrc)
	want := []bool{
		true, false, true, true, false, false, true, false, true, true,
		true, false, true, true, true, true, false, true,
		true, true, false, true,
		true, false, false,
	}
	elts := lits[0].Elts
	require.Len(t, elts, 2*len(want))
	for k, w := range want {
		a, b := elts[2*k], elts[2*k+1]
		text := types.ExprString(a) + " vs " + types.ExprString(b)
		assert.Equal(t, w, SameLocation(info, a, b), text)
		assert.Equal(t, w, SameLocation(info, b, a), "swapped: "+text)
		// On variables and field chains, SameLocation is Location equality.
		la, oka := LocationOf(info, a)
		lb, okb := LocationOf(info, b)
		if oka && okb {
			assert.Equal(t, la.Equal(lb), SameLocation(info, a, b), text)
		}
	}
	shadow := lits[1].Elts
	assert.False(t, SameLocation(info, shadow[0], shadow[1]), "a shadowing copy is another variable")
	assert.False(t, SameLocation(info, nil, elts[0]))
	assert.False(t, SameLocation(info, nil, nil))
}

const fieldSrc = `package p

import "go/token"

type U struct{ h []int }
type T struct {
	f []int
	u U
	p *T
}

func (t T) M() []int { return nil }

func f(x, y T, p *T, s []T, i int) {
	_ = []any{
		x, x, // the location itself
		x.f, x, // a field of x
		x.u.h, x, // a field of a field
		x.u.h, x.u, // a field of a field of x
		x.u.h, x.u.h,
		x, x.f, // x is not a field of x.f
		x.f, y, // another variable
		x.u.h, x.f, // a sibling field
		(x.u).h, (x), // parentheses ignored
		p.p.f, p, // through pointers
		p.p.f, p.p,
		(*p).f, p, // a dereference is not p itself
		(*p).f, *p,
		s[i].f, s[i],
		s[i].f, s, // an element is not a field
		x.M, x, // a method value is not a field
		token.NoPos, token.NoPos,
	}
	{
		x := y
		_ = []any{x.f, y} // a shadowing x, although assigned from y
	}
}
`

func TestIsOrFieldOf(t *testing.T) {
	info, lits := checkPairs(t, fieldSrc)
	want := []bool{
		true, true, true, true, true, false, false, false, true,
		true, true, false, true, true, false, false, true,
	}
	elts := lits[0].Elts
	require.Len(t, elts, 2*len(want))
	for k, w := range want {
		e, x := elts[2*k], elts[2*k+1]
		assert.Equal(t, w, IsOrFieldOf(info, e, x), types.ExprString(e)+" in "+types.ExprString(x))
	}
	shadow := lits[1].Elts
	assert.False(t, IsOrFieldOf(info, shadow[0], shadow[1]))
	assert.False(t, IsOrFieldOf(info, nil, elts[0]))
	assert.False(t, IsOrFieldOf(info, elts[0], nil))
}

// checkPairs type-checks src and returns its two composite literals: the
// expressions to compare pairwise, and the wanted answers' order.
func checkPairs(t *testing.T, src string) (*types.Info, []*ast.CompositeLit) {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "p.go", src, 0)
	require.NoError(t, err)
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	_, err = (&types.Config{Importer: importer.Default()}).Check("p", fset, []*ast.File{file}, info)
	require.NoError(t, err)
	var lits []*ast.CompositeLit
	ast.Inspect(file, func(n ast.Node) bool {
		if cl, ok := n.(*ast.CompositeLit); ok {
			lits = append(lits, cl)
		}
		return true
	})
	require.Len(t, lits, 2)
	return info, lits
}

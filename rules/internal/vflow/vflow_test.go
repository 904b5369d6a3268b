package vflow

import (
	"bytes"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/printer"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/ssa"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// The test programs mark the expressions they ask about with a call
// sink("label", expr); prelude declares sink.
const prelude = "\nfunc sink(string, any) {}\n"

var (
	stdOnce sync.Once
	stdImp  types.Importer
)

// std is one importer for the standard library, shared by the tests (it
// caches what it loads).
func std() types.Importer {
	stdOnce.Do(func() { stdImp = importer.Default() })
	return stdImp
}

// mapImporter resolves the packages of a test, then the standard library.
type mapImporter map[string]*types.Package

func (m mapImporter) Import(path string) (*types.Package, error) {
	if p, ok := m[path]; ok {
		return p, nil
	}
	return std().Import(path)
}

type fixture struct {
	fset  *token.FileSet
	file  *ast.File
	pkg   *types.Package
	info  *types.Info
	p     *Package
	sinks map[string]ast.Expr
}

// check type-checks src as package path and builds its value-flow layer
// through Analysis, as a rule would get it.
func check(t *testing.T, path, src string, imp types.Importer, facts rule.FactStore) *fixture {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path+"/p.go", src+prelude, parser.SkipObjectResolution)
	require.NoError(t, err)
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Instances:    map[*ast.Ident]types.Instance{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		FileVersions: map[*ast.File]string{},
	}
	if imp == nil {
		imp = std()
	}
	conf := types.Config{Importer: imp, GoVersion: "go1.22"}
	pkg, err := conf.Check(path, fset, []*ast.File{file}, info)
	require.NoError(t, err)
	pass := rule.NewPass(rule.PassConfig{Fset: fset, Files: []*ast.File{file}, Pkg: pkg, Info: info, Facts: facts})
	p := pass.ResultOf(Analysis).(*Package)
	require.NoError(t, p.Err)
	f := &fixture{fset: fset, file: file, pkg: pkg, info: info, p: p, sinks: map[string]ast.Expr{}}
	ast.Inspect(file, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && len(c.Args) == 2 {
			if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "sink" {
				label, err := strconv.Unquote(c.Args[0].(*ast.BasicLit).Value)
				require.NoError(t, err)
				f.sinks[label] = c.Args[1]
			}
		}
		return true
	})
	return f
}

// sink returns the expression marked label.
func (f *fixture) sink(t *testing.T, label string) ast.Expr {
	t.Helper()
	e, ok := f.sinks[label]
	require.True(t, ok, "no sink %q", label)
	return e
}

// value returns the value of the expression marked label.
func (f *fixture) value(t *testing.T, label string) ssa.Value {
	t.Helper()
	v := f.p.ValueOf(f.sink(t, label))
	require.NotNil(t, v, "no value for sink %q", label)
	return v
}

// text prints a node.
func (f *fixture) text(n ast.Node) string {
	var b bytes.Buffer
	if err := printer.Fprint(&b, f.fset, n); err != nil {
		return "?"
	}
	return b.String()
}

// describe names an origin for assertions: its kind, what it is (the
// allocating expression, the callee, the variable), its path and whether
// it is narrowed.
func (f *fixture) describe(o Origin) string {
	s := o.Kind.String()
	switch o.Kind {
	case Const:
		s += " " + o.Value.String()
	case Alloc:
		if e := f.p.Expr(o.Value); e != nil {
			s += " " + f.text(e)
		} else if a, ok := o.Value.(*ssa.Alloc); ok {
			s += " " + a.Comment
		} else {
			s += " " + o.Value.String()
		}
	case Append, Call:
		if fn := o.Callee(); fn != nil {
			s += " " + fn.Name()
		} else if c, ok := o.Value.(*ssa.Call); ok {
			s += " " + c.Call.Value.Name()
		}
		if o.Result != 0 {
			s += "#" + strconv.Itoa(o.Result)
		}
	case Param:
		s += " " + strconv.Itoa(o.Param)
	case Global:
		s += " " + o.Value.Name()
	case Zero:
		if a, ok := o.Value.(*ssa.Alloc); ok {
			s += " " + a.Comment
		}
	}
	if len(o.Path) > 0 {
		s += " " + o.Path.String()
	}
	if o.Narrowed {
		s += " narrowed"
	}
	return s
}

// origins describes the origins of the expression marked label, sorted.
func (f *fixture) origins(t *testing.T, label string) []string {
	t.Helper()
	var out []string
	for _, o := range f.p.Origins(f.value(t, label)) {
		require.NotEmpty(t, o.Steps)
		assert.Equal(t, OpSource, o.Steps[len(o.Steps)-1].Op)
		assert.Equal(t, o.Value, o.Steps[len(o.Steps)-1].Value)
		out = append(out, f.describe(o))
	}
	slices.Sort(out)
	return out
}

// funcDecl returns the declaration of the named function.
func (f *fixture) funcDecl(t *testing.T, name string) *ast.FuncDecl {
	t.Helper()
	for _, d := range f.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == name {
			return fd
		}
	}
	t.Fatalf("no func %s", name)
	return nil
}

// obj returns the function object of the named function.
func (f *fixture) obj(t *testing.T, name string) *types.Func {
	t.Helper()
	fn, ok := f.pkg.Scope().Lookup(name).(*types.Func)
	require.True(t, ok, "no func %s", name)
	return fn
}

func (f *fixture) line(pos token.Pos) int { return f.fset.Position(pos).Line }

// lineOf returns the line of the first occurrence of s in src.
func lineOf(src, s string) int {
	i := strings.Index(src, s)
	if i < 0 {
		return -1
	}
	return strings.Count(src[:i], "\n") + 1
}

const mappingSrc = `package p

var handler = func(b []byte) {
	sink("pkglit", b[1:])
}

func F(b []byte) {
	x := b[2:]
	sink("decl", x)
	y := x
	sink("copy", y)
}

func G[S ~[]E, E any](s S, n int) S {
	sink("generic", s[:n])
	return s
}

type T struct{ buf []byte }

func (t *T) M() {
	sink("method", t.buf)
	t.buf = nil
	sink("addr", &t.buf)
}
`

func TestMapping(t *testing.T) {
	f := check(t, "example.com/p", mappingSrc, nil, nil)
	p := f.p

	// Syntax -> value, value -> syntax, in every kind of function.
	for _, label := range []string{"pkglit", "decl", "copy", "generic", "method"} {
		e := f.sink(t, label)
		v := f.value(t, label)
		assert.True(t, p.Pos(v).IsValid(), label)
		ref := p.RefOf(e)
		require.NotNil(t, ref, label)
		assert.Equal(t, v, ref.X, label)
		r, known := p.ReachableExpr(e)
		assert.True(t, r && known, label)
	}

	// The expression that names a value is its definition.
	x := f.value(t, "decl")
	require.IsType(t, (*ssa.Slice)(nil), x)
	assert.Equal(t, "b[2:]", f.text(p.Expr(x)))
	assert.Equal(t, lineOf(mappingSrc, "x := b[2:]"), f.line(p.Pos(x)))
	assert.Equal(t, x, f.value(t, "copy"), "y := x is x's value")

	// Package-level function literal: a literal of the package
	// initializer, found by its syntax.
	var lit *ast.FuncLit
	ast.Inspect(f.file, func(n ast.Node) bool {
		if l, ok := n.(*ast.FuncLit); ok && lit == nil {
			lit = l
		}
		return true
	})
	require.NotNil(t, lit)
	fn := p.FuncOf(lit)
	require.NotNil(t, fn)
	assert.Equal(t, "init", fn.Parent().Name())
	assert.Equal(t, fn, f.value(t, "pkglit").Parent())
	assert.Contains(t, p.Funcs(), fn)

	// Declarations, generic ones included.
	assert.Equal(t, p.FuncOf(f.funcDecl(t, "F")), x.Parent())
	g := p.FuncOf(f.funcDecl(t, "G"))
	require.NotNil(t, g)
	assert.NotEmpty(t, g.TypeParams())
	assert.Equal(t, g, f.value(t, "generic").Parent())
	m := p.FuncOf(f.funcDecl(t, "M"))
	require.NotNil(t, m)
	assert.Equal(t, m, f.value(t, "method").Parent())

	// The address of an assigned field.
	var lhs ast.Expr
	ast.Inspect(f.funcDecl(t, "M"), func(n ast.Node) bool {
		if a, ok := n.(*ast.AssignStmt); ok {
			lhs = a.Lhs[0]
		}
		return true
	})
	st := p.StoreOf(lhs)
	require.NotNil(t, st)
	assert.IsType(t, (*ssa.FieldAddr)(nil), st.Addr)
	assert.IsType(t, (*ssa.Const)(nil), p.ValueOf(lhs), "the left side's value is the one assigned")
	assert.Equal(t, st.Addr, p.AddrOf(lhs))
	addr := p.AddrOf(f.sink(t, "addr").(*ast.UnaryExpr).X)
	require.NotNil(t, addr)
	assert.IsType(t, (*ssa.FieldAddr)(nil), addr)
}

func TestBuildErrorIsEmptyLayer(t *testing.T) {
	// A package SSA cannot build (no type information) gives an empty
	// layer that answers every query.
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "p.go", "package p\nfunc F(b []byte) { _ = b[1:] }\n", 0)
	require.NoError(t, err)
	pkg := types.NewPackage("example.com/p", "p")
	p := Build(fset, []*ast.File{file}, pkg, &types.Info{}, nil)
	require.Error(t, p.Err)
	assert.Nil(t, p.ValueOf(file.Decls[0].(*ast.FuncDecl).Name))
	assert.Nil(t, p.Origins(nil))
	assert.False(t, p.NeverReturns(nil))
	assert.Empty(t, p.Funcs())
}

package vflow

import (
	"go/types"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/ssa"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

const noReturnSrc = `package p

import (
	"log"
	"os"
	"sync"
	"testing"
)

func fatal(t *testing.T, msg string) {
	t.Helper()
	t.Fatalf("x: %s", msg)
}

func exit(code int) {
	log.Printf("bye")
	os.Exit(code)
}

func maybe(t *testing.T, ok bool) {
	if ok {
		return
	}
	t.Fatal("no")
}

func both(c bool) {
	if c {
		exit(1)
	} else {
		panic("x")
	}
}

func wrapper(t *testing.T) { fatal(t, "y") }

func deferred(t *testing.T) {
	defer println()
	t.Fatal()
}

func loop() {
	for {
	}
}

func recursive(n int) {
	recursive(n + 1)
}

func viaLit() {
	func() { os.Exit(3) }()
}

var lit = func() { os.Exit(2) }

func plain() {}

func tbFatal(tb testing.TB) { tb.Fatalf("tb") }

func tbError(tb testing.TB) { tb.Error("tb") }

func fail[T any](t *testing.T, v T) { t.Fatal(v) }

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}

type H struct{}

func (H) Die() { log.Fatalln("die") }

func User(t *testing.T, p *sync.Pool, b []byte) {
	p.Put(b)
	if len(b) == 0 {
		fatal(t, "empty")
		sink("dead", b)
	}
	if len(b) == 1 {
		t.Fatalf("one")
		sink("deadT", b)
	}
	if len(b) == 2 {
		var h H
		h.Die()
		sink("deadM", b)
	}
	if len(b) == 3 {
		maybe(t, true)
		sink("afterMaybe", b)
	}
	if len(b) == 4 {
		fail(t, len(b))
		sink("deadG", b)
	}
	if len(b) == 5 {
		var tb testing.TB = t
		tb.Skip()
		sink("deadTB", b)
	}
	sink("live", b)
}
`

func TestNeverReturns(t *testing.T) {
	f := check(t, "example.com/p", noReturnSrc, nil, nil)
	p := f.p
	for name, want := range map[string]bool{
		"fatal":     true, // t.Fatalf
		"exit":      true, // os.Exit
		"maybe":     false,
		"both":      true, // exit on one path, panic on the other
		"wrapper":   true, // derived from fatal
		"deferred":  false,
		"loop":      true,
		"recursive": false,
		"viaLit":    true, // an immediately called literal that exits
		"plain":     false,
		"tbFatal":   true, // through the testing.TB interface
		"tbError":   false,
		"fail":      true, // generic
		"must":      false,
		"User":      false,
		"sink":      false,
	} {
		assert.Equal(t, want, p.NeverReturns(f.obj(t, name)), name)
	}
	die := types.NewMethodSet(f.pkg.Scope().Lookup("H").Type()).Lookup(f.pkg, "Die").Obj().(*types.Func)
	assert.True(t, p.NeverReturns(die), "method calling log.Fatalln")
	assert.False(t, p.NeverReturns(nil))

	// The base set from knowledge, seen through the package's imports.
	osExit := f.pkg.Imports()[1].Scope().Lookup("Exit").(*types.Func)
	require.Equal(t, "os.Exit", osExit.FullName())
	assert.True(t, p.NeverReturns(osExit))

	// The package-level literal never returns either.
	var names []string
	for _, fn := range p.NoReturnFuncs() {
		names = append(names, fn.Name())
	}
	assert.ElementsMatch(t, []string{"fatal", "exit", "both", "wrapper", "loop", "viaLit", "viaLit$1", "init$1", "tbFatal", "fail", "Die"}, names)

	// Code after a call that never returns is unreachable.
	for label, want := range map[string]bool{"dead": false, "deadT": false, "deadM": false, "deadG": false, "deadTB": false, "afterMaybe": true, "live": true} {
		r, known := p.ReachableExpr(f.sink(t, label))
		assert.True(t, known, label)
		assert.Equal(t, want, r, label)
	}

	// The never-returning calls themselves are reachable, and recognised.
	user := p.FuncOf(f.funcDecl(t, "User"))
	require.NotNil(t, user)
	var calls []string
	for _, b := range user.Blocks {
		for _, instr := range b.Instrs {
			if c, ok := instr.(*ssa.Call); ok && p.NeverReturnsCall(c) {
				assert.True(t, p.Reachable(c))
				if c.Call.IsInvoke() {
					calls = append(calls, "invoke "+c.Call.Method.Name())
				} else {
					calls = append(calls, c.Call.StaticCallee().Name())
				}
			}
		}
	}
	assert.ElementsMatch(t, []string{"fatal", "Fatalf", "Die", "fail[int]", "invoke Skip"}, calls)

	// The facts: one per named never-returning function.
	mem := &rule.MemFacts{}
	check(t, "example.com/p", noReturnSrc, nil, mem)
	for name, want := range map[string]bool{"fatal": true, "wrapper": true, "maybe": false} {
		v, ok := mem.Import(f.pkg, FactKey(f.obj(t, name)))
		assert.Equal(t, want, ok && v == "1", name)
	}
}

func TestNeverReturnsAcrossPackages(t *testing.T) {
	const a = `package a

import "os"

func Die(msg string) {
	println(msg)
	os.Exit(1)
}

func Live() {}

type Logger struct{}

func (*Logger) Fatal(msg string) { Die(msg) }
`
	const b = `package b

import "example.com/a"

func Wrap() { a.Die("x") }

func Method(l *a.Logger) { l.Fatal("y") }

func Use(x []byte) {
	if x == nil {
		a.Die("nil")
		sink("dead", x)
	}
	a.Live()
	sink("live", x)
}
`
	facts := &rule.MemFacts{}
	fa := check(t, "example.com/a", a, nil, facts)
	imp := mapImporter{"example.com/a": fa.pkg}

	fb := check(t, "example.com/b", b, imp, facts)
	die := fa.obj(t, "Die")
	assert.True(t, fb.p.NeverReturns(die), "from a's facts")
	assert.False(t, fb.p.NeverReturns(fa.obj(t, "Live")))
	assert.True(t, fb.p.NeverReturns(fb.obj(t, "Wrap")), "derived from a fact")
	assert.True(t, fb.p.NeverReturns(fb.obj(t, "Method")), "a method's fact")
	assert.False(t, fb.p.NeverReturns(fb.obj(t, "Use")))
	r, known := fb.p.ReachableExpr(fb.sink(t, "dead"))
	assert.True(t, known)
	assert.False(t, r)
	r, _ = fb.p.ReachableExpr(fb.sink(t, "live"))
	assert.True(t, r)
	v, ok := facts.Import(fb.pkg, FactKey(fb.obj(t, "Wrap")))
	assert.True(t, ok && v == "1", "b exports what it derived")

	// Without a's facts nothing is known about a's functions.
	fb = check(t, "example.com/b", b, imp, rule.NoFacts)
	assert.False(t, fb.p.NeverReturns(die))
	assert.False(t, fb.p.NeverReturns(fb.obj(t, "Wrap")))
	r, _ = fb.p.ReachableExpr(fb.sink(t, "dead"))
	assert.True(t, r)
}

func TestReachableAfterPanic(t *testing.T) {
	// Code after a panic is dropped by the SSA builder: its expressions
	// have no value, and reachability is not known.
	f := check(t, "example.com/p", `package p

func F(b []byte) {
	panic("x")
	sink("gone", b)
}
`, nil, nil)
	r, known := f.p.ReachableExpr(f.sink(t, "gone"))
	assert.False(t, known)
	assert.True(t, r)
	assert.True(t, f.p.NeverReturns(f.obj(t, "F")))
}

package vflow

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/ssa"
)

const pathsSrc = `package p

import (
	"os"
	"testing"
)

type T struct{ f []byte }

func Straight(t *testing.T, b []byte, c bool) {
	sink("s0", b)
	if c {
		sink("then", b)
		t.Fatal("x")
		sink("dead", b)
	}
	sink("s1", b)
	if c {
		sink("exit", b)
		os.Exit(1)
	}
	sink("s2", b)
}

func Loop(bs [][]byte) {
	for _, b := range bs {
		sink("top", b)
		sink("bottom", b)
	}
	sink("after", bs)
}

func Flag(b []byte, c, d bool) {
	adjusted := false
	if c {
		sink("removed", b)
	} else if d {
		adjusted = true
	}
	if adjusted {
		sink("needs-flag", b)
	}
	if !adjusted {
		sink("needs-no-flag", b)
	}
	for i := 0; i < 3; i++ {
		sink("loop-top", b)
		adjusted = true
	}
}

func Kill(h *T, b []byte, c bool) {
	h.f = b
	sink("stored", b)
	if c {
		h.f = nil
	}
	sink("merge", b)
	h.f = nil
	sink("killed", b)
}
`

func TestReaches(t *testing.T) {
	f := check(t, "example.com/p", pathsSrc, nil, nil)
	at := func(label string) ssa.Instruction {
		r := f.p.RefOf(f.sink(t, label))
		require.NotNil(t, r, label)
		return r
	}
	assert.True(t, f.p.Reaches(at("s0"), at("s1"), nil))
	assert.True(t, f.p.Reaches(at("s0"), at("s2"), nil))
	assert.False(t, f.p.Reaches(at("then"), at("s1"), nil), "t.Fatal ends the path")
	assert.False(t, f.p.Reaches(at("exit"), at("s2"), nil), "os.Exit ends the path")
	assert.False(t, f.p.Reaches(at("s1"), at("s0"), nil), "no loop")
	assert.True(t, f.p.Reaches(at("bottom"), at("top"), nil), "the next iteration")
	assert.True(t, f.p.Reaches(at("top"), at("after"), nil))
	top := at("top")
	// Avoiding the loop head's instructions cuts the back edge.
	head := top.Block()
	assert.False(t, f.p.Reaches(at("bottom"), top, func(in ssa.Instruction) bool { return in.Block() == head && in != top }))
}

func TestReachesFollowsFlags(t *testing.T) {
	f := check(t, "example.com/p", pathsSrc, nil, nil)
	at := func(label string) ssa.Instruction {
		r := f.p.RefOf(f.sink(t, label))
		require.NotNil(t, r, label)
		return r
	}
	assert.False(t, f.p.Reaches(at("removed"), at("needs-flag"), nil), "the flag is false on every path from removed")
	assert.True(t, f.p.Reaches(at("removed"), at("needs-no-flag"), nil))
	assert.True(t, f.p.Reaches(at("removed"), at("loop-top"), nil))
	assert.True(t, f.p.Reaches(at("loop-top"), at("loop-top"), nil), "the flag set in the loop does not block its back edge")
}

func TestContentAt(t *testing.T) {
	f := check(t, "example.com/p", pathsSrc, nil, nil)
	fn := f.p.FuncOf(f.funcDecl(t, "Kill"))
	require.NotNil(t, fn)
	var store *ssa.Store
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			if s, ok := in.(*ssa.Store); ok && store == nil {
				store = s
			}
		}
	}
	require.NotNil(t, store)
	describe := func(label string) []string {
		var out []string
		for _, o := range f.p.ContentAt(store.Addr, f.p.RefOf(f.sink(t, label))) {
			out = append(out, f.describe(o))
		}
		return out
	}
	assert.Equal(t, []string{"param 1"}, describe("stored"))
	assert.ElementsMatch(t, []string{"param 1", "const nil:[]byte"}, describe("merge"))
	assert.Equal(t, []string{"const nil:[]byte"}, describe("killed"))

	// Same and PartOf compare sources and paths.
	os := f.p.ContentAt(store.Addr, f.p.RefOf(f.sink(t, "stored")))
	require.Len(t, os, 1)
	assert.True(t, Same(os[0], os[0]))
	part := os[0]
	part.Path = Path{{Kind: Elem, Index: -1}}
	rest, ok := PartOf(part, os[0])
	assert.True(t, ok)
	assert.Equal(t, "[]", rest.String())
	_, ok = PartOf(os[0], part)
	assert.False(t, ok)
	nils := f.p.ContentAt(store.Addr, f.p.RefOf(f.sink(t, "killed")))
	assert.False(t, Same(nils[0], nils[0]), "constants are never the same source")
}

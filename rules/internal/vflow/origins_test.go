package vflow

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/ssa"
)

const originsSrc = `package p

import "sync"

var global []byte

var handler = func(b []byte) {
	sink("pkglit", b[1:])
}

func get() []byte { return nil }

func two() ([]byte, error) { return nil, nil }

// Merges: both branches are kept.
func Merge(c bool) {
	var b []byte
	if c {
		b = make([]byte, 10)
	} else {
		b = get()
	}
	sink("merge", b)
}

// Kills: the value reassigned after the Put is the new one.
func Kill(p *sync.Pool) {
	b := p.Get().([]byte)
	p.Put(b)
	sink("before", b)
	b = make([]byte, 4)
	sink("kill", b)
}

type T struct {
	buf  []byte
	n    int
	next *T
}

// A field refilled right after the Put.
func Refill(t *T, p *sync.Pool) {
	p.Put(t.buf)
	sink("put", t.buf)
	t.buf = p.Get().([]byte)
	sink("refill", t.buf)
}

// Loop-carried values.
func Loop(b []byte) {
	for len(b) > 0 {
		sink("loop", b)
		b = b[1:]
	}
	var out []byte
	for _, c := range b {
		out = append(out, c)
	}
	sink("acc", out)
}

// Fields: store through a pointer field, then load.
func Fields() {
	h := &T{}
	h.buf = make([]byte, 8)
	h.n = 3
	sink("field", h.buf)
	z := &T{}
	sink("zero", z.buf)
	h.next = &T{}
	h.next.buf = get()
	sink("deep", h.next.buf)
}

func FieldParam(h *T, s T, bs [][]byte, p *[]byte) {
	sink("fparam", h.buf[1:])
	sink("fstruct", s.buf)
	sink("elem", bs[0])
	sink("deref", *p)
	sink("chain", h.next.buf)
}

type Buf struct {
	arr [64]byte
	n   int
}

func ArrField(h *Buf, bs []Buf) {
	sink("arrfield", h.arr[:4])
	var b Buf
	sink("localarr", b.arr[:])
	sink("elemaddr", &bs[2])
	sink("elemarr", bs[1].arr[2:])
}

func Literal(x []byte) {
	h := T{buf: x, n: 1}
	sink("lit", h.buf)
	arr := [4][]byte{x, nil}
	sink("arr", arr[0])
	sink("arr1", arr[1])
}

func AddrTaken(c bool) {
	var b []byte
	p := &b
	sink("unassigned", b)
	*p = make([]byte, 2)
	sink("addr", b)
	if c {
		b = get()
	}
	sink("addrmerge", b)
}

// Closures: free variables are the bindings.
func Closure(x []byte) func() {
	y := x[1:]
	return func() {
		sink("free", y)
	}
}

func ClosureWrite() {
	var b []byte
	f := func() { b = make([]byte, 3) }
	f()
	sink("cw", b)
}

func LoopClosure(bs [][]byte) []func() {
	var fs []func()
	for _, b := range bs {
		fs = append(fs, func() { sink("loopvar", b) })
	}
	for i := 0; i < len(bs); i++ {
		fs = append(fs, func() { sink("loopi", bs[i][1:]) })
	}
	return fs
}

func PtrLit(x []byte) *T {
	h := &T{buf: x}
	sink("ptrlit", h.buf)
	return h
}

func Nested(x []byte) func() func() {
	return func() func() {
		return func() { sink("nested", x) }
	}
}

// Tuple results.
func Tuple() {
	b, err := two()
	_ = err
	sink("tuple", b[2:])
	m := map[string][]byte{}
	v, ok := m["k"]
	_ = ok
	sink("lookup", v)
}

// Generics.
func Head[S ~[]E, E any](s S, n int) S {
	sink("ghead", s[:n])
	sink("gconv", []E(s))
	return s
}

func Str[S ~[]byte](s S) string {
	sink("gstr", string(s))
	return ""
}

func Conversions(s string, b []byte) {
	sink("copy", []byte(s))
	sink("full", b[:])
	sink("from0", b[0:])
	sink("global", global[1:])
	var a [16]byte
	sink("array", a[:4])
	sink("iface", any(b))
}
`

func TestOrigins(t *testing.T) {
	f := check(t, "example.com/p", originsSrc, nil, nil)
	for _, tc := range []struct {
		label string
		want  []string
	}{
		{"pkglit", []string{"param 0 narrowed"}},
		{"merge", []string{"alloc make([]byte, 10)", "call get"}},
		{"before", []string{"call Get"}},
		{"kill", []string{"alloc make([]byte, 4)"}},
		{"put", []string{"param 0 *.buf"}},
		{"refill", []string{"call Get"}},
		{"loop", []string{"param 0", "param 0 narrowed"}},
		{"acc", []string{"append append", "const nil:[]byte"}},
		{"field", []string{"alloc make([]byte, 8)"}},
		{"zero", []string{"zero complit .buf"}},
		{"deep", []string{"call get"}},
		{"fparam", []string{"param 0 *.buf narrowed"}},
		{"fstruct", []string{"param 1 .buf"}},
		{"elem", []string{"param 2 [0]"}},
		{"deref", []string{"param 3 *"}},
		{"chain", []string{"param 0 *.next*.buf"}},
		{"lit", []string{"param 0"}},
		{"arrfield", []string{"param 0 *.arr narrowed"}},
		{"localarr", []string{"alloc b .arr"}},
		{"elemaddr", []string{"param 1 [2]"}},
		{"elemarr", []string{"param 1 [1].arr narrowed"}},
		{"arr", []string{"param 0"}},
		{"arr1", []string{"const nil:[]byte"}},
		{"unassigned", []string{"zero b"}},
		{"addr", []string{"alloc make([]byte, 2)"}},
		{"addrmerge", []string{"alloc make([]byte, 2)", "call get"}},
		{"free", []string{"param 0 narrowed"}},
		{"cw", []string{"alloc make([]byte, 3)", "zero b"}},
		{"nested", []string{"param 0"}},
		{"loopvar", []string{"param 0 []"}},
		{"loopi", []string{"param 0 [] narrowed"}},
		{"ptrlit", []string{"param 0"}},
		{"tuple", []string{"call two narrowed"}},
		{"lookup", []string{"unknown"}},
		{"ghead", []string{"param 0 narrowed"}},
		{"gconv", []string{"param 0"}},
		{"gstr", []string{"alloc string(s)"}},
		{"copy", []string{"alloc []byte(s)"}},
		{"full", []string{"param 1"}},
		{"from0", []string{"param 1"}},
		{"global", []string{"global global narrowed"}},
		{"array", []string{"alloc a narrowed"}},
		{"iface", []string{"param 1"}},
	} {
		t.Run(tc.label, func(t *testing.T) {
			assert.Equal(t, tc.want, f.origins(t, tc.label))
		})
	}
}

func TestOriginSteps(t *testing.T) {
	f := check(t, "example.com/p", originsSrc, nil, nil)
	p := f.p

	// source -> view -> holder -> use: the refilled field's chain names
	// the load, the store that reaches it (with its line) and the call.
	os := p.Origins(f.value(t, "refill"))
	require.Len(t, os, 1)
	var ops []Op
	for _, s := range os[0].Steps {
		ops = append(ops, s.Op)
	}
	assert.Equal(t, []Op{OpLoad, OpStore, OpConvert, OpSource}, ops)
	store := os[0].Steps[1]
	require.IsType(t, (*ssa.Store)(nil), store.Instr)
	assert.Equal(t, lineOf(originsSrc, "t.buf = p.Get()"), f.line(store.Pos))
	assert.Equal(t, lineOf(originsSrc, "t.buf = p.Get()"), f.line(os[0].Pos))

	// A parameter field: the origin is the parameter, its position the
	// parameter's.
	os = p.Origins(f.value(t, "fparam"))
	require.Len(t, os, 1)
	assert.Equal(t, Param, os[0].Kind)
	assert.Equal(t, "FieldParam", os[0].Func.Name())
	assert.Equal(t, "*.buf", os[0].Path.String())
	assert.Equal(t, "buf", os[0].Path[1].Field.Name())
	assert.Equal(t, lineOf(originsSrc, "func FieldParam"), f.line(os[0].Pos))
	assert.Equal(t, OpSlice, os[0].Steps[0].Op)

	// The loop: the narrowed origin passes the phi and the slicing.
	for _, o := range p.Origins(f.value(t, "loop")) {
		if o.Narrowed {
			var ops []Op
			for _, s := range o.Steps {
				ops = append(ops, s.Op)
			}
			assert.Contains(t, ops, OpSlice)
			assert.Contains(t, ops, OpPhi)
		}
	}

	// A closure's free variable: the step names the MakeClosure.
	os = p.Origins(f.value(t, "free"))
	require.Len(t, os, 1)
	var mc *ssa.MakeClosure
	for _, s := range os[0].Steps {
		if s.Op == OpFreeVar {
			mc, _ = s.Instr.(*ssa.MakeClosure)
		}
	}
	require.NotNil(t, mc)
	assert.Equal(t, "Closure", mc.Parent().Name())

	// A method receiver is parameter -1.
	f2 := check(t, "example.com/q", mappingSrc, nil, nil)
	os = f2.p.Origins(f2.value(t, "method"))
	require.Len(t, os, 1)
	assert.Equal(t, -1, os[0].Param)
	assert.Equal(t, "*.buf", os[0].Path.String())
}

func TestOriginsLimits(t *testing.T) {
	// A long chain of merges stays within the query's limits and ends
	// with an Unknown origin rather than a wrong answer.
	src := "package p\n\nfunc get(int) []byte { return nil }\n\nfunc Many(n int) {\n\tvar b []byte\n"
	for i := range 100 {
		src += "\tif n == " + strconv.Itoa(i) + " {\n\t\tb = get(" + strconv.Itoa(i) + ")\n\t}\n"
	}
	src += "\tsink(\"many\", b)\n}\n"
	f := check(t, "example.com/p", src, nil, nil)
	os := f.p.Origins(f.value(t, "many"))
	assert.LessOrEqual(t, len(os), maxOrigins+1)
	assert.Equal(t, Unknown, os[len(os)-1].Kind)
}

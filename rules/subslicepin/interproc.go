package subslicepin

// Across functions (issue 14 items 3-4), on the SSA value-flow layer.
//
// Each function of the package gets a summary, computed to a fixed point
// and exported as a fact for the packages that import it:
//
//   - result r is large storage, or a part of it (a wrapper of os.ReadFile,
//     a function returning a regexp match of a file it read), or a view of
//     parameter i (a part of it, taken at some position);
//   - parameter i: a part of it is kept beyond the call (stored in a
//     long-lived place, directly or by a callee), taken at some position;
//   - parameter q's storage is stored into what parameter p points to
//     (an Unmarshal method keeping views of its input in its receiver).
//
// A caller that stores the result of a large-returning function reports
// at the store (returning a view is the callee's right); a caller that
// passes large storage to a function that keeps a part of it reports at
// the place in the callee where the part is taken (the fix goes there),
// with the caller chain as evidence.

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/build"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
	"github.com/gofixslice/gofixslice/rules/internal/vflow"
)

// FuncSum is what a function does with large storage and with parts of
// its parameters (parameter positions: -1 the receiver, 0.. the
// parameters). Positions are "file:line" so that they cross packages.
type FuncSum struct {
	Results map[int]*ResultSum `json:"r,omitempty"`
	Keeps   map[int]*KeepSum   `json:"k,omitempty"`
	Into    map[int]*IntoSum   `json:"i,omitempty"`
}

// ResultSum describes one result.
type ResultSum struct {
	Check string `json:"c,omitempty"` // large storage: the check that reports it
	Src   string `json:"s,omitempty"` // what the storage is ("os.ReadFile's result")
	SrcAt string `json:"sa,omitempty"`
	Part  bool   `json:"p,omitempty"` // a part of it, not all of it
	CutAt string `json:"ca,omitempty"`
	// Views: the result is (a part of) the storage of these parameters.
	Views map[int]*ViewSum `json:"v,omitempty"`
	// Holds: what the result refers to (its elements, fields) holds
	// parts of these parameters' storage ([]Finding whose Line is a
	// substring of fragment.Raw).
	Holds map[int][]*ViewSum `json:"h,omitempty"`

	srcPos, cutPos token.Pos
	cutExpr        ast.Expr
}

// ViewSum: the result views a parameter's storage.
type ViewSum struct {
	Part  bool   `json:"p,omitempty"`
	CutAt string `json:"ca,omitempty"`

	cutPos  token.Pos
	cutExpr ast.Expr
}

// KeepSum: a parameter, or a part of it (Part), is kept beyond the call.
type KeepSum struct {
	Part   bool   `json:"p,omitempty"`
	CutAt  string `json:"ca,omitempty"`
	HeldAt string `json:"ha"`
	How    string `json:"h"`

	cutPos, heldPos token.Pos
	cutExpr         ast.Expr
}

// IntoSum: a parameter's storage is stored into what parameter P points to.
type IntoSum struct {
	P    int    `json:"p"`
	Part bool   `json:"pt,omitempty"`
	At   string `json:"a"`

	pos token.Pos
}

// Table holds the summaries of a package's functions.
type Table struct {
	pass  *rule.Pass
	facts rule.FactStore
	vf    *vflow.Package
	sums  *summary.Table
	local map[*types.Func]*FuncSum
	decls map[*ssa.Function]*ast.FuncDecl
	fns   map[*ast.FuncDecl]*flow.Func
	orig  map[ssa.Value][]vflow.Origin // Origins, once per value
	ext   map[*types.Func]*FuncSum     // summaries of other packages' functions (nil: none), decoded once
}

// origins is vf.Origins, computed once per value.
func (t *Table) origins(v ssa.Value) []vflow.Origin {
	if o, ok := t.orig[v]; ok {
		return o
	}
	o := t.vf.Origins(v)
	if t.orig == nil {
		t.orig = map[ssa.Value][]vflow.Origin{}
	}
	t.orig[v] = o
	return o
}

// FactKey is the key of a function's summary in its package's facts.
func FactKey(fn *types.Func) string { return "subslicepin:" + fn.Origin().FullName() }

// Summaries computes the package's summaries once and exports them.
var Summaries = &rule.Analysis{
	Name:       "gofixslicesubslicepin",
	Doc:        "gofixslicesubslicepin computes, for subslice-pin, which functions return large storage or parts of it, keep parts of their parameters, or store a parameter into another.",
	ResultType: reflect.TypeOf((*Table)(nil)),
	Run: func(pass *rule.Pass) any {
		t := &Table{pass: pass, facts: pass.Facts, vf: vflow.For(pass), sums: summary.For(pass),
			local: map[*types.Func]*FuncSum{}, decls: map[*ssa.Function]*ast.FuncDecl{}, fns: map[*ast.FuncDecl]*flow.Func{}}
		if !inGOROOT(pass) {
			// The standard library is described by the knowledge
			// table; under go/analysis it is analysed too, for facts.
			t.compute()
		}
		for fn, s := range t.local {
			if s.empty() {
				continue
			}
			if b, err := json.Marshal(s); err == nil {
				pass.Facts.Export(pass.Pkg, FactKey(fn), string(b))
			}
		}
		return t
	},
}

// inGOROOT reports whether the package's files are in the Go tree.
func inGOROOT(pass *rule.Pass) bool {
	root := build.Default.GOROOT
	if root == "" || len(pass.Files) == 0 {
		return false
	}
	name := pass.Fset.Position(pass.Files[0].FileStart).Filename
	return strings.HasPrefix(name, filepath.Join(root, "src")+string(filepath.Separator))
}

func (s *FuncSum) empty() bool {
	return s == nil || len(s.Results) == 0 && len(s.Keeps) == 0 && len(s.Into) == 0
}

func (s *FuncSum) key() string {
	b, _ := json.Marshal(s)
	return string(b)
}

// compute iterates the summaries of the package's functions to a fixed
// point (bounded).
func (t *Table) compute() {
	type decl struct {
		fd *ast.FuncDecl
		fn *types.Func
		f  *ssa.Function
	}
	var decls []decl
	for _, file := range t.pass.Files {
		for _, fl := range t.sums.Funcs(file) {
			fn, _ := t.pass.Info.Defs[fl.Decl.Name].(*types.Func)
			f := t.vf.FuncOf(fl.Decl)
			if fn == nil || f == nil {
				continue
			}
			t.decls[f] = fl.Decl
			t.fns[fl.Decl] = fl
			decls = append(decls, decl{fl.Decl, fn, f})
		}
	}
	// Only functions that can have a summary are summarized: a parameter
	// or result that can refer to storage.
	var todo []decl
	for _, d := range decls {
		if mayHaveSummary(d.f) {
			todo = append(todo, d)
		}
	}
	// Callers of each function, to recompute only those whose callees'
	// summaries changed.
	byFn := map[*types.Func]bool{}
	for _, d := range todo {
		byFn[d.fn] = true
	}
	callers := map[*types.Func][]int{}
	for i, d := range todo {
		seen := map[*types.Func]bool{}
		for _, f := range append([]*ssa.Function{d.f}, anonFuncs(d.f)...) {
			for _, b := range f.Blocks {
				for _, instr := range b.Instrs {
					if call, ok := instr.(ssa.CallInstruction); ok {
						if fn := staticFunc(call); fn != nil && byFn[fn.Origin()] && !seen[fn.Origin()] {
							seen[fn.Origin()] = true
							callers[fn.Origin()] = append(callers[fn.Origin()], i)
						}
					}
				}
			}
		}
	}
	dirty := make([]bool, len(todo))
	for i := range dirty {
		dirty[i] = true
	}
	for round := 0; round < 6; round++ {
		changed := false
		next := make([]bool, len(todo))
		for i, d := range todo {
			if !dirty[i] {
				continue
			}
			s := t.summarize(d.fd, d.f)
			if knowledge.IsWriteMethod(d.fn) || knowledge.IsReadMethod(d.fn) {
				// The io contracts: Write and Read must not keep p
				// (lz4's Writer keeps the last block it compressed in a
				// scratch slot the next Write overwrites).
				delete(s.Keeps, 0)
			}
			if t.local[d.fn].key() != s.key() {
				changed = true
				for _, j := range callers[d.fn] {
					next[j] = true
				}
			}
			t.local[d.fn] = s
		}
		if !changed {
			break
		}
		dirty = next
	}
}

// mayHaveSummary reports whether a function has a parameter or result
// that can refer to storage.
func mayHaveSummary(f *ssa.Function) bool {
	for _, p := range f.Params {
		if hasPointers(p.Type()) {
			return true
		}
	}
	res := f.Signature.Results()
	for i := range res.Len() {
		if sharesStorage(res.At(i).Type()) {
			return true
		}
	}
	return false
}

func anonFuncs(f *ssa.Function) []*ssa.Function {
	var out []*ssa.Function
	for _, a := range f.AnonFuncs {
		out = append(out, a)
		out = append(out, anonFuncs(a)...)
	}
	return out
}

// summarize computes one function's summary from the current table.
func (t *Table) summarize(fd *ast.FuncDecl, f *ssa.Function) *FuncSum {
	s := &FuncSum{}
	c := t.checker(fd, nil)
	c.collect = s
	c.self = f
	// Results.
	eachResult(f, func(r int, v ssa.Value) {
		if !sharesStorage(v.Type()) {
			return
		}
		for _, h := range c.trace(v, 0) {
			rs := s.Results[r]
			if rs == nil {
				rs = &ResultSum{}
			}
			switch {
			case h.check != nil:
				if rs.Check == "" || h.part && !rs.Part {
					rs.Check, rs.Src, rs.SrcAt, rs.srcPos = h.check.Name, h.src, h.srcAt, h.srcPos
					rs.Part, rs.CutAt, rs.cutPos, rs.cutExpr = h.part, h.cutAt, h.cutPos, h.cutExpr
				}
			case h.fn == f:
				if rs.Views == nil {
					rs.Views = map[int]*ViewSum{}
				}
				if vs := rs.Views[h.param]; vs == nil || h.part && !vs.Part {
					rs.Views[h.param] = &ViewSum{Part: h.part, CutAt: h.cutAt, cutPos: h.cutPos, cutExpr: h.cutExpr}
				}
			default:
				continue
			}
			if s.Results == nil {
				s.Results = map[int]*ResultSum{}
			}
			s.Results[r] = rs
		}
	})
	// What the results refer to.
	index := paramIndex(f)
	eachResult(f, func(r int, v ssa.Value) {
		if !hasPointers(v.Type()) {
			return
		}
		cuts := map[int][]tst{}
		t.taintCuts(f, v, index, cuts)
		for _, q := range sortedKeys(cuts) {
			rs := s.Results[r]
			if rs == nil {
				rs = &ResultSum{}
			}
			if _, ok := rs.Views[q]; ok {
				continue
			}
			if rs.Holds == nil {
				rs.Holds = map[int][]*ViewSum{}
			}
			for _, ts := range cuts[q] {
				if len(rs.Holds[q]) < 4 && !slices.ContainsFunc(rs.Holds[q], func(h *ViewSum) bool { return h.cutPos == ts.cut }) {
					rs.Holds[q] = append(rs.Holds[q], &ViewSum{Part: true, CutAt: t.at(ts.cut), cutPos: ts.cut, cutExpr: ts.exp})
				}
			}
			if s.Results == nil {
				s.Results = map[int]*ResultSum{}
			}
			s.Results[r] = rs
		}
	})
	// Parts of parameters kept: the rule's own sinks, in collecting mode.
	c.check()
	// Parameters stored into what another parameter points to.
	t.into(f, s)
	return s
}

// checker makes a pinCheck for a declaration.
func (t *Table) checker(fd *ast.FuncDecl, p *rule.Pass) *pinCheck {
	if p == nil {
		p = t.pass
	}
	fl := t.fns[fd]
	if fl == nil {
		fl = t.sums.Flow(fd)
	}
	return &pinCheck{pass: p, sums: t.sums, vf: t.vf, fn: fl, tab: t}
}

// funcSum returns the summary of fn: of this package, or from the facts of
// an imported one.
func (t *Table) funcSum(fn *types.Func) *FuncSum {
	if fn == nil {
		return nil
	}
	fn = fn.Origin()
	if s, ok := t.ext[fn]; ok {
		return s
	}
	if _, known := knowledge.Lookup(fn); known {
		// The knowledge table first, as the retention summaries do: its
		// views (bytes.TrimSpace, regexp's Find*) are what the rule's
		// evidence about whole views is written for.
		t.remember(fn, nil)
		return nil
	}
	if s, ok := t.local[fn]; ok {
		return s
	}
	if fn.Pkg() == nil || fn.Pkg() == t.pass.Pkg {
		return nil
	}
	v, ok := t.facts.Import(fn.Pkg(), FactKey(fn))
	var s *FuncSum
	if ok {
		s = &FuncSum{}
		if json.Unmarshal([]byte(v), s) != nil {
			s = nil
		}
	}
	t.remember(fn, s)
	return s
}

func (t *Table) remember(fn *types.Func, s *FuncSum) {
	if t.ext == nil {
		t.ext = map[*types.Func]*FuncSum{}
	}
	t.ext[fn] = s
}

func (t *Table) at(pos token.Pos) string {
	if !pos.IsValid() {
		return ""
	}
	p := t.pass.Fset.Position(pos)
	return fmt.Sprintf("%s:%d", shortFile(p.Filename), p.Line)
}

func shortFile(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' {
			return name[i+1:]
		}
	}
	return name
}

// --- tracing values to large storage and parameters, across calls ---

// hit is one source a value may be (a part of): large storage (check
// set), or a parameter of fn.
type hit struct {
	check  *rule.Check
	src    string // "os.ReadFile's result"
	srcAt  string
	srcPos token.Pos

	fn    *ssa.Function // parameter hits: whose
	param int

	part    bool // a part of the source, not all of it
	cutAt   string
	cutPos  token.Pos
	cutExpr ast.Expr

	cross   bool           // found through another function's summary
	held    bool           // the part is inside what the value refers to, not the value itself
	callers []rule.Related // how the source reached the function (caller context)
	srcNode ast.Node       // the outermost expression that is the whole storage (string(data))
}

func sharesStorage(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Slice:
		return true
	case *types.Basic:
		return u.Info()&types.IsString != 0
	}
	return false
}

// trace returns the sources v may come from, through the summaries of the
// functions it calls.
func (c *pinCheck) trace(v ssa.Value, depth int) []hit {
	if v == nil || depth > 6 || c.tab == nil || !hasPointers(v.Type()) {
		return nil
	}
	if depth == 0 {
		c.budget = 64 // origin queries per traced value
	}
	if c.budget--; c.budget < 0 {
		return nil
	}
	t := c.tab
	var out []hit
	for _, o := range t.origins(v) {
		// Only an upper bound makes a small part: a tail x[i:] keeps the
		// rest of the array in use (a cursor, a slab's remainder).
		part := o.Narrowed && upperBound(o) && !c.wholeSteps(o) || varElem(o.Path)
		cutPos, cutExpr := c.cutOf(o)
		// with applies this origin's own narrowing to a hit found beyond
		// it: the cut nearest the holder is where the fix goes.
		with := func(h hit) hit {
			if part {
				h.part, h.cutPos, h.cutExpr, h.cutAt = true, cutPos, cutExpr, t.at(cutPos)
			}
			return h
		}
		switch o.Kind {
		case vflow.Param:
			out = append(out, hit{fn: o.Func, param: o.Param, part: part, cutPos: cutPos, cutExpr: cutExpr, cutAt: t.at(cutPos)})
		case vflow.Call:
			call, ok := o.Value.(*ssa.Call)
			if !ok {
				continue
			}
			callee := staticFunc(call)
			if knowledge.IsLargeReader(callee) && o.Result == 0 && !varElem(o.Path) {
				if e, ok := c.vf.Expr(call).(*ast.CallExpr); ok && c.enclosing(call).smallFile(e) {
					continue
				}
				out = append(out, hit{check: wholeRead, src: callee.Pkg().Name() + "." + callee.Name() + "'s result", srcPos: call.Pos(), srcAt: t.at(call.Pos()), srcNode: c.vf.Expr(call),
					part: part, cutPos: cutPos, cutExpr: cutExpr, cutAt: t.at(cutPos)})
				continue
			}
			if fs := t.funcSum(callee); fs != nil {
				rs := fs.Results[o.Result]
				if rs == nil {
					continue
				}
				if rs.Check != "" {
					h := hit{check: checkNamed(rs.Check), src: rs.Src, srcAt: rs.SrcAt, srcPos: rs.srcPos,
						part: rs.Part, cutAt: rs.CutAt, cutPos: rs.cutPos, cutExpr: rs.cutExpr, cross: true}
					if h.check != nil {
						out = append(out, with(h))
					}
				}
				for _, i := range sortedKeys(rs.Holds) {
					if !varElem(o.Path) {
						// The result kept whole (a parse of the whole
						// input) holds all its parts: nothing extra.
						break
					}
					large := c.contentLarge(argAt(call, i), depth+1)
					for _, vs := range rs.Holds[i] {
						for _, h := range large {
							h.part, h.cutAt, h.cutPos, h.cutExpr, h.cross, h.held = true, vs.CutAt, vs.cutPos, vs.cutExpr, true, true
							out = append(out, h)
						}
					}
				}
				for _, i := range sortedKeys(rs.Views) {
					vs := rs.Views[i]
					if refillsArg(call, i) {
						// z.body, err = r.ReadBytes(z.body): a part of what
						// the location already held goes back into it;
						// nothing is kept that was not kept before.
						continue
					}
					for _, h := range c.trace(argAt(call, i), depth+1) {
						if vs.Part {
							h.part, h.cutAt, h.cutPos, h.cutExpr = true, vs.CutAt, vs.cutPos, vs.cutExpr
						}
						h.cross = true
						out = append(out, with(h))
					}
				}
				continue
			}
			if o.Result != 0 && !resultShares(call, o.Result) {
				continue
			}
			// A view-returning callee of the standard library or the
			// retention summaries: its result may be any part of the
			// argument.
			for _, i := range c.viewArgs(callee) {
				for _, h := range c.trace(argAt(call, i), depth+1) {
					if !part {
						h.part, h.cutPos, h.cutExpr, h.cutAt = true, call.Pos(), c.vf.Expr(call), t.at(call.Pos())
					}
					out = append(out, with(h))
				}
			}
		case vflow.Alloc:
			switch a := o.Value.(type) {
			case *ssa.MakeSlice, *ssa.Alloc:
				if al, ok := a.(*ssa.Alloc); ok && al.Comment != "makeslice" {
					// A variable or object: what calls stored into it.
					if len(o.Path) == 0 {
						for _, h := range c.contents(al, depth) {
							out = append(out, with(h))
						}
					}
					continue
				}
				e, ok := c.vf.Expr(a).(*ast.CallExpr)
				if !ok || !flow.IsBuiltin(c.pass.Info, e, "make") {
					continue
				}
				if ec := c.enclosing(a.(ssa.Instruction)); ec.largeMake(e) {
					out = append(out, hit{check: largeMake, src: rule.ExprText(c.pass.Fset, e), srcPos: e.Pos(), srcAt: t.at(e.Pos()), srcNode: e,
						part: part, cutPos: cutPos, cutExpr: cutExpr, cutAt: t.at(cutPos)})
				}
			case *ssa.Convert:
				// string(data) of a whole large input is large too.
				if len(o.Path) > 0 {
					continue
				}
				for _, h := range c.trace(a.X, depth+1) {
					if h.check != nil && !h.part {
						h.src = "a copy of " + h.src
						if e := c.vf.Expr(a); e != nil {
							h.srcNode = e
						}
						out = append(out, with(h))
					}
				}
			}
		}
	}
	return out
}

// contentLarge returns the large storage v is or refers to: a struct
// value built field by field (Fragment{Raw: string(data)}) holds what is
// stored into its fields.
func (c *pinCheck) contentLarge(v ssa.Value, depth int) []hit {
	var out []hit
	for _, h := range c.trace(v, depth) {
		if h.check != nil {
			out = append(out, h)
		}
	}
	if len(out) > 0 || depth > 6 {
		return out
	}
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		v = u.X
	}
	a, ok := v.(*ssa.Alloc)
	if !ok || a.Referrers() == nil {
		return nil
	}
	for _, r := range *a.Referrers() {
		fa, ok := r.(*ssa.FieldAddr)
		if !ok || fa.Referrers() == nil {
			continue
		}
		for _, r2 := range *fa.Referrers() {
			if st, ok := r2.(*ssa.Store); ok && st.Addr == fa {
				for _, h := range c.trace(st.Val, depth+1) {
					if h.check != nil {
						out = append(out, h)
					}
				}
			}
		}
	}
	return out
}

// resultShares reports whether result i of a view-returning call can
// share the argument's storage too (strings.Cut's after): a string or
// slice result.
func resultShares(call *ssa.Call, i int) bool {
	res := call.Call.Signature().Results()
	return i < res.Len() && sharesStorage(res.At(i).Type())
}

// upperBound reports whether some narrowing slicing on the way from the
// value to its origin gives an upper bound (s[i:j], s[:j]).
func upperBound(o vflow.Origin) bool {
	for _, s := range o.Steps {
		if sl, ok := s.Value.(*ssa.Slice); ok && s.Op == vflow.OpSlice && sl.High != nil {
			return true
		}
	}
	return false
}

// cutOf returns where an origin's part is taken: the first narrowing
// slicing, field or element read on the way from the value to it.
func (c *pinCheck) cutOf(o vflow.Origin) (token.Pos, ast.Expr) {
	for _, s := range o.Steps {
		switch s.Op {
		case vflow.OpSlice:
			if sl, ok := s.Value.(*ssa.Slice); !ok || sl.High == nil && (sl.Low == nil || isZero(sl.Low)) {
				continue
			}
		case vflow.OpField, vflow.OpIndex, vflow.OpLoad:
		default:
			continue
		}
		if s.Pos.IsValid() {
			return s.Pos, c.vf.Expr(s.Value)
		}
	}
	return o.Pos, c.vf.Expr(o.Value)
}

// varElem reports whether a path reads an element at a variable index
// (a range element, parts[i]): one of many parts.
func varElem(p vflow.Path) bool {
	for _, e := range p {
		if e.Kind == vflow.Elem && e.Index < 0 {
			return true
		}
	}
	return false
}

func checkNamed(name string) *rule.Check {
	for _, c := range []*rule.Check{wholeRead, largeMake} {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func sortedKeys[V any](m map[int]V) []int {
	var ks []int
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// staticFunc returns the declared function or method a call calls, or nil.
func staticFunc(call ssa.CallInstruction) *types.Func {
	cc := call.Common()
	if cc.IsInvoke() {
		return cc.Method
	}
	if fn := cc.StaticCallee(); fn != nil {
		if tf, ok := fn.Object().(*types.Func); ok {
			return tf
		}
		if o := fn.Origin(); o != nil {
			if tf, ok := o.Object().(*types.Func); ok {
				return tf
			}
		}
	}
	return nil
}

// argAt returns the value passed at position i (-1: the receiver).
func argAt(call ssa.CallInstruction, i int) ssa.Value {
	cc := call.Common()
	if cc.IsInvoke() {
		if i < 0 {
			return cc.Value
		}
		if i < len(cc.Args) {
			return cc.Args[i]
		}
		return nil
	}
	if cc.Signature().Recv() != nil {
		i++
	}
	if i >= 0 && i < len(cc.Args) {
		return cc.Args[i]
	}
	return nil
}

// viewArgs returns the arguments whose storage the callee's result 0 views,
// from the knowledge table or the retention summaries.
func (c *pinCheck) viewArgs(fn *types.Func) []int {
	s, ok := c.sums.Func(fn)
	if !ok {
		return nil
	}
	var out []int
	s.Views.Each(func(i int) { out = append(out, i) })
	return out
}

// enclosing returns a checker for the declaration holding instr.
func (c *pinCheck) enclosing(instr ssa.Instruction) *pinCheck {
	f := instr.Parent()
	for f != nil && f.Parent() != nil {
		f = f.Parent()
	}
	if fd, ok := c.tab.decls[f]; ok && fd != c.fn.Decl {
		return c.tab.checker(fd, c.pass)
	}
	return c
}

// contents returns the large storage calls store into the variable or
// object a (parts of req's input after req.Unmarshal(body)).
func (c *pinCheck) contents(a *ssa.Alloc, depth int) []hit {
	var out []hit
	refs := a.Referrers()
	if refs == nil {
		return nil
	}
	for _, r := range *refs {
		call, ok := r.(ssa.CallInstruction)
		if !ok {
			continue
		}
		fs := c.tab.funcSum(staticFunc(call))
		if fs == nil {
			continue
		}
		for _, q := range sortedKeys(fs.Into) {
			in := fs.Into[q]
			if argAt(call, in.P) != ssa.Value(a) {
				continue
			}
			for _, h := range c.trace(argAt(call, q), depth+1) {
				if h.check == nil {
					continue
				}
				h.part = h.part || in.Part
				h.cross = true
				name := "a call"
				if e := c.vf.Expr(call.Value()); e != nil {
					name = rule.ExprText(c.pass.Fset, e)
				}
				h.callers = append(h.callers, rule.Related{Pos: call.Pos(), Message: fmt.Sprintf("%s stores parts of it into %s", name, varName(a))})
				out = append(out, h)
			}
		}
	}
	return out
}

func varName(a *ssa.Alloc) string {
	if a.Comment != "" {
		return a.Comment
	}
	return "the variable"
}

// --- storing one parameter into another ---

// into records the parameters whose storage f stores into memory another
// parameter points to.
func (t *Table) into(f *ssa.Function, s *FuncSum) {
	index := paramIndex(f)
	for _, b := range f.Blocks {
		for _, instr := range b.Instrs {
			switch instr := instr.(type) {
			case *ssa.Store:
				t.kept(f, s, instr.Addr, instr.Val, instr.Pos(), index)
				p, ok := rootParam(instr.Addr, index)
				if !ok {
					continue
				}
				for q, ts := range t.taint(f, instr.Val, index) {
					if q != p {
						s.addInto(q, &IntoSum{P: p, Part: ts.nar, At: t.at(instr.Pos()), pos: instr.Pos()})
					}
				}
			case *ssa.MapUpdate:
				t.kept(f, s, instr.Map, instr.Value, instr.Pos(), index)
				t.kept(f, s, instr.Map, instr.Key, instr.Pos(), index)
			case ssa.CallInstruction:
				fs := t.funcSum(staticFunc(instr))
				if fs == nil {
					continue
				}
				for _, j := range sortedKeys(fs.Keeps) {
					if k := fs.Keeps[j]; !k.Part {
						for q, ts := range t.taint(f, argAt(instr, j), index) {
							if !ts.nar {
								s.addKeep(q, &KeepSum{HeldAt: t.at(instr.Pos()), How: "passed to a function that keeps it", heldPos: instr.Pos()})
							}
						}
					}
				}
				for _, q0 := range sortedKeys(fs.Into) {
					in := fs.Into[q0]
					p, ok := rootParam(argAt(instr, in.P), index)
					if !ok {
						continue
					}
					for q, ts := range t.taint(f, argAt(instr, q0), index) {
						if q != p {
							s.addInto(q, &IntoSum{P: p, Part: ts.nar || in.Part, At: t.at(instr.Pos()), pos: instr.Pos()})
						}
					}
				}
			}
		}
	}
}

// kept records the parameters whose storage (all of it) a store into a
// long-lived location keeps: memory a parameter points to, or a
// package-level variable.
func (t *Table) kept(f *ssa.Function, s *FuncSum, addr, val ssa.Value, pos token.Pos, index map[*ssa.Parameter]int) {
	p, ok := rootParam(addr, index)
	how := "stored in memory the caller can reach"
	if !ok {
		if !rootGlobal(addr) {
			return
		}
		p, how = -2, "stored in a package-level variable"
	}
	for q, ts := range t.taint(f, val, index) {
		if q != p && !ts.nar {
			s.addKeep(q, &KeepSum{HeldAt: t.at(pos), How: how, heldPos: pos})
		}
	}
}

// rootGlobal reports whether addr is in a package-level variable.
func rootGlobal(addr ssa.Value) bool {
	for i := 0; i < 16 && addr != nil; i++ {
		switch a := addr.(type) {
		case *ssa.FieldAddr:
			addr = a.X
		case *ssa.IndexAddr:
			addr = a.X
		case *ssa.UnOp:
			if a.Op != token.MUL {
				return false
			}
			addr = a.X
		case *ssa.Global:
			return true
		default:
			return false
		}
	}
	return false
}

func (s *FuncSum) addInto(q int, in *IntoSum) {
	if s.Into == nil {
		s.Into = map[int]*IntoSum{}
	}
	if old := s.Into[q]; old == nil || in.Part && !old.Part {
		s.Into[q] = in
	}
}

func paramIndex(f *ssa.Function) map[*ssa.Parameter]int {
	m := map[*ssa.Parameter]int{}
	off := 0
	if f.Signature.Recv() != nil {
		off = -1
	}
	for i, p := range f.Params {
		m[p] = i + off
	}
	return m
}

// rootParam returns the parameter whose pointed-to memory addr is in
// (p.f, p.a[i], *p), if any.
func rootParam(addr ssa.Value, index map[*ssa.Parameter]int) (int, bool) {
	deref := false
	for i := 0; i < 16 && addr != nil; i++ {
		switch a := addr.(type) {
		case *ssa.FieldAddr:
			addr, deref = a.X, true
		case *ssa.IndexAddr:
			if !isPointerType(a.X.Type()) {
				if _, ok := a.X.Type().Underlying().(*types.Slice); !ok {
					return 0, false
				}
			}
			addr, deref = a.X, true
		case *ssa.UnOp:
			if a.Op != token.MUL {
				return 0, false
			}
			addr = a.X
		case *ssa.Parameter:
			p, ok := index[a]
			return p, ok && (deref || isPointerType(a.Type()))
		default:
			return 0, false
		}
	}
	return 0, false
}

func isPointerType(t types.Type) bool {
	_, ok := t.Underlying().(*types.Pointer)
	return ok
}

// tst is the state of a taint walk: whether a narrowing was passed, and
// the first one met from the value (where the part is taken).
type tst struct {
	nar bool
	cut token.Pos
	exp ast.Expr
}

// narrow records a narrowing at pos (of expression e), unless one was met.
func (s tst) narrow(pos token.Pos, e ast.Expr) tst {
	if s.nar {
		return s
	}
	return tst{true, pos, e}
}

// taint returns the parameters whose storage v may hold (anywhere inside
// it), and whether only a part of it (a narrowing on the way, and where).
func (t *Table) taint(f *ssa.Function, v ssa.Value, index map[*ssa.Parameter]int) map[int]tst {
	return t.taintCuts(f, v, index, nil)
}

// taintCuts is taint, also listing in cuts every narrowing (up to 4) by
// which a part of each parameter is reached.
func (t *Table) taintCuts(f *ssa.Function, v ssa.Value, index map[*ssa.Parameter]int, cuts map[int][]tst) map[int]tst {
	out := map[int]tst{}
	type key struct {
		v   ssa.Value
		nar tst
	}
	seen := map[key]bool{}
	budget := 2000
	var walk func(v ssa.Value, nar tst)
	walk = func(v ssa.Value, nar tst) {
		if v == nil || seen[key{v, nar}] || budget <= 0 || !hasPointers(v.Type()) {
			return
		}
		seen[key{v, nar}] = true
		budget--
		switch v := v.(type) {
		case *ssa.Parameter:
			if p, ok := index[v]; ok {
				if old, seen := out[p]; !seen || nar.nar && !old.nar {
					out[p] = nar
				}
				if nar.nar && cuts != nil && len(cuts[p]) < 4 && !slices.Contains(cuts[p], nar) {
					cuts[p] = append(cuts[p], nar)
				}
			}
		case *ssa.Slice:
			if v.High != nil || v.Low != nil && !isZero(v.Low) {
				walk(v.X, nar.narrow(v.Pos(), t.vf.Expr(v)))
			} else {
				walk(v.X, nar)
			}
		case *ssa.Convert:
			if !copiesStorage(v.X.Type(), v.Type()) {
				walk(v.X, nar)
			}
		case *ssa.ChangeType:
			walk(v.X, nar)
		case *ssa.MakeInterface:
			walk(v.X, nar)
		case *ssa.Field:
			walk(v.X, nar)
		case *ssa.Index:
			walk(v.X, nar)
		case *ssa.Phi:
			for _, e := range v.Edges {
				walk(e, nar)
			}
		case *ssa.UnOp:
			if v.Op == token.MUL {
				walk(v.X, nar)
			}
		case *ssa.FieldAddr:
			walk(v.X, nar)
		case *ssa.IndexAddr:
			walk(v.X, nar)
		case *ssa.Extract:
			if call, ok := v.Tuple.(*ssa.Call); ok {
				t.taintCall(call, v.Index, nar, walk)
			}
		case *ssa.Call:
			t.taintCall(v, 0, nar, walk)
		case *ssa.Alloc:
			// What is stored into the variable or object.
			var stores func(x ssa.Value, d int)
			stores = func(x ssa.Value, d int) {
				refs := x.Referrers()
				if refs == nil || d > 6 {
					return
				}
				for _, r := range *refs {
					switch r := r.(type) {
					case *ssa.Store:
						if r.Addr == x {
							walk(r.Val, nar)
						}
					case *ssa.FieldAddr:
						stores(r, d+1)
					case *ssa.IndexAddr:
						stores(r, d+1)
					case *ssa.Slice:
						stores(r, d+1)
					}
				}
			}
			stores(v, 0)
		}
	}
	walk(v, tst{})
	return out
}

// taintCall follows a call's result i to the arguments it may hold.
func (t *Table) taintCall(call *ssa.Call, i int, nar tst, walk func(ssa.Value, tst)) {
	if b, ok := call.Call.Value.(*ssa.Builtin); ok {
		if b.Name() == "append" && len(call.Call.Args) > 0 {
			// The elements appended are copied: only what they point
			// to is held.
			walk(call.Call.Args[0], nar)
			if len(call.Call.Args) > 1 {
				if sl, ok := call.Call.Args[1].Type().Underlying().(*types.Slice); ok && hasPointers(sl.Elem()) {
					walk(call.Call.Args[1], nar)
				}
			}
		}
		return
	}
	fn := staticFunc(call)
	if fs := t.funcSum(fn); fs != nil {
		if rs := fs.Results[i]; rs != nil {
			for _, p := range sortedKeys(rs.Views) {
				if vs := rs.Views[p]; vs.Part {
					walk(argAt(call, p), nar.narrow(vs.cutPos, vs.cutExpr))
				} else {
					walk(argAt(call, p), nar)
				}
			}
			for _, p := range sortedKeys(rs.Holds) {
				for _, vs := range rs.Holds[p] {
					walk(argAt(call, p), nar.narrow(vs.cutPos, vs.cutExpr))
				}
			}
		}
		return
	}
	if i != 0 && !resultShares(call, i) {
		return
	}
	if s, ok := t.sums.Func(fn); ok {
		s.Views.Each(func(p int) { walk(argAt(call, p), nar.narrow(call.Pos(), t.vf.Expr(call))) })
	}
}

// hasPointers reports whether a value of type t can refer to other
// storage.
func hasPointers(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Basic:
		return u.Info()&types.IsString != 0 || u.Kind() == types.UnsafePointer
	case *types.Array:
		return hasPointers(u.Elem())
	case *types.Struct:
		for i := range u.NumFields() {
			if hasPointers(u.Field(i).Type()) {
				return true
			}
		}
		return false
	}
	return true
}

func copiesStorage(from, to types.Type) bool {
	_, fs := from.Underlying().(*types.Slice)
	_, ts := to.Underlying().(*types.Slice)
	fb, fstr := from.Underlying().(*types.Basic)
	tb, tstr := to.Underlying().(*types.Basic)
	fstr = fstr && fb.Info()&types.IsString != 0
	tstr = tstr && tb.Info()&types.IsString != 0
	return fs && tstr || fstr && ts
}

// --- the rule's use of the summaries ---

// deep checks a value stored in a long-lived place (place says how) through
// the summaries: a part of large storage found through another function is
// reported at val; a part of one of the function's own parameters is
// recorded in the summary being collected.
func (c *pinCheck) deep(val ast.Expr, v ssa.Value, place string, fix bool) {
	if v == nil || c.tab == nil {
		return
	}
	for _, h := range c.trace(v, 0) {
		if c.collect != nil {
			// Returning a view (in a container or not) is the caller's
			// business: only what outlives the call is kept.
			if h.check == nil && h.fn == c.self && h.part && !strings.Contains(place, "return") && !c.holderReturned() {
				c.collect.addKeep(h.param, &KeepSum{Part: true, CutAt: h.cutAt, HeldAt: c.tab.at(val.Pos()), How: place,
					cutPos: h.cutPos, heldPos: val.Pos(), cutExpr: h.cutExpr})
			}
			continue
		}
		if h.check == nil || !h.part || !h.cross {
			continue
		}
		if h.srcNode != nil && c.holderKeepsWhole(h.srcNode) {
			continue // uid.Id = string(b); uid.Name = parse(uid.Id)
		}
		c.deepHit(val, h, place, fix)
		if t := c.pass.Info.TypeOf(val); !h.held && (t == nil || sharesStorage(t)) {
			return // one finding per value; parts held by a struct are reported where each is taken
		}
	}
}

// deepHit reports val, a part of large storage (h), kept in place. A
// value that is not itself a slice or string (a struct whose fields are
// parts) is reported where the part is taken: the copy goes there.
func (c *pinCheck) deepHit(val ast.Expr, h hit, place string, fix bool) {
	if t := c.pass.Info.TypeOf(val); t != nil && !sharesStorage(t) || h.held {
		e := h.cutExpr
		if e == nil || !h.cutPos.IsValid() || c.pass.FileOf(h.cutPos) == nil || !sharesStorage(c.pass.Info.TypeOf(e)) {
			return
		}
		d := rule.Diagnostic{
			Check: h.check, Pos: e.Pos(), End: e.End(),
			Message: fmt.Sprintf("%s is part of %s%s and ends up %s (%s): it keeps the whole backing array alive; copy it",
				rule.ExprText(c.pass.Fset, e), h.src, c.tab.elsewhere(h.srcPos, h.srcAt), place, c.tab.at(val.Pos())),
			Related: append(c.tab.chain(h), rule.Related{Pos: val.Pos(), End: val.End(), Message: "and " + place + " here"}),
			Fix:     rule.CloneFix(c.pass, e),
		}
		c.report(d)
		return
	}
	{
		d := rule.Diagnostic{
			Check: h.check, Pos: val.Pos(), End: val.End(),
			Message: fmt.Sprintf("%s is part of %s%s and is %s: it keeps the whole backing array alive; copy it",
				rule.ExprText(c.pass.Fset, val), h.src, c.tab.elsewhere(h.srcPos, h.srcAt), place),
			Related: append(c.tab.chain(h), rule.Related{Pos: val.Pos(), End: val.End(), Message: "and " + place + " here"}),
		}
		if fix {
			d.Fix = rule.CloneFix(c.pass, val)
		}
		c.report(d)
	}
}

// holderReturned reports whether the place being stored into is reached
// through a named result: the caller gets it back, it is not kept here.
func (c *pinCheck) holderReturned() bool {
	if c.holder == nil {
		return false
	}
	root := flow.Root(c.holder)
	if root == nil {
		return false
	}
	v := c.fn.VarOf(root)
	return v != nil && (c.fn.IsResult(v) || !c.fn.IsParam(v) && !flow.IsPackageLevel(v) && c.escapes(v))
}

func (s *FuncSum) addKeep(i int, k *KeepSum) {
	if s.Keeps == nil {
		s.Keeps = map[int]*KeepSum{}
	}
	if old, ok := s.Keeps[i]; !ok || k.Part && !old.Part {
		s.Keeps[i] = k
	}
}

// elsewhere names where a source is when it is not in the file at hand.
func (t *Table) elsewhere(pos token.Pos, at string) string {
	if at == "" {
		return ""
	}
	return " (" + at + ")"
}

// chain is the evidence of a hit: the source, how it reached the function,
// where the part is taken.
func (t *Table) chain(h hit) []rule.Related {
	var r []rule.Related
	if h.srcPos.IsValid() {
		r = append(r, rule.Related{Pos: h.srcPos, Message: h.src + " is the large storage"})
	}
	r = append(r, h.callers...)
	if h.cutPos.IsValid() {
		r = append(r, rule.Related{Pos: h.cutPos, Message: "a part of it is taken here"})
	}
	return r
}

// checkKeeps checks a call of a function that keeps a part of one of its
// parameters (caller context): large storage passed there is reported
// where the callee takes the part (the fix goes there), or at the call
// when the callee is in another package; a parameter of the function
// being summarized passed there makes it keep a part of that parameter.
func (c *pinCheck) checkKeeps(call *ast.CallExpr) {
	if c.tab == nil {
		return
	}
	callee := rule.Callee(c.pass.Info, call)
	fs := c.tab.funcSum(callee)
	if fs == nil || len(fs.Keeps) == 0 {
		return
	}
	if recv := c.sums.Arg(call, -1); len(recv) == 1 {
		// A method keeping the part in a receiver that is a local of this
		// function keeps it no longer than the local lives.
		if root := flow.Root(recv[0]); root != nil {
			if v := c.fn.VarOf(root); v != nil && !flow.IsPackageLevel(v) && !c.fn.IsParam(v) && !c.escapes(v) {
				if _, kept := fs.Keeps[-1]; !kept {
					return
				}
			}
		}
	}
	name := rule.ExprText(c.pass.Fset, call.Fun)
	for _, i := range sortedKeys(fs.Keeps) {
		k := fs.Keeps[i]
		for _, a := range c.sums.Arg(call, i) {
			v := c.argValue(a)
			for _, h := range c.trace(v, 0) {
				how := "passed to " + name + ", which keeps it"
				if c.collect != nil {
					if h.check != nil || h.fn != c.self {
						continue
					}
					switch {
					case k.Part:
						c.collect.addKeep(h.param, &KeepSum{Part: true, CutAt: k.CutAt, HeldAt: k.HeldAt, How: k.How, cutPos: k.cutPos, heldPos: k.heldPos, cutExpr: k.cutExpr})
					case h.part:
						c.collect.addKeep(h.param, &KeepSum{Part: true, CutAt: h.cutAt, HeldAt: c.tab.at(a.Pos()), How: how, cutPos: h.cutPos, heldPos: a.Pos(), cutExpr: h.cutExpr})
					default:
						c.collect.addKeep(h.param, &KeepSum{HeldAt: c.tab.at(a.Pos()), How: how, heldPos: a.Pos()})
					}
					continue
				}
				if h.check == nil {
					continue
				}
				if k.Part {
					c.reportKept(call, name, a, h, k)
					break
				}
				if h.part {
					c.deepHit(a, h, how, true)
					break
				}
			}
		}
	}
}

// argValue is the value of a call argument; &x of a variable is the
// variable.
func (c *pinCheck) argValue(a ast.Expr) ssa.Value {
	if v := c.vf.ValueOf(a); v != nil {
		return v
	}
	if u, ok := ast.Unparen(a).(*ast.UnaryExpr); ok && u.Op == token.AND {
		if v := c.vf.AddrOf(u.X); v != nil {
			return v
		}
		return c.vf.ValueOf(u.X)
	}
	return nil
}

// reportKept reports large storage (hit h) passed as argument a to a
// callee that keeps a part of it (k).
func (c *pinCheck) reportKept(call *ast.CallExpr, name string, a ast.Expr, h hit, k *KeepSum) {
	if c.inTestFile(call.Pos()) && k.cutPos.IsValid() && !c.inTestFile(k.cutPos) {
		// A test that feeds a large buffer says nothing about the callers
		// the non-test code serves, and the fix would go there (quic-go's
		// frame_sorter_test.go passing parts of one big make to push).
		return
	}
	rel := c.tab.chain(h)
	rel = append(rel, rule.Related{Pos: a.Pos(), End: a.End(), Message: "and passed to " + name + " here"})
	what := rule.ExprText(c.pass.Fset, a)
	if k.cutPos.IsValid() && c.pass.FileOf(k.cutPos) != nil {
		rel = append(rel, rule.Related{Pos: k.cutPos, Message: "which takes a part of it here"})
		if k.heldPos.IsValid() {
			rel = append(rel, rule.Related{Pos: k.heldPos, Message: "and keeps it: " + k.How})
		}
		part := "this"
		if k.cutExpr != nil {
			part = rule.ExprText(c.pass.Fset, k.cutExpr)
		}
		d := rule.Diagnostic{
			Check: h.check, Pos: k.cutPos,
			Message: fmt.Sprintf("%s is a part of a parameter and is %s; the caller at %s passes %s: it keeps the whole backing array alive; copy it",
				part, k.How, c.tab.at(call.Pos()), describeSrc(h)),
			Related: rel,
		}
		if e := k.cutExpr; e != nil && e.Pos() <= k.cutPos && k.cutPos < e.End() && sharesStorage(c.pass.Info.TypeOf(e)) {
			d.Pos, d.End = e.Pos(), e.End()
			d.Fix = rule.CloneFix(c.pass, k.cutExpr)
		}
		c.report(d)
		return
	}
	// The callee is in another package: report the call.
	c.report(rule.Diagnostic{
		Check: h.check, Pos: call.Pos(), End: call.End(),
		Message: fmt.Sprintf("%s is %s and %s keeps a part of it (taken at %s, %s): it keeps the whole backing array alive; %s should copy the part it keeps",
			what, describeSrc(h), name, k.CutAt, k.How, name),
		Related: rel,
	})
}

func describeSrc(h hit) string {
	s := h.src
	if h.part {
		s = "a part of " + s
	}
	if h.srcAt != "" {
		s += " (" + h.srcAt + ")"
	}
	return s
}

// refillsArg reports whether argument i of call is loaded from a location
// into which the call's first result is stored back (x.f = g(x.f), also
// as x.f, err = g(x.f)).
func refillsArg(call *ssa.Call, i int) bool {
	load, ok := argAt(call, i).(*ssa.UnOp)
	if !ok || load.Op != token.MUL {
		return false
	}
	results := []ssa.Value{call}
	for _, r := range *call.Referrers() {
		if ex, ok := r.(*ssa.Extract); ok && ex.Index == 0 {
			results = append(results, ex)
		}
	}
	for _, res := range results {
		for _, r := range *res.Referrers() {
			if st, ok := r.(*ssa.Store); ok && st.Val == res && sameAddr(st.Addr, load.X) {
				return true
			}
		}
	}
	return false
}

// sameAddr reports whether two addresses are the same location: the same
// value, or the same field of the same address.
func sameAddr(a, b ssa.Value) bool {
	if a == b {
		return true
	}
	fa, ok1 := a.(*ssa.FieldAddr)
	fb, ok2 := b.(*ssa.FieldAddr)
	return ok1 && ok2 && fa.Field == fb.Field && sameAddr(fa.X, fb.X)
}

// inTestFile reports whether pos is in a _test.go file of the package.
func (c *pinCheck) inTestFile(pos token.Pos) bool {
	f := c.pass.Fset.File(pos)
	return f != nil && strings.HasSuffix(f.Name(), "_test.go")
}

// eachResult calls do with every result value of every return of f.
func eachResult(f *ssa.Function, do func(r int, v ssa.Value)) {
	for _, b := range f.Blocks {
		if len(b.Instrs) == 0 {
			continue
		}
		if ret, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok { // a return ends its block
			for r, v := range ret.Results {
				do(r, v)
			}
		}
	}
}

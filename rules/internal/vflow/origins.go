package vflow

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// Kind is what kind of source a value comes from.
type Kind uint8

// The kinds of origin.
const (
	// Alloc: storage allocated here: make, new, a composite literal, a
	// local variable or array, a closure, a string<->slice conversion or a
	// string concatenation (copies). Value is the allocating instruction.
	Alloc Kind = iota + 1
	// Append: the result of the append built-in: the first argument's
	// array when it had room, else a fresh one. Its first argument's
	// origins are listed too. Value is the *ssa.Call.
	Append
	// Call: a result of a call (Result says which). Value is the *ssa.Call.
	Call
	// Param: a parameter of Func (Param says which: -1 the receiver).
	// Value is the *ssa.Parameter.
	Param
	// Global: a package-level variable. Value is the *ssa.Global.
	Global
	// Const: a constant (nil, a string literal) or a function.
	Const
	// Zero: the zero value of a variable (Value: its *ssa.Alloc cell) that
	// is read on a path where nothing was stored into it.
	Zero
	// Unknown: a value this layer does not follow: a map lookup, a
	// channel receive, the free variable of a closure made elsewhere...
	Unknown
)

var kindNames = [...]string{Alloc: "alloc", Append: "append", Call: "call", Param: "param", Global: "global", Const: "const", Zero: "zero", Unknown: "unknown"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// ElemKind is one step of an access path.
type ElemKind uint8

// The steps of an access path.
const (
	Field ElemKind = iota + 1 // a field of a struct (Field, Index say which)
	Elem                      // an element of a slice or array (Index: a constant index, or -1)
	Deref                     // what a pointer points to
)

// PathElem is one step of an access path.
type PathElem struct {
	Kind  ElemKind
	Field *types.Var // Field: the field
	Index int        // Field: its index; Elem: the constant index, or -1
}

func (e PathElem) String() string {
	switch e.Kind {
	case Field:
		if e.Field != nil {
			return "." + e.Field.Name()
		}
		return fmt.Sprintf(".#%d", e.Index)
	case Elem:
		if e.Index >= 0 {
			return fmt.Sprintf("[%d]", e.Index)
		}
		return "[]"
	case Deref:
		return "*"
	}
	return "?"
}

// Path is an access path: what is read from an origin to get the value.
// For Param, Call and Unknown origins it starts at the value itself, and
// pointers are dereferenced explicitly: field f of parameter p *T is
// "*.f", of parameter s T is ".f"; an element of parameter b []T is "[]".
// For Alloc, Global and Zero origins it starts at the storage (the
// variable's content, the allocated object or array): global g itself is
// "", its field f ".f".
type Path []PathElem

func (p Path) String() string {
	var b strings.Builder
	for _, e := range p {
		b.WriteString(e.String())
	}
	return b.String()
}

// key is a compact form of p for maps.
func (p Path) key() string {
	if len(p) == 0 {
		return ""
	}
	b := make([]byte, 0, 3*len(p))
	for _, e := range p {
		b = append(b, byte(e.Kind), byte(e.Index), byte(e.Index>>8))
	}
	return string(b)
}

// Op is how a value is reached from the one before it in an evidence
// chain.
type Op uint8

// The steps of an evidence chain.
const (
	OpSource  Op = iota + 1 // the origin itself (the last step)
	OpPhi                   // a merge of branches, or a loop-carried value
	OpSlice                 // a slicing: s[i:j] (Value: the *ssa.Slice)
	OpConvert               // a conversion, a named-type change, interface boxing or unboxing
	OpLoad                  // a load from memory: a variable not in a register, a field, an element
	OpStore                 // the store that reaches the load (Instr: the *ssa.Store, Value: what it stores)
	OpField                 // a field of a struct value
	OpIndex                 // an element of an array value
	OpExtract               // one result of a call returning several
	OpFreeVar               // a closure's free variable (Instr: the *ssa.MakeClosure binding it)
	OpAppend                // the first argument of append
)

var opNames = [...]string{OpSource: "source", OpPhi: "phi", OpSlice: "slice", OpConvert: "convert", OpLoad: "load", OpStore: "store",
	OpField: "field", OpIndex: "index", OpExtract: "extract", OpFreeVar: "freevar", OpAppend: "append"}

func (o Op) String() string {
	if int(o) < len(opNames) && opNames[o] != "" {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", o)
}

// Step is one link of the chain from a value back to its origin.
type Step struct {
	Op    Op
	Value ssa.Value       // the value at this step
	Instr ssa.Instruction // the instruction of the step: the store, the closure, or Value's own
	Pos   token.Pos       // a position for it (may be NoPos for a phi nobody names)
}

// Origin is one source a value may come from, with the way there.
type Origin struct {
	Kind   Kind
	Value  ssa.Value     // the source (see Kind)
	Func   *ssa.Function // Param: whose parameter
	Param  int           // Param: -1 the receiver, 0.. the parameters
	Result int           // Call: which result
	Path   Path          // what is read from the source (see Path)
	// Narrowed: some slicing on the way gives or takes an index
	// (s[i:], s[:j]): the value may view only a part of the source.
	// s[:] and s[0:] do not narrow.
	Narrowed bool
	Pos      token.Pos // where the source is
	// Steps is the chain from the queried value (first) to the source
	// (last, OpSource): the slicings, loads, stores and merges on the way,
	// each with its value, instruction and position.
	Steps []Step
}

func (o Origin) String() string {
	var b strings.Builder
	b.WriteString(o.Kind.String())
	switch o.Kind {
	case Param:
		fmt.Fprintf(&b, " %d", o.Param)
	case Call:
		if c, ok := o.Value.(*ssa.Call); ok {
			if fn := c.Call.StaticCallee(); fn != nil {
				fmt.Fprintf(&b, " %s", fn.Name())
			}
		}
		if o.Result != 0 {
			fmt.Fprintf(&b, "#%d", o.Result)
		}
	case Global:
		fmt.Fprintf(&b, " %s", o.Value.Name())
	}
	if len(o.Path) > 0 {
		fmt.Fprintf(&b, " %s", o.Path)
	}
	if o.Narrowed {
		b.WriteString(" narrowed")
	}
	return b.String()
}

// Callee returns the static callee of a Call or Append origin, or nil.
func (o Origin) Callee() *ssa.Function {
	if c, ok := o.Value.(*ssa.Call); ok {
		return c.Call.StaticCallee()
	}
	return nil
}

// Limits of one query: beyond them the answer is cut short, with an
// Unknown origin.
const (
	maxOrigins = 64
	maxVisits  = 4096  // values followed
	maxWork    = 50000 // blocks and stores looked at by searches
	maxPath    = 8     // elements of an access path
	maxSteps   = 64    // steps of a chain
)

// Origins returns the sources v may come from, each with its access path
// and the chain of steps from v to it, in a deterministic order. It follows
// phis (both branches of a merge, loop-carried values), slicing (recording
// whether the view is narrowed), conversions that keep the storage,
// interface boxing, the fields and elements of values, tuple results,
// closures' free variables (through the MakeClosure bindings), and loads
// from memory (see below). It stops at allocations, calls (callees are not
// entered), parameters, globals and constants.
//
// Loads from memory SSA did not lift (a variable whose address is taken,
// a field or element behind a pointer) are resolved by a backward search
// from the load for the stores to the same location: a store to exactly
// that location (same base value, same fields, same constant indexes)
// ends a path, a store that may be to it (an unknown index) does not; a
// path that reaches the base's definition without a store reads the zero
// value (a local variable or new object) or the content at entry (a
// parameter's field: Param with Path). Variables captured by closures add
// every store the closures make, wherever they run. There is no alias
// analysis: a location reached through two different pointer values is two
// locations, and calls are not assumed to write memory.
func (p *Package) Origins(v ssa.Value) []Origin {
	if v == nil {
		return nil
	}
	q := &query{p: p, seen: map[seenKey]bool{}}
	q.vals(v, nil, false, nil)
	return q.out
}

type query struct {
	p      *Package
	seen   map[seenKey]bool
	dedup  map[originKey]bool
	out    []Origin
	visits int
	work   int
	cut    bool
}

type seenKey struct {
	v        ssa.Value
	path     string
	narrowed bool
}

type originKey struct {
	kind     Kind
	v        ssa.Value
	result   int
	path     string
	narrowed bool
}

func appendStep(steps []Step, s Step) []Step {
	return append(slices.Clip(steps), s)
}

func (q *query) step(steps []Step, op Op, v ssa.Value) []Step {
	instr, _ := v.(ssa.Instruction)
	return appendStep(steps, Step{Op: op, Value: v, Instr: instr, Pos: q.p.Pos(v)})
}

func (q *query) emit(o Origin, steps []Step) {
	if q.dedup == nil {
		q.dedup = map[originKey]bool{}
	}
	k := originKey{o.Kind, o.Value, o.Result, o.Path.key(), o.Narrowed}
	if q.dedup[k] {
		return
	}
	q.dedup[k] = true
	o.Pos = q.p.Pos(o.Value)
	o.Steps = q.step(steps, OpSource, o.Value)
	q.out = append(q.out, o)
}

// vals adds the origins of v's part sfx (nil: v itself).
func (q *query) vals(v ssa.Value, sfx Path, nar bool, steps []Step) {
	if v == nil || q.cut {
		return
	}
	if q.visits++; q.visits > maxVisits || len(q.out) >= maxOrigins {
		q.cut = true
		q.out = append(q.out, Origin{Kind: Unknown, Value: v, Path: sfx, Narrowed: nar, Pos: q.p.Pos(v), Steps: q.step(steps, OpSource, v)})
		return
	}
	if len(sfx) > maxPath || len(steps) > maxSteps {
		// A path that keeps growing (a loop walking a list: p = p.next)
		// or a chain too long to be evidence.
		q.emit(Origin{Kind: Unknown, Value: v, Path: sfx, Narrowed: nar}, steps)
		return
	}
	k := seenKey{v, sfx.key(), nar}
	if q.seen[k] {
		return
	}
	q.seen[k] = true
	src := func(kind Kind) { q.emit(Origin{Kind: kind, Value: v, Path: sfx, Narrowed: nar}, steps) }

	switch v := v.(type) {
	case *ssa.Phi:
		s := q.step(steps, OpPhi, v)
		for _, e := range v.Edges {
			q.vals(e, sfx, nar, s)
		}
	case *ssa.Slice:
		if a, ok := v.X.(*ssa.Alloc); ok && a.Comment == "makeslice" && v.Low == nil && v.Max == nil {
			// make([]T, n, m) with a constant m is new([m]T)[:n].
			src(Alloc)
			return
		}
		n := nar
		if len(sfx) == 0 && narrows(v) {
			n = true
		}
		q.vals(v.X, sfx, n, q.step(steps, OpSlice, v))
	case *ssa.ChangeType:
		q.vals(v.X, sfx, nar, q.step(steps, OpConvert, v))
	case *ssa.ChangeInterface:
		q.vals(v.X, sfx, nar, q.step(steps, OpConvert, v))
	case *ssa.MakeInterface:
		q.vals(v.X, sfx, nar, q.step(steps, OpConvert, v))
	case *ssa.SliceToArrayPointer:
		q.vals(v.X, sfx, nar, q.step(steps, OpConvert, v))
	case *ssa.TypeAssert:
		if v.CommaOk {
			src(Unknown)
			return
		}
		q.vals(v.X, sfx, nar, q.step(steps, OpConvert, v))
	case *ssa.Convert:
		if copies(v.X.Type(), v.Type()) {
			src(Alloc)
			return
		}
		q.vals(v.X, sfx, nar, q.step(steps, OpConvert, v))
	case *ssa.MultiConvert:
		if copies(v.X.Type(), v.Type()) {
			src(Alloc)
			return
		}
		q.vals(v.X, sfx, nar, q.step(steps, OpConvert, v))
	case *ssa.UnOp:
		if v.Op == token.MUL {
			q.load(v.X, sfx, nar, q.step(steps, OpLoad, v), v)
			return
		}
		src(Unknown)
	case *ssa.Field:
		fe := PathElem{Kind: Field, Field: fieldVar(v.X.Type(), v.Field), Index: v.Field}
		q.vals(v.X, append(Path{fe}, sfx...), nar, q.step(steps, OpField, v))
	case *ssa.FieldAddr:
		// The address of a field (&x.f, x.arr[:]): the storage it points
		// into is that field of *X.
		fe := PathElem{Kind: Field, Field: fieldVar(v.X.Type(), v.Field), Index: v.Field}
		q.vals(v.X, append(Path{{Kind: Deref}, fe}, storage(sfx)...), nar, q.step(steps, OpField, v))
	case *ssa.IndexAddr:
		el := Path{{Kind: Elem, Index: constIndex(v.Index)}}
		if isPointer(v.X.Type()) {
			el = append(Path{{Kind: Deref}}, el...)
		}
		q.vals(v.X, append(el, storage(sfx)...), nar, q.step(steps, OpIndex, v))
	case *ssa.Index:
		q.vals(v.X, append(Path{{Kind: Elem, Index: constIndex(v.Index)}}, sfx...), nar, q.step(steps, OpIndex, v))
	case *ssa.Extract:
		s := q.step(steps, OpExtract, v)
		switch t := v.Tuple.(type) {
		case *ssa.Call:
			q.call(t, v.Index, sfx, nar, s)
		case *ssa.TypeAssert:
			if v.Index == 0 {
				q.vals(t.X, sfx, nar, s)
				return
			}
			src(Unknown)
		default:
			src(Unknown)
		}
	case *ssa.Call:
		q.call(v, 0, sfx, nar, steps)
	case *ssa.Alloc:
		q.emit(Origin{Kind: Alloc, Value: v, Path: storage(sfx), Narrowed: nar}, steps)
	case *ssa.Global:
		q.emit(Origin{Kind: Global, Value: v, Path: storage(sfx), Narrowed: nar}, steps)
	case *ssa.MakeSlice, *ssa.MakeMap, *ssa.MakeChan, *ssa.MakeClosure:
		src(Alloc)
	case *ssa.BinOp:
		if v.Op == token.ADD && hasTerm(v.Type(), isString) {
			src(Alloc) // a concatenation is a new string
			return
		}
		src(Unknown)
	case *ssa.Parameter:
		fn := v.Parent()
		i := slices.Index(fn.Params, v)
		if fn.Signature.Recv() != nil {
			i--
		}
		q.emit(Origin{Kind: Param, Value: v, Func: fn, Param: i, Path: sfx, Narrowed: nar}, steps)
	case *ssa.FreeVar:
		q.freeVar(v, sfx, nar, steps)
	case *ssa.Const, *ssa.Function:
		src(Const)
	default:
		src(Unknown)
	}
}

// storage drops the leading dereference of a path read from a pointer to
// storage (an Alloc, a Global, the address of a field or element): the
// path then starts at the storage, and a pointer to storage stands for
// the storage it points into.
func storage(p Path) Path {
	if len(p) > 0 && p[0].Kind == Deref {
		return p[1:]
	}
	return p
}

// call adds the origins of result i of a call.
func (q *query) call(c *ssa.Call, i int, sfx Path, nar bool, steps []Step) {
	if b, ok := c.Call.Value.(*ssa.Builtin); ok {
		args := c.Call.Args
		switch b.Name() {
		case "append":
			q.emit(Origin{Kind: Append, Value: c, Path: sfx, Narrowed: nar}, steps)
			s := q.step(steps, OpAppend, c)
			if len(args) > 0 {
				q.vals(args[0], sfx, nar, s)
			}
			if len(sfx) > 0 && sfx[0].Kind == Elem && len(args) > 1 {
				q.vals(args[1], sfx, nar, s) // an element may be one appended
			}
			return
		case "ssa:wrapnilchk":
			if len(args) > 0 {
				q.vals(args[0], sfx, nar, q.step(steps, OpConvert, c))
				return
			}
		}
		q.emit(Origin{Kind: Unknown, Value: c, Path: sfx, Narrowed: nar}, steps)
		return
	}
	q.emit(Origin{Kind: Call, Value: c, Result: i, Path: sfx, Narrowed: nar}, steps)
}

// freeVar adds the origins of a closure's free variable used as a value
// (the address of a captured variable, a bound receiver): the bindings of
// every closure of the function made in the package.
func (q *query) freeVar(fv *ssa.FreeVar, sfx Path, nar bool, steps []Step) {
	q.bindings(fv, sfx, nar, steps, func(b ssa.Value, _ *ssa.MakeClosure, s []Step) {
		q.vals(b, sfx, nar, s)
	})
}

// bindings calls each with the value every closure of fv's function made
// in the package binds to fv, and the step that crosses it; a free
// variable whose closures are unknown is an Unknown origin.
func (q *query) bindings(fv *ssa.FreeVar, path Path, nar bool, steps []Step, each func(b ssa.Value, mc *ssa.MakeClosure, s []Step)) {
	fn := fv.Parent()
	i := slices.Index(fn.FreeVars, fv)
	mcs := q.p.closures[fn]
	if i < 0 || len(mcs) == 0 {
		q.emit(Origin{Kind: Unknown, Value: fv, Path: path, Narrowed: nar}, steps)
		return
	}
	for _, mc := range mcs {
		each(mc.Bindings[i], mc, appendStep(steps, Step{Op: OpFreeVar, Value: fv, Instr: mc, Pos: q.p.InstrPos(mc)}))
	}
}

// load adds the origins of the content (part sfx) of the location addr
// points to, read at instruction at.
func (q *query) load(addr ssa.Value, sfx Path, nar bool, steps []Step, at ssa.Instruction) {
	root, elems := locKey(addr)
	full := append(slices.Clip(elems), sfx...)
	switch r := root.(type) {
	case *ssa.Global:
		// Package-level variables are not followed: any function may
		// store into them.
		q.emit(Origin{Kind: Global, Value: r, Path: full, Narrowed: nar}, steps)
		return
	case *ssa.FreeVar:
		q.captured(r, full, nar, steps)
		return
	}
	q.search(at, root, full, nar, steps)
	for _, sh := range q.p.sharers(root) {
		q.allStores(sh, full, nar, steps)
	}
}

// atDef adds the origins of location (root, full) where root is defined:
// a new variable or object holds its zero value; otherwise the content at
// entry is a part of root's value.
func (q *query) atDef(root ssa.Value, full Path, nar bool, steps []Step) {
	if a, ok := root.(*ssa.Alloc); ok {
		q.emit(Origin{Kind: Zero, Value: a, Path: full, Narrowed: nar}, steps)
		return
	}
	q.vals(root, full, nar, steps)
}

// captured adds the origins of location (fv, full) of a captured
// variable, read in the closure: what reaches the closure's creation, then
// whatever the creator and every closure sharing the variable store into
// it (they may run in any order).
func (q *query) captured(fv *ssa.FreeVar, full Path, nar bool, steps []Step) {
	q.bindings(fv, full, nar, steps, func(b ssa.Value, mc *ssa.MakeClosure, s []Step) {
		root, elems := locKey(b)
		bfull := append(slices.Clip(elems), full...)
		if outer, ok := root.(*ssa.FreeVar); ok {
			q.captured(outer, bfull, nar, s)
			return
		}
		q.search(mc, root, bfull, nar, s)
		q.allStores(root, bfull, nar, s)
		for _, sh := range q.p.sharers(root) {
			q.allStores(sh, bfull, nar, s)
		}
	})
}

// search walks back from at over the control-flow graph of its function
// for the stores that reach at and write location (root, full). A store to
// exactly that location ends its path; a path that reaches root's
// definition or the entry adds atDef once. Only the stores into root are
// looked at (Package.byRoot), so a block without one costs one step.
func (q *query) search(at ssa.Instruction, root ssa.Value, full Path, nar bool, steps []Step) {
	b := at.Block()
	if b == nil {
		q.atDef(root, full, nar, steps)
		return
	}
	// The stores into root, by block, each list in reverse order.
	inBlock := map[*ssa.BasicBlock][]*ssa.Store{}
	for _, s := range q.p.byRoot[root] {
		inBlock[s.Block()] = append(inBlock[s.Block()], s)
	}
	for _, ss := range inBlock {
		slices.Reverse(ss)
	}
	rootB, rootI := (*ssa.BasicBlock)(nil), -1
	if ri, ok := root.(ssa.Instruction); ok {
		rootB = ri.Block()
		if rootB != nil {
			rootI = slices.Index(rootB.Instrs, ri)
		}
	}
	def := false
	type frame struct {
		b   *ssa.BasicBlock
		end int // instructions before end
	}
	work := []frame{{b, slices.Index(b.Instrs, at)}}
	visited := map[*ssa.BasicBlock]bool{}
	for len(work) > 0 && !q.cut {
		f := work[len(work)-1]
		work = work[:len(work)-1]
		q.spend(1)
		low := -1 // stores at or before low are not on the path: root is defined there
		if f.b == rootB && rootI < f.end {
			low = rootI
		}
		killed := false
		for _, s := range inBlock[f.b] {
			i := q.p.storeIdx[s]
			if i >= f.end || i <= low {
				continue
			}
			q.spend(1)
			if rest, must, ok := matches(s, root, full); ok {
				q.vals(s.Val, rest, nar, appendStep(steps, Step{Op: OpStore, Value: s.Val, Instr: s, Pos: q.p.InstrPos(s)}))
				if must {
					killed = true
					break
				}
			}
		}
		if killed {
			continue
		}
		if low >= 0 || len(f.b.Preds) == 0 {
			def = true
			continue
		}
		for _, pr := range f.b.Preds {
			if !visited[pr] {
				visited[pr] = true
				work = append(work, frame{pr, len(pr.Instrs)})
			}
		}
	}
	if def {
		q.atDef(root, full, nar, steps)
	}
}

// allStores adds every store that may write location (root, full),
// wherever it is in root's function.
func (q *query) allStores(root ssa.Value, full Path, nar bool, steps []Step) {
	for _, s := range q.p.byRoot[root] {
		q.spend(1)
		if rest, _, ok := matches(s, root, full); ok {
			q.vals(s.Val, rest, nar, appendStep(steps, Step{Op: OpStore, Value: s.Val, Instr: s, Pos: q.p.InstrPos(s)}))
		}
	}
}

// spend counts work done by searches; beyond maxWork the query is cut
// short.
func (q *query) spend(n int) {
	if q.work += n; q.work > maxWork && !q.cut {
		q.cut = true
		q.out = append(q.out, Origin{Kind: Unknown})
	}
}

func parentOf(v ssa.Value) *ssa.Function {
	switch v := v.(type) {
	case *ssa.FreeVar:
		return v.Parent()
	case *ssa.Parameter:
		return v.Parent()
	case ssa.Instruction:
		return v.Parent()
	}
	return nil
}

// sharers returns the free variables, in closures made in root's function
// (and in closures they make), that denote the variable root.
func (p *Package) sharers(root ssa.Value) []ssa.Value {
	fn := parentOf(root)
	if fn == nil {
		return nil
	}
	var out []ssa.Value
	for _, anon := range fn.AnonFuncs {
		for _, mc := range p.closures[anon] {
			if mc.Parent() != fn {
				continue
			}
			for j, b := range mc.Bindings {
				if b == root && j < len(anon.FreeVars) {
					fv := anon.FreeVars[j]
					out = append(out, fv)
					out = append(out, p.sharers(fv)...)
				}
			}
		}
	}
	return out
}

// matches reports whether store s may write location (root, full), and
// if so what is left of full to read from the stored value, and whether
// the store writes exactly that location (or one enclosing it).
func matches(s *ssa.Store, root ssa.Value, full Path) (rest Path, must, ok bool) {
	sroot, selems := locKey(s.Addr)
	if sroot != root || len(selems) > len(full) {
		// Another base, or a part of the location only (a field of the
		// struct read): not followed.
		return nil, false, false
	}
	must = true
	for i, e := range selems {
		f := full[i]
		if e.Kind != f.Kind {
			return nil, false, false
		}
		switch e.Kind {
		case Field:
			if e.Index != f.Index {
				return nil, false, false
			}
		case Elem:
			if e.Index >= 0 && f.Index >= 0 && e.Index != f.Index {
				return nil, false, false
			}
			if e.Index < 0 || f.Index < 0 {
				must = false
			}
		}
	}
	return full[len(selems):], must, true
}

// locKey names the location ptr points to: a base and an access path from
// it. The base is a variable (an *ssa.Alloc, *ssa.Global or captured
// *ssa.FreeVar; the path starts at its content) or another value (a
// parameter, a call's result; the path starts at the value, with explicit
// dereferences). Loads on the way are looked through, so that x.p.f names
// the same location wherever x.p is loaded.
func locKey(ptr ssa.Value) (root ssa.Value, path Path) {
	switch v := ptr.(type) {
	case *ssa.FieldAddr:
		root, path = locKey(v.X)
		return root, append(path, PathElem{Kind: Field, Field: fieldVar(v.X.Type(), v.Field), Index: v.Field})
	case *ssa.IndexAddr:
		if isPointer(v.X.Type()) {
			root, path = locKey(v.X)
		} else {
			root, path = valKey(v.X)
		}
		return root, append(path, PathElem{Kind: Elem, Index: constIndex(v.Index)})
	case *ssa.Alloc, *ssa.Global, *ssa.FreeVar:
		return v, nil
	case *ssa.Convert:
		// (*T)(unsafe.Pointer(&x)) reinterprets x's location: a
		// yoloString's *(*string)(unsafe.Pointer(&b)) reads b's header,
		// whose data pointer the string shares.
		if inner := unsafeSource(v); inner != nil {
			return locKey(inner)
		}
	}
	root, path = valKey(ptr)
	return root, append(path, PathElem{Kind: Deref})
}

// unsafeSource returns the pointer p of a conversion (*T)(unsafe.Pointer(p)),
// or nil.
func unsafeSource(c *ssa.Convert) ssa.Value {
	if !isPointer(c.Type()) {
		return nil
	}
	up, ok := c.X.(*ssa.Convert)
	if !ok || !isUnsafePointer(up.Type()) || !isPointer(up.X.Type()) {
		return nil
	}
	return up.X
}

func isUnsafePointer(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.UnsafePointer
}

// valKey names a value as a location's content where it is a load.
func valKey(v ssa.Value) (root ssa.Value, path Path) {
	if u, ok := v.(*ssa.UnOp); ok && u.Op == token.MUL {
		return locKey(u.X)
	}
	return v, nil
}

func isPointer(t types.Type) bool {
	_, ok := coreType(t).(*types.Pointer)
	return ok
}

// coreType is t's underlying type, or a type parameter's single one.
func coreType(t types.Type) types.Type {
	var only types.Type
	n := 0
	eachTerm(t, func(u types.Type) bool {
		only = u
		n++
		return false
	})
	if n == 1 {
		return only
	}
	return t.Underlying()
}

// fieldVar returns field i of the struct t is or points to.
func fieldVar(t types.Type, i int) *types.Var {
	u := coreType(t)
	if p, ok := u.(*types.Pointer); ok {
		u = coreType(p.Elem())
	}
	if s, ok := u.(*types.Struct); ok && i < s.NumFields() {
		return s.Field(i)
	}
	return nil
}

func constIndex(v ssa.Value) int {
	if c, ok := v.(*ssa.Const); ok && c.Value != nil {
		if i, ok := constant.Int64Val(constant.ToInt(c.Value)); ok && i >= 0 && i < 1<<31 {
			return int(i)
		}
	}
	return -1
}

// narrows reports whether a slicing gives or takes a bound: s[i:], s[:j],
// s[i:j:k] (but not s[:] or s[0:]).
func narrows(s *ssa.Slice) bool {
	if s.High != nil {
		return true
	}
	return s.Low != nil && constIndex(s.Low) != 0
}

// copies reports whether converting from to to copies: string <-> []byte
// or []rune (type parameters by their terms).
func copies(from, to types.Type) bool {
	return hasTerm(from, isString) && hasTerm(to, isSlice) || hasTerm(from, isSlice) && hasTerm(to, isString)
}

func isString(t types.Type) bool {
	b, ok := t.(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

func isSlice(t types.Type) bool {
	_, ok := t.(*types.Slice)
	return ok
}

// hasTerm reports whether the underlying type of t, or of a term of type
// parameter t, satisfies pred.
func hasTerm(t types.Type, pred func(types.Type) bool) bool {
	return eachTerm(t, pred)
}

// eachTerm calls f with t's underlying type, or with the underlying type
// of each term of type parameter t, until f returns true.
func eachTerm(t types.Type, f func(types.Type) bool) bool {
	tp, ok := types.Unalias(t).(*types.TypeParam)
	if !ok {
		return f(t.Underlying())
	}
	iface, _ := tp.Constraint().Underlying().(*types.Interface)
	if iface == nil {
		return false
	}
	for i := range iface.NumEmbeddeds() {
		switch e := iface.EmbeddedType(i).(type) {
		case *types.Union:
			for j := range e.Len() {
				if eachTerm(e.Term(j).Type(), f) {
					return true
				}
			}
		default:
			if eachTerm(e, f) {
				return true
			}
		}
	}
	return false
}

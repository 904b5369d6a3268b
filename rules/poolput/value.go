// Value flow of pool-put's use-after-put check, on rules/internal/vflow:
// which values are the put object (kills and merges from SSA), whether a
// use can run after the Put (never-returning calls end a path, loops are
// followed), and whether a holder still holds the object when the Put
// happens.

package poolput

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/vflow"
)

// ssaSite is what the value-flow layer says about one Put.
type ssaSite struct {
	fn     *ssa.Function   // the function holding the Put call (s.inner)
	instr  ssa.Instruction // the Put call (or the call of the wrapper), nil when not found
	value  ssa.Value       // the put object's value at the Put
	pooled []vflow.Origin  // its origins: every value that is the put object
	byPos  map[token.Pos]ssa.Instruction
}

// initSSA finds the Put's instruction and the origins of the put object.
// Without SSA (a package it could not be built for) the site keeps the
// source-order analysis of package flow.
func (c *poolCheck) initSSA(s *putSite) {
	if c.vf == nil || c.vf.SSA == nil || s.inner == nil {
		return
	}
	fn := c.vf.FuncOf(s.inner)
	if fn == nil {
		return
	}
	ss := &ssaSite{fn: fn, byPos: c.instrIndex(fn)}
	ss.instr = ss.byPos[s.call.Lparen]
	if s.deferStmt != nil {
		ss.instr = ss.byPos[s.deferStmt.Defer] // the *ssa.Defer
	}
	v := c.vf.ValueOf(s.arg)
	if v == nil {
		v = c.vf.AddrOf(s.obj)
	}
	if v == nil {
		v = c.vf.ValueOf(s.obj)
	}
	if v == nil || ss.instr == nil {
		return
	}
	if at := c.conditionalPut(s, ss.instr); at != nil {
		ss.instr = at
	}
	ss.value = v
	for _, o := range c.vf.Origins(v) {
		if o.Kind != vflow.Const && o.Kind != vflow.Unknown {
			ss.pooled = append(ss.pooled, o)
		}
	}
	if len(ss.pooled) == 0 {
		return
	}
	s.ssa = ss
}

// instrIndex maps the positions of a function's calls, go statements,
// defers and returns to their instructions.
func (c *poolCheck) instrIndex(fn *ssa.Function) map[token.Pos]ssa.Instruction {
	if m, ok := c.instrs[fn]; ok {
		return m
	}
	m := map[token.Pos]ssa.Instruction{}
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in.(type) {
			case ssa.CallInstruction, *ssa.Return:
				if pos := in.Pos(); pos.IsValid() {
					if _, dup := m[pos]; !dup {
						m[pos] = in
					}
				}
			}
		}
	}
	c.instrs[fn] = m
	return m
}

// valueOf is the value of e where it is evaluated: its value, or for an
// addressable variable used by address (a pointer method's receiver), its
// address.
func (c *poolCheck) valueOf(e ast.Expr) ssa.Value {
	if v := c.vf.ValueOf(e); v != nil {
		return v
	}
	return c.vf.AddrOf(e)
}

// samePooled reports whether e, which has the shape of the put object,
// holds the object that was put (known reports whether SSA could tell):
// one of its origins is one of the put object's. A variable or field
// reassigned after the Put (x = nil, x.f = pool.Get()) has other origins.
func (c *poolCheck) samePooled(s *putSite, e ast.Expr) (same, known bool) {
	if s.ssa == nil {
		return false, false
	}
	u := c.valueOf(e)
	if u == nil {
		return false, false
	}
	if u == s.ssa.value {
		return true, true
	}
	if ld, ok := u.(*ssa.UnOp); ok && ld.Op == token.MUL && ld.X == s.ssa.value {
		return true, true // the content of the variable put by address
	}
	for _, o := range c.vf.Origins(u) {
		for _, p := range s.ssa.pooled {
			if vflow.Same(o, p) {
				return true, true
			}
		}
	}
	return false, true
}

// partOfPooled reports whether some origin of value u is the put object or
// storage it owns (a field or element of it, not what a pointer in it
// points to), u having type t.
func (c *poolCheck) partOfPooled(s *putSite, u ssa.Value, owned bool) bool {
	for _, o := range c.vf.Origins(u) {
		if c.originPooled(s, o, u.Type(), owned) {
			return true
		}
	}
	return false
}

func (c *poolCheck) originPooled(s *putSite, o vflow.Origin, t types.Type, owned bool) bool {
	for _, p := range s.ssa.pooled {
		rest, ok := vflow.PartOf(o, p)
		if !ok {
			continue
		}
		if len(rest) == 0 || !owned {
			return true
		}
		deep := false
		for i, el := range rest {
			if el.Kind == vflow.Deref && i > 0 {
				deep = true // through a pointer held in the object
			}
		}
		if !deep && ownsStorage(t) {
			return true
		}
	}
	return false
}

// valueAliases reports whether local value u may reference memory of the
// put object: it is the object or storage the object owns, or it comes from
// an expression that aliases it (a view returned by a call, an append, a
// literal holding it), following merges and loop-carried values.
func (c *poolCheck) valueAliases(s *putSite, u ssa.Value, depth int) bool {
	if u == nil || depth > 10 {
		return false
	}
	for _, o := range c.vf.Origins(u) {
		if c.originPooled(s, o, u.Type(), true) {
			return true
		}
		switch o.Kind {
		case vflow.Call, vflow.Append, vflow.Alloc:
			if len(o.Path) > 0 && !ownsStorage(u.Type()) {
				continue
			}
			if o.Kind == vflow.Call && o.Result > 0 {
				// Summaries and knowledge speak of result 0 only: the
				// err of data, err := f(buf[:0]) is no view of buf
				// (segmentio/encoding v0.5.4 json/json.go:517).
				continue
			}
			if e := c.vf.Expr(o.Value); e != nil && c.exprAliases(s, e, depth+1) {
				return true
			}
		}
	}
	return false
}

// exprAliases is aliases for an expression reached through a value's
// origin: calls, appends and literals only (a variable there would be
// looked up again).
func (c *poolCheck) exprAliases(s *putSite, e ast.Expr, depth int) bool {
	switch ast.Unparen(e).(type) {
	case *ast.CallExpr, *ast.CompositeLit, *ast.UnaryExpr, *ast.FuncLit:
		return c.aliases(s, e, depth)
	}
	return false
}

// instrOf is the instruction evaluating e, or nil.
func (c *poolCheck) instrOf(e ast.Expr) ssa.Instruction {
	if r := c.vf.RefOf(e); r != nil {
		return r
	}
	return nil
}

// exprInstr is where e is evaluated, by value or by address, or nil.
func (c *poolCheck) exprInstr(e ast.Expr) ssa.Instruction {
	if r := c.vf.RefOf(e); r != nil {
		return r
	}
	if r := c.vf.AddrRefOf(e); r != nil {
		return r
	}
	return nil
}

// stmtInstr is an instruction of statement n (or of its first value), or
// nil: where n runs, for reachability.
func (c *poolCheck) stmtInstr(s *putSite, n ast.Node) ssa.Instruction {
	if s.ssa == nil {
		return nil
	}
	switch n := n.(type) {
	case *ast.ReturnStmt:
		if in := s.ssa.byPos[n.Return]; in != nil {
			return in
		}
		for _, r := range n.Results {
			if in := c.instrOf(r); in != nil {
				return in
			}
		}
	case *ast.AssignStmt:
		for _, r := range n.Rhs {
			if in := c.instrOf(r); in != nil {
				return in
			}
		}
	case *ast.SendStmt:
		return c.instrOf(n.Value)
	case *ast.GoStmt:
		return s.ssa.byPos[n.Go]
	case *ast.CallExpr:
		return s.ssa.byPos[n.Lparen]
	case ast.Expr:
		return c.instrOf(n)
	}
	return nil
}

// afterPut says whether the code at in can run after the (non-deferred)
// Put of s; known is false when SSA cannot tell (in is nil, or in another
// function). Calls that never return end a path; a loop's next iteration
// follows.
func (c *poolCheck) afterPut(s *putSite, in ssa.Instruction) (after, known bool) {
	if s.ssa == nil || in == nil || in.Parent() != s.ssa.fn {
		return false, false
	}
	if !c.vf.Reachable(in) {
		return false, true
	}
	return c.vf.Reaches(s.ssa.instr, in, nil), true
}

// liveAfterPut reports whether value u, used at in after the Put, may still
// be the put object or a view of it from before the Put: some origin of u
// reaches in from the Put without being defined again on the way, and
// every merge on its way that runs after the Put takes an edge that the
// Put reaches.
func (c *poolCheck) liveAfterPut(s *putSite, u ssa.Value, in ssa.Instruction) bool {
	if s.ssa == nil || u == nil || in == nil || in.Parent() != s.ssa.fn {
		return true
	}
	for _, o := range c.vf.Origins(u) {
		if o.Kind == vflow.Const {
			continue
		}
		if c.originLive(s, o, in) {
			return true
		}
	}
	return false
}

func (c *poolCheck) originLive(s *putSite, o vflow.Origin, in ssa.Instruction) bool {
	put := s.ssa.instr
	// A value computed before the Put and computed again between the Put
	// and in (the source, a load, a conversion on the way: the next
	// element of a range loop, the next Get) is another value there.
	avoid := map[ssa.Instruction]bool{}
	for _, st := range o.Steps {
		x, ok := st.Value.(ssa.Instruction)
		if !ok || st.Op == vflow.OpPhi || x.Parent() != s.ssa.fn || avoid[x] {
			continue
		}
		if c.vf.Reaches(x, put, nil) {
			avoid[x] = true
		}
	}
	var skip func(ssa.Instruction) bool
	if len(avoid) > 0 {
		skip = func(x ssa.Instruction) bool { return avoid[x] }
	}
	// A merge that runs after the Put must take its edge on a path from
	// the Put.
	for i, st := range o.Steps {
		phi, ok := st.Value.(*ssa.Phi)
		if st.Op != vflow.OpPhi || !ok || i+1 >= len(o.Steps) || phi.Parent() != s.ssa.fn {
			continue
		}
		if !c.vf.Reaches(put, phi, nil) {
			break // a merge before the Put: what it chose is still held
		}
		next := o.Steps[i+1].Value
		edge := false
		for j, e := range phi.Edges {
			if e != next || j >= len(phi.Block().Preds) {
				continue
			}
			pred := phi.Block().Preds[j]
			if len(pred.Instrs) > 0 && c.vf.Reaches(put, pred.Instrs[len(pred.Instrs)-1], skip) {
				edge = true
				break
			}
		}
		if !edge {
			return false
		}
	}
	return c.vf.Reaches(put, in, skip)
}

// storeKilled reports whether the store made by assigning to lhs before a
// non-deferred Put no longer holds the stored value when the Put runs:
// the holder was cleared or reassigned in between (msg.f = nil; Put(x)).
func (c *poolCheck) storeKilled(s *putSite, lhs ast.Expr) bool {
	if s.ssa == nil || s.deferred {
		return false
	}
	st := c.vf.StoreOf(lhs)
	if st == nil || st.Parent() != s.ssa.fn {
		return false
	}
	stored := c.vf.Origins(st.Val)
	for _, o := range c.vf.ContentAt(st.Addr, s.ssa.instr) {
		if o.Kind == vflow.Unknown {
			return false
		}
		for _, so := range stored {
			if vflow.Same(o, so) {
				return false
			}
		}
	}
	return true
}

// heldByPooled reports whether the holder x (a call's receiver) is the
// put object or reached from it: what it keeps goes back to the pool with
// it, nothing outside keeps it.
func (c *poolCheck) heldByPooled(s *putSite, x ast.Expr) bool {
	if s.ssa == nil || x == nil {
		return false
	}
	u := c.valueOf(x)
	return u != nil && c.partOfPooled(s, u, false)
}

// isTestifyNilCheck reports whether call is testify's assert/require
// Nil or NotNil (and their f forms): a test of the pointer, not a read of
// what it points to.
func isTestifyNilCheck(info *types.Info, call *ast.CallExpr) bool {
	fn := rule.Callee(info, call)
	if fn == nil || fn.Pkg() == nil {
		return false
	}
	switch fn.Pkg().Path() {
	case "github.com/stretchr/testify/assert", "github.com/stretchr/testify/require":
	default:
		return false
	}
	switch fn.Name() {
	case "Nil", "NotNil", "Nilf", "NotNilf":
		return true
	}
	return false
}

// conditionalPut moves the Put of a call to a wrapper that puts its
// argument only on the paths where it returns a known boolean (flushTx
// puts w and returns true, or keeps it and returns false) onto the branch
// the caller takes on that result: the object is given back only there.
// Returns the first instruction of that branch, or nil.
func (c *poolCheck) conditionalPut(s *putSite, in ssa.Instruction) ssa.Instruction {
	call, ok := in.(*ssa.Call)
	if !ok || s.direct || s.deferred {
		return nil
	}
	callee := call.Call.StaticCallee()
	if callee == nil || callee.Pkg != c.vf.SSA || len(callee.Blocks) == 0 {
		return nil
	}
	when, ok := c.putsOnlyWhen(callee, 0)
	if !ok {
		return nil
	}
	b := call.Block()
	br, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
	if !ok || len(b.Succs) != 2 {
		return nil
	}
	cond := br.Cond
	if u, ok := cond.(*ssa.UnOp); ok && u.Op == token.NOT {
		cond, when = u.X, !when
	}
	if cond != ssa.Value(call) {
		return nil
	}
	succ := b.Succs[1] // the false branch
	if when {
		succ = b.Succs[0]
	}
	if len(succ.Instrs) == 0 {
		return nil
	}
	return succ.Instrs[0]
}

// putsOnlyWhen reports the boolean fn returns on every path after any Put
// it makes (a direct Put, or a call of a function of the module that puts
// an argument): its Puts happen only when it returns that value. fn
// returns a single bool.
func (c *poolCheck) putsOnlyWhen(fn *ssa.Function, depth int) (when, ok bool) {
	res := fn.Signature.Results()
	if res.Len() != 1 || !types.Identical(res.At(0).Type().Underlying(), types.Typ[types.Bool]) || depth > 2 {
		return false, false
	}
	var rets []*ssa.Return
	var puts []ssa.Instruction
	for _, b := range fn.Blocks {
		for _, in := range b.Instrs {
			switch in := in.(type) {
			case *ssa.Return:
				rets = append(rets, in)
			case *ssa.Defer, *ssa.Go:
				if c.callPuts(in.(ssa.CallInstruction)) {
					return false, false // a Put at exit or in another goroutine
				}
			case *ssa.Call:
				if c.callPuts(in) {
					puts = append(puts, in)
				}
			}
		}
	}
	if len(puts) == 0 {
		return false, false
	}
	seen := false
	for _, p := range puts {
		for _, r := range rets {
			if !c.vf.Reaches(p, r, nil) {
				continue
			}
			k, isConst := r.Results[0].(*ssa.Const)
			if !isConst || k.Value == nil || k.Value.Kind() != constant.Bool {
				return false, false
			}
			v := constant.BoolVal(k.Value)
			if seen && v != when {
				return false, false
			}
			when, seen = v, true
		}
	}
	return when, seen
}

// callPuts reports whether a call puts something into a sync.Pool:
// (*sync.Pool).Put, or a function whose summary puts an argument.
func (c *poolCheck) callPuts(call ssa.CallInstruction) bool {
	callee := call.Common().StaticCallee()
	if callee == nil {
		return false
	}
	obj, ok := callee.Object().(*types.Func)
	if !ok {
		return false
	}
	if knowledge.IsPoolPut(obj) {
		return true
	}
	sum, ok := c.sums.Func(obj)
	return ok && sum.Puts != 0
}

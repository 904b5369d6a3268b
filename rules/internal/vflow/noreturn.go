package vflow

import (
	"go/ast"
	"go/types"
	"sort"

	"golang.org/x/tools/go/ssa"

	"github.com/gofixslice/gofixslice/knowledge"
)

// Calls that never return. The base set is knowledge.NoReturn (os.Exit,
// log.Fatal, runtime.Goexit, testing's Fatal and FailNow...); a function of
// the package never returns when no return of it can be reached from its
// entry without passing a call that never returns or a panic (an infinite
// loop counts: it never returns either). The derivation runs to a fixed
// point over the package's functions, function literals included, and the
// named ones are exported as facts (FactKey) so that dependents see them.
//
// A function with deferred calls is taken to return: a deferred recover
// may turn its panic into a return. Calls through interfaces never return
// when knowledge.NoReturnInvoke says so (tb.Fatal with tb a testing.TB);
// other calls through interfaces, and calls of function values, are taken
// to return.

// NeverReturns reports whether calling fn never returns to its caller.
func (p *Package) NeverReturns(fn *types.Func) bool {
	if fn == nil {
		return false
	}
	fn = fn.Origin()
	if knowledge.NoReturn(fn) || p.named[fn] {
		return true
	}
	if fn.Pkg() == nil || fn.Pkg() == p.Pkg || p.facts == nil {
		return false
	}
	v, ok := p.facts.Import(fn.Pkg(), FactKey(fn))
	return ok && v == "1"
}

// NeverReturnsFunc is NeverReturns for an SSA function: a function of the
// package (literals included) or of another package.
func (p *Package) NeverReturnsFunc(fn *ssa.Function) bool {
	if fn == nil {
		return false
	}
	if o := fn.Origin(); o != nil {
		fn = o
	}
	if p.noReturn[fn] {
		return true
	}
	if v, ok := p.known[fn]; ok {
		return v
	}
	obj, _ := fn.Object().(*types.Func)
	return p.NeverReturns(obj)
}

// NeverReturnsCall reports whether a call instruction never returns: its
// static callee never returns, or it calls an interface method that never
// returns (knowledge.NoReturnInvoke). A go or defer statement returns at once; a
// panic is an instruction of its own (*ssa.Panic).
func (p *Package) NeverReturnsCall(c ssa.CallInstruction) bool {
	call, ok := c.(*ssa.Call)
	if !ok {
		return false
	}
	if call.Call.IsInvoke() {
		return knowledge.NoReturnInvoke(call.Call.Method)
	}
	return p.NeverReturnsFunc(call.Call.StaticCallee())
}

// Reachable reports whether instr can execute: false when every path from
// its function's entry to it passes a call that never returns or a panic
// (code after t.Fatalf or os.Exit). The never-returning call itself is
// reachable. Instructions of other packages' functions count as reachable.
func (p *Package) Reachable(instr ssa.Instruction) bool {
	b := instr.Block()
	if b == nil {
		return true
	}
	live, ok := p.live[b.Parent()]
	if !ok || b.Index >= len(live) {
		return true
	}
	if !live[b.Index] {
		return false
	}
	c, ok := p.cut[b]
	if !ok {
		return true
	}
	for i, in := range b.Instrs {
		if in == instr {
			return i <= c
		}
	}
	return true
}

// ReachableExpr is Reachable for the evaluation of an expression. known
// is false when the expression has no value in SSA (a constant, or code
// the builder dropped because a panic precedes it); reachable is then true.
func (p *Package) ReachableExpr(e ast.Expr) (reachable, known bool) {
	r := p.RefOf(e)
	if r == nil && p.addrs != nil {
		r = lookup(p.addrs, e)
	}
	if r == nil {
		return true, false
	}
	return p.Reachable(r), true
}

// deriveNoReturn computes, to a fixed point, which functions of the
// package never return, then the reachable blocks of every function.
func (p *Package) deriveNoReturn() {
	p.noReturn = map[*ssa.Function]bool{}
	p.named = map[*types.Func]bool{}
	// What knowledge and facts say of every callee, looked up once
	// (names are built to look them up).
	p.known = map[*ssa.Function]bool{}
	for _, fn := range p.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if c, ok := instr.(*ssa.Call); ok {
					if callee := c.Call.StaticCallee(); callee != nil {
						if o := callee.Origin(); o != nil {
							callee = o
						}
						if _, ok := p.known[callee]; !ok {
							obj, _ := callee.Object().(*types.Func)
							p.known[callee] = p.NeverReturns(obj)
						}
					}
				}
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, fn := range p.funcs {
			if !p.noReturn[fn] && len(fn.Blocks) > 0 && !p.returns(fn) {
				p.noReturn[fn] = true
				changed = true
			}
		}
	}
	for fn := range p.noReturn {
		if obj, ok := fn.Object().(*types.Func); ok {
			p.named[obj.Origin()] = true
		}
	}
	p.cut = map[*ssa.BasicBlock]int{}
	p.live = map[*ssa.Function][]bool{}
	for _, fn := range p.funcs {
		for _, b := range fn.Blocks {
			if c := p.cutAt(b); c >= 0 {
				p.cut[b] = c
			}
		}
		p.live[fn] = p.reach(fn)
	}
}

// NoReturnFuncs returns the package's functions (literals included) that
// never return, in the order of Funcs.
func (p *Package) NoReturnFuncs() []*ssa.Function {
	var out []*ssa.Function
	for _, fn := range p.funcs {
		if p.noReturn[fn] {
			out = append(out, fn)
		}
	}
	return out
}

// cutAt returns the index of the first instruction of b after which
// nothing runs (a call that never returns, a panic), or -1.
func (p *Package) cutAt(b *ssa.BasicBlock) int {
	for i, instr := range b.Instrs {
		switch instr := instr.(type) {
		case *ssa.Panic:
			return i
		case *ssa.Call:
			if p.NeverReturnsCall(instr) {
				return i
			}
		}
	}
	return -1
}

// reach returns the blocks of fn that run on some path from its entry (or
// its recover block) that passes no cut, by block index.
func (p *Package) reach(fn *ssa.Function) []bool {
	live := make([]bool, len(fn.Blocks))
	var stack []*ssa.BasicBlock
	push := func(b *ssa.BasicBlock) {
		if b != nil && !live[b.Index] {
			live[b.Index] = true
			stack = append(stack, b)
		}
	}
	if len(fn.Blocks) > 0 {
		push(fn.Blocks[0])
	}
	push(fn.Recover)
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if p.cutAt(b) >= 0 {
			continue
		}
		for _, s := range b.Succs {
			push(s)
		}
	}
	return live
}

// returns reports whether some return of fn can be reached.
func (p *Package) returns(fn *ssa.Function) bool {
	if fn.Recover != nil {
		return true
	}
	live := p.reach(fn)
	for _, b := range fn.Blocks {
		if !live[b.Index] || len(b.Instrs) == 0 {
			continue
		}
		if _, ok := b.Instrs[len(b.Instrs)-1].(*ssa.Return); ok && p.cutAt(b) < 0 {
			return true
		}
	}
	return false
}

// sortMembers orders package members by position, then name.
func sortMembers(ms []ssa.Member) {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].Pos() != ms[j].Pos() {
			return ms[i].Pos() < ms[j].Pos()
		}
		return ms[i].Name() < ms[j].Name()
	})
}

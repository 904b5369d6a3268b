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

// Reaches reports whether to can run after from in one call of their
// function: some path of the control-flow graph leads from just after from
// to to without passing a call that never returns, a panic, or an
// instruction for which avoid (nil: none) is true. A loop's back edge
// counts: an instruction before from in a loop body is reached on the next
// iteration. Instructions of different functions never reach each other.
func (p *Package) Reaches(from, to ssa.Instruction, avoid func(ssa.Instruction) bool) bool {
	fb, tb := from.Block(), to.Block()
	if fb == nil || tb == nil || fb.Parent() != tb.Parent() {
		return false
	}
	blocked := func(in ssa.Instruction) bool {
		switch in := in.(type) {
		case *ssa.Panic:
			return true
		case *ssa.Call:
			if p.NeverReturnsCall(in) {
				return true
			}
		}
		return avoid != nil && avoid(in)
	}
	// scan walks b's instructions from index i: whether to is met, and
	// whether the walk ran off the end of the block (so its successors
	// follow).
	scan := func(b *ssa.BasicBlock, i int) (found, through bool) {
		for ; i < len(b.Instrs); i++ {
			in := b.Instrs[i]
			if in == to {
				return true, false
			}
			if blocked(in) {
				return false, false
			}
		}
		return false, true
	}
	i := slices.Index(fb.Instrs, from)
	if i < 0 {
		return false
	}
	if blocked(from) && from != to {
		return false // from itself never returns
	}
	found, through := scan(fb, i+1)
	if found {
		return true
	}
	if !through {
		return false
	}
	return walkFeasible(fb, scan)
}

// maxPathStates bounds the path-sensitive walk of walkFeasible; past it
// every branch counts as feasible.
const maxPathStates = 4096

// walkFeasible walks the blocks after fb (whose own instructions scan has
// seen) and reports whether scan finds the target in one of them. It
// follows only feasible branches as far as boolean flags tell: a bool
// merge (phi) whose incoming values are all constants has the value of
// the edge the path took into its block, and an If on such a flag (or on
// its negation) takes only the matching branch. So a path through
// `done = true` is not continued into `if !done { ... }` (quic-go's
// frameSorter.push removes a gap on one branch and sets a flag on the
// other; the later use of the gap runs only when the flag is set).
func walkFeasible(fb *ssa.BasicBlock, scan func(*ssa.BasicBlock, int) (bool, bool)) bool {
	type state struct {
		b     *ssa.BasicBlock
		flags map[*ssa.Phi]bool
	}
	type stateKey struct {
		block int
		flags string // "" when no flag is known: the common case
	}
	key := func(st state) stateKey {
		if len(st.flags) == 0 {
			return stateKey{block: st.b.Index}
		}
		ids := make([]string, 0, len(st.flags))
		for phi, v := range st.flags {
			ids = append(ids, fmt.Sprintf("%s=%t", phi.Name(), v))
		}
		slices.Sort(ids)
		return stateKey{st.b.Index, strings.Join(ids, ",")}
	}
	seen := map[stateKey]bool{}
	var stack []state
	push := func(from *ssa.BasicBlock, flags map[*ssa.Phi]bool) {
		for _, succ := range feasibleSuccs(from, flags) {
			stack = append(stack, state{succ, enter(from, succ, flags)})
		}
	}
	push(fb, nil)
	for len(stack) > 0 {
		if len(seen) > maxPathStates {
			return reachesAny(fb, scan) // too many paths: any path counts
		}
		st := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		k := key(st)
		if seen[k] {
			continue
		}
		seen[k] = true
		found, through := scan(st.b, 0)
		if found {
			return true
		}
		if through {
			push(st.b, st.flags)
		}
	}
	return false
}

// reachesAny is walkFeasible without flags: every branch is feasible.
func reachesAny(fb *ssa.BasicBlock, scan func(*ssa.BasicBlock, int) (bool, bool)) bool {
	seen := make([]bool, len(fb.Parent().Blocks))
	stack := slices.Clone(fb.Succs)
	for len(stack) > 0 {
		b := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if b.Index < len(seen) {
			if seen[b.Index] {
				continue
			}
			seen[b.Index] = true
		}
		found, through := scan(b, 0)
		if found {
			return true
		}
		if through {
			stack = append(stack, b.Succs...)
		}
	}
	return false
}

// enter returns the flags known on entering succ from b: those known
// before, with succ's constant bool merges set from the edge b -> succ.
func enter(b, succ *ssa.BasicBlock, flags map[*ssa.Phi]bool) map[*ssa.Phi]bool {
	j := slices.Index(succ.Preds, b)
	var out map[*ssa.Phi]bool
	for _, in := range succ.Instrs {
		phi, ok := in.(*ssa.Phi)
		if !ok {
			break // phis come first
		}
		if out == nil {
			out = make(map[*ssa.Phi]bool, len(flags)+1)
			for k, v := range flags {
				out[k] = v
			}
		}
		delete(out, phi) // a new iteration's value
		if j < 0 || j >= len(phi.Edges) || !isBoolFlag(phi) {
			continue
		}
		if c, ok := phi.Edges[j].(*ssa.Const); ok && c.Value != nil {
			out[phi] = constant.BoolVal(c.Value)
		}
	}
	if out == nil {
		return flags
	}
	return out
}

// isBoolFlag reports whether phi merges only boolean constants.
func isBoolFlag(phi *ssa.Phi) bool {
	if b, ok := phi.Type().Underlying().(*types.Basic); !ok || b.Kind() != types.Bool {
		return false
	}
	for _, e := range phi.Edges {
		if c, ok := e.(*ssa.Const); !ok || c.Value == nil || c.Value.Kind() != constant.Bool {
			return false
		}
	}
	return true
}

// feasibleSuccs returns b's successors a path can take given the known
// flags: an If on a known flag (or its negation) takes one branch.
func feasibleSuccs(b *ssa.BasicBlock, flags map[*ssa.Phi]bool) []*ssa.BasicBlock {
	if len(flags) == 0 || len(b.Succs) != 2 || len(b.Instrs) == 0 {
		return b.Succs
	}
	branch, ok := b.Instrs[len(b.Instrs)-1].(*ssa.If)
	if !ok {
		return b.Succs
	}
	cond, negated := branch.Cond, false
	if u, ok := cond.(*ssa.UnOp); ok && u.Op == token.NOT {
		cond, negated = u.X, true
	}
	phi, ok := cond.(*ssa.Phi)
	if !ok {
		return b.Succs
	}
	v, known := flags[phi]
	if !known {
		return b.Succs
	}
	if v != negated {
		return b.Succs[:1] // then
	}
	return b.Succs[1:] // else
}

// ContentAt returns the origins of what the location addr points to holds
// just before instruction at runs (at is in addr's function, or is a later
// instruction of it): the stores into that location reaching at, or its
// content where its base is defined. It is Origins of a load of addr
// placed at at: x.f = nil between an earlier store and at ends that
// store's path.
func (p *Package) ContentAt(addr ssa.Value, at ssa.Instruction) []Origin {
	if addr == nil || at == nil {
		return nil
	}
	q := &query{p: p, seen: map[seenKey]bool{}}
	q.load(addr, nil, false, nil, at)
	return q.out
}

// Same reports whether two origins are the same source: the same value
// (an allocation and the zero value of the same variable count as one),
// the same result of a call, and the same access path. Narrowing is not
// compared. Constants are never the same source (every nil is its own).
func Same(a, b Origin) bool {
	if a.Kind == Const || b.Kind == Const || a.Value == nil || a.Value != b.Value || a.Result != b.Result {
		return false
	}
	if a.Kind != b.Kind && !(isAllocOrZero(a.Kind) && isAllocOrZero(b.Kind)) {
		return false
	}
	return a.Path.key() == b.Path.key()
}

// PartOf reports whether origin a is b or a part of it: the same source,
// and b's access path a prefix of a's (a field, element or pointee of b).
func PartOf(a, b Origin) (rest Path, ok bool) {
	if len(a.Path) < len(b.Path) {
		return nil, false
	}
	trimmed := a
	trimmed.Path = a.Path[:len(b.Path)]
	if !Same(trimmed, b) {
		return nil, false
	}
	return a.Path[len(b.Path):], true
}

func isAllocOrZero(k Kind) bool { return k == Alloc || k == Zero }

package vflow

import (
	"slices"

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

package summary

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"sort"

	"golang.org/x/tools/go/cfg"

	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// HeldDuringCall reports whether the store stmt (lhs = value), into a field
// reached through a parameter or the receiver (s.data = p), keeps the value
// only while the function runs: on every path from the store to a return,
//   - the same field is assigned nil or fresh storage (directly, or by a
//     deferred function literal registered on the way or before the store),
//   - or a branch taken says the field is nil (`if s.data == nil ...`),
//   - or a branch taken says an error field of the same holder is non-nil
//     (`s.resetErr != nil`): the holder has failed, and nothing consumes the
//     field of a failed holder.
//
// Such a function holds the value while a synchronous hand-off runs (it
// waits for another goroutine to consume the field, as quic-go's
// SendStream.Write does) and keeps nothing after it returns. A function
// that starts a goroutine, a store inside a function literal, or a holder
// that is rebound are not decided (false).
func HeldDuringCall(info *types.Info, f *flow.Func, lhs ast.Expr, stmt ast.Node) bool {
	sel, ok := ast.Unparen(lhs).(*ast.SelectorExpr)
	if !ok || f.Decl.Body == nil {
		return false
	}
	root := f.VarOf(flow.Root(sel))
	if root == nil || !f.IsParam(root) {
		return false
	}
	for _, d := range f.Defs(root) {
		if d.Stmt != nil {
			return false // the holder is rebound: the location is not one
		}
	}
	body := f.Decl.Body
	undecided := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			undecided = true
		case *ast.FuncLit:
			if flow.Within(stmt, n) {
				undecided = true
			}
		}
		return !undecided
	})
	if undecided {
		return false
	}
	want := types.ExprString(sel)
	// same reports whether e denotes the holder's field (same text, same
	// root variable).
	same := func(e ast.Expr) bool {
		e = ast.Unparen(e)
		return types.ExprString(e) == want && f.VarOf(flow.Root(e)) == root
	}
	clears := func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != len(as.Rhs) {
			return false
		}
		for i, l := range as.Lhs {
			if same(l) && flow.IsFresh(info, as.Rhs[i]) {
				return true
			}
		}
		return false
	}
	deferClears := func(n ast.Node) bool {
		d, ok := n.(*ast.DeferStmt)
		if !ok {
			return false
		}
		lit, ok := ast.Unparen(d.Call.Fun).(*ast.FuncLit)
		if !ok {
			return false
		}
		for _, s := range lit.Body.List {
			if clears(s) {
				return true
			}
		}
		return false
	}
	for _, s := range body.List {
		if s.Pos() < stmt.Pos() && deferClears(s) {
			return true
		}
	}
	// settles reports whether taking the edge of condition cond (true or
	// false) tells that the field is nil or the holder failed.
	// go/cfg keeps a condition whole: a || b, a && b and !a are split
	// here (a true a || b needs both to settle, a false one either).
	var settles func(cond ast.Expr, taken bool) bool
	settles = func(cond ast.Expr, taken bool) bool {
		if u, ok := ast.Unparen(cond).(*ast.UnaryExpr); ok && u.Op == token.NOT {
			return settles(u.X, !taken)
		}
		b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
		if ok && (b.Op == token.LOR || b.Op == token.LAND) {
			if (b.Op == token.LOR) == taken {
				return settles(b.X, taken) && settles(b.Y, taken)
			}
			return settles(b.X, taken) || settles(b.Y, taken)
		}
		if !ok || (b.Op != token.EQL && b.Op != token.NEQ) {
			return false
		}
		x := b.X
		switch {
		case isNilExpr(info, b.Y):
		case isNilExpr(info, b.X):
			x = b.Y
		default:
			return false
		}
		isNil := (b.Op == token.EQL) == taken // the edge says x == nil
		if same(x) {
			return isNil
		}
		if isNil || !isErrorType(info.TypeOf(x)) {
			return false
		}
		// A non-nil error field of the same holder: s.resetErr != nil.
		xs, ok := ast.Unparen(x).(*ast.SelectorExpr)
		return ok && f.VarOf(flow.Root(xs)) == root
	}
	g := cfg.New(body, func(call *ast.CallExpr) bool { return !flow.NoReturn(info, call) })
	var start *cfg.Block
	startIdx := -1
	for _, b := range g.Blocks {
		for i, n := range b.Nodes {
			if n.Pos() <= stmt.Pos() && stmt.End() <= n.End() {
				start, startIdx = b, i
			}
		}
	}
	if start == nil {
		return false
	}
	// A path carries what it knows of the function's local booleans
	// (copied = true, var done bool): a branch on one contradicting it is
	// not feasible. This follows flags like quic-go's `copied`, set where
	// the field is cleared and tested later to leave the loop.
	type state struct {
		b     *cfg.Block
		known bools
	}
	seen := map[string]bool{}
	var queue []state
	// walk scans b's nodes from index i and queues the successors of a
	// path not yet settled; it answers false when a path returns with the
	// field still holding the value.
	walk := func(b *cfg.Block, i int, known bools) bool {
		for ; i < len(b.Nodes); i++ {
			n := b.Nodes[i]
			if clears(n) || deferClears(n) {
				return true
			}
			if _, ok := n.(*ast.ReturnStmt); ok {
				return false
			}
			known = known.after(info, f, n)
		}
		if len(b.Succs) == 0 {
			// The end of the body, a call that never returns, or the
			// end of a select without default that no case took (it
			// blocks). Falling off the end returns only in a function
			// without results.
			if b.Kind == cfg.KindSelectAfterCase || (f.Decl.Type.Results != nil && len(f.Decl.Type.Results.List) > 0) {
				return true
			}
			if k := len(b.Nodes); k > 0 {
				if es, ok := b.Nodes[k-1].(*ast.ExprStmt); ok {
					if call, ok := ast.Unparen(es.X).(*ast.CallExpr); ok && flow.NoReturn(info, call) {
						return true
					}
				}
			}
			return false
		}
		var cond ast.Expr
		if len(b.Succs) == 2 && len(b.Nodes) > 0 {
			cond, _ = b.Nodes[len(b.Nodes)-1].(ast.Expr)
		}
		for k, s := range b.Succs {
			if cond != nil && (settles(cond, k == 0) || known.contradicts(f, cond, k == 0)) {
				continue
			}
			key := fmt.Sprint(s.Index, known.key())
			if !seen[key] && len(seen) < 4096 {
				seen[key] = true
				queue = append(queue, state{s, known})
			} else if !seen[key] {
				return false // too many states: undecided
			}
		}
		return true
	}
	if !walk(start, startIdx+1, nil) {
		return false
	}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		if !walk(st.b, 0, st.known) {
			return false
		}
	}
	return true
}

// bools is what a path knows of local boolean variables: each entry
// holds a variable and its value. It is never changed in place.
type bools []boolFact

type boolFact struct {
	v   *types.Var
	val bool
}

func (k bools) key() string {
	s := ""
	for _, e := range k {
		s += fmt.Sprintf("%p=%v;", e.v, e.val)
	}
	return s
}

func (k bools) with(v *types.Var, val bool, known bool) bools {
	var out bools
	for _, e := range k {
		if e.v != v {
			out = append(out, e)
		}
	}
	if known {
		out = append(out, boolFact{v, val})
		sort.Slice(out, func(i, j int) bool { return out[i].v.Pos() < out[j].v.Pos() })
	}
	return out
}

// after updates k for node n: v = true / v = false, var v bool; any other
// assignment to a tracked local forgets it.
func (k bools) after(info *types.Info, f *flow.Func, n ast.Node) bools {
	switch n := n.(type) {
	case *ast.ValueSpec:
		for i, id := range n.Names {
			v, ok := info.Defs[id].(*types.Var)
			if !ok || !isBool(v.Type()) {
				continue
			}
			if len(n.Values) == 0 {
				k = k.with(v, false, true)
			} else if i < len(n.Values) {
				val, known := boolConst(info, n.Values[i])
				k = k.with(v, val, known)
			}
		}
	case *ast.AssignStmt:
		for i, l := range n.Lhs {
			v := f.VarOf(l)
			if v == nil || !isBool(v.Type()) {
				continue
			}
			if len(n.Lhs) == len(n.Rhs) && (n.Tok == token.ASSIGN || n.Tok == token.DEFINE) {
				val, known := boolConst(info, n.Rhs[i])
				k = k.with(v, val, known)
			} else {
				k = k.with(v, false, false)
			}
		}
	}
	return k
}

// contradicts reports whether taking the edge of cond (true or false)
// contradicts what k knows: cond is a tracked local, or its negation.
func (k bools) contradicts(f *flow.Func, cond ast.Expr, taken bool) bool {
	cond = ast.Unparen(cond)
	if u, ok := cond.(*ast.UnaryExpr); ok && u.Op == token.NOT {
		return k.contradicts(f, u.X, !taken)
	}
	id, ok := cond.(*ast.Ident)
	if !ok {
		return false
	}
	v := f.VarOf(id)
	for _, e := range k {
		if e.v == v {
			return e.val != taken
		}
	}
	return false
}

func isBool(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Kind() == types.Bool
}

func boolConst(info *types.Info, e ast.Expr) (val, known bool) {
	tv, ok := info.Types[ast.Unparen(e)]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Bool {
		return false, false
	}
	return constant.BoolVal(tv.Value), true
}

func isNilExpr(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[ast.Unparen(e)]
	return ok && tv.IsNil()
}

// isErrorType reports whether t is an error: the error interface or a
// type implementing it (*StreamError).
func isErrorType(t types.Type) bool {
	if t == nil {
		return false
	}
	errType := types.Universe.Lookup("error").Type()
	return types.Identical(t, errType) || types.Implements(t, errType.Underlying().(*types.Interface))
}

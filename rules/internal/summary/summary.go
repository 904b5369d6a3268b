// Package summary computes what each function does with its arguments:
// which it retains beyond the call, which the result is a view of, which it
// appends to, which it puts into a sync.Pool, and which it resets. Summaries are computed
// bottom-up to a fixed point over a package's functions, start from the
// knowledge table for the standard library, and cross package boundaries
// through the engine's shared facts (the engine checks a package after the
// packages it imports). A callee with no summary is unknown, and rules
// treat an unknown callee as neither retaining nor copying: not a sink.
package summary

import (
	"encoding/json"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// Params is a set of argument positions: -1 is the receiver, 0.. the
// parameters (a variadic parameter is its last position).
type Params uint64

func bit(i int) Params {
	if i+1 >= 64 {
		return 0
	}
	return 1 << uint(i+1)
}

// Has reports whether position i is in the set.
func (p Params) Has(i int) bool { return p&bit(i) != 0 }

// Each calls do for every position in the set.
func (p Params) Each(do func(i int)) {
	for i := -1; i < 63; i++ {
		if p.Has(i) {
			do(i)
		}
	}
}

func paramsOf(list []int) Params {
	var p Params
	for _, i := range list {
		p |= bit(i)
	}
	return p
}

// Summary is what a function does with its arguments.
type Summary struct {
	Retains Params // kept beyond the call: stored in a sink, sent, handed to a goroutine
	Views   Params // a result aliases the argument's storage
	Appends Params // appended to: the callee writes into the argument's spare capacity
	Puts    Params // put into a sync.Pool
	// Sends: handed to another goroutine (channel send, go statement). Not
	// part of Retains: a synchronous hand-off (io.Pipe's write waits for
	// the reader) keeps nothing after the call returns.
	Sends Params
	// Holds: stored where the caller can reach it (a field of the
	// receiver) only while the call runs, and cleared before every return
	// (HeldDuringCall): a synchronous hand-off, like Sends without a
	// goroutine. Not part of Retains or Keeps.
	Holds Params
	// Contains: a result that is not a slice (a struct, pointer or
	// interface) holds the argument (&T{data: p}, a local struct given p):
	// the caller's holder of the result keeps the argument. Not part of
	// Views (a Put or append of the result is not one of the argument) nor
	// of Keeps.
	Contains Params
	// Resets: emptied for reuse (x.Reset(), x.Truncate(0), *x = (*x)[:0]),
	// directly or through a callee that does so.
	Resets Params
	// Opaque: handed to a callee with no summary (a function value, an
	// interface method, a package that was not analysed), directly or
	// through a callee that does so: anything may happen to it, including
	// being retained. Rules that must prove an argument is not kept check
	// Retains|Views|Opaque.
	Opaque Params
	// Fresh: result 0 is, on every return, newly allocated storage that the
	// caller owns (make, a literal, a copy, a fresh-returning callee).
	Fresh bool
}

func (s Summary) or(o Summary) Summary {
	return Summary{
		Retains: s.Retains | o.Retains, Views: s.Views | o.Views, Appends: s.Appends | o.Appends,
		Puts: s.Puts | o.Puts, Sends: s.Sends | o.Sends, Holds: s.Holds | o.Holds, Contains: s.Contains | o.Contains, Resets: s.Resets | o.Resets, Opaque: s.Opaque | o.Opaque, Fresh: s.Fresh || o.Fresh,
	}
}

// Keeps is the set of arguments the callee may keep beyond the call, or
// expose through its result: Retains|Sends|Views|Opaque.
func (s Summary) Keeps() Params { return s.Retains | s.Sends | s.Views | s.Opaque }

// Key is how a function is named in the shared facts.
func Key(fn *types.Func) string { return "summary:" + fn.Origin().FullName() }

// Table holds the summaries of one package's functions and answers
// questions about calls in it.
type Table struct {
	pass  *rule.Pass
	facts rule.FactStore // of the pass that computed the table
	flows map[*ast.FuncDecl]*flow.Func
	order []*ast.FuncDecl
	sums  map[*types.Func]Summary
}

// Analysis computes the summary table of a package once for every rule
// that requires it, and exports the summaries as facts for the packages
// that import the package.
var Analysis = &rule.Analysis{
	Name:       "gofixslicesummary",
	Doc:        "gofixslicesummary computes what each function does with its arguments (keeps them, returns views of them, appends to them, puts them into a sync.Pool) for the gofixslice analyzers.",
	ResultType: reflect.TypeOf((*Table)(nil)),
	Run: func(pass *rule.Pass) any {
		t := &Table{pass: pass, facts: pass.Facts, flows: map[*ast.FuncDecl]*flow.Func{}, sums: map[*types.Func]Summary{}}
		for _, f := range pass.Files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
					t.flows[fd] = flow.NewFunc(pass.Info, pass.Pkg, fd)
					t.order = append(t.order, fd)
				}
			}
		}
		t.compute()
		for fn, s := range t.sums {
			if b, err := json.Marshal(s); err == nil {
				pass.Facts.Export(pass.Pkg, Key(fn), string(b))
			}
		}
		return t
	},
}

// For returns the summary table of the pass's package, seen from the
// pass's rule. The rule must list Analysis in its Requires.
func For(pass *rule.Pass) *Table {
	t := pass.ResultOf(Analysis).(*Table)
	return &Table{pass: pass, facts: t.facts, flows: t.flows, order: t.order, sums: t.sums}
}

// Flow returns the shared flow facts of a function declaration.
func (t *Table) Flow(fd *ast.FuncDecl) *flow.Func {
	if f, ok := t.flows[fd]; ok {
		return f
	}
	f := flow.NewFunc(t.pass.Info, t.pass.Pkg, fd)
	t.flows[fd] = f
	return f
}

// Funcs returns the flow facts of the functions declared in file, in order.
func (t *Table) Funcs(file *ast.File) []*flow.Func {
	var out []*flow.Func
	for _, d := range file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			out = append(out, t.Flow(fd))
		}
	}
	return out
}

// Func returns the summary of fn: from the knowledge table, this package,
// or the facts of an already checked package.
func (t *Table) Func(fn *types.Func) (Summary, bool) {
	if fn == nil {
		return Summary{}, false
	}
	if facts, ok := knowledge.Lookup(fn); ok {
		s := Summary{Retains: paramsOf(facts.Retains), Views: paramsOf(facts.ViewOf), Fresh: facts.Fresh || facts.Secret}
		if facts.Resets {
			s.Resets = bit(-1)
		}
		return s, true
	}
	if s, ok := t.sums[fn.Origin()]; ok {
		return s, true
	}
	if fn.Pkg() == nil || fn.Pkg() == t.pass.Pkg {
		return Summary{}, false
	}
	if v, ok := t.facts.Import(fn.Pkg(), Key(fn)); ok {
		var s Summary
		if json.Unmarshal([]byte(v), &s) == nil {
			return s, true
		}
	}
	return Summary{}, false
}

// Call returns the summary of a call's static callee.
func (t *Table) Call(call *ast.CallExpr) (Summary, bool) {
	return t.Func(rule.Callee(t.pass.Info, call))
}

// Arg returns the expression passed at position i (-1: the receiver) of a
// call, or nil. Arguments past the last parameter belong to the variadic one.
func (t *Table) Arg(call *ast.CallExpr, i int) []ast.Expr {
	if i < 0 {
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && t.pass.Info.Selections[sel] != nil {
			return []ast.Expr{sel.X}
		}
		return nil
	}
	fn := rule.Callee(t.pass.Info, call)
	if fn != nil {
		if sig, ok := fn.Type().(*types.Signature); ok && sig.Variadic() && i == sig.Params().Len()-1 {
			if i < len(call.Args) {
				return call.Args[i:]
			}
			return nil
		}
	}
	if i < len(call.Args) {
		return []ast.Expr{call.Args[i]}
	}
	return nil
}

// Views is the flow.ViewsFunc of this table: the call's result aliases the
// arguments its summary lists in Views.
func (t *Table) Views(call *ast.CallExpr) []ast.Expr {
	s, ok := t.Call(call)
	if !ok || s.Views == 0 {
		return nil
	}
	var out []ast.Expr
	s.Views.Each(func(i int) { out = append(out, t.Arg(call, i)...) })
	if len(out) == 0 {
		return nil
	}
	return out
}

// compute iterates the package's summaries to a fixed point.
func (t *Table) compute() {
	// Every function of the package is known from the start, with an empty
	// summary: a call to a function not yet analysed in this round is a
	// call to a known function (its bits arrive in a later round), not an
	// unknown callee.
	for _, fd := range t.order {
		if fn, ok := t.pass.Info.Defs[fd.Name].(*types.Func); ok {
			if _, seen := t.sums[fn]; !seen {
				t.sums[fn] = Summary{}
			}
		}
	}
	// Worklist: analyse every function once, then again only the callers
	// of a function whose summary grew. Summaries only grow (bits are
	// or-ed), so this reaches the same fixed point as repeated rounds.
	fnOf := map[*ast.FuncDecl]*types.Func{}
	callers := map[*types.Func][]*ast.FuncDecl{}
	for _, fd := range t.order {
		fn, ok := t.pass.Info.Defs[fd.Name].(*types.Func)
		if !ok {
			continue
		}
		fnOf[fd] = fn
		seen := map[*types.Func]bool{}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if callee := rule.Callee(t.pass.Info, call); callee != nil {
					callee = callee.Origin()
					if _, local := t.sums[callee]; local && !seen[callee] {
						seen[callee] = true
						callers[callee] = append(callers[callee], fd)
					}
				}
			}
			return true
		})
	}
	queue := append([]*ast.FuncDecl(nil), t.order...)
	queued := map[*ast.FuncDecl]bool{}
	for _, fd := range queue {
		queued[fd] = true
	}
	for steps := 0; len(queue) > 0 && steps < 20*len(t.order)+100; steps++ {
		fd := queue[0]
		queue = queue[1:]
		queued[fd] = false
		fn, ok := fnOf[fd]
		if !ok {
			continue
		}
		s := t.analyze(t.flows[fd]).or(t.sums[fn])
		if s == t.sums[fn] {
			continue
		}
		t.sums[fn] = s
		for _, c := range callers[fn] {
			if !queued[c] {
				queued[c] = true
				queue = append(queue, c)
			}
		}
	}
}

// analyze computes one function's summary from the current table.
func (t *Table) analyze(f *flow.Func) Summary {
	info := t.pass.Info
	index := map[*types.Var]int{}
	if f.Decl.Recv != nil {
		for _, fld := range f.Decl.Recv.List {
			for _, n := range fld.Names {
				if v, ok := info.Defs[n].(*types.Var); ok {
					index[v] = -1
				}
			}
		}
	}
	k := 0
	for _, fld := range f.Decl.Type.Params.List {
		if len(fld.Names) == 0 {
			k++
			continue
		}
		for _, n := range fld.Names {
			if v, ok := info.Defs[n].(*types.Var); ok {
				index[v] = k
			}
			k++
		}
	}
	if len(index) == 0 {
		return Summary{}
	}
	// from returns the parameters whose storage e may share.
	from := func(e ast.Expr) Params {
		var p Params
		if lit, ok := ast.Unparen(e).(*ast.FuncLit); ok {
			for _, id := range f.CapturedVars(lit) {
				for _, o := range f.Origins(id, t.Views) {
					if i, ok := index[o.Var]; ok && o.Kind == flow.OriginParam {
						p |= bit(i)
					}
				}
			}
			return p
		}
		for _, o := range f.Origins(e, t.Views) {
			if i, ok := index[o.Var]; ok && o.Kind == flow.OriginParam {
				p |= bit(i)
			}
		}
		return p
	}
	// itself returns the parameters that e is, or a re-slice of: not the
	// ones a wrapper built from them holds. A function that puts a wrapper
	// holding its argument (net/http's readRequest puts the
	// textproto.Reader wrapping its *bufio.Reader) does not put the
	// argument: the pool's next user overwrites the wrapper's fields, not
	// the argument's memory.
	itself := func(e ast.Expr) Params {
		var p Params
		for _, o := range f.Origins(e, noViews) {
			if i, ok := index[o.Var]; ok && o.Kind == flow.OriginParam {
				p |= bit(i)
			}
		}
		return p
	}
	stored := func(e ast.Expr) Params {
		var p Params
		for _, v := range flow.Stored(info, e) {
			p |= from(v)
		}
		return p
	}
	// selfStore is the parameter whose own memory lhs is in: storing p
	// there (p.w.r = p, as fasthttp's Request.BodyWriter does) keeps p
	// only as long as p is kept anyway.
	selfStore := func(lhs ast.Expr) Params {
		if ast.Unparen(lhs) == ast.Expr(flow.Root(lhs)) {
			return 0 // the parameter variable itself is reassigned
		}
		if root := flow.Root(lhs); root != nil {
			if v, ok := info.Uses[root].(*types.Var); ok {
				if i, ok := index[v]; ok {
					return bit(i)
				}
			}
		}
		return 0
	}
	var s Summary
	ast.Inspect(f.Decl.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) != len(n.Rhs) {
				return true
			}
			for i, lhs := range n.Lhs {
				if t.isSink(f, lhs) {
					if p := stored(n.Rhs[i]) &^ selfStore(lhs); p != 0 {
						if HeldDuringCall(info, f, lhs, n) {
							s.Holds |= p
						} else {
							s.Retains |= p
						}
					}
				}
			}
			if x := ResetOf(info, n); x != nil {
				s.Resets |= from(x)
			}
		case *ast.SendStmt:
			s.Sends |= stored(n.Value)
		case *ast.GoStmt:
			for _, a := range n.Call.Args {
				s.Sends |= stored(a)
			}
			if lit, ok := ast.Unparen(n.Call.Fun).(*ast.FuncLit); ok {
				s.Sends |= from(lit)
			}
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				// A result holding p (p itself, a sub-slice, &T{p}, a closure
				// capturing p) is a view: whether it outlives anything is the
				// caller's business.
				switch x := ast.Unparen(r).(type) {
				case *ast.UnaryExpr, *ast.FuncLit:
					if u, ok := x.(*ast.UnaryExpr); !ok || isAddrOfLit(u) {
						s.Views |= stored(r)
						continue
					}
				}
				s.Views |= from(r)
				if lit, ok := ast.Unparen(r).(*ast.CompositeLit); ok {
					s.Views |= stored(lit)
				}
				if !flow.IsSliceType(info.TypeOf(r)) {
					// A struct, pointer or interface holding p.
					s.Contains |= t.heldParams(f, r, from, map[*types.Var]bool{}, 0)
				}
			}
		case *ast.CallExpr:
			if flow.IsBuiltin(info, n, "append") && len(n.Args) > 0 && !flow.IsFresh(info, n.Args[0]) {
				s.Appends |= from(n.Args[0])
				return true
			}
			if knowledge.IsPoolPut(rule.Callee(info, n)) && len(n.Args) == 1 {
				s.Puts |= itself(n.Args[0])
				return true
			}
			if x := ResetOf(info, n); x != nil {
				s.Resets |= from(x)
			}
			cs, ok := t.Call(n)
			if !ok {
				if !isBuiltinOrConversion(info, n) && !knowledge.IsWriteMethod(rule.Callee(info, n)) && !knowledge.IsReadMethod(rule.Callee(info, n)) {
					for _, a := range n.Args {
						s.Opaque |= stored(a)
					}
				}
				return true
			}
			retains, holds := cs.Retains, cs.Holds
			if recv := t.Arg(n, -1); len(recv) == 1 && t.localOnly(f, recv[0]) {
				// A method keeping its argument in a receiver that is a
				// local of this function (var d decodeState; d.init(data))
				// keeps it no longer than this call.
				retains, holds = 0, 0
			}
			for _, which := range []struct {
				set Params
				dst *Params
				fn  func(ast.Expr) Params
			}{{retains, &s.Retains, stored}, {holds, &s.Holds, stored}, {cs.Sends, &s.Sends, stored}, {cs.Appends, &s.Appends, from}, {cs.Puts, &s.Puts, itself}, {cs.Opaque, &s.Opaque, stored}, {cs.Resets, &s.Resets, from}} {
				which.set.Each(func(i int) {
					for _, a := range t.Arg(n, i) {
						*which.dst |= which.fn(a)
					}
				})
			}
		}
		return true
	})
	s.Fresh = t.freshResult(f)
	return s
}

// isBuiltinOrConversion reports whether call is a call of a built-in
// function or a type conversion: neither has a summary, and neither hides
// what happens to its operands.
func isBuiltinOrConversion(info *types.Info, call *ast.CallExpr) bool {
	if tv, ok := info.Types[call.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
		return true
	}
	return false
}

// freshResult reports whether every return of the function declaration
// gives, as result 0, storage it allocated itself and let nobody else
// hold: make, a literal, a copy, a slice of a local array value, or the
// result of a fresh-returning callee, reached through locals that are only
// read, filled, resliced, returned, or passed to standard-library calls
// the knowledge table says neither keep nor return them. Only the
// knowledge table is consulted about what callees keep (not this package's
// summaries, still growing during the fixed point), so the answer only
// ever goes from false to true across rounds.
func (t *Table) freshResult(f *flow.Func) bool {
	res := f.Decl.Type.Results
	if res == nil || len(res.List) == 0 || !flow.IsSliceType(t.pass.Info.TypeOf(res.List[0].Type)) {
		return false
	}
	var parents map[ast.Node]ast.Node
	fresh, returns := true, false
	ast.Inspect(f.Decl.Body, func(n ast.Node) bool {
		if !fresh {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false // a closure's return is not the function's
		case *ast.ReturnStmt:
			returns = true
			if len(n.Results) == 0 {
				fresh = false // bare return of named results: not traced
				return false
			}
			if parents == nil {
				parents = f.Parents()
			}
			if !t.freshExpr(f, parents, n.Results[0], map[*types.Var]bool{}, 0) {
				fresh = false
			}
		}
		return true
	})
	return fresh && returns
}

// freshExpr reports whether e is storage the function allocated and that
// no one else holds (see freshResult).
func (t *Table) freshExpr(f *flow.Func, parents map[ast.Node]ast.Node, e ast.Expr, seen map[*types.Var]bool, depth int) bool {
	if depth > 12 {
		return false
	}
	info := t.pass.Info
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		if x.Name == "nil" && info.Uses[x] == types.Universe.Lookup("nil") {
			return true
		}
		v := f.VarOf(x)
		if v == nil || flow.IsPackageLevel(v) || f.IsParam(v) {
			return false
		}
		if seen[v] {
			return true
		}
		seen[v] = true
		defs := f.Defs(v)
		if len(defs) == 0 {
			return false
		}
		for _, d := range defs {
			if d.RHS == nil {
				if _, isSpec := d.Stmt.(*ast.ValueSpec); !isSpec {
					return false // a range variable
				}
				continue // var b []byte, var a [32]byte: zero values
			}
			if d.Tuple {
				call, ok := ast.Unparen(d.RHS).(*ast.CallExpr)
				if !ok || d.Index != 0 || !t.freshCall(call) {
					return false
				}
				continue
			}
			if !t.freshExpr(f, parents, d.RHS, seen, depth+1) {
				return false
			}
		}
		for _, u := range f.Uses(v) {
			if !t.contained(f, parents, u, seen, depth) {
				return false
			}
		}
		return true
	case *ast.SliceExpr:
		return t.freshExpr(f, parents, x.X, seen, depth+1)
	case *ast.CompositeLit, *ast.BasicLit:
		return true
	case *ast.CallExpr:
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() {
			// []byte(s) of a string copies; between slice types it does not.
			if len(x.Args) == 1 {
				if b, ok := info.TypeOf(x.Args[0]).Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
					return true
				}
				return t.freshExpr(f, parents, x.Args[0], seen, depth+1)
			}
			return false
		}
		if flow.IsBuiltin(info, x, "make") {
			return true
		}
		if flow.IsBuiltin(info, x, "append") && len(x.Args) > 0 {
			return t.freshExpr(f, parents, x.Args[0], seen, depth+1)
		}
		return t.freshCall(x)
	}
	return false
}

// freshCall reports whether a call's result 0 is fresh storage of the
// caller's: a fresh-returning callee, or an array value (a copy).
func (t *Table) freshCall(call *ast.CallExpr) bool {
	if tv, ok := t.pass.Info.Types[call]; ok && tv.Type != nil {
		if _, isArray := tv.Type.Underlying().(*types.Array); isArray {
			return true
		}
		if tup, ok := tv.Type.(*types.Tuple); ok && tup.Len() > 0 {
			if _, isArray := tup.At(0).Type().Underlying().(*types.Array); isArray {
				return true
			}
		}
	}
	s, ok := t.Call(call)
	return ok && s.Fresh
}

// contained reports whether use u of a traced local neither lets its
// storage escape nor hands it to anything that may keep it.
func (t *Table) contained(f *flow.Func, parents map[ast.Node]ast.Node, u ast.Node, seen map[*types.Var]bool, depth int) bool {
	info := t.pass.Info
	var n ast.Node = u
	for {
		switch p := parents[n].(type) {
		case *ast.ParenExpr:
			n = p
			continue
		case *ast.SliceExpr:
			if p.X != n {
				return true // an index of the slice expression
			}
			n = p
			continue
		case *ast.IndexExpr:
			return p.X == n
		case *ast.RangeStmt:
			return p.X == n
		case *ast.BinaryExpr:
			return true
		case *ast.ReturnStmt:
			return true
		case *ast.AssignStmt:
			for _, l := range p.Lhs {
				if l == n {
					return true // overwritten
				}
			}
			for i, r := range p.Rhs {
				if r != n || len(p.Lhs) != len(p.Rhs) {
					continue
				}
				if id, ok := ast.Unparen(p.Lhs[i]).(*ast.Ident); ok {
					if id.Name == "_" {
						return true
					}
					if w := f.VarOf(id); w != nil && !flow.IsPackageLevel(w) && !f.IsParam(w) {
						// Held by another local: it must be contained too.
						return t.freshExpr(f, parents, id, seen, depth+1)
					}
				}
				return false
			}
			return false
		case *ast.CallExpr:
			i := -2
			for k, a := range p.Args {
				if a == n {
					i = k
				}
			}
			if i < 0 {
				return false
			}
			switch flow.UseOfArg(info, parents, p, i) {
			case flow.ArgCopied:
				return true
			case flow.ArgHeld:
				n = p // append(b, ...): the result holds b
				continue
			case flow.ArgKept:
				return false
			}
			fn := rule.Callee(info, p)
			facts, ok := knowledge.Lookup(fn)
			return ok && !knowledge.Has(facts.Retains, i) && !knowledge.Has(facts.ViewOf, i)
		}
		return false
	}
}

// ResetOf returns the expression a node empties for reuse, or nil: the
// receiver of a reset call (x.Reset(), buf.Truncate(0): knowledge.IsReset),
// or p of `*p = x[:0]` / `*p = nil` on a pointer to a slice.
func ResetOf(info *types.Info, n ast.Node) ast.Expr {
	switch n := n.(type) {
	case *ast.CallExpr:
		sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr)
		if !ok || info.Selections[sel] == nil {
			return nil
		}
		zero := len(n.Args) == 1 && isZeroConst(info, n.Args[0])
		callee := rule.Callee(info, n)
		if !knowledge.IsReset(callee, zero) {
			return nil
		}
		// p.Buffer.Reset() with Buffer embedded in p's type resets p too
		// when p.Reset is that same promoted method (x/text's printer).
		x := sel.X
		for {
			inner, ok := ast.Unparen(x).(*ast.SelectorExpr)
			if !ok {
				break
			}
			fs := info.Selections[inner]
			if fs == nil || fs.Kind() != types.FieldVal || !fs.Obj().(*types.Var).Embedded() {
				break
			}
			obj, _, _ := types.LookupFieldOrMethod(info.TypeOf(inner.X), true, callee.Pkg(), sel.Sel.Name)
			if obj != callee {
				break
			}
			x = inner.X
		}
		return x
	case *ast.AssignStmt:
		if len(n.Lhs) != 1 || len(n.Rhs) != 1 || n.Tok != token.ASSIGN {
			return nil
		}
		star, ok := ast.Unparen(n.Lhs[0]).(*ast.StarExpr)
		if !ok || !flow.IsSliceType(info.TypeOf(star)) {
			return nil
		}
		if IsEmptied(info, n.Rhs[0]) {
			return star.X
		}
	}
	return nil
}

// IsEmptied reports whether e is an emptied slice: x[:0], x[0:0], x[:0:0]
// or nil.
func IsEmptied(info *types.Info, e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return x.Name == "nil" && info.Uses[x] == types.Universe.Lookup("nil")
	case *ast.SliceExpr:
		return x.High != nil && isZeroConst(info, x.High) && (x.Low == nil || isZeroConst(info, x.Low))
	}
	return false
}

func isZeroConst(info *types.Info, e ast.Expr) bool {
	tv, ok := info.Types[e]
	return ok && tv.Value != nil && tv.Value.ExactString() == "0"
}

// localOnly reports whether e is a local variable of f (or its address)
// that is neither a parameter nor returned.
func (t *Table) localOnly(f *flow.Func, e ast.Expr) bool {
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.AND {
		e = u.X
	}
	v := f.VarOf(e)
	if v == nil || flow.IsPackageLevel(v) || f.IsParam(v) {
		return false
	}
	returned := false
	ast.Inspect(f.Decl.Body, func(n ast.Node) bool {
		if ret, ok := n.(*ast.ReturnStmt); ok {
			for _, r := range ret.Results {
				for _, val := range flow.Stored(t.pass.Info, r) {
					if root := flow.Root(val); root != nil && f.VarOf(root) == v {
						returned = true
					}
				}
			}
		}
		return !returned
	})
	return !returned
}

func isAddrOfLit(u *ast.UnaryExpr) bool {
	_, ok := ast.Unparen(u.X).(*ast.CompositeLit)
	return ok
}

// isSink reports whether storing into lhs keeps the value beyond the call:
// package-level variables, and locations in memory the caller can reach
// through a parameter or receiver (fields through pointers, map and slice
// elements, dereferences).
func (t *Table) isSink(f *flow.Func, lhs ast.Expr) bool {
	root := flow.Root(lhs)
	if root == nil {
		return false
	}
	v := f.VarOf(root)
	if v == nil {
		return false
	}
	if flow.IsPackageLevel(v) {
		return true
	}
	return f.IsParam(v) && flow.Indirect(t.pass.Info, lhs)
}

// noViews follows no call: only the value itself, re-sliced or converted.
func noViews(*ast.CallExpr) []ast.Expr { return nil }

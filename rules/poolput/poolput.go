package poolput

import (
	"go/ast"
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
	"github.com/gofixslice/gofixslice/rules/internal/vflow"
)

// Rule reports sync.Pool lifetime errors: memory that outlives the Put,
// objects put back dirty, boxed, oversized, pinning pointers, or nil.
var Rule = rule.Define(&rule.Rule{
	ID:    "pool-put",
	Title: "sync.Pool object used, kept or put back unsafely",
	Doc: rule.Doc{
		Intro: `sync.Pool lifetime errors ("defer Put").

After Put, deferred or not, the pool may hand the object to another
goroutine at any moment. Each check below has its own ID and message.`,
		NotReported: `A deferred Put with "return buf.String()"; a Put without reset when
every Get resets; Put(b[:0]) of pointer-free elements; len(x) after Put;
the fmt printer pattern (copy out, field set to nil when oversized, pointer
put back); an oversized Put when the option is off. Also: a reset through
a promoted method (m.Reset() when Put(m.Hash) puts the embedded field) or
a whole overwrite (*x = T{}); types whose Reset() is a domain operation (it
has results, or calls out through interfaces or function values); pointer
elements in a pool created by the function itself; a holder restored by a
defer registered after the deferred Put (defers run last-in first-out); a
wrapper that puts its argument only on the paths returning a constant
bool, after which the caller leaves on that result.`,
		Example: `  buf := bufPool.Get().(*bytes.Buffer)
  buf.Reset()
  defer bufPool.Put(buf)
  render(buf, v)
  return buf.Bytes()

becomes

  return bytes.Clone(buf.Bytes())`,
	},
	Checks:   []*rule.Check{useAfterPut, noReset, boxing, oversize, pointerElems, typedNil},
	Options:  []*rule.Option{MaxCap},
	Requires: []*rule.Analysis{summary.Analysis, vflow.Analysis},
	Run:      runPoolPut,
})

// MaxCap turns on the oversize check.
var MaxCap = &rule.Option{
	Name:    "pool-max-cap",
	Doc:     "pool-put: report Puts of buffers with no capacity bound above this many bytes (0: off)",
	Kind:    rule.Size,
	Default: int64(0),
}

var (
	useAfterPut = &rule.Check{
		Name:     "use-after-put",
		Category: rule.Bug,
		Summary:  "memory of a pooled object is used after it is put back",
		Doc: `Memory of a put-back object (buf.Bytes(), a sub-slice, *p, the object
itself) is returned, stored in a long-lived place (global, field through a
pointer or parameter, variable captured by a closure, channel, a retaining
call such as sync.Map.Store) or handed to a goroutine while the Put
happens: the pool's next user overwrites it. Puts hidden in a wrapper of
the module (defer release(buf)) count, through function summaries. A
deferred Put runs after the return values are evaluated, so "return
buf.String()" and "return string(buf.Bytes())" copy in time and are not
reported. After a non-deferred Put, a read of the object is reported when
it is reached from the Put on a path that neither computes the object
again (a reassignment, the next Get, the next range element) nor passes a
call that never returns (t.Fatal, os.Exit, helpers that always call
them); len and cap of a local slice header and nil checks are not reads.
Fix: copy at the escape (bytes.Clone / slices.Clone, or append(x[:0:0],
x...) before Go 1.20/1.21) when the escape is evaluated before the Put;
otherwise report only.`,
	}
	noReset = &rule.Check{
		Name:     "no-reset",
		Category: rule.Bug,
		Summary:  "a pooled object is put back without being reset",
		Doc: `A *bytes.Buffer (any type with a Reset() method) or a *[]T is put back
while the putting function does not reset it and not every Get of that pool
in the package resets it after Get: the next user sees the previous user's
contents.
Fix: x.Reset() (or *p = (*p)[:0]) right before the Put; a direct
"defer pool.Put(x)" becomes "defer func() { x.Reset(); pool.Put(x) }()".`,
	}
	boxing = &rule.Check{
		Name:     "boxing",
		Category: rule.Performance,
		Summary:  "a non-pointer value is put into a sync.Pool and allocates",
		Doc: `Non-pointer Put (staticcheck SA6002): Put of a slice, string, array or
struct value boxes it into an interface, which allocates on every call.
Fix, only when the pool is an unexported package-level variable whose New,
every Get and every Put sit in one file and pair up: the pool holds *T,
each Get keeps the pointer (bp := pool.Get().(*[]byte); b := *bp), each Put
stores the value back through it (*bp = b[:0]; pool.Put(bp)).
A line where SA6002 is already silenced (//lint:ignore SA6002 reason,
//nolint:staticcheck) is not reported again: its authors made the call.`,
		Equivalents: []string{"staticcheck:SA6002"},
	}
	oversize = &rule.Check{
		Name:     "oversize",
		Category: rule.Memory,
		Summary:  "a buffer of any capacity is put back into a sync.Pool",
		Doc: `Oversized Put (opt-in: off until the pool-max-cap option, a capacity in
bytes, is set; analyzer flag -poolput.pool-max-cap=N). A Put with no
capacity check keeps one huge buffer in the pool for good.
Fix, where a return skips exactly the Put (the Put ends a function without
results, a deferred closure, or a direct defer): "if buf.Cap() > N {
return }" (cap(b), cap(*p) for slices), as fmt does.`,
	}
	pointerElems = &rule.Check{
		Name:     "pointer-elems",
		Category: rule.Memory,
		Summary:  "a pooled slice keeps the pointers of its old elements alive",
		Doc: `Put(b[:0]) or "*p = (*p)[:0]" before Put, where the elements contain
pointers and were not cleared: the pooled array keeps everything they point
to alive. Fix: clear(b) first (Go 1.21), a zeroing loop for older files.
Pointer-free elements are fine.`,
	}
	typedNil = &rule.Check{
		Name:     "typed-nil",
		Category: rule.Bug,
		Summary:  "a typed nil is put into a sync.Pool",
		Doc: `The argument is nil on some path (buf = nil in an oversize guard, then
Put(buf)): Put ignores only an untyped nil, so a later Get returns a nil
pointer and its user panics. Fix, for the simple guard followed by a final
Put: return instead of setting nil.`,
	}
)

// poolCheck is the state of one package's pool-put pass.
type poolCheck struct {
	pass     *rule.Pass
	sums     *summary.Table
	parent   map[ast.Node]ast.Node
	sites    []*putSite
	pools    map[*types.Var]*poolInfo
	reported map[ast.Node]bool // escapes already reported -> whether fixed
	boxing   map[*poolInfo]*boxingPlan
	vf       *vflow.Package
	instrs   map[*ssa.Function]map[token.Pos]ssa.Instruction
}

// poolInfo is what the package does with one pool variable or field.
type poolInfo struct {
	obj *types.Var
	// known: the pool is unexported, declared in this package, and every
	// use of it is its declaration or a Get/Put call: the Get and Put
	// sites below are all of them.
	known bool
	gets  []*ast.CallExpr
	puts  []*putSite
	decl  *ast.ValueSpec // package-level declaration, if any
	// newAssigned: New is assigned outside the declaration.
	newAssigned bool
}

// putSite is one Put of an object: a (*sync.Pool).Put call, or a call of a
// function whose summary says it puts that argument into a pool.
type putSite struct {
	fn     *flow.Func
	call   *ast.CallExpr
	direct bool      // (*sync.Pool).Put itself
	pool   *poolInfo // direct: the pool, when it is a variable or field
	poolX  ast.Expr  // direct: the pool operand
	arg    ast.Expr  // the argument put back

	// The pooled object: arg without & and an emptying [:0].
	obj     ast.Expr
	objText string
	root    *types.Var
	def     flow.Def // root's assignment reaching the Put
	hasDef  bool
	anyDef  bool // the Put is in a deferred closure: it reads root at exit

	deferred  bool
	anchor    ast.Node       // where the Put is decided: the defer statement or the call
	deferStmt *ast.DeferStmt // "defer pool.Put(x)" itself
	unit      ast.Node       // function whose exit runs a deferred Put (FuncDecl or FuncLit)
	inner     ast.Node       // innermost function containing the call
	stmt      *ast.ExprStmt  // the call's statement, when it sits in a statement list

	ssa *ssaSite // the value flow of the Put (nil: source order only)

	unfixedUse bool // a use or escape of the object around this Put has no fix
	unfixed    bool // some finding about this Put has no fix
}

// report records a finding about s, with its evidence chain.
func (c *poolCheck) report(s *putSite, d rule.Diagnostic) {
	if d.Fix == nil {
		s.unfixed = true
	}
	if len(d.Related) == 0 {
		d.Related = c.evidence(s, d)
	}
	if reportHook != nil {
		reportHook(d)
	}
	c.pass.Report(d)
}

// reportHook, when set (by tests), sees every diagnostic reported.
var reportHook func(rule.Diagnostic)

func runPoolPut(p *rule.Pass) {
	sums := summary.For(p)
	if !hasPuts(p, sums) {
		return
	}
	c := &poolCheck{
		pass: p, sums: sums, parent: map[ast.Node]ast.Node{},
		pools: map[*types.Var]*poolInfo{}, reported: map[ast.Node]bool{}, boxing: map[*poolInfo]*boxingPlan{},
		vf: vflow.For(p), instrs: map[*ssa.Function]map[token.Pos]ssa.Instruction{},
	}
	for _, f := range p.Files {
		c.addParents(f)
	}
	c.collect()
	for _, s := range c.sites {
		if p.InScope(s.call.Pos()) { // a single-file run checks that file's Puts
			c.checkUse(s)
		}
	}
	for _, s := range c.sites {
		if s.direct && p.InScope(s.call.Pos()) {
			c.checkOversize(s)
			c.checkReset(s)
			c.checkPointerElems(s)
			c.checkTypedNil(s)
		}
	}
	// Last: the pointer conversion is offered only when nothing else about
	// the pool's Puts stays unfixed (the conversion renames what later
	// findings would be about).
	for _, s := range c.sites {
		if s.direct {
			c.checkBoxing(s)
		}
	}
}

// hasPuts is a cheap filter: only packages that call (*sync.Pool).Put or a
// function whose summary puts an argument into a pool can have findings.
func hasPuts(p *rule.Pass, sums *summary.Table) bool {
	found := false
	for _, f := range p.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			if found {
				return false
			}
			if call, ok := n.(*ast.CallExpr); ok {
				if knowledge.IsPoolPut(rule.Callee(p.Info, call)) {
					found = true
				} else if s, ok := sums.Call(call); ok && s.Puts != 0 {
					found = true
				}
			}
			return !found
		})
	}
	return found
}

func (c *poolCheck) addParents(root ast.Node) {
	var stack []ast.Node
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if len(stack) > 0 {
			c.parent[n] = stack[len(stack)-1]
		}
		stack = append(stack, n)
		return true
	})
}

// collect finds the Put sites and the Get calls of every pool.
func (c *poolCheck) collect() {
	info := c.pass.Info
	for _, file := range c.pass.Files {
		for _, fn := range c.sums.Funcs(file) {
			fn := fn
			ast.Inspect(fn.Decl.Body, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				callee := rule.Callee(info, call)
				sel, _ := ast.Unparen(call.Fun).(*ast.SelectorExpr)
				switch {
				case knowledge.IsPoolPut(callee) && len(call.Args) == 1 && sel != nil:
					s := c.newSite(fn, call, call.Args[0])
					s.direct, s.poolX = true, sel.X
					if pi := c.pool(sel.X); pi != nil {
						s.pool = pi
						pi.puts = append(pi.puts, s)
					}
				case knowledge.IsPoolGet(callee) && sel != nil:
					if pi := c.pool(sel.X); pi != nil {
						pi.gets = append(pi.gets, call)
					}
				default:
					sum, ok := c.sums.Call(call)
					if !ok || sum.Puts == 0 {
						return true
					}
					sum.Puts.Each(func(i int) {
						for _, a := range c.sums.Arg(call, i) {
							c.newSite(fn, call, a)
						}
					})
				}
				return true
			})
		}
	}
	for _, pi := range c.pools {
		pi.known = c.poolKnown(pi)
	}
}

func (c *poolCheck) newSite(fn *flow.Func, call *ast.CallExpr, arg ast.Expr) *putSite {
	s := &putSite{fn: fn, call: call, arg: arg, anchor: call}
	s.inner = c.enclosingFunc(call)
	s.unit = s.inner
	if ds, ok := c.parent[call].(*ast.DeferStmt); ok && ds.Call == call {
		s.deferred, s.anchor, s.deferStmt = true, ds, ds
	} else if lit, ok := s.inner.(*ast.FuncLit); ok {
		if cl, ok := c.parent[lit].(*ast.CallExpr); ok && cl.Fun == lit && len(cl.Args) == 0 {
			if ds, ok := c.parent[cl].(*ast.DeferStmt); ok && ds.Call == cl {
				s.deferred, s.anchor, s.anyDef = true, ds, true
				s.unit = c.enclosingFunc(ds)
			}
		}
	}
	if es, ok := c.parent[call].(*ast.ExprStmt); ok && c.inList(es) {
		s.stmt = es
	}
	obj := ast.Unparen(arg)
	if u, ok := obj.(*ast.UnaryExpr); ok && u.Op == token.AND {
		obj = ast.Unparen(u.X)
	}
	if se, ok := obj.(*ast.SliceExpr); ok && summary.IsEmptied(c.pass.Info, se) {
		obj = ast.Unparen(se.X)
	}
	s.obj = obj
	s.objText = rule.ExprText(c.pass.Fset, obj)
	if id := flow.Root(obj); id != nil {
		if v := fn.VarOf(id); v != nil && !flow.IsPackageLevel(v) {
			s.root = v
			s.def, s.hasDef = fn.Reaching(v, call.Pos())
		}
	}
	c.initSSA(s)
	c.sites = append(c.sites, s)
	return s
}

// pool returns the pool a Get/Put operand denotes when it is a variable or
// a struct field, or nil.
func (c *poolCheck) pool(x ast.Expr) *poolInfo {
	info := c.pass.Info
	var v *types.Var
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		v, _ = info.Uses[x].(*types.Var)
	case *ast.SelectorExpr:
		if sel := info.Selections[x]; sel != nil {
			if sel.Kind() == types.FieldVal {
				v, _ = sel.Obj().(*types.Var)
			}
		} else {
			v, _ = info.Uses[x.Sel].(*types.Var)
		}
	}
	if v == nil {
		return nil
	}
	pi := c.pools[v]
	if pi == nil {
		pi = &poolInfo{obj: v}
		c.pools[v] = pi
	}
	return pi
}

// poolKnown reports whether every Get and Put of the pool is in sight: an
// unexported package-level variable or field of this package whose every
// use is a Get or Put call (or, for a field, a composite-literal key or a
// New assignment).
func (c *poolCheck) poolKnown(pi *poolInfo) bool {
	v := pi.obj
	if v.Pkg() != c.pass.Pkg || v.Exported() || !(flow.IsPackageLevel(v) || v.IsField()) {
		return false
	}
	for id, obj := range c.pass.Info.Defs {
		if obj == v {
			if vs, ok := c.parent[id].(*ast.ValueSpec); ok && flow.IsPackageLevel(v) {
				pi.decl = vs
			}
		}
	}
	for id, obj := range c.pass.Info.Uses {
		if obj != v {
			continue
		}
		var x ast.Node = id
		if sel, ok := c.parent[id].(*ast.SelectorExpr); ok && sel.Sel == id {
			x = sel
		}
		if kv, ok := c.parent[x].(*ast.KeyValueExpr); ok && kv.Key == x {
			continue
		}
		sel, ok := c.parent[x].(*ast.SelectorExpr)
		if !ok || sel.X != x {
			return false
		}
		isNew, ok := c.poolOp(sel)
		if !ok {
			return false
		}
		pi.newAssigned = pi.newAssigned || isNew
	}
	return true
}

// poolOp reports whether sel (pool.X) is a call of the pool's Get or Put,
// or an assignment to its New field (isNew).
func (c *poolCheck) poolOp(sel *ast.SelectorExpr) (isNew, ok bool) {
	switch sel.Sel.Name {
	case knowledge.PoolGetMethod, knowledge.PoolPutMethod:
		call, ok := c.parent[sel].(*ast.CallExpr)
		return false, ok && call.Fun == sel
	case knowledge.PoolNewField:
		as, ok := c.parent[sel].(*ast.AssignStmt)
		return true, ok && len(as.Lhs) == 1 && as.Lhs[0] == sel
	}
	return false, false
}

// putText is how messages name the Put: the call as written.
func (c *poolCheck) putText(s *putSite) string {
	return rule.ExprText(c.pass.Fset, s.call)
}

// poolLocal reports whether the pool is a local variable of a function
// that only ever calls its Get and Put (and sets its New): the pool
// cannot outlive the call and the closures of that call.
func (c *poolCheck) poolLocal(pi *poolInfo) bool {
	v := pi.obj
	if v.Pkg() != c.pass.Pkg || v.IsField() || flow.IsPackageLevel(v) {
		return false
	}
	for id, obj := range c.pass.Info.Uses {
		if obj != v {
			continue
		}
		sel, ok := c.parent[id].(*ast.SelectorExpr)
		if !ok || sel.X != id {
			return false
		}
		if _, ok := c.poolOp(sel); !ok {
			return false
		}
	}
	return true
}

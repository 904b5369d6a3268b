package aliasappend

import (
	"go/ast"
	"go/token"
	"go/types"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
)

// Rule reports appends that can write into elements another slice
// holds, and caps the capacity of the shared slice so that append must
// allocate instead.
var Rule = rule.Define(&rule.Rule{
	ID:    "alias-append",
	Title: "an append can overwrite elements that another slice holds",
	Doc: rule.Doc{
		Intro: `Appends that overwrite someone else's elements.

append writes into the spare capacity of its first argument when there is
some. A sub-slice x[i:j] has the capacity of x from i on, so appending to
it overwrites x[j], x[j+1]... which belong to x and to the chunks cut after
it. The full slice expression x[i:j:j] (and base[:len(base):len(base)],
g[:0:0]) leaves no spare capacity, so append must allocate a new array.
Capping is behaviour-neutral unless someone appends, in which case it
removes the clobbering. It does not copy anything and releases no memory.

When the upper bound j has side effects it cannot be repeated: the finding
is reported without a fix.`,
		NotReported: `The owner reusing its own buffer (b.buf = b.buf[:0],
dst = append(dst[:0], ...) on a local or a receiver's field), functions
named AppendXxx/appendXxx that append to a caller-supplied buffer by
contract, chunks only spread into a fresh slice (append(out, c...) copies),
sub-slices used locally and never appended to, goroutines that only read
their chunk, already capped slices (x[i:j:j], x[:0:0]), and bases built by
a composite literal (their capacity equals their length). Nor, for lack of
evidence that anyone appends: a callee whose only append spreads a
parameter that is nil at the call (append(to, hidden...) with hidden nil);
a base whose later uses only pass the same prefix to calls that neither
keep nor append (io.Writer-style writes); and buf[:n] of a buffer that the
surrounding loop reads into again, sent or handed off (the owner's next
read is the hazard there, which transient-retain reports, and capping
would not fix it).`,
		Example: `  for i := 0; i < len(orders); i += n {
      go worker(orders[i:min(i+n, len(orders))])   // worker appends
  }

becomes

  for i := 0; i < len(orders); i += n {
      go worker(orders[i:min(i+n, len(orders)):min(i+n, len(orders))])
  }`,
	},
	Checks:   []*rule.Check{handoff, appendingCallee, globalReset, sharedBase, chunks},
	Requires: []*rule.Analysis{summary.Analysis},
	Run:      runAliasAppend,
})

var (
	handoff = &rule.Check{
		Name:     "handoff",
		Category: rule.Bug,
		Summary:  "a sub-slice is handed to a goroutine or a channel while its array is still in use",
		Doc: `x[i:j] handed to a goroutine (as an argument of a go statement, or a
variable captured by its function literal) that appends to it, keeps it or
passes it where that cannot be followed, or sent on a channel, while x or
other chunks of it are still in use (x is a parameter, a package-level
variable or a field, the hand-off sits in a loop, or x is used afterwards).
Fix: x[i:j:j].`,
	}
	appendingCallee = &rule.Check{
		Name:     "appending-callee",
		Category: rule.Bug,
		Summary:  "a sub-slice is passed to a function that appends to it",
		Doc: `x[i:j] passed to a function of the same package that appends to that
parameter past its length (found through function summaries and the
callee's body; appending only into a truncation of it, the in-place filter
idiom out := p[:0], does not count), x still in use. Fix: x[i:j:j].`,
	}
	globalReset = &rule.Check{
		Name:     "global-reset",
		Category: rule.Bug,
		Summary:  "g[:0] of a package-level slice is appended to",
		Doc: `y := g[:0] of a package-level slice g, then appended to: every goroutine
shares g's array. Also append(g[:0], ...) whose result is not assigned back
to g. Fix: g[:0:0].`,
	}
	sharedBase = &rule.Check{
		Name:     "shared-base",
		Category: rule.Bug,
		Summary:  "results of appending to one base are kept separately",
		Doc: `r := append(base, v) in a loop, base loop-invariant and not reassigned,
and each result kept separately (appended to a slice, stored in a map or
slice element, sent, retained by a callee): all results share base's spare
capacity, so the last iteration wins. Also a method on a slice type
returning append(recv, ...), as in
func (l L) With(v ...T) L { return append(l, v...) }.
Fix: append(base[:len(base):len(base)], v).`,
	}
	chunks = &rule.Check{
		Name:     "chunks",
		Category: rule.Bug,
		Summary:  "sub-slices of a parameter are returned as chunks with spare capacity",
		Doc: `Sub-slices of a parameter collected into a returned [][]T (a Chunk
function): exported functions always (callers may append to a chunk),
unexported ones when a caller in the package appends to a chunk.
Fix: x[i:j:j].`,
	}
)

type aliasCheck struct {
	pass    *rule.Pass
	sums    *summary.Table
	fn      *flow.Func
	parents map[ast.Node]ast.Node
	done    map[ast.Node]bool // nodes already reported in this pass

	consumers map[*types.Func]int // unexported chunk functions: 1 a caller appends, 2 none
	keptAt    ast.Node            // set by kept: where the value is kept
	funcs     []*flow.Func        // every function of the package
}

func runAliasAppend(p *rule.Pass) {
	sums := summary.For(p)
	var funcs []*flow.Func
	for _, file := range p.Files {
		funcs = append(funcs, sums.Funcs(file)...)
	}
	done := map[ast.Node]bool{}
	consumers := map[*types.Func]int{}
	for _, fn := range funcs {
		c := &aliasCheck{pass: p, sums: sums, fn: fn, parents: fn.Parents(), done: done, consumers: consumers, funcs: funcs}
		c.check()
	}
}

// check runs every alias-append detector over one function.
func (c *aliasCheck) check() {
	info := c.pass.Info
	goCalls := map[*ast.CallExpr]bool{}
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.GoStmt:
			goCalls[s.Call] = true
			c.checkGo(s)
		case *ast.SendStmt:
			c.checkSend(s)
		case *ast.CallExpr:
			if !goCalls[s] {
				c.checkAppendingCall(s)
			}
			if flow.IsBuiltin(info, s, "append") {
				c.checkGlobalAppend(s)
				c.checkLoopBase(s)
			}
		case *ast.AssignStmt:
			if (s.Tok == token.DEFINE || s.Tok == token.ASSIGN) && len(s.Lhs) == len(s.Rhs) {
				for i := range s.Lhs {
					c.checkGlobalReset(s, s.Lhs[i], s.Rhs[i])
				}
			}
		case *ast.ValueSpec:
			if len(s.Names) == len(s.Values) {
				for i := range s.Names {
					c.checkGlobalReset(s, s.Names[i], s.Values[i])
				}
			}
		}
		return true
	})
	c.checkWithMethod()
	c.checkChunks()
}

// openChunk reports whether se is a 2-index sub-slice of a slice or array
// with an upper bound: x[i:j] or x[:j].
func (c *aliasCheck) openChunk(se *ast.SliceExpr) bool {
	return !se.Slice3 && se.High != nil && flow.IsSliceType(c.pass.Info.TypeOf(se))
}

// chunkOf resolves e to the open sub-slice it is, or holds: e itself, or a
// local variable with a single definition x[i:j] made before at.
func (c *aliasCheck) chunkOf(e ast.Expr, at token.Pos) *ast.SliceExpr {
	switch x := ast.Unparen(e).(type) {
	case *ast.SliceExpr:
		if c.openChunk(x) {
			return x
		}
	case *ast.Ident:
		v := c.fn.VarOf(x)
		if v == nil || flow.IsPackageLevel(v) || c.fn.IsParam(v) {
			return nil
		}
		defs := c.fn.Defs(v)
		if len(defs) != 1 || defs[0].RHS == nil || defs[0].Tuple || defs[0].End > at {
			return nil
		}
		if se, ok := ast.Unparen(defs[0].RHS).(*ast.SliceExpr); ok && c.openChunk(se) {
			return se
		}
	}
	return nil
}

// baseVar returns the variable at the root of a sub-slice's operand.
func (c *aliasCheck) baseVar(se *ast.SliceExpr) *types.Var {
	root := flow.Root(se.X)
	if root == nil {
		return nil
	}
	return c.fn.VarOf(root)
}

// inUse reports whether the storage around the sub-slice se stays in use
// by someone else at stmt: x is a parameter, a package-level variable or a
// field (the caller or other code holds it), stmt sits in a loop that cuts
// other chunks of x, or x is used after stmt.
func (c *aliasCheck) inUse(se *ast.SliceExpr, stmt ast.Node) bool {
	v := c.baseVar(se)
	if v == nil {
		return false
	}
	if flow.IsPackageLevel(v) || c.fn.IsParam(v) {
		return true
	}
	if _, bare := ast.Unparen(se.X).(*ast.Ident); !bare {
		return true
	}
	if loop := c.fn.InnermostLoop(stmt); loop != nil && flow.DeclaredOutside(v, loop) {
		return true
	}
	for _, u := range c.fn.Uses(v) {
		if u.Pos() >= stmt.End() && !c.readsWithin(se, u) {
			return true
		}
	}
	return false
}

// readsWithin reports whether the use u of the base of se only reads the
// part that se also covers: u is x[i:j] with se's bounds (j a constant or
// a variable assigned once) passed to a callee that neither keeps nor
// appends to it (quic-go's proxy: buf[:n] sent, then WriteToUDP(buf[:n])).
// An append by whoever received se writes past j, which such a use never
// sees.
func (c *aliasCheck) readsWithin(se *ast.SliceExpr, u *ast.Ident) bool {
	info := c.pass.Info
	use, ok := c.parents[u].(*ast.SliceExpr)
	if !ok || use.X != u || use.Slice3 || use.High == nil {
		return false
	}
	sameBound := func(a, b ast.Expr) bool {
		zero := func(e ast.Expr) bool { return e == nil || astx.IsConstZero(info, e) }
		if zero(a) || zero(b) {
			return zero(a) && zero(b)
		}
		if !astx.SameLocation(info, a, b) {
			return false
		}
		if info.Types[ast.Unparen(a)].Value != nil {
			return true
		}
		id, ok := ast.Unparen(a).(*ast.Ident)
		if !ok {
			return false
		}
		w := c.fn.VarOf(id)
		return w != nil && !flow.IsPackageLevel(w) && !c.fn.IsParam(w) && len(c.fn.Defs(w)) == 1
	}
	if !sameBound(se.Low, use.Low) || !sameBound(se.High, use.High) {
		return false
	}
	call, ok := c.parents[use].(*ast.CallExpr)
	if !ok || astx.ArgPosition(call, use) < 0 || flow.IsBuiltin(info, call, "append") {
		return false
	}
	if tv, ok := info.Types[call.Fun]; ok && (tv.IsType() || tv.IsBuiltin()) {
		return false
	}
	k := astx.ArgPosition(call, use)
	if fn := rule.Callee(info, call); k == 0 && (knowledge.IsWriteMethod(fn) || knowledge.IsStdWriteMethod(fn)) {
		return true
	}
	s, ok := c.sums.Call(call)
	p := astx.ParamIndex(info, call, k)
	return ok && !s.Keeps().Has(p) && !s.Appends.Has(p)
}

// suggest says how to fix se: the capped form, or how to get one when the
// upper bound cannot be repeated.
func (c *aliasCheck) suggest(se *ast.SliceExpr) string {
	if pureExpr(c.pass.Info, se.High) {
		return "cap it as " + c.capped(se)
	}
	return "bind its upper bound to a variable j and cap it as " + c.text(&ast.SliceExpr{X: se.X, Low: se.Low, High: ast.NewIdent("j"), Max: ast.NewIdent("j"), Slice3: true})
}

// capped returns the text of se with its capacity limited: x[i:j:j].
func (c *aliasCheck) capped(se *ast.SliceExpr) string {
	return c.text(&ast.SliceExpr{X: se.X, Low: se.Low, High: se.High, Max: se.High, Slice3: true})
}

func (c *aliasCheck) text(e ast.Node) string { return rule.ExprText(c.pass.Fset, e) }

// report reports se with the capping fix x[i:j:j] (no fix when j cannot be
// evaluated twice).
func (c *aliasCheck) report(check *rule.Check, se *ast.SliceExpr, msg string, related []rule.Related) {
	var fix *rule.Fix
	if pureExpr(c.pass.Info, se.High) {
		fixed := c.capped(se)
		fix = &rule.Fix{Message: "cap it as " + fixed, Edit: func(fc *rule.FixContext) error {
			return fc.Replace(se, func(old dst.Node) dst.Node {
				s := old.(*dst.SliceExpr)
				s.Slice3 = true
				s.Max = cleanClone(s.High)
				return s
			})
		}}
	}
	c.reportFix(check, se, msg, fix, related)
}

// reportFix reports a node once per pass, whichever detector finds it
// first (two fixes of one node would conflict).
func (c *aliasCheck) reportFix(check *rule.Check, n ast.Node, msg string, fix *rule.Fix, related []rule.Related) {
	if c.done[n] {
		return
	}
	c.done[n] = true
	c.pass.Report(rule.Diagnostic{Check: check, Pos: n.Pos(), End: n.End(), Message: msg, Fix: fix, Related: related})
}

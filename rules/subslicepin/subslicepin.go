package subslicepin

import (
	"fmt"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
	"github.com/gofixslice/gofixslice/rules/internal/vflow"
)

// Rule reports small sub-slices of large storage kept in long-lived
// places, where they keep the whole backing array alive.
var Rule = rule.Define(&rule.Rule{
	ID:    "subslice-pin",
	Title: "a long-lived sub-slice pins a large backing array",
	Doc: rule.Doc{
		Intro: `A long-lived sub-slice pins a large backing array.

A slice or string keeps its whole backing array alive, however small it is:
a 40-byte data[a:b] stored in a cache keeps the multi-megabyte file it was
cut from in memory for as long as the cache lives. s[:0], s[:0:0] and
s[i:j:j] do not help (they point into the same array); only a copy does.

Reported when a sub-slice, substring, element of strings.Split/Fields or
regexp submatch of large storage (views of it through bytes.TrimSpace,
Split, Fields, regexp Find*, and functions of the module whose summary says
they return a view of an argument, included) flows into a long-lived place.

Long-lived places: package-level variables; fields reached through a
pointer, receiver, parameter or global; map and slice elements of such
containers, or of local containers that are returned; channel sends; append
onto such a slice; composite literals stored there or returned by pointer;
closures that are returned or stored (reported without a fix); and
arguments of calls whose callee retains them (sync.Map.Store, a cache's Add
in this module, found through retention summaries across packages).

Across functions, on the SSA value flow, with per-function summaries
exported as facts: a function whose result is large storage or a part of
it (a wrapper of os.ReadFile, a function returning a regexp match of a file
it read) makes its callers' stores of that result reported at the store; a
yoloString (*(*string)(unsafe.Pointer(&b))) is a view of b. Caller context:
a function that keeps a part of a parameter beyond the call (stores it, or
passes it to a function that keeps it) is reported where it takes the
part (the fix goes there) when some caller in the package passes large
storage, or a variable a call filled with parts of large storage
(req.Unmarshal(body) storing views of body into req), with the caller chain
as evidence. A buffer is read into when a call of a function, method or
function value named read... that returns an error gets it or a view of
it (readBlock(i, buf[a:b])).

The fix copies at the point of storage: bytes.Clone, strings.Clone or
slices.Clone (Go 1.20/1.20/1.21), or append(x[:0:0], x...) for older
slices. Strings before Go 1.20 are reported without a fix; so are results
kept by a multi-value assignment (p.name, err = f()).`,
		NotReported: `sub-slices used locally, passed to calls that do not retain
them, converted with string(...), already cloned or copied, cut from small
fixed arrays or small constant makes, or returned to the caller (returning a
view is normal API design, as bytes.TrimSpace does). Nor, for lack of
evidence that anything large is pinned: views that may cover the whole
array (s[:len(s)], s[:cap(s)], buf[:n] after io.ReadFull(r, buf), b[:n] of
make([]T, 0, n), Trim of such a view: cloning them frees nothing and costs
a copy), parts stored in a container that already holds the whole array,
makes bounded below the large option by a size guard (if n <= C, a
tagless switch, min(n, C)), and /proc or /sys files.

Across functions the same evidence holds: a tail x[i:] (a cursor) is not
a part; parts held inside a result (a []Finding whose Line is a substring
of the input) count only when the caller keeps an element of it (a parse
kept whole holds all its parts); a holder that also keeps the whole
(uid.Id = string(b); uid.Name = parse(uid.Id)) pins nothing; and a part
stored in what a function returns (a named result, a returned local) is
the caller's to keep or not.

Caller context across packages: facts flow only from a package to the
packages that import it, so when the function keeping a part of its
parameter is in an imported package and the caller passing large storage
is in the package at hand, the finding is reported at the call (without a
fix: the copy belongs in the callee, named with the file and line where it
takes the part); a caller in a package that imports the reported one is
never seen from the callee's package, so nothing is reported in the
callee itself for it. Summaries do not follow function values, interface
methods without a static callee, or what is kept through a channel send,
and a part taken by a narrowing that a store's content walk cannot place
(only the storage of a whole parameter is followed into locals built
field by field) is left alone.`,
		Example: `  data, _ := os.ReadFile(path)
  cache[key] = data[off:off+n]

becomes

  cache[key] = bytes.Clone(data[off : off+n])`,
	},
	Checks:   []*rule.Check{wholeRead, largeMake},
	Options:  []*rule.Option{Large},
	Requires: []*rule.Analysis{summary.Analysis, vflow.Analysis, Summaries},
	Run:      runSubslicePin,
})

// Large is the size from which a constant-size make is large storage.
var Large = &rule.Option{
	Name:    "large",
	Doc:     "subslice-pin: bytes from which a constant-size make is large storage",
	Kind:    rule.Size,
	Default: int64(64 << 10),
	Min:     1,
}

var (
	wholeRead = &rule.Check{
		Name:     "whole-read",
		Category: rule.Memory,
		Summary:  "a small part of a whole-input read is kept and pins all of it",
		Doc: `The large storage is a whole input: the result of os.ReadFile or
io.ReadAll (or string(...) of it). Fix: copy at the point of storage.`,
	}
	largeMake = &rule.Check{
		Name:     "large-make",
		Category: rule.Memory,
		Summary:  "a small part of a large make is kept and pins all of it",
		Doc: `The large storage is make([]T, n): with a non-constant n for a buffer that
is read into, or a constant size of at least the large option's bytes
(default 64 KiB). Fix: copy at the point of storage.`,
	}
)

type pinCheck struct {
	pass *rule.Pass
	sums *summary.Table
	vf   *vflow.Package
	fn   *flow.Func

	// holder is the place being stored into (the left-hand side of the
	// assignment being checked), or nil.
	holder ast.Expr

	escaped  map[*types.Var]bool // locals that leave the function (computed once)
	closures []*ast.FuncLit      // function literals of the function

	tab     *Table             // summaries across functions
	collect *FuncSum           // summarizing: record kept parts of parameters here, report nothing
	self    *ssa.Function      // the function being summarized
	seen    map[token.Pos]bool // positions already reported (one run)
	budget  int                // what is left of one trace's work
}

func runSubslicePin(p *rule.Pass) {
	tab := p.ResultOf(Summaries).(*Table)
	seen := map[token.Pos]bool{}
	for _, file := range p.Files {
		for _, fn := range tab.sums.Funcs(file) {
			c := tab.checker(fn.Decl, p)
			c.seen = seen
			c.check()
		}
	}
}

// pinned returns the large origin a value is a narrowed view of, and the
// check that reports it, or nil.
func (c *pinCheck) pinned(val ast.Expr) (ast.Node, *rule.Check) {
	t := c.pass.Info.TypeOf(val)
	if t == nil || !(flow.IsSliceType(t) || isString(t)) {
		return nil, nil
	}
	for _, o := range c.fn.Origins(val, c.sums.Views) {
		if !o.Narrowed {
			continue
		}
		if check, src := c.large(o, 0); check != nil && !c.notPin(val, o, src) {
			return o.Node, check
		}
	}
	return nil, nil
}

func isString(t types.Type) bool {
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// large returns the check of an origin the rule can prove is large
// storage, or nil, and the call that makes the storage (the read, or the
// make).
func (c *pinCheck) large(o flow.Origin, depth int) (*rule.Check, *ast.CallExpr) {
	if depth > 4 {
		return nil, nil
	}
	info := c.pass.Info
	switch o.Kind {
	case flow.OriginCall:
		call, ok := o.Node.(*ast.CallExpr)
		if !ok || o.Index != 0 {
			return nil, nil
		}
		if knowledge.IsLargeReader(rule.Callee(info, call)) {
			return wholeRead, call
		}
	case flow.OriginMake:
		if call := o.Node.(*ast.CallExpr); c.largeMake(call) {
			return largeMake, call
		}
	case flow.OriginFresh:
		// string(data) / []byte(s) of a whole large input is large too.
		call, ok := o.Node.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return nil, nil
		}
		if tv, ok := info.Types[call.Fun]; !ok || !tv.IsType() {
			return nil, nil
		}
		for _, a := range c.fn.Origins(call.Args[0], c.sums.Views) {
			if !a.Narrowed {
				if check, src := c.large(a, depth+1); check != nil {
					return check, src
				}
			}
		}
	}
	return nil, nil
}

// largeMake: make([]T, n[, m]) with a non-constant size, or a constant size
// of at least the configured number of bytes.
func (c *pinCheck) largeMake(call *ast.CallExpr) bool {
	t := c.pass.Info.TypeOf(call)
	s, ok := t.Underlying().(*types.Slice)
	if !ok || len(call.Args) < 2 {
		return false
	}
	elem := sizeof(s.Elem())
	if elem == 0 {
		elem = 1
	}
	var most int64
	for _, a := range call.Args[1:] {
		tv, ok := c.pass.Info.Types[a]
		if !ok || tv.Value == nil {
			if n, ok := c.bounded(call, a); ok && n*elem < c.pass.Size(Large) {
				// A size guard bounds it below the large size:
				// if n <= 8<<10 { buf = make([]byte, n) }.
				most = max(most, n)
				continue
			}
			// A non-constant size is large input only for a buffer that is
			// read into; a make sized to what it will hold (a copy, an
			// arena split into parts that are all used) pins nothing extra.
			return c.readBuffer(call)
		}
		n, exact := constant.Int64Val(tv.Value)
		if !exact {
			return true
		}
		if n > most {
			most = n
		}
	}
	return most*elem >= c.pass.Size(Large)
}

// sizeof is the size of a value of type t, or 8 for a type whose size is
// not known (a type parameter).
func sizeof(t types.Type) (n int64) {
	defer func() {
		if recover() != nil {
			n = 8
		}
	}()
	return types.SizesFor("gc", "amd64").Sizeof(t)
}

// readBuffer reports whether the slice made by call is filled by a read.
func (c *pinCheck) readBuffer(call *ast.CallExpr) bool {
	var made func(v *types.Var, depth int) bool
	made = func(v *types.Var, depth int) bool {
		for _, d := range c.fn.Defs(v) {
			if d.RHS == nil {
				continue
			}
			if ast.Unparen(d.RHS) == call {
				return true
			}
			// b := data[i:j]; read(b): a view of the buffer is filled.
			if sl, ok := ast.Unparen(d.RHS).(*ast.SliceExpr); ok && depth < 3 && !d.Tuple {
				if w := c.fn.VarOf(flow.Root(sl.X)); w != nil && w != v && made(w, depth+1) {
					return true
				}
			}
		}
		return false
	}
	for v := range c.fn.ReadTargets(func(x *ast.CallExpr) *types.Func { return rule.Callee(c.pass.Info, x) }) {
		if made(v, 0) {
			return true
		}
	}
	found := false
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		if found {
			return false
		}
		if x, ok := n.(*ast.CallExpr); ok {
			for _, a := range readNamedInto(c.pass.Info, x) {
				if v := c.fn.VarOf(flow.Root(a)); v != nil && made(v, 0) {
					found = true
				}
			}
		}
		return true
	})
	return found
}

// readNamedInto returns the []byte arguments of a call of a function,
// method or function value named read... (readBlock, vb.read, ReadChunk)
// that returns an error: by the io naming convention it fills them with
// input (func(block uint64, dst []byte) error).
func readNamedInto(info *types.Info, call *ast.CallExpr) []ast.Expr {
	name := astx.CallName(call)
	if name == "" {
		return nil
	}
	if !strings.HasPrefix(strings.ToLower(name), "read") {
		return nil
	}
	sig, ok := types.Unalias(info.TypeOf(call.Fun)).Underlying().(*types.Signature)
	if !ok || sig.Results().Len() == 0 || !isErrorType(sig.Results().At(sig.Results().Len()-1).Type()) {
		return nil
	}
	var out []ast.Expr
	for i, a := range call.Args {
		if i < sig.Params().Len() && isBytes(sig.Params().At(i).Type()) {
			out = append(out, a)
		}
	}
	return out
}

func isErrorType(t types.Type) bool {
	return types.Identical(t, types.Universe.Lookup("error").Type())
}

func isBytes(t types.Type) bool {
	s, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := s.Elem().Underlying().(*types.Basic)
	return ok && b.Kind() == types.Byte
}

// escapes reports whether a local container leaves the function: it is a
// named result, or returned (directly, by address, or inside a literal).
func (c *pinCheck) escapes(v *types.Var) bool {
	if c.fn.IsResult(v) {
		return true
	}
	if c.escaped == nil {
		c.escaped = map[*types.Var]bool{}
		ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false // a closure's return is not the function's
			}
			if ret, ok := n.(*ast.ReturnStmt); ok {
				for _, r := range ret.Results {
					for _, val := range flow.Stored(c.pass.Info, r) {
						if root := flow.Root(val); root != nil {
							if rv := c.fn.VarOf(root); rv != nil {
								c.escaped[rv] = true
							}
						}
					}
				}
			}
			return true
		})
	}
	return c.escaped[v]
}

// longLived reports whether storing into lhs keeps the value beyond the
// function, and names the kind of place.
func (c *pinCheck) longLived(lhs ast.Expr, rhs ast.Expr) (string, bool) {
	root := flow.Root(lhs)
	if root == nil || root.Name == "_" {
		return "", false
	}
	v := c.fn.VarOf(root)
	if v == nil {
		return "", false
	}
	_, bare := ast.Unparen(lhs).(*ast.Ident)
	switch {
	case flow.IsPackageLevel(v):
		if bare {
			return "stored in a package-level variable", true
		}
		return "stored in a " + placeKind(c.pass.Info, lhs) + " of a package-level variable", true
	case bare:
		// out = append(out, x) and e := &T{F: x} keep x only if the local
		// leaves the function.
		if isContainerValue(c.pass.Info, rhs) && c.escapes(v) {
			return "stored in a value returned to the caller", true
		}
		return "", false
	case c.fn.IsParam(v) && flow.Indirect(c.pass.Info, lhs):
		return "stored in a " + placeKind(c.pass.Info, lhs), true
	case !c.fn.IsParam(v) && c.escapes(v):
		return "stored in a " + placeKind(c.pass.Info, lhs) + " of a returned value", true
	}
	return "", false
}

// isContainerValue reports whether e builds a value that holds other values:
// an append, a composite literal, or the address of one.
func isContainerValue(info *types.Info, e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		return flow.IsBuiltin(info, x, "append")
	case *ast.CompositeLit:
		return true
	case *ast.UnaryExpr:
		_, ok := ast.Unparen(x.X).(*ast.CompositeLit)
		return x.Op == token.AND && ok
	}
	return false
}

func placeKind(info *types.Info, lhs ast.Expr) string {
	switch x := ast.Unparen(lhs).(type) {
	case *ast.IndexExpr:
		if t := info.TypeOf(x.X); t != nil {
			if _, ok := t.Underlying().(*types.Map); ok {
				return "map element"
			}
		}
		return "slice element"
	case *ast.SelectorExpr:
		return "field"
	}
	return "location"
}

func (c *pinCheck) check() {
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			if s.Tok != token.ASSIGN && s.Tok != token.DEFINE {
				return true
			}
			if len(s.Lhs) > 1 && len(s.Rhs) == 1 {
				// p.name, err = f(): the result kept is found through
				// f's summary.
				for _, lhs := range s.Lhs {
					if place, ok := c.longLived(lhs, nil); ok {
						c.holder = lhs
						c.deep(lhs, c.vf.ValueOf(lhs), place, false)
						c.holder = nil
					}
				}
				return true
			}
			if len(s.Lhs) != len(s.Rhs) {
				return true
			}
			for i, lhs := range s.Lhs {
				if place, ok := c.longLived(lhs, s.Rhs[i]); ok {
					c.holder = lhs
					c.checkValues(s.Rhs[i], place)
					c.holder = nil
				}
			}
		case *ast.SendStmt:
			c.checkValues(s.Value, "sent on a channel")
		case *ast.ReturnStmt:
			if c.inClosure(s) {
				return true
			}
			for _, r := range s.Results {
				switch x := ast.Unparen(r).(type) {
				case *ast.UnaryExpr:
					if x.Op == token.AND {
						c.checkValues(r, "returned by pointer")
					}
				case *ast.FuncLit:
					c.checkValues(r, "returned")
				}
			}
		case *ast.CallExpr:
			c.checkCall(s)
		}
		return true
	})
}

func (c *pinCheck) inClosure(n ast.Node) bool {
	if c.closures == nil {
		c.closures = []*ast.FuncLit{}
		ast.Inspect(c.fn.Decl.Body, func(m ast.Node) bool {
			if lit, ok := m.(*ast.FuncLit); ok {
				c.closures = append(c.closures, lit)
			}
			return true
		})
	}
	for _, lit := range c.closures {
		if flow.Within(n, lit) {
			return true
		}
	}
	return false
}

// checkCall reports pinned values passed to a callee that retains them,
// unless the callee's receiver is a local that does not leave the function.
func (c *pinCheck) checkCall(call *ast.CallExpr) {
	c.checkRetains(call)
	c.checkKeeps(call)
}

// checkRetains reports pinned values passed to a callee whose retention
// summary says it keeps them.
func (c *pinCheck) checkRetains(call *ast.CallExpr) {
	s, ok := c.sums.Call(call)
	if !ok || s.Retains == 0 {
		return
	}
	if recv := c.sums.Arg(call, -1); len(recv) == 1 {
		if root := flow.Root(recv[0]); root != nil {
			if v := c.fn.VarOf(root); v != nil && !flow.IsPackageLevel(v) && !c.fn.IsParam(v) && !c.escapes(v) {
				return
			}
		}
	}
	name := rule.ExprText(c.pass.Fset, call.Fun)
	s.Retains.Each(func(i int) {
		if i < 0 {
			return
		}
		for _, a := range c.sums.Arg(call, i) {
			c.checkValues(a, "passed to "+name+", which retains it")
		}
	})
}

// checkValues reports every pinned value that storing e keeps.
func (c *pinCheck) checkValues(e ast.Expr, place string) {
	for _, val := range flow.Stored(c.pass.Info, e) {
		if lit, ok := ast.Unparen(val).(*ast.FuncLit); ok {
			for _, id := range c.fn.CapturedVars(lit) {
				if c.collect != nil {
					continue
				}
				if origin, check := c.pinned(id); origin != nil {
					c.report(rule.Diagnostic{Check: check, Pos: id.Pos(), Message: c.message(id, origin, "captured by a closure that is "+place),
						Related: c.related(origin, id, "captured by a closure that is "+place)})
				}
			}
			continue
		}
		if c.collect != nil {
			// Summarizing: only the parts of parameters kept matter.
			c.deep(val, c.vf.ValueOf(val), place, true)
			continue
		}
		if origin, check := c.pinned(val); origin != nil {
			c.report(rule.Diagnostic{
				Check: check,
				Pos:   val.Pos(), End: val.End(),
				Message: c.message(val, origin, place),
				Fix:     rule.CloneFix(c.pass, val),
				Related: c.related(origin, val, place),
			})
			continue
		}
		c.deep(val, c.vf.ValueOf(val), place, true)
	}
}

// report reports d once per position, unless the check only summarizes.
func (c *pinCheck) report(d rule.Diagnostic) {
	if c.collect != nil || c.pass.Rule == nil {
		return
	}
	if c.seen != nil {
		if c.seen[d.Pos] {
			return
		}
		c.seen[d.Pos] = true
	}
	c.pass.Report(d)
}

// related is the evidence chain of a finding made within one function:
// the storage, the part, the holder.
func (c *pinCheck) related(origin ast.Node, val ast.Expr, place string) []rule.Related {
	src := "large storage"
	if e, ok := origin.(ast.Expr); ok {
		src = rule.ExprText(c.pass.Fset, e)
	}
	r := []rule.Related{{Pos: origin.Pos(), End: origin.End(), Message: src + " makes the large storage here"}}
	r = append(r, rule.Related{Pos: val.Pos(), End: val.End(), Message: "a part of it is taken here"})
	at := val.Pos()
	if c.holder != nil {
		at = c.holder.Pos()
	}
	return append(r, rule.Related{Pos: at, Message: "and " + place + " here"})
}

func (c *pinCheck) message(val ast.Expr, origin ast.Node, how string) string {
	src := "large storage"
	if e, ok := origin.(ast.Expr); ok {
		src = rule.ExprText(c.pass.Fset, e)
	}
	return fmt.Sprintf("%s is part of %s and is %s: it keeps the whole backing array alive; copy it", rule.ExprText(c.pass.Fset, val), src, how)
}

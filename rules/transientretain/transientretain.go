package transientretain

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"golang.org/x/tools/go/cfg"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
)

// Rule reports bytes that are only valid until the next call
// being kept past it.
var Rule = rule.Define(&rule.Rule{
	ID:    "transient-retain",
	Title: "bytes that are only valid until the next call are retained",
	Doc: rule.Doc{
		Intro: `Bytes that are only valid until the next call are kept.

Some APIs hand out views of an internal buffer that the next call
overwrites. Storing such a view in a map or slice element, appending it to
a slice that outlives the loop, assigning it to a struct field, a
package-level variable or a variable read on a later iteration, sending it
on a channel, or handing it to a goroutine keeps bytes that will change
under the holder: a correctness bug, not only a memory one.

The fix copies at the point of retention: bytes.Clone(x) (Go 1.20), or
append(x[:0:0], x...) for older files, which keeps nil-ness.`,
		NotReported: `string(sc.Bytes()) and sc.Text() (they copy), immediate use
(parsing, comparing, writing out, copy into own storage),
append(own, sc.Bytes()...) (copies the bytes), a buffer passed to a Read or
Write method (the io contracts forbid keeping it), and a Write that holds p
in a field only while a synchronous hand-off runs, clearing it on every
path before it returns.`,
		Example: `  for sc.Scan() {
      lines = append(lines, sc.Bytes())   // every element ends up the same
  }

becomes

  for sc.Scan() {
      lines = append(lines, bytes.Clone(sc.Bytes()))
  }`,
	},
	Checks:   []*rule.Check{nextCall, bufferBytes, writeArg, readLoop},
	Requires: []*rule.Analysis{summary.Analysis},
	Run:      runTransientRetain,
})

var (
	nextCall = &rule.Check{
		Name:     "next-call",
		Category: rule.Bug,
		Summary:  "a view that the next Scan or read overwrites is retained",
		Doc: `(*bufio.Scanner).Bytes is valid until the next Scan;
(*bufio.Reader).ReadSlice, ReadLine and Peek until the next read.`,
	}
	bufferBytes = &rule.Check{
		Name:     "buffer-bytes",
		Category: rule.Bug,
		Summary:  "bytes.Buffer.Bytes of a buffer modified later is retained",
		Doc: `(*bytes.Buffer).Bytes is valid until the buffer is next modified;
reported when the buffer is modified (written, reset, truncated) while the
view is kept.`,
	}
	writeArg = &rule.Check{
		Name:     "write-arg",
		Category: rule.Bug,
		Summary:  "the p of a Write method is retained",
		Doc: `The p of a Write([]byte) (int, error) method: io.Writer says
"Implementations must not retain p"; the caller reuses it after Write
returns.`,
	}
	readLoop = &rule.Check{
		Name:     "read-loop",
		Category: rule.Bug,
		Summary:  "a buffer that the loop reads into again is retained",
		Doc: `buf[:n] after r.Read(buf) in a loop is valid until the next Read into
buf.`,
	}
)

// checkOf returns the check that reports retaining a view of src.
func checkOf(src *transientSource) *rule.Check {
	switch src.kind {
	case kindBuffer:
		return bufferBytes
	case kindWriteParam:
		return writeArg
	case kindReadBuf:
		return readLoop
	}
	return nextCall
}

type transientKind int

const (
	kindNextCall    transientKind = iota // Scanner.Bytes, Reader.ReadSlice...
	kindBuffer                           // bytes.Buffer.Bytes of a reused buffer
	kindWriteParam                       // p of a Write method
	kindReadBuf                          // a buffer read into again by a loop
	kindReusedField                      // a getter's view of a field its type overwrites in place
)

// transientSource is where a retained view's storage comes from.
type transientSource struct {
	expr ast.Expr
	loop ast.Node // the loop whose next iteration overwrites it, or nil
	kind transientKind
	buf  *types.Var // kindReadBuf: the read buffer
	// at is the slice-typed expression where the view enters a holder that
	// is not a slice (an element of a composite literal, the argument of a
	// call whose result keeps it): the copy goes there. Nil while the view
	// itself is what gets stored.
	at ast.Expr
	// via lists the expressions the view went through, from the source
	// outwards (a local's definition, a call that returns a view of it).
	via []viaStep
	// asyncOnly: reported only when handed to another goroutine (a
	// channel send that does not wait, a go statement): a getter's view
	// of a reused field, or a parameter given a view by a caller.
	asyncOnly bool
	write     *fieldWrite // kindReusedField: the in-place write
	// guards: conditions on the callee's receiver that held at the call
	// that passed the view (a parameter's source).
	guards []guard
}

type viaStep struct {
	pos, end token.Pos
	note     string
}

// through records that the view reached e (how: a short note) and, when e
// is not a slice, that the view entered a holder at inner.
func (src *transientSource) through(info *types.Info, inner, e ast.Expr, note string) *transientSource {
	if src == nil {
		return nil
	}
	if src.at == nil && inner != nil && flow.IsSliceType(info.TypeOf(inner)) && !flow.IsSliceType(info.TypeOf(e)) {
		src.at = inner
	}
	if note != "" {
		src.via = append(src.via, viaStep{e.Pos(), e.End(), note})
	}
	return src
}

type transientCheck struct {
	pass       *rule.Pass
	pkg        *pkgState
	sums       *summary.Table
	fn         *flow.Func
	writeParam *types.Var
	mutations  map[*types.Var][]token.Pos            // calls that modify a bytes.Buffer
	readBufs   map[*types.Var][]ast.Node             // loops that read into a buffer declared outside them
	readCalls  map[*types.Var]map[*ast.CallExpr]bool // every call that reads into a local buffer
	reported   map[token.Pos]bool
	graph      *cfg.CFG // built on first use (keptAcrossOverwrite)
}

func runTransientRetain(p *rule.Pass) {
	var sums *summary.Table
	pkg := &pkgState{pass: p, getters: reusedGetters(p), params: map[*types.Var]*transientSource{}, checks: map[*ast.FuncDecl]*transientCheck{}}
	decls := map[*types.Func]*ast.FuncDecl{}
	for _, file := range p.Files {
		for _, d := range file.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := p.Info.Defs[fd.Name].(*types.Func); ok {
					decls[fn] = fd
				}
			}
		}
		if !mayHaveTransient(file) && !callsGetter(p.Info, file, pkg.getters) {
			continue
		}
		if sums == nil {
			sums = summary.For(p)
		}
		for _, fn := range sums.Funcs(file) {
			pkg.check(sums, fn.Decl)
		}
	}
	if sums == nil {
		return
	}
	pkg.propagate(sums, decls)
	var order []*ast.FuncDecl
	for fd := range pkg.checks {
		order = append(order, fd)
	}
	sort.Slice(order, func(i, j int) bool { return order[i].Pos() < order[j].Pos() })
	for _, fd := range order {
		pkg.checks[fd].checkStores()
	}
}

// mayHaveTransient is a cheap syntactic filter: only files that call one of
// the source methods or declare a Write method can have findings.
func mayHaveTransient(f *ast.File) bool {
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.SelectorExpr:
			found = knowledge.IsTransientSourceName(n.Sel.Name) || strings.HasPrefix(n.Sel.Name, "Read")
		case *ast.FuncDecl:
			if n.Name.Name == knowledge.WriteMethod && n.Recv != nil {
				found = true
			}
		}
		return !found
	})
	return found
}

func (c *transientCheck) prepare() {
	info := c.pass.Info
	if obj, ok := info.Defs[c.fn.Decl.Name].(*types.Func); ok && knowledge.IsWriteMethod(obj) {
		if names := c.fn.Decl.Type.Params.List[0].Names; len(names) == 1 {
			c.writeParam, _ = info.Defs[names[0]].(*types.Var)
		}
	}
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		fn := rule.Callee(info, call)
		facts, _ := knowledge.Lookup(fn)
		// Buffer modifications: mutating methods, or handing the buffer to
		// any call (fmt.Fprintf(&buf, ...), enc := json.NewEncoder(&buf)).
		if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok && facts.Mutates {
			if v := c.fn.VarOf(flow.Root(sel.X)); v != nil {
				c.mutations[v] = append(c.mutations[v], call.Pos())
			}
		}
		for i, a := range call.Args {
			if u, ok := ast.Unparen(a).(*ast.UnaryExpr); ok && u.Op == token.AND {
				a = u.X
			}
			if v := c.fn.VarOf(a); v != nil && knowledge.IsBytesBuffer(v.Type()) && !readOnlyParam(info, call, i) {
				c.mutations[v] = append(c.mutations[v], call.Pos())
			}
		}
		// Reads into a buffer declared outside the loop that reads.
		var into []ast.Expr
		if knowledge.IsReadIntoMethod(fn) && len(call.Args) > 0 {
			// Read, ReadAt, ReadFromUDP, ReadMsgUDP...
			into = append(into, call.Args[0])
		}
		for _, i := range facts.ReadsInto {
			if i >= 0 && i < len(call.Args) {
				into = append(into, call.Args[i])
			}
		}
		for _, a := range into {
			v := c.fn.VarOf(flow.Root(a))
			if v != nil {
				if c.readCalls[v] == nil {
					c.readCalls[v] = map[*ast.CallExpr]bool{}
				}
				c.readCalls[v][call] = true
			}
			loop := c.fn.InnermostLoop(call)
			if v == nil || loop == nil || !flow.DeclaredOutside(v, loop) || c.fn.IsParam(v) || flow.IsPackageLevel(v) {
				continue
			}
			c.readBufs[v] = append(c.readBufs[v], loop)
		}
		return true
	})
}

// transient returns where e's storage comes from when it is a view that the
// next call overwrites, or nil.
func (c *transientCheck) transient(e ast.Expr, depth int) *transientSource {
	if depth > 8 {
		return nil
	}
	info := c.pass.Info
	switch x := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() {
			if len(x.Args) == 1 && flow.IsSliceType(tv.Type) {
				return c.transient(x.Args[0], depth+1) // []byte -> named byte slice keeps the storage
			}
			return nil
		}
		fn := rule.Callee(info, x)
		if fn != nil {
			if w, ok := c.pkg.getters[fn.Origin()]; ok {
				return &transientSource{expr: x, loop: c.fn.InnermostLoop(x), kind: kindReusedField, asyncOnly: true, write: &w}
			}
		}
		facts, ok := knowledge.Lookup(fn)
		if !ok {
			// A function of the module or a dependency whose result is a
			// view of an argument, or holds one (its summary's Views and
			// Contains): a view of a transient argument is transient too.
			sum, ok := c.sums.Call(x)
			if !ok || sum.Views|sum.Contains == 0 {
				return nil
			}
			var found *transientSource
			(sum.Views | sum.Contains).Each(func(i int) {
				for _, a := range c.sums.Arg(x, i) {
					if found == nil {
						found = c.transient(a, depth+1).through(info, a, x, rule.ExprText(c.pass.Fset, x.Fun)+" returns a value that keeps it")
					}
				}
			})
			return found
		}
		if facts.Transient {
			return &transientSource{expr: x, loop: c.fn.InnermostLoop(x), kind: kindNextCall}
		}
		if facts.UntilModified {
			return c.bufferBytes(x)
		}
		for _, i := range facts.ViewOf {
			var arg ast.Expr
			if i < 0 {
				if sel, ok := ast.Unparen(x.Fun).(*ast.SelectorExpr); ok {
					arg = sel.X
				}
			} else if i < len(x.Args) {
				arg = x.Args[i]
			}
			if arg != nil {
				if src := c.transient(arg, depth+1); src != nil {
					return src
				}
			}
		}
	case *ast.SliceExpr:
		if flow.IsFresh(info, x) {
			return nil
		}
		return c.transient(x.X, depth+1)
	case *ast.CompositeLit:
		// A literal holding a view (T{Data: line}, []any{line}).
		for _, el := range flow.Stored(info, x) {
			if el == ast.Expr(x) {
				continue
			}
			if src := c.transient(el, depth+1); src != nil {
				return src.through(info, el, x, "")
			}
		}
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return c.transient(x.X, depth+1)
		}
	case *ast.IndexExpr:
		// An element of a [][]byte view (bytes.Fields(line)[0]).
		if flow.IsSliceType(info.TypeOf(x)) {
			return c.transient(x.X, depth+1)
		}
	case *ast.Ident:
		v := c.fn.VarOf(x)
		if v == nil {
			return nil
		}
		if v == c.writeParam {
			return &transientSource{expr: x, kind: kindWriteParam}
		}
		if src := c.pkg.params[v]; src != nil && c.fn.IsParam(v) {
			if d, ok := c.fn.Reaching(v, x.Pos()); !ok || d.Stmt == nil {
				cp := *src
				cp.via = append([]viaStep(nil), src.via...)
				return &cp
			}
		}
		for _, loop := range c.readBufs[v] {
			if flow.Within(x, loop) {
				return &transientSource{expr: x, loop: loop, kind: kindReadBuf, buf: v}
			}
		}
		def, ok := c.fn.Reaching(v, x.Pos())
		if !ok || def.RHS == nil || (def.Tuple && def.Index != 0) {
			return nil
		}
		src := c.transient(def.RHS, depth+1)
		if src != nil && def.Stmt != nil {
			src.via = append(src.via, viaStep{def.Stmt.Pos(), def.Stmt.End(), x.Name + " holds it from here"})
		}
		return src
	}
	return nil
}

// bufferBytes decides whether buf.Bytes() is retained across a modification
// of buf: some modification comes later in the function, or the buffer is
// declared outside the loop that calls Bytes and modified in it.
func (c *transientCheck) bufferBytes(call *ast.CallExpr) *transientSource {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	v := c.fn.VarOf(flow.Root(sel.X))
	if v == nil {
		return nil
	}
	loop := c.fn.InnermostLoop(call)
	if loop != nil && !flow.DeclaredOutside(v, loop) {
		loop = nil
	}
	for _, m := range c.mutations[v] {
		if m > call.End() || (loop != nil && loop.Pos() <= m && m < loop.End()) {
			return &transientSource{expr: call, loop: loop, kind: kindBuffer}
		}
	}
	return nil
}

// outlives reports whether a value stored into container by stmt survives
// the call that overwrites src's storage.
// A call's receiver is written through (the method stores into it), never
// rebound: pass through=true for it.
func (c *transientCheck) outlives(container ast.Expr, src *transientSource, stmt ast.Node, through ...bool) bool {
	root := flow.Root(container)
	if root == nil || root.Name == "_" {
		return false
	}
	v := c.fn.VarOf(root)
	if v == nil {
		return false
	}
	if flow.IsPackageLevel(v) {
		return true
	}
	_, bare := ast.Unparen(container).(*ast.Ident)
	if len(through) > 0 && through[0] {
		if c.fn.IsParam(v) {
			return v != c.writeParam
		}
		bare = false
	}
	if c.fn.IsParam(v) && !(bare && c.fn.IsResult(v) && src.loop != nil) {
		// Storing through a parameter writes into the caller's memory;
		// rebinding the parameter (or a named result outside the loop of
		// the source) keeps nothing. A named result collecting views in
		// the loop (requests = append(requests, pr)) is a local below.
		return v != c.writeParam && !bare && flow.Indirect(c.pass.Info, container)
	}
	switch src.kind {
	case kindWriteParam:
		return false
	case kindBuffer:
		if src.loop == nil {
			return !bare && v.Pos() < src.expr.Pos() && c.usedAfter(v, stmt.End())
		}
	}
	// A local keeps the view past the next call only when the call comes
	// around again: the store is in the loop, the local is declared before
	// it, and the local is read after the loop or, in the loop, before this
	// store (a value from an earlier iteration), and some such read comes
	// after the next overwrite on a path where the local still holds the
	// view (keptAcrossOverwrite).
	if src.loop == nil || v.Pos() >= src.loop.Pos() || !flow.Within(stmt, src.loop) {
		return false
	}
	if c.readBufs[v] != nil {
		return false // double buffering: the other buffer is not read into
	}
	if src.kind == kindReadBuf && c.refreshedAfter(src, stmt) {
		return false
	}
	for _, u := range c.fn.Uses(v) {
		if u == root {
			continue
		}
		if u.Pos() >= src.loop.End() || (flow.Within(u, src.loop) && u.Pos() < stmt.End()) {
			return c.keptAcrossOverwrite(v, src, stmt)
		}
	}
	return false
}

// refreshedAfter reports whether the read buffer gets new storage after
// stmt in the loop (buf = make(...)), so the next read does not touch what
// was stored.
func (c *transientCheck) refreshedAfter(src *transientSource, stmt ast.Node) bool {
	for _, d := range c.fn.Defs(src.buf) {
		if d.End <= stmt.End() || !flow.Within(d.Stmt, src.loop) || d.RHS == nil {
			continue
		}
		if root := flow.Root(d.RHS); root == nil || c.fn.VarOf(root) != src.buf {
			return true
		}
	}
	return false
}

func (c *transientCheck) usedAfter(v *types.Var, pos token.Pos) bool {
	for _, u := range c.fn.Uses(v) {
		if u.Pos() >= pos {
			return true
		}
	}
	return false
}

func (c *transientCheck) checkStores() {
	info := c.pass.Info
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			if (s.Tok != token.ASSIGN && s.Tok != token.DEFINE) || len(s.Lhs) != len(s.Rhs) {
				return true
			}
			lhsVars := map[*types.Var]bool{}
			for _, lhs := range s.Lhs {
				if v := c.fn.VarOf(flow.Root(lhs)); v != nil {
					lhsVars[v] = true
				}
			}
			for i, lhs := range s.Lhs {
				for _, val := range flow.Stored(info, s.Rhs[i]) {
					// buf = buf[n:] and a, b = b, a move views around
					// between the same variables: nothing new is kept.
					if v := c.fn.VarOf(flow.Root(val)); v != nil && lhsVars[v] {
						continue
					}
					if src := c.transient(val, 0); src != nil && c.outlives(lhs, src, s) {
						if src.kind == kindWriteParam && c.heldOnlyDuringCall(lhs, s) {
							continue
						}
						c.report(val, src, "", s)
					}
				}
			}
		case *ast.SendStmt:
			for _, val := range flow.Stored(info, s.Value) {
				if src := c.transient(val, 0); src != nil {
					if src.asyncOnly && c.synchronousSend(s) {
						continue
					}
					c.report(val, src, "sent on a channel", s)
				}
			}
		case *ast.GoStmt:
			for _, a := range s.Call.Args {
				for _, val := range flow.Stored(info, a) {
					if src := c.transient(val, 0); src != nil {
						c.report(val, src, "handed to a goroutine", s)
					}
				}
			}
			if lit, ok := ast.Unparen(s.Call.Fun).(*ast.FuncLit); ok {
				c.checkCaptures(lit)
			}
		case *ast.CallExpr:
			c.checkRetainingCall(s)
		}
		return true
	})
}

// checkCaptures reports views captured by a goroutine's function literal.
// There is no fix: the copy has to be made before the go statement.
func (c *transientCheck) checkCaptures(lit *ast.FuncLit) {
	reported := map[*types.Var]bool{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v := c.fn.VarOf(id)
		if v == nil || reported[v] || flow.Within(&ast.Ident{NamePos: v.Pos()}, lit) || flow.IsPackageLevel(v) {
			return true
		}
		if !flow.IsSliceType(v.Type()) {
			return true
		}
		// Resolve the captured value as of the go statement.
		if src := c.capturedSource(v, lit); src != nil {
			reported[v] = true
			c.pass.Report(rule.Diagnostic{Check: checkOf(src), Pos: id.Pos(), Message: c.message(id, src, "captured by a goroutine"), Related: c.evidence(src, id, lit, "captured by a goroutine")})
		}
		return true
	})
}

func (c *transientCheck) capturedSource(v *types.Var, lit *ast.FuncLit) *transientSource {
	if v == c.writeParam {
		return &transientSource{kind: kindWriteParam}
	}
	def, ok := c.fn.Reaching(v, lit.Pos())
	if !ok || def.RHS == nil || (def.Tuple && def.Index != 0) {
		return nil
	}
	return c.transient(def.RHS, 1)
}

// checkRetainingCall reports views passed to calls whose summary says they
// retain the argument (sync.Map.Store, list.PushBack, a function of this
// module that stores it). A method's receiver must outlive the view; a plain
// function retains into something global.
func (c *transientCheck) checkRetainingCall(call *ast.CallExpr) {
	s, ok := c.sums.Call(call)
	if !ok || s.Retains == 0 {
		return
	}
	recv := c.sums.Arg(call, -1)
	callee := rule.Callee(c.pass.Info, call)
	s.Retains.Each(func(i int) {
		if i < 0 {
			return
		}
		if i == 0 && (knowledge.IsReadIntoMethod(callee) || knowledge.IsWriteMethod(callee)) {
			// io.Reader and io.Writer implementations must not retain p:
			// a Read fills the buffer, a Write consumes it, both before
			// returning. An implementation that keeps p anyway is
			// reported there (write-arg), not at every caller; a
			// path-insensitive summary is no witness.
			return
		}
		for _, a := range c.sums.Arg(call, i) {
			for _, val := range flow.Stored(c.pass.Info, a) {
				src := c.transient(val, 0)
				if src == nil {
					continue
				}
				if len(recv) == 1 && !c.outlives(recv[0], src, call, true) {
					continue
				}
				c.report(val, src, "passed to "+rule.ExprText(c.pass.Fset, call.Fun)+", which retains it", call)
			}
		}
	})
}

func (c *transientCheck) report(val ast.Expr, src *transientSource, how string, holder ...ast.Node) {
	if src.asyncOnly && how != "sent on a channel" && how != "handed to a goroutine" {
		return
	}
	if len(holder) > 0 && holder[0] != nil && c.infeasible(src, holder[0]) {
		return
	}
	at, kept := val, how
	if !flow.IsSliceType(c.pass.Info.TypeOf(val)) {
		// A struct, pointer or interface that holds the view: report (and
		// copy) where the view went into it.
		if src.at == nil {
			return // arrays and strings are copies
		}
		at = src.at
		if how == "" {
			how = "retained"
		}
		how = "kept by " + rule.ExprText(c.pass.Fset, val) + ", which is " + how
	}
	if c.reported[at.Pos()] {
		return
	}
	c.reported[at.Pos()] = true
	var h ast.Node = val
	if len(holder) > 0 && holder[0] != nil {
		h = holder[0]
	}
	c.pass.Report(rule.Diagnostic{
		Check:   checkOf(src),
		Pos:     at.Pos(),
		End:     at.End(),
		Message: c.message(at, src, how),
		Fix:     rule.CloneFix(c.pass, at),
		Related: c.evidence(src, val, h, kept),
	})
}

func (c *transientCheck) message(val ast.Expr, src *transientSource, how string) string {
	if how == "" {
		how = "retained"
	}
	name := rule.ExprText(c.pass.Fset, val)
	switch src.kind {
	case kindWriteParam:
		return fmt.Sprintf("%s is %s, but io.Writer implementations must not retain p; copy it", name, how)
	case kindBuffer:
		if ast.Unparen(val) == src.expr {
			return fmt.Sprintf("%s is %s, but it is only valid until the buffer is next modified, which happens while it is kept; copy it", name, how)
		}
		return fmt.Sprintf("%s is %s, but it aliases %s, valid only until the buffer is next modified, which happens while it is kept; copy it", name, how, rule.ExprText(c.pass.Fset, src.expr))
	case kindReadBuf:
		return fmt.Sprintf("%s is %s, but the next read of the loop overwrites the buffer; copy it", name, how)
	}
	until := "the next read"
	if src.write != nil {
		until = "the next " + src.write.method.Name()
	} else if call, ok := src.expr.(*ast.CallExpr); ok {
		if facts, _ := knowledge.Lookup(rule.Callee(c.pass.Info, call)); facts.OverwrittenBy != "" {
			until = "the next " + facts.OverwrittenBy
		}
	}
	if ast.Unparen(val) == src.expr {
		return fmt.Sprintf("%s is overwritten by %s but is %s; copy it", name, until, how)
	}
	return fmt.Sprintf("%s is %s, but it aliases %s, which %s overwrites; copy it", name, how, rule.ExprText(c.pass.Fset, src.expr), until)
}

// readOnlyParam reports whether argument i of call is passed as an
// interface whose methods only read (io.Reader, io.ByteReader,
// io.WriterTo...): the callee sees a bytes.Buffer only through them, and
// reading a Buffer never overwrites its bytes (compress/flate's example
// reads the same buffer twice through flate.NewReaderDict).
func readOnlyParam(info *types.Info, call *ast.CallExpr, i int) bool {
	sig, ok := info.TypeOf(call.Fun).Underlying().(*types.Signature)
	if !ok || call.Ellipsis.IsValid() {
		return false
	}
	j := astx.ParamIndex(info, call, i)
	if j < 0 || j >= sig.Params().Len() {
		return false
	}
	iface, ok := sig.Params().At(j).Type().Underlying().(*types.Interface)
	if !ok || iface.NumMethods() == 0 {
		return false
	}
	for m := range iface.Methods() {
		switch m.Name() {
		case "Read", "ReadByte", "ReadRune", "UnreadByte", "UnreadRune", "WriteTo", "Len":
		default:
			return false
		}
	}
	return true
}

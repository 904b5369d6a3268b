package zerosecret

import (
	"fmt"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
)

// Rule reports secrets whose bytes are dropped or reused without
// being zeroed, and zeroes them.
var Rule = rule.Define(&rule.Rule{
	ID:    "zero-secret",
	Title: "a secret is dropped or reused without being zeroed",
	Doc: rule.Doc{
		Intro: `Secrets dropped or reused without scrubbing.

Truncating a slice (x = x[:0]), setting it to nil, or putting it back into
a sync.Pool leaves its bytes in memory: in the backing array that the next
user of the buffer (or the garbage collector, whenever it gets to it) sees.
Zeroing is the only way to scrub them: clear(x) (Go 1.21), or a loop
storing 0 in older files.

Ownership is the whole difficulty, and the rule errs on the side of
leaving memory alone: it never zeroes memory that may alias a parameter,
a field or a global (a local that is a parameter on some path, an
exported field or variable, one ever assigned a caller's slice), nor a key
that is returned, stored, sent, captured by a closure, handed to a
goroutine, or passed to a callee that keeps it or cannot be followed.
Callees that copy their key (aes.NewCipher, cipher.NewGCM, hmac.New,
chacha20poly1305.New) do not keep it. A Put hands the buffer over to the
pool, so it is always the putter's to scrub (a deferred Put is reported
without a fix: the zeroing belongs in the deferred function).`,
		NotReported: `test files (their keys and secrets are fixtures),
strings (immutable, they cannot be scrubbed), buffers
already zeroed (clear, a zeroing loop, a wipe/zero/scrub helper),
and names that merely contain a word in another sense.`,
		Example: `  key := pbkdf2.Key(password, salt, 4096, 32, sha256.New)
  block, err := aes.NewCipher(key)

becomes

  key := pbkdf2.Key(password, salt, 4096, 32, sha256.New)
  block, err := aes.NewCipher(key)
  clear(key)`,
	},
	Checks:   []*rule.Check{dropped, ownedKey},
	Options:  []*rule.Option{Sensitive},
	Requires: []*rule.Analysis{summary.Analysis},
	Run:      runZeroSecret,
})

// Sensitive lists the identifier words naming secrets.
var Sensitive = &rule.Option{
	Name:    "sensitive",
	Doc:     "zero-secret: comma-separated identifier words naming secrets (replaces the default list)",
	Kind:    rule.Words,
	Default: []string{"password", "passwd", "passphrase", "secret", "privkey", "private key", "token", "credential", "api key"},
}

var (
	dropped = &rule.Check{
		Name:     "dropped",
		Category: rule.Hardening,
		Summary:  "a secret buffer is truncated, set to nil or put into a pool unzeroed",
		Doc: `A []byte (or another non-string slice of integers) whose variable or
field name names a secret is truncated, set to nil, or Put into a pool
without being zeroed first. The fix inserts clear(x) right before.
Names match on word parts (camelCase, snake_case, digits): with the
default words (password, passwd, passphrase, secret, privkey, private
key, token, credential, api key; configurable) userPassword,
token_buf and privateKey match, tokenizer, tokenIDs, passwordHash,
keys and keyFunc do not.`,
	}
	ownedKey = &rule.Check{
		Name:     "owned-key",
		Category: rule.Hardening,
		Summary:  "owned key material becomes unreachable without being zeroed",
		Doc: `Key material the function owns (a key-derivation result such as
pbkdf2.Key, hkdf.Key, scrypt.Key or argon2.IDKey, an ECDH shared
secret; or a freshly allocated buffer - make then read, a copy - named
as a secret or as a key that is used with a crypto package) that
becomes unreachable when the function returns without being zeroed.
The fix inserts clear(k) after its last use when no return, panic,
goto or branch out of the block comes between its creation and that
use, or else defer clear(k) right after its creation; inside a loop
the deferred form would pile up, so such a key is reported without a
fix. Older files get the zeroing loop (in a deferred function
literal for the deferred form).`,
	}
)

type secretCheck struct {
	pass    *rule.Pass
	sums    *summary.Table
	fn      *flow.Func
	parents map[ast.Node]ast.Node
	words   []string
	owned   map[*types.Var]bool // package-level variables and fields: provably owned
	funcs   []*flow.Func
	pmaps   map[*ast.FuncDecl]map[ast.Node]ast.Node
}

func runZeroSecret(p *rule.Pass) {
	sums := summary.For(p)
	var funcs []*flow.Func
	for _, file := range p.Files {
		if strings.HasSuffix(p.Fset.File(file.FileStart).Name(), "_test.go") {
			// Keys and secrets of tests are fixtures: scrubbing them
			// protects nothing (the tests of filippo.io/age and quic-go
			// gave 21 such findings, none worth a change).
			continue
		}
		funcs = append(funcs, sums.Funcs(file)...)
	}
	owned := map[*types.Var]bool{}
	pmaps := map[*ast.FuncDecl]map[ast.Node]ast.Node{}
	for _, fn := range funcs {
		c := &secretCheck{pass: p, sums: sums, fn: fn, words: p.Words(Sensitive), owned: owned, funcs: funcs, pmaps: pmaps}
		c.parents = c.parentsOf(fn.Decl)
		c.checkDrops()
		c.checkKeys()
	}
}

// isSecretSlice reports whether t is a slice of integers (not a string).
func isSecretSlice(t types.Type) bool {
	if t == nil {
		return false
	}
	s, ok := t.Underlying().(*types.Slice)
	if !ok {
		return false
	}
	b, ok := s.Elem().Underlying().(*types.Basic)
	return ok && b.Info()&types.IsInteger != 0
}

// secretName returns the name by which a location is known: a variable's
// or a field's name.
func secretName(e ast.Expr) string {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	case *ast.StarExpr:
		return secretName(x.X)
	}
	return ""
}

// inList reports whether statement s sits directly in a statement list,
// where statements can be inserted around it.
func (c *secretCheck) inList(s ast.Stmt) bool {
	switch c.parents[s].(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
		return true
	}
	return false
}

// checkDrops: a sensitive-named slice truncated, set to nil, or put into a
// pool without being zeroed first.
func (c *secretCheck) checkDrops() {
	info := c.pass.Info
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			if s.Tok != token.ASSIGN || len(s.Lhs) != len(s.Rhs) {
				return true
			}
			for i, lhs := range s.Lhs {
				if how := c.dropKind(lhs, s.Rhs[i]); how != "" {
					c.checkDrop(s, lhs, how, false)
				}
			}
		case *ast.CallExpr:
			if !knowledge.IsPoolPut(rule.Callee(info, s)) || len(s.Args) != 1 {
				return true
			}
			x := putTarget(info, s.Args[0])
			if x == nil {
				return true
			}
			switch st := c.parents[s].(type) {
			case *ast.ExprStmt:
				c.checkDrop(st, x, "put back into a pool", true)
			case *ast.DeferStmt:
				c.checkDrop(st, x, "put back into a pool by a deferred call", true)
			}
		}
		return true
	})
}

// dropKind says how lhs = rhs drops lhs's contents: "set to nil",
// "truncated", or "" when it does not.
func (c *secretCheck) dropKind(lhs, rhs ast.Expr) string {
	info := c.pass.Info
	if !isSecretSlice(info.TypeOf(lhs)) || !rule.SideEffectFree(info, lhs) {
		return ""
	}
	switch r := ast.Unparen(rhs).(type) {
	case *ast.Ident:
		if r.Name == "nil" && info.Uses[r] == types.Universe.Lookup("nil") {
			return "set to nil"
		}
	case *ast.SliceExpr:
		if astx.IsConstZero(info, r.High) && (r.Low == nil || astx.IsConstZero(info, r.Low)) && astx.SameLocation(info, r.X, lhs) {
			return "truncated"
		}
	}
	return ""
}

// putTarget returns the slice whose elements Put hands back: x for Put(x),
// Put(x[:0]) and Put(&x), *p for Put(p) with p a *[]T.
func putTarget(info *types.Info, arg ast.Expr) ast.Expr {
	arg = ast.Unparen(arg)
	if u, ok := arg.(*ast.UnaryExpr); ok && u.Op == token.AND {
		arg = ast.Unparen(u.X)
	}
	if se, ok := arg.(*ast.SliceExpr); ok && astx.IsConstZero(info, se.High) {
		arg = ast.Unparen(se.X)
	}
	t := info.TypeOf(arg)
	if isSecretSlice(t) {
		return arg
	}
	if p, ok := t.(*types.Pointer); ok && isSecretSlice(p.Elem()) {
		if _, isIdent := arg.(*ast.Ident); isIdent {
			return &ast.StarExpr{Star: arg.Pos(), X: arg}
		}
	}
	return nil
}

func (c *secretCheck) checkDrop(stmt ast.Stmt, x ast.Expr, how string, put bool) {
	name := secretName(x)
	if name == "" || !matchWords(name, c.words) || !isSecretSlice(c.exprType(x)) {
		return
	}
	if !c.ownsDropped(x, put) || c.zeroedBefore(stmt, x) {
		return
	}
	var fix *rule.Fix
	_, deferred := stmt.(*ast.DeferStmt)
	if !deferred && c.inList(stmt) {
		fix = c.zeroFix(stmt, x)
	}
	text := c.text(x)
	msg := fmt.Sprintf("%s holds a secret and is %s without being zeroed: its bytes stay in memory; clear it first", text, how)
	if deferred {
		msg = fmt.Sprintf("%s holds a secret and is %s without being zeroed: its bytes stay in memory; clear it in the deferred function before the Put", text, how)
	}
	c.pass.Report(rule.Diagnostic{Check: dropped, Pos: stmt.Pos(), End: stmt.End(), Message: msg, Fix: fix, Related: c.dropEvidence(stmt, x, how)})
}

// zeroFix inserts the zeroing of x before stmt. x may be a synthesized *p
// (Put of a pointer to a slice): the zeroing helper builds it from p.
func (c *secretCheck) zeroFix(stmt ast.Stmt, x ast.Expr) *rule.Fix {
	return rule.ZeroBeforeFix(c.pass, stmt, x)
}

// exprType is the type of x, also for a synthesized dereference *p.
func (c *secretCheck) exprType(x ast.Expr) types.Type {
	if t := c.pass.Info.TypeOf(x); t != nil {
		return t
	}
	if s, ok := x.(*ast.StarExpr); ok {
		if p, ok := c.pass.Info.TypeOf(s.X).(*types.Pointer); ok {
			return p.Elem()
		}
	}
	return nil
}

// ownsDropped reports whether zeroing x before dropping it cannot destroy
// data someone else still holds. A Put hands the buffer over to the pool,
// so it is the putter's to scrub. Otherwise, a local must hold only storage
// the function allocated or got from a call (never a parameter, a global
// or a field it read); a field or package-level variable must be
// unexported and only ever assigned such storage in the package.
func (c *secretCheck) ownsDropped(x ast.Expr, put bool) bool {
	if put {
		return true
	}
	info := c.pass.Info
	switch e := ast.Unparen(x).(type) {
	case *ast.Ident:
		v := c.fn.VarOf(e)
		if v == nil {
			return false
		}
		if flow.IsPackageLevel(v) {
			return c.ownedLocation(v)
		}
		return c.ownedLocal(e) && c.localUsesSafe(v, c.stmtOf(x))
	case *ast.SelectorExpr:
		sel, ok := info.Selections[e]
		if !ok || sel.Kind() != types.FieldVal {
			return false
		}
		v, _ := sel.Obj().(*types.Var)
		return v != nil && c.ownedLocation(v)
	}
	return false
}

// ownedLocal reports whether every value the local variable at id may hold
// there is storage the function allocated or received from a call, and at
// least one of them can hold bytes (not only nil).
func (c *secretCheck) ownedLocal(id *ast.Ident) bool {
	some := false
	for _, o := range c.fn.Origins(id, c.sums.Views) {
		switch o.Kind {
		case flow.OriginMake, flow.OriginCall:
			some = true
		case flow.OriginFresh:
			if nid, ok := o.Node.(*ast.Ident); ok && nid.Name == "nil" {
				continue
			}
			if _, ok := o.Node.(*ast.Ident); ok {
				continue // a zero-value declaration
			}
			some = true
		default:
			return false
		}
	}
	return some
}

// ownedLocation reports whether a package-level variable or a struct field
// is unexported and only ever assigned, in the package, storage the
// assigning function allocated or received from a call (or nil, or a
// truncation of itself).
func (c *secretCheck) ownedLocation(v *types.Var) bool {
	if r, ok := c.owned[v]; ok {
		return r
	}
	c.owned[v] = false // while computing: recursive stores are not proof
	if v.Exported() {
		return false
	}
	info := c.pass.Info
	isLoc := func(e ast.Expr) bool {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return info.Uses[x] == v || info.Defs[x] == v
		case *ast.SelectorExpr:
			sel, ok := info.Selections[x]
			return ok && sel.Obj() == v
		}
		return false
	}
	ok := true
	checkValue := func(f *flow.Func, val ast.Expr) {
		val = ast.Unparen(val)
		if id, isID := val.(*ast.Ident); isID && id.Name == "nil" {
			return
		}
		if se, isSlice := val.(*ast.SliceExpr); isSlice && isLoc(se.X) {
			return // x = x[:n]
		}
		if f == nil {
			// A package-level initializer: only allocations.
			if call, isCall := val.(*ast.CallExpr); isCall && flow.IsBuiltin(info, call, "make") {
				return
			}
			ok = false
			return
		}
		for _, o := range f.Origins(val, c.sums.Views) {
			switch o.Kind {
			case flow.OriginMake, flow.OriginCall, flow.OriginFresh:
			default:
				ok = false
			}
		}
	}
	visit := func(f *flow.Func, root ast.Node) {
		var parents map[ast.Node]ast.Node
		if f != nil {
			parents = c.parentsOf(f.Decl)
		}
		lhs := map[ast.Node]bool{}
		ast.Inspect(root, func(n ast.Node) bool {
			if !ok {
				return false
			}
			if as, isAssign := n.(*ast.AssignStmt); isAssign {
				for _, l := range as.Lhs {
					lhs[ast.Unparen(l)] = true
				}
			}
			if sel, isSel := n.(*ast.SelectorExpr); isSel {
				lhs[sel.Sel] = true // the field name, not a read of its own
			}
			if kv, isKV := n.(*ast.KeyValueExpr); isKV {
				lhs[kv.Key] = true // a field name in a struct literal
			}
			// A read of the location must not let its storage escape.
			if e, isExpr := n.(ast.Expr); isExpr && !lhs[n] {
				if _, isSel := n.(*ast.SelectorExpr); isSel || isIdentExpr(n) {
					if isLoc(e) && !isDefIdent(info, n) {
						if parents == nil || !(c.safeUseIn(parents, n) || c.selfUpdate(parents, n)) {
							ok = false
						}
					}
				}
			}
			switch s := n.(type) {
			case *ast.AssignStmt:
				if len(s.Lhs) != len(s.Rhs) {
					for _, l := range s.Lhs {
						if isLoc(l) {
							ok = false
						}
					}
					return true
				}
				for i, l := range s.Lhs {
					if isLoc(l) {
						checkValue(f, s.Rhs[i])
					}
				}
			case *ast.ValueSpec:
				for i, name := range s.Names {
					if info.Defs[name] == v && i < len(s.Values) {
						checkValue(f, s.Values[i])
					}
				}
			case *ast.CompositeLit:
				c.compositeStores(s, v, func(val ast.Expr) { checkValue(f, val) })
			case *ast.UnaryExpr:
				if s.Op == token.AND && isLoc(s.X) {
					ok = false // &x.secret: written through a pointer
				}
			}
			return true
		})
	}
	for _, f := range c.funcs {
		visit(f, f.Decl.Body)
	}
	for _, file := range c.pass.Files {
		for _, d := range file.Decls {
			if gd, isGen := d.(*ast.GenDecl); isGen && gd.Tok == token.VAR {
				visit(nil, gd)
			}
		}
	}
	c.owned[v] = ok
	return ok
}

func isIdentExpr(n ast.Node) bool {
	_, ok := n.(*ast.Ident)
	return ok
}

func isDefIdent(info *types.Info, n ast.Node) bool {
	id, ok := n.(*ast.Ident)
	return ok && info.Defs[id] != nil
}

// parentsOf returns the parent map of a function declaration, once.
func (c *secretCheck) parentsOf(fd *ast.FuncDecl) map[ast.Node]ast.Node {
	if m, ok := c.pmaps[fd]; ok {
		return m
	}
	m := flow.Parents(fd)
	c.pmaps[fd] = m
	return m
}

// stmtOf returns the statement that contains expression x.
func (c *secretCheck) stmtOf(x ast.Node) ast.Stmt {
	for n := x; n != nil; n = c.parents[n] {
		if s, ok := n.(ast.Stmt); ok {
			return s
		}
	}
	return nil
}

// compositeStores calls store for every value a struct literal assigns to
// field v.
func (c *secretCheck) compositeStores(lit *ast.CompositeLit, v *types.Var, store func(ast.Expr)) {
	t := c.pass.Info.TypeOf(lit)
	if t == nil {
		return
	}
	if p, ok := t.Underlying().(*types.Pointer); ok {
		t = p.Elem()
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return
	}
	for i, elt := range lit.Elts {
		if kv, isKV := elt.(*ast.KeyValueExpr); isKV {
			if id, isID := kv.Key.(*ast.Ident); isID && c.pass.Info.Uses[id] == v {
				store(kv.Value)
			}
			continue
		}
		if i < st.NumFields() && st.Field(i) == v {
			store(elt)
		}
	}
}

// zeroedBefore reports whether x is zeroed by a statement that precedes
// stmt in its block or an enclosing one, with no assignment to x between.
func (c *secretCheck) zeroedBefore(stmt ast.Stmt, x ast.Expr) bool {
	var n ast.Node = stmt
	for {
		p := c.parents[n]
		if p == nil {
			return false
		}
		if _, isLit := p.(*ast.FuncLit); isLit {
			return false
		}
		list := flow.StmtList(p)
		for i := len(list) - 1; i >= 0; i-- {
			s := list[i]
			if s.Pos() >= n.Pos() {
				continue
			}
			if c.zeroes(s, x) {
				return true
			}
			if c.assigns(s, x) {
				return false
			}
		}
		n = p
	}
}

// zeroes reports whether statement s zeroes the slice x (the same
// location, see astx.SameLocation):
// clear(x), for i := range x { x[i] = 0 }, or a call of a helper whose
// name says it wipes (zero, wipe, scrub, clear, burn, erase, destroy).
func (c *secretCheck) zeroes(s ast.Stmt, x ast.Expr) bool {
	info := c.pass.Info
	matches := func(e ast.Expr) bool {
		e = ast.Unparen(e)
		if u, ok := e.(*ast.UnaryExpr); ok && u.Op == token.AND {
			e = ast.Unparen(u.X)
		}
		if se, ok := e.(*ast.SliceExpr); ok {
			e = se.X
		}
		return astx.SameLocation(info, e, x)
	}
	switch s := s.(type) {
	case *ast.ExprStmt:
		call, ok := ast.Unparen(s.X).(*ast.CallExpr)
		if !ok {
			return false
		}
		if !flow.IsBuiltin(info, call, "clear") && !wipeName(call) {
			return false
		}
		for _, a := range call.Args {
			if matches(a) {
				return true
			}
		}
	case *ast.RangeStmt:
		if !matches(s.X) || s.Key == nil || len(s.Body.List) != 1 {
			return false
		}
		as, ok := s.Body.List[0].(*ast.AssignStmt)
		if !ok || len(as.Lhs) != 1 || len(as.Rhs) != 1 || !astx.IsConstZero(info, as.Rhs[0]) {
			return false
		}
		ix, ok := as.Lhs[0].(*ast.IndexExpr)
		return ok && matches(ix.X) && astx.SameLocation(info, ix.Index, s.Key)
	case *ast.DeferStmt:
		// defer clear(k), defer func() { for i := range k { k[i] = 0 } }()
		if lit, ok := ast.Unparen(s.Call.Fun).(*ast.FuncLit); ok {
			for _, st := range lit.Body.List {
				if c.zeroes(st, x) {
					return true
				}
			}
			return false
		}
		return c.zeroes(&ast.ExprStmt{X: s.Call}, x)
	}
	return false
}

// wipeName reports whether a call's function name says it scrubs memory.
func wipeName(call *ast.CallExpr) bool {
	name := astx.CallName(call)
	if name == "" {
		return false
	}
	name = strings.ToLower(name)
	for _, w := range []string{"zero", "wipe", "scrub", "clear", "burn", "erase", "destroy", "clean", "memclr"} {
		if strings.Contains(name, w) {
			return true
		}
	}
	return false
}

// assigns reports whether statement s assigns the location x (the same
// location, see astx.SameLocation), or, for a variable, declares it.
func (c *secretCheck) assigns(s ast.Stmt, x ast.Expr) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		if found {
			return false
		}
		if as, ok := n.(*ast.AssignStmt); ok {
			for _, l := range as.Lhs {
				if astx.SameLocation(c.pass.Info, l, x) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

func (c *secretCheck) text(e ast.Node) string { return rule.ExprText(c.pass.Fset, e) }

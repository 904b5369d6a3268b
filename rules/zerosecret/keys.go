package zerosecret

import (
	"fmt"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"go/ast"
	"go/token"
	"go/types"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// Derived keys dropped: key material a function owns that becomes
// unreachable when it returns, without being zeroed.

// keyCandidate is a local holding key material the function allocated.
type keyCandidate struct {
	v      *types.Var
	id     *ast.Ident // the defining identifier
	create ast.Stmt   // the statement that creates it
	secret bool       // a key-derivation result: key material whatever its name
	fill   bool       // a make: only key material once something is read into it
}

func (c *secretCheck) checkKeys() {
	info := c.pass.Info
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		if _, isLit := n.(*ast.FuncLit); isLit {
			return false // variables of closures: not this function's
		}
		var ids []*ast.Ident
		switch s := n.(type) {
		case *ast.AssignStmt:
			if s.Tok == token.DEFINE {
				for _, l := range s.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						ids = append(ids, id)
					}
				}
			}
		case *ast.ValueSpec:
			ids = s.Names
		}
		for _, id := range ids {
			v, ok := info.Defs[id].(*types.Var)
			if !ok || v == nil || id.Name == "_" || !isSecretSlice(v.Type()) {
				continue
			}
			if kc := c.candidate(v, id); kc != nil {
				c.checkKey(kc)
			}
		}
		return true
	})
}

// candidate returns v as a key candidate when its only definition is a
// fresh allocation of key material.
func (c *secretCheck) candidate(v *types.Var, id *ast.Ident) *keyCandidate {
	info := c.pass.Info
	defs := c.fn.Defs(v)
	if len(defs) != 1 || defs[0].RHS == nil || c.fn.IsParam(v) {
		return nil
	}
	d := defs[0]
	stmt, ok := d.Stmt.(ast.Stmt)
	if !ok {
		spec, isSpec := d.Stmt.(*ast.ValueSpec)
		if !isSpec {
			return nil
		}
		gd, isGen := c.parents[spec].(*ast.GenDecl)
		if !isGen || len(gd.Specs) != 1 {
			return nil
		}
		if stmt, ok = c.parents[gd].(*ast.DeclStmt); !ok {
			return nil
		}
	}
	kc := &keyCandidate{v: v, id: id, create: stmt}
	rhs := ast.Unparen(d.RHS)
	call, isCall := rhs.(*ast.CallExpr)
	if !isCall {
		return nil
	}
	if d.Tuple && d.Index != 0 {
		return nil
	}
	switch {
	case flow.IsBuiltin(info, call, "make"):
		kc.fill = true
	case flow.IsBuiltin(info, call, "append"):
		// A copy: append([]byte(nil), x...), append(x[:0:0], x...).
		if len(call.Args) == 0 || !flow.IsFresh(info, call.Args[0]) {
			return nil
		}
	default:
		if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
			// []byte(s) of a string copies; between slice types it does
			// not. A constant string is in the binary anyway.
			if len(call.Args) != 1 || !isStringType(info.TypeOf(call.Args[0])) || info.Types[call.Args[0]].Value != nil {
				return nil
			}
			break
		}
		fn := rule.Callee(info, call)
		if facts, ok := knowledge.Lookup(fn); ok && facts.Secret {
			kc.secret = true
			break
		}
		s, ok := c.sums.Call(call)
		if !ok || !s.Fresh {
			return nil
		}
	}
	if !kc.secret && !matchWords(v.Name(), c.words) && !(matchWords(v.Name(), []string{"key"}) && c.usedByCrypto(v)) {
		return nil
	}
	return kc
}

func isStringType(t types.Type) bool {
	if t == nil {
		return false
	}
	b, ok := t.Underlying().(*types.Basic)
	return ok && b.Info()&types.IsString != 0
}

// usedByCrypto reports whether v (or a sub-slice of it) is passed to a
// function of a crypto package: what makes a buffer named key a
// cryptographic key rather than, say, a cache key.
func (c *secretCheck) usedByCrypto(v *types.Var) bool {
	for _, u := range c.fn.Uses(v) {
		var n ast.Node = u
		for {
			p := c.parents[n]
			if se, ok := p.(*ast.SliceExpr); ok && se.X == n {
				n = se
				continue
			}
			if pe, ok := p.(*ast.ParenExpr); ok {
				n = pe
				continue
			}
			call, ok := p.(*ast.CallExpr)
			if !ok || astx.ArgPosition(call, n) < 0 {
				break
			}
			if fn := rule.Callee(c.pass.Info, call); fn != nil && fn.Pkg() != nil && knowledge.IsCryptoPackage(fn.Pkg().Path()) {
				return true
			}
			break
		}
	}
	return false
}

func (c *secretCheck) checkKey(kc *keyCandidate) {
	uses := c.fn.Uses(kc.v)
	filled := !kc.fill
	for _, u := range uses {
		if astx.InFuncLit(c.fn.Decl.Body, u) || !c.safeUse(u) {
			return
		}
		if c.fills(u) {
			filled = true
		}
	}
	if !filled {
		return
	}
	// Already zeroed somewhere (clear, a zeroing loop, a wipe helper, a
	// deferred one): leave it.
	zeroed := false
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		if s, ok := n.(ast.Stmt); ok && !zeroed && c.zeroes(s, kc.id) {
			if c.refersTo(s, kc.v) {
				zeroed = true
			}
		}
		return !zeroed
	})
	if zeroed {
		return
	}
	what := "key material"
	if !kc.secret {
		what = "a secret"
	}
	msg := fmt.Sprintf("%s holds %s that this function allocated and drops without zeroing it: the bytes stay in memory after it returns; clear it after its last use", kc.v.Name(), what)
	c.pass.Report(rule.Diagnostic{Check: ownedKey, Pos: kc.id.Pos(), End: kc.id.End(), Message: msg, Fix: c.keyFix(kc, uses), Related: c.keyEvidence(kc, uses)})
}

// refersTo reports whether statement s mentions variable v.
func (c *secretCheck) refersTo(s ast.Node, v *types.Var) bool {
	found := false
	ast.Inspect(s, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && c.pass.Info.Uses[id] == v {
			found = true
		}
		return !found
	})
	return found
}

// fills reports whether use u writes data into the buffer: a read into
// it, copy into it, or an element assignment.
func (c *secretCheck) fills(u *ast.Ident) bool {
	info := c.pass.Info
	var n ast.Node = u
	for {
		switch p := c.parents[n].(type) {
		case *ast.SliceExpr:
			if p.X == n {
				n = p
				continue
			}
			return false
		case *ast.ParenExpr:
			n = p
			continue
		case *ast.IndexExpr:
			as, ok := c.parents[p].(*ast.AssignStmt)
			if !ok {
				return false
			}
			for _, l := range as.Lhs {
				if l == p {
					return true
				}
			}
			return false
		case *ast.CallExpr:
			i := astx.ArgPosition(p, n)
			if i < 0 {
				return false
			}
			if flow.IsBuiltin(info, p, "copy") {
				return i == 0
			}
			fn := rule.Callee(info, p)
			if knowledge.IsReadMethod(fn) && i == 0 {
				return true
			}
			facts, _ := knowledge.Lookup(fn)
			return knowledge.Has(facts.ReadsInto, i)
		}
		return false
	}
}

// safeUse reports whether a use of the key neither lets it escape nor
// makes an alias of it that does: element access, ranging, comparison,
// len/cap/copy/clear, spreading into append, string conversion, or an
// argument of a callee that neither keeps it, returns a view of it, nor
// hands it anywhere that cannot be followed.
func (c *secretCheck) safeUse(u *ast.Ident) bool { return c.safeUseIn(c.parents, u) }

// safeUseIn is safeUse for a use n (an identifier, or a field selection)
// in the function whose parent map is parents.
func (c *secretCheck) safeUseIn(parents map[ast.Node]ast.Node, n ast.Node) bool {
	for {
		switch p := parents[n].(type) {
		case *ast.ParenExpr:
			n = p
		case *ast.SliceExpr:
			if p.X != n {
				return false
			}
			n = p
		case *ast.IndexExpr:
			return p.X == n
		case *ast.RangeStmt:
			return p.X == n
		case *ast.BinaryExpr:
			return p.Op == token.EQL || p.Op == token.NEQ
		case *ast.AssignStmt:
			for _, l := range p.Lhs {
				if l == n {
					return true // overwritten, not read
				}
			}
			for i, r := range p.Rhs {
				if r == n && len(p.Lhs) == len(p.Rhs) {
					id, ok := p.Lhs[i].(*ast.Ident)
					return ok && id.Name == "_"
				}
			}
			return false
		case *ast.CallExpr:
			return c.safeArg(parents, p, n)
		default:
			return false
		}
	}
}

func (c *secretCheck) safeArg(parents map[ast.Node]ast.Node, call *ast.CallExpr, n ast.Node) bool {
	info := c.pass.Info
	i := astx.ArgPosition(call, n)
	if i < 0 {
		return false
	}
	switch flow.UseOfArg(info, parents, call, i) {
	case flow.ArgCopied:
		return true
	case flow.ArgHeld, flow.ArgKept:
		return false
	}
	s, ok := c.sums.Call(call)
	if !ok {
		return false
	}
	return !s.Keeps().Has(astx.ParamIndex(info, call, i))
}

// keyFix zeroes the key after its last use when no path leaves between
// its creation and that use, else with a deferred clear right after its
// creation (outside loops), else not at all.
func (c *secretCheck) keyFix(kc *keyCandidate, uses []*ast.Ident) *rule.Fix {
	if !rule.CanZero(c.pass, kc.id) || !c.inList(kc.create) {
		return nil
	}
	if last := c.lastUseStmt(kc, uses); last != nil {
		return &rule.Fix{Message: "clear it after its last use", Edit: func(fc *rule.FixContext) error {
			st, err := rule.ZeroStmt(fc, kc.id)
			if err != nil {
				return err
			}
			return fc.InsertAfter(last, st)
		}}
	}
	if c.fn.InnermostLoop(kc.create) != nil {
		return nil
	}
	return &rule.Fix{Message: "clear it when the function returns", Edit: func(fc *rule.FixContext) error {
		st, err := rule.ZeroDeferStmt(fc, kc.id)
		if err != nil {
			return err
		}
		return fc.InsertAfter(kc.create, st)
	}}
}

// lastUseStmt returns the statement of the creation's list after which the
// key is dead on every path: the one holding its last use, when no
// statement from the creation to it can leave the list early (return,
// goto, break or continue out of it, panic) and no deferred call uses the
// key. It returns nil when there is none.
func (c *secretCheck) lastUseStmt(kc *keyCandidate, uses []*ast.Ident) ast.Stmt {
	list := flow.StmtList(c.parents[kc.create])
	start := -1
	for i, s := range list {
		if s == kc.create {
			start = i
		}
	}
	if start < 0 {
		return nil
	}
	last := start
	for _, u := range uses {
		k := -1
		for i := start + 1; i < len(list); i++ {
			if flow.Within(u, list[i]) {
				k = i
			}
		}
		if k < 0 {
			return nil
		}
		if k > last {
			last = k
		}
		for p := c.parents[u]; p != nil; p = c.parents[p] {
			if _, isDefer := p.(*ast.DeferStmt); isDefer {
				return nil
			}
		}
	}
	for i := start; i <= last; i++ {
		if i > start && c.mayLeave(list[i]) {
			return nil
		}
	}
	return list[last]
}

// mayLeave reports whether statement s can transfer control out of the
// statement list it sits in (other than by falling through to the next
// statement).
func (c *secretCheck) mayLeave(s ast.Stmt) bool {
	leaves := false
	var walk func(n ast.Node, loops, breakables int)
	walk = func(n ast.Node, loops, breakables int) {
		ast.Inspect(n, func(m ast.Node) bool {
			if leaves || m == nil {
				return false
			}
			if m == n {
				return true
			}
			switch x := m.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ReturnStmt:
				leaves = true
			case *ast.BranchStmt:
				switch {
				case x.Label != nil || x.Tok == token.GOTO || x.Tok == token.FALLTHROUGH:
					leaves = true
				case x.Tok == token.BREAK && breakables == 0:
					leaves = true
				case x.Tok == token.CONTINUE && loops == 0:
					leaves = true
				}
			case *ast.ForStmt, *ast.RangeStmt:
				walk(x, loops+1, breakables+1)
				return false
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				walk(x, loops, breakables+1)
				return false
			case *ast.CallExpr:
				if flow.IsBuiltin(c.pass.Info, x, "panic") {
					leaves = true
				}
			}
			return !leaves
		})
	}
	switch s.(type) {
	case *ast.ForStmt, *ast.RangeStmt:
		walk(s, 1, 1)
	case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
		walk(s, 0, 1)
	default:
		walk(s, 0, 0)
	}
	return leaves
}

// selfUpdate reports whether use n only updates the location it reads:
// x = x[:k], x = append(x, ...), x = append(x[:0], ...).
func (c *secretCheck) selfUpdate(parents map[ast.Node]ast.Node, n ast.Node) bool {
	want, ok := n.(ast.Expr)
	if !ok {
		return false
	}
	for {
		switch p := parents[n].(type) {
		case *ast.ParenExpr:
			n = p
			continue
		case *ast.SliceExpr:
			if p.X != n {
				return false
			}
			n = p
			continue
		case *ast.CallExpr:
			if !flow.IsBuiltin(c.pass.Info, p, "append") || len(p.Args) == 0 || p.Args[0] != n {
				return false
			}
			n = p
			continue
		case *ast.AssignStmt:
			for i, r := range p.Rhs {
				if r == n && len(p.Lhs) == len(p.Rhs) {
					return astx.SameLocation(c.pass.Info, p.Lhs[i], want)
				}
			}
		}
		return false
	}
}

// localUsesSafe reports whether no use of local v, other than in the drop
// statement, lets its storage escape or be kept by someone else: zeroing
// it then cannot destroy data another holder still needs.
func (c *secretCheck) localUsesSafe(v *types.Var, drop ast.Stmt) bool {
	for _, u := range c.fn.Uses(v) {
		if flow.Within(u, drop) {
			continue
		}
		if astx.InFuncLit(c.fn.Decl.Body, u) && !astx.InFuncLit(c.fn.Decl.Body, drop) {
			return false
		}
		if !c.selfUpdate(c.parents, u) && !c.safeUse(u) {
			return false
		}
	}
	return true
}

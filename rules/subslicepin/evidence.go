package subslicepin

// Evidence that a narrowed view of large storage pins nothing: the view
// covers the whole array, the holder keeps the whole array anyway, the
// make is bounded by a size guard, or the file read is a small /proc or
// /sys file (issue 14, "Large ignores evidence").

import (
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"

	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
	"github.com/gofixslice/gofixslice/rules/internal/vflow"
)

// notPin reports whether keeping val, a narrowed view of origin o whose
// storage src makes, keeps nothing that would not be kept anyway.
func (c *pinCheck) notPin(val ast.Expr, o flow.Origin, src *ast.CallExpr) bool {
	if src != nil && c.smallFile(src) {
		return true
	}
	if c.wholeView(val, o.Node) {
		return true
	}
	return c.holderKeepsWhole(o.Node)
}

// --- a view that can cover the whole array ---

// wholeView reports whether every path by which val views the storage
// made at src covers the whole array: no slicing on the way, or only
// s[:len(s)], s[:cap(s)], buf[:n] with n from io.ReadFull(r, buf) (the
// whole buffer but for the last short read), b[:n] of make([]T, 0, n), and
// the bytes/strings Trim functions of such a view. A clone of such a view
// frees nothing and costs a copy.
func (c *pinCheck) wholeView(val ast.Expr, src ast.Node) bool {
	v := c.vf.ValueOf(val)
	if v == nil {
		return false
	}
	return c.covers(v, src, 0)
}

func (c *pinCheck) covers(v ssa.Value, src ast.Node, depth int) bool {
	if depth > 3 {
		return false
	}
	found := false
	for _, o := range c.vf.Origins(v) {
		if c.isSource(o, src) {
			if len(o.Path) > 0 || !c.wholeSteps(o) {
				return false
			}
			found = true
			continue
		}
		switch o.Kind {
		case vflow.Call:
			call, ok := o.Value.(*ssa.Call)
			if !ok || o.Result != 0 || len(o.Path) > 0 || !isTrim(call) || !c.wholeSteps(o) {
				// Another call may return a view of src (a summary view).
				return false
			}
			if !c.covers(call.Call.Args[0], src, depth+1) {
				return false
			}
			found = true
		case vflow.Unknown, vflow.Append:
			if o.Kind == vflow.Append {
				continue // its first argument is followed too
			}
			return false
		}
	}
	return found
}

// isSource reports whether a vflow origin is the storage flow found at src.
func (c *pinCheck) isSource(o vflow.Origin, src ast.Node) bool {
	if o.Kind != vflow.Alloc && o.Kind != vflow.Call || o.Value == nil {
		return false
	}
	if e := c.vf.Expr(o.Value); e != nil && ast.Unparen(e) == src {
		return true
	}
	call, ok := src.(*ast.CallExpr)
	return ok && o.Value.Pos() != token.NoPos && (o.Value.Pos() == call.Lparen || o.Value.Pos() == call.Pos())
}

// isTrim: bytes or strings Trim, TrimSpace, TrimLeft, TrimRight,
// TrimPrefix, TrimSuffix, TrimFunc...: all of the argument but its ends.
func isTrim(call *ssa.Call) bool {
	fn := call.Call.StaticCallee()
	if fn == nil || fn.Pkg == nil || len(call.Call.Args) == 0 {
		return false
	}
	p := fn.Pkg.Pkg.Path()
	return (p == "bytes" || p == "strings") && fn.Signature.Recv() == nil && strings.HasPrefix(fn.Name(), "Trim")
}

// wholeSteps reports whether every slicing on the path of o keeps the
// whole array.
func (c *pinCheck) wholeSteps(o vflow.Origin) bool {
	for _, s := range o.Steps {
		if s.Op != vflow.OpSlice {
			continue
		}
		sl, ok := s.Value.(*ssa.Slice)
		if !ok {
			return false
		}
		if sl.Low != nil && !isZero(sl.Low) {
			return false
		}
		if !c.wholeBound(sl.High, sl, o) || !c.wholeBound(sl.Max, sl, o) {
			return false
		}
	}
	return true
}

func isZero(v ssa.Value) bool {
	k, ok := v.(*ssa.Const)
	if !ok || k.Value == nil || k.Value.Kind() != constant.Int {
		return false
	}
	n, exact := constant.Int64Val(k.Value)
	return exact && n == 0
}

// wholeBound reports whether the bound b of slicing sl is the whole length
// of the array o makes.
func (c *pinCheck) wholeBound(b ssa.Value, sl *ssa.Slice, o vflow.Origin) bool {
	if b == nil {
		return true
	}
	switch b := b.(type) {
	case *ssa.Call:
		// s[:len(s)], s[:cap(s)]
		if bi, ok := b.Call.Value.(*ssa.Builtin); ok && (bi.Name() == "len" || bi.Name() == "cap") && len(b.Call.Args) == 1 {
			return c.sameStorage(b.Call.Args[0], sl.X, o)
		}
	case *ssa.Extract:
		// n, err := io.ReadFull(r, buf); buf[:n]
		call, ok := b.Tuple.(*ssa.Call)
		if !ok || b.Index != 0 {
			return false
		}
		fn := call.Call.StaticCallee()
		if fn == nil || fn.Pkg == nil || fn.Pkg.Pkg.Path() != "io" || fn.Name() != "ReadFull" || len(call.Call.Args) != 2 {
			return false
		}
		return c.sameStorage(call.Call.Args[1], sl.X, o)
	}
	// b[:n] of make([]T, 0, n)
	if m, ok := o.Value.(*ssa.MakeSlice); ok {
		return b == m.Cap
	}
	return false
}

// sameStorage reports whether x is the sliced value, or a whole view of
// the same array.
func (c *pinCheck) sameStorage(x, sliced ssa.Value, o vflow.Origin) bool {
	if x == sliced {
		return true
	}
	os := c.vf.Origins(x)
	if len(os) == 0 {
		return false
	}
	for _, xo := range os {
		if xo.Narrowed || !vflow.Same(xo, o) {
			return false
		}
	}
	return true
}

// --- a holder that keeps the whole array anyway ---

// holderKeepsWhole reports whether the container being stored into (a map
// or slice element, a field) also holds the whole storage made at src
// elsewhere: m["all"] = data; m["head"] = data[:4]. The part then pins
// nothing the container does not keep anyway.
func (c *pinCheck) holderKeepsWhole(src ast.Node) bool {
	if c.holder == nil || src == nil {
		return false
	}
	var base ast.Expr
	switch h := ast.Unparen(c.holder).(type) {
	case *ast.IndexExpr:
		base = h.X
	case *ast.SelectorExpr:
		base = h.X
	default:
		return false
	}
	key := rule.ExprText(c.pass.Fset, base)
	whole := func(e ast.Expr) bool {
		for _, val := range flow.Stored(c.pass.Info, e) {
			for _, o := range c.fn.Origins(val, c.sums.Views) {
				if !o.Narrowed && o.Node == src {
					return true
				}
			}
		}
		return false
	}
	found := false
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		if found {
			return false
		}
		as, ok := n.(*ast.AssignStmt)
		if !ok || len(as.Lhs) != len(as.Rhs) {
			return true
		}
		for i, lhs := range as.Lhs {
			switch l := ast.Unparen(lhs).(type) {
			case *ast.Ident:
				// in := map[string][]byte{"text": text}
				if rule.ExprText(c.pass.Fset, l) == key {
					if lit, ok := ast.Unparen(as.Rhs[i]).(*ast.CompositeLit); ok && whole(lit) {
						found = true
					}
				}
			case *ast.IndexExpr:
				if rule.ExprText(c.pass.Fset, l.X) == key && whole(as.Rhs[i]) {
					found = true
				}
			case *ast.SelectorExpr:
				if rule.ExprText(c.pass.Fset, l.X) == key && whole(as.Rhs[i]) {
					found = true
				}
			}
		}
		return true
	})
	return found
}

// --- size guards ---

// bounded returns the constant bound of a make size argument a guarded by
// the enclosing if or tagless switch case: if n <= C { make([]T, n) }, or
// make([]T, min(n, C)).
func (c *pinCheck) bounded(call *ast.CallExpr, a ast.Expr) (int64, bool) {
	if m, ok := ast.Unparen(a).(*ast.CallExpr); ok && flow.IsBuiltin(c.pass.Info, m, "min") {
		for _, x := range m.Args {
			if n, ok := c.constInt(x); ok {
				return n, true
			}
		}
	}
	if n, ok := c.rangeBound(a, 0); ok {
		// The value's own range: a length read from two bytes
		// (int(b[0])<<8 | int(b[1])) is at most 65535.
		return n, true
	}
	v := c.fn.VarOf(a)
	if v == nil {
		return 0, false
	}
	// The guards on the way from the function body to the make.
	var best int64
	ok := false
	var path []ast.Node
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		if n == nil || ok {
			return false
		}
		if !flow.Within(call, n) {
			return false
		}
		path = append(path, n)
		var cond ast.Expr
		switch s := n.(type) {
		case *ast.IfStmt:
			if flow.Within(call, s.Body) {
				cond = s.Cond
			}
		case *ast.CaseClause:
			if len(s.List) == 1 && c.taglessCase(path) && !flow.Within(call, s.List[0]) {
				cond = s.List[0]
			}
		case *ast.FuncLit:
			return false // a closure may run after n changes
		}
		if cond != nil && !c.assignedIn(v, n, call) {
			if b, found := c.guard(cond, v); found {
				best, ok = b, true
			}
		}
		return true
	})
	return best, ok
}

// taglessCase reports whether the case clause last on path belongs to a
// switch without a tag (switch { case n <= C: ... }).
func (c *pinCheck) taglessCase(path []ast.Node) bool {
	for i := len(path) - 2; i >= 0; i-- {
		if sw, ok := path[i].(*ast.SwitchStmt); ok {
			return sw.Tag == nil
		}
	}
	return false
}

// assignedIn reports whether v is assigned inside guard before the make.
func (c *pinCheck) assignedIn(v *types.Var, guard ast.Node, call *ast.CallExpr) bool {
	for _, d := range c.fn.Defs(v) {
		if d.Stmt != nil && flow.Within(d.Stmt, guard) && d.Stmt.Pos() < call.Pos() {
			return true
		}
	}
	return false
}

// guard returns C when cond implies v <= C: v <= C, v < C, C >= v, C > v,
// or a conjunct of &&.
func (c *pinCheck) guard(cond ast.Expr, v *types.Var) (int64, bool) {
	b, ok := ast.Unparen(cond).(*ast.BinaryExpr)
	if !ok {
		return 0, false
	}
	if b.Op == token.LAND {
		if n, ok := c.guard(b.X, v); ok {
			return n, true
		}
		return c.guard(b.Y, v)
	}
	x, y, op := b.X, b.Y, b.Op
	if c.fn.VarOf(y) == v {
		x, y = y, x
		switch op {
		case token.GEQ:
			op = token.LEQ
		case token.GTR:
			op = token.LSS
		default:
			return 0, false
		}
	}
	if c.fn.VarOf(x) != v {
		return 0, false
	}
	n, ok := c.constInt(y)
	if !ok {
		return 0, false
	}
	switch op {
	case token.LEQ:
		return n, true
	case token.LSS:
		return n - 1, true
	}
	return 0, false
}

// rangeBound returns an upper bound of the non-negative integer e from
// the ranges of the values it is computed from: constants, conversions of
// small unsigned integers (a byte is at most 255), shifts by constants,
// |, &, + and locals defined once from such an expression.
func (c *pinCheck) rangeBound(e ast.Expr, depth int) (int64, bool) {
	if depth > 6 {
		return 0, false
	}
	if n, ok := c.constInt(e); ok {
		return n, n >= 0
	}
	info := c.pass.Info
	if n, ok := unsignedMax(info.TypeOf(e)); ok {
		return n, true
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.CallExpr:
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() && len(x.Args) == 1 {
			if n, ok := unsignedMax(info.TypeOf(x.Args[0])); ok {
				return n, true // widening an unsigned value keeps its range
			}
			return c.rangeBound(x.Args[0], depth+1)
		}
	case *ast.BinaryExpr:
		l, lok := c.rangeBound(x.X, depth+1)
		if x.Op == token.AND {
			r, rok := c.rangeBound(x.Y, depth+1)
			switch {
			case lok && rok:
				return min(l, r), true
			case lok:
				return l, true
			case rok:
				return r, true
			}
			return 0, false
		}
		r, rok := c.rangeBound(x.Y, depth+1)
		if !lok || !rok || l >= 1<<40 || r >= 1<<40 {
			return 0, false
		}
		switch x.Op {
		case token.SHL:
			if r > 40 {
				return 0, false
			}
			return l << r, true
		case token.SHR:
			return l, true
		case token.OR, token.XOR:
			n := max(l, r)
			m := int64(1)
			for m <= n {
				m <<= 1
			}
			return m - 1, true
		case token.ADD:
			return l + r, true
		}
	case *ast.Ident:
		v := c.fn.VarOf(x)
		if v == nil || c.fn.IsParam(v) {
			return 0, false
		}
		defs := c.fn.Defs(v)
		if len(defs) != 1 || defs[0].RHS == nil || defs[0].Tuple {
			return 0, false
		}
		return c.rangeBound(defs[0].RHS, depth+1)
	}
	return 0, false
}

// unsignedMax is the largest value of a small unsigned integer type.
func unsignedMax(t types.Type) (int64, bool) {
	if t == nil {
		return 0, false
	}
	b, ok := t.Underlying().(*types.Basic)
	if !ok {
		return 0, false
	}
	switch b.Kind() {
	case types.Uint8:
		return 1<<8 - 1, true
	case types.Uint16:
		return 1<<16 - 1, true
	}
	return 0, false
}

func (c *pinCheck) constInt(e ast.Expr) (int64, bool) {
	tv, ok := c.pass.Info.Types[e]
	if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
		return 0, false
	}
	return constant.Int64Val(tv.Value)
}

// --- small files ---

// smallFile reports whether a whole-input read reads a /proc or /sys file
// (a few KB): os.ReadFile("/proc/..."), of a path built from such a
// constant by filepath.Join, path.Join, fmt.Sprintf or +, or by gopsutil's
// HostProc/HostSys helpers (copied into many modules).
func (c *pinCheck) smallFile(call *ast.CallExpr) bool {
	fn := rule.Callee(c.pass.Info, call)
	if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != "os" || fn.Name() != "ReadFile" || len(call.Args) != 1 {
		return false
	}
	return c.kernelPath(call.Args[0], 0)
}

func isKernelPath(s string) bool {
	for _, p := range []string{"/proc", "/sys"} {
		if s == p || strings.HasPrefix(s, p+"/") {
			return true
		}
	}
	return false
}

func (c *pinCheck) kernelPath(e ast.Expr, depth int) bool {
	if depth > 4 {
		return false
	}
	e = ast.Unparen(e)
	if tv, ok := c.pass.Info.Types[e]; ok && tv.Value != nil {
		return tv.Value.Kind() == constant.String && isKernelPath(constant.StringVal(tv.Value))
	}
	switch x := e.(type) {
	case *ast.Ident:
		v := c.fn.VarOf(x)
		if v == nil {
			return false
		}
		ds := c.fn.Defs(v)
		if len(ds) == 0 {
			return false
		}
		for _, d := range ds {
			if d.RHS == nil || d.Tuple || !c.kernelPath(d.RHS, depth+1) {
				return false
			}
		}
		return true
	case *ast.BinaryExpr:
		return x.Op == token.ADD && c.kernelPath(x.X, depth+1)
	case *ast.CallExpr:
		fn := rule.Callee(c.pass.Info, x)
		if fn == nil || fn.Pkg() == nil {
			return false
		}
		switch fn.Pkg().Path() + "." + fn.Name() {
		case "path/filepath.Join", "path.Join", "fmt.Sprintf":
			return len(x.Args) > 0 && c.kernelPath(x.Args[0], depth+1)
		}
		if sig, ok := fn.Type().(*types.Signature); ok && sig.Recv() == nil && (fn.Name() == "HostProc" || fn.Name() == "HostSys") {
			return true
		}
	}
	return false
}

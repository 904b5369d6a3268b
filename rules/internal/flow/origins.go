package flow

import (
	"go/ast"
	"go/token"
	"go/types"
)

// OriginKind says where a slice's or string's storage comes from.
type OriginKind int

const (
	OriginUnknown OriginKind = iota // field, map element, dereference, unknown call...
	OriginParam                     // a parameter or receiver of the function
	OriginGlobal                    // a package-level variable
	OriginCall                      // the result of a call that is not a view
	OriginMake                      // make(...)
	OriginFresh                     // a copy or literal: nothing shared
)

// Origin is one possible source of a value's storage.
type Origin struct {
	Kind  OriginKind
	Node  ast.Node   // the call, make, parameter identifier or other root
	Var   *types.Var // OriginParam, OriginGlobal
	Index int        // OriginCall: which result
	// Narrowed: the path from the traced expression to this origin went
	// through a sub-slice or substring with an upper bound, an element of a
	// split, or a call returning a view: the value may be a small part of
	// the origin.
	Narrowed bool
}

// ViewsFunc returns the expressions whose storage the result of call
// aliases (bytes.TrimSpace(b) -> b; a method returning a view of its
// receiver -> the receiver expression), or nil when the call's result has
// storage of its own (or is unknown).
type ViewsFunc func(call *ast.CallExpr) []ast.Expr

// Origins traces e back to where its storage comes from, through local
// assignments, slicing, conversions and view-returning calls. Elements of a
// [][]byte or []string view (strings.Split(s)[i]) share the original's
// storage, so indexing such a value keeps tracing.
func (f *Func) Origins(e ast.Expr, views ViewsFunc) []Origin {
	var out []Origin
	f.origins(e, views, 0, false, false, &out)
	return out
}

// elem is set while tracing an element of a container (parts[i], a range
// value): the element shares the storage the container's elements were cut
// from only if the trace reaches a call returning views (strings.Split(s)
// -> s); any other origin says nothing about the elements.
func (f *Func) origins(e ast.Expr, views ViewsFunc, depth int, narrowed, elem bool, out *[]Origin) {
	add := func(o Origin) {
		o.Narrowed = narrowed
		if elem {
			o = Origin{Kind: OriginUnknown, Node: o.Node, Narrowed: narrowed}
		}
		*out = append(*out, o)
	}
	if depth > 12 {
		add(Origin{Kind: OriginUnknown, Node: e})
		return
	}
	info := f.Info
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		v := f.VarOf(x)
		if v == nil {
			if x.Name == "nil" {
				add(Origin{Kind: OriginFresh, Node: x})
			} else {
				add(Origin{Kind: OriginUnknown, Node: x})
			}
			return
		}
		if IsPackageLevel(v) {
			add(Origin{Kind: OriginGlobal, Node: x, Var: v})
			return
		}
		def, ok := f.Reaching(v, x.Pos())
		if !ok {
			if f.IsParam(v) {
				add(Origin{Kind: OriginParam, Node: x, Var: v})
			} else {
				add(Origin{Kind: OriginUnknown, Node: x, Var: v})
			}
			return
		}
		if def.RHS == nil {
			if _, isRange := def.Stmt.(*ast.RangeStmt); isRange {
				r := def.Stmt.(*ast.RangeStmt)
				if f.VarOf(r.Value) == v && IsSliceType(info.TypeOf(r.X)) && sharesStorage(v.Type()) {
					// for _, part := range parts: part shares parts' storage.
					f.origins(r.X, views, depth+1, true, true, out)
					return
				}
			}
			add(Origin{Kind: OriginFresh, Node: x})
			return
		}
		if def.Tuple {
			if call, ok := ast.Unparen(def.RHS).(*ast.CallExpr); ok {
				if def.Index == 0 {
					if vs := views(call); vs != nil {
						for _, a := range vs {
							f.origins(a, views, depth+1, true, false, out)
						}
						return
					}
				}
				add(Origin{Kind: OriginCall, Node: call, Index: def.Index})
				return
			}
			add(Origin{Kind: OriginUnknown, Node: def.RHS})
			return
		}
		f.origins(def.RHS, views, depth+1, narrowed, elem, out)
	case *ast.SliceExpr:
		if IsFresh(info, x) {
			add(Origin{Kind: OriginFresh, Node: x})
			return
		}
		// Only an upper bound makes a small part: a tail x[i:] keeps the
		// rest of the array in use (a cursor, a slab's remainder).
		f.origins(x.X, views, depth+1, narrowed || x.High != nil, elem, out)
	case *ast.IndexExpr:
		t := info.TypeOf(x.X)
		if t != nil {
			if _, isSlice := t.Underlying().(*types.Slice); isSlice && sharesStorage(info.TypeOf(x)) {
				f.origins(x.X, views, depth+1, true, true, out)
				return
			}
		}
		add(Origin{Kind: OriginUnknown, Node: x})
	case *ast.CallExpr:
		if tv, ok := info.Types[x.Fun]; ok && tv.IsType() {
			if len(x.Args) == 1 && conversionShares(info.TypeOf(x.Args[0]), tv.Type) {
				f.origins(x.Args[0], views, depth+1, narrowed, elem, out)
				return
			}
			add(Origin{Kind: OriginFresh, Node: x}) // string(b), []byte(s) copy
			return
		}
		if IsBuiltin(info, x, "make") {
			add(Origin{Kind: OriginMake, Node: x})
			return
		}
		if IsBuiltin(info, x, "append") && len(x.Args) > 0 {
			if f.GrowingAppend(x) {
				add(Origin{Kind: OriginFresh, Node: x}) // a new array, by the guard
				return
			}
			f.origins(x.Args[0], views, depth+1, narrowed, elem, out)
			return
		}
		if vs := views(x); vs != nil {
			for _, a := range vs {
				f.origins(a, views, depth+1, true, false, out)
			}
			return
		}
		add(Origin{Kind: OriginCall, Node: x})
	case *ast.CompositeLit, *ast.BasicLit, *ast.FuncLit:
		add(Origin{Kind: OriginFresh, Node: x})
	case *ast.BinaryExpr:
		if x.Op == token.ADD {
			add(Origin{Kind: OriginFresh, Node: x}) // string concatenation allocates
			return
		}
		add(Origin{Kind: OriginUnknown, Node: x})
	default:
		add(Origin{Kind: OriginUnknown, Node: e})
	}
}

// sharesStorage reports whether a value of type t can alias the storage of
// the container it was taken from: slices and strings can.
func sharesStorage(t types.Type) bool {
	if t == nil {
		return false
	}
	switch u := t.Underlying().(type) {
	case *types.Slice:
		return true
	case *types.Basic:
		return u.Info()&types.IsString != 0
	}
	return false
}

// conversionShares reports whether converting from to to keeps the storage:
// between slice types, or between string types. string <-> []byte copies.
func conversionShares(from, to types.Type) bool {
	if from == nil || to == nil {
		return false
	}
	_, fs := from.Underlying().(*types.Slice)
	_, ts := to.Underlying().(*types.Slice)
	if fs && ts {
		return true
	}
	fb, ok1 := from.Underlying().(*types.Basic)
	tb, ok2 := to.Underlying().(*types.Basic)
	return ok1 && ok2 && fb.Info()&types.IsString != 0 && tb.Info()&types.IsString != 0
}

// CapturedVars returns the variables a function literal uses that are
// declared outside it (and are not package-level), with one identifier each.
func (f *Func) CapturedVars(lit *ast.FuncLit) map[*types.Var]*ast.Ident {
	out := map[*types.Var]*ast.Ident{}
	ast.Inspect(lit.Body, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		v, ok := f.Info.Uses[id].(*types.Var)
		if !ok || IsPackageLevel(v) || v.IsField() || (lit.Pos() <= v.Pos() && v.Pos() < lit.End()) {
			return true
		}
		if _, seen := out[v]; !seen {
			out[v] = id
		}
		return true
	})
	return out
}

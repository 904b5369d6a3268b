package aliasappend

// alias-append, returned chunks: sub-slices of a parameter collected into
// a returned [][]T.

import (
	"fmt"
	"github.com/gofixslice/gofixslice/rules/internal/astx"
	"go/ast"
	"go/types"

	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// checkChunks: sub-slices of a parameter collected into a returned [][]T.
func (c *aliasCheck) checkChunks() {
	fd := c.fn.Decl
	info := c.pass.Info
	obj, _ := info.Defs[fd.Name].(*types.Func)
	if obj == nil || fd.Type.Results == nil {
		return
	}
	chunkResult := false
	for _, fld := range fd.Type.Results.List {
		if isSliceOfSlices(info.TypeOf(fld.Type)) {
			chunkResult = true
		}
	}
	if !chunkResult {
		return
	}
	type chunk struct {
		se *ast.SliceExpr
		at ast.Node // the return or the store into the returned container
	}
	var found []chunk
	consider := func(e ast.Expr, atNode ast.Node) {
		at := atNode.Pos()
		for _, val := range flow.Stored(info, e) {
			if isSliceOfSlices(info.TypeOf(val)) {
				continue // the container itself (out = out[:n]), not a chunk of it
			}
			se := c.chunkOf(val, at)
			if se == nil || astx.IsConstZero(info, se.High) {
				continue
			}
			for _, o := range c.fn.Origins(se.X, c.sums.Views) {
				if o.Kind == flow.OriginParam {
					found = append(found, chunk{se, atNode})
					break
				}
			}
		}
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			for _, r := range s.Results {
				if isSliceOfSlices(info.TypeOf(r)) {
					consider(r, s)
				}
			}
		case *ast.AssignStmt:
			if len(s.Lhs) != len(s.Rhs) {
				return true
			}
			for i, l := range s.Lhs {
				if c.returnedContainer(l) {
					consider(s.Rhs[i], s)
				}
			}
		}
		return true
	})
	if len(found) == 0 {
		return
	}
	exported := exportedFunc(fd)
	if !exported && !c.consumerAppends(obj) {
		return
	}
	for _, ch := range found {
		se := ch.se
		why := "callers may append to a chunk"
		if !exported {
			why = "a caller appends to a chunk"
		}
		related := []rule.Related{c.sliced(se)}
		held := "it is returned to the caller among other chunks of " + c.text(se.X) + " here"
		if _, isRet := ch.at.(*ast.ReturnStmt); !isRet {
			held = "it is stored among other chunks of " + c.text(se.X) + " that the function returns"
		}
		related = append(related, c.step(ch.at, "%s", held))
		if s, ok := c.inUseStep(se, ch.at); ok {
			related = append(related, s)
		}
		c.report(chunks, se, fmt.Sprintf("%s is a sub-slice of %s returned to the caller among other chunks, and %s: the append overwrites the next chunk and the caller's input; %s",
			c.text(se), c.text(se.X), why, c.suggest(se)), related)
	}
}

// isSliceOfSlices reports whether t is a [][]T (or a named type of one).
func isSliceOfSlices(t types.Type) bool {
	if t == nil {
		return false
	}
	s, ok := t.Underlying().(*types.Slice)
	return ok && flow.IsSliceType(s.Elem())
}

// returnedContainer reports whether lhs stores into a [][]T local that the
// function returns (a named result, or a variable appearing in a return),
// either the variable itself or one of its elements.
func (c *aliasCheck) returnedContainer(lhs ast.Expr) bool {
	var id *ast.Ident
	switch x := ast.Unparen(lhs).(type) {
	case *ast.Ident:
		id = x
	case *ast.IndexExpr:
		id, _ = ast.Unparen(x.X).(*ast.Ident)
	}
	if id == nil {
		return false
	}
	v := c.fn.VarOf(id)
	if v == nil || !isSliceOfSlices(v.Type()) || flow.IsPackageLevel(v) {
		return false
	}
	if c.fn.IsResult(v) {
		return true
	}
	returned := false
	ast.Inspect(c.fn.Decl.Body, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if ret, ok := n.(*ast.ReturnStmt); ok {
			for _, r := range ret.Results {
				// return out, or return append(out, ...)
				for {
					call, ok := ast.Unparen(r).(*ast.CallExpr)
					if !ok || !flow.IsBuiltin(c.pass.Info, call, "append") || len(call.Args) == 0 {
						break
					}
					r = call.Args[0]
				}
				if rid, ok := ast.Unparen(r).(*ast.Ident); ok && c.fn.VarOf(rid) == v {
					returned = true
				}
			}
		}
		return !returned
	})
	return returned
}

// exportedFunc reports whether a function, or a method and its receiver
// type, is exported.
func exportedFunc(fd *ast.FuncDecl) bool {
	if !fd.Name.IsExported() {
		return false
	}
	if fd.Recv == nil || len(fd.Recv.List) == 0 {
		return true
	}
	t := fd.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.ParenExpr:
			t = x.X
			continue
		case *ast.Ident:
			return x.IsExported()
		}
		return false
	}
}

// consumerAppends reports whether some caller in the package appends to a
// chunk of the [][]T that fn returns: append(cs[k], ...), or ranging over
// the result and appending to (or passing to an appending callee) the
// element.
func (c *aliasCheck) consumerAppends(fn *types.Func) bool {
	if r, ok := c.consumers[fn]; ok {
		return r == 1
	}
	c.consumers[fn] = 2
	info := c.pass.Info
	for _, g := range c.funcs {
		parents := g.Parents()
		appends := func(e ast.Node) bool {
			call, ok := parents[e].(*ast.CallExpr)
			if !ok {
				return false
			}
			i := astx.ArgPosition(call, e)
			if flow.IsBuiltin(info, call, "append") {
				return i == 0
			}
			if i < 0 {
				return false
			}
			return c.growsPastLen(call, i, 0)
		}
		elemAppended := func(v *types.Var) bool {
			for _, u := range g.Uses(v) {
				if ix, ok := parents[u].(*ast.IndexExpr); ok && ix.X == u && appends(ix) {
					return true
				}
			}
			return false
		}
		rangeAppended := func(rs *ast.RangeStmt) bool {
			ev := g.VarOf(rs.Value)
			if ev == nil {
				return false
			}
			for _, u := range g.Uses(ev) {
				if appends(u) {
					return true
				}
			}
			return false
		}
		hit := false
		ast.Inspect(g.Decl.Body, func(n ast.Node) bool {
			if hit {
				return false
			}
			call, ok := n.(*ast.CallExpr)
			if !ok || rule.Callee(info, call) == nil || rule.Callee(info, call).Origin() != fn {
				return true
			}
			switch p := parents[call].(type) {
			case *ast.RangeStmt:
				hit = rangeAppended(p)
			case *ast.AssignStmt:
				if len(p.Rhs) == 1 && len(p.Lhs) >= 1 {
					if v := g.VarOf(p.Lhs[0]); v != nil {
						hit = elemAppended(v)
						for _, u := range g.Uses(v) {
							if rs, ok := parents[u].(*ast.RangeStmt); ok && rs.X == u && rangeAppended(rs) {
								hit = true
							}
						}
					}
				}
			case *ast.IndexExpr:
				hit = p.X == call && appends(p)
			}
			return !hit
		})
		if hit {
			c.consumers[fn] = 1
			return true
		}
	}
	return false
}

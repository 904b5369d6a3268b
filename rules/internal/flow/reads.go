package flow

import (
	"go/ast"
	"go/types"

	"github.com/gofixslice/gofixslice/knowledge"
)

// ReadInto lists the buffers a call fills with input: the argument of a
// Read/ReadAt method, or the arguments the knowledge table marks ReadsInto
// (io.ReadFull, io.ReadAtLeast...).
func ReadInto(info *types.Info, call *ast.CallExpr, callee *types.Func) []ast.Expr {
	var into []ast.Expr
	if knowledge.IsReadMethod(callee) && len(call.Args) > 0 {
		into = append(into, call.Args[0])
	}
	facts, _ := knowledge.Lookup(callee)
	for _, i := range facts.ReadsInto {
		if i >= 0 && i < len(call.Args) {
			into = append(into, call.Args[i])
		}
	}
	return into
}

// ReadTargets returns the local variables of the function that some call
// fills with input (the buffers of Read, ReadAt, io.ReadFull...).
func (f *Func) ReadTargets(callee func(*ast.CallExpr) *types.Func) map[*types.Var]bool {
	if f.readTargets != nil {
		return f.readTargets
	}
	f.readTargets = map[*types.Var]bool{}
	ast.Inspect(f.Decl.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		for _, a := range ReadInto(f.Info, call, callee(call)) {
			if v := f.VarOf(Root(a)); v != nil {
				f.readTargets[v] = true
			}
		}
		return true
	})
	return f.readTargets
}

package flow

import (
	"go/ast"
	"go/types"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
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

// ArgUse is what a call does with one of its arguments, as far as the
// language and the io contracts alone say.
type ArgUse int

const (
	// ArgUnknown: a call of a function; its summary decides.
	ArgUnknown ArgUse = iota
	// ArgCopied: only read or copied: string(b), len, cap, copy, clear,
	// append's spread argument, the p of an io Read or Write method.
	ArgCopied
	// ArgHeld: the result holds it: the first argument of append.
	ArgHeld
	// ArgKept: kept, or may be: other conversions and built-ins, and every
	// argument of a call in a go statement.
	ArgKept
)

// UseOfArg classifies argument i of call (parents: the parent map of the
// function holding it).
func UseOfArg(info *types.Info, parents map[ast.Node]ast.Node, call *ast.CallExpr, i int) ArgUse {
	if _, isGo := parents[call].(*ast.GoStmt); isGo {
		return ArgKept
	}
	if tv, ok := info.Types[call.Fun]; ok && tv.IsType() {
		if b, ok := tv.Type.Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
			return ArgCopied // string(b) copies
		}
		return ArgKept
	}
	if tv, ok := info.Types[call.Fun]; ok && tv.IsBuiltin() {
		id, _ := ast.Unparen(call.Fun).(*ast.Ident)
		if id == nil {
			return ArgKept
		}
		switch id.Name {
		case "len", "cap", "copy", "clear":
			return ArgCopied
		case "append":
			if i == 0 {
				return ArgHeld
			}
			if call.Ellipsis.IsValid() && i == len(call.Args)-1 {
				return ArgCopied // spread: copied
			}
		}
		return ArgKept
	}
	fn := rule.Callee(info, call)
	if (knowledge.IsReadMethod(fn) || knowledge.IsWriteMethod(fn)) && i == 0 {
		return ArgCopied // io.Reader and io.Writer implementations must not retain p
	}
	return ArgUnknown
}

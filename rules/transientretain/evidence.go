package transientretain

import (
	"go/ast"
	"go/token"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// evidence is a finding's chain: the source of the view, the steps it
// went through, the holder that keeps it, and the later call that
// overwrites what the holder still refers to.
func (c *transientCheck) evidence(src *transientSource, val ast.Expr, holder ast.Node, how string) []rule.Related {
	var out []rule.Related
	add := func(pos, end token.Pos, msg string) {
		if pos.IsValid() {
			out = append(out, rule.Related{Pos: pos, End: end, Message: msg})
		}
	}
	text := func(n ast.Node) string { return rule.ExprText(c.pass.Fset, n) }
	if src.expr != nil {
		switch src.kind {
		case kindNextCall:
			until := "the next read"
			if call, ok := src.expr.(*ast.CallExpr); ok {
				if facts, _ := knowledge.Lookup(rule.Callee(c.pass.Info, call)); facts.OverwrittenBy != "" {
					until = "the next " + facts.OverwrittenBy
				}
			}
			add(src.expr.Pos(), src.expr.End(), text(src.expr)+" is a view valid until "+until)
		case kindBuffer:
			add(src.expr.Pos(), src.expr.End(), text(src.expr)+" aliases the buffer until it is next modified")
		case kindReadBuf:
			if call := c.firstRead(src); call != nil {
				add(call.Pos(), call.End(), text(call)+" reads into "+src.buf.Name())
			}
		case kindWriteParam:
			add(src.expr.Pos(), src.expr.End(), text(src.expr)+" is the caller's buffer, reused after Write returns")
		case kindReusedField:
			add(src.expr.Pos(), src.expr.End(), text(src.expr)+" is a view of a buffer that "+src.write.method.Name()+" overwrites in place")
		}
	}
	if src.at != nil && src.at != val {
		add(src.at.Pos(), src.at.End(), text(src.at)+" goes into "+text(val)+" here")
	}
	for _, v := range src.via {
		add(v.pos, v.end, v.note)
	}
	if holder != nil {
		if how == "" {
			how = "retained"
		}
		add(holder.Pos(), holder.End(), how+" here")
	}
	switch src.kind {
	case kindNextCall, kindReadBuf:
		if call := c.nextOverwrite(src); call != nil {
			add(call.Pos(), call.End(), text(call)+" overwrites it on the next iteration")
		}
	case kindBuffer:
		if call, ok := src.expr.(*ast.CallExpr); ok {
			if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
				if v := c.fn.VarOf(flow.Root(sel.X)); v != nil {
					for _, m := range c.mutations[v] {
						if m > call.End() || (src.loop != nil && src.loop.Pos() <= m && m < src.loop.End()) {
							add(m, m, "the buffer is modified here")
							break
						}
					}
				}
			}
		}
	case kindWriteParam:
		if !src.asyncOnly {
			add(c.fn.Decl.Body.Rbrace, c.fn.Decl.Body.Rbrace, "Write returns; the caller may overwrite p")
		}
	case kindReusedField:
		add(src.write.at.Pos(), src.write.at.End(), src.write.method.Name()+" writes into the buffer in place here")
	}
	return out
}

// firstRead returns the first call of the source's loop that reads into
// its buffer.
func (c *transientCheck) firstRead(src *transientSource) *ast.CallExpr {
	var first *ast.CallExpr
	for call := range c.readCalls[src.buf] {
		if src.loop != nil && (call.Pos() < src.loop.Pos() || call.End() > src.loop.End()) {
			continue
		}
		if first == nil || call.Pos() < first.Pos() {
			first = call
		}
	}
	return first
}

// nextOverwrite returns a call of the source's loop that overwrites the
// view on the next iteration (the loop's Scan, the read into the buffer).
func (c *transientCheck) nextOverwrite(src *transientSource) *ast.CallExpr {
	if src.loop == nil {
		return nil
	}
	if src.kind == kindReadBuf {
		return c.firstRead(src)
	}
	is := c.overwriter(src)
	if is == nil {
		return nil
	}
	var found *ast.CallExpr
	ast.Inspect(src.loop, func(n ast.Node) bool {
		if found != nil {
			return false
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if call, ok := n.(*ast.CallExpr); ok && call != src.expr && is(call) {
			if facts, ok := knowledge.Lookup(rule.Callee(c.pass.Info, call)); !ok || !facts.Transient {
				found = call
			}
		}
		return found == nil
	})
	if found == nil {
		if call, ok := src.expr.(*ast.CallExpr); ok {
			return call
		}
	}
	return found
}

package transientretain

import (
	"go/ast"

	"github.com/gofixslice/gofixslice/rules/internal/flow"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
)

// heldOnlyDuringCall reports whether a Write method's store of p into the
// field lhs (s.data = p) is undone before Write returns
// (summary.HeldDuringCall: on every path the field is cleared, known nil,
// or the holder has failed). Write then holds p only while it runs (it
// waits for another goroutine to consume it, as quic-go's SendStream.Write
// does), which io.Writer allows.
func (c *transientCheck) heldOnlyDuringCall(lhs ast.Expr, stmt ast.Node) bool {
	root := c.fn.VarOf(flow.Root(lhs))
	if root == nil || root == c.writeParam {
		return false
	}
	return summary.HeldDuringCall(c.pass.Info, c.fn, lhs, stmt)
}

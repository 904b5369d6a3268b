// Evidence chains of pool-put findings (rule.Diagnostic.Related): where
// the pooled object comes from (the Get, the wrapper that gets it, the
// caller's argument), where it is put back, and the use or escape that
// outlives the Put, in the order they happen.

package poolput

import (
	"fmt"
	"go/ast"
	"go/types"

	"golang.org/x/tools/go/ssa"

	"github.com/gofixslice/gofixslice/knowledge"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/vflow"
)

// evidence is the chain of finding d about the Put s.
func (c *poolCheck) evidence(s *putSite, d rule.Diagnostic) []rule.Related {
	return c.evidenceWith(s, d, "", nil)
}

// evidenceWith is evidence with the use step saying what happens there
// (how: "stored in p.buf", "kept by cache.Add"; empty: a generic note).
func (c *poolCheck) evidenceWith(s *putSite, d rule.Diagnostic, how string, leaf ast.Expr) []rule.Related {
	var rel []rule.Related
	if src, ok := c.sourceStep(s); ok {
		rel = append(rel, src)
	}
	if view, ok := c.viewStep(s, leaf); ok {
		rel = append(rel, view)
	}
	put := rule.Related{Pos: s.call.Pos(), End: s.call.End(), Message: s.objText + " is put back into the pool here"}
	if s.deferred {
		put = rule.Related{Pos: s.anchor.Pos(), End: s.anchor.End(),
			Message: "this defer puts " + s.objText + " back into the pool when the function returns"}
	}
	if d.Check != useAfterPut {
		return append(rel, put)
	}
	use := rule.Related{Pos: d.Pos, End: d.End, Message: "memory of " + s.objText + " is used or kept here, after the Put"}
	if how != "" {
		use.Message = "memory of " + s.objText + " is " + how + " here"
	}
	if s.deferred || d.Pos < s.anchor.Pos() {
		// Evaluated before the Put runs, and still held when it does.
		if how == "" {
			use.Message = "memory of " + s.objText + " escapes here and is still held when the Put runs"
		} else {
			use.Message += ", and still held when the Put runs"
		}
		return append(rel, use, put)
	}
	if how != "" {
		use.Message += ", after the Put"
	}
	return append(rel, put, use)
}

// sourceStep is where the put object comes from, when the value flow
// says: a Get of a pool (or a call returning the pooled object), or the
// parameter through which the caller hands it over.
func (c *poolCheck) sourceStep(s *putSite) (rule.Related, bool) {
	if s.ssa == nil {
		return rule.Related{}, false
	}
	var param *vflow.Origin
	for i := range s.ssa.pooled {
		o := &s.ssa.pooled[i]
		switch o.Kind {
		case vflow.Call:
			if o.Result != 0 {
				continue
			}
			pos := c.vf.Pos(o.Value)
			if !pos.IsValid() {
				continue
			}
			text := "the call"
			end := pos
			if e := c.vf.Expr(o.Value); e != nil {
				text, pos, end = rule.ExprText(c.pass.Fset, e), e.Pos(), e.End()
			}
			what := "comes from " + text + " here"
			if call, ok := o.Value.(*ssa.Call); ok {
				if fn := call.Call.StaticCallee(); fn != nil {
					if obj, ok := fn.Object().(*types.Func); ok && knowledge.IsPoolGet(obj) {
						what = "is taken from the pool here (" + text + ")"
					}
				}
			}
			return rule.Related{Pos: pos, End: end, Message: fmt.Sprintf("%s %s", s.objText, what)}, true
		case vflow.Param:
			if param == nil {
				param = o
			}
		}
	}
	if param != nil && param.Pos.IsValid() {
		return rule.Related{Pos: param.Pos, Message: s.objText + " is handed over by the caller here (a parameter)"}, true
	}
	return rule.Related{}, false
}

// viewStep is where a variable that escapes got its view of the pooled
// object (data := buf.Bytes()), when the value flow says and it is not
// the escape itself.
func (c *poolCheck) viewStep(s *putSite, leaf ast.Expr) (rule.Related, bool) {
	if s.ssa == nil || leaf == nil {
		return rule.Related{}, false
	}
	if _, ok := ast.Unparen(leaf).(*ast.Ident); !ok || c.isPooled(s, leaf) {
		return rule.Related{}, false
	}
	u := c.valueOf(leaf)
	if u == nil {
		return rule.Related{}, false
	}
	for _, o := range c.vf.Origins(u) {
		if o.Kind != vflow.Call && o.Kind != vflow.Append {
			continue
		}
		e := c.vf.Expr(o.Value)
		if e == nil || (e.Pos() <= leaf.Pos() && leaf.End() <= e.End()) {
			continue
		}
		if !c.exprAliases(s, e, 0) {
			continue
		}
		return rule.Related{Pos: e.Pos(), End: e.End(), Message: fmt.Sprintf("%s is a view of %s made here (%s)",
			rule.ExprText(c.pass.Fset, leaf), s.objText, rule.ExprText(c.pass.Fset, e))}, true
	}
	return rule.Related{}, false
}

package analyzer_test

import (
	"go/ast"
	"go/token"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/gofixslice/gofixslice/rewrite/analyzer"
	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// chainRule reports every return statement's result with an evidence
// chain: the function's name, a step without a position (left out), and
// the returned value.
var chainRule = func() *rule.Rule {
	check := &rule.Check{Name: "only", Category: rule.Bug, Summary: "chain", Doc: "chain"}
	r := &rule.Rule{ID: "chain-test", Title: "chain", Doc: rule.Doc{Intro: "chain"}, Checks: []*rule.Check{check}}
	r.Run = func(p *rule.Pass) {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					if ret, ok := n.(*ast.ReturnStmt); ok && len(ret.Results) == 1 {
						p.Report(rule.Diagnostic{Check: check, Pos: ret.Results[0].Pos(), Message: "return", Related: []rule.Related{
							{Pos: fn.Name.Pos(), End: fn.Name.End(), Message: fn.Name.Name + " is declared here"},
							{Pos: token.NoPos, Message: "nowhere"},
							{Pos: ret.Results[0].Pos(), Message: "it is returned\nhere"},
						}})
					}
					return true
				})
			}
		}
	}
	return rule.Define(r)
}()

// The analyzer carries each finding's evidence chain as the diagnostic's
// Related information, in order, one line each (the `// want` syntax
// cannot check it: the test inspects the results).
func TestAnalyzerRelatedIsTheEvidenceChain(t *testing.T) {
	dir, cleanup, err := analysistest.WriteFiles(map[string]string{
		"p/p.go": "package p\n\nfunc F() int {\n\treturn 2 // want \"return\"\n}\n",
	})
	require.NoError(t, err)
	defer cleanup()
	results := analysistest.Run(t, dir, analyzer.New(chainRule), "p")
	require.Len(t, results, 1)
	res := results[0]
	require.Len(t, res.Diagnostics, 1)
	d := res.Diagnostics[0]
	assert.Equal(t, "chain-test/only", d.Category)
	require.Len(t, d.Related, 2, "the step without a position is left out")
	fset := res.Pass.Fset
	pos := func(p token.Pos) string {
		ps := fset.Position(p)
		return ps.String()[len(ps.Filename)-len("p/p.go"):]
	}
	assert.Equal(t, "p/p.go:3:6", pos(d.Related[0].Pos))
	assert.Equal(t, "p/p.go:3:7", pos(d.Related[0].End))
	assert.Equal(t, "F is declared here", d.Related[0].Message)
	assert.Equal(t, d.Pos, d.Related[1].Pos)
	assert.Equal(t, "it is returned here", d.Related[1].Message, "one line")
}

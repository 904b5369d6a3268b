package rewrite

import (
	"errors"
	"go/ast"
	"go/token"
	"path/filepath"
	"testing"

	"github.com/dave/dst"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// chainRule reports the result of every return statement with a chain:
// the function's name, the return, and a step without a position (left
// out). It reports each finding twice when twice is set, the first time
// without a chain. Its fix replaces literal 2 by 1 and fails on others.
func chainRule(twice bool) *rule.Rule {
	return testRule("chain", func(p *rule.Pass, check *rule.Check) {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok {
					continue
				}
				ast.Inspect(fn.Body, func(n ast.Node) bool {
					ret, ok := n.(*ast.ReturnStmt)
					if !ok || len(ret.Results) != 1 {
						return true
					}
					res := ret.Results[0]
					lit, _ := res.(*ast.BasicLit)
					fix := &rule.Fix{Edit: func(c *rule.FixContext) error {
						if lit == nil || lit.Value != "2" {
							return errors.New("declined")
						}
						return c.Replace(lit, func(dst.Node) dst.Node { return &dst.BasicLit{Kind: token.INT, Value: "1"} })
					}}
					related := []rule.Related{
						{Pos: fn.Name.Pos(), End: fn.Name.End(), Message: fn.Name.Name + " is declared here"},
						{Pos: token.NoPos, Message: "nowhere"},
						{Pos: res.Pos(), Message: "it returns\nhere"},
					}
					if twice {
						p.Report(rule.Diagnostic{Check: check, Pos: res.Pos(), Message: "return", Fix: fix})
					}
					p.Report(rule.Diagnostic{Check: check, Pos: res.Pos(), Message: "return", Fix: fix, Related: related})
					return true
				})
			}
		}
	})
}

func TestFindingsCarryTheirEvidence(t *testing.T) {
	for _, twice := range []bool{false, true} {
		dir := testmod.Module(t, map[string]string{"p/p.go": twoReturns})
		res, err := Run(Options{Dir: dir, Args: []string{"./..."}, Env: testmod.Env(), Rules: []*rule.Rule{chainRule(twice)}, Fix: true, Write: true, Edits: true})
		require.NoError(t, err)
		require.Empty(t, res.Errors)
		require.Len(t, res.Findings, 2, "a duplicate is one finding")
		file := filepath.Join(dir, "p", "p.go")
		for i, f := range res.Findings {
			name := []string{"F", "G"}[i]
			line := 4 + 4*i
			require.Len(t, f.Evidence, 2, "the step without a position is left out (twice=%v)", twice)
			first, second := f.Evidence[0], f.Evidence[1]
			assert.Equal(t, file, first.Pos.Filename, "absolute, like the finding's position")
			assert.Equal(t, line-1, first.Pos.Line)
			assert.Equal(t, 6, first.Pos.Column)
			assert.Equal(t, 7, first.End.Column)
			assert.Equal(t, name+" is declared here", first.Message)
			assert.Equal(t, f.Pos, second.Pos)
			assert.False(t, second.End.IsValid())
			assert.Equal(t, "it returns here", second.Message, "one line")
		}
		// The chain stays whether the fix applied or was dropped.
		assert.True(t, res.Findings[0].Fixed)
		assert.NotEmpty(t, res.Findings[1].FixDropped)
	}
}

package rewrite

import (
	"errors"
	"go/ast"
	"go/token"
	"os"
	"path/filepath"
	"testing"

	"github.com/dave/dst"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// An unverifiable fix never blocks a run: the engine drops it, reports the
// finding without a fix and says why (Finding.FixDropped), keeps the
// file's other fixes, and returns no error. One test per way a fix is
// dropped.

// returnsRule reports the single result of every return statement and
// fixes it with edit (nil: the result is left as it is).
func returnsRule(id string, edit func(lit *ast.BasicLit, c *rule.FixContext) error) *rule.Rule {
	return testRule(id, func(p *rule.Pass, check *rule.Check) {
		for _, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				ret, ok := n.(*ast.ReturnStmt)
				if !ok || len(ret.Results) != 1 {
					return true
				}
				res := ret.Results[0]
				lit, _ := ast.Unparen(res).(*ast.BasicLit)
				p.Report(rule.Diagnostic{Check: check, Pos: res.Pos(), Message: "return " + rule.ExprText(p.Fset, res),
					Fix: &rule.Fix{Edit: func(c *rule.FixContext) error {
						if lit == nil {
							return errors.New("not a literal")
						}
						return edit(lit, c)
					}}})
				return true
			})
		}
	})
}

const twoReturns = "package p\n\nfunc F() int {\n\treturn 2\n}\n\nfunc G() int {\n\treturn 3\n}\n"

func runDropped(t *testing.T, r *rule.Rule, src string) (*Result, string) {
	t.Helper()
	dir := testmod.Module(t, map[string]string{"p/p.go": src})
	res, err := Run(Options{Dir: dir, Args: []string{"./..."}, Env: testmod.Env(), Rules: []*rule.Rule{r}, Fix: true, Write: true})
	require.NoError(t, err)
	assert.Empty(t, res.Errors, "a dropped fix is not an error")
	b, err := os.ReadFile(filepath.Join(dir, "p/p.go"))
	require.NoError(t, err)
	return res, string(b)
}

func TestFixThatDoesNotTypeCheckIsDropped(t *testing.T) {
	// F's fix names an undefined identifier; G's fix is fine and is kept.
	r := returnsRule("test-rule", func(lit *ast.BasicLit, c *rule.FixContext) error {
		return c.Replace(lit, func(dst.Node) dst.Node {
			if lit.Value == "2" {
				return dst.NewIdent("undefinedName")
			}
			return &dst.BasicLit{Kind: 5 /* token.INT */, Value: "1"}
		})
	})
	res, got := runDropped(t, r, twoReturns)
	require.Len(t, res.Findings, 2)
	assert.False(t, res.Findings[0].Fixed)
	assert.Contains(t, res.Findings[0].FixDropped, "the rewritten package does not type-check")
	assert.Contains(t, res.Findings[0].FixDropped, "undefinedName")
	assert.True(t, res.Findings[1].Fixed, "the file's other fix is kept")
	assert.Empty(t, res.Findings[1].FixDropped)
	assert.Equal(t, "package p\n\nfunc F() int {\n\treturn 2\n}\n\nfunc G() int {\n\treturn 1\n}\n", got)
}

func TestFixThatDoesNotApplyIsDropped(t *testing.T) {
	// F's fix fails; G's fix produces text that does not format. Nothing
	// is written.
	r := returnsRule("test-rule", func(lit *ast.BasicLit, c *rule.FixContext) error {
		if lit.Value == "2" {
			return errors.New("declined")
		}
		return c.Replace(lit, func(dst.Node) dst.Node { return dst.NewIdent("1 +") })
	})
	res, got := runDropped(t, r, twoReturns)
	require.Len(t, res.Findings, 2)
	assert.Contains(t, res.Findings[0].FixDropped, "the fix could not be applied: declined")
	assert.Contains(t, res.Findings[1].FixDropped, "does not format")
	assert.Equal(t, twoReturns, got)
}

func TestFixThatIsNotIdempotentIsDropped(t *testing.T) {
	// The fix adds "+ 0" to the result, and the rule reports the new result
	// again: every run would add another "+ 0".
	r := testRule("test-rule", func(p *rule.Pass, check *rule.Check) {
		for _, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				if ret, ok := n.(*ast.ReturnStmt); ok && len(ret.Results) == 1 {
					res := ret.Results[0]
					p.Report(rule.Diagnostic{Check: check, Pos: res.Pos(), Fix: &rule.Fix{Edit: func(c *rule.FixContext) error {
						return c.Replace(res, func(old dst.Node) dst.Node {
							return &dst.BinaryExpr{X: old.(dst.Expr), Op: token.ADD, Y: &dst.BasicLit{Kind: token.INT, Value: "0"}}
						})
					}}})
				}
				return true
			})
		}
	})
	res, got := runDropped(t, r, twoReturns)
	require.Len(t, res.Findings, 2)
	for _, f := range res.Findings {
		assert.False(t, f.Fixed)
		assert.Contains(t, f.FixDropped, "not idempotent")
	}
	assert.Equal(t, twoReturns, got)
}

func TestConflictingFixIsDropped(t *testing.T) {
	dir := testmod.Module(t, map[string]string{"p/p.go": "package p\n\nfunc F() int {\n\treturn 2\n}\n"})
	first := returnsRule("a-first", func(lit *ast.BasicLit, c *rule.FixContext) error {
		return c.Replace(lit, func(dst.Node) dst.Node { return &dst.BasicLit{Kind: 5, Value: "1"} })
	})
	second := returnsRule("b-second", func(lit *ast.BasicLit, c *rule.FixContext) error {
		return c.Replace(lit, func(dst.Node) dst.Node { return &dst.BasicLit{Kind: 5, Value: "0"} })
	})
	res, err := Run(Options{Dir: dir, Args: []string{"./..."}, Env: testmod.Env(), Rules: []*rule.Rule{first, second}, Fix: true, Write: true})
	require.NoError(t, err)
	assert.Empty(t, res.Errors)
	require.Len(t, res.Findings, 2)
	assert.True(t, res.Findings[0].Fixed)
	assert.False(t, res.Findings[1].Fixed)
	assert.Contains(t, res.Findings[1].FixDropped, "conflicts with another fix")
	assert.Equal(t, "package p\n\nfunc F() int {\n\treturn 1\n}\n", readFile(t, dir, "p/p.go"))
}

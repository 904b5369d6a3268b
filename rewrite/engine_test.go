package rewrite

import (
	"go/ast"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renameReturns is a deliberately broken rule: its fix renames the result
// of every return statement to an undefined identifier (or, when good is
// set, to the literal 1, which type-checks).
func renameReturns(good bool) *rule.Rule {
	return testRule("test-rule", func(p *rule.Pass, check *rule.Check) {
		for _, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				ret, ok := n.(*ast.ReturnStmt)
				if !ok || len(ret.Results) != 1 {
					return true
				}
				res := ret.Results[0]
				p.Report(rule.Diagnostic{Check: check, Pos: res.Pos(), Fix: &rule.Fix{Edit: func(c *rule.FixContext) error {
					return c.Replace(res, func(dst.Node) dst.Node {
						if good {
							return &dst.BasicLit{Kind: 5 /* token.INT */, Value: "1"}
						}
						return dst.NewIdent("undefinedName")
					})
				}}})
				return true
			})
		}
	})
}

// testRule declares a rule with one check, for the engine's tests.
func testRule(id string, run func(p *rule.Pass, check *rule.Check)) *rule.Rule {
	check := &rule.Check{Name: "only", Category: rule.Bug, Summary: id, Doc: id}
	r := &rule.Rule{ID: id, Title: id, Doc: rule.Doc{Intro: id}, Checks: []*rule.Check{check}}
	r.Run = func(p *rule.Pass) { run(p, check) }
	return rule.Define(r)
}

func TestPanickingRuleBecomesAnError(t *testing.T) {
	dir := testmod.Module(t, map[string]string{"p/p.go": "package p\n", "q/q.go": "package q\n"})
	boom := testRule("boom", func(p *rule.Pass, check *rule.Check) {
		if p.Pkg.Name() == "p" {
			panic("kaboom")
		}
		p.Report(rule.Diagnostic{Check: check, Pos: p.Files[0].Package})
	})
	res, err := Run(Options{Dir: dir, Args: []string{"./..."}, Env: testmod.Env(), Rules: []*rule.Rule{boom}})
	require.NoError(t, err)
	require.Len(t, res.Errors, 1)
	assert.Contains(t, res.Errors[0].Error(), "rule boom panicked: kaboom")
	require.Len(t, res.Findings, 1, "the other package is still checked")
	assert.True(t, strings.HasSuffix(res.Findings[0].Pos.Filename, "q.go"))
}

func TestWriteAtomicRefusesChangedFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.go")
	require.NoError(t, os.WriteFile(p, []byte("new on disk"), 0o600))
	err := writeAtomic(p, []byte("as loaded"), []byte("fixed"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "changed on disk")
	b, _ := os.ReadFile(p)
	assert.Equal(t, "new on disk", string(b))

	require.NoError(t, writeAtomic(p, []byte("new on disk"), []byte("fixed")))
	b, _ = os.ReadFile(p)
	assert.Equal(t, "fixed", string(b))
	fi, _ := os.Stat(p)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary file left")
}

func TestWriteAtomicFollowsSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.go")
	link := filepath.Join(dir, "link.go")
	require.NoError(t, os.WriteFile(real, []byte("old"), 0o644))
	require.NoError(t, os.Symlink(real, link))
	require.NoError(t, writeAtomic(link, []byte("old"), []byte("new")))
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.True(t, fi.Mode()&os.ModeSymlink != 0, "link kept")
	b, _ := os.ReadFile(real)
	assert.Equal(t, "new", string(b))
}

package rewrite

import (
	"go/ast"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dave/dst"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// These tests drive the "never overwrite a file that changed on disk"
// guarantee through the engine itself: the file is changed by a rule while
// the engine runs, at the two moments that matter: after the package was
// loaded and type-checked but before its file is read for rewriting (in
// Rule.Run), and after the file was read for rewriting but before it is
// written (in Fix.Edit).

// returnsTo is a rule whose fix replaces the result of every single-result
// return with the literal 1 (which type-checks for an int function). For
// the file whose base name is file, Run calls during(path) first, and each
// fix calls inEdit(path) before it edits.
func returnsTo(file string, during, inEdit func(path string)) *rule.Rule {
	return testRule("test-rule", func(p *rule.Pass, check *rule.Check) {
		for _, f := range p.Files {
			name := p.Fset.File(f.FileStart).Name()
			if filepath.Base(name) == file && during != nil {
				during(name)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				ret, ok := n.(*ast.ReturnStmt)
				if !ok || len(ret.Results) != 1 {
					return true
				}
				res := ret.Results[0]
				p.Report(rule.Diagnostic{Check: check, Pos: res.Pos(), Fix: &rule.Fix{Edit: func(c *rule.FixContext) error {
					if filepath.Base(name) == file && inEdit != nil {
						inEdit(name)
					}
					return c.Replace(res, func(dst.Node) dst.Node {
						return &dst.BasicLit{Kind: 5 /* token.INT */, Value: "1"}
					})
				}}})
				return true
			})
		}
	})
}

const (
	changedSrc = "package p\n\n// F returns.\nfunc F() int {\n\treturn 22\n}\n"
	otherSrc   = "package q\n\nfunc G() int {\n\treturn 3\n}\n"
	otherFixed = "package q\n\nfunc G() int {\n\treturn 1\n}\n"
)

func TestFileChangedOnDiskAfterLoadIsNotOverwritten(t *testing.T) {
	for _, tc := range []struct {
		name, edited string
	}{
		// A different size is caught by the size check.
		{"size", changedSrc + "\nvar added = 1\n"},
		// Same size, different syntax tree: caught by the tree walk.
		{"shape", strings.Replace(changedSrc, "return 22", "return +2", 1)},
		// Same size and shape, another literal: only a comparison of the
		// tokens themselves sees it.
		{"literal", strings.Replace(changedSrc, "return 22", "return 33", 1)},
		// Same size and shape, another identifier.
		{"identifier", strings.Replace(changedSrc, "func F()", "func H()", 1)},
		// Same size, only a comment differs.
		{"comment", strings.Replace(changedSrc, "// F returns.", "// F answers.", 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.name == "size", len(tc.edited) != len(changedSrc))
			dir := testmod.Module(t, map[string]string{"p/p.go": changedSrc, "q/q.go": otherSrc})
			r := returnsTo("p.go", func(path string) {
				require.NoError(t, os.WriteFile(path, []byte(tc.edited), 0o644))
			}, nil)
			res, err := Run(Options{Dir: dir, Args: []string{"./..."}, Env: testmod.Env(), Rules: []*rule.Rule{r}, Fix: true, Write: true})
			require.NoError(t, err)
			require.Len(t, res.Errors, 1, "%v", res.Errors)
			assert.Contains(t, res.Errors[0].Error(), filepath.Join(dir, "p", "p.go"))
			assert.Contains(t, res.Errors[0].Error(), "changed on disk since it was loaded; not rewritten")
			assert.Equal(t, tc.edited, readFile(t, dir, "p/p.go"), "the edit made on disk is kept as is")
			assert.Equal(t, otherFixed, readFile(t, dir, "q/q.go"), "the other package is still fixed")
			for _, f := range res.Findings {
				if strings.HasSuffix(f.Pos.Filename, "p.go") {
					assert.False(t, f.Fixed)
				}
			}
		})
	}
}

// TestFileChangedOnDiskAfterReadIsNotOverwritten changes the file between
// the moment the engine read it for rewriting and the write: the fix itself
// writes to the file, so the write finds other bytes than it read.
func TestFileChangedOnDiskAfterReadIsNotOverwritten(t *testing.T) {
	dir := testmod.Module(t, map[string]string{"p/p.go": changedSrc, "q/q.go": otherSrc})
	path := filepath.Join(dir, "p", "p.go")
	edited := strings.Replace(changedSrc, "return 22", "return 44", 1)
	r := returnsTo("p.go", nil, func(path string) {
		require.NoError(t, os.WriteFile(path, []byte(edited), 0o644))
	})
	res, err := Run(Options{Dir: dir, Args: []string{"./..."}, Env: testmod.Env(), Rules: []*rule.Rule{r}, Fix: true, Write: true})
	require.NoError(t, err)
	require.Len(t, res.Errors, 1, "%v", res.Errors)
	assert.Contains(t, res.Errors[0].Error(), path+": changed on disk since it was read; not written")
	assert.Equal(t, edited, readFile(t, dir, "p/p.go"))
	assert.Equal(t, otherFixed, readFile(t, dir, "q/q.go"))
	for _, c := range res.Changes {
		assert.Equal(t, !strings.HasSuffix(c.Path, "p.go"), c.Written, c.Path)
	}
	for _, f := range res.Findings {
		assert.Equal(t, !strings.HasSuffix(f.Pos.Filename, "p.go"), f.Fixed, "%s: Fixed is unset when the write is refused", f.Pos)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "*", ".*gofixslice*"))
	assert.Empty(t, leftovers, "no temporary file left behind")
}

// TestFileDeletedAfterLoad: a file removed while the engine runs is an
// error for that file, not a crash, and is not recreated.
func TestFileDeletedAfterLoad(t *testing.T) {
	dir := testmod.Module(t, map[string]string{"p/p.go": changedSrc, "q/q.go": otherSrc})
	r := returnsTo("p.go", func(path string) { require.NoError(t, os.Remove(path)) }, nil)
	res, err := Run(Options{Dir: dir, Args: []string{"./..."}, Env: testmod.Env(), Rules: []*rule.Rule{r}, Fix: true, Write: true})
	require.NoError(t, err)
	require.Len(t, res.Errors, 1, "%v", res.Errors)
	assert.Contains(t, res.Errors[0].Error(), filepath.Join(dir, "p", "p.go"))
	_, err = os.Stat(filepath.Join(dir, "p", "p.go"))
	assert.True(t, os.IsNotExist(err), "the removed file is not recreated")
	assert.Equal(t, otherFixed, readFile(t, dir, "q/q.go"))
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
	require.NoError(t, err)
	return string(b)
}

// TestConflictingFixesAreNotErrors: two rules fix the same expression; the
// second fix finds its node replaced by the first. That is not an error
// (exit code 2): the first fix is written, the second finding stays
// unfixed, and the next run decides whether it still applies.
func TestConflictingFixesAreNotErrors(t *testing.T) {
	dir := testmod.Module(t, map[string]string{"p/p.go": "package p\n\nfunc F() int {\n\treturn 2\n}\n"})
	first := returnsTo("", nil, nil)
	first.ID = "a-first"
	second := renameReturns(true)
	second.ID = "b-second"
	res, err := Run(Options{Dir: dir, Args: []string{"./..."}, Env: testmod.Env(), Rules: []*rule.Rule{first, second}, Fix: true, Write: true})
	require.NoError(t, err)
	assert.Empty(t, res.Errors)
	require.Len(t, res.Findings, 2)
	fixed := 0
	for _, f := range res.Findings {
		if f.Fixed {
			fixed++
		}
	}
	assert.Equal(t, 1, fixed, "one fix applied, the other left unfixed: %+v", res.Findings)
	assert.Equal(t, "package p\n\nfunc F() int {\n\treturn 1\n}\n", readFile(t, dir, "p/p.go"))
}

package rewrite

import (
	"go/ast"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dave/dst"
	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// renameReturns is a deliberately broken rule: its fix renames the result
// of every return statement to an undefined identifier (or, when good is
// set, to the literal 1, which type-checks).
func renameReturns(good bool) *Rule {
	r := &Rule{ID: "test-rule", Summary: "test"}
	r.Run = func(p *Pass) {
		for _, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				ret, ok := n.(*ast.ReturnStmt)
				if !ok || len(ret.Results) != 1 {
					return true
				}
				res := ret.Results[0]
				p.Report(Diagnostic{Pos: res.Pos(), Fix: &Fix{Edit: func(c *FixContext) error {
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
	}
	return r
}

func TestFixThatDoesNotTypeCheckIsNotWritten(t *testing.T) {
	bad := "package p\n\nfunc F() int {\n\treturn 2\n}\n"
	other := "package q\n\nfunc G() int {\n\treturn 3\n}\n"
	dir := testmod.Module(t, map[string]string{"p/p.go": bad, "q/q.go": other})
	res, err := Run(Options{Dir: dir, Args: []string{"./p"}, Env: testmod.Env(), Rules: []*Rule{renameReturns(false)}, Fix: true, Write: true})
	require.NoError(t, err)
	require.Len(t, res.Errors, 1)
	assert.Contains(t, res.Errors[0].Error(), "p.go: fix by test-rule does not type-check, file left untouched")
	assert.Contains(t, res.Errors[0].Error(), "undefinedName")
	require.Len(t, res.Findings, 1)
	assert.False(t, res.Findings[0].Fixed)
	b, _ := os.ReadFile(filepath.Join(dir, "p/p.go"))
	assert.Equal(t, bad, string(b))

	// The same machinery with a fix that checks writes it.
	res, err = Run(Options{Dir: dir, Args: []string{"./q"}, Env: testmod.Env(), Rules: []*Rule{renameReturns(true)}, Fix: true, Write: true})
	require.NoError(t, err)
	require.Empty(t, res.Errors)
	b, _ = os.ReadFile(filepath.Join(dir, "q/q.go"))
	assert.Equal(t, strings.Replace(other, "return 3", "return 1", 1), string(b))
}

func TestPanickingRuleBecomesAnError(t *testing.T) {
	dir := testmod.Module(t, map[string]string{"p/p.go": "package p\n", "q/q.go": "package q\n"})
	boom := &Rule{ID: "boom", Summary: "boom", Run: func(p *Pass) {
		if p.Pkg.Name() == "p" {
			panic("kaboom")
		}
		p.Report(Diagnostic{Pos: p.Files[0].Package})
	}}
	res, err := Run(Options{Dir: dir, Args: []string{"./..."}, Env: testmod.Env(), Rules: []*Rule{boom}})
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

func TestEditsReproduceNewContent(t *testing.T) {
	old := "a\nb\nc\nd\ne\n"
	for _, new := range []string{"a\nB\nc\nd\ne\n", "x\na\nb\nc\nd\ne\ny\n", "a\nc\ne\n", "", "a\nb\nc\nd\ne\nf"} {
		edits := Edits([]byte(old), []byte(new))
		got := old
		for i := len(edits) - 1; i >= 0; i-- {
			e := edits[i]
			got = got[:e.Start] + e.New + got[e.End:]
		}
		assert.Equal(t, new, got)
	}
}

func TestVersionAtLeast(t *testing.T) {
	assert.True(t, versionAtLeast("go1.22", 21))
	assert.True(t, versionAtLeast("go1.21.3", 21))
	assert.False(t, versionAtLeast("go1.19", 20))
	assert.False(t, versionAtLeast("go1.20rc1", 21))
	assert.True(t, versionAtLeast("", 21))
}

func TestLCSPairsIsCommonSubsequence(t *testing.T) {
	cases := [][2]string{{"abcabba", "cbabac"}, {"", "abc"}, {"abc", ""}, {"abcdef", "abcdef"}, {"xaxbxc", "abc"}, {"kitten", "sitting"}}
	for _, c := range cases {
		a, b := strings.Split(c[0], ""), strings.Split(c[1], "")
		if c[0] == "" {
			a = nil
		}
		if c[1] == "" {
			b = nil
		}
		pairs := lcsPairs(a, b)
		want := map[string]int{"abcabba|cbabac": 4, "|abc": 0, "abc|": 0, "abcdef|abcdef": 6, "xaxbxc|abc": 3, "kitten|sitting": 4}[c[0]+"|"+c[1]]
		assert.Len(t, pairs, want, c)
		for i, p := range pairs {
			assert.Equal(t, a[p[0]], b[p[1]])
			if i > 0 {
				assert.True(t, p[0] > pairs[i-1][0] && p[1] > pairs[i-1][1])
			}
		}
	}
}

func TestTokenEditsSkipWhitespaceOnlyChanges(t *testing.T) {
	old := "package p\n\nimport \"bufio\"\n\nvar a = 1 // x\nvar bb = f(2) // y\n"
	new := "package p\n\nimport (\n\t\"bufio\"\n\t\"bytes\"\n)\n\nvar a = 1     // x\nvar bb = g(f(2)) // y\n"
	edits := TokenEdits([]byte(old), []byte(new))
	got := old
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		got = got[:e.Start] + e.New + got[e.End:]
	}
	assert.Equal(t, "package p\n\nimport (\n\t\"bufio\"\n\t\"bytes\"\n)\n\nvar a = 1 // x\nvar bb = g(f(2)) // y\n", got)
	for _, e := range edits {
		assert.NotContains(t, old[e.Start:e.End], "var a", "the realigned line is not touched")
	}
}

package rule

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestExprTextIsOneShortLine(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", "package p\n\nvar v = f(func() int {\n\treturn 1\n}, \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\")\n", 0)
	require.NoError(t, err)
	call := f.Decls[0].(*ast.GenDecl).Specs[0].(*ast.ValueSpec).Values[0].(*ast.CallExpr)
	assert.Equal(t, "func() int { return 1 }", ExprText(fset, call.Args[0]))
	got := ExprText(fset, call)
	assert.NotContains(t, got, "\n")
	assert.LessOrEqual(t, len([]rune(got)), maxExprText)
	assert.True(t, strings.HasPrefix(got, "f(func() int { return 1 }, "), got)
	assert.True(t, strings.HasSuffix(got, `aaaa")`), got)
	assert.Contains(t, got, " … ")
}

package goldentest

import (
	"go/token"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rewrite/rule"
)

var testCheck = func() *rule.Check {
	c := &rule.Check{Name: "only", Category: rule.Bug, Summary: "x", Doc: "x"}
	r := &rule.Rule{ID: "evidence-test", Title: "x", Doc: rule.Doc{Intro: "x"}, Checks: []*rule.Check{c}}
	r.Run = func(*rule.Pass) {}
	rule.Define(r)
	return c
}()

// findings returns two findings under dir: a.go:9:2 with a three-step
// chain, and a.go:20:3 without one.
func findings(dir string) []rewrite.Finding {
	at := func(line, col int) token.Position {
		return token.Position{Filename: filepath.Join(dir, "a.go"), Line: line, Column: col}
	}
	return []rewrite.Finding{
		{Check: testCheck, Pos: at(9, 2), Message: "s is broken", Evidence: []rewrite.Step{
			{Pos: at(5, 6), Message: "the loop ranges over s here"},
			{Pos: at(7, 3), Message: "an element is removed here"},
			{Pos: at(5, 2), Message: "the loop advances past the next element here"},
		}},
		{Check: testCheck, Pos: at(20, 3), Message: "other"},
	}
}

func TestParseEvidence(t *testing.T) {
	got, err := ParseEvidence("a.go:9:2\n\ta.go:5: ranges over s\n    a.go:7:3: removed\n\na.go:20:3: evidence-test/only\n")
	require.NoError(t, err)
	assert.Equal(t, []Chain{
		{Finding: "a.go:9:2", Steps: []Step{{File: "a.go", Line: 5, Note: "ranges over s"}, {File: "a.go", Line: 7, Column: 3, Note: "removed"}}},
		{Finding: "a.go:20:3: evidence-test/only"},
	}, got)
	_, err = ParseEvidence("\ta.go:5: before any finding\n")
	assert.ErrorContains(t, err, "before any finding")
	_, err = ParseEvidence("a.go:9:2\n\tno position\n")
	assert.ErrorContains(t, err, "want \"file:line: note\"")
}

// A chain that is right passes; every way of being wrong fails, naming
// the finding and both chains.
func TestCheckEvidence(t *testing.T) {
	dir := t.TempDir()
	fs := findings(dir)
	check := func(text string) []string {
		t.Helper()
		want, err := ParseEvidence(text)
		require.NoError(t, err)
		return CheckEvidence(want, dir, fs)
	}
	right := "a.go:9:2\n\ta.go:5: ranges over s\n\ta.go:7:3: element is removed\n\ta.go:5:2: advances past\n"
	assert.Empty(t, check(right))
	assert.Empty(t, check("a.go:9:2: evidence-test/only: s is\n\ta.go:5: ranges\n\ta.go:7: removed\n\ta.go:5: advances\n"), "a longer prefix of the finding line")
	assert.Empty(t, check("a.go:20:3\n"), "a finding without a chain, listed without steps")
	assert.Empty(t, check("a.go:9\n\ta.go:5: ranges\n\ta.go:7: removed\n\ta.go:5: advances\n"), "file:line names the finding on that line")

	for name, text := range map[string]string{
		"order":         "a.go:9:2\n\ta.go:7: removed\n\ta.go:5: ranges\n\ta.go:5: advances\n",
		"line":          "a.go:9:2\n\ta.go:6: ranges\n\ta.go:7: removed\n\ta.go:5: advances\n",
		"column":        "a.go:9:2\n\ta.go:5:7: ranges\n\ta.go:7: removed\n\ta.go:5: advances\n",
		"file":          "a.go:9:2\n\tb.go:5: ranges\n\ta.go:7: removed\n\ta.go:5: advances\n",
		"note":          "a.go:9:2\n\ta.go:5: ranges over t\n\ta.go:7: removed\n\ta.go:5: advances\n",
		"missing step":  "a.go:9:2\n\ta.go:5: ranges\n\ta.go:7: removed\n",
		"extra step":    right + "\ta.go:9: used\n",
		"no chain":      "a.go:20:3\n\ta.go:5: ranges\n",
		"unexpected":    "a.go:9:2\n",
		"no finding":    "a.go:9:3\n\ta.go:5: ranges\n",
		"prefix digits": "a.go:2\n\ta.go:5: ranges\n", // not a.go:20
	} {
		errs := check(text)
		if assert.Len(t, errs, 1, name) {
			switch name {
			case "no finding", "prefix digits":
				assert.Contains(t, errs[0], "names 0 findings", name)
			default:
				assert.Contains(t, errs[0], "evidence of a.go:", name)
				assert.Contains(t, errs[0], "want: ", name)
			}
		}
	}
}

// Load reads the section; Rewrite (-update) keeps it, after the findings.
func TestEvidenceSectionLoadAndRewrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.txtar")
	require.NoError(t, os.WriteFile(path, []byte("comment\n-- a.go --\npackage a\n-- evidence --\na.go:1:1\n\ta.go:1: here\n-- exec --\nbefore: fail\n"), 0o644))
	c, err := Load(path)
	require.NoError(t, err)
	assert.NotContains(t, c.Inputs, "evidence", "not an input file")
	assert.Equal(t, []Chain{{Finding: "a.go:1:1", Steps: []Step{{File: "a.go", Line: 1, Note: "here"}}}}, c.Evidence)
	Rewrite(t, path, c.Archive, []string{"a.go:1:1: x: y"}, nil)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "comment\n-- a.go --\npackage a\n-- findings --\na.go:1:1: x: y\n-- evidence --\na.go:1:1\n\ta.go:1: here\n-- exec --\nbefore: fail\n", string(b))
}

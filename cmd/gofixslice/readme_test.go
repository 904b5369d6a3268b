package main

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/rules"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's rule reference from the rules' docs")

const (
	rulesBegin = "<!-- rule reference: generated from each rule's Doc by `go test ./cmd/gofixslice -run TestReadmeRuleReference -update-readme` -->"
	rulesEnd   = "<!-- end of rule reference -->"
)

// ruleReference renders every rule's long documentation (the text of
// -explain) under a heading whose anchor is the analyzers' URL fragment.
func ruleReference() string {
	var b strings.Builder
	b.WriteString(rulesBegin + "\n\n")
	for _, r := range rules.All() {
		b.WriteString("### " + r.ID + "\n\n```text\n" + r.Doc + "\n```\n\n")
	}
	b.WriteString(rulesEnd)
	return b.String()
}

// TestReadmeRuleReference keeps the README's rule reference identical to
// the rules' own documentation, so that the analyzers' URLs
// (README#<rule-id>) land on what -explain prints.
func TestReadmeRuleReference(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(raw)
	i, j := strings.Index(readme, rulesBegin), strings.Index(readme, rulesEnd)
	require.True(t, i >= 0 && j > i, "README lacks the rule reference markers")
	want := ruleReference()
	got := readme[i : j+len(rulesEnd)]
	if *updateReadme {
		require.NoError(t, os.WriteFile("../../README.md", []byte(readme[:i]+want+readme[j+len(rulesEnd):]), 0o644))
		return
	}
	require.Equal(t, want, got, "README rule reference is stale: run go test ./cmd/gofixslice -run TestReadmeRuleReference -update-readme")
}

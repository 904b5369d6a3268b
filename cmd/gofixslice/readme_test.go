package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/rules"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's rule table and rule reference from the rules' docs")

// generated is a README block rendered from the rules' structured docs.
type generated struct {
	begin, end string
	render     func() string
}

var readmeBlocks = []generated{
	{
		begin:  "<!-- rule table: generated from each rule's Doc by `go test ./cmd/gofixslice -run TestReadmeRuleReference -update-readme` -->",
		end:    "<!-- end of rule table -->",
		render: ruleTable,
	},
	{
		begin:  "<!-- rule reference: generated from each rule's Doc by `go test ./cmd/gofixslice -run TestReadmeRuleReference -update-readme` -->",
		end:    "<!-- end of rule reference -->",
		render: ruleReference,
	},
}

// ruleTable lists every check: its ID, category, default and summary.
func ruleTable() string {
	var b strings.Builder
	b.WriteString("| rule | check | category | summary |\n|---|---|---|---|\n")
	for _, r := range rules.All() {
		for i, c := range r.Checks {
			name := ""
			if i == 0 {
				name = fmt.Sprintf("[`%s`](#%s)", r.ID, r.ID)
			}
			cat := string(c.Category)
			if !c.Category.DefaultOn() {
				cat += " (off)"
			}
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", name, c.ID(), cat, c.Summary)
		}
	}
	return b.String()
}

// ruleReference renders every rule's long documentation (the text of
// -explain) under a heading whose anchor is the analyzers' URL fragment.
func ruleReference() string {
	var b strings.Builder
	for _, r := range rules.All() {
		b.WriteString("### " + r.ID + "\n\n```text\n" + strings.TrimRight(r.Explain(), "\n") + "\n```\n\n")
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

// TestReadmeRuleReference keeps the README's rule table and rule reference
// identical to the rules' own documentation, so that the analyzers' URLs
// (README#<rule-id>) land on what -explain prints.
func TestReadmeRuleReference(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(raw)
	for _, g := range readmeBlocks {
		i, j := strings.Index(readme, g.begin), strings.Index(readme, g.end)
		require.True(t, i >= 0 && j > i, "README lacks the markers %s", g.begin)
		want := g.begin + "\n\n" + g.render() + "\n" + g.end
		got := readme[i : j+len(g.end)]
		if *updateReadme {
			readme = readme[:i] + want + readme[j+len(g.end):]
			continue
		}
		require.Equal(t, want, got, "README is stale: run go test ./cmd/gofixslice -run TestReadmeRuleReference -update-readme")
	}
	if *updateReadme {
		require.NoError(t, os.WriteFile("../../README.md", []byte(readme), 0o644))
	}
}

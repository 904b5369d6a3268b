// Package passes exposes gofixslice's rules as golang.org/x/tools/go/analysis
// analyzers, for go vet, go fix, gopls, golangci-lint and Bazel nogo.
//
// Each rule also has a package of its own under passes/ exporting
// `var Analyzer`, the shape nogo configurations expect. Diagnostics carry
// exactly one SuggestedFix whose edits are the same dst rewrite the
// gofixslice command applies.
package passes

import (
	"golang.org/x/tools/go/analysis"

	"github.com/gofixslice/gofixslice/rules"
)

// Analyzers returns one analyzer per rule, sorted by rule ID.
func Analyzers() []*analysis.Analyzer { return rules.Analyzers() }

// Analyzer returns the analyzer of a rule ID ("subslice-pin"), or nil.
func Analyzer(id string) *analysis.Analyzer { return rules.Analyzer(id) }

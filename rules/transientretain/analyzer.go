package transientretain

import "github.com/gofixslice/gofixslice/rewrite/analyzer"

// Analyzer is the rule as a golang.org/x/tools/go/analysis analyzer, for go
// vet, go fix, gopls, golangci-lint and Bazel nogo.
var Analyzer = analyzer.New(Rule)

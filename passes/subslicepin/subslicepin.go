// Package subslicepin exports the gofixslice subslice-pin rule as a go/analysis
// Analyzer (see gofixslice -explain subslice-pin).
package subslicepin

import "github.com/gofixslice/gofixslice/rules"

// Analyzer reports (and fixes) subslice-pin findings.
var Analyzer = rules.Analyzer("subslice-pin")

// Package poolput exports the gofixslice pool-put rule as a go/analysis
// Analyzer (see gofixslice -explain pool-put).
package poolput

import "github.com/gofixslice/gofixslice/rules"

// Analyzer reports (and fixes) pool-put findings.
var Analyzer = rules.Analyzer("pool-put")

// Package zerosecret exports the gofixslice zero-secret rule as a go/analysis
// Analyzer (see gofixslice -explain zero-secret).
package zerosecret

import "github.com/gofixslice/gofixslice/rules"

// Analyzer reports (and fixes) zero-secret findings.
var Analyzer = rules.Analyzer("zero-secret")

// Package transientretain exports the gofixslice transient-retain rule as a go/analysis
// Analyzer (see gofixslice -explain transient-retain).
package transientretain

import "github.com/gofixslice/gofixslice/rules"

// Analyzer reports (and fixes) transient-retain findings.
var Analyzer = rules.Analyzer("transient-retain")

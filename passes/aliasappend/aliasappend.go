// Package aliasappend exports the gofixslice alias-append rule as a go/analysis
// Analyzer (see gofixslice -explain alias-append).
package aliasappend

import "github.com/gofixslice/gofixslice/rules"

// Analyzer reports (and fixes) alias-append findings.
var Analyzer = rules.Analyzer("alias-append")

// Package rangedelete exports the gofixslice range-delete rule as a go/analysis
// Analyzer (see gofixslice -explain range-delete).
package rangedelete

import "github.com/gofixslice/gofixslice/rules"

// Analyzer reports (and fixes) range-delete findings.
var Analyzer = rules.Analyzer("range-delete")

package poolput

import "github.com/gofixslice/gofixslice/rewrite/rule"

// SetReportHook lets tests see every diagnostic the rule reports.
func SetReportHook(f func(rule.Diagnostic)) { reportHook = f }

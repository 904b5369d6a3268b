// Package rules is the suite: the list of every gofixslice rule. Each rule
// lives in its own package below (rules/<name>), with its documentation,
// options, checks and go/analysis Analyzer; this package only lists them.
// The list itself, suite_gen.go, is generated from the rule packages by
// go run ./internal/cmd/addrule -suite (which a new rule's scaffold runs).
package rules

import (
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// All returns every rule, sorted by ID.
func All() []*rule.Rule {
	out := make([]*rule.Rule, len(suite))
	for i, s := range suite {
		out[i] = s.rule
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ByID returns the rule with the given ID, or nil.
func ByID(id string) *rule.Rule {
	for _, s := range suite {
		if s.rule.ID == id {
			return s.rule
		}
	}
	return nil
}

// Check returns the check with the given full ID ("pool-put/boxing"), or
// nil.
func Check(id string) *rule.Check {
	ruleID, name, ok := strings.Cut(id, "/")
	if !ok {
		return nil
	}
	if r := ByID(ruleID); r != nil {
		return r.Check(name)
	}
	return nil
}

// Analyzers returns the analyzer of every rule, sorted by rule ID.
func Analyzers() []*analysis.Analyzer {
	var out []*analysis.Analyzer
	for _, r := range All() {
		out = append(out, Analyzer(r.ID))
	}
	return out
}

// Analyzer returns the analyzer of a rule ID, or nil.
func Analyzer(id string) *analysis.Analyzer {
	for _, s := range suite {
		if s.rule.ID == id {
			return s.analyzer
		}
	}
	return nil
}

// Options returns every rule option, in rule order.
func Options() []*rule.Option {
	var out []*rule.Option
	for _, s := range suite {
		out = append(out, s.rule.Options...)
	}
	return out
}

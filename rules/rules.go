// Package rules holds gofixslice's rules, one per file. Each file declares a
// *rewrite.Rule and registers it; the engine runs whatever All returns.
package rules

import (
	"sort"

	"github.com/gofixslice/gofixslice/rewrite"
)

var registry []*rewrite.Rule

func register(r *rewrite.Rule) *rewrite.Rule {
	registry = append(registry, r)
	return r
}

// All returns every rule, sorted by ID.
func All() []*rewrite.Rule {
	out := append([]*rewrite.Rule(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ByID returns the rule with the given ID, or nil.
func ByID(id string) *rewrite.Rule {
	for _, r := range registry {
		if r.ID == id {
			return r
		}
	}
	return nil
}

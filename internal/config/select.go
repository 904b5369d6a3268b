// Package config decides what a gofixslice run checks: the selection of
// checks by rule ID, check ID and category (one implementation for the
// command line, the configuration file and the golangci-lint plugin), and
// the gofixslice.toml configuration files, found per directory.
package config

import (
	"fmt"
	"strings"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// Selection is what the user asks for. A nil list is "not given".
type Selection struct {
	// Enable lists rule or check IDs to run; nil: the checks on by default
	// (or those of Categories).
	Enable []string
	// Disable lists rule or check IDs not to run.
	Disable []string
	// Categories restricts the run to checks of these categories; given
	// without Enable, it selects every check of these categories.
	Categories []string
}

// Resolve returns the set of checks a selection runs.
func (s Selection) Resolve(suite []*rule.Rule) (map[*rule.Check]bool, error) {
	cats := map[rule.Category]bool{}
	for _, name := range s.Categories {
		c := rule.Category(name)
		if !validCategory(c) {
			return nil, fmt.Errorf("unknown category %q (known: %s)", name, categoryNames())
		}
		cats[c] = true
	}
	on := map[*rule.Check]bool{}
	if s.Enable != nil {
		for _, id := range s.Enable {
			checks, err := Lookup(suite, id)
			if err != nil {
				return nil, fmt.Errorf("enable: %v", err)
			}
			for _, c := range checks {
				on[c] = true
			}
		}
	} else {
		for _, r := range suite {
			for _, c := range r.Checks {
				if len(cats) > 0 || c.Category.DefaultOn() {
					on[c] = true
				}
			}
		}
	}
	for _, id := range s.Disable {
		checks, err := Lookup(suite, id)
		if err != nil {
			return nil, fmt.Errorf("disable: %v", err)
		}
		for _, c := range checks {
			delete(on, c)
		}
	}
	if len(cats) > 0 {
		for c := range on {
			if !cats[c.Category] {
				delete(on, c)
			}
		}
	}
	return on, nil
}

// Lookup returns the checks an ID names: every check of a rule ID, or one
// check ID ("pool-put/boxing").
func Lookup(suite []*rule.Rule, id string) ([]*rule.Check, error) {
	ruleID, name, sub := strings.Cut(id, "/")
	for _, r := range suite {
		if r.ID != ruleID {
			continue
		}
		if !sub {
			return r.Checks, nil
		}
		if c := r.Check(name); c != nil {
			return []*rule.Check{c}, nil
		}
		return nil, fmt.Errorf("unknown check %q (rule %s has %s)", id, r.ID, checkNames(r))
	}
	return nil, fmt.Errorf("unknown rule %q (see gofixslice -list)", ruleID)
}

// SplitList splits a comma-separated list, dropping empty entries and
// surrounding spaces.
func SplitList(s string) []string {
	out := []string{}
	for _, f := range strings.Split(s, ",") {
		if f = strings.Join(strings.Fields(f), " "); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func validCategory(c rule.Category) bool {
	for _, k := range rule.Categories {
		if k == c {
			return true
		}
	}
	return false
}

func categoryNames() string {
	var names []string
	for _, c := range rule.Categories {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}

func checkNames(r *rule.Rule) string {
	var names []string
	for _, c := range r.Checks {
		names = append(names, c.ID())
	}
	return strings.Join(names, ", ")
}

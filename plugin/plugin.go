// Package plugin registers gofixslice as a golangci-lint module plugin.
//
// Build a golangci-lint binary that contains it with `golangci-lint custom`
// and the repository's .custom-gcl.yml (or the equivalent lines in your own),
// then enable it in .golangci.yml:
//
//	version: "2"
//	linters:
//	  enable:
//	    - gofixslice
//	  settings:
//	    custom:
//	      gofixslice:
//	        type: module
//	        description: slice, map and sync.Pool lifetime hazards
//	        settings:
//	          disable: [zero-secret, pool-put/boxing]
//	          categories: [bug, memory]
//	          large: 1048576
//	          sensitive: [password, token, private key]
//	          pool-max-cap: 65536
//
// The settings are the keys of gofixslice.toml, with the same meaning:
// enable and disable take rule or check IDs (gofixslice -list), categories
// restricts the run to checks of those categories, and every rule option
// is a key of its own name. Unknown keys, IDs and categories are errors.
package plugin

import (
	"fmt"
	"sort"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/gofixslice/gofixslice/internal/config"
	"github.com/gofixslice/gofixslice/rewrite/analyzer"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules"
)

// Name is the plugin's name: the key under linters.settings.custom and the
// linter name in .golangci.yml (and so in //nolint:gofixslice).
const Name = "gofixslice"

func init() {
	register.Plugin(Name, New)
}

// Plugin is gofixslice's golangci-lint plugin.
type Plugin struct {
	on     map[*rule.Check]bool
	values rule.Values
}

var _ register.LinterPlugin = (*Plugin)(nil)

// New is the constructor golangci-lint calls with the settings of
// linters.settings.custom.gofixslice.settings (decoded YAML).
func New(conf any) (register.LinterPlugin, error) {
	raw := map[string]any{}
	if conf != nil {
		m, ok := conf.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("gofixslice settings: want a mapping, got %T", conf)
		}
		raw = m
	}
	options := map[string]*rule.Option{}
	known := []string{"enable", "disable", "categories"}
	for _, o := range rules.Options() {
		options[o.Name] = o
		known = append(known, o.Name)
	}
	var sel config.Selection
	p := &Plugin{values: rule.Values{}}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := raw[k]
		switch k {
		case "enable", "disable", "categories":
			list, err := stringList(v)
			if err != nil {
				return nil, fmt.Errorf("gofixslice settings: %s: %v", k, err)
			}
			switch k {
			case "enable":
				sel.Enable = list
			case "disable":
				sel.Disable = list
			default:
				sel.Categories = list
			}
		default:
			o, ok := options[k]
			if !ok {
				return nil, fmt.Errorf("gofixslice settings: unknown field %q (known: %s)", k, strings.Join(known, ", "))
			}
			val, err := o.Convert(v)
			if err != nil {
				return nil, fmt.Errorf("gofixslice settings: %v", err)
			}
			p.values[o] = val
		}
	}
	on, err := sel.Resolve(rules.All())
	if err != nil {
		return nil, fmt.Errorf("gofixslice settings: %v", err)
	}
	p.on = on
	return p, nil
}

func stringList(v any) ([]string, error) {
	list, ok := v.([]any)
	if !ok {
		if s, ok := v.([]string); ok {
			return s, nil
		}
		return nil, fmt.Errorf("want a list, got %v", v)
	}
	out := []string{}
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("%v is not a string", e)
		}
		out = append(out, s)
	}
	return out, nil
}

// BuildAnalyzers returns the analyzers of the rules with a selected check,
// with the settings applied through the analyzers' flags (the same flags go
// vet -vettool takes: -subslicepin.large, -poolput.checks...). The
// analyzers' settings are process-wide, which is what golangci-lint needs:
// it builds the plugin once. Every flag is set, defaults included, so that
// building twice does not keep the previous build's settings.
//
// The diagnostics leave out their evidence chains (go/analysis Related):
// golangci-lint would print each step as an issue of its own, at its own
// line, where a //nolint:gofixslice on the finding's line does not reach.
// gofixslice -v, -json and -sarif show the chains.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	analyzer.OmitRelated(true)
	var out []*analysis.Analyzer
	for _, r := range rules.All() {
		a := rules.Analyzer(r.ID)
		for _, o := range r.Options {
			if err := a.Flags.Set(o.Name, o.Format(p.values.Get(o))); err != nil {
				return nil, fmt.Errorf("gofixslice settings: %s: %w", o.Name, err)
			}
		}
		var names []string
		for _, c := range r.Checks {
			if p.on[c] {
				names = append(names, c.Name)
			}
		}
		if err := a.Flags.Set(analyzer.ChecksFlag, strings.Join(names, ",")); err != nil {
			return nil, fmt.Errorf("gofixslice settings: %w", err)
		}
		if len(names) > 0 {
			out = append(out, a)
		}
	}
	return out, nil
}

// GetLoadMode asks golangci-lint for type information: every rule needs it.
func (*Plugin) GetLoadMode() string { return register.LoadModeTypesInfo }

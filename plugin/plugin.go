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
//	          disable: [zero-secret]
//	          large: 1048576
//	          sensitive: [password, token, private key]
//	          pool-max-cap: 65536
//
// The settings are the keys of gofixslice's project configuration file, with
// the same meaning: enable and disable take rule IDs (gofixslice -list);
// large is subslice-pin's size threshold in bytes; sensitive replaces
// zero-secret's list of identifier words naming secrets; pool-max-cap turns on
// pool-put's oversized-Put check (0: off). Unknown keys and rule IDs are
// errors.
package plugin

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"

	"github.com/gofixslice/gofixslice/passes"
	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rules"
)

// Name is the plugin's name: the key under linters.settings.custom and the
// linter name in .golangci.yml (and so in //nolint:gofixslice).
const Name = "gofixslice"

func init() {
	register.Plugin(Name, New)
}

// Settings are the plugin's settings in .golangci.yml.
type Settings struct {
	// Enable lists the rule IDs to run (empty or absent: every rule).
	Enable []string `json:"enable"`
	// Disable lists rule IDs not to run.
	Disable []string `json:"disable"`
	// Large is the size in bytes from which a constant-size make is large
	// storage (subslice-pin); default 65536.
	Large *int64 `json:"large"`
	// Sensitive replaces the identifier words naming secrets (zero-secret).
	Sensitive []string `json:"sensitive"`
	// MaxCap reports Puts of buffers with no capacity bound above this many
	// bytes (pool-put); 0, the default, turns the check off.
	MaxCap *int64 `json:"pool-max-cap"`
}

// Plugin is gofixslice's golangci-lint plugin.
type Plugin struct {
	settings Settings
}

var _ register.LinterPlugin = (*Plugin)(nil)

// New is the constructor golangci-lint calls with the settings of
// linters.settings.custom.gofixslice.settings.
func New(conf any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](conf)
	if err != nil {
		return nil, fmt.Errorf("gofixslice settings: %w", err)
	}
	if _, err := s.rules(); err != nil {
		return nil, err
	}
	if s.Large != nil && *s.Large <= 0 {
		return nil, fmt.Errorf("gofixslice settings: large: %d is not a positive number of bytes", *s.Large)
	}
	if s.MaxCap != nil && *s.MaxCap < 0 {
		return nil, fmt.Errorf("gofixslice settings: pool-max-cap: %d is negative (0 turns the check off)", *s.MaxCap)
	}
	for _, w := range s.Sensitive {
		if strings.TrimSpace(w) == "" || strings.Contains(w, ",") {
			return nil, fmt.Errorf("gofixslice settings: sensitive: %q is not a word (one entry per word, no commas)", w)
		}
	}
	return &Plugin{settings: s}, nil
}

// rules returns the selected rules, in ID order.
func (s Settings) rules() ([]*rewrite.Rule, error) {
	enabled := rules.All()
	if len(s.Enable) > 0 {
		enabled = nil
		for _, id := range s.Enable {
			r := rules.ByID(id)
			if r == nil {
				return nil, fmt.Errorf("gofixslice settings: enable: unknown rule %q (gofixslice -list)", id)
			}
			enabled = append(enabled, r)
		}
	}
	off := map[string]bool{}
	for _, id := range s.Disable {
		if rules.ByID(id) == nil {
			return nil, fmt.Errorf("gofixslice settings: disable: unknown rule %q (gofixslice -list)", id)
		}
		off[id] = true
	}
	var out []*rewrite.Rule
	seen := map[string]bool{}
	for _, r := range enabled {
		if !off[r.ID] && !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	return out, nil
}

// BuildAnalyzers returns the analyzers of the selected rules, with the
// settings applied through the analyzers' flags (the same flags go vet
// -vettool takes: -subslicepin.large, -zerosecret.sensitive,
// -poolput.maxcap). The analyzers' settings are process-wide, which is
// what golangci-lint needs: it builds the plugin once.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	selected, err := p.settings.rules()
	if err != nil {
		return nil, err
	}
	def := rewrite.DefaultSettings()
	large, maxcap, sensitive := def.LargeSize, def.PoolMaxCap, def.SensitiveWords
	if p.settings.Large != nil {
		large = *p.settings.Large
	}
	if p.settings.MaxCap != nil {
		maxcap = *p.settings.MaxCap
	}
	if p.settings.Sensitive != nil {
		sensitive = p.settings.Sensitive
	}
	// Every value is set, defaults included, so that building twice does
	// not keep the previous build's settings.
	for _, f := range []struct{ rule, flag, value string }{
		{"subslice-pin", "large", strconv.FormatInt(large, 10)},
		{"pool-put", "maxcap", strconv.FormatInt(maxcap, 10)},
		{"zero-secret", "sensitive", strings.Join(sensitive, ",")},
	} {
		a := passes.Analyzer(f.rule)
		if a == nil {
			continue
		}
		if err := a.Flags.Set(f.flag, f.value); err != nil {
			return nil, fmt.Errorf("gofixslice settings: %s: %w", f.flag, err)
		}
	}
	out := make([]*analysis.Analyzer, 0, len(selected))
	for _, r := range selected {
		out = append(out, passes.Analyzer(r.ID))
	}
	return out, nil
}

// GetLoadMode asks golangci-lint for type information: every rule needs it.
func (*Plugin) GetLoadMode() string { return register.LoadModeTypesInfo }

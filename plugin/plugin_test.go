package plugin_test

import (
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/analysis"

	"github.com/gofixslice/gofixslice/plugin"
	"github.com/gofixslice/gofixslice/rewrite/analyzer"
	"github.com/gofixslice/gofixslice/rules"
)

// build does what golangci-lint's module plugin builder does: look the
// plugin up by the name used in .golangci.yml, construct it with the raw
// settings (decoded YAML: map[string]any), and build the analyzers.
func build(t *testing.T, settings any) ([]*analysis.Analyzer, register.LinterPlugin, error) {
	t.Helper()
	newPlugin, err := register.GetPlugin("gofixslice")
	require.NoError(t, err, "the plugin registers itself on import")
	p, err := newPlugin(settings)
	if err != nil {
		return nil, nil, err
	}
	as, err := p.BuildAnalyzers()
	return as, p, err
}

func names(as []*analysis.Analyzer) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}

func flag(t *testing.T, rule, name string) string {
	t.Helper()
	f := rules.Analyzer(rule).Flags.Lookup(name)
	require.NotNil(t, f, "%s has flag %s", rule, name)
	return f.Value.String()
}

func TestDefaultSettingsBuildEveryAnalyzer(t *testing.T) {
	for _, settings := range []any{nil, map[string]any{}} {
		as, p, err := build(t, settings)
		require.NoError(t, err)
		assert.Equal(t, register.LoadModeTypesInfo, p.GetLoadMode())
		assert.Equal(t, names(rules.Analyzers()), names(as))
		require.Len(t, as, len(rules.All()))
		for _, a := range as {
			assert.NoError(t, analysis.Validate([]*analysis.Analyzer{a}), a.Name)
			assert.NotEmpty(t, a.Doc)
			assert.Contains(t, a.URL, "#")
			assert.Same(t, rules.Analyzer(idOf(t, a.Name)), a, "the exported analyzer itself")
		}
		assert.Equal(t, "65536", flag(t, "subslice-pin", "large"))
		assert.Equal(t, "0", flag(t, "pool-put", "pool-max-cap"))
		assert.Contains(t, flag(t, "zero-secret", "sensitive"), "password")
	}
}

func idOf(t *testing.T, name string) string {
	for _, r := range rules.All() {
		if analyzer.Name(r.ID) == name {
			return r.ID
		}
	}
	t.Fatalf("no rule for analyzer %s", name)
	return ""
}

// TestSettingsFromGolangciConfig uses the shapes a YAML decoder gives
// golangci-lint: []any for lists, int for numbers.
func TestSettingsFromGolangciConfig(t *testing.T) {
	as, _, err := build(t, map[string]any{
		"disable":      []any{"zero-secret", "range-delete"},
		"large":        1048576,
		"sensitive":    []any{"pin", "private key"},
		"pool-max-cap": 65536,
	})
	require.NoError(t, err)
	assert.NotContains(t, names(as), "zerosecret")
	assert.NotContains(t, names(as), "rangedelete")
	assert.Contains(t, names(as), "subslicepin")
	assert.Equal(t, "1048576", flag(t, "subslice-pin", "large"))
	assert.Equal(t, "65536", flag(t, "pool-put", "pool-max-cap"))
	assert.Equal(t, "pin,private key", flag(t, "zero-secret", "sensitive"))

	as, _, err = build(t, map[string]any{"enable": []any{"transient-retain", "subslice-pin"}, "disable": []any{"subslice-pin"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"transientretain"}, names(as))
	// Building again without the settings restores the defaults.
	assert.Equal(t, "65536", flag(t, "subslice-pin", "large"))
	assert.Equal(t, "0", flag(t, "pool-put", "pool-max-cap"))
	assert.Contains(t, flag(t, "zero-secret", "sensitive"), "password")
}

func TestBadSettingsAreErrors(t *testing.T) {
	for _, tc := range []struct {
		settings map[string]any
		want     string
	}{
		{map[string]any{"enabled": []any{"subslice-pin"}}, `unknown field "enabled"`},
		{map[string]any{"enable": []any{"no-such-rule"}}, `enable: unknown rule "no-such-rule"`},
		{map[string]any{"disable": []any{"subslicepin"}}, `disable: unknown rule "subslicepin"`},
		{map[string]any{"large": "big"}, "large"},
		{map[string]any{"large": 0}, "large: 0 is not a positive"},
		{map[string]any{"pool-max-cap": -1}, "pool-max-cap: -1 is not a number of bytes"},
		{map[string]any{"disable": []any{"pool-put/nope"}}, `disable: unknown check "pool-put/nope"`},
		{map[string]any{"categories": []any{"bugs"}}, `unknown category "bugs"`},
		{map[string]any{"sensitive": "password"}, "sensitive"},
		{map[string]any{"sensitive": []any{"a,b"}}, `sensitive: "a,b"`},
	} {
		_, _, err := build(t, tc.settings)
		if assert.Error(t, err, "%v", tc.settings) {
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "gofixslice settings")
		}
	}
}

// TestSubCheckSettings selects single checks and categories: the
// analyzers' checks flag carries them.
func TestSubCheckSettings(t *testing.T) {
	as, _, err := build(t, map[string]any{"disable": []any{"pool-put/boxing"}})
	require.NoError(t, err)
	assert.Contains(t, names(as), "poolput")
	assert.Equal(t, "use-after-put,no-reset,oversize,pointer-elems,typed-nil", flag(t, "pool-put", analyzer.ChecksFlag))
	assert.Equal(t, "slice,list,map-insert", flag(t, "range-delete", analyzer.ChecksFlag), "style is off by default")

	as, _, err = build(t, map[string]any{"categories": []any{"style"}})
	require.NoError(t, err)
	assert.Equal(t, []string{"rangedelete"}, names(as))
	assert.Equal(t, "map-clear", flag(t, "range-delete", analyzer.ChecksFlag))

	_, _, err = build(t, nil) // restore the defaults for the other tests
	require.NoError(t, err)
}

func TestPluginName(t *testing.T) {
	assert.Equal(t, "gofixslice", plugin.Name)
}

package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"internal/legacy/**", "internal/legacy/a.go", true},
		{"internal/legacy/**", "internal/legacy/x/y/a.go", true},
		{"internal/legacy/**", "internal/legacyx/a.go", false},
		{"**/gen_*.go", "gen_a.go", true},
		{"**/gen_*.go", "p/q/gen_a.go", true},
		{"**/gen_*.go", "p/q/xgen_a.go", false},
		{"p/*.go", "p/a.go", true},
		{"p/*.go", "p/q/a.go", false},
		{"p/?.go", "p/a.go", true},
		{"p/?.go", "p/ab.go", false},
		{"a+b.go", "a+b.go", true},
	} {
		re, err := globRegexp(tc.pattern)
		require.NoError(t, err)
		assert.Equal(t, tc.want, re.MatchString(tc.path), "%s ~ %s", tc.pattern, tc.path)
	}
	for _, bad := range []string{"", "/abs"} {
		_, err := globRegexp(bad)
		assert.Error(t, err, "%q", bad)
	}
}

func TestExcludeMatches(t *testing.T) {
	c := &rule.Check{Name: "c", Category: rule.Bug, Summary: "s", Doc: "d"}
	other := &rule.Check{Name: "o", Category: rule.Bug, Summary: "s", Doc: "d"}
	rule.Define(&rule.Rule{ID: "r", Title: "t", Doc: rule.Doc{Intro: "i"}, Checks: []*rule.Check{c, other}, Run: func(*rule.Pass) {}})
	x := Exclude{Dir: "/m", Paths: []string{"*_test.go", "legacy/**"}, Checks: []*rule.Check{c}}
	assert.True(t, x.matches(c, "/m/p/a_test.go"), "no slash: the base name at any depth")
	assert.True(t, x.matches(c, "/m/legacy/x/a.go"))
	assert.False(t, x.matches(other, "/m/legacy/x/a.go"), "only the listed checks")
	assert.False(t, x.matches(c, "/other/legacy/a.go"), "outside the file's directory")
	assert.False(t, x.matches(c, "/m/p/a.go"))
	all := Exclude{Dir: "/m", Paths: []string{"legacy/**"}}
	assert.True(t, all.matches(other, "/m/legacy/a.go"), "no checks: every check")
}

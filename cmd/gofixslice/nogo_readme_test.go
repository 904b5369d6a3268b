package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/rules"
)

// TestNogoREADMEConfig checks the README's Bazel nogo snippets against the
// analyzers (Bazel itself is not run here): every deps label is a rules/
// package of this repository exporting `var Analyzer`, every analyzer has
// a label, and nogo_config.json names real analyzers and flags with values
// the flags accept.
func TestNogoREADMEConfig(t *testing.T) {
	section := readmeSection(t, "## Bazel nogo")

	build := fencedBlock(t, section, "starlark", `load("@rules_go//go:def.bzl", "nogo")`)
	labels := regexp.MustCompile(`"@com_github_gofixslice_gofixslice//(rules/[a-z]+)"`).FindAllStringSubmatch(build, -1)
	names := map[string]bool{}
	for _, m := range labels {
		dir := filepath.Join("..", "..", filepath.FromSlash(m[1]))
		src, err := os.ReadFile(filepath.Join(dir, "analyzer.go"))
		require.NoError(t, err, "label //%s is a package of this repository", m[1])
		assert.Contains(t, string(src), "var Analyzer = ", m[1])
		names[filepath.Base(dir)] = true
	}
	for _, a := range rules.Analyzers() {
		assert.True(t, names[a.Name], "the nogo target lists analyzer %s", a.Name)
	}
	assert.Len(t, names, len(rules.Analyzers()))
	assert.Contains(t, fencedBlock(t, section, "starlark", "go_sdk.nogo("), `use_repo(go_deps, "com_github_gofixslice_gofixslice")`)

	var config map[string]struct {
		Description   string
		ExcludeFiles  map[string]string `json:"exclude_files"`
		OnlyFiles     map[string]string `json:"only_files"`
		AnalyzerFlags map[string]string `json:"analyzer_flags"`
	}
	require.NoError(t, json.Unmarshal([]byte(fencedBlock(t, section, "json", "analyzer_flags")), &config))
	byName := map[string]bool{}
	for _, a := range rules.Analyzers() {
		byName[a.Name] = true
	}
	require.Contains(t, config, "_base")
	for re := range config["_base"].ExcludeFiles {
		_, err := regexp.Compile(re)
		assert.NoError(t, err, "exclude_files key %q is a regexp", re)
	}
	for _, p := range []string{"external/gazelle++go_deps+com_github_x/x.go", "bazel-out/k8-fastbuild/bin/p/gen.go", "p/api.pb.go"} {
		assert.True(t, anyMatch(config["_base"].ExcludeFiles, p), "%s is excluded", p)
	}
	assert.False(t, anyMatch(config["_base"].ExcludeFiles, "p/p.go"), "first-party code is checked")
	for name, c := range config {
		if name == "_base" {
			continue
		}
		require.True(t, byName[name], "%s is an analyzer name", name)
		for _, a := range rules.Analyzers() {
			if a.Name != name {
				continue
			}
			for flag, value := range c.AnalyzerFlags {
				f := a.Flags.Lookup(flag)
				require.NotNil(t, f, "%s has flag %s", name, flag)
				old := f.Value.String()
				assert.NoError(t, a.Flags.Set(flag, value), "%s.%s=%s", name, flag, value)
				require.NoError(t, a.Flags.Set(flag, old))
			}
		}
	}
	// The fix commands are rules_go's, with the nogo_fix output group.
	assert.Equal(t, 2, strings.Count(fencedBlock(t, section, "sh", "nogo_fix"), "--output_groups nogo_fix"))
}

func anyMatch(res map[string]string, s string) bool {
	for re := range res {
		if regexp.MustCompile(re).MatchString(s) {
			return true
		}
	}
	return false
}

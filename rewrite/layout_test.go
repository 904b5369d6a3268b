package rewrite_test

import (
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const mod = "github.com/gofixslice/gofixslice"

// TestImportGraph asserts the layout's arrows: rules see the rule-author
// API (and the go/analysis adapter, only to export their Analyzer), never
// the driver; the adapter never imports the driver; the API imports
// neither; the driver knows no rule; no rule imports another.
func TestImportGraph(t *testing.T) {
	out, err := exec.Command("go", "list", "-test=false", "-f", `{{.ImportPath}} {{join .Imports " "}}`, mod+"/...").Output()
	require.NoError(t, err)
	imports := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		imports[f[0]] = f[1:]
	}
	deps := func(pkg string) map[string]bool { // transitive, module packages only
		seen := map[string]bool{}
		var walk func(string)
		walk = func(p string) {
			for _, d := range imports[p] {
				if strings.HasPrefix(d, mod+"/") && !seen[d] {
					seen[d] = true
					walk(d)
				}
			}
		}
		walk(pkg)
		return seen
	}
	var (
		driver   = mod + "/rewrite"
		api      = mod + "/rewrite/rule"
		adapter  = mod + "/rewrite/analyzer"
		suite    = mod + "/rules"
		ruleDirs []string
	)
	for p := range imports {
		rest, ok := strings.CutPrefix(p, suite+"/")
		if ok && !strings.HasPrefix(rest, "internal/") && !strings.Contains(rest, "/") {
			ruleDirs = append(ruleDirs, p)
		}
	}
	sort.Strings(ruleDirs)
	require.NotEmpty(t, ruleDirs)

	forbid := func(from string, to ...string) {
		d := deps(from)
		for _, p := range to {
			assert.False(t, d[p], "%s must not depend on %s", from, p)
		}
	}
	forbid(api, driver, adapter, suite, mod+"/internal/config")
	forbid(adapter, driver, suite, mod+"/internal/config")
	forbid(driver, adapter, suite)
	forbid(mod+"/knowledge", driver, api, adapter, suite)
	for p := range imports {
		if strings.HasPrefix(p, suite+"/internal/") {
			forbid(p, append([]string{driver, adapter, suite}, ruleDirs...)...)
		}
	}
	for _, r := range ruleDirs {
		var others []string
		for _, o := range ruleDirs {
			if o != r {
				others = append(others, o)
			}
		}
		forbid(r, append([]string{driver, suite, mod + "/internal/config"}, others...)...)
		assert.Contains(t, imports[suite], r, "the suite lists %s", r)
	}
	for _, p := range []string{mod + "/cmd/gofixslice", mod + "/plugin"} {
		assert.True(t, deps(p)[suite], "%s uses the suite", p)
	}
	assert.True(t, deps(mod + "/cmd/gofixslice")[driver], "the CLI uses the driver")

	// Within a rule package, only analyzer.go may import the adapter: the
	// rule itself is written against the API alone.
	for _, r := range ruleDirs {
		dir := filepath.Join("..", filepath.FromSlash(strings.TrimPrefix(r, mod+"/")))
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		require.NoError(t, err)
		for _, f := range files {
			parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
			require.NoError(t, err)
			for _, is := range parsed.Imports {
				path, _ := strconv.Unquote(is.Path.Value)
				if path == adapter {
					assert.Equal(t, "analyzer.go", filepath.Base(f), "%s imports the adapter", f)
				}
			}
		}
	}
}

package rewrite

import (
	"go/ast"
	"go/types"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exportsFuncs is a shared analysis that records every function of its
// package as a fact, the way the summaries do.
var exportsFuncs = &rule.Analysis{
	Name: "exportsfuncs", Doc: "test", ResultType: reflect.TypeOf(0),
	Run: func(p *rule.Pass) any {
		n := 0
		for _, f := range p.Files {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok {
					p.Facts.Export(p.Pkg, "fn:"+fd.Name.Name, "1")
					n++
				}
			}
		}
		return n
	},
}

// reportsKnownCallees reports every call whose callee in another package
// has the fact: what a rule sees of its dependencies.
func reportsKnownCallees() *rule.Rule {
	r := testRule("known-callee", func(p *rule.Pass, check *rule.Check) {
		p.ResultOf(exportsFuncs)
		for _, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				fn, ok := p.Info.Uses[sel.Sel].(*types.Func)
				if !ok || fn.Pkg() == p.Pkg {
					return true
				}
				if _, ok := p.Facts.Import(fn.Pkg(), "fn:"+fn.Name()); ok {
					p.Report(rule.Diagnostic{Check: check, Pos: call.Pos(), Message: "known " + fn.Name()})
				}
				return true
			})
		}
	})
	r.Requires = []*rule.Analysis{exportsFuncs}
	return r
}

func TestDependencyFacts(t *testing.T) {
	dir := testmod.Module(t, map[string]string{
		"a/a.go": "package a\n\nimport (\n\t\"example.com/m/b\"\n\t\"strings\"\n)\n\nfunc A() string { b.B(); return strings.ToUpper(\"x\") }\n",
		"b/b.go": "package b\n\nimport \"example.com/m/c\"\n\nfunc B() { c.C() }\n",
		"c/c.go": "package c\n\nfunc C() {}\n",
	})
	cache := t.TempDir()
	env := append(testmod.Env(), CacheDirEnv+"="+cache)
	run := func(deps bool) *Result {
		res, err := Run(Options{Dir: dir, Args: []string{"./a"}, Env: env, Rules: []*rule.Rule{reportsKnownCallees()}, Dependencies: deps})
		require.NoError(t, err)
		require.Empty(t, res.Errors)
		return res
	}
	messages := func(res *Result) []string {
		var out []string
		for _, f := range res.Findings {
			out = append(out, f.Message)
		}
		sort.Strings(out)
		return out
	}

	assert.Empty(t, messages(run(false)), "without dependency summaries b is unknown")

	first := run(true)
	assert.Equal(t, []string{"known B"}, messages(first), "b is summarised; strings (standard library) is not")
	assert.Equal(t, DepStats{Packages: 2, Computed: 2}, withoutTime(first.Deps), "b and c, from source")

	second := run(true)
	assert.Equal(t, messages(first), messages(second))
	assert.Equal(t, DepStats{Packages: 2, Cached: 2}, withoutTime(second.Deps), "the re-run reads the cache")

	// A change in c changes c's key and, through it, b's.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "c/c.go"), []byte("package c\n\nfunc C() {}\n\nfunc D() {}\n"), 0o644))
	third := run(true)
	assert.Equal(t, messages(first), messages(third))
	assert.Equal(t, DepStats{Packages: 2, Computed: 2}, withoutTime(third.Deps), "c changed: c and its dependent b are recomputed")

	// A damaged entry is recomputed, not trusted.
	entries, err := filepath.Glob(filepath.Join(cache, "depfacts", "*", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	for _, e := range entries {
		require.NoError(t, os.WriteFile(e, []byte("{not json"), 0o644))
	}
	fourth := run(true)
	assert.Equal(t, messages(first), messages(fourth))
	assert.Equal(t, 2, fourth.Deps.Computed)

	// "off" disables the cache, not the summaries.
	res, err := Run(Options{Dir: dir, Args: []string{"./a"}, Env: append(testmod.Env(), CacheDirEnv+"=off"), Rules: []*rule.Rule{reportsKnownCallees()}, Dependencies: true})
	require.NoError(t, err)
	assert.Equal(t, messages(first), messages(res))
	assert.Equal(t, DepStats{Packages: 2, Computed: 2}, withoutTime(res.Deps))
}

func withoutTime(s DepStats) DepStats {
	s.Time = 0
	return s
}

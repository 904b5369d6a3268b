package vflow

import (
	"flag"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/packages"

	"github.com/gofixslice/gofixslice/internal/testmod"
)

var sweep = flag.Bool("vflow.sweep", false, "build the layer for every public standard package and ask every query (about a minute)")

// TestStdSweep builds the layer for the public standard packages and asks
// Origins and ReachableExpr of every expression with a value: nothing may
// fail, and the figures (build time, query time, origins cut short by the
// limits) are logged. It runs with -vflow.sweep:
//
//	go test ./rules/internal/vflow -run StdSweep -v -args -vflow.sweep
func TestStdSweep(t *testing.T) {
	if !*sweep {
		t.Skip("run with -vflow.sweep")
	}
	out, err := exec.Command("go", "list", "std").Output()
	require.NoError(t, err)
	var all []string
	for _, p := range strings.Fields(string(out)) {
		if !strings.Contains(p, "internal") && !strings.HasPrefix(p, "vendor/") && !strings.HasPrefix(p, "cmd/") {
			all = append(all, p)
		}
	}
	var (
		build, query              time.Duration
		queries, origins, unknown int
		cut                       int
		worst                     time.Duration
		worstPkg                  string
	)
	for batch := range slices.Chunk(all, 40) {
		cfg := &packages.Config{
			Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
				packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax | packages.NeedTypesSizes,
			Dir: testmod.GoSrc(t),
			Env: testmod.StdEnv(),
		}
		pkgs, err := packages.Load(cfg, batch...)
		require.NoError(t, err)
		for _, pkg := range pkgs {
			if len(pkg.Errors) > 0 {
				continue
			}
			t0 := time.Now()
			p := Build(pkg.Fset, pkg.Syntax, pkg.Types, pkg.TypesInfo, nil)
			build += time.Since(t0)
			if !assert.NoError(t, p.Err, pkg.PkgPath) {
				continue
			}
			t1 := time.Now()
			for e, r := range p.vals {
				os := p.Origins(r.X)
				queries++
				origins += len(os)
				for _, o := range os {
					if o.Kind == Unknown {
						unknown++
					}
				}
				if slices.ContainsFunc(os, limited) {
					cut++
				}
				p.ReachableExpr(e)
			}
			if d := time.Since(t1); d > worst {
				worst, worstPkg = d, pkg.PkgPath
			}
			query += time.Since(t1)
		}
	}
	t.Logf("%d packages: build %v; %d queries in %v, %d origins (%d unknown), %d queries cut short by limits; slowest package to query: %s (%v)",
		len(all), build, queries, query, origins, unknown, cut, worstPkg, worst)
}

// limited reports whether an origin marks a query cut short by a limit.
func limited(o Origin) bool {
	return o.Kind == Unknown && (o.Value == nil || len(o.Path) > maxPath || len(o.Steps) > maxSteps)
}

// TestConcurrentQueries asks the same layer from several goroutines (go
// test -race): the layer is immutable once built.
func TestConcurrentQueries(t *testing.T) {
	f := check(t, "example.com/p", originsSrc, nil, nil)
	want := map[string][]string{}
	for label := range f.sinks {
		want[label] = f.origins(t, label)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for label, w := range want {
				assert.Equal(t, w, f.origins(t, label), label)
				f.p.ReachableExpr(f.sinks[label])
			}
		})
	}
	wg.Wait()
}

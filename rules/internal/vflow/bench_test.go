package vflow

// Benchmarks of building the layer, for benchstat (bench/README.md):
//
//	go test -bench . -run '^$' -count 10 ./rules/internal/vflow | tee new.txt
//
// They run only with -bench.

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/ssa"

	"github.com/gofixslice/gofixslice/internal/testmod"
)

// loadStd type-checks a standard package from source, its dependencies
// from export data, as the driver does.
func loadStd(b *testing.B, path string) *packages.Package {
	b.Helper()
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax | packages.NeedTypesSizes,
		Dir: testmod.GoSrc(b),
		Env: testmod.StdEnv(),
	}
	pkgs, err := packages.Load(cfg, path)
	if err != nil {
		b.Fatal(err)
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		b.Fatalf("loading %s: %d packages, errors %v", path, len(pkgs), pkgs[0].Errors)
	}
	return pkgs[0]
}

// BenchmarkBuild is building the layer of a type-checked package: SSA
// with debug information (dependencies created from their types), the
// syntax index and the no-return derivation; then, for comparison, the
// same without debug information (no DebugRefs: the syntax index is
// empty) and building SSA alone.
func BenchmarkBuild(b *testing.B) {
	for _, path := range []string{"net/http", "go/types"} {
		pkg := loadStd(b, path)
		name := strings.ReplaceAll(path, "/", "-")
		lines := 0
		for _, f := range pkg.Syntax {
			lines += pkg.Fset.File(f.FileStart).LineCount()
		}
		b.Run(name, func(b *testing.B) {
			var p *Package
			b.ReportAllocs()
			for b.Loop() {
				p = Build(pkg.Fset, pkg.Syntax, pkg.Types, pkg.TypesInfo, nil)
			}
			if p.Err != nil {
				b.Fatal(p.Err)
			}
			instrs := 0
			for _, fn := range p.Funcs() {
				for _, blk := range fn.Blocks {
					instrs += len(blk.Instrs)
				}
			}
			b.ReportMetric(float64(len(p.Funcs())), "funcs")
			b.ReportMetric(float64(instrs), "instrs")
			b.ReportMetric(float64(len(p.NoReturnFuncs())), "noreturn")
			b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
		})
		b.Run(name+"/no-debug", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				build(pkg.Fset, pkg.Syntax, pkg.Types, pkg.TypesInfo, nil, ssa.BuildSerially)
			}
		})
	}
}

// BenchmarkOrigins is asking for the origins of every slice-typed value
// named in the syntax of a package (the values rules would ask about).
func BenchmarkOrigins(b *testing.B) {
	pkg := loadStd(b, "net/http")
	p := Build(pkg.Fset, pkg.Syntax, pkg.Types, pkg.TypesInfo, nil)
	var vals []ssa.Value
	for _, r := range p.vals {
		if isSlice(r.X.Type().Underlying()) {
			vals = append(vals, r.X)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, v := range vals {
			p.Origins(v)
		}
	}
	b.ReportMetric(float64(len(vals)), "queries")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(vals)), "ns/query")
}

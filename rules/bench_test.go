package rules

// Benchmarks of rule matching and summaries, for benchstat
// (bench/README.md):
//
//	go test -bench . -run '^$' -count 10 ./rules/ | tee new.txt
//
// They run only with -bench.

import (
	"fmt"
	"go/token"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"

	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rewrite/analyzer"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/summary"
)

// benchFiles is the number of files of the generated bench module.
const benchFiles = 20

// cleanSource is one file of the generated bench module: code that every
// rule looks at (scanner bytes, read buffers, sub-slices of file contents,
// pools, ranges, appends) and none reports.
func cleanSource(i int) string {
	return fmt.Sprintf(`package p

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
)

var pool%[1]d = sync.Pool{New: func() any { return new(bytes.Buffer) }}

var headers%[1]d = map[string][]byte{}

// Lines%[1]d returns copies of the lines of r.
func Lines%[1]d(r io.Reader) [][]byte {
	var out [][]byte
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		out = append(out, bytes.Clone(sc.Bytes()))
	}
	return out
}

// Header%[1]d keeps a copy of the first bytes of a file.
func Header%[1]d(name string) error {
	b, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if len(b) > 16 {
		b = b[:16]
	}
	headers%[1]d[name] = bytes.Clone(b)
	return nil
}

// Join%[1]d joins words through a pooled buffer.
func Join%[1]d(words []string) string {
	buf := pool%[1]d.Get().(*bytes.Buffer)
	buf.Reset()
	for i, w := range words {
		if i > 0 {
			buf.WriteByte(' ')
		}
		buf.WriteString(w)
	}
	s := buf.String()
	pool%[1]d.Put(buf)
	return s
}

// Keep%[1]d returns the non-empty words.
func Keep%[1]d(words []string) []string {
	var out []string
	for _, w := range words {
		if strings.TrimSpace(w) != "" {
			out = append(out, w)
		}
	}
	return out
}

// Drop%[1]d deletes the empty keys of m.
func Drop%[1]d(m map[string]int) {
	for k := range m {
		if k == "" {
			delete(m, k)
		}
	}
}
`, i)
}

// hazardSource has findings with fixes (scanner bytes and a sub-slice of a
// file's contents kept) and one without.
func hazardSource(i int) string {
	s := cleanSource(i)
	s = strings.Replace(s, "bytes.Clone(sc.Bytes())", "sc.Bytes()", 1)
	s = strings.Replace(s, "bytes.Clone(b)", "b", 1)
	return s
}

func benchModule(b *testing.B, hazards bool) string {
	b.Helper()
	files := map[string]string{"go.mod": "module example.com/bench\n\ngo 1.22\n"}
	for i := 0; i < benchFiles; i++ {
		src := cleanSource(i)
		if hazards && i == 0 {
			src = hazardSource(i)
		}
		files[fmt.Sprintf("f%02d.go", i)] = src
	}
	return testmod.Module(b, files)
}

func run(b *testing.B, opts rewrite.Options) *rewrite.Result {
	b.Helper()
	res, err := rewrite.Run(opts)
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Errors) > 0 {
		b.Fatalf("%d errors, first: %v", len(res.Errors), res.Errors[0])
	}
	return res
}

// BenchmarkRun is whole engine runs with every rule: the generated module
// with no findings and with findings (report mode, then with fixes
// computed), and net/http without rules and with every rule. The
// difference between net-http/all-rules and net-http/no-rules is what the
// rules cost on top of loading and type-checking.
func BenchmarkRun(b *testing.B) {
	for _, bc := range []struct {
		name     string
		hazards  bool
		fix      bool
		findings bool
	}{
		{"module/no-findings", false, false, false},
		{"module/findings", true, false, true},
		{"module/findings-fix", true, true, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			dir := benchModule(b, bc.hazards)
			opts := rewrite.Options{Dir: dir, Args: []string{"./..."}, Env: testmod.Env(), Rules: All(), Fix: bc.fix}
			res := run(b, opts)
			if got := len(res.Findings) > 0; got != bc.findings {
				b.Fatalf("findings: %v; want some: %v", res.Findings, bc.findings)
			}
			if bc.fix && len(res.Changes) != 1 {
				b.Fatalf("%d files changed; want 1", len(res.Changes))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				run(b, opts)
			}
		})
	}
	for _, bc := range []struct {
		name  string
		rules []*rule.Rule
	}{
		{"net-http/no-rules", nil},
		{"net-http/all-rules", All()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			opts := rewrite.Options{Dir: testmod.GoSrc(b), Args: []string{"net/http"}, Env: testmod.StdEnv(), Rules: bc.rules}
			run(b, opts)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				run(b, opts)
			}
		})
	}
}

// loaded is a type-checked package (dependencies from export data), so
// that matching and summaries are measured without loading.
type loaded struct {
	fset  *token.FileSet
	pkg   *packages.Package
	lines int
}

var (
	stdMu    sync.Mutex
	stdCache = map[string]*loaded{}
)

// load loads one package: a standard-library package by import path (once
// per process), or the bench module ("module/no-findings",
// "module/findings"), written to a directory of b, the top-level
// benchmark, so that it outlives the sub-benchmarks that use it.
func load(b *testing.B, name string) *loaded {
	b.Helper()
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax | packages.NeedTypesSizes,
		Dir: testmod.GoSrc(b),
		Env: testmod.StdEnv(),
	}
	pattern := name
	switch name {
	case "module/no-findings", "module/findings":
		cfg.Dir, cfg.Env, pattern = benchModule(b, name == "module/findings"), testmod.Env(), "."
	default:
		stdMu.Lock()
		defer stdMu.Unlock()
		if l, ok := stdCache[name]; ok {
			return l
		}
	}
	pkgs, err := packages.Load(cfg, pattern)
	if err != nil {
		b.Fatal(err)
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		b.Fatalf("loading %s: %d packages, errors %v", name, len(pkgs), pkgs[0].Errors)
	}
	l := &loaded{fset: pkgs[0].Fset, pkg: pkgs[0]}
	for _, f := range pkgs[0].Syntax {
		l.lines += l.fset.File(f.FileStart).LineCount()
	}
	if !strings.HasPrefix(name, "module/") {
		stdCache[name] = l
	}
	return l
}

// analysisPass is an analysis pass over a loaded package whose diagnostics
// are counted.
func (l *loaded) analysisPass(diags *int) *analysis.Pass {
	return &analysis.Pass{
		Fset: l.fset, Files: l.pkg.Syntax, Pkg: l.pkg.Types, TypesInfo: l.pkg.TypesInfo, TypesSizes: l.pkg.TypesSizes,
		Report: func(analysis.Diagnostic) { *diags++ },
	}
}

// matchAll runs every rule over the loaded package as the go/analysis
// driver does (summaries computed once, shared through the cache; fixes of
// findings turned into text edits), and returns the number of findings.
func matchAll(b *testing.B, l *loaded, rs []*rule.Rule) int {
	n := 0
	ap := l.analysisPass(&n)
	results := rule.NewResults()
	all := func(*rule.Check) bool { return true }
	for _, r := range rs {
		if err := analyzer.Run(ap, r, nil, all, results); err != nil {
			b.Fatal(err)
		}
	}
	return n
}

// BenchmarkMatch is rule matching on a type-checked package, loading
// excluded: every rule together, then each rule alone (with its own
// summary computation). Facts about dependencies are not available here,
// so calls into other packages count as unknown callees. On packages with
// findings the time includes turning each fix into text edits (decorating
// the file).
func BenchmarkMatch(b *testing.B) {
	for _, bc := range []struct {
		pkg      string
		findings int // -1: any
	}{
		{"module/no-findings", 0},
		{"module/findings", -1},
		{"net/http", -1},
		{"go/types", -1},
	} {
		l := load(b, bc.pkg)
		b.Run(strings.ReplaceAll(bc.pkg, "/", "-")+"/all", func(b *testing.B) {
			n := matchAll(b, l, All())
			if bc.findings == 0 && n != 0 {
				b.Fatalf("%d findings; want none", n)
			}
			if bc.findings < 0 && strings.HasPrefix(bc.pkg, "module/") && n == 0 {
				b.Fatal("no findings; want some")
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				matchAll(b, l, All())
			}
			b.ReportMetric(float64(n), "findings")
			b.ReportMetric(float64(l.lines*b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
	l := load(b, "net/http")
	for _, r := range All() {
		b.Run("net-http/"+r.ID, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				matchAll(b, l, []*rule.Rule{r})
			}
		})
	}
}

// BenchmarkSummary is computing the summary table (what each function does
// with its arguments) of a type-checked package.
func BenchmarkSummary(b *testing.B) {
	for _, pkg := range []string{"module/no-findings", "net/http", "go/types"} {
		l := load(b, pkg)
		b.Run(strings.ReplaceAll(pkg, "/", "-"), func(b *testing.B) {
			var n int
			ap := l.analysisPass(&n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				// A new pass has no results yet: the table is computed.
				rule.NewPass(rule.PassConfig{Fset: ap.Fset, Files: ap.Files, Pkg: ap.Pkg, Info: ap.TypesInfo}).ResultOf(summary.Analysis)
			}
			b.ReportMetric(float64(l.lines*b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

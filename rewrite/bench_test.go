package rewrite

// Benchmarks of the engine's hot paths, for benchstat (bench/README.md):
//
//	go test -bench . -run '^$' -count 10 ./rewrite/ | tee new.txt
//
// They run only with -bench. The rules live in package rules (which
// imports this one), so the rule benchmarks are in rules/bench_test.go;
// here a synthetic rule stands in for them.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dave/dst"
	"github.com/gofixslice/gofixslice/internal/testmod"
	"golang.org/x/tools/go/packages"
)

// benchFiles is the number of files of the generated bench module.
const benchFiles = 20

// benchSource is one file of the generated bench module: ordinary code with
// the constructs the rules look at (scanners, pools, ranges, appends).
func benchSource(i int, fixme bool) string {
	ret := "n"
	if fixme {
		// benchRule's target: its fix replaces fixme with 0.
		ret = "n + fixme"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `package p

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"sync"
)

var pool%[1]d = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Lines%[1]d returns copies of the lines of r.
func Lines%[1]d(r io.Reader) [][]byte {
	var out [][]byte
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		out = append(out, bytes.Clone(sc.Bytes()))
	}
	return out
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
	out := words[:0:0]
	for _, w := range words {
		if strings.TrimSpace(w) != "" {
			out = append(out, w)
		}
	}
	return out
}

// Count%[1]d counts the words.
func Count%[1]d(words []string) int {
	n := 0
	fixme := 0
	_ = fixme
	for range words {
		n++
	}
	return %[2]s
}
`, i, ret)
	return b.String()
}

// benchModule writes the bench module, with fixable files (those whose
// Count function benchRule rewrites) among benchFiles, to a new directory.
func benchModule(b *testing.B, fixable int) string {
	b.Helper()
	files := map[string]string{"go.mod": "module example.com/bench\n\ngo 1.22\n"}
	for i := 0; i < benchFiles; i++ {
		files[fmt.Sprintf("f%02d.go", i)] = benchSource(i, i < fixable)
	}
	return testmod.Module(b, files)
}

// benchRule reports `n + fixme` in return statements and rewrites it to
// `n + 0`, a fix that type-checks.
func benchRule() *Rule {
	r := &Rule{ID: "bench-rule", Summary: "bench"}
	r.Run = func(p *Pass) {
		for _, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				id, ok := n.(*ast.Ident)
				if !ok || id.Name != "fixme" || p.Info.Uses[id] == nil {
					return true
				}
				if _, isRet := enclosingReturn(f, id); !isRet {
					return true
				}
				p.Report(Diagnostic{Pos: id.Pos(), Fix: &Fix{Edit: func(c *FixContext) error {
					return c.Replace(id, func(dst.Node) dst.Node {
						return &dst.BasicLit{Kind: token.INT, Value: "0"}
					})
				}}})
				return true
			})
		}
	}
	return r
}

func enclosingReturn(f *ast.File, id *ast.Ident) (*ast.ReturnStmt, bool) {
	var found *ast.ReturnStmt
	ast.Inspect(f, func(n ast.Node) bool {
		if found != nil || n == nil || n.Pos() > id.Pos() || n.End() < id.End() {
			return false
		}
		if r, ok := n.(*ast.ReturnStmt); ok {
			found = r
			return false
		}
		return true
	})
	return found, found != nil
}

// runOK runs the engine and fails the benchmark on any error.
func runOK(b *testing.B, opts Options) *Result {
	b.Helper()
	res, err := Run(opts)
	if err != nil {
		b.Fatal(err)
	}
	if len(res.Errors) > 0 {
		b.Fatalf("%d errors, first: %v", len(res.Errors), res.Errors[0])
	}
	return res
}

// BenchmarkLoad is go list -export, parsing and type-checking, with no
// rules: the floor under every run.
func BenchmarkLoad(b *testing.B) {
	b.Run("module", func(b *testing.B) {
		dir := benchModule(b, 0)
		opts := Options{Dir: dir, Args: []string{"./..."}, Tests: true, Env: testmod.Env()}
		runOK(b, opts) // warm the build cache
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			runOK(b, opts)
		}
	})
	b.Run("net-http", func(b *testing.B) {
		opts := Options{Dir: testmod.GoSrc(b), Args: []string{"net/http"}, Env: testmod.StdEnv()}
		runOK(b, opts)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			runOK(b, opts)
		}
	})
}

// BenchmarkFix is a whole run computing fixes (decoration, fix, restore,
// verification) over the bench module with zero and with one fixable file,
// in report mode for comparison. Fixes are computed, not written, so the
// module stays the same between iterations.
func BenchmarkFix(b *testing.B) {
	for _, bc := range []struct {
		name    string
		fixable int
		fix     bool
		changes int
	}{
		{"report-one-fixable", 1, false, 0},
		{"fix-zero-fixable", 0, true, 0},
		{"fix-one-fixable", 1, true, 1},
		{"fix-all-fixable", benchFiles, true, benchFiles},
	} {
		b.Run(bc.name, func(b *testing.B) {
			dir := benchModule(b, bc.fixable)
			opts := Options{Dir: dir, Args: []string{"./..."}, Env: testmod.Env(), Rules: []*Rule{benchRule()}, Fix: bc.fix}
			if res := runOK(b, opts); len(res.Changes) != bc.changes || len(res.Findings) != bc.fixable {
				b.Fatalf("%d findings, %d changes; want %d, %d", len(res.Findings), len(res.Changes), bc.fixable, bc.changes)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				runOK(b, opts)
			}
		})
	}
}

// serverFile is net/http/server.go, type-checked with its package.
type serverFile struct {
	pass *Pass
	file *ast.File
	src  *source
	ret  *ast.ReturnStmt // a return statement with one result: a fix target
}

var (
	serverOnce sync.Once
	server     serverFile
	serverErr  error
)

// loadServer loads net/http (dependencies from export data) once per
// process and picks out server.go.
func loadServer(b *testing.B) serverFile {
	b.Helper()
	serverOnce.Do(func() {
		cfg := &packages.Config{
			Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
				packages.NeedTypes | packages.NeedTypesInfo | packages.NeedSyntax | packages.NeedTypesSizes,
			Dir: testmod.GoSrc(b),
			Env: testmod.StdEnv(),
		}
		pkgs, err := packages.Load(cfg, "net/http")
		if err != nil {
			serverErr = err
			return
		}
		if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
			serverErr = fmt.Errorf("loading net/http: %v", pkgs[0].Errors)
			return
		}
		p := pkgs[0]
		for _, f := range p.Syntax {
			name := p.Fset.File(f.FileStart).Name()
			if filepath.Base(name) != "server.go" {
				continue
			}
			raw, err := os.ReadFile(name)
			if err != nil {
				serverErr = err
				return
			}
			src, err := sourceOf(name, raw, p.Fset.File(f.FileStart))
			if err != nil {
				serverErr = err
				return
			}
			server = serverFile{
				pass: &Pass{Fset: p.Fset, Files: p.Syntax, Pkg: p.Types, Info: p.TypesInfo, Settings: DefaultSettings()},
				file: f,
				src:  src,
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if r, ok := n.(*ast.ReturnStmt); ok && server.ret == nil && len(r.Results) == 1 {
					server.ret = r
				}
				return server.ret == nil
			})
			return
		}
		serverErr = fmt.Errorf("net/http/server.go not found")
	})
	if serverErr != nil {
		b.Fatal(serverErr)
	}
	return server
}

// BenchmarkDecorate is re-parsing, checking against the loaded syntax and
// dst-decorating net/http/server.go (4,000 lines): what a file with a
// finding costs before any fix is applied.
func BenchmarkDecorate(b *testing.B) {
	s := loadServer(b)
	b.SetBytes(int64(len(s.src.raw)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := decorate(s.pass, s.file, s.src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRestore is printing the decorated net/http/server.go back to
// source and gofmt-formatting it.
func BenchmarkRestore(b *testing.B) {
	s := loadServer(b)
	ctx, err := decorate(s.pass, s.file, s.src)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(s.src.raw)))
	b.ReportAllocs()
	b.ResetTimer()
	var buf bytes.Buffer
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := printFile(&buf, ctx.File); err != nil {
			b.Fatal(err)
		}
		out, err := format.Source(buf.Bytes())
		if err != nil {
			b.Fatal(err)
		}
		if !bytes.Equal(s.src.restore(out), s.src.raw) {
			b.Fatal("restoring an unchanged file changed it")
		}
	}
}

// BenchmarkApplyFix is one fix in net/http/server.go end to end:
// decorate, edit, restore, format.
func BenchmarkApplyFix(b *testing.B) {
	s := loadServer(b)
	res := s.ret.Results[0]
	d := Diagnostic{Pos: res.Pos(), Fix: &Fix{Edit: func(c *FixContext) error {
		return c.Replace(res, func(old dst.Node) dst.Node { return &dst.ParenExpr{X: old.(dst.Expr)} })
	}}}
	b.SetBytes(int64(len(s.src.raw)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, _, errs := applyFixes(s.pass, s.file, s.src, []Diagnostic{d})
		if errs[0] != nil || out == nil {
			b.Fatalf("fix not applied: %v", errs[0])
		}
	}
}

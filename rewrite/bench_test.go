package rewrite

// Benchmarks of the engine's hot paths, for benchstat (bench/README.md):
//
//	go test -bench . -run '^$' -count 10 ./rewrite/ | tee new.txt
//
// They run only with -bench. The rules live in package rules (which
// imports this one), so the rule benchmarks are in rules/bench_test.go;
// here a synthetic rule stands in for them.

import (
	"fmt"
	"go/ast"
	"go/token"
	"strings"
	"testing"

	"github.com/dave/dst"

	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite/rule"
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
func benchRule() *rule.Rule {
	return testRule("bench-rule", func(p *rule.Pass, check *rule.Check) {
		for _, f := range p.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				id, ok := n.(*ast.Ident)
				if !ok || id.Name != "fixme" || p.Info.Uses[id] == nil {
					return true
				}
				if _, isRet := enclosingReturn(f, id); !isRet {
					return true
				}
				p.Report(rule.Diagnostic{Check: check, Pos: id.Pos(), Fix: &rule.Fix{Edit: func(c *rule.FixContext) error {
					return c.Replace(id, func(dst.Node) dst.Node {
						return &dst.BasicLit{Kind: token.INT, Value: "0"}
					})
				}}})
				return true
			})
		}
	})
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

// BenchmarkLoad is go list, go list -export, parsing and type-checking, with no
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
			opts := Options{Dir: dir, Args: []string{"./..."}, Env: testmod.Env(), Rules: []*rule.Rule{benchRule()}, Fix: bc.fix}
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

package rule

// Benchmarks of the fix machinery on a large real file, for benchstat
// (bench/README.md):
//
//	go test -bench . -run '^$' -count 10 ./rewrite/rule/ | tee new.txt

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/dave/dst"
	"golang.org/x/tools/go/packages"

	"github.com/gofixslice/gofixslice/internal/testmod"
)

// serverFile is net/http/server.go, type-checked with its package.
type serverFile struct {
	pass *Pass
	file *ast.File
	src  *Source
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
			src, err := SourceOf(name, raw, p.Fset.File(f.FileStart))
			if err != nil {
				serverErr = err
				return
			}
			server = serverFile{
				pass: NewPass(PassConfig{Fset: p.Fset, Files: p.Syntax, Pkg: p.Types, Info: p.TypesInfo}),
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
	b.SetBytes(int64(len(s.src.Raw)))
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
	b.SetBytes(int64(len(s.src.Raw)))
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
		if !bytes.Equal(s.src.restore(out), s.src.Raw) {
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
	b.SetBytes(int64(len(s.src.Raw)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, _, errs := ApplyFixes(s.pass, s.file, s.src, []Diagnostic{d})
		if errs[0] != nil || out == nil {
			b.Fatalf("fix not applied: %v", errs[0])
		}
	}
}

package rule

// Fuzz targets for the pure parts of the rewrite path, fast enough to run
// millions of inputs (FuzzRewrite in fuzz_test.go drives the whole engine):
//
//   - FuzzSourceRoundTrip: line-ending and byte-order-mark normalisation
//     restores the exact bytes it was given;
//   - FuzzDecorateRoundTrip: any file that parses is accepted as unchanged
//     by the tree comparison that detects changes on disk, and printing its
//     dst form gives exactly what gofmt gives for it (so a fix never brings
//     changes other than its own and gofmt's into a file);
//   - FuzzEdits: the per-finding text edits of -json rebuild the new file.
//
//	go test ./rewrite -run '^$' -fuzz FuzzDecorateRoundTrip -fuzztime 2m

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"
)

// goldenGoFiles returns the Go inputs of every golden case.
func goldenGoFiles(tb testing.TB) [][]byte {
	paths, err := filepath.Glob(filepath.Join("..", "..", "golden", "*", "*.txtar"))
	require.NoError(tb, err)
	var out [][]byte
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		require.NoError(tb, err)
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".go") || strings.HasSuffix(f.Name, ".go.golden") {
				out = append(out, f.Data)
			}
		}
	}
	return out
}

func addLineEndingSeeds(f *testing.F) {
	for _, s := range []string{"", "\n", "\r\n", "a\r\nb\n", "\xEF\xBB\xBF", "\xEF\xBB\xBFa\r\nb\r\n", "a\r\r\nb", "\r", "x\n\r\n"} {
		f.Add([]byte(s))
	}
}

func FuzzSourceRoundTrip(f *testing.F) {
	addLineEndingSeeds(f)
	for _, src := range goldenGoFiles(f) {
		f.Add(src)
		f.Add(bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n")))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		dir := t.TempDir()
		name := filepath.Join(dir, "p.go")
		require.NoError(t, os.WriteFile(name, raw, 0o644))
		s, err := ReadSource(name, nil)
		if err != nil {
			require.Contains(t, err.Error(), "mixed line endings")
			return
		}
		require.Equal(t, raw, s.Raw)
		require.Equal(t, bytes.HasPrefix(raw, utf8BOM), s.bom, "byte-order mark seen")
		if s.crlf {
			require.Equal(t, bytes.Count(s.text, []byte("\n")), bytes.Count(raw, []byte("\r\n")))
		}
		require.Equal(t, string(raw), string(s.restore(s.text)), "restore(text) gives the original bytes back")
	})
}

// decorateRaw parses raw the way the loader does (the byte-order mark and
// CRLF as they are) and decorates it the way the engine does before a fix.
func decorateRaw(raw []byte) (*FixContext, *Source, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", raw, parser.ParseComments)
	if err != nil {
		return nil, nil, nil
	}
	src, err := SourceOf("p.go", raw, fset.File(f.FileStart))
	if err != nil {
		return nil, nil, nil // mixed line endings: refused by design
	}
	pass := &Pass{Fset: fset, Files: []*ast.File{f}, Pkg: types.NewPackage("example.com/p", f.Name.Name), Info: &types.Info{}}
	ctx, err := decorate(pass, f, src)
	return ctx, src, err
}

func FuzzDecorateRoundTrip(f *testing.F) {
	for _, src := range goldenGoFiles(f) {
		f.Add(src)
		f.Add(append([]byte("\xEF\xBB\xBF"), bytes.ReplaceAll(src, []byte("\n"), []byte("\r\n"))...))
	}
	f.Add([]byte("package p\n\n/* a\r\nb */\nvar s = `x\r\ny`\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		ctx, src, err := decorateRaw(raw)
		if src == nil {
			return
		}
		if err != nil && strings.Contains(err.Error(), "panicked") {
			return // dst's own limits (dst #52): recovered, reported, file untouched
		}
		require.NoError(t, err, "an unchanged file is taken for changed:\n%q", raw)
		want, err := format.Source(src.text)
		if err != nil {
			return // parses, but gofmt cannot print it either
		}
		var buf bytes.Buffer
		if err := printFile(&buf, ctx.File); err != nil {
			return // recovered dst panic: reported as an error, file untouched
		}
		got, err := format.Source(buf.Bytes())
		if err != nil {
			// dst printed something that does not parse: a fix would be
			// refused by format.Source in applyFixes, never written.
			t.Logf("dst output does not parse: %v", err)
			return
		}
		if !bytes.Equal(got, want) {
			// Only a difference that changes the program matters: dst may
			// lay out comments differently from gofmt, which is cosmetic
			// (and a file with a fix is printed this way).
			require.True(t, sameProgram(t, want, got), "dst changes the program:\ninput %q\ngofmt:\n%s\ndst:\n%s", raw, want, got)
			t.Logf("dst lays out differently from gofmt:\ngofmt:\n%s\ndst:\n%s", want, got)
		}
	})
}

// sameProgram reports whether two sources are the same program, comments
// and layout aside: the same syntax trees, token for token.
func sameProgram(t *testing.T, a, b []byte) bool {
	parse := func(src []byte) []ast.Node {
		f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, parser.SkipObjectResolution)
		require.NoError(t, err)
		return preorder(f)
	}
	na, nb := parse(a), parse(b)
	if len(na) != len(nb) {
		return false
	}
	for i := range na {
		if !sameTokens(na[i], nb[i]) {
			return false
		}
	}
	return true
}

func FuzzEdits(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nB\nc\n"))
	f.Add([]byte(""), []byte("x"))
	f.Add([]byte("a\r\nb"), []byte("a\nb\r\n"))
	f.Fuzz(func(t *testing.T, old, new []byte) {
		edits := Edits(old, new)
		got := string(old)
		next := len(old) // start of the edit after this one
		for i := len(edits) - 1; i >= 0; i-- {
			e := edits[i]
			require.True(t, 0 <= e.Start && e.Start <= e.End && e.End <= next, "edit %d out of order or range: %+v", i, e)
			next = e.Start
			got = got[:e.Start] + e.New + got[e.End:]
		}
		require.Equal(t, string(new), got)
	})
}

package rewrite_test

// FuzzRewrite drives the whole rewrite path (load, every rule, fixes
// through dst, verification, atomic write) with Go source files and checks
// the engine's guarantees on each input that parses and type-checks as a
// single-file package:
//
//   - no panic escapes the engine, and no rule or fix panics (a panic would
//     be turned into an error: the fuzzer reports it as a failure);
//   - no fix is refused for not type-checking (the safety net held, but a
//     rule produced a broken fix: reported as a failure too);
//   - the written file parses, type-checks, is gofmt-formatted, keeps the
//     input's line endings and byte-order mark, and keeps every comment;
//   - a second run changes nothing and reports no error.
//
// The seed corpus is every Go input of the golden cases. As a plain test
// (go test ./..., CI) the seeds are checked by TestFuzzRewriteSeeds in
// batches, one module per Go version with one package per seed, so that
// they cost a few runs of the engine instead of one per seed; FuzzRewrite
// itself then runs only the entries of testdata/fuzz/FuzzRewrite (found
// crashers kept as regressions), if any, one by one. With -fuzz, the seeds
// are added to the corpus and every input runs alone.
//
//	go test ./rewrite -run '^$' -fuzz FuzzRewrite -fuzztime 5m
//
// GOFIXSLICE_FUZZ_DISABLE=rule-a,rule-b leaves rules out, to fuzz on past a
// known finding.

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/txtar"

	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules"
)

// Form flags of a fuzz input: how the file is written to disk.
const (
	formCRLF = 1 << iota
	formBOM
)

// fuzzInput is one source file with the Go version of its module.
type fuzzInput struct {
	name  string // seed name, for messages
	src   []byte
	minor int // go 1.<minor>
	form  uint8
}

func FuzzRewrite(f *testing.F) {
	if fuzzing() {
		for _, s := range goldenSeeds(f) {
			f.Add(s.src, uint8(s.minor-18), s.form)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, minor, form uint8) {
		in := fuzzInput{name: "input", src: src, minor: 18 + int(minor)%9, form: form & (formCRLF | formBOM)}
		if !acceptable(in) {
			return
		}
		dir := t.TempDir()
		writeModule(t, dir, in.minor, map[string]fuzzInput{"p": in})
		checkModule(t, dir, in.minor, map[string]fuzzInput{"p": in})
	})
}

func fuzzing() bool {
	fl := flag.Lookup("test.fuzz")
	return fl != nil && fl.Value.String() != ""
}

// goldenSeeds returns every Go input file of the golden cases, with the
// case's Go version, once as it is and, for the first few, in CRLF and BOM
// forms as well.
func goldenSeeds(tb testing.TB) []fuzzInput {
	paths, err := filepath.Glob(filepath.Join("..", "golden", "*", "*.txtar"))
	require.NoError(tb, err)
	require.NotEmpty(tb, paths, "no golden cases found")
	var out []fuzzInput
	for _, p := range paths {
		ar, err := txtar.ParseFile(p)
		require.NoError(tb, err)
		minor := 22
		for _, f := range ar.Files {
			if f.Name == "go.mod" {
				for _, l := range strings.Split(string(f.Data), "\n") {
					if v, ok := strings.CutPrefix(strings.TrimSpace(l), "go 1."); ok {
						v, _, _ = strings.Cut(v, ".")
						if n, err := strconv.Atoi(v); err == nil && n >= 18 && n <= 26 {
							minor = n
						}
					}
				}
			}
		}
		for _, f := range ar.Files {
			if strings.HasSuffix(f.Name, ".go") {
				name := filepath.Base(filepath.Dir(p)) + "/" + strings.TrimSuffix(filepath.Base(p), ".txtar") + "/" + f.Name
				out = append(out, fuzzInput{name: name, src: f.Data, minor: minor})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	for i := 0; i < 3 && i < len(out); i++ {
		for _, form := range []uint8{formCRLF, formBOM, formCRLF | formBOM} {
			s := out[i]
			s.name += fmt.Sprintf(" (form %d)", form)
			s.form = form
			out = append(out, s)
		}
	}
	return out
}

// TestFuzzRewriteSeeds checks FuzzRewrite's golden seeds that are
// single-file packages, one module per Go version, one package per seed.
func TestFuzzRewriteSeeds(t *testing.T) {
	seeds := goldenSeeds(t)
	byMinor := map[int]map[string]fuzzInput{}
	accepted := 0
	for i, s := range seeds {
		if !acceptable(s) {
			continue
		}
		if byMinor[s.minor] == nil {
			byMinor[s.minor] = map[string]fuzzInput{}
		}
		byMinor[s.minor][fmt.Sprintf("p%03d", i)] = s
		accepted++
	}
	t.Logf("%d of %d golden inputs are single-file packages that type-check", accepted, len(seeds))
	require.NotZero(t, accepted)
	for minor, pkgs := range byMinor {
		t.Run(fmt.Sprintf("go1.%d", minor), func(t *testing.T) {
			dir := t.TempDir()
			writeModule(t, dir, minor, pkgs)
			checkModule(t, dir, minor, pkgs)
		})
	}
}

func writeModule(t *testing.T, dir string, minor int, pkgs map[string]fuzzInput) {
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte(fmt.Sprintf("module example.com/fuzz\n\ngo 1.%d\n", minor)), 0o644))
	for pkg, in := range pkgs {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, pkg), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, pkg, "p.go"), onDisk(in), 0o644))
	}
}

// onDisk is the input as written: CRLF line endings and a byte-order mark
// when its form asks for them.
func onDisk(in fuzzInput) []byte {
	b := in.src
	if in.form&formCRLF != 0 {
		b = bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
	}
	if in.form&formBOM != 0 {
		b = append([]byte("\xEF\xBB\xBF"), b...)
	}
	return b
}

// checkModule runs the engine with every rule and -w over the module in
// dir, whose packages are pkgs (directory -> input, file p.go), and checks
// the guarantees for each.
func checkModule(t *testing.T, dir string, minor int, pkgs map[string]fuzzInput) {
	opts := rewrite.Options{
		Dir: dir, Args: []string{"./..."}, Tests: true, Env: testmod.Env(),
		Rules: fuzzRules(), Settings: everyCheck, Fix: true, Write: true,
	}
	res, err := rewrite.Run(opts)
	require.NoError(t, err)
	pkgOf := func(path string) string {
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return ""
		}
		return strings.Split(filepath.ToSlash(rel), "/")[0]
	}
	skip := map[string]bool{} // packages the go command did not accept
	for _, e := range res.Errors {
		msg := e.Error()
		pkg := ""
		for p := range pkgs {
			if strings.Contains(msg, p+string(filepath.Separator)+"p.go") {
				pkg = p
			}
		}
		in := pkgs[pkg]
		switch {
		case strings.Contains(msg, "panicked"):
			t.Errorf("%s: engine error: %s\ninput:\n%s", in.name, msg, in.src)
		case pkg != "" && !strings.Contains(msg, "changed on disk") && !strings.Contains(msg, "not written"):
			// A load or type error our in-process check did not see (the
			// go command is stricter in places): not an engine matter.
			skip[pkg] = true
			t.Logf("%s: not accepted by the go command: %s", in.name, msg)
		default:
			t.Errorf("%s: engine error: %s", in.name, msg)
		}
	}
	fixed := map[string]bool{}
	for _, fd := range res.Findings {
		if fd.Fixed {
			fixed[pkgOf(fd.Pos.Filename)] = true
		}
		// The engine drops a fix that does not type-check or is not
		// idempotent; for the fuzzer either is a rule's bug.
		if why := fd.FixDropped; strings.Contains(why, "does not type-check") || strings.Contains(why, "not idempotent") {
			in := pkgs[pkgOf(fd.Pos.Filename)]
			t.Errorf("%s: %s's fix dropped: %s\ninput:\n%s", in.name, fd.Check.ID(), why, in.src)
		}
	}
	written := map[string]bool{}
	for _, c := range res.Changes {
		require.True(t, c.Written, "%s not written", c.Path)
		written[pkgOf(c.Path)] = true
	}
	for pkg, in := range pkgs {
		if skip[pkg] {
			continue
		}
		got, err := os.ReadFile(filepath.Join(dir, pkg, "p.go"))
		require.NoError(t, err)
		if !written[pkg] {
			require.Equal(t, string(onDisk(in)), string(got), "%s: file changed without a change record", in.name)
			require.False(t, fixed[pkg], "%s: a finding is marked fixed but the file was not written", in.name)
			continue
		}
		require.True(t, fixed[pkg], "%s: file written without a fixed finding", in.name)
		checkOutput(t, in, got)
	}
	if len(written) == 0 {
		return
	}
	res2, err := rewrite.Run(opts)
	require.NoError(t, err)
	for _, e := range res2.Errors {
		t.Errorf("second run: %v", e)
	}
	for _, c := range res2.Changes {
		in := pkgs[pkgOf(c.Path)]
		t.Errorf("%s: second run changed the file:\n%s\ninput:\n%s", in.name, rewrite.UnifiedDiff("p.go", c.Old, c.New), in.src)
	}
}

// fuzzRules is every rule but those named in GOFIXSLICE_FUZZ_DISABLE
// (comma-separated IDs), to fuzz on past a known finding.
func fuzzRules() []*rule.Rule {
	off := map[string]bool{}
	for _, id := range strings.Split(os.Getenv("GOFIXSLICE_FUZZ_DISABLE"), ",") {
		off[strings.TrimSpace(id)] = true
	}
	var out []*rule.Rule
	for _, r := range rules.All() {
		if !off[r.ID] {
			out = append(out, r)
		}
	}
	return out
}

// everyCheck runs every check of the rules, style checks included.
func everyCheck(string) (*rewrite.Settings, error) {
	return &rewrite.Settings{Enabled: func(*rule.Check, string) bool { return true }}, nil
}

// checkOutput checks one rewritten file.
func checkOutput(t *testing.T, in fuzzInput, got []byte) {
	text := got
	if in.form&formBOM != 0 {
		require.True(t, bytes.HasPrefix(text, []byte("\xEF\xBB\xBF")), "%s: byte-order mark lost", in.name)
		text = text[3:]
	} else {
		require.False(t, bytes.HasPrefix(text, []byte("\xEF\xBB\xBF")), "%s: byte-order mark added", in.name)
	}
	if in.form&formCRLF != 0 {
		require.Equal(t, bytes.Count(text, []byte("\n")), bytes.Count(text, []byte("\r\n")), "%s: CRLF line endings not kept", in.name)
		text = bytes.ReplaceAll(text, []byte("\r\n"), []byte("\n"))
	} else {
		require.NotContains(t, string(text), "\r\n", "%s: CRLF introduced", in.name)
	}
	formatted, err := format.Source(text)
	require.NoError(t, err, "%s: output does not parse:\n%s", in.name, text)
	require.Equal(t, string(formatted), string(text), "%s: output is not gofmt-formatted", in.name)
	_, errs := typeCheck(text, in.minor)
	require.Empty(t, errs, "%s: output does not type-check:\n%s", in.name, text)
	// Every comment of the input is still there, as gofmt prints it (gofmt
	// drops empty doc comments and reformats others).
	gofmted, err := format.Source(in.src)
	require.NoError(t, err)
	missing := comments(gofmted)
	for c, n := range comments(text) {
		missing[c] -= n
	}
	for c, n := range missing {
		if n > 0 {
			t.Errorf("%s: comment %q lost:\n%s", in.name, c, text)
		}
	}
}

func comments(src []byte) map[string]int {
	f, err := parser.ParseFile(token.NewFileSet(), "p.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	out := map[string]int{}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			out[c.Text]++
		}
	}
	return out
}

// acceptable reports whether an input is a single-file package that the
// engine should take as it is: it parses, is not excluded by a build
// constraint, does not use cgo, imports only the standard library, and
// type-checks.
func acceptable(in fuzzInput) bool {
	if in.form&formCRLF != 0 && bytes.IndexByte(in.src, '\r') >= 0 {
		return false // would be mixed line endings: refused by design
	}
	if bytes.HasPrefix(in.src, []byte("\xEF\xBB\xBF")) {
		return false
	}
	f, errs := typeCheck(in.src, in.minor)
	if f == nil || len(errs) > 0 {
		return false
	}
	if strings.HasSuffix(f.Name.Name, "_test") || ast.IsGenerated(f) {
		return false // not a package on its own; generated files are skipped by design
	}
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if constraint.IsGoBuild(c.Text) || constraint.IsPlusBuild(c.Text) {
				x, err := constraint.Parse(c.Text)
				if err != nil || !x.Eval(buildTag) {
					return false
				}
			}
		}
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body == nil {
			return false // the compiler wants an assembly body
		}
	}
	for _, imp := range f.Imports {
		p, err := strconv.Unquote(imp.Path.Value)
		if err != nil || p == "C" || strings.Contains(strings.Split(p, "/")[0], ".") || strings.HasPrefix(p, "internal") ||
			strings.Contains(p, "/internal") || strings.HasPrefix(p, "vendor/") || strings.HasPrefix(p, "cmd/") {
			return false
		}
	}
	return true
}

func buildTag(tag string) bool {
	switch tag {
	case runtime.GOOS, runtime.GOARCH, "gc":
		return true
	case "unix":
		return runtime.GOOS != "windows" && runtime.GOOS != "plan9" && runtime.GOOS != "js" && runtime.GOOS != "wasip1"
	}
	if v, ok := strings.CutPrefix(tag, "go1."); ok {
		n, err := strconv.Atoi(v)
		return err == nil && n <= 26
	}
	return false
}

var (
	importMu  sync.Mutex
	importFS  = token.NewFileSet()
	stdImport = importer.ForCompiler(importFS, "source", nil)
)

// typeCheck parses and type-checks src as a package of its own at Go
// version go1.<minor>; it returns nil when src does not parse.
func typeCheck(src []byte, minor int) (f *ast.File, errs []error) {
	defer func() {
		if r := recover(); r != nil { // a go/types bug, not ours
			f, errs = nil, nil
		}
	}()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, nil
	}
	conf := types.Config{
		GoVersion: fmt.Sprintf("go1.%d", minor),
		Importer:  stdImport,
		Error:     func(err error) { errs = append(errs, err) },
	}
	importMu.Lock()
	defer importMu.Unlock()
	conf.Check("example.com/fuzz/p", fset, []*ast.File{f}, nil)
	return f, errs
}

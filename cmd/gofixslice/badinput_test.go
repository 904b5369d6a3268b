package main

// The bad-input matrix: one test per kind of input a user's repository can
// hold that the tool must survive. Each test has a package "ok" with the
// usual fixable hazard beside the bad input and checks that it is still
// fixed (one bad thing never stops the others), that every error names the
// file (and position where there is one), and that nothing the tool must
// not touch changed. Syntax errors, type errors, generated files, CRLF and
// BOM files on their own, duplicate imports and read-only files are in
// main_test.go.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hazardIn is the hazard as package name, with the function renamed to
// keep+suffix.
func hazardIn(name, suffix string) string {
	return strings.Replace(strings.Replace(hazard, "package p", "package "+name, 1), "func keep(", "func keep"+suffix+"(", 1)
}

func hazardFixedIn(name, suffix string) string {
	return strings.Replace(strings.Replace(hazardFixed, "package p", "package "+name, 1), "func keep(", "func keep"+suffix+"(", 1)
}

// withOK adds the package that must be fixed whatever else is wrong.
func withOK(files map[string]string) map[string]string {
	files["ok/ok.go"] = hazardIn("ok", "")
	return files
}

func assertOKFixed(t *testing.T, dir string) {
	t.Helper()
	assert.Equal(t, hazardFixedIn("ok", ""), read(t, dir, "ok/ok.go"), "the good package is still fixed")
}

func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go %v: %s", args, out)
}

func TestBadInputMissingDependency(t *testing.T) {
	dir := module(t, withOK(map[string]string{
		"missing/m.go": "package missing\n\nimport \"example.org/notthere/x\"\n\nvar _ = x.Y\n",
		"missing/h.go": hazardIn("missing", ""),
	}))
	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "missing/m.go:3:8: ")
	assert.Contains(t, errOut, "example.org/notthere/x")
	assert.Equal(t, hazardIn("missing", ""), read(t, dir, "missing/h.go"), "a package that does not load is not rewritten")
	assertOKFixed(t, dir)
}

// TestBadInputCgoFile: a file that imports "C" is never reported on or
// rewritten, whether cgo is enabled (the package is checked through the
// cgo-generated files) or not (the file is excluded by its implicit cgo
// build constraint). The package's other files are fixed.
func TestBadInputCgoFile(t *testing.T) {
	cgoSrc := "package withcgo\n\n// #include <stdlib.h>\nimport \"C\"\n\nimport \"bufio\"\n\n" +
		"func keepC(sc *bufio.Scanner, m map[int][]byte) {\n\tfor i := 0; sc.Scan(); i++ {\n\t\tm[i] = sc.Bytes()\n\t}\n}\n\nvar _ C.int\n"
	for _, enabled := range []string{"0", "1"} {
		t.Run("CGO_ENABLED="+enabled, func(t *testing.T) {
			if enabled == "1" {
				if _, err := exec.LookPath("gcc"); err != nil {
					t.Skip("no C compiler")
				}
			}
			dir := module(t, withOK(map[string]string{
				"withcgo/c.go": cgoSrc,
				"withcgo/h.go": hazardIn("withcgo", "H"),
			}))
			t.Setenv("CGO_ENABLED", enabled)
			out, errOut, code := gofixslice(t, dir, "-w", "./...")
			assert.Equal(t, 0, code, "%s%s", out, errOut)
			assert.NotContains(t, out+errOut, "c.go")
			assert.Equal(t, cgoSrc, read(t, dir, "withcgo/c.go"), "the cgo file is untouched")
			assert.Equal(t, hazardFixedIn("withcgo", "H"), read(t, dir, "withcgo/h.go"))
			assertOKFixed(t, dir)
		})
	}
}

// TestBadInputOtherOSBuildTag: files excluded by the build configuration
// of this run (another GOOS, by file name or //go:build line, or a tag
// that was not passed) were not type-checked, so they are neither
// reported nor rewritten; -tags brings a tagged file in.
func TestBadInputOtherOSBuildTag(t *testing.T) {
	other := "windows"
	if runtime.GOOS == "windows" {
		other = "linux"
	}
	byName := hazardIn("tagged", "ByName")
	byLine := "//go:build " + other + "\n\n" + hazardIn("tagged", "ByLine")
	byTag := "//go:build mytag\n\n" + hazardIn("tagged", "ByTag")
	dir := module(t, withOK(map[string]string{
		"tagged/x_" + other + ".go": byName,
		"tagged/line.go":            byLine,
		"tagged/tag.go":             byTag,
		"tagged/doc.go":             "package tagged\n",
	}))
	out, errOut, code := gofixslice(t, dir, "-w", "./...")
	assert.Equal(t, 0, code, "%s%s", out, errOut)
	assert.Equal(t, byName, read(t, dir, "tagged/x_"+other+".go"))
	assert.Equal(t, byLine, read(t, dir, "tagged/line.go"))
	assert.Equal(t, byTag, read(t, dir, "tagged/tag.go"))
	assertOKFixed(t, dir)

	_, errOut, code = gofixslice(t, dir, "-w", "-tags", "mytag", "./...")
	assert.Equal(t, 0, code, errOut)
	assert.Equal(t, "//go:build mytag\n\n"+hazardFixedIn("tagged", "ByTag"), read(t, dir, "tagged/tag.go"), "checked with -tags, so fixed")
	assert.Equal(t, byLine, read(t, dir, "tagged/line.go"))
}

// TestBadInputCRLFWithBOM: a file with both a byte-order mark and CRLF line
// endings keeps both; CRs inside comments and raw strings are not taken for
// a change on disk.
func TestBadInputCRLFWithBOM(t *testing.T) {
	extra := "\n/* a block\ncomment */\n\nvar raw = `two\nlines`\n"
	src := "\xEF\xBB\xBF" + strings.ReplaceAll(hazardIn("both", "")+extra, "\n", "\r\n")
	dir := module(t, withOK(map[string]string{"both/both.go": src}))
	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	require.Equal(t, 0, code, errOut)
	want := "\xEF\xBB\xBF" + strings.ReplaceAll(hazardFixedIn("both", "")+extra, "\n", "\r\n")
	assert.Equal(t, want, read(t, dir, "both/both.go"))
	assertOKFixed(t, dir)
	out, _, code := gofixslice(t, dir, "-l", "./...")
	assert.Equal(t, 0, code, "second run changes nothing")
	assert.Empty(t, out)
}

// TestBadInputMixedLineEndings: a file with both CRLF and LF line endings
// has no single form to restore, so it is refused with an error naming it;
// the finding is still reported (unfixed) and other files are fixed.
func TestBadInputMixedLineEndings(t *testing.T) {
	src := strings.Replace(strings.ReplaceAll(hazardIn("mixed", ""), "\n", "\r\n"), "package mixed\r\n", "package mixed\n", 1)
	dir := module(t, withOK(map[string]string{"mixed/mixed.go": src}))
	out, errOut, code := gofixslice(t, dir, "-w", "./...")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "mixed/mixed.go: mixed line endings; not rewritten")
	assert.Contains(t, out, "mixed/mixed.go:7:10: transient-retain/next-call:", "reported, not fixed")
	assert.Equal(t, src, read(t, dir, "mixed/mixed.go"))
	assertOKFixed(t, dir)
}

// TestBadInputPackageNamedLikeImport: local packages named bytes, strings
// and slices. A fix that needs the standard package in a file that imports
// the local one imports the standard one under a fresh alias; the local
// import is neither renamed nor reused. A package that is itself named
// bytes imports the standard bytes plainly (a package's own name is not in
// its file scope).
func TestBadInputPackageNamedLikeImport(t *testing.T) {
	usesLocal := `package uses

import (
	"bufio"
	"io"

	"example.com/m/bytes"
	"example.com/m/slices"
	"example.com/m/strings"
)

type Line []byte

var firstWord = map[string]string{}

func keep(sc *bufio.Scanner, m map[int][]byte, n map[int]any) {
	for i := 0; sc.Scan(); i++ {
		m[i] = sc.Bytes()
		n[i] = Line(sc.Bytes())
	}
}

func scan(key string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := string(b)
	firstWord[key] = s[:10]
	return nil
}

var _, _, _ = bytes.Clone, strings.Clone, slices.Clone
`
	wantUses := `package uses

import (
	"bufio"
	bytes1 "bytes"
	"io"
	slices1 "slices"
	strings1 "strings"

	"example.com/m/bytes"
	"example.com/m/slices"
	"example.com/m/strings"
)

type Line []byte

var firstWord = map[string]string{}

func keep(sc *bufio.Scanner, m map[int][]byte, n map[int]any) {
	for i := 0; sc.Scan(); i++ {
		m[i] = bytes1.Clone(sc.Bytes())
		n[i] = slices1.Clone(Line(sc.Bytes()))
	}
}

func scan(key string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := string(b)
	firstWord[key] = strings1.Clone(s[:10])
	return nil
}

var _, _, _ = bytes.Clone, strings.Clone, slices.Clone
`
	dir := module(t, withOK(map[string]string{
		"bytes/b.go":   "package bytes\n\nfunc Clone(b []byte) []byte { return b }\n",
		"bytes/h.go":   hazardIn("bytes", "B"),
		"strings/s.go": "package strings\n\nfunc Clone(s string) string { return s }\n",
		"slices/s.go":  "package slices\n\nfunc Clone(s []int) []int { return s }\n",
		"uses/u.go":    usesLocal,
	}))
	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, wantUses, read(t, dir, "uses/u.go"))
	assert.Equal(t, hazardFixedIn("bytes", "B"), read(t, dir, "bytes/h.go"))
	assertOKFixed(t, dir)
	goCmd(t, dir, "vet", "./...")
}

// TestBadInputShadowedImportName: a local identifier named like the import
// the fix needs, at the rewrite site, while the file already imports it:
// the fix adds the import again under a fresh alias and uses that.
func TestBadInputShadowedImportName(t *testing.T) {
	src := `package shadow

import (
	"bufio"
	"bytes"
)

var _ = bytes.MinRead

func keep(sc *bufio.Scanner, m map[int][]byte, bytes int) {
	for i := 0; sc.Scan(); i++ {
		m[i+bytes] = sc.Bytes()
	}
}

func keepLoop(sc *bufio.Scanner, m map[int][]byte) {
	for bytes := 0; sc.Scan(); bytes++ {
		m[bytes] = sc.Bytes()
	}
}

func keepPlain(sc *bufio.Scanner, m map[int][]byte) {
	for i := 0; sc.Scan(); i++ {
		m[i] = sc.Bytes()
	}
}
`
	want := strings.NewReplacer(
		"\t\"bytes\"\n)", "\t\"bytes\"\n\tbytes1 \"bytes\"\n)",
		"m[i+bytes] = sc.Bytes()", "m[i+bytes] = bytes1.Clone(sc.Bytes())",
		"m[bytes] = sc.Bytes()", "m[bytes] = bytes1.Clone(sc.Bytes())",
		"m[i] = sc.Bytes()", "m[i] = bytes.Clone(sc.Bytes())",
	).Replace(src)
	dir := module(t, withOK(map[string]string{"shadow/s.go": src}))
	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, want, read(t, dir, "shadow/s.go"))
	assertOKFixed(t, dir)
	goCmd(t, dir, "vet", "./...")
}

// TestBadInputEmptyPackage: a directory without Go files is skipped by
// ./... and is an error naming it when given explicitly; a package whose
// only file is a package clause is fine.
func TestBadInputEmptyPackage(t *testing.T) {
	dir := module(t, withOK(map[string]string{
		"empty/README":  "no Go here\n",
		"clause/doc.go": "// Package clause is empty.\npackage clause\n",
	}))
	out, errOut, code := gofixslice(t, dir, "-w", "./...")
	assert.Equal(t, 0, code, "%s%s", out, errOut)
	assertOKFixed(t, dir)

	_, errOut, code = gofixslice(t, dir, "./empty")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "no Go files in")
	assert.Contains(t, errOut, "empty")

	out, errOut, code = gofixslice(t, dir, "./clause")
	assert.Equal(t, 0, code, "%s%s", out, errOut)
}

// TestBadInputTestOnlyPackage: a directory with only _test.go files (both
// the in-package and the external test package) is checked and fixed with
// the default -test=true and skipped without error with -test=false.
func TestBadInputTestOnlyPackage(t *testing.T) {
	in := hazardIn("testonly", "In")
	ext := hazardIn("testonly_test", "Ext")
	dir := module(t, withOK(map[string]string{
		"testonly/in_test.go":  in,
		"testonly/ext_test.go": ext,
	}))
	out, errOut, code := gofixslice(t, dir, "-w", "-test=false", "./...")
	assert.Equal(t, 0, code, "%s%s", out, errOut)
	assert.Equal(t, in, read(t, dir, "testonly/in_test.go"))
	assert.Equal(t, ext, read(t, dir, "testonly/ext_test.go"))
	assertOKFixed(t, dir)

	_, errOut, code = gofixslice(t, dir, "-w", "./...")
	assert.Equal(t, 0, code, errOut)
	assert.Equal(t, hazardFixedIn("testonly", "In"), read(t, dir, "testonly/in_test.go"))
	assert.Equal(t, hazardFixedIn("testonly_test", "Ext"), read(t, dir, "testonly/ext_test.go"))
	goCmd(t, dir, "vet", "./...")
}

// TestBadInputHugeFile: a file of tens of thousands of lines is checked and
// fixed (no timing assertion), with everything else in it kept.
func TestBadInputHugeFile(t *testing.T) {
	var pad strings.Builder
	for i := 0; i < 14000; i++ {
		fmt.Fprintf(&pad, "\n// f%d returns %d.\nfunc f%d() int { return %d }\n", i, i, i, i)
	}
	src := hazardIn("huge", "") + pad.String()
	require.Greater(t, strings.Count(src, "\n"), 40000)
	dir := module(t, withOK(map[string]string{"huge/huge.go": src}))
	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	require.Equal(t, 0, code, errOut)
	assert.True(t, hazardFixedIn("huge", "")+pad.String() == read(t, dir, "huge/huge.go"), "huge file fixed, rest kept")
	assertOKFixed(t, dir)
}

// TestBadInputSymlinks: ./... does not follow a symlinked directory (the
// go command's rule), so its files are checked once, under their real
// path. Named explicitly, a symlinked directory inside the module is
// fixed through the link (the link stays a link); one that leads out of
// the module is an error naming the file and is not written. A module
// reached through a symlinked path works as usual.
func TestBadInputSymlinks(t *testing.T) {
	outside := t.TempDir()
	outFile := filepath.Join(outside, "o.go")
	require.NoError(t, os.WriteFile(outFile, []byte(hazardIn("outlnk", "")), 0o644))
	dir := module(t, withOK(map[string]string{"real/r.go": hazardIn("real", "")}))
	require.NoError(t, os.Symlink("real", filepath.Join(dir, "lnk")))
	require.NoError(t, os.Symlink(outside, filepath.Join(dir, "outlnk")))

	out, _, code := gofixslice(t, dir, "./...")
	assert.Equal(t, 1, code)
	assert.Equal(t, 1, strings.Count(out, "r.go:"), "the linked directory is not checked twice: %s", out)
	assert.Contains(t, out, "real/r.go:7:10:")
	assert.NotContains(t, out, "o.go")

	out, errOut, code := gofixslice(t, dir, "-w", "./lnk", "./outlnk")
	assert.Equal(t, 2, code, out)
	assert.Contains(t, errOut, "outlnk/o.go: resolves to "+filepath.Join(mustEval(t, outside), "o.go")+", outside the main module; not rewritten")
	assert.Contains(t, out, "outlnk/o.go:7:10: transient-retain/next-call:", "reported, not fixed")
	assert.Equal(t, hazardIn("outlnk", ""), read(t, outside, "o.go"), "nothing outside the module is written")
	assert.Equal(t, hazardFixedIn("real", ""), read(t, dir, "real/r.go"), "written through the link")
	fi, err := os.Lstat(filepath.Join(dir, "lnk"))
	require.NoError(t, err)
	assert.True(t, fi.Mode()&os.ModeSymlink != 0, "the link is kept")

	// The module itself reached through a symlink.
	link := filepath.Join(t.TempDir(), "modlink")
	require.NoError(t, os.Symlink(dir, link))
	_, errOut, code = gofixslice(t, link, "-w", "./ok")
	assert.Equal(t, 0, code, errOut)
	assertOKFixed(t, dir)
}

func mustEval(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	require.NoError(t, err)
	return r
}

// TestBadInputIgnoredFiles: testdata directories, directories starting with
// _ or ., and files that are not .go files are not loaded by ./..., even
// when they hold hazards or do not parse.
func TestBadInputIgnoredFiles(t *testing.T) {
	ignored := map[string]string{
		"p/testdata/x.go":        hazardIn("x", ""),
		"p/testdata/broken.go":   "package broken\n\nfunc (\n",
		"p/testdata/mod/go.mod":  "module example.com/inner\n\ngo 1.22\n",
		"p/testdata/mod/y.go":    hazardIn("y", ""),
		"p/_skip/y.go":           "package y\n\nfunc (\n",
		"p/.hidden/z.go":         hazardIn("z", ""),
		"p/notes.txt":            hazard,
		"p/p.go.orig":            hazard,
		"p/README.md":            "```go\n" + hazard + "```\n",
		"nested/go.mod":          "module example.com/nested\n\ngo 1.22\n",
		"nested/n.go":            hazardIn("n", ""),
		"p/p.go":                 hazardIn("p", ""),
		"p/testdata/p_linked.go": "package p\n\nfunc (\n",
	}
	files := withOK(map[string]string{})
	for k, v := range ignored {
		files[k] = v
	}
	dir := module(t, files)
	_, errOut, code := gofixslice(t, dir, "-w", "./...")
	require.Equal(t, 0, code, errOut)
	assertOKFixed(t, dir)
	assert.Equal(t, hazardFixedIn("p", ""), read(t, dir, "p/p.go"))
	for name, content := range ignored {
		if name != "p/p.go" {
			assert.Equal(t, content, read(t, dir, name), "%s is ignored", name)
		}
	}
}

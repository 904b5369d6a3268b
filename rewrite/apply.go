package rewrite

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
)

// fixPackage applies the fixes of one package file by file, verifies that
// the package still type-checks with the new contents, and records the
// changes that pass.
func (e *engine) fixPackage(pkg *Package, diags []ruleDiag, res *pkgResult) {
	byFile := map[*ast.File][]int{}
	var order []*ast.File
	for i, d := range diags {
		if d.Fix == nil {
			continue
		}
		f := fileOf(pkg.Syntax, d.Pos)
		if f == nil {
			continue
		}
		if _, ok := byFile[f]; !ok {
			order = append(order, f)
		}
		byFile[f] = append(byFile[f], i)
	}
	type pending struct {
		file   *ast.File
		name   string
		src    *source
		newSrc []byte
		diags  []int // indexes into diags that were applied
	}
	var changed []*pending
	for _, f := range order {
		name := pkg.Fset.File(f.FileStart).Name()
		root := e.writeRoot(pkg, name)
		if root == "" {
			continue
		}
		if err := resolvesInside(root, name); err != nil {
			res.errors = append(res.errors, err)
			continue
		}
		src, err := readSource(name, pkg.Fset.File(f.FileStart))
		if err != nil {
			res.errors = append(res.errors, err)
			continue
		}
		var ds []Diagnostic
		var idx []int
		for _, i := range byFile[f] {
			ds = append(ds, diags[i].Diagnostic)
			idx = append(idx, i)
		}
		pass := &Pass{Fset: pkg.Fset, Files: pkg.Syntax, Pkg: pkg.Types, Info: pkg.TypesInfo, Settings: e.opts.Settings}
		out, applied, errs := applyFixes(pass, f, src, ds)
		for k, err := range errs {
			if err != nil {
				d := diags[idx[k]]
				if out != nil && fixesAlone(pass, f, src, d.Diagnostic) {
					// It conflicts with another fix of this file (whose
					// edit replaced its node): not an error; the finding
					// stays unfixed, and a second run can fix it.
					continue
				}
				res.errors = append(res.errors, fmt.Errorf("%s: %s: fix not applied: %v", pkg.Fset.PositionFor(d.Pos, false), d.rule.ID, err))
			}
		}
		if out == nil {
			continue
		}
		p := &pending{file: f, name: name, src: src, newSrc: out}
		for k, ok := range applied {
			if ok {
				p.diags = append(p.diags, idx[k])
			}
		}
		changed = append(changed, p)
	}
	// Verify: re-type-check the package with every new content; drop the
	// files whose new content does not check, and try again without them.
	for len(changed) > 0 {
		newFiles := map[*ast.File][]byte{}
		for _, p := range changed {
			newFiles[p.file] = p.newSrc
		}
		bad := e.verify(pkg, newFiles)
		if len(bad) == 0 {
			break
		}
		kept := changed[:0]
		for _, p := range changed {
			if msg, ok := bad[p.file]; ok {
				rules := map[string]bool{}
				for _, i := range p.diags {
					rules[diags[i].rule.ID] = true
				}
				res.errors = append(res.errors, fmt.Errorf("%s: fix by %s does not type-check, file left untouched: %s", p.name, joinKeys(rules), msg))
				continue
			}
			kept = append(kept, p)
		}
		changed = kept
	}
	for _, p := range changed {
		for _, i := range p.diags {
			res.findings[diags[i].finding].Fixed = true
		}
		res.changes = append(res.changes, Change{Path: p.name, Old: p.src.raw, New: p.newSrc})
	}
	if e.opts.Edits {
		for _, p := range changed {
			for _, i := range p.diags {
				pass := &Pass{Fset: pkg.Fset, Files: pkg.Syntax, Pkg: pkg.Types, Info: pkg.TypesInfo, Settings: e.opts.Settings}
				out, _, _ := applyFixes(pass, p.file, p.src, []Diagnostic{diags[i].Diagnostic})
				if out != nil {
					res.findings[diags[i].finding].Edits = Edits(p.src.raw, out)
				}
			}
		}
	}
}

// writeRoot returns the directory a file of pkg may be rewritten under, or
// "" when it must not be written: the main module's directory for its own
// files; GOROOT/src for a standard-library file when the run works inside
// that same GOROOT/src (checking the standard library in a writable copy
// of GOROOT: the go command gives std packages no module); never a
// vendored file or one of another module.
func (e *engine) writeRoot(pkg *Package, file string) string {
	if strings.Contains(filepath.ToSlash(file), "/vendor/") {
		return ""
	}
	if pkg.Module != nil {
		if pkg.Module.Main && strings.HasPrefix(file, pkg.Module.Dir+string(filepath.Separator)) {
			return pkg.Module.Dir
		}
		return ""
	}
	sep := string(filepath.Separator)
	pkgDir := sep + filepath.FromSlash(strings.TrimSuffix(pkg.PkgPath, "_test"))
	dir := filepath.Dir(file)
	if !strings.HasSuffix(dir, pkgDir) {
		return ""
	}
	root := strings.TrimSuffix(dir, pkgDir)
	if mod, err := os.ReadFile(filepath.Join(root, "go.mod")); err != nil || !bytes.HasPrefix(mod, []byte("module std\n")) {
		return ""
	}
	if wd := filepath.Clean(e.opts.Dir); wd != root && !strings.HasPrefix(wd, root+sep) {
		return ""
	}
	return root
}

// fixesAlone reports whether d's fix applies to the file on its own.
func fixesAlone(pass *Pass, f *ast.File, src *source, d Diagnostic) bool {
	_, applied, _ := applyFixes(pass, f, src, []Diagnostic{d})
	return applied[0]
}

func joinKeys(m map[string]bool) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	s := ""
	for i, k := range ks {
		if i > 0 {
			s += ","
		}
		s += k
	}
	return s
}

func fileOf(files []*ast.File, pos token.Pos) *ast.File {
	for _, f := range files {
		if f.FileStart <= pos && pos <= f.FileEnd {
			return f
		}
	}
	return nil
}

// source is a file's bytes as read for rewriting, with the line-ending and
// byte-order-mark form to restore after printing.
type source struct {
	raw  []byte // exactly as on disk
	text []byte // LF line endings, no BOM: what dst decorates
	crlf bool
	bom  bool
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func readSource(name string, tf *token.File) (*source, error) {
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return sourceOf(name, raw, tf)
}

// sourceOf checks raw against the loaded file and normalises it.
func sourceOf(name string, raw []byte, tf *token.File) (*source, error) {
	if tf != nil && tf.Size() != len(raw) {
		return nil, fmt.Errorf("%s: changed on disk since it was loaded; not rewritten", name)
	}
	s := &source{raw: raw, text: raw}
	if bytes.HasPrefix(s.text, utf8BOM) {
		s.bom = true
		s.text = s.text[len(utf8BOM):]
	}
	if crlf := bytes.Count(s.text, []byte("\r\n")); crlf > 0 {
		if crlf != bytes.Count(s.text, []byte("\n")) {
			return nil, fmt.Errorf("%s: mixed line endings; not rewritten", name)
		}
		s.crlf = true
		s.text = bytes.ReplaceAll(s.text, []byte("\r\n"), []byte("\n"))
	}
	return s, nil
}

func (s *source) restore(out []byte) []byte {
	if s.crlf {
		out = bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))
	}
	if s.bom {
		out = append(append([]byte{}, utf8BOM...), out...)
	}
	return out
}

// applyFixes decorates the file (from its LF-normalised source), applies the
// fixes of diags, and returns the new formatted content, or nil when nothing
// changed. applied[i] reports whether diags[i]'s fix went in; errs[i] why not.
func applyFixes(pass *Pass, f *ast.File, src *source, diags []Diagnostic) (out []byte, applied []bool, errs []error) {
	applied = make([]bool, len(diags))
	errs = make([]error, len(diags))
	fail := func(err error) ([]byte, []bool, []error) {
		for i := range errs {
			if errs[i] == nil && !applied[i] {
				errs[i] = err
			}
			applied[i] = false
		}
		return nil, applied, errs
	}
	ctx, err := decorate(pass, f, src)
	if err != nil {
		return fail(err)
	}
	anyApplied := false
	for i, d := range diags {
		errs[i] = safeEdit(d.Fix, ctx)
		applied[i] = errs[i] == nil
		anyApplied = anyApplied || applied[i]
	}
	if !anyApplied {
		return nil, applied, errs
	}
	var buf bytes.Buffer
	if err := printFile(&buf, ctx.File); err != nil {
		return fail(err)
	}
	formatted, err := format.Source(buf.Bytes())
	if err != nil {
		return fail(fmt.Errorf("rewritten file does not format: %v", err))
	}
	if bytes.Equal(formatted, src.text) {
		return nil, applied, errs
	}
	return src.restore(formatted), applied, errs
}

func printFile(buf *bytes.Buffer, f *dst.File) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("dst restore panicked: %v", r)
		}
	}()
	return decorator.NewRestorer().Fprint(buf, f)
}

func safeEdit(fix *Fix, ctx *FixContext) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("fix panicked: %v", r)
		}
	}()
	return fix.Edit(ctx)
}

// decorate parses the normalised source again, decorates it, and maps every
// node of the type-checked file to its dst counterpart by walking both trees
// in the same order. The trees differ only in positions, so a different
// shape, identifier, literal, operator or comment means the file changed
// since it was loaded (an edit that keeps the file's size is not caught by
// the size check of sourceOf).
func decorate(pass *Pass, f *ast.File, src *source) (ctx *FixContext, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("dst decorate panicked: %v", r)
		}
	}()
	fset := token.NewFileSet()
	name := pass.Fset.File(f.FileStart).Name()
	changed := fmt.Errorf("%s: changed on disk since it was loaded; not rewritten", name)
	fresh, err := parser.ParseFile(fset, name, src.text, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, changed
	}
	orig := preorder(f)
	again := preorder(fresh)
	if len(orig) != len(again) || !sameComments(f.Comments, fresh.Comments) {
		return nil, changed
	}
	for i, n := range orig {
		if !sameTokens(n, again[i]) {
			return nil, changed
		}
	}
	dec := decorator.NewDecorator(fset)
	df, err := dec.DecorateFile(fresh)
	if err != nil {
		return nil, err
	}
	nodes := make(map[ast.Node]dst.Node, len(orig))
	for i, n := range orig {
		if d := dec.Dst.Nodes[again[i]]; d != nil {
			nodes[n] = d
		}
	}
	return &FixContext{Pass: pass, AstFile: f, File: df, nodes: nodes, imports: newImportState(f, pass.Info)}, nil
}

// sameTokens reports whether a and b, nodes at the same place of two
// preorder walks, are of the same type and spell the same: every string,
// bool and integer field (names, literals, operators, channel directions)
// is equal. Positions (token.Pos) and pointers are not compared.
func sameTokens(a, b ast.Node) bool {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() {
		return false
	}
	if va.Kind() != reflect.Pointer || va.Elem().Kind() != reflect.Struct {
		return true
	}
	va, vb = va.Elem(), vb.Elem()
	for i := 0; i < va.NumField(); i++ {
		fa, fb := va.Field(i), vb.Field(i)
		switch fa.Kind() {
		case reflect.String:
			if fa.String() != fb.String() {
				return false
			}
		case reflect.Bool:
			if fa.Bool() != fb.Bool() {
				return false
			}
		case reflect.Int:
			if fa.Type() != posType && fa.Int() != fb.Int() {
				return false
			}
		}
	}
	return true
}

var posType = reflect.TypeOf(token.NoPos)

// sameComments reports whether two files' comments have the same text.
func sameComments(a, b []*ast.CommentGroup) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i].List) != len(b[i].List) {
			return false
		}
		for j := range a[i].List {
			if a[i].List[j].Text != b[i].List[j].Text {
				return false
			}
		}
	}
	return true
}

func preorder(f *ast.File) []ast.Node {
	var out []ast.Node
	ast.Inspect(f, func(n ast.Node) bool {
		if n != nil {
			out = append(out, n)
		}
		return true
	})
	return out
}

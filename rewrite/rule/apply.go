package rule

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"reflect"

	"github.com/dave/dst"
	"github.com/dave/dst/decorator"
)

// ErrChangedOnDisk is the error of a file that changed since it was loaded:
// an error of the user's environment, never of a fix.
var ErrChangedOnDisk = errors.New("changed on disk since it was loaded; not rewritten")

// Source is a file's bytes as read for rewriting, with the line-ending and
// byte-order-mark form to restore after printing.
type Source struct {
	Raw  []byte // exactly as on disk
	text []byte // LF line endings, no BOM: what dst decorates
	crlf bool
	bom  bool
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// ReadSource reads a file for rewriting; tf is the loaded file, whose size
// must still match.
func ReadSource(name string, tf *token.File) (*Source, error) {
	raw, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return SourceOf(name, raw, tf)
}

// SourceOf checks raw against the loaded file and normalises it.
func SourceOf(name string, raw []byte, tf *token.File) (*Source, error) {
	if tf != nil && tf.Size() != len(raw) {
		return nil, fmt.Errorf("%s: %w", name, ErrChangedOnDisk)
	}
	s := &Source{Raw: raw, text: raw}
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

func (s *Source) restore(out []byte) []byte {
	if s.crlf {
		out = bytes.ReplaceAll(out, []byte("\n"), []byte("\r\n"))
	}
	if s.bom {
		out = append(append([]byte{}, utf8BOM...), out...)
	}
	return out
}

// ApplyFixes decorates the file (from its LF-normalised source), applies the
// fixes of diags, and returns the new formatted content, or nil when nothing
// changed. applied[i] reports whether diags[i]'s fix went in; errs[i] why not.
func ApplyFixes(pass *Pass, f *ast.File, src *Source, diags []Diagnostic) (out []byte, applied []bool, errs []error) {
	applied = make([]bool, len(diags))
	errs = make([]error, len(diags))
	fail := func(err error) ([]byte, []bool, []error) {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = err // the file as a whole failed: every fix with it
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
// the size check of SourceOf).
func decorate(pass *Pass, f *ast.File, src *Source) (ctx *FixContext, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("dst decorate panicked: %v", r)
		}
	}()
	fset := token.NewFileSet()
	name := pass.Fset.File(f.FileStart).Name()
	changed := fmt.Errorf("%s: %w", name, ErrChangedOnDisk)
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

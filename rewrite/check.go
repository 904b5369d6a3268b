package rewrite

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/tools/go/gcexportdata"
)

// Package is one package checked from source: its syntax and types live
// only while the engine works on it, so that memory grows with the largest
// package, not with the corpus.
type Package struct {
	ID, PkgPath, Name string
	Dir               string   // the package directory
	GoFiles           []string // the package's own .go files (not cgo output)
	Fset              *token.FileSet
	Syntax            []*ast.File
	Types             *types.Package
	TypesInfo         *types.Info
	TypesSizes        types.Sizes
	Module            *listedModule
	Errors            []error

	importer  types.Importer
	goVersion string
}

// exportLoader decodes export data, once per package ID, with the
// dependencies of a package decoded first into the view it reads against,
// so that test variants and vendored packages get their own types. The
// decoder is not safe for concurrent use: one lock guards it.
type exportLoader struct {
	fset  *token.FileSet
	byID  map[string]*listedPackage
	mu    sync.Mutex
	types map[string]*types.Package
}

func newExportLoader(fset *token.FileSet, byID map[string]*listedPackage) *exportLoader {
	return &exportLoader{fset: fset, byID: byID, types: map[string]*types.Package{"unsafe": types.Unsafe}}
}

func (l *exportLoader) load(id string) (*types.Package, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.loadLocked(id)
}

func (l *exportLoader) loadLocked(id string) (*types.Package, error) {
	if t, ok := l.types[id]; ok {
		return t, nil
	}
	lp := l.byID[id]
	if lp == nil {
		return nil, fmt.Errorf("package %q is not among the loaded packages", id)
	}
	if lp.Export == "" {
		if lp.Error != nil {
			return nil, fmt.Errorf("%s", lp.Error)
		}
		return nil, fmt.Errorf("no export data for %q", id)
	}
	view := map[string]*types.Package{}
	seen := map[string]bool{}
	var visit func(p *listedPackage) error
	visit = func(p *listedPackage) error {
		for _, dep := range p.Imports {
			if dep == "C" || seen[dep] {
				continue
			}
			seen[dep] = true
			t, err := l.loadLocked(dep)
			if err != nil {
				return err
			}
			view[t.Path()] = t
			if dp := l.byID[dep]; dp != nil {
				if err := visit(dp); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := visit(lp); err != nil {
		return nil, err
	}
	f, err := os.Open(lp.Export)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := gcexportdata.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("reading export data of %s: %v", id, err)
	}
	t, err := gcexportdata.Read(r, l.fset, view, lp.pkgPath)
	if err != nil {
		return nil, fmt.Errorf("reading export data of %s: %v", id, err)
	}
	l.types[id] = t
	return t, nil
}

// sourceImporter resolves the imports of one package checked from source.
type sourceImporter struct {
	lp     *listedPackage
	loader *exportLoader
	src    *sourceTypes // nil: every listed import from export data
	extra  *extraImporter
}

func (im *sourceImporter) Import(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	id := im.lp.resolve(path)
	if im.src.has(id) {
		return im.src.get(id)
	}
	if _, listed := im.loader.byID[id]; listed {
		return im.loader.load(id)
	}
	// Not a dependency: a package a fix adds (bytes, slices, strings).
	return im.extra.load(path)
}

// checkListed parses and type-checks a listed package from source.
func checkListed(lp *listedPackage, fset *token.FileSet, loader *exportLoader, src *sourceTypes, extra *extraImporter) *Package {
	pkg := &Package{ID: lp.ID, PkgPath: lp.pkgPath, Name: lp.Name, Dir: lp.Dir, Fset: fset, Module: lp.Module}
	if lp.Error != nil {
		pkg.Errors = append(pkg.Errors, fmt.Errorf("%s", lp.Error))
	}
	for _, e := range lp.DepsErrors {
		pkg.Errors = append(pkg.Errors, fmt.Errorf("%s", e))
	}
	if len(pkg.Errors) > 0 {
		return pkg
	}
	abs := func(f string) string {
		if strings.HasPrefix(f, "/") {
			return f
		}
		return lp.Dir + string(os.PathSeparator) + f
	}
	for _, f := range lp.GoFiles {
		pkg.GoFiles = append(pkg.GoFiles, abs(f))
	}
	compiled := lp.CompiledGoFiles
	if len(compiled) == 0 {
		compiled = lp.GoFiles
	}
	for _, name := range compiled {
		f, err := parser.ParseFile(fset, abs(name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			pkg.Errors = append(pkg.Errors, err)
			continue
		}
		pkg.Syntax = append(pkg.Syntax, f)
	}
	if len(pkg.Errors) > 0 {
		return pkg
	}
	pkg.importer = &sourceImporter{lp: lp, loader: loader, src: src, extra: extra}
	pkg.TypesSizes = types.SizesFor("gc", runtime.GOARCH)
	if lp.Module != nil && lp.Module.GoVersion != "" {
		pkg.goVersion = "go" + lp.Module.GoVersion
	}
	pkg.TypesInfo = newInfo()
	var typeErrs []error
	conf := types.Config{
		Importer:  pkg.importer,
		Sizes:     pkg.TypesSizes,
		GoVersion: pkg.goVersion,
		Error:     func(err error) { typeErrs = append(typeErrs, err) },
	}
	pkg.Types, _ = conf.Check(lp.pkgPath, fset, pkg.Syntax, pkg.TypesInfo)
	if len(typeErrs) > 0 {
		sort.SliceStable(typeErrs, func(i, j int) bool { return typeErrs[i].Error() < typeErrs[j].Error() })
		if len(typeErrs) > 10 {
			typeErrs = typeErrs[:10]
		}
		pkg.Errors = typeErrs
	}
	return pkg
}

// newInfo returns the types.Info the rules need.
func newInfo() *types.Info {
	return &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Instances:    map[*ast.Ident]types.Instance{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		FileVersions: map[*ast.File]string{},
	}
}

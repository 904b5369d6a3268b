package rewrite

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/types"
	"sync"

	"golang.org/x/tools/go/packages"
)

// verify type-checks pkg again with the new contents of some of its files
// and returns, for each rewritten file that does not parse or check, the
// first error in it. Errors in files that were not rewritten cannot come
// from a fix and are attributed to the rewritten files all the same, since
// the original package checked cleanly. When every file checks, it also
// returns the package as checked.
func (e *engine) verify(pkg *Package, newFiles map[*ast.File][]byte) (*Package, map[*ast.File]string) {
	bad := map[*ast.File]string{}
	files := make([]*ast.File, 0, len(pkg.Syntax))
	parsed := map[string]*ast.File{} // file name -> original file
	for _, f := range pkg.Syntax {
		content, ok := newFiles[f]
		if !ok {
			files = append(files, f)
			continue
		}
		name := pkg.Fset.File(f.FileStart).Name()
		nf, err := parser.ParseFile(pkg.Fset, name, content, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			bad[f] = err.Error()
			continue
		}
		parsed[name] = f
		files = append(files, nf)
	}
	if len(bad) > 0 {
		return nil, bad
	}
	var errs []error
	conf := types.Config{
		Importer:  pkg.importer,
		Sizes:     pkg.TypesSizes,
		GoVersion: pkg.goVersion,
		Error:     func(err error) { errs = append(errs, err) },
	}
	info := newInfo()
	tpkg, _ := conf.Check(pkg.PkgPath, pkg.Fset, files, info)
	for _, err := range errs {
		var te types.Error
		name := ""
		if errors.As(err, &te) {
			name = pkg.Fset.PositionFor(te.Pos, false).Filename
		}
		f, ok := parsed[name]
		if !ok {
			// An error outside the rewritten files: blame them all.
			for _, f := range parsed {
				if _, seen := bad[f]; !seen {
					bad[f] = err.Error()
				}
			}
			continue
		}
		if _, seen := bad[f]; !seen {
			bad[f] = err.Error()
		}
	}
	if len(bad) > 0 {
		return nil, bad
	}
	checked := *pkg
	checked.Syntax, checked.Types, checked.TypesInfo = files, tpkg, info
	return &checked, nil
}

// extraImporter loads, once each, packages that fixes import but the
// checked package did not.
type extraImporter struct {
	dir, tags string
	env       []string
	mu        sync.Mutex
	pkgs      map[string]*types.Package
}

func newExtraImporter(dir, tags string, env []string) *extraImporter {
	return &extraImporter{dir: dir, tags: tags, env: env, pkgs: map[string]*types.Package{}}
}

func (x *extraImporter) load(path string) (*types.Package, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if p, ok := x.pkgs[path]; ok {
		return p, nil
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes, Dir: x.dir, Env: x.env}
	if x.tags != "" {
		cfg.BuildFlags = []string{"-tags=" + x.tags}
	}
	pkgs, err := packages.Load(cfg, path)
	if err != nil {
		return nil, err
	}
	if len(pkgs) != 1 || pkgs[0].Types == nil || len(pkgs[0].Errors) > 0 {
		return nil, fmt.Errorf("cannot load %q for verification", path)
	}
	x.pkgs[path] = pkgs[0].Types
	return pkgs[0].Types, nil
}

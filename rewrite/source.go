package rewrite

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
)

// The packages being checked, their test variants, the external test
// packages that import them, and every listed package that imports one of
// these (such as "B [A.test]", B recompiled for A's tests), are
// type-checked in process from source, each from the types just produced
// for the packages it imports. Export data is asked of the go command only
// for the other packages, which do not change when the checked ones are
// edited: no compiler runs for the packages being checked.

// sourceSet returns the IDs of the listed packages to type-check from
// source: those the patterns name (not DepOnly) and those that import one
// of them, directly or not.
func sourceSet(listed []*listedPackage, byID map[string]*listedPackage) map[string]bool {
	const (
		visiting = 1
		source   = 2
		export   = 3
	)
	state := map[string]int{}
	var visit func(id string) bool
	visit = func(id string) bool {
		switch state[id] {
		case visiting: // an import cycle: go list reports it
			return false
		case source:
			return true
		case export:
			return false
		}
		lp := byID[id]
		if lp == nil {
			return false
		}
		state[id] = visiting
		src := !lp.DepOnly
		for _, dep := range lp.Imports {
			if visit(dep) {
				src = true
			}
		}
		state[id] = export
		if src {
			state[id] = source
		}
		return src
	}
	set := map[string]bool{}
	for _, p := range listed {
		if visit(p.ID) {
			set[p.ID] = true
		}
	}
	return set
}

// sourcePlan orders the work of a run: the selected packages (checked by
// the rules) first, then the other packages of the source set that they
// import, directly or not (type-checked only, for their types).
func sourcePlan(selected []*listedPackage, src map[string]bool, byID map[string]*listedPackage) []*listedPackage {
	nodes := append([]*listedPackage(nil), selected...)
	seen := map[string]bool{}
	for _, p := range selected {
		seen[p.ID] = true
	}
	for i := 0; i < len(nodes); i++ {
		for _, dep := range nodes[i].Imports {
			if src[dep] && !seen[dep] && byID[dep] != nil {
				seen[dep] = true
				nodes = append(nodes, byID[dep])
			}
		}
	}
	extra := nodes[len(selected):]
	sort.Slice(extra, func(i, j int) bool { return extra[i].ID < extra[j].ID })
	return nodes
}

// exportNeeded returns the import paths of the packages outside the source
// set that the plan's packages import directly, sorted: go list -export
// -deps on them covers the rest (dependencies of packages outside the set
// are outside it too), with a short command line.
func exportNeeded(nodes []*listedPackage, src map[string]bool) []string {
	need := map[string]bool{}
	for _, p := range nodes {
		for _, dep := range p.Imports {
			if !src[dep] && dep != "unsafe" && dep != "C" {
				need[dep] = true
			}
		}
	}
	out := make([]string, 0, len(need))
	for id := range need {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// sourceTypes holds the types of the source-set packages that packages not
// yet checked will import. A package's types are dropped once every
// package of the plan that imports it is done.
type sourceTypes struct {
	set     map[string]bool
	mu      sync.Mutex
	checked map[string]sourceResult
	pending map[string]int // ID -> importers in the plan not yet done

	// Files parsed for typesOnly, bodies emptied, by absolute name: a
	// package recompiled for the tests of several others ("B [A.test]",
	// "B [C.test]") is parsed once.
	filesMu sync.Mutex
	files   map[string]*parsedFile
}

type parsedFile struct {
	once sync.Once
	f    *ast.File
	err  error
}

type sourceResult struct {
	pkg *types.Package
	err error
}

func newSourceTypes(set map[string]bool, nodes []*listedPackage) *sourceTypes {
	st := &sourceTypes{set: set, checked: map[string]sourceResult{}, pending: map[string]int{}, files: map[string]*parsedFile{}}
	for _, p := range nodes {
		for _, dep := range uniq(p.Imports) {
			if set[dep] {
				st.pending[dep]++
			}
		}
	}
	return st
}

func uniq(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// has reports whether the package is type-checked from source.
func (st *sourceTypes) has(id string) bool { return st != nil && st.set[id] }

// get returns the types of a source-set package checked earlier.
func (st *sourceTypes) get(id string) (*types.Package, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	r, ok := st.checked[id]
	if !ok {
		return nil, fmt.Errorf("package %q was not type-checked before the packages that import it", id)
	}
	return r.pkg, r.err
}

// done records the outcome of a package of the plan (types, or why there
// are none) for its importers, and releases what it imported.
func (st *sourceTypes) done(lp *listedPackage, pkg *types.Package, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.pending[lp.ID] > 0 {
		if pkg == nil && err == nil {
			err = fmt.Errorf("package %s has no types", lp.ID)
		}
		st.checked[lp.ID] = sourceResult{pkg, err}
	}
	for _, dep := range uniq(lp.Imports) {
		if !st.set[dep] {
			continue
		}
		if st.pending[dep]--; st.pending[dep] == 0 {
			delete(st.checked, dep)
		}
	}
}

// declarations parses a file for typesOnly, once: function bodies are
// emptied (the type checker skips them anyway), so that the syntax kept
// for the next variant of the package is small.
func (st *sourceTypes) declarations(fset *token.FileSet, name string) (*ast.File, error) {
	st.filesMu.Lock()
	pf := st.files[name]
	if pf == nil {
		pf = &parsedFile{}
		st.files[name] = pf
	}
	st.filesMu.Unlock()
	pf.once.Do(func() {
		pf.f, pf.err = parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if pf.f == nil {
			return
		}
		for _, d := range pf.f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
				// Not nil: a generic function without a body is an error.
				fd.Body = &ast.BlockStmt{Lbrace: fd.Body.Lbrace, Rbrace: fd.Body.Rbrace}
			}
		}
	})
	return pf.f, pf.err
}

// typesOnly type-checks a package of the plan that no rule checks, for
// the types its importers need: function bodies are skipped.
func (st *sourceTypes) typesOnly(lp *listedPackage, fset *token.FileSet, im types.Importer) (*types.Package, error) {
	if lp.Error != nil {
		return nil, fmt.Errorf("%s", lp.Error)
	}
	if len(lp.DepsErrors) > 0 {
		return nil, fmt.Errorf("%s", lp.DepsErrors[0])
	}
	compiled := lp.CompiledGoFiles
	if len(compiled) == 0 {
		compiled = lp.GoFiles
	}
	files := make([]*ast.File, 0, len(compiled))
	for _, name := range compiled {
		if !filepath.IsAbs(name) {
			name = filepath.Join(lp.Dir, name)
		}
		f, err := st.declarations(fset, name)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	var firstErr error
	conf := types.Config{
		Importer:         im,
		Sizes:            types.SizesFor("gc", runtime.GOARCH),
		IgnoreFuncBodies: true,
		Error: func(err error) {
			if firstErr == nil {
				firstErr = err
			}
		},
	}
	if lp.Module != nil && lp.Module.GoVersion != "" {
		conf.GoVersion = "go" + lp.Module.GoVersion
	}
	pkg, _ := conf.Check(lp.pkgPath, fset, files, nil)
	if firstErr != nil {
		return nil, firstErr
	}
	return pkg, nil
}

package vflow

import (
	"go/types"
	"sort"
)

// ssaImports returns the imported packages that the SSA program of pkg
// must create so that building pkg gives the same functions as creating
// every transitive import (which costs about a sixth of a run on std):
// the direct imports, whose package-level objects the builder looks up
// by name (an identifier can only denote an object of its own package or
// of a direct import), and the package of every object that info says
// the code uses or selects, so that a method of a type from an indirect
// import (reached through a field, a result, an embedding) is the
// method of its created package rather than a function made on demand
// without one (fn.Pkg nil). Sorted by path, for a stable program.
func ssaImports(pkg *types.Package, info *types.Info) []*types.Package {
	set := map[*types.Package]bool{}
	add := func(q *types.Package) {
		if q != nil && q != pkg {
			set[q] = true
		}
	}
	for _, q := range pkg.Imports() {
		add(q)
	}
	for _, obj := range info.Uses {
		if obj != nil {
			add(obj.Pkg())
		}
	}
	for _, sel := range info.Selections {
		add(sel.Obj().Pkg())
		if fn, ok := sel.Obj().(*types.Func); ok {
			add(fn.Origin().Pkg())
		}
	}
	out := make([]*types.Package, 0, len(set))
	for q := range set {
		out = append(out, q)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path() < out[j].Path() })
	return out
}

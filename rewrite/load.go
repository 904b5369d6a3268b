package rewrite

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/packages"
)

// loadMode loads the checked packages from source with full type
// information and their dependencies from export data (no NeedDeps): the
// cheapest load that still type-checks what we rewrite.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedTypes | packages.NeedTypesInfo |
	packages.NeedSyntax | packages.NeedTypesSizes | packages.NeedModule

// target is what the command line asked for: package patterns, and the
// individual files to restrict reporting and rewriting to.
type target struct {
	patterns []string
	files    map[string]bool // absolute paths; nil: every file of the packages
}

// splitArgs separates .go file arguments from package patterns and
// directories. A file argument loads its directory's package.
func splitArgs(dir string, args []string) (target, error) {
	var t target
	if len(args) == 0 {
		args = []string{"."}
	}
	seen := map[string]bool{}
	for _, a := range args {
		if !strings.HasSuffix(a, ".go") {
			t.patterns = append(t.patterns, a)
			continue
		}
		abs := a
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(dir, a)
		}
		if _, err := os.Stat(abs); err != nil {
			return t, fmt.Errorf("%s: %w", a, err)
		}
		if t.files == nil {
			t.files = map[string]bool{}
		}
		t.files[abs] = true
		pkgDir := filepath.Dir(abs)
		if !seen[pkgDir] {
			seen[pkgDir] = true
			t.patterns = append(t.patterns, pkgDir)
		}
	}
	return t, nil
}

// selectPackages drops what must not be checked twice or at all: the
// generated test main packages, and the plain variant of a package whose
// test variant (which holds the same files plus the _test.go files) is
// loaded too. Order is by ID, for stable output.
func selectPackages(pkgs []*packages.Package) []*packages.Package {
	hasTestVariant := map[string]bool{}
	for _, p := range pkgs {
		if isTestVariantOf(p) {
			hasTestVariant[p.PkgPath] = true
		}
	}
	var out []*packages.Package
	for _, p := range pkgs {
		if p.Name == "main" && strings.HasSuffix(p.ID, ".test") && !strings.Contains(p.ID, " ") {
			continue // generated test main
		}
		if !strings.Contains(p.ID, " ") && hasTestVariant[p.PkgPath] {
			continue
		}
		if strings.Contains(p.ID, " ") && !isTestVariantOf(p) && !strings.HasSuffix(p.PkgPath, "_test") {
			continue // "B [A.test]": B recompiled for A's tests; B itself is checked
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// isTestVariantOf reports whether p is "P [P.test]": package P recompiled
// with its own _test.go files.
func isTestVariantOf(p *packages.Package) bool {
	return p.ID == p.PkgPath+" ["+p.PkgPath+".test]"
}

// writable reports whether a file of pkg may be rewritten: it belongs to the
// main module (or to the standard library when that is what is being
// checked in a writable GOROOT) and is not vendored.
func writable(pkg *packages.Package, file string) bool {
	if strings.Contains(filepath.ToSlash(file), "/vendor/") {
		return false
	}
	if pkg.Module != nil {
		return pkg.Module.Main && strings.HasPrefix(file, pkg.Module.Dir+string(filepath.Separator))
	}
	return false
}

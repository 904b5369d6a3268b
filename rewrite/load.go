package rewrite

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

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

// hasTestFile reports whether a named file is a _test.go file.
func (t target) hasTestFile() bool {
	for f := range t.files {
		if strings.HasSuffix(f, "_test.go") {
			return true
		}
	}
	return false
}

// holding keeps the packages that contain a named file: the others need not
// be type-checked at all.
func (t target) holding(pkgs []*listedPackage) []*listedPackage {
	var out []*listedPackage
	for _, p := range pkgs {
		for _, f := range append(append([]string(nil), p.GoFiles...), p.CgoFiles...) {
			if !filepath.IsAbs(f) {
				f = filepath.Join(p.Dir, f)
			}
			if t.files[f] {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// selectPackages picks the packages to check from what go list printed:
// the ones named by the patterns, without the generated test main
// packages, without the plain variant of a package whose test variant
// (which holds the same files plus the _test.go files) is there too, and
// without dependencies recompiled for another package's tests. Order is by
// ID, for stable output.
func selectPackages(pkgs []*listedPackage) []*listedPackage {
	hasTestVariant := map[string]bool{}
	for _, p := range pkgs {
		if !p.DepOnly && p.isTestVariant() {
			hasTestVariant[p.pkgPath] = true
		}
	}
	var out []*listedPackage
	for _, p := range pkgs {
		switch {
		case p.DepOnly:
		case p.Name == "main" && strings.HasSuffix(p.ID, ".test") && !strings.Contains(p.ID, " "):
			// generated test main
		case !strings.Contains(p.ID, " ") && hasTestVariant[p.pkgPath]:
		case strings.Contains(p.ID, " ") && !p.isTestVariant() && !strings.HasSuffix(p.pkgPath, "_test"):
			// "B [A.test]": B recompiled for A's tests; B itself is checked
		default:
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

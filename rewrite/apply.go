package rewrite

import (
	"bytes"
	"fmt"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"go/ast"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
		f := rule.FileOf(pkg.Syntax, d.Pos)
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
		src    *rule.Source
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
		src, err := rule.ReadSource(name, pkg.Fset.File(f.FileStart))
		if err != nil {
			res.errors = append(res.errors, err)
			continue
		}
		var ds []rule.Diagnostic
		var idx []int
		for _, i := range byFile[f] {
			ds = append(ds, diags[i].Diagnostic)
			idx = append(idx, i)
		}
		pass := fixPass(pkg)
		out, applied, errs := rule.ApplyFixes(pass, f, src, ds)
		for k, err := range errs {
			if err != nil {
				d := diags[idx[k]]
				if out != nil && fixesAlone(pass, f, src, d.Diagnostic) {
					// It conflicts with another fix of this file (whose
					// edit replaced its node): not an error; the finding
					// stays unfixed, and a second run can fix it.
					continue
				}
				res.errors = append(res.errors, fmt.Errorf("%s: %s: fix not applied: %v", pkg.Fset.PositionFor(d.Pos, false), d.Check.ID(), err))
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
					rules[diags[i].Check.ID()] = true
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
		res.changes = append(res.changes, Change{Path: p.name, Old: p.src.Raw, New: p.newSrc})
	}
	if e.opts.Edits {
		for _, p := range changed {
			for _, i := range p.diags {
				pass := fixPass(pkg)
				out, _, _ := rule.ApplyFixes(pass, p.file, p.src, []rule.Diagnostic{diags[i].Diagnostic})
				if out != nil {
					res.findings[diags[i].finding].Edits = rule.Edits(p.src.Raw, out)
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
func fixesAlone(pass *rule.Pass, f *ast.File, src *rule.Source, d rule.Diagnostic) bool {
	_, applied, _ := rule.ApplyFixes(pass, f, src, []rule.Diagnostic{d})
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

// fixPass is the pass fixes of pkg's diagnostics run with.
func fixPass(pkg *Package) *rule.Pass {
	return rule.NewPass(rule.PassConfig{Fset: pkg.Fset, Files: pkg.Syntax, Pkg: pkg.Types, Info: pkg.TypesInfo})
}

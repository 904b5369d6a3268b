package rewrite

import (
	"bytes"
	"errors"
	"go/ast"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// fixPackage applies the fixes of one package file by file, verifies that
// the package still parses, type-checks and needs no further fix with the
// new contents, and records the changes that pass. A fix that fails any of
// these is dropped: its finding is reported without a fix, with the
// reason (Finding.FixDropped), and the file's other fixes are kept. Only
// the user's environment (a file changed on disk, unreadable or outside
// the module) makes an error.
func (e *engine) fixPackage(pkg *Package, settings *Settings, diags []ruleDiag, res *pkgResult) {
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
	drop := func(i int, why string) {
		if res.findings[diags[i].finding].FixDropped == "" {
			res.findings[diags[i].finding].FixDropped = why
		}
	}
	var changed []*pendingFile
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
		p := &pendingFile{file: f, name: name, src: src}
		if err := p.apply(pkg, diags, byFile[f], drop); err != nil {
			res.errors = append(res.errors, err)
			continue
		}
		if p.newSrc != nil {
			changed = append(changed, p)
		}
	}
	changed = e.verifyFixes(pkg, settings, diags, changed, drop)
	for _, p := range changed {
		c := Change{Path: p.name, Old: p.src.Raw, New: p.newSrc}
		for _, i := range p.diags {
			res.findings[diags[i].finding].Fixed = true
			c.fixes = append(c.fixes, res.findings[diags[i].finding].id)
		}
		if e.opts.VerifyTests {
			c.refix = p.refix(pkg, diags, res.findings)
		}
		res.changes = append(res.changes, c)
	}
	if e.opts.Edits {
		for _, p := range changed {
			for _, i := range p.diags {
				out, _, _ := rule.ApplyFixes(fixPass(pkg), p.file, p.src, []rule.Diagnostic{diags[i].Diagnostic})
				if out != nil {
					res.findings[diags[i].finding].Edits = rule.Edits(p.src.Raw, out)
				}
			}
		}
	}
}

// pendingFile is the new content of one file, before verification.
type pendingFile struct {
	file   *ast.File
	name   string
	src    *rule.Source
	newSrc []byte // nil: no change
	diags  []int  // indexes into the package's diagnostics whose fixes newSrc holds
}

// apply computes the file's content with the fixes of the diagnostics
// idx, dropping those that do not apply. Only a file changed on disk is
// an error.
func (p *pendingFile) apply(pkg *Package, diags []ruleDiag, idx []int, drop func(int, string)) error {
	var ds []rule.Diagnostic
	for _, i := range idx {
		ds = append(ds, diags[i].Diagnostic)
	}
	pass := fixPass(pkg)
	out, applied, errs := rule.ApplyFixes(pass, p.file, p.src, ds)
	p.newSrc, p.diags = out, nil
	for k, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, rule.ErrChangedOnDisk):
			return err
		case out != nil && fixesAlone(pass, p.file, p.src, ds[k]):
			// Another fix of this file replaced its node: a second run
			// applies it.
			drop(idx[k], "conflicts with another fix in the file; a second run applies it")
		default:
			drop(idx[k], "the fix could not be applied: "+oneLine(err.Error()))
		}
	}
	if out != nil {
		for k, ok := range applied {
			if ok {
				p.diags = append(p.diags, idx[k])
			}
		}
	}
	return nil
}

// refix returns a function computing the file's content with only the
// fixes of the findings in keep (by Finding id). It holds on to the
// package's syntax and types, which -verify=tests needs after the run.
func (p *pendingFile) refix(pkg *Package, diags []ruleDiag, findings []Finding) func(keep map[int]bool) []byte {
	return func(keep map[int]bool) []byte {
		var sub []int
		for _, i := range p.diags {
			if keep[findings[diags[i].finding].id] {
				sub = append(sub, i)
			}
		}
		if len(sub) == len(p.diags) {
			return p.newSrc
		}
		q := &pendingFile{file: p.file, name: p.name, src: p.src}
		if len(sub) == 0 || q.apply(pkg, diags, sub, func(int, string) {}) != nil || q.newSrc == nil {
			return p.src.Raw
		}
		return q.newSrc
	}
}

// verifyFixes re-type-checks the package with every new content. In a
// file whose content does not check, each fix is tried alone; those that
// do not check alone are dropped and the rest applied again, and a file
// whose fixes check only one by one loses them all. Then the rules run
// again on the checked package: a file in which they would make a new
// fix is not idempotent, and loses its fixes. It returns the files that
// pass.
func (e *engine) verifyFixes(pkg *Package, settings *Settings, diags []ruleDiag, changed []*pendingFile, drop func(int, string)) []*pendingFile {
	retried := map[*ast.File]bool{}
	for len(changed) > 0 {
		newFiles := map[*ast.File][]byte{}
		for _, p := range changed {
			newFiles[p.file] = p.newSrc
		}
		checked, bad := e.verify(pkg, newFiles)
		if len(bad) == 0 {
			return e.idempotent(pkg, settings, diags, changed, checked, drop)
		}
		kept := changed[:0]
		for _, p := range changed {
			msg, ok := bad[p.file]
			if !ok {
				kept = append(kept, p)
				continue
			}
			why := "the rewritten package does not type-check: " + oneLine(msg)
			if retried[p.file] || len(p.diags) == 1 {
				for _, i := range p.diags {
					drop(i, why)
				}
				continue
			}
			retried[p.file] = true
			var good []int
			for _, i := range p.diags {
				alone := &pendingFile{file: p.file, name: p.name, src: p.src}
				if alone.apply(pkg, diags, []int{i}, drop) != nil || alone.newSrc == nil {
					continue
				}
				if _, bad := e.verify(pkg, map[*ast.File][]byte{p.file: alone.newSrc}); len(bad) > 0 {
					drop(i, "the rewritten package does not type-check: "+oneLine(bad[p.file]))
					continue
				}
				good = append(good, i)
			}
			if len(good) == 0 {
				continue
			}
			if p.apply(pkg, diags, good, drop) == nil && p.newSrc != nil {
				kept = append(kept, p)
			}
		}
		changed = kept
	}
	return changed
}

// idempotent runs the rules whose fixes were applied again on the checked
// package, and drops the fixes of every file in which one of their new
// fixes would change the file again: a second run must change nothing,
// except for applying the fixes dropped for conflicts (same check, same
// message), which it is meant to.
func (e *engine) idempotent(pkg *Package, settings *Settings, diags []ruleDiag, changed []*pendingFile, checked *Package, drop func(int, string)) []*pendingFile {
	if checked == nil {
		return changed
	}
	rules := map[*rule.Rule]bool{}
	for _, p := range changed {
		for _, i := range p.diags {
			rules[diags[i].Check.Rule()] = true
		}
	}
	again := map[string][]rule.Diagnostic{} // file name -> fixable findings of a second run
	results := rule.NewResults()
	sup := rule.NewSuppressions(checked.Fset)
	for _, r := range e.opts.Rules {
		if !rules[r] {
			continue
		}
		pass := rule.NewPass(rule.PassConfig{
			Rule: r, Fset: checked.Fset, Files: checked.Syntax, Pkg: checked.Types, Info: checked.TypesInfo,
			Values: settings.Values, Results: results,
			Report: func(d rule.Diagnostic) {
				f := rule.FileOf(checked.Syntax, d.Pos)
				if f == nil || d.Fix == nil {
					return
				}
				// What the first run would have kept of it.
				name := checked.Fset.File(f.FileStart).Name()
				if !settings.enabled(d.Check, name) || sup.Suppressed(f, d.Pos, d.Check) {
					return
				}
				again[name] = append(again[name], d)
			},
		})
		if runRule(r, pass) != nil {
			return changed // a rule that panics here is reported by the first run
		}
	}
	againPass := rule.NewPass(rule.PassConfig{Fset: checked.Fset, Files: checked.Syntax, Pkg: checked.Types, Info: checked.TypesInfo})
	kept := changed[:0]
	for _, p := range changed {
		expected := map[string]int{} // check and message of the fixes left out
		for _, i := range indexesIn(pkg, diags, p.file) {
			if !contains(p.diags, i) && diags[i].Fix != nil {
				expected[diags[i].Check.ID()+"\x00"+diags[i].Message]++
			}
		}
		stable := true
		for _, d := range again[p.name] {
			key := d.Check.ID() + "\x00" + d.Message
			if expected[key] > 0 {
				expected[key]--
				continue
			}
			f := rule.FileOf(checked.Syntax, d.Pos)
			src, err := rule.SourceOf(p.name, p.newSrc, checked.Fset.File(f.FileStart))
			if err != nil {
				continue
			}
			if out, _, _ := rule.ApplyFixes(againPass, f, src, []rule.Diagnostic{d}); out != nil {
				stable = false
				break
			}
		}
		if !stable {
			for _, i := range p.diags {
				drop(i, "not idempotent: a second run would change the file again")
			}
			continue
		}
		kept = append(kept, p)
	}
	return kept
}

// indexesIn returns the indexes of the diagnostics in file f.
func indexesIn(pkg *Package, diags []ruleDiag, f *ast.File) []int {
	var out []int
	for i, d := range diags {
		if rule.FileOf(pkg.Syntax, d.Pos) == f {
			out = append(out, i)
		}
	}
	return out
}

func contains(list []int, x int) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// oneLine keeps the first line of a message.
func oneLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
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

// fixPass is the pass fixes of pkg's diagnostics run with.
func fixPass(pkg *Package) *rule.Pass {
	return rule.NewPass(rule.PassConfig{Fset: pkg.Fset, Files: pkg.Syntax, Pkg: pkg.Types, Info: pkg.TypesInfo})
}

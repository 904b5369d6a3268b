package rule

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/dave/dst"
	"github.com/dave/dst/dstutil"
)

// FixContext is what a Fix.Edit sees: the dst form of one file, the mapping
// from the type-checked ast nodes the detector saw to their dst nodes, and
// helpers that keep imports and scopes right.
type FixContext struct {
	Pass    *Pass
	AstFile *ast.File // the type-checked file the detector saw
	File    *dst.File // the decorated copy being rewritten

	nodes   map[ast.Node]dst.Node
	imports *importState
}

// Dst returns the dst node that corresponds to the type-checked node n, or
// nil when n has none (it was created by another fix).
func (c *FixContext) Dst(n ast.Node) dst.Node {
	return c.nodes[n]
}

// AtLeast reports whether the file's Go version is at least go1.minor.
func (c *FixContext) AtLeast(minor int) bool {
	return versionAtLeast(c.Pass.FileVersion(c.AstFile), minor)
}

// Replace replaces the dst node of n with the node build returns; build
// receives the current dst node so it can be wrapped (comments attached to
// it travel with it).
func (c *FixContext) Replace(n ast.Node, build func(old dst.Node) dst.Node) error {
	target := c.nodes[n]
	if target == nil {
		return fmt.Errorf("no dst node for %T at %s", n, c.Pass.Fset.Position(n.Pos()))
	}
	done := false
	dstutil.Apply(c.File, func(cur *dstutil.Cursor) bool {
		if done {
			return false
		}
		if cur.Node() == target {
			repl := build(target)
			cur.Replace(repl)
			done = true
			return false
		}
		return true
	}, nil)
	if !done {
		return fmt.Errorf("%T at %s is no longer in the file", n, c.Pass.Fset.Position(n.Pos()))
	}
	return nil
}

// InsertBefore inserts stmts right before statement s, which must sit in a
// statement list (block, case or select clause).
func (c *FixContext) InsertBefore(s ast.Stmt, stmts ...dst.Stmt) error {
	return c.insert(s, stmts, true)
}

// InsertAfter inserts stmts right after statement s.
func (c *FixContext) InsertAfter(s ast.Stmt, stmts ...dst.Stmt) error {
	return c.insert(s, stmts, false)
}

func (c *FixContext) insert(s ast.Stmt, stmts []dst.Stmt, before bool) error {
	target := c.nodes[s]
	if target == nil {
		return fmt.Errorf("no dst node for statement at %s", c.Pass.Fset.Position(s.Pos()))
	}
	done := false
	dstutil.Apply(c.File, func(cur *dstutil.Cursor) bool {
		if done {
			return false
		}
		if cur.Node() != target {
			return true
		}
		if cur.Index() < 0 {
			return false // not in a list: cannot insert
		}
		if before {
			// Keep the target's leading comments and blank lines above the
			// inserted statements.
			first := stmts[0]
			first.Decorations().Before = target.Decorations().Before
			first.Decorations().Start = target.Decorations().Start
			target.Decorations().Before = dst.NewLine
			target.Decorations().Start = nil
			for _, st := range stmts {
				cur.InsertBefore(st)
			}
		} else {
			for i := len(stmts) - 1; i >= 0; i-- {
				cur.InsertAfter(stmts[i])
			}
		}
		done = true
		return false
	}, nil)
	if !done {
		return fmt.Errorf("statement at %s is not in a statement list", c.Pass.Fset.Position(s.Pos()))
	}
	return nil
}

// Ref returns a reference to the package-level name `name` of the package
// with import path `path`, valid at position at. It reuses the file's import
// under its local name when that name is not shadowed at `at`, and otherwise
// adds an import, under a fresh alias if the plain name is taken.
func (c *FixContext) Ref(path, name string, at token.Pos) (dst.Expr, error) {
	local, err := c.imports.localName(c, path, at)
	if err != nil {
		return nil, err
	}
	return &dst.SelectorExpr{X: dst.NewIdent(local), Sel: dst.NewIdent(name)}, nil
}

// importState tracks the imports of one file while fixes add to them.
type importState struct {
	byPath map[string][]string // import path -> local names usable for it
	names  map[string]bool     // every local name an import uses in the file
	added  map[string]bool     // names added by fixes
}

func newImportState(f *ast.File, info *types.Info) *importState {
	st := &importState{byPath: map[string][]string{}, names: map[string]bool{}, added: map[string]bool{}}
	for _, spec := range f.Imports {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		var name string
		if spec.Name != nil {
			name = spec.Name.Name
		} else if pn := info.PkgNameOf(spec); pn != nil {
			name = pn.Name()
		} else {
			name = lastElem(path)
		}
		st.names[name] = true
		if name != "_" && name != "." {
			st.byPath[path] = append(st.byPath[path], name)
		}
	}
	return st
}

func (st *importState) localName(c *FixContext, path string, at token.Pos) (string, error) {
	scope := c.Pass.Pkg.Scope().Innermost(at)
	if scope == nil {
		scope = c.Pass.Info.Scopes[c.AstFile]
	}
	usable := func(name string) bool {
		obj := lookupAt(scope, name, at)
		if obj == nil {
			return true
		}
		pn, ok := obj.(*types.PkgName)
		return ok && pn.Imported().Path() == path
	}
	for _, name := range st.byPath[path] {
		if st.added[name] {
			// Added by an earlier fix: not in the type-checked scopes, so
			// check only that nothing else shadows it here.
			if lookupAt(scope, name, at) == nil {
				return name, nil
			}
			continue
		}
		if usable(name) {
			return name, nil
		}
	}
	base := lastElem(path)
	for i := 0; i < 100; i++ {
		name := base
		if i > 0 {
			name = fmt.Sprintf("%s%d", base, i)
		}
		if st.names[name] || lookupAt(scope, name, at) != nil || c.Pass.Pkg.Scope().Lookup(name) != nil {
			continue
		}
		st.add(c, path, name, name != base)
		return name, nil
	}
	return "", fmt.Errorf("no free name to import %q", path)
}

func (st *importState) add(c *FixContext, path, name string, alias bool) {
	st.names[name] = true
	st.added[name] = true
	st.byPath[path] = append(st.byPath[path], name)
	spec := &dst.ImportSpec{Path: &dst.BasicLit{Kind: token.STRING, Value: strconv.Quote(path)}}
	if alias {
		spec.Name = dst.NewIdent(name)
	}
	spec.Decs.Before = dst.NewLine
	spec.Decs.After = dst.NewLine
	for _, d := range c.File.Decls {
		gd, ok := d.(*dst.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		if !gd.Lparen && len(gd.Specs) == 1 && len(gd.Specs[0].(*dst.ImportSpec).Decs.Start) == 0 &&
			len(gd.Specs[0].(*dst.ImportSpec).Decs.End) == 0 {
			// import "x" becomes a block; its spec now sits on its own line.
			gd.Lparen = true
			only := gd.Specs[0].(*dst.ImportSpec)
			only.Decs.Before, only.Decs.After = dst.NewLine, dst.NewLine
		} else if !gd.Lparen {
			continue // a commented single import: leave it alone, try the next
		}
		// Standard-library paths go after the last standard-library import
		// of the block's first group; gofmt sorts the group.
		at := 0
		for i, s := range gd.Specs {
			is := s.(*dst.ImportSpec)
			if i > 0 && (is.Decs.Before == dst.EmptyLine || gd.Specs[i-1].(*dst.ImportSpec).Decs.After == dst.EmptyLine) {
				break
			}
			p, _ := strconv.Unquote(is.Path.Value)
			if isStdPath(p) {
				at = i + 1
			}
		}
		if at > 0 {
			// Take over the spacing after the spec we follow, so that a
			// blank line separating groups stays after the group.
			prev := gd.Specs[at-1].(*dst.ImportSpec)
			spec.Decs.After = prev.Decs.After
			prev.Decs.After = dst.NewLine
		}
		gd.Specs = append(gd.Specs[:at], append([]dst.Spec{spec}, gd.Specs[at:]...)...)
		return
	}
	gd := &dst.GenDecl{Tok: token.IMPORT, Specs: []dst.Spec{spec}}
	gd.Decs.Before = dst.EmptyLine
	gd.Decs.After = dst.EmptyLine
	c.File.Decls = append([]dst.Decl{gd}, c.File.Decls...)
}

// lookupAt finds name in scope or its parents as seen from position at.
func lookupAt(scope *types.Scope, name string, at token.Pos) types.Object {
	if scope == nil {
		return nil
	}
	_, obj := scope.LookupParent(name, at)
	return obj
}

func lastElem(path string) string {
	if i := strings.LastIndex(path, "/"); i >= 0 {
		return path[i+1:]
	}
	return path
}

func isStdPath(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

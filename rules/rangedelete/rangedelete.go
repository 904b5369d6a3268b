package rangedelete

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/internal/flow"
)

// Rule reports elements removed from a slice or a container/list
// while iterating over it, delete-everything map loops, and keys inserted
// into a map while ranging over it.
var Rule = rule.Define(&rule.Rule{
	ID:    "range-delete",
	Title: "elements are removed while iterating",
	Doc: rule.Doc{
		Intro: `Removing elements while iterating.

Three shapes look alike and behave differently: slices, container/list
and maps. Deleting map entries while ranging is legal and safe (Go spec: an
entry removed before it is reached is not produced), so delete(m, k) in a
range over m is not reported.`,
		Example: `  for i, t := range tasks {
      if t.Done() {
          tasks = append(tasks[:i], tasks[i+1:]...)
      }
  }

becomes

  tasks = slices.DeleteFunc(tasks, func(t *Task) bool {
      return t.Done()
  })`,
	},
	Checks: []*rule.Check{sliceCheck, listCheck, mapClear, mapInsert},
	Run:    runRangeDelete,
})

var (
	sliceCheck = &rule.Check{
		Name:     "slice",
		Category: rule.Bug,
		Summary:  "an element is removed from a slice inside a loop over it",
		Doc: `Slices. "for i := range s" evaluates s once. Removing s[i] inside the loop
with s = append(s[:i], s[i+1:]...) or s = slices.Delete(s, i, i+1) shifts
the next element into index i, so the loop never looks at it; later
iterations index past the shortened slice and can panic (slices.Delete also
zeroes the vacated tail since Go 1.22, so the range value v of the last
iterations is a zero value). The same removal in
"for i := 0; i < len(s); i++" does not panic but still skips the shifted
element unless the body decrements i after removing. Reported: a removal of
s[i] from which the loop can go on to its next iteration (the control flow
of the body decides). Not reported: backwards loops, index loops that adjust
i themselves (i--, or i++ only when nothing was removed), removals
followed by break, return, panic or a jump out of the loop, and a loop that
removes the element at one fixed index (if i == x) and reads no element
(it removes once and never sees a shifted element). An i-- in a
range loop is reported: the range assigns i from its own counter, so the
decrement rewinds nothing.

When the loop only decides which elements to drop, its body being

  if cond { <remove s[i]> }              (optionally followed by continue)
  if cond { continue }; <remove s[i]>

the fix states that intent directly (Go 1.21):

  s = slices.DeleteFunc(s, func(v T) bool { return cond })

with s[i] and the range value written as the parameter. slices.DeleteFunc
calls the predicate once per element, in order, and keeps the survivors in
their order in the same backing array, as the loop meant to. It zeroes the
vacated tail of the array, which the append form does not do (slices.Delete
does the same since Go 1.22): only code reading past len(s) could see the
difference. The predicate must not use i or s itself (other than s[i]),
must not use s[i] as storage (its address, a pointer method), and its
condition must be of type bool; otherwise the finding has no fix. For
files older than Go 1.21 the fix is the equivalent in-place compaction,
which keeps the loop header, the condition and its comments (n is a fresh
name):

  n := 0
  for i := range s {
      if cond {
          continue
      }
      s[n] = s[i]
      n++
  }
  s = s[:n]

Loops whose body does more (other statements, other uses of i, break) are
reported without a fix: decrement i after the removal in an index loop, or
collect the survivors explicitly.`,
	}
	listCheck = &rule.Check{
		Name:     "list",
		Category: rule.Bug,
		Summary:  "list.Remove(e) ends an e = e.Next() loop early",
		Doc: `container/list. (*list.List).Remove(e) clears e's links, so in
"for e := l.Front(); e != nil; e = e.Next()" the loop ends after the first
removal (e.Next() is then nil); the same holds for Back/Prev. The fix takes
the successor before the body runs, so that continue still advances:

  for e, next := l.Front(), (*list.Element)(nil); e != nil; e = next {
      next = e.Next()
      ...
  }

(a fresh name is used when next is taken). Not reported: loops that
already advance through a saved successor, that break or return right
after Remove, or that assign e themselves. There is no fix when the body
changes the list in other ways (insertions could make the loop visit new
elements) or hands the list to other code.`,
	}
	mapClear = &rule.Check{
		Name:     "map-clear",
		Category: rule.Style,
		Summary:  "a loop deletes every key of a map; use clear",
		Doc: `Maps. Deleting entries while ranging is legal and safe (Go spec: an entry
removed before it is reached is not produced), so delete(m, k) in a range
over m is not reported. A loop whose whole body is delete(m, k) with the
range key empties the map; since Go 1.21 that is clear(m), which also
removes NaN keys that delete cannot (for older files such a loop is left
alone and not reported).`,
	}
	mapInsert = &rule.Check{
		Name:     "map-insert",
		Category: rule.Bug,
		Summary:  "a key is added to a map while ranging over it",
		Doc: `Inserting a new key into m while ranging over m is
reported without a fix: the spec leaves unspecified whether the loop visits
the new entry, so the result depends on iteration order. Re-assigning the
current key (m[k] = ...), updating a key known to exist (inside
if _, ok := m[x]; ok { ... }) and writing to another map are not reported.`,
	}
)

// check is the state of range-delete over one function declaration
// (function literals included).
type check struct {
	pass   *rule.Pass
	file   *ast.File
	idents map[string]bool // every identifier name in the declaration
	taken  map[string]bool // fresh names already given to fixes
	graphs map[*ast.BlockStmt]*flow.Graph
}

// loop is one loop with what the checks need of its surroundings.
type loop struct {
	stmt    ast.Stmt       // *ast.ForStmt or *ast.RangeStmt
	body    *ast.BlockStmt // the loop's body
	fn      *ast.BlockStmt // body of the innermost enclosing function
	labeled bool           // the loop is the statement of a LabeledStmt
}

func runRangeDelete(p *rule.Pass) {
	for _, file := range p.Files {
		for _, d := range file.Decls {
			// Function declarations, and function literals in
			// package-level declarations (var f = func() { ... }).
			var bodies []*ast.BlockStmt
			ast.Inspect(d, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncDecl:
					if n.Body != nil {
						bodies = append(bodies, n.Body)
					}
					return false
				case *ast.FuncLit:
					bodies = append(bodies, n.Body)
					return false
				}
				return true
			})
			if len(bodies) == 0 {
				continue
			}
			c := &check{pass: p, file: file, idents: map[string]bool{}, taken: map[string]bool{}, graphs: map[*ast.BlockStmt]*flow.Graph{}}
			ast.Inspect(d, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					c.idents[id.Name] = true
				}
				return true
			})
			for _, body := range bodies {
				if hasLoop(body) {
					c.function(body)
				}
			}
		}
	}
}

// hasLoop is a cheap filter: a function without a loop has nothing to
// report.
func hasLoop(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.ForStmt, *ast.RangeStmt:
			found = true
		}
		return !found
	})
	return found
}

// function checks the loops of one function body; function literals are
// checked as functions of their own.
func (c *check) function(fn *ast.BlockStmt) {
	var stack []ast.Node
	ast.Inspect(fn, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if lit, ok := n.(*ast.FuncLit); ok {
			c.function(lit.Body)
			return false
		}
		var parent ast.Node
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		stack = append(stack, n)
		_, labeled := parent.(*ast.LabeledStmt)
		switch s := n.(type) {
		case *ast.ForStmt:
			l := &loop{stmt: s, body: s.Body, fn: fn, labeled: labeled}
			c.checkSliceLoop(l)
			c.checkListLoop(l)
		case *ast.RangeStmt:
			l := &loop{stmt: s, body: s.Body, fn: fn, labeled: labeled}
			c.checkSliceLoop(l)
			c.checkMapLoop(l)
		}
		return true
	})
}

// graph returns the control-flow graph of the function body fn.
func (c *check) graph(fn *ast.BlockStmt) *flow.Graph {
	g := c.graphs[fn]
	if g == nil {
		g = flow.NewGraph(c.pass.Info, fn)
		c.graphs[fn] = g
	}
	return g
}

// atLeast reports whether the file's Go version is at least go1.minor.
func (c *check) atLeast(minor int) bool {
	v := strings.TrimPrefix(c.pass.FileVersion(c.file), "go")
	parts := strings.SplitN(v, ".", 3)
	if v == "" || len(parts) < 2 || parts[0] != "1" {
		return true
	}
	n, err := strconv.Atoi(strings.TrimRightFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' }))
	return err != nil || n >= minor
}

// str prints an expression as gofmt would, for messages.
func (c *check) str(e ast.Expr) string {
	var buf bytes.Buffer
	if err := format.Node(&buf, c.pass.Fset, e); err != nil {
		return types.ExprString(e)
	}
	return buf.String()
}

// lookup resolves name as seen at pos.
func (c *check) lookup(name string, pos token.Pos) types.Object {
	scope := c.pass.Pkg.Scope().Innermost(pos)
	if scope == nil {
		scope = c.pass.Info.Scopes[c.file]
	}
	if scope == nil {
		return nil
	}
	_, obj := scope.LookupParent(name, pos)
	return obj
}

// isUniverse reports whether name at pos still denotes the predeclared
// object of that name.
func (c *check) isUniverse(name string, pos token.Pos) bool {
	obj := c.lookup(name, pos)
	return obj != nil && obj == types.Universe.Lookup(name)
}

// freshName returns the first of the candidates (or a numbered variant)
// that no identifier of the function uses, that resolves to nothing at pos,
// and that no other fix of the function took; "" when all are taken.
func (c *check) freshName(pos token.Pos, candidates ...string) string {
	for _, base := range candidates {
		for i := 0; i < 10; i++ {
			name := base
			if i > 0 {
				name = base + strconv.Itoa(i+1)
			}
			if c.idents[name] || c.taken[name] || c.lookup(name, pos) != nil || token.IsKeyword(name) {
				continue
			}
			c.taken[name] = true
			return name
		}
	}
	return ""
}

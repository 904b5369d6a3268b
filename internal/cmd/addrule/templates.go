package main

// The scaffold's files. RULEID is replaced by the rule ID, PKGNAME by the
// package name. The rule they declare is a small real check (a copy of a
// slice onto itself), so that the scaffold builds, runs and passes its
// golden cases as it is; replace its detector, checks and docs with the
// new rule's.

const ruleTemplate = `// Package PKGNAME is the gofixslice rule RULEID (gofixslice -explain RULEID).
package PKGNAME

import (
	"fmt"
	"go/ast"
	"go/types"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// Rule reports RULEID findings.
var Rule = rule.Define(&rule.Rule{
	ID:    "RULEID",
	Title: "a slice is copied onto itself",
	Doc: rule.Doc{
		Intro: ` + "`" + `copy(x, x) copies a slice onto itself: it changes nothing, and the
code meant to copy something else.` + "`" + `,
		NotReported: ` + "`" + `copy(x[1:], x), which shifts elements.` + "`" + `,
		Example: ` + "`" + `  copy(buf, buf)` + "`" + `,
	},
	Checks: []*rule.Check{selfCopy},
	Run:    run,
})

var selfCopy = &rule.Check{
	Name:     "self",
	Category: rule.Bug,
	Summary:  "copy(x, x) does nothing",
	Doc:      ` + "`" + `Both arguments of copy are the same variable. Reported without a fix.` + "`" + `,
}

func run(p *rule.Pass) {
	for _, f := range p.Files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || !isBuiltin(p.Info.Uses[id], "copy") {
				return true
			}
			a, ok1 := call.Args[0].(*ast.Ident)
			b, ok2 := call.Args[1].(*ast.Ident)
			if ok1 && ok2 && p.Info.Uses[a] != nil && p.Info.Uses[a] == p.Info.Uses[b] {
				// Related is the evidence chain, in order, one line a step.
				p.Report(rule.Diagnostic{Check: selfCopy, Pos: call.Pos(), End: call.End(),
					Message: fmt.Sprintf("copy(%s, %s) copies %s onto itself and does nothing", a.Name, b.Name, a.Name),
					Related: []rule.Related{
						{Pos: a.Pos(), End: a.End(), Message: a.Name + " is the destination here"},
						{Pos: b.Pos(), End: b.End(), Message: "and the same " + b.Name + " is the source here"},
					}})
			}
			return true
		})
	}
}

func isBuiltin(obj types.Object, name string) bool {
	b, ok := obj.(*types.Builtin)
	return ok && b.Name() == name
}
`

const analyzerTemplate = `package PKGNAME

import "github.com/gofixslice/gofixslice/rewrite/analyzer"

// Analyzer is the rule as a golang.org/x/tools/go/analysis analyzer, for go
// vet, go fix, gopls, golangci-lint and Bazel nogo.
var Analyzer = analyzer.New(Rule)
`

const testTemplate = `package PKGNAME

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/internal/goldentest"
)

// TestGoldenCases runs the rule's golden cases (golden/RULEID).
func TestGoldenCases(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("..", "..", "golden", Rule.ID, "*.txtar"))
	require.NoError(t, err)
	require.NotEmpty(t, cases)
	for _, c := range cases {
		t.Run(strings.TrimSuffix(filepath.Base(c), ".txtar"), func(t *testing.T) {
			goldentest.Run(t, Rule, c, false)
		})
	}
}
`

const goldenTemplate = `A slice copied onto itself: the copy does nothing.
-- a.go --
package a

// Refresh was meant to copy src into buf.
func Refresh(buf, src []byte) int {
	return copy(buf, buf)
}
-- findings --
a.go:5:9: RULEID/self: copy(buf, buf) copies buf onto itself and does nothing
-- evidence --
a.go:5:9
	a.go:5:14: buf is the destination
	a.go:5:19: the same buf is the source
`

const negativeTemplate = `Distinct slices, and a shift within one slice: not reported.
-- a.go --
package a

// Shift moves buf's elements one place to the left.
func Shift(buf, src []byte) int {
	copy(buf, buf[1:])
	return copy(buf, src)
}
-- findings --
`

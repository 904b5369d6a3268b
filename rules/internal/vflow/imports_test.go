package vflow

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/ssa"
)

// A method of a type from an indirect import (net/url through net/http) is
// the method of its created package, as when every transitive import is
// created; an import nothing refers to beyond the direct ones is not
// created.
func TestSSAImportsIndirectMethod(t *testing.T) {
	f := check(t, "example.com/p", `package p

import "net/http"

func F(r *http.Request) string {
	return r.URL.String()
}
`, nil, nil)
	var callee *ssa.Function
	for _, fn := range f.p.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if c, ok := instr.(ssa.CallInstruction); ok {
					if g := c.Common().StaticCallee(); g != nil && g.Name() == "String" {
						callee = g
					}
				}
			}
		}
	}
	require.NotNil(t, callee, "the call of (*url.URL).String")
	require.NotNil(t, callee.Pkg, "the callee belongs to a created package")
	require.Equal(t, "net/url", callee.Pkg.Pkg.Path())
	require.NotContains(t, callee.Synthetic, "on demand")

	var paths []string
	for _, q := range ssaImports(f.pkg, f.info) {
		paths = append(paths, q.Path())
	}
	require.Contains(t, paths, "net/http")
	require.Contains(t, paths, "net/url")
	require.NotContains(t, paths, "crypto/tls", "imported by net/http, never referred to")
	require.Nil(t, f.p.SSA.Prog.ImportedPackage("crypto/tls"))
}

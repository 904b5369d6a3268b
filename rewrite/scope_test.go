package rewrite

import (
	"path/filepath"
	"testing"

	"github.com/gofixslice/gofixslice/internal/testmod"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPassInScope(t *testing.T) {
	dir := testmod.Module(t, map[string]string{
		"p/a.go": "package p\n\nfunc A() {}\n",
		"p/b.go": "package p\n\nfunc B() {}\n",
	})
	seen := map[string]bool{}
	r := testRule("scope", func(p *rule.Pass, check *rule.Check) {
		for _, f := range p.Files {
			seen[filepath.Base(p.Fset.File(f.FileStart).Name())] = p.InScope(f.Package)
		}
	})
	_, err := Run(Options{Dir: dir, Args: []string{"p/a.go"}, Env: testmod.Env(), Rules: []*rule.Rule{r}})
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"a.go": true, "b.go": false}, seen, "a single-file run: the other file is read, not in scope")
	_, err = Run(Options{Dir: dir, Args: []string{"./p"}, Env: testmod.Env(), Rules: []*rule.Rule{r}})
	require.NoError(t, err)
	assert.Equal(t, map[string]bool{"a.go": true, "b.go": true}, seen)
}

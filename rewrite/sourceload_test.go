package rewrite_test

import (
	"flag"
	"fmt"
	"go/build"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/internal/goldentest"
	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules"
)

var stdAll = flag.Bool("std", false, "TestSourceLoaderSameFindings: compare on all of std (minutes), not a sample")

// findingsBothWays runs every rule (every check on) over args in dir with
// the checked packages' imports type-checked in process (the loader of
// issue 17) and with them all from export data (the loader before), and
// returns both outcomes as lines: findings with their fixes, and errors.
func findingsBothWays(t *testing.T, dir string, env []string, args ...string) (source, export []string) {
	all := &rewrite.Settings{Enabled: func(*rule.Check, string) bool { return true }}
	run := func(opt func(*rewrite.Options)) []string {
		opts := rewrite.Options{
			Dir: dir, Args: args, Tests: true, Env: env, Rules: rules.All(),
			Settings: func(string) (*rewrite.Settings, error) { return all, nil },
			Fix:      true, Edits: true,
		}
		if opt != nil {
			opt(&opts)
		}
		res, err := rewrite.Run(opts)
		require.NoError(t, err)
		var out []string
		for _, f := range res.Findings {
			out = append(out, fmt.Sprintf("%s:%d:%d: %s: %s (fix %v %v %q) %v", f.Pos.Filename, f.Pos.Line, f.Pos.Column,
				f.Check.ID(), f.Message, f.HasFix, f.Fixed, f.FixDropped, f.Edits))
		}
		for _, c := range res.Changes {
			out = append(out, "change "+c.Path+"\n"+string(c.New))
		}
		for _, e := range res.Errors {
			out = append(out, "error "+e.Error())
		}
		return out
	}
	return run(nil), run(rewrite.ExportRoots)
}

// TestSourceLoaderSameFindings: type-checking the checked packages, their
// test variants and the packages that import them from source (issue 17)
// finds exactly what loading their imports from the go command's export
// data finds, on every golden module and on std (a sample; -std: all).
func TestSourceLoaderSameFindings(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every golden module twice")
	}
	t.Run("golden", func(t *testing.T) {
		cases, err := filepath.Glob("../golden/*/*.txtar")
		require.NoError(t, err)
		require.NotEmpty(t, cases)
		for _, path := range cases {
			t.Run(strings.TrimSuffix(strings.TrimPrefix(path, "../golden/"), ".txtar"), func(t *testing.T) {
				t.Parallel()
				c, err := goldentest.Load(path)
				require.NoError(t, err)
				dir := t.TempDir()
				c.WriteModule(t, dir)
				src, exp := findingsBothWays(t, dir, goldentest.Env(), "./...")
				require.Equal(t, exp, src)
			})
		}
	})
	t.Run("std", func(t *testing.T) {
		pkgs := []string{"archive/zip", "bufio", "crypto/hkdf", "crypto/mlkem", "log/slog", "math/big", "sync", "vendor/golang.org/x/net/http2/hpack"}
		if *stdAll {
			pkgs = []string{"std"}
		}
		src, exp := findingsBothWays(t, filepath.Join(build.Default.GOROOT, "src"), nil, pkgs...)
		require.Equal(t, exp, src)
		t.Logf("%d findings and errors", len(src))
	})
}

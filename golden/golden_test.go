// Package golden runs the golden cases: one folder per rule ID, one txtar
// archive per case, in the format internal/goldentest documents.
//
// go test ./golden -update rewrites the findings and .golden sections.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/internal/goldentest"
	"github.com/gofixslice/gofixslice/rules"
)

var update = flag.Bool("update", false, "rewrite the expected findings and outputs of the golden cases")

func TestGolden(t *testing.T) {
	dirs, err := os.ReadDir(".")
	require.NoError(t, err)
	var mu sync.Mutex
	seen := map[string]bool{} // check IDs reported by some case
	ran, executed := 0, 0
	t.Run("cases", func(t *testing.T) {
		for _, d := range dirs {
			if !d.IsDir() {
				continue
			}
			rule := rules.ByID(d.Name())
			require.NotNil(t, rule, "golden folder %s names no rule", d.Name())
			cases, err := filepath.Glob(filepath.Join(d.Name(), "*.txtar"))
			require.NoError(t, err)
			for _, c := range cases {
				ran++
				t.Run(strings.TrimSuffix(c, ".txtar"), func(t *testing.T) {
					t.Parallel()
					findings := goldentest.Run(t, rule, c, *update)
					mu.Lock()
					defer mu.Unlock()
					executed++
					for _, f := range findings {
						seen[f.Check.ID()] = true
					}
				})
			}
		}
	})
	require.NotZero(t, ran, "no golden cases found")
	if t.Failed() || executed < ran {
		return // a failure, or -run chose some cases only
	}
	// Every check of every rule is shown by at least one case.
	var missing []string
	for _, r := range rules.All() {
		for _, c := range r.Checks {
			if !seen[c.ID()] {
				missing = append(missing, c.ID())
			}
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "checks no golden case reports")
}

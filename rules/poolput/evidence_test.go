package poolput_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/internal/goldentest"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules/poolput"
)

// Every finding of the golden cases carries an evidence chain: where the
// object comes from (when the value flow says), where it is put back, and
// for a use after Put, the use.
func TestEvidence(t *testing.T) {
	var mu sync.Mutex
	var got []rule.Diagnostic
	poolput.SetReportHook(func(d rule.Diagnostic) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, d)
	})
	defer poolput.SetReportHook(nil)
	for _, c := range []string{"use_after_plain_put", "defer_return_bytes", "no_reset", "wrapper_release"} {
		got = nil
		goldentest.Run(t, poolput.Rule, "../../golden/pool-put/"+c+".txtar", false)
		require.NotEmpty(t, got, c)
		for _, d := range got {
			t.Logf("%s: %s %v", c, d.Message, d.Related)
			require.NotEmpty(t, d.Related, "%s: %s", c, d.Message)
			put := false
			for _, r := range d.Related {
				require.True(t, r.Pos.IsValid(), "%s: %s", c, r.Message)
				if strings.Contains(r.Message, "back into the pool") {
					put = true
				}
			}
			require.True(t, put, "%s: no Put step in %v", c, d.Related)
			if d.Check.Name == "use-after-put" {
				require.GreaterOrEqual(t, len(d.Related), 2, "%s: %v", c, d.Related)
			}
		}
		if c == "use_after_plain_put" {
			require.Contains(t, got[0].Related[0].Message, "taken from the pool", "%v", got[0].Related)
			require.Contains(t, got[0].Related[1].Message, "a view of buf", "%v", got[0].Related)
		}
	}
}

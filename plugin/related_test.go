package plugin_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/gofixslice/gofixslice/rewrite/analyzer"
	"github.com/gofixslice/gofixslice/rules"
)

// The plugin's analyzers report without evidence chains: golangci-lint
// would turn each step into an issue of its own, at its own line, where
// //nolint on the finding's line does not suppress it.
func TestPluginDiagnosticsHaveNoRelated(t *testing.T) {
	defer analyzer.OmitRelated(false)
	_, _, err := build(t, nil)
	require.NoError(t, err)
	dir, cleanup, err := analysistest.WriteFiles(map[string]string{
		"p/p.go": "package p\n\nfunc F(s []int) []int {\n\tfor i := range s {\n\t\tif s[i] == 0 {\n\t\t\ts = append(s[:i], s[i+1:]...) // want `removing s\\[i\\]`\n\t\t}\n\t}\n\treturn s\n}\n",
	})
	require.NoError(t, err)
	defer cleanup()
	a := rules.Analyzer("range-delete")
	res := analysistest.Run(t, dir, a, "p")
	require.Len(t, res, 1)
	require.Len(t, res[0].Diagnostics, 1)
	assert.Empty(t, res[0].Diagnostics[0].Related, "no Related under golangci-lint")

	analyzer.OmitRelated(false)
	res = analysistest.Run(t, dir, a, "p")
	require.Len(t, res[0].Diagnostics, 1)
	assert.Len(t, res[0].Diagnostics[0].Related, 3, "the same analyzer elsewhere: the range, the removal, the step past it")
}

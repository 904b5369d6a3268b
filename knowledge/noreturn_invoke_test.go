package knowledge

import (
	"go/importer"
	"go/types"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNoReturnInvoke(t *testing.T) {
	pkg, err := importer.Default().Import("testing")
	require.NoError(t, err)
	tb := pkg.Scope().Lookup("TB").Type().Underlying().(*types.Interface)
	method := func(name string) *types.Func {
		for i := range tb.NumMethods() {
			if m := tb.Method(i); m.Name() == name {
				return m
			}
		}
		t.Fatalf("no method TB.%s", name)
		return nil
	}
	for full := range noReturnInvoke {
		name := full[len("(testing.TB)."):]
		m := method(name)
		assert.Equal(t, full, m.FullName())
		assert.True(t, NoReturnInvoke(m), full)
		assert.False(t, NoReturn(m), "NoReturn is unchanged for %s", full)
	}
	assert.False(t, NoReturnInvoke(method("Error")))
	assert.False(t, NoReturnInvoke(method("Helper")))
	assert.False(t, NoReturnInvoke(nil))
}

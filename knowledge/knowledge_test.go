package knowledge

import (
	"go/importer"
	"go/types"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lookupName finds a function or method of a standard package by its
// types.Func.FullName.
func lookupName(t *testing.T, imp types.Importer, full string) *types.Func {
	t.Helper()
	name := strings.TrimPrefix(full, "(*")
	recv := ""
	if i := strings.Index(name, ")."); i >= 0 {
		recv, name = name[:i], name[i+2:]
	}
	pkgPath := recv
	if recv == "" {
		i := strings.LastIndex(name, ".")
		pkgPath, name = name[:i], name[i+1:]
	} else {
		i := strings.LastIndex(recv, ".")
		pkgPath, recv = recv[:i], recv[i+1:]
	}
	pkg, err := imp.Import(pkgPath)
	require.NoError(t, err, pkgPath)
	if recv == "" {
		fn, _ := pkg.Scope().Lookup(name).(*types.Func)
		require.NotNil(t, fn, full)
		return fn
	}
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(pkg.Scope().Lookup(recv).Type()), true, pkg, name)
	fn, _ := obj.(*types.Func)
	require.NotNil(t, fn, full)
	return fn
}

func TestLookupFindsTableEntries(t *testing.T) {
	imp := importer.Default()
	for _, full := range []string{"(*bufio.Scanner).Bytes", "bytes.TrimSpace", "(*bytes.Buffer).Reset", "io.ReadFull", "(*sync.Map).Store", "(*container/list.List).PushBack"} {
		fn := lookupName(t, imp, full)
		assert.Equal(t, full, fn.FullName())
		_, ok := Lookup(fn)
		assert.True(t, ok, full)
	}
	// Not in the table: a lookup answers no without building the name.
	_, ok := Lookup(lookupName(t, imp, "strconv.Itoa"))
	assert.False(t, ok)
}

func TestTablePackagesCoverEveryEntry(t *testing.T) {
	for full := range table {
		found := false
		for p := range tablePackages {
			if strings.HasPrefix(strings.TrimPrefix(strings.TrimPrefix(full, "(*"), "("), p+".") {
				found = true
			}
		}
		assert.True(t, found, full)
	}
}

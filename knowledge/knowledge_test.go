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

func TestNoReturn(t *testing.T) {
	imp := importer.Default()
	for full := range noReturn {
		fn := lookupName(t, imp, full)
		assert.Equal(t, full, fn.FullName())
		assert.True(t, NoReturn(fn), full)
	}
	assert.False(t, NoReturn(lookupName(t, imp, "log.Print")))
	assert.False(t, NoReturn(lookupName(t, imp, "(*testing.common).Error")))
	assert.False(t, NoReturn(nil))
}

func TestIsLargeReader(t *testing.T) {
	imp := importer.Default()
	for _, full := range []string{"os.ReadFile", "io.ReadAll", "io/ioutil.ReadFile", "io/ioutil.ReadAll"} {
		assert.True(t, IsLargeReader(lookupName(t, imp, full)), full)
	}
	assert.Len(t, largeReaders, 4)
	assert.False(t, IsLargeReader(lookupName(t, imp, "io.ReadFull")))
	assert.False(t, IsLargeReader(nil))
}

func TestList(t *testing.T) {
	imp := importer.Default()
	assert.Equal(t, ListNext, ListWalk(lookupName(t, imp, "(*container/list.List).Front")))
	assert.Equal(t, ListPrev, ListWalk(lookupName(t, imp, "(*container/list.List).Back")))
	assert.Equal(t, "", ListWalk(lookupName(t, imp, "(*container/list.Element).Next")))
	assert.Equal(t, "", ListWalk(nil))
	assert.Equal(t, ListNext, ListStep(lookupName(t, imp, "(*container/list.Element).Next")))
	assert.Equal(t, ListPrev, ListStep(lookupName(t, imp, "(*container/list.Element).Prev")))
	assert.Equal(t, "", ListStep(lookupName(t, imp, "(*container/list.List).Front")))
	assert.Equal(t, "", ListStep(nil))
	assert.Equal(t, ListRemove, ListMethod(lookupName(t, imp, "(*container/list.List).Remove")))
	assert.Equal(t, ListNext, ListMethod(lookupName(t, imp, "(*container/list.Element).Next")))
	assert.Equal(t, "", ListMethod(lookupName(t, imp, "container/list.New")), "a function, not a method")
	assert.Equal(t, "", ListMethod(lookupName(t, imp, "(*bytes.Buffer).Len")))
	assert.Equal(t, "", ListMethod(nil))
	for _, m := range []string{"Len", "Front", "Back"} {
		assert.True(t, ListReadOnly(m), m)
		assert.Equal(t, m, ListMethod(lookupName(t, imp, "(*container/list.List)."+m)))
	}
	for _, m := range []string{ListRemove, "PushBack", "MoveToFront", "Init", ""} {
		assert.False(t, ListReadOnly(m), m)
	}
}

func TestFuncNames(t *testing.T) {
	imp := importer.Default()
	for _, f := range []Func{SlicesDelete, SlicesDeleteFunc} {
		fn := lookupName(t, imp, f.FullName())
		assert.True(t, f.Is(fn), f.FullName())
		assert.Equal(t, SlicesPath, fn.Pkg().Path())
	}
	assert.Equal(t, "slices.DeleteFunc", SlicesDeleteFunc.FullName())
	assert.False(t, SlicesDelete.Is(lookupName(t, imp, "slices.DeleteFunc")))
	assert.False(t, SlicesDelete.Is(nil))
}

func TestPool(t *testing.T) {
	imp := importer.Default()
	put, get := lookupName(t, imp, PoolPut), lookupName(t, imp, PoolGet)
	assert.True(t, IsPoolPut(put))
	assert.False(t, IsPoolPut(get))
	assert.True(t, IsPoolGet(get))
	assert.False(t, IsPoolGet(put))
	assert.False(t, IsPoolPut(nil) || IsPoolGet(nil))
	assert.Equal(t, PoolPutMethod, put.Name())
	assert.Equal(t, PoolGetMethod, get.Name())
	pkg, err := imp.Import("sync")
	require.NoError(t, err)
	obj, _, _ := types.LookupFieldOrMethod(pkg.Scope().Lookup("Pool").Type(), true, pkg, PoolNewField)
	v, ok := obj.(*types.Var)
	require.True(t, ok)
	assert.True(t, v.IsField())
}

func TestMethodConventions(t *testing.T) {
	imp := importer.Default()
	// Each convention is named after a real standard-library method.
	assert.True(t, IsReset(lookupName(t, imp, "(*bytes.Buffer)."+ResetMethod), false))
	lookupName(t, imp, "(*bytes.Buffer)."+CapMethod)
	lookupName(t, imp, "(*sync.WaitGroup)."+WaitMethod)
	lookupName(t, imp, "(*sync.Cond)."+WaitMethod)
	assert.True(t, IsWriteMethod(lookupName(t, imp, "(*bytes.Buffer)."+WriteMethod)))
	assert.True(t, IsReadMethod(lookupName(t, imp, "(*bytes.Reader).Read")))
	assert.True(t, IsReadMethod(lookupName(t, imp, "(*bytes.Reader).ReadAt")))
	assert.False(t, IsReadMethod(lookupName(t, imp, "(*bytes.Reader).ReadByte")))
}

func TestIsBytesBuffer(t *testing.T) {
	imp := importer.Default()
	pkg, err := imp.Import("bytes")
	require.NoError(t, err)
	buf := pkg.Scope().Lookup("Buffer").Type()
	assert.True(t, IsBytesBuffer(buf))
	assert.True(t, IsBytesBuffer(types.NewPointer(buf)))
	assert.False(t, IsBytesBuffer(pkg.Scope().Lookup("Reader").Type()))
	assert.False(t, IsBytesBuffer(types.Typ[types.Int]))
}

func TestIsCryptoPackage(t *testing.T) {
	for path, want := range map[string]bool{
		"crypto/aes": true, "crypto/internal/fips140/hkdf": true, "golang.org/x/crypto/scrypt": true,
		"crypto": false, "cryptography/x": false, "golang.org/x/cryptobyte": false, "bytes": false,
	} {
		assert.Equal(t, want, IsCryptoPackage(path), path)
	}
}

func TestIsAppendName(t *testing.T) {
	for name, want := range map[string]bool{
		"Append": true, "AppendInt": true, "append": true, "appendQuoted": true, "Append2": true, "append_x": true,
		"Appendix": false, "appended": false, "Appends": false, "doAppend": false, "": false,
	} {
		assert.Equal(t, want, IsAppendName(name), name)
	}
}

func TestTransientSources(t *testing.T) {
	imp := importer.Default()
	want := []string{"Bytes", "Peek", "Pread", "Read", "ReadAt", "ReadAtLeast", "ReadFull", "ReadLine", "ReadSlice"}
	var got []string
	for name := range transientSourceNames {
		got = append(got, name)
		assert.True(t, IsTransientSourceName(name))
	}
	assert.ElementsMatch(t, want, got)
	assert.False(t, IsTransientSourceName("String"))

	scan, _ := Lookup(lookupName(t, imp, "(*bufio.Scanner).Bytes"))
	assert.Equal(t, "Scan", scan.OverwrittenBy)
	lookupName(t, imp, "(*bufio.Scanner)."+scan.OverwrittenBy)
	buf, _ := Lookup(lookupName(t, imp, "(*bytes.Buffer).Bytes"))
	assert.True(t, buf.UntilModified)
	assert.False(t, buf.Transient)
	for full, f := range table {
		if f.OverwrittenBy != "" {
			assert.True(t, f.Transient, full)
		}
		if f.UntilModified {
			assert.True(t, Has(f.ViewOf, recv), full)
		}
	}
}

func TestWriteAndReadIntoMethods(t *testing.T) {
	imp := importer.Default()
	udp := func(name string) *types.Func { return lookupName(t, imp, "(*net.UDPConn)."+name) }
	assert.True(t, IsStdWriteMethod(udp("WriteToUDP")))
	assert.True(t, IsStdWriteMethod(udp("Write")))
	assert.False(t, IsStdWriteMethod(udp("ReadFromUDP")))
	assert.True(t, IsReadIntoMethod(udp("ReadFromUDP")))
	assert.True(t, IsReadIntoMethod(udp("Read")))
	assert.False(t, IsReadIntoMethod(udp("WriteToUDP")))
	assert.False(t, IsStdWriteMethod(nil))
	assert.False(t, IsReadIntoMethod(nil))
}

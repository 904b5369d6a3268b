package ingest

import (
	"bytes"
	"fmt"
	"sync"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Render formats a record. The buffer goes back to the pool when Render
// returns, while the caller still holds buf.Bytes(): the next Render may
// overwrite the caller's result.
func Render(name string, size int) []byte {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	fmt.Fprintf(buf, "%s=%d", name, size)
	return buf.Bytes()
}

// DropEmpty removes empty names. Removing inside the range loop skips the
// element shifted into place: two empty names in a row leave one behind.
func DropEmpty(names []string) []string {
	for i := range names {
		if names[i] == "" {
			names = append(names[:i], names[i+1:]...)
		}
	}
	return names
}

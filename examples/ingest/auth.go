package ingest

import (
	"bufio"
	"crypto/subtle"
	"io"
)

// CountMatches reads one password a line from r and counts those equal to
// want. The password buffer is reused line after line: truncating it
// leaves the previous password's bytes in the backing array, where the
// next reader of the buffer (or a heap dump) finds them.
func CountMatches(r io.Reader, want []byte) (int, error) {
	sc := bufio.NewScanner(r)
	password := make([]byte, 0, 64)
	n := 0
	for sc.Scan() {
		password = append(password, sc.Bytes()...)
		if subtle.ConstantTimeCompare(password, want) == 1 {
			n++
		}
		password = password[:0]
	}
	return n, sc.Err()
}

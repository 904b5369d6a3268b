// Package ingest is a small example with real hazards for gofixslice to find.
// Run: go run ./cmd/gofixslice -v -d ./examples/...
package ingest

import (
	"bufio"
	"io"
)

// Index maps the first word of each line to the line.
type Index struct {
	byKey map[string][]byte
	last  []byte
}

// Load reads lines from r. The scanner reuses its buffer: every stored line
// would be overwritten by the lines that follow.
func (ix *Index) Load(r io.Reader) error {
	if ix.byKey == nil {
		ix.byKey = map[string][]byte{}
	}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Bytes()
		key := string(firstWord(line)) // string(...) copies: fine
		ix.byKey[key] = line
		ix.last = sc.Bytes()
	}
	return sc.Err()
}

// Lines returns every line of r.
func Lines(r io.Reader) [][]byte {
	var lines [][]byte
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, sc.Bytes())
	}
	return lines
}

// Tee keeps what is written to it. io.Writer implementations must not
// retain p.
type Tee struct {
	chunks [][]byte
}

func (t *Tee) Write(p []byte) (int, error) {
	t.chunks = append(t.chunks, p)
	return len(p), nil
}

func firstWord(b []byte) []byte {
	for i, c := range b {
		if c == ' ' {
			return b[:i]
		}
	}
	return b
}

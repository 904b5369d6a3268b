package ingest

import (
	"bytes"
	"os"
)

// titles keeps the first line of every file loaded. Each title is a small
// sub-slice of the whole file: storing it pins the entire file in memory.
var titles = map[string][]byte{}

// LoadTitle remembers the first line of the file at path.
func LoadTitle(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	titles[path] = first
	return nil
}

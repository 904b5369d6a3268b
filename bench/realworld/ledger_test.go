package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLedgerMatch(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "triage.tsv")
	os.WriteFile(p, []byte(strings.Join([]string{
		"module\tfile\tline\tid\tverdict\treason",
		"# comment",
		"m\ta.go\t10\tpool-put\tFP\tbuffer is reset by every Get site",
		"m\ta.go\t10\tpool-put/use-after-put\tTP\treturns buf.Bytes() after defer Put",
		"m\tb.go\t5\trange-delete/map-clear\tDEB\tstyle",
		"m\tc.go\t7\tzero-secret\tFN\tkey dropped unzeroed",
	}, "\n")+"\n"), 0o644)
	l, err := ReadLedger(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		file string
		line int
		id   string
		want string // verdict, "" for untriaged
	}{
		{"a.go", 10, "pool-put", "FP"},
		{"a.go", 10, "pool-put/no-reset", "FP"},
		{"a.go", 10, "pool-put/use-after-put", "TP"},
		{"a.go", 10, "pool-putx", ""},
		{"a.go", 11, "pool-put", ""},
		{"b.go", 5, "range-delete/map-clear", "DEB"},
		{"b.go", 5, "range-delete/slice", ""},
		{"b.go", 5, "range-delete", ""},
		{"c.go", 7, "zero-secret/dropped-key", "FN"},
	} {
		got := ""
		if e := l.Match(&Finding{Module: "m", File: c.file, Line: c.line, ID: c.id}); e != nil {
			got = e.Verdict
		}
		if got != c.want {
			t.Errorf("%s:%d %s: got %q, want %q", c.file, c.line, c.id, got, c.want)
		}
	}
}

func TestFindingID(t *testing.T) {
	for _, c := range []struct {
		obj  map[string]any
		want string
	}{
		{map[string]any{"rule": "pool-put"}, "pool-put"},
		{map[string]any{"rule": "pool-put/no-reset"}, "pool-put/no-reset"},
		{map[string]any{"rule": "pool-put", "check": "no-reset"}, "pool-put/no-reset"},
		{map[string]any{"rule": "pool-put", "subcheck": "pool-put/boxing"}, "pool-put/boxing"},
		{map[string]any{"rule": "pool-put", "message": "argument should be pointer-like to avoid allocations (SA6002): x"}, "pool-put/boxing"},
		{map[string]any{"rule": "range-delete", "message": "this loop deletes every key of m; use clear(m)"}, "range-delete/map-clear"},
		{map[string]any{"rule": "alias-append", "message": "anything"}, "alias-append"},
	} {
		if got := FindingID(c.obj); got != c.want {
			t.Errorf("FindingID(%v) = %q, want %q", c.obj, got, c.want)
		}
	}
}

func TestLedgerErrors(t *testing.T) {
	dir := t.TempDir()
	for _, bad := range []string{
		"m\ta.go\t10\tpool-put\tMAYBE\treason\n",
		"m\ta.go\tx\tpool-put\tTP\treason\n",
		"m\ta.go\t10\tpool-put\tTP\t\n",
		"m\ta.go\t10\tpool-put\tTP\n",
		"m\ta.go\t10\tpool-put\tTP\tr\nm\ta.go\t10\tpool-put\tFP\tr\n",
	} {
		p := filepath.Join(dir, "t.tsv")
		os.WriteFile(p, []byte(bad), 0o644)
		if _, err := ReadLedger(p); err == nil {
			t.Errorf("ReadLedger accepted %q", bad)
		}
	}
}

// The committed ledger parses.
func TestCommittedLedger(t *testing.T) {
	if _, err := ReadLedger("triage.tsv"); err != nil {
		t.Fatal(err)
	}
}

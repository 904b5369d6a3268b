package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Verdicts of the triage ledger.
const (
	TP  = "TP"  // a real hazard under Go semantics
	FP  = "FP"  // correct code, or a hazard that cannot happen here
	DEB = "DEB" // true but harmless or intended (tests exercising misuse, style)
	FN  = "FN"  // a real hazard the tool does not report (recall evidence)
)

// Entry is one line of triage.tsv.
type Entry struct {
	Module  string
	File    string // relative to the module root, slash-separated
	Line    int
	ID      string // rule ID ("pool-put") or sub-check ID ("pool-put/no-reset")
	Verdict string
	Reason  string
	LineNo  int // line in the ledger file
}

// Finding is one finding of a gofixslice -json run, keyed like the ledger.
type Finding struct {
	Module  string
	File    string
	Line    int
	Column  int
	ID      string
	Message string
	Fixable bool
}

// Ledger is the parsed triage ledger.
type Ledger struct {
	Entries []*Entry
	byKey   map[string][]*Entry // module \x00 file \x00 line
}

func key(module, file string, line int) string {
	return module + "\x00" + file + "\x00" + strconv.Itoa(line)
}

// ReadLedger parses a ledger file: tab-separated module, file, line, id,
// verdict, reason; a header line starting with "module" and lines starting
// with '#' are skipped. A missing file is an empty ledger.
func ReadLedger(path string) (*Ledger, error) {
	l := &Ledger{byKey: map[string][]*Entry{}}
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return l, nil
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	seen := map[string]int{}
	for sc.Scan() {
		n++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") || strings.HasPrefix(text, "module\t") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) != 6 {
			return nil, fmt.Errorf("%s:%d: want 6 tab-separated columns (module, file, line, id, verdict, reason), have %d", path, n, len(cols))
		}
		line, err := strconv.Atoi(cols[2])
		if err != nil || line <= 0 {
			return nil, fmt.Errorf("%s:%d: line %q is not a positive number", path, n, cols[2])
		}
		e := &Entry{Module: cols[0], File: cols[1], Line: line, ID: cols[3], Verdict: cols[4], Reason: cols[5], LineNo: n}
		switch e.Verdict {
		case TP, FP, DEB, FN:
		default:
			return nil, fmt.Errorf("%s:%d: verdict %q is not one of TP, FP, DEB, FN", path, n, e.Verdict)
		}
		if e.Module == "" || e.File == "" || e.ID == "" {
			return nil, fmt.Errorf("%s:%d: empty module, file or id", path, n)
		}
		if strings.TrimSpace(e.Reason) == "" {
			return nil, fmt.Errorf("%s:%d: a verdict needs a reason", path, n)
		}
		k := key(e.Module, e.File, e.Line) + "\x00" + e.ID
		if prev, ok := seen[k]; ok {
			return nil, fmt.Errorf("%s:%d: duplicate of line %d (same module, file, line and id)", path, n, prev)
		}
		seen[k] = n
		l.Entries = append(l.Entries, e)
		kk := key(e.Module, e.File, e.Line)
		l.byKey[kk] = append(l.byKey[kk], e)
	}
	return l, sc.Err()
}

// idMatches reports whether a ledger ID covers a finding ID: a rule ID
// covers the rule and all of its sub-checks ("pool-put" covers
// "pool-put/no-reset"); a sub-check ID covers only that sub-check.
func idMatches(entryID, findingID string) bool {
	return entryID == findingID || strings.HasPrefix(findingID, entryID+"/")
}

// Match returns the ledger entry for a finding: the most specific entry
// (exact ID before rule prefix) at the same module, file and line, or nil.
func (l *Ledger) Match(f *Finding) *Entry {
	var best *Entry
	for _, e := range l.byKey[key(f.Module, f.File, f.Line)] {
		if !idMatches(e.ID, f.ID) {
			continue
		}
		if best == nil || len(e.ID) > len(best.ID) {
			best = e
		}
	}
	return best
}

// RuleOf returns the rule part of an ID ("pool-put/no-reset" -> "pool-put").
func RuleOf(id string) string {
	if i := strings.IndexByte(id, '/'); i >= 0 {
		return id[:i]
	}
	return id
}

// FindingID builds a finding's ID from a -json finding object: the rule,
// or rule/sub-check when the output names a sub-check (in "rule" itself or
// in a separate field). Output that names no sub-check (the tool before
// sub-check IDs) gets one inferred from the message for the rules whose
// messages tell their sub-checks apart, so that two findings of one rule
// on one line can carry different verdicts.
func FindingID(obj map[string]any) string {
	rule, _ := obj["rule"].(string)
	if strings.Contains(rule, "/") {
		return rule
	}
	for _, k := range []string{"subcheck", "sub_check", "sub-check", "check", "id"} {
		s, _ := obj[k].(string)
		if s == "" || s == rule {
			continue
		}
		if strings.Contains(s, "/") {
			return s
		}
		return rule + "/" + s
	}
	msg, _ := obj["message"].(string)
	if sub := inferSubcheck(rule, msg); sub != "" {
		return rule + "/" + sub
	}
	return rule
}

// subcheckMessages maps message fragments to sub-check names (the names of
// the sub-check IDs the tool is to print), tried in order.
var subcheckMessages = map[string][][2]string{
	"pool-put": {
		{"(SA6002)", "boxing"},
		{"leaves the old elements in the pooled array", "pointer-elems"},
		{"back whatever its capacity", "oversize"},
		{"Put ignores only an untyped nil", "typed-nil"},
		{"back without resetting it", "no-reset"},
		{"back to the pool", "use-after-put"},
	},
	"range-delete": {
		{"deletes every key", "map-clear"},
		{"may add a key", "map-insert"},
		{"ends the loop after the first removal", "list"},
		{"skips the element shifted into its place", "slice"},
	},
}

func inferSubcheck(rule, msg string) string {
	for _, m := range subcheckMessages[rule] {
		if strings.Contains(msg, m[0]) {
			return m[1]
		}
	}
	return ""
}

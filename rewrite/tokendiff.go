package rewrite

import (
	"go/scanner"
	"go/token"
)

// TokenEdits returns the edits turning old into new Go source, ignoring
// changes that are only whitespace: one edit per run of changed tokens
// (comments count as tokens), replacing the old text between the unchanged
// tokens around the run with the new text between them.
//
// These are the edits suggested fixes carry. gofmt realigns comments and
// fields around a changed line; such whitespace-only edits of neighbouring
// lines would make the fixes of adjacent findings conflict, and every
// driver formats the file after applying fixes anyway.
func TokenEdits(old, new []byte) []TextEdit {
	ot, nt := scanTokens(old), scanTokens(new)
	pairs := lcsTokens(ot, nt)
	var edits []TextEdit
	oi, ni := 0, 0 // next unmatched token in old and new
	oEnd, nEnd := 0, 0
	for _, p := range append(pairs, [2]int{len(ot), len(nt)}) {
		if oi < p[0] || ni < p[1] {
			oNext, nNext := len(old), len(new)
			if p[0] < len(ot) {
				oNext = ot[p[0]].start
			}
			if p[1] < len(nt) {
				nNext = nt[p[1]].start
			}
			edits = append(edits, TextEdit{Start: oEnd, End: oNext, New: string(new[nEnd:nNext])})
		}
		if p[0] < len(ot) {
			oEnd, nEnd = ot[p[0]].end, nt[p[1]].end
		}
		oi, ni = p[0]+1, p[1]+1
	}
	return edits
}

type tok struct {
	start, end int
	text       string
}

// scanTokens lists the tokens and comments of src, without the semicolons
// the scanner inserts at line ends (they are whitespace in the source).
func scanTokens(src []byte) []tok {
	var s scanner.Scanner
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(src))
	s.Init(f, src, nil, scanner.ScanComments)
	var out []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		if t == token.SEMICOLON && lit == "\n" {
			continue
		}
		start := f.Offset(pos)
		text := lit
		if text == "" {
			text = t.String()
		}
		end := start + len(text)
		if t == token.SEMICOLON && lit == "" {
			end = start + 1
			text = ";"
		}
		if end > len(src) {
			end = len(src)
		}
		out = append(out, tok{start: start, end: end, text: string(src[start:end])})
	}
	return out
}

// lcsTokens returns the index pairs of a longest common subsequence of the
// token texts, after trimming the common prefix and suffix.
func lcsTokens(a, b []tok) [][2]int {
	as := make([]string, len(a))
	for i, t := range a {
		as[i] = t.text
	}
	bs := make([]string, len(b))
	for i, t := range b {
		bs[i] = t.text
	}
	return lcsPairs(as, bs)
}

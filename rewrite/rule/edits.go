package rule

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

// Edits returns the text edits turning old into new: one edit per run of
// changed lines, with byte offsets into old.
func Edits(old, new []byte) []TextEdit {
	ol, nl := splitLines(old), splitLines(new)
	offset := make([]int, len(ol)+1) // offset[k]: byte offset of old line k
	for k, l := range ol {
		offset[k+1] = offset[k] + len(l)
	}
	var edits []TextEdit
	i, j := 0, 0
	for _, p := range append(lcsPairs(ol, nl), [2]int{len(ol), len(nl)}) {
		if i < p[0] || j < p[1] {
			text := ""
			for _, l := range nl[j:p[1]] {
				text += l
			}
			edits = append(edits, TextEdit{Start: offset[i], End: offset[p[0]], New: text})
		}
		i, j = p[0]+1, p[1]+1
	}
	return edits
}

func splitLines(b []byte) []string {
	var out []string
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '\n' {
			i++
		}
		if i < len(b) {
			i++
		}
		out = append(out, string(b[:i]))
		b = b[i:]
	}
	return out
}

// lcsPairs returns the index pairs of a longest common subsequence of a
// and b (Myers' O((N+M)D) algorithm: fixes change little, so D is small).
func lcsPairs(a, b []string) [][2]int {
	n, m := len(a), len(b)
	max := n + m
	if max == 0 {
		return nil
	}
	// v[k+max] is the furthest x on diagonal k; trace keeps v per step.
	v := make([]int, 2*max+2)
	var trace [][]int
	found := false
	for d := 0; d <= max && !found; d++ {
		snapshot := make([]int, len(v))
		copy(snapshot, v)
		trace = append(trace, snapshot)
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[k-1+max] < v[k+1+max]) {
				x = v[k+1+max]
			} else {
				x = v[k-1+max] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[k+max] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
	}
	// Walk back through the trace collecting the diagonal moves (matches).
	var pairs [][2]int
	x, y := n, m
	for d := len(trace) - 1; d >= 0 && (x > 0 || y > 0); d-- {
		vd := trace[d]
		k := x - y
		var prevK int
		if k == -d || (k != d && vd[k-1+max] < vd[k+1+max]) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := vd[prevK+max]
		prevY := prevX - prevK
		if d == 0 {
			prevX, prevY = 0, 0
		}
		for x > prevX && y > prevY {
			x--
			y--
			pairs = append(pairs, [2]int{x, y})
		}
		x, y = prevX, prevY
	}
	for i, j := 0, len(pairs)-1; i < j; i, j = i+1, j-1 {
		pairs[i], pairs[j] = pairs[j], pairs[i]
	}
	return pairs
}

// TextEdit replaces the bytes [Start, End) of the original file with New.
type TextEdit struct {
	Start, End int
	New        string
}

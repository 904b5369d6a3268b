package rewrite

import (
	"github.com/rogpeppe/go-internal/diff"
)

// UnifiedDiff returns a unified diff of old and new for the file at the
// given slash-separated relative path, with a/ and b/ prefixes so that
// `git apply` accepts it. It is empty when the contents are equal.
func UnifiedDiff(rel string, old, new []byte) []byte {
	return diff.Diff("a/"+rel, old, "b/"+rel, new)
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

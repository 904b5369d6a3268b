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

// lcsPairs returns the index pairs of a longest common subsequence of lines,
// after trimming the common prefix and suffix (fixes touch few lines, so the
// quadratic middle stays small).
func lcsPairs(a, b []string) [][2]int {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var pairs [][2]int
	for k := 0; k < pre; k++ {
		pairs = append(pairs, [2]int{k, k})
	}
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	n, m := len(ma), len(mb)
	dp := make([][]int, n+1)
	for x := range dp {
		dp[x] = make([]int, m+1)
	}
	for x := n - 1; x >= 0; x-- {
		for y := m - 1; y >= 0; y-- {
			if ma[x] == mb[y] {
				dp[x][y] = dp[x+1][y+1] + 1
			} else if dp[x+1][y] >= dp[x][y+1] {
				dp[x][y] = dp[x+1][y]
			} else {
				dp[x][y] = dp[x][y+1]
			}
		}
	}
	for x, y := 0, 0; x < n && y < m; {
		switch {
		case ma[x] == mb[y]:
			pairs = append(pairs, [2]int{pre + x, pre + y})
			x++
			y++
		case dp[x+1][y] >= dp[x][y+1]:
			x++
		default:
			y++
		}
	}
	for k := 0; k < suf; k++ {
		pairs = append(pairs, [2]int{len(a) - suf + k, len(b) - suf + k})
	}
	return pairs
}

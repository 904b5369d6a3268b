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

package rule

import (
	"go/ast"
	"go/token"
	"strings"
	"sync"
)

// Suppressions answers whether a finding is silenced by a
// //gofixslice:ignore [id,...] or //nolint:gofixslice comment on its line or
// the line above. An id is a rule ID (all its checks) or a check ID. The
// suppressions of another linter's equivalent check (Check.Equivalents)
// count too: //lint:ignore ID and //nolint:linter on the line or the line
// above, //lint:file-ignore ID anywhere in the file.
type Suppressions struct {
	fset   *token.FileSet
	mu     sync.Mutex
	byFile map[*ast.File]map[int][]string // line -> IDs ("" = all); line 0: the whole file
}

// Other linters' suppressions are kept with a prefix that no rule ID has.
const (
	otherLinter = "linter:" // //nolint:name
	otherCheck  = "check:"  // //lint:ignore ID, //lint:file-ignore ID
)

// NewSuppressions returns an empty cache of the comments of fset's files.
func NewSuppressions(fset *token.FileSet) *Suppressions {
	return &Suppressions{fset: fset, byFile: map[*ast.File]map[int][]string{}}
}

// Suppressed reports whether check's finding at pos in f is silenced.
func (s *Suppressions) Suppressed(f *ast.File, pos token.Pos, check *Check) bool {
	s.mu.Lock()
	lines, ok := s.byFile[f]
	if !ok {
		lines = parseSuppressions(s.fset, f)
		s.byFile[f] = lines
	}
	s.mu.Unlock()
	line := s.fset.PositionFor(pos, false).Line
	for _, l := range []int{line, line - 1} {
		for _, id := range lines[l] {
			if id == "" || id == check.rule.ID || id == check.ID() || check.silencedAs(id) {
				return true
			}
		}
	}
	for _, id := range lines[0] {
		if check.silencedAs(id) {
			return true
		}
	}
	return false
}

// silencedAs reports whether a suppression of another linter (id as
// parseSuppressions records it) covers one of the check's equivalents.
func (c *Check) silencedAs(id string) bool {
	for _, eq := range c.Equivalents {
		linter, checkID, _ := strings.Cut(eq, ":")
		if id == otherLinter+linter || id == otherCheck+checkID {
			return true
		}
	}
	return false
}

func parseSuppressions(fset *token.FileSet, f *ast.File) map[int][]string {
	out := map[int][]string{}
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			text := strings.TrimPrefix(c.Text, "//")
			if text == c.Text {
				continue // block comments do not suppress
			}
			text = strings.TrimSpace(text)
			var ids []string
			switch {
			case strings.HasPrefix(text, "gofixslice:ignore"):
				rest := strings.Fields(strings.TrimPrefix(text, "gofixslice:ignore"))
				if len(rest) == 0 {
					ids = []string{""}
				} else {
					ids = strings.Split(rest[0], ",")
				}
			case strings.HasPrefix(text, "nolint:"):
				list, _, _ := strings.Cut(strings.TrimPrefix(text, "nolint:"), " ")
				for _, name := range strings.Split(list, ",") {
					if name == "gofixslice" || name == "all" {
						ids = []string{""}
					} else if name != "" {
						ids = append(ids, otherLinter+name)
					}
				}
			case strings.HasPrefix(text, "lint:ignore ") || strings.HasPrefix(text, "lint:file-ignore "):
				// staticcheck's directives: the check IDs, then a reason.
				directive, rest, _ := strings.Cut(text, " ")
				fields := strings.Fields(rest)
				if len(fields) < 2 {
					continue // staticcheck ignores a directive without a reason
				}
				var these []string
				for _, id := range strings.Split(fields[0], ",") {
					these = append(these, otherCheck+id)
				}
				if directive == "lint:file-ignore" {
					out[0] = append(out[0], these...)
					continue
				}
				ids = these
			case text == "nolint" || strings.HasPrefix(text, "nolint "):
				ids = []string{""}
			}
			if len(ids) > 0 {
				line := fset.PositionFor(c.Pos(), false).Line
				out[line] = append(out[line], ids...)
			}
		}
	}
	return out
}

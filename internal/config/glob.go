package config

import (
	"fmt"
	"regexp"
	"strings"
)

// globRegexp compiles a path pattern: "*" matches within one path element,
// "**" any number of elements ("internal/legacy/**", "**/gen_*.go"), "?"
// one character; everything else is literal.
func globRegexp(pattern string) (*regexp.Regexp, error) {
	if pattern == "" || strings.HasPrefix(pattern, "/") {
		return nil, fmt.Errorf("path pattern %q: want a relative pattern", pattern)
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				i++
				if i+1 < len(pattern) && pattern[i+1] == '/' {
					i++
					b.WriteString("(.*/)?") // "**/": zero or more directories
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

package zerosecret

import (
	"strings"
	"unicode"
)

// Sensitive-name matching for zero-secret: identifiers are split into word
// parts, and a configured entry ("token", "private key") matches a run of
// consecutive parts, followed only by parts that name a container of the
// same thing (tokenBuf, secretBytes, privateKey2). So passwordBuf and
// user_password match "password", while tokenizer (one part), tokenIDs
// (IDs are not a token), keys (plural) and keyFunc (a func) do not.

// splitWords splits an identifier into lower-case word parts at
// underscores, camelCase boundaries (an acronym ends before the last
// capital followed by a lower-case letter) and letter/digit boundaries:
// privateKey -> [private key], APIKey -> [api key], key2 -> [key 2].
func splitWords(name string) []string {
	var parts []string
	rs := []rune(name)
	start := 0
	flush := func(end int) {
		if end > start {
			parts = append(parts, strings.ToLower(string(rs[start:end])))
		}
		start = end
	}
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if r == '_' || r == '-' {
			flush(i)
			start = i + 1
			continue
		}
		if i == start {
			continue
		}
		prev := rs[i-1]
		switch {
		case unicode.IsDigit(r) != unicode.IsDigit(prev):
			flush(i)
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			flush(i)
		case unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			flush(i)
		}
	}
	flush(len(rs))
	return parts
}

// containerWords may follow a sensitive word without changing what the
// identifier names: the bytes of the secret, a copy of it, its encoding.
var containerWords = map[string]bool{
	"b": true, "bs": true, "buf": true, "buffer": true, "byte": true, "bytes": true,
	"data": true, "raw": true, "bin": true, "blob": true, "val": true, "value": true,
	"material": true, "copy": true, "clone": true, "tmp": true, "temp": true,
	"slice": true, "arr": true, "array": true, "str": true, "hex": true, "der": true,
	"pem": true, "plain": true, "in": true, "out": true, "ptr": true, "p": true,
	"key": true, "seed": true, "mem": true, "scratch": true, "bits": true, "text": true,
}

// matchWords reports whether identifier name matches one of the entries.
// An entry's words ("private key") match consecutive word parts whose
// concatenation spells them (privateKey, private_key, privatekey), and
// only container words or digits may follow.
func matchWords(name string, entries []string) bool {
	parts := splitWords(name)
	for _, e := range entries {
		want := strings.ToLower(strings.Join(strings.Fields(e), ""))
		if want == "" {
			continue
		}
		for i := range parts {
			joined := ""
			for j := i; j < len(parts) && len(joined) < len(want); j++ {
				joined += parts[j]
				if joined == want && onlyContainers(parts[j+1:]) {
					return true
				}
			}
		}
	}
	return false
}

func onlyContainers(rest []string) bool {
	for _, r := range rest {
		if !containerWords[r] && !isDigits(r) {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/internal/config"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules"
	"github.com/gofixslice/gofixslice/rules/zerosecret"
)

// Sample packages whose findings depend on each configuration key.
const (
	// subslice-pin: a 100000-byte make is large with the default threshold
	// (65536) and small with large = 1048576.
	pinSrc = `package pin

var kept []byte

func Fill() {
	big := make([]byte, 100000)
	kept = big[:3]
}
`
	// zero-secret: "password" is a default sensitive word, "pin" is not.
	secretSrc = `package secret

import (
	"crypto/subtle"
	"os"
)

func read(path string) ([]byte, error) { return os.ReadFile(path) }

func Check(path string, want []byte) bool {
	password, err := read(path)
	if err != nil {
		return false
	}
	ok := subtle.ConstantTimeCompare(password, want) == 1
	password = nil
	return ok
}
`
	// pool-put: the oversized-Put check runs only with pool-max-cap > 0.
	poolSrc = `package pool

import (
	"bytes"
	"sync"
)

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func Format(v string) string {
	b := bufPool.Get().(*bytes.Buffer)
	b.Reset()
	defer bufPool.Put(b)
	b.WriteString(v)
	return b.String()
}
`
)

func configModule(t *testing.T, conf string) string {
	t.Helper()
	files := map[string]string{
		"p/p.go":           hazard,
		"pin/pin.go":       pinSrc,
		"secret/secret.go": secretSrc,
		"pool/pool.go":     poolSrc,
	}
	if conf != "" {
		files[config.FileName] = conf
	}
	return module(t, files)
}

// found runs gofixslice and returns the set of "dir:id" findings, where id
// is the finding's rule ID (checks: its check ID).
func found(t *testing.T, checks bool, dir string, args ...string) map[string]bool {
	t.Helper()
	out, errOut, code := gofixslice(t, dir, append(args, "./...")...)
	require.NotEqual(t, 2, code, "%s%s", out, errOut)
	set := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, ": ", 3)
		require.Len(t, parts, 3, line)
		id := parts[1]
		if !checks {
			id, _, _ = strings.Cut(id, "/")
		}
		pkg := strings.SplitN(filepath.ToSlash(parts[0]), "/", 2)[0]
		set[pkg+":"+id] = true
	}
	return set
}

func rulesFound(t *testing.T, dir string, args ...string) map[string]bool {
	t.Helper()
	return found(t, false, dir, args...)
}

func TestConfigDefaults(t *testing.T) {
	dir := configModule(t, "")
	assert.Equal(t, map[string]bool{
		"p:transient-retain/next-call": true,
		"pin:subslice-pin/large-make":  true,
		"secret:zero-secret/dropped":   true,
	}, found(t, true, dir), "no configuration file: the defaults (pool-max-cap off)")
}

func TestConfigEveryKey(t *testing.T) {
	dir := configModule(t, `# project settings
disable = ["transient-retain"]   # reported elsewhere
large = 1048576
sensitive = ["pin", "private key"]
pool-max-cap = 65_536
`)
	assert.Equal(t, map[string]bool{"pool:pool-put": true}, rulesFound(t, dir))

	dir = configModule(t, `enable = ["subslice-pin", "zero-secret/dropped"]`+"\n")
	assert.Equal(t, map[string]bool{"pin:subslice-pin": true, "secret:zero-secret": true}, rulesFound(t, dir))

	dir = configModule(t, `categories = ["hardening", "memory"]`+"\n")
	assert.Equal(t, map[string]bool{"pin:subslice-pin": true, "secret:zero-secret": true}, rulesFound(t, dir))

	// Empty lists: no check enabled by name; no sensitive word.
	dir = configModule(t, "enable = []\n")
	assert.Empty(t, rulesFound(t, dir))
	dir = configModule(t, "disable = []\nsensitive = []\n")
	assert.Equal(t, map[string]bool{"p:transient-retain": true, "pin:subslice-pin": true}, rulesFound(t, dir))
}

func TestConfigFlagsOverrideFile(t *testing.T) {
	dir := configModule(t, "disable = [\"transient-retain\"]\nlarge = 1048576\nsensitive = [\"pin\"]\npool-max-cap = 65536\n")
	assert.Equal(t, map[string]bool{
		"p:transient-retain": true, "pin:subslice-pin": true, "secret:zero-secret": true,
	}, rulesFound(t, dir, "-disable=", "-large", "65536", "-sensitive", "password", "-pool-max-cap", "0"))

	// -enable replaces both lists of the file.
	assert.Equal(t, map[string]bool{"p:transient-retain": true},
		rulesFound(t, dir, "-enable", "transient-retain"))
	// -disable replaces the file's disable list.
	assert.Equal(t, map[string]bool{"p:transient-retain": true, "pool:pool-put": true},
		rulesFound(t, dir, "-disable", "alias-append"))
	// A flag not given keeps the file's value.
	assert.Equal(t, map[string]bool{"pin:subslice-pin": true, "pool:pool-put": true},
		rulesFound(t, dir, "-large", "4096"))
	// -category replaces the file's categories.
	assert.Equal(t, map[string]bool{"pool:pool-put": true},
		rulesFound(t, dir, "-category", "memory", "-large", "1048576"))
}

func TestConfigFoundWalkingUp(t *testing.T) {
	dir := configModule(t, `disable = ["transient-retain", "zero-secret"]`+"\n")
	// From a subdirectory, the module root's file applies.
	sub := filepath.Join(dir, "p")
	out, errOut, code := gofixslice(t, sub, ".")
	assert.Equal(t, 0, code, errOut)
	assert.Empty(t, out)
	out, errOut, code = gofixslice(t, sub, "-config", "none", ".")
	assert.Equal(t, 1, code, errOut)
	assert.Contains(t, out, "p.go:7:10: transient-retain/next-call:")

	// The nearest file wins, key by key, for its own subtree only.
	require.NoError(t, os.WriteFile(filepath.Join(sub, config.FileName), []byte("disable = [\"zero-secret\"]\n"), 0o644))
	out, _, code = gofixslice(t, sub, ".")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "p.go:7:10: transient-retain/next-call:")
	assert.Equal(t, map[string]bool{"p:transient-retain": true, "pin:subslice-pin": true}, rulesFound(t, dir),
		"p's file applies to p; the root's to the rest")

	// -config names one file for every package, relative to the working
	// directory.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "other.toml"), []byte("enable = [\"subslice-pin\"]\n"), 0o644))
	assert.Equal(t, map[string]bool{"pin:subslice-pin": true}, rulesFound(t, dir, "-config", "other.toml"))
	_, errOut, code = gofixslice(t, dir, "-config", "missing.toml", "./...")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "missing.toml")
}

// TestConfigPerDirectory shows the two things a per-directory TOML file is
// for: path exclusions and a subtree that differs.
func TestConfigPerDirectory(t *testing.T) {
	dir := module(t, map[string]string{
		config.FileName: `large = 1048576

[[exclude]]
paths  = ["legacy/**"]
checks = ["transient-retain"]

[[exclude]]
paths = ["*_gen.go"]
`,
		"app/app.go":            hazard,
		"app/p_gen.go":          strings.Replace(hazard, "func keep(", "func keepGen(", 1),
		"legacy/old/old.go":     hazard,
		"legacy/old/pin.go":     strings.Replace(pinSrc, "package pin", "package p", 1),
		"media/pin.go":          pinSrc,
		"media/gofixslice.toml": "large = 65536\n",
	})
	out, errOut, code := gofixslice(t, dir, "./...")
	assert.Equal(t, 1, code, errOut)
	assert.Equal(t, strings.Join([]string{
		"app/app.go:7:10: transient-retain/next-call: sc.Bytes() is overwritten by the next Scan but is retained; copy it",
		// app/p_gen.go: excluded by *_gen.go; legacy/old/old.go: transient-retain
		// is excluded under legacy/; legacy/old/pin.go: 100000 bytes are not
		// large under the root's large = 1 MiB.
		"media/pin.go:7:9: subslice-pin/large-make: big[:3] is part of make([]byte, 100000) and is stored in a package-level variable: it keeps the whole backing array alive; copy it",
	}, "\n")+"\n", out, "media's own file sets large back to 64 KiB")
}

func TestConfigErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct{ conf, want string }{
		{"# ok\nlarge = 1\nfoo = 1\n", `gofixslice.toml:3: unknown key "foo" (known keys: enable, disable, categories, pool-max-cap, large, sensitive, [[exclude]])`},
		{"large = \"big\"\n", `gofixslice.toml:1: large: "big" is not a positive number of bytes`},
		{"\n\nlarge = 0\n", `gofixslice.toml:3: large: 0 is not a positive number of bytes`},
		{"large = 1.5\n", `gofixslice.toml:1: large: unsupported value of kind Float`},
		{"pool-max-cap = -1\n", `gofixslice.toml:1: pool-max-cap: -1 is not a number of bytes`},
		{"pool-max-cap = 64k\n", `gofixslice.toml:1: not valid TOML`},
		{"enable = [\"subslice-pin\", \"nope\"]\n", `gofixslice.toml:1: enable: unknown rule "nope" (see gofixslice -list)`},
		{"disable = [\"pool-put/nope\"]\n", `gofixslice.toml:1: disable: unknown check "pool-put/nope"`},
		{"categories = [\"bugs\"]\n", `gofixslice.toml:1: unknown category "bugs"`},
		{"enable = \"subslice-pin\"\n", `gofixslice.toml:1: enable: want a list of strings`},
		{"large = 1\nlarge = 2\n", `gofixslice.toml:2: large is set twice (first on line 1)`},
		{"disable zero-secret\n", `gofixslice.toml:1: not valid TOML`},
		{"[rules]\nx = 1\n", `gofixslice.toml:1: unknown table [rules]`},
		{"[[exclude]]\npaths = [\"/abs\"]\n", `gofixslice.toml:2: exclude: path pattern "/abs"`},
		{"[[exclude]]\nchecks = [\"pool-put\"]\n", `gofixslice.toml: gofixslice.toml:1: [[exclude]] needs paths`},
		{"[[exclude]]\npaths = [\"x\"]\nwhat = 1\n", `gofixslice.toml:3: exclude: unknown key "what"`},
	} {
		dir := configModule(t, tc.conf)
		out, errOut, code := gofixslice(t, dir, "-w", "./...")
		assert.Equal(t, 2, code, "%q: %s", tc.conf, errOut)
		assert.Contains(t, errOut, tc.want, "%q", tc.conf)
		assert.Empty(t, out)
		assert.Equal(t, hazard, read(t, dir, "p/p.go"), "nothing written with a bad configuration")

		// From a subdirectory the message names the file by absolute path.
		_, errOut, code = gofixslice(t, filepath.Join(dir, "p"), ".")
		assert.Equal(t, 2, code)
		assert.Contains(t, errOut, filepath.Join(dir, config.FileName)+":")
	}
}

func TestConfigBadFlagValues(t *testing.T) {
	dir := configModule(t, "")
	for _, args := range [][]string{
		{"-large", "0"},
		{"-large", "-5"},
		{"-pool-max-cap", "-1"},
		{"-large", "x"},
		{"-enable", "nope"},
		{"-disable", "pool-put/nope"},
		{"-category", "bugs"},
	} {
		_, errOut, code := gofixslice(t, dir, append(args, "./...")...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Contains(t, errOut, strings.TrimPrefix(args[0], "-"), "%v", args)
	}
}

// TestConfigREADME parses the README's example file and checks its error
// examples and defaults against the real ones.
func TestConfigREADME(t *testing.T) {
	section := readmeSection(t, "## Configuration file")
	example := fencedBlock(t, section, "toml", "# "+config.FileName)
	f, err := config.Parse(config.FileName, "/x", []byte(example), rulesAll())
	require.NoError(t, err)
	assert.NotEmpty(t, f.Disable)
	assert.NotEmpty(t, f.Excludes)

	for _, line := range strings.Split(strings.TrimSpace(fencedBlock(t, section, "", "gofixslice: ")), "\n") {
		m := regexp.MustCompile(`^gofixslice: gofixslice\.toml:(\d+): `).FindStringSubmatch(line)
		require.NotNil(t, m, line)
		n, _ := strconv.Atoi(m[1])
		// Rebuild a file whose line n holds the README's bad value.
		bad := map[string]string{"lage": `lage = 1`, `"1MB"`: `large = "1MB"`}
		conf := strings.Repeat("# comment\n", n-1)
		for word, text := range bad {
			if strings.Contains(line, word) {
				conf += text + "\n"
			}
		}
		dir := configModule(t, conf)
		_, errOut, code := gofixslice(t, dir, "./...")
		assert.Equal(t, 2, code)
		assert.Equal(t, line+"\n", errOut)
	}

	defaults := regexp.MustCompile("\\| `sensitive` \\|.*\\| `([^`]*)` \\|").FindStringSubmatch(section)
	require.NotNil(t, defaults)
	assert.Equal(t, strings.Join(zerosecret.Sensitive.Default.([]string), ", "), defaults[1])
}

func rulesAll() []*rule.Rule { return rules.All() }

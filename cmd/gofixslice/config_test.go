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

	"github.com/gofixslice/gofixslice/rewrite"
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
		files[configFileName] = conf
	}
	return module(t, files)
}

// rulesFound runs gofixslice and returns the set of "dir:rule" findings.
func rulesFound(t *testing.T, dir string, args ...string) map[string]bool {
	t.Helper()
	out, errOut, code := gofixslice(t, dir, append(args, "./...")...)
	require.NotEqual(t, 2, code, "%s%s", out, errOut)
	found := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		parts := strings.SplitN(line, ": ", 3)
		require.Len(t, parts, 3, line)
		pkg := strings.SplitN(filepath.ToSlash(parts[0]), "/", 2)[0]
		found[pkg+":"+parts[1]] = true
	}
	return found
}

func TestConfigDefaults(t *testing.T) {
	dir := configModule(t, "")
	assert.Equal(t, map[string]bool{
		"p:transient-retain": true,
		"pin:subslice-pin":   true,
		"secret:zero-secret": true,
	}, rulesFound(t, dir), "no configuration file: the defaults (pool-max-cap off)")
}

func TestConfigEveryKey(t *testing.T) {
	dir := configModule(t, `# project settings
disable = transient-retain   # reported elsewhere
large = 1048576
sensitive = pin, private key
pool-max-cap = 65536
`)
	assert.Equal(t, map[string]bool{"pool:pool-put": true}, rulesFound(t, dir))

	dir = configModule(t, "enable = subslice-pin, zero-secret\n")
	assert.Equal(t, map[string]bool{"pin:subslice-pin": true, "secret:zero-secret": true}, rulesFound(t, dir))

	// Empty lists: every rule, no sensitive word.
	dir = configModule(t, "enable =\ndisable =\nsensitive =\n")
	assert.Equal(t, map[string]bool{"p:transient-retain": true, "pin:subslice-pin": true}, rulesFound(t, dir))
}

func TestConfigFlagsOverrideFile(t *testing.T) {
	dir := configModule(t, "disable = transient-retain\nlarge = 1048576\nsensitive = pin\npool-max-cap = 65536\n")
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
}

func TestConfigFoundWalkingUp(t *testing.T) {
	dir := configModule(t, "disable = transient-retain, zero-secret\n")
	// From a subdirectory, the module root's file applies.
	sub := filepath.Join(dir, "p")
	out, errOut, code := gofixslice(t, sub, ".")
	assert.Equal(t, 0, code, errOut)
	assert.Empty(t, out)
	out, errOut, code = gofixslice(t, sub, "-config", "none", ".")
	assert.Equal(t, 1, code, errOut)
	assert.Contains(t, out, "p.go:7:10: transient-retain:")

	// The nearest file wins.
	require.NoError(t, os.WriteFile(filepath.Join(sub, configFileName), []byte("disable = zero-secret\n"), 0o644))
	out, _, code = gofixslice(t, sub, ".")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "p.go:7:10: transient-retain:")

	// -config names a file explicitly, relative to the working directory.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "other.conf"), []byte("enable = subslice-pin\n"), 0o644))
	assert.Equal(t, map[string]bool{"pin:subslice-pin": true}, rulesFound(t, dir, "-config", "other.conf"))
	_, errOut, code = gofixslice(t, dir, "-config", "missing.conf", "./...")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "missing.conf")
}

func TestConfigErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct{ conf, want string }{
		{"# ok\nlarge = 1\nfoo = 1\n", `.gofixslice.conf:3: unknown key "foo" (known keys: enable, disable, large, sensitive, pool-max-cap)`},
		{"large = big\n", `.gofixslice.conf:1: large: "big" is not a positive number of bytes`},
		{"\n\nlarge = 0\n", `.gofixslice.conf:3: large: "0" is not a positive number of bytes`},
		{"large = 1.5\n", `.gofixslice.conf:1: large: "1.5"`},
		{"pool-max-cap = -1\n", `.gofixslice.conf:1: pool-max-cap: "-1" is not a number of bytes`},
		{"pool-max-cap = 64k\n", `.gofixslice.conf:1: pool-max-cap: "64k"`},
		{"enable = subslice-pin, nope\n", `.gofixslice.conf:1: enable: unknown rule "nope" (see gofixslice -list)`},
		{"disable = subslicepin\n", `.gofixslice.conf:1: disable: unknown rule "subslicepin"`},
		{"large = 1\nlarge = 2\n", `.gofixslice.conf:2: large is set twice (first on line 1)`},
		{"disable zero-secret\n", `.gofixslice.conf:1: expected key = value, found "disable zero-secret"`},
		{"= 3\n", `.gofixslice.conf:1: missing key before =`},
		{"Large = 3\n", `.gofixslice.conf:1: unknown key "Large"`},
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
		assert.Contains(t, errOut, filepath.Join(dir, configFileName)+":")
	}
}

func TestConfigBadFlagValues(t *testing.T) {
	dir := configModule(t, "")
	for _, args := range [][]string{
		{"-large", "0"},
		{"-large", "-5"},
		{"-pool-max-cap", "-1"},
		{"-large", "x"},
	} {
		_, errOut, code := gofixslice(t, dir, append(args, "./...")...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Contains(t, errOut, args[0], "%v", args)
	}
}

func TestParseConfigFormat(t *testing.T) {
	c, err := parseConfig("x.conf", []byte("\xef\xbb\xbf# BOM, CRLF and comments\r\n  large=42 # bytes\r\nsensitive =  private   key , pin,,\r\n\r\n"))
	require.NoError(t, err)
	require.NotNil(t, c.large)
	assert.Equal(t, int64(42), *c.large)
	assert.Equal(t, []string{"private key", "pin"}, c.sensitive)
	assert.Nil(t, c.enable)
	assert.Nil(t, c.maxcap)
}

// TestConfigREADME parses the README's example file and checks its error
// examples and defaults against the real ones.
func TestConfigREADME(t *testing.T) {
	section := readmeSection(t, "## Configuration file")
	example := fencedBlock(t, section, "", "# "+configFileName)
	c, err := parseConfig(configFileName, []byte(example))
	require.NoError(t, err)
	assert.Equal(t, []string{"zero-secret"}, c.disable)
	assert.Equal(t, int64(1048576), *c.large)
	assert.Equal(t, []string{"password", "pin", "private key"}, c.sensitive)
	assert.Equal(t, int64(65536), *c.maxcap)

	for _, line := range strings.Split(strings.TrimSpace(fencedBlock(t, section, "", "gofixslice: ")), "\n") {
		m := regexp.MustCompile(`^gofixslice: \.gofixslice\.conf:(\d+): `).FindStringSubmatch(line)
		require.NotNil(t, m, line)
		n, _ := strconv.Atoi(m[1])
		// Rebuild a file whose line n holds the README's bad value.
		bad := map[string]string{"lage": `lage = 1`, "1MB": `large = 1MB`}
		conf := strings.Repeat("# comment\n", n-1)
		for word, text := range bad {
			if strings.Contains(line, `"`+word+`"`) {
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
	assert.Equal(t, strings.Join(rewrite.DefaultSettings().SensitiveWords, ", "), defaults[1])
}

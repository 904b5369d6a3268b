package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rules"
)

// configFileName is the project configuration file, looked up from the
// working directory towards the file system root; the first one found
// applies. The format is one `key = value` a line; `#` starts a comment.
// See README "Configuration file".
const configFileName = ".gofixslice.conf"

// configKeys are the keys of the configuration file, in documentation
// order; each has the flag of the same name.
var configKeys = []string{"enable", "disable", "large", "sensitive", "pool-max-cap"}

// fileConfig is a parsed configuration file. A nil field is a key the file
// does not set.
type fileConfig struct {
	path      string
	enable    []string
	disable   []string
	large     *int64
	sensitive []string
	maxcap    *int64
}

// configError is an error in a configuration file, at a line (0: the file
// as a whole).
type configError struct {
	path string
	line int
	msg  string
}

func (e *configError) Error() string {
	if e.line == 0 {
		return e.path + ": " + e.msg
	}
	return fmt.Sprintf("%s:%d: %s", e.path, e.line, e.msg)
}

// findConfig returns the configuration file that applies in dir: dir's own
// or the nearest ancestor's. It returns "" when there is none.
func findConfig(dir string) (string, error) {
	for d := dir; ; {
		p := filepath.Join(d, configFileName)
		info, err := os.Stat(p)
		switch {
		case err == nil && !info.IsDir():
			return p, nil
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return "", err
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", nil
		}
		d = parent
	}
}

// loadConfig reads and parses a configuration file; shown is the path
// used in error messages.
func loadConfig(path, shown string) (*fileConfig, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return parseConfig(shown, data)
}

// parseConfig parses the configuration file format:
//
//	# comment
//	disable      = zero-secret, range-delete
//	large        = 1048576   # bytes
//	sensitive    = password, pin, private key
//	pool-max-cap = 65536
//
// Keys are those of configKeys, each at most once. Lists are
// comma-separated. Unknown keys, unknown rule IDs and bad numbers are
// errors naming the file and the line.
func parseConfig(path string, data []byte) (*fileConfig, error) {
	c := &fileConfig{path: path}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	seen := map[string]int{}
	for i, raw := range strings.Split(string(data), "\n") {
		line := i + 1
		errorf := func(format string, args ...any) error {
			return &configError{path: path, line: line, msg: fmt.Sprintf(format, args...)}
		}
		text := raw
		if j := strings.IndexByte(text, '#'); j >= 0 {
			text = text[:j]
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		key, value, ok := strings.Cut(text, "=")
		if !ok {
			return nil, errorf("expected key = value, found %q", text)
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if prev, dup := seen[key]; dup {
			return nil, errorf("%s is set twice (first on line %d)", key, prev)
		}
		seen[key] = line
		switch key {
		case "enable", "disable":
			ids := splitList(value)
			for _, id := range ids {
				if rules.ByID(id) == nil {
					return nil, errorf("%s: unknown rule %q (see gofixslice -list)", key, id)
				}
			}
			if ids == nil {
				ids = []string{}
			}
			if key == "enable" {
				c.enable = ids
			} else {
				c.disable = ids
			}
		case "large":
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil || n <= 0 {
				return nil, errorf("large: %q is not a positive number of bytes", value)
			}
			c.large = &n
		case "pool-max-cap":
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil || n < 0 {
				return nil, errorf("pool-max-cap: %q is not a number of bytes (0 turns the check off)", value)
			}
			c.maxcap = &n
		case "sensitive":
			c.sensitive = splitList(value)
			if c.sensitive == nil {
				c.sensitive = []string{}
			}
		default:
			if key == "" {
				return nil, errorf("missing key before =")
			}
			return nil, errorf("unknown key %q (known keys: %s)", key, strings.Join(configKeys, ", "))
		}
	}
	return c, nil
}

// splitList splits a comma-separated list, dropping empty entries and
// surrounding spaces ("private key" keeps its inner space).
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.Join(strings.Fields(f), " "); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// configure merges the configuration file (found from wd, or named by
// -config; -config=none reads none) with the command line into the rules
// to run and their settings. A flag given on the command line replaces the
// file's key of the same name, except that -enable also drops the file's
// disable list: the command line then names the rules to run itself.
func configure(fset *flag.FlagSet, wd string) ([]*rewrite.Rule, rewrite.Settings, error) {
	settings := rewrite.DefaultSettings()
	given := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { given[f.Name] = true })
	val := func(name string) string { return fset.Lookup(name).Value.String() }

	var cfg *fileConfig
	switch name := val("config"); name {
	case "none":
	case "":
		p, err := findConfig(wd)
		if err != nil {
			return nil, settings, fmt.Errorf("config: %w", err)
		}
		if p != "" {
			if cfg, err = loadConfig(p, relPath(wd, p)); err != nil {
				return nil, settings, err
			}
		}
	default:
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, p)
		}
		var err error
		if cfg, err = loadConfig(p, name); err != nil {
			return nil, settings, err
		}
	}
	if cfg == nil {
		cfg = &fileConfig{}
	}

	enable, disable := strings.Join(cfg.enable, ","), strings.Join(cfg.disable, ",")
	if given["enable"] {
		enable, disable = val("enable"), ""
	}
	if given["disable"] {
		disable = val("disable")
	}
	enabled, err := selectRules(enable, disable)
	if err != nil {
		return nil, settings, err
	}

	if cfg.large != nil {
		settings.LargeSize = *cfg.large
	}
	if cfg.maxcap != nil {
		settings.PoolMaxCap = *cfg.maxcap
	}
	if cfg.sensitive != nil {
		settings.SensitiveWords = cfg.sensitive
	}
	if given["large"] {
		n, _ := strconv.ParseInt(val("large"), 10, 64)
		if n <= 0 {
			return nil, settings, fmt.Errorf("-large %d: not a positive number of bytes", n)
		}
		settings.LargeSize = n
	}
	if given["pool-max-cap"] {
		n, _ := strconv.ParseInt(val("pool-max-cap"), 10, 64)
		if n < 0 {
			return nil, settings, fmt.Errorf("-pool-max-cap %d: negative (0 turns the check off)", n)
		}
		settings.PoolMaxCap = n
	}
	if given["sensitive"] {
		settings.SensitiveWords = splitList(val("sensitive"))
	}
	return enabled, settings, nil
}

// settingFlags defines the flags that override the configuration file's
// keys, and -config.
func settingFlags(fs *flag.FlagSet) {
	def := rewrite.DefaultSettings()
	fs.String("enable", "", "comma-separated rule IDs to run (default: all)")
	fs.String("disable", "", "comma-separated rule IDs not to run")
	fs.Int64("large", def.LargeSize, "size in bytes from which a constant-size make is large storage (subslice-pin)")
	fs.String("sensitive", strings.Join(def.SensitiveWords, ","), "comma-separated identifier words naming secrets (zero-secret)")
	fs.Int64("pool-max-cap", def.PoolMaxCap, "report sync.Pool Puts of buffers with no capacity bound above this many bytes (pool-put; 0: off)")
	fs.String("config", "", "configuration file (default: "+configFileName+" in the working directory or the nearest parent that has one; none: no file)")
}

package config

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// FileName is the configuration file, looked up from each package's
// directory towards the file system root.
const FileName = "gofixslice.toml"

// File is one parsed configuration file. Nil fields are keys the file does
// not set.
type File struct {
	Path string // as shown in errors
	Dir  string // absolute directory the file applies to

	Selection
	Values   rule.Values
	Excludes []Exclude
}

// Exclude turns checks off for the files matching a path pattern.
type Exclude struct {
	Dir    string   // the configuration file's directory: patterns are relative to it
	Paths  []string // globs; "*" within a path element, "**" across them; no slash: the base name
	Checks []*rule.Check
	Source string // "file:line", for messages
}

// Error is an error in a configuration file, at a line.
type Error struct {
	Path string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Path + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

// topKeys are the keys of a file besides the rules' options.
var topKeys = []string{"enable", "disable", "categories"}

// Parse reads a configuration file:
//
//	enable     = ["pool-put", "range-delete/map-clear"]   # rule or check IDs
//	disable    = ["pool-put/boxing"]
//	categories = ["bug", "memory"]
//	large      = 1048576                                  # rule options
//	sensitive  = ["password", "pin"]
//
//	[[exclude]]                                            # repeatable
//	paths  = ["*_test.go", "internal/legacy/**"]
//	checks = ["pool-put/boxing"]                           # absent: every check
//
// shown is the path used in error messages; dir is the absolute directory
// the file applies to. Unknown keys, rule IDs, check IDs, categories and
// bad values are errors naming the file and line.
func Parse(shown, dir string, data []byte, suite []*rule.Rule) (*File, error) {
	f := &File{Path: shown, Dir: dir, Values: rule.Values{}}
	options := map[string]*rule.Option{}
	var known []string
	known = append(known, topKeys...)
	for _, r := range suite {
		for _, o := range r.Options {
			options[o.Name] = o
			known = append(known, o.Name)
		}
	}
	known = append(known, "[[exclude]]")

	p := &unstable.Parser{}
	p.Reset(data)
	errAt := func(n *unstable.Node, format string, args ...any) error {
		return &Error{Path: shown, Line: lineOf(p, n), Msg: fmt.Sprintf(format, args...)}
	}
	seen := map[string]int{}
	var ex *Exclude
	exSeen := map[string]int{}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table:
			return nil, errAt(e, "unknown table [%s] (known: %s)", keyOf(e), strings.Join(known, ", "))
		case unstable.ArrayTable:
			if k := keyOf(e); k != "exclude" {
				return nil, errAt(e, "unknown table [[%s]] (known: [[exclude]])", k)
			}
			f.Excludes = append(f.Excludes, Exclude{Dir: dir, Source: fmt.Sprintf("%s:%d", shown, lineOf(p, e))})
			ex = &f.Excludes[len(f.Excludes)-1]
			exSeen = map[string]int{}
		case unstable.KeyValue:
			key := keyOf(e)
			line := lineOf(p, e)
			if ex != nil {
				if prev, dup := exSeen[key]; dup {
					return nil, errAt(e, "%s is set twice in this [[exclude]] (first on line %d)", key, prev)
				}
				exSeen[key] = line
				if err := ex.set(key, e.Value(), suite); err != nil {
					return nil, errAt(e, "exclude: %v", err)
				}
				continue
			}
			if prev, dup := seen[key]; dup {
				return nil, errAt(e, "%s is set twice (first on line %d)", key, prev)
			}
			seen[key] = line
			if err := f.set(key, e.Value(), options, suite); err != nil {
				if errors.Is(err, errUnknownKey) {
					return nil, errAt(e, "unknown key %q (known keys: %s)", key, strings.Join(known, ", "))
				}
				return nil, errAt(e, "%v", err)
			}
		}
	}
	if err := p.Error(); err != nil {
		line := 0
		var pe *unstable.ParserError
		if errors.As(err, &pe) {
			line = lineOfBytes(p, pe.Highlight)
		}
		return nil, &Error{Path: shown, Line: line, Msg: "not valid TOML: " + strings.TrimPrefix(err.Error(), "toml: ")}
	}
	for i := range f.Excludes {
		if len(f.Excludes[i].Paths) == 0 {
			return nil, &Error{Path: shown, Msg: f.Excludes[i].Source + ": [[exclude]] needs paths"}
		}
	}
	return f, nil
}

var errUnknownKey = errors.New("unknown key")

func (f *File) set(key string, v *unstable.Node, options map[string]*rule.Option, suite []*rule.Rule) error {
	switch key {
	case "enable", "disable", "categories":
		list, err := stringList(key, v)
		if err != nil {
			return err
		}
		switch key {
		case "enable":
			f.Enable = list
		case "disable":
			f.Disable = list
		case "categories":
			f.Categories = list
		}
		// Check the IDs and categories now, to name the line.
		_, err = Selection{Enable: f.Enable, Disable: f.Disable, Categories: f.Categories}.Resolve(suite)
		return err
	}
	o, ok := options[key]
	if !ok {
		return errUnknownKey
	}
	raw, err := value(v)
	if err != nil {
		return fmt.Errorf("%s: %v", key, err)
	}
	val, err := o.Convert(raw)
	if err != nil {
		return err
	}
	f.Values[o] = val
	return nil
}

func (x *Exclude) set(key string, v *unstable.Node, suite []*rule.Rule) error {
	if key != "paths" && key != "checks" {
		return fmt.Errorf("unknown key %q (known keys: paths, checks)", key)
	}
	list, err := stringList(key, v)
	if err != nil {
		return err
	}
	switch key {
	case "paths":
		for _, p := range list {
			if _, err := globRegexp(p); err != nil {
				return err
			}
		}
		x.Paths = list
	case "checks":
		for _, id := range list {
			cs, err := Lookup(suite, id)
			if err != nil {
				return err
			}
			x.Checks = append(x.Checks, cs...)
		}
	default:
		return fmt.Errorf("unknown key %q (known keys: paths, checks)", key)
	}
	return nil
}

// matches reports whether the exclusion covers check on file (absolute).
func (x *Exclude) matches(check *rule.Check, file string) bool {
	if x.Checks != nil {
		found := false
		for _, c := range x.Checks {
			found = found || c == check
		}
		if !found {
			return false
		}
	}
	rel, err := filepath.Rel(x.Dir, file)
	if err != nil || strings.HasPrefix(rel, "..") {
		return false
	}
	rel = filepath.ToSlash(rel)
	for _, p := range x.Paths {
		re, _ := globRegexp(p)
		target := rel
		if !strings.Contains(p, "/") {
			target = rel[strings.LastIndex(rel, "/")+1:]
		}
		if re.MatchString(target) {
			return true
		}
	}
	return false
}

func keyOf(n *unstable.Node) string {
	var parts []string
	it := n.Key()
	for it.Next() {
		parts = append(parts, string(it.Node().Data))
	}
	return strings.Join(parts, ".")
}

// value converts a TOML value node to an int64, a string or a []any of
// those.
func value(n *unstable.Node) (any, error) {
	switch n.Kind {
	case unstable.String:
		return string(n.Data), nil
	case unstable.Integer:
		s := strings.ReplaceAll(string(n.Data), "_", "")
		i, err := strconv.ParseInt(s, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("%s is not an integer", n.Data)
		}
		return i, nil
	case unstable.Array:
		out := []any{}
		it := n.Children()
		for it.Next() {
			v, err := value(it.Node())
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported value of kind %s", n.Kind)
}

func stringList(key string, n *unstable.Node) ([]string, error) {
	if n.Kind != unstable.Array {
		return nil, fmt.Errorf("%s: want a list of strings, like [\"a\", \"b\"]", key)
	}
	out := []string{}
	it := n.Children()
	for it.Next() {
		c := it.Node()
		if c.Kind != unstable.String {
			return nil, fmt.Errorf("%s: want a list of strings", key)
		}
		out = append(out, string(c.Data))
	}
	return out, nil
}

// lineOf returns the line of a node: of its key for a key/value or table.
func lineOf(p *unstable.Parser, n *unstable.Node) int {
	if n.Kind == unstable.KeyValue || n.Kind == unstable.Table || n.Kind == unstable.ArrayTable {
		it := n.Key()
		if it.Next() {
			if l := lineOfBytes(p, it.Node().Data); l > 0 {
				return l
			}
		}
	}
	if n.Raw.Length > 0 {
		return p.Shape(n.Raw).Start.Line
	}
	return 0
}

// lineOfBytes returns the line of b within the parser's input, or 0 when b
// is not part of it (an unescaped copy).
func lineOfBytes(p *unstable.Parser, b []byte) (line int) {
	defer func() {
		if recover() != nil {
			line = 0
		}
	}()
	if len(b) == 0 && cap(b) == 0 {
		return 0
	}
	return p.Shape(p.Range(b)).Start.Line
}

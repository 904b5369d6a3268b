package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rewrite/rule"
)

// Overrides are the command line's settings: they win over every file,
// key by key. Given Enable, the files' enable and disable lists are
// dropped: the command line then names the checks itself.
type Overrides struct {
	Selection
	Values rule.Values
}

// Resolver gives each package directory its settings: the gofixslice.toml
// files from that directory up to the file system root, the nearest
// winning key by key (exclusions add up, each relative to its own file),
// then the overrides. It caches by directory and is safe for concurrent use.
type Resolver struct {
	suite    []*rule.Rule
	wd       string // shown paths are relative to it
	explicit string // "": search; "none": no file; else the one file for every directory
	over     Overrides

	mu       sync.Mutex
	files    map[string]*File // directory -> its own file (nil: none)
	settings map[string]*rewrite.Settings
	selected map[string]map[*rule.Check]bool
}

// NewResolver returns a resolver. config is "" (search each directory),
// "none" (read no file) or a file that applies everywhere.
func NewResolver(suite []*rule.Rule, wd, config string, over Overrides) *Resolver {
	return &Resolver{suite: suite, wd: wd, explicit: config, over: over,
		files: map[string]*File{}, settings: map[string]*rewrite.Settings{}, selected: map[string]map[*rule.Check]bool{}}
}

// Settings returns the settings of the package in dir.
func (r *Resolver) Settings(dir string) (*rewrite.Settings, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.settings[dir]; ok {
		return s, nil
	}
	files, err := r.chain(dir)
	if err != nil {
		return nil, err
	}
	sel := Selection{}
	values := rule.Values{}
	var excludes []Exclude
	for _, f := range files { // farthest first
		if f.Enable != nil {
			sel.Enable = f.Enable
		}
		if f.Disable != nil {
			sel.Disable = f.Disable
		}
		if f.Categories != nil {
			sel.Categories = f.Categories
		}
		for o, v := range f.Values {
			values[o] = v
		}
		excludes = append(excludes, f.Excludes...)
	}
	if r.over.Enable != nil {
		sel.Enable, sel.Disable = r.over.Enable, nil
	}
	if r.over.Disable != nil {
		sel.Disable = r.over.Disable
	}
	if r.over.Categories != nil {
		sel.Categories = r.over.Categories
	}
	for o, v := range r.over.Values {
		values[o] = v
	}
	on, err := sel.Resolve(r.suite)
	if err != nil {
		return nil, err
	}
	s := &rewrite.Settings{Values: values, Enabled: func(c *rule.Check, file string) bool {
		if !on[c] {
			return false
		}
		for i := range excludes {
			if excludes[i].matches(c, file) {
				return false
			}
		}
		return true
	}}
	r.settings[dir] = s
	r.selected[dir] = on
	return s, nil
}

// Selected returns the checks selected in dir, before path exclusions.
func (r *Resolver) Selected(dir string) (map[*rule.Check]bool, error) {
	if _, err := r.Settings(dir); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.selected[dir], nil
}

// chain returns the files that apply in dir, farthest first.
func (r *Resolver) chain(dir string) ([]*File, error) {
	switch r.explicit {
	case "none":
		return nil, nil
	case "":
	default:
		f, err := r.load(r.explicit, filepath.Dir(r.abs(r.explicit)), r.explicit)
		if err != nil {
			return nil, err
		}
		return []*File{f}, nil
	}
	var chain []*File
	for d := filepath.Clean(dir); ; {
		f, ok := r.files[d]
		if !ok {
			p := filepath.Join(d, FileName)
			info, err := os.Stat(p)
			switch {
			case err == nil && !info.IsDir():
				if f, err = r.load(p, d, r.shown(p)); err != nil {
					return nil, err
				}
			case err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrPermission):
				return nil, err
			}
			r.files[d] = f
		}
		if f != nil {
			chain = append([]*File{f}, chain...)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return chain, nil
		}
		d = parent
	}
}

func (r *Resolver) load(path, dir, shown string) (*File, error) {
	if f, ok := r.files["\x00"+path]; ok {
		return f, nil
	}
	data, err := os.ReadFile(r.abs(path))
	if err != nil {
		return nil, &Error{Path: shown, Msg: err.Error()}
	}
	f, err := Parse(shown, dir, data, r.suite)
	if err != nil {
		return nil, err
	}
	r.files["\x00"+path] = f
	return f, nil
}

func (r *Resolver) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(r.wd, p)
}

func (r *Resolver) shown(p string) string {
	if rel, err := filepath.Rel(r.wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

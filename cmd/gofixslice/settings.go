package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/gofixslice/gofixslice/internal/config"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules"
)

// settingFlags are the flags that override the configuration files, key by
// key: the selection and one flag per rule option, declared by the rules.
type settingFlags struct {
	fs         *flag.FlagSet
	enable     *string
	disable    *string
	categories *string
	config     *string
	values     rule.Values
}

func newSettingFlags(fs *flag.FlagSet) *settingFlags {
	s := &settingFlags{fs: fs, values: rule.Values{}}
	s.enable = fs.String("enable", "", "comma-separated rule or check IDs to run (default: every check not of category style)")
	s.disable = fs.String("disable", "", "comma-separated rule or check IDs not to run")
	s.categories = fs.String("category", "", "comma-separated categories to run ("+categoryList()+")")
	for _, o := range rules.Options() {
		fs.Var(rule.FlagValue{Opt: o, Values: s.values}, o.Name, o.Doc)
	}
	s.config = fs.String("config", "", "configuration file for every package (default: "+config.FileName+" in each package's directory or the nearest parent that has one; none: no file)")
	return s
}

// resolver merges the configuration files with the flags given. It checks
// the selection flags and the working directory's configuration at once,
// so that their errors stop the run before any package is read.
func (s *settingFlags) resolver(wd string) (*config.Resolver, error) {
	given := map[string]bool{}
	s.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var over config.Overrides
	if given["enable"] {
		over.Enable = config.SplitList(*s.enable)
	}
	if given["disable"] {
		over.Disable = config.SplitList(*s.disable)
	}
	if given["category"] {
		over.Categories = config.SplitList(*s.categories)
	}
	over.Values = s.values // holds only the option flags given
	if _, err := over.Selection.Resolve(rules.All()); err != nil {
		return nil, fmt.Errorf("flags: %v", err)
	}
	r := config.NewResolver(rules.All(), wd, *s.config, over)
	if _, err := r.Settings(wd); err != nil {
		return nil, err
	}
	return r, nil
}

func categoryList() string {
	var names []string
	for _, c := range rule.Categories {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}

package rule

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Option is one setting of a rule, declared once. Its Name is the CLI flag
// (-large), the config key (large = ...), the analyzer flag
// (-subslicepin.large), the golangci-lint setting and the golden
// "-- settings --" key; Parse and Convert are its only validation.
type Option struct {
	Name string
	// Doc is the one-line help text.
	Doc  string
	Kind OptionKind
	// Default is an int64 (Size) or a []string (Words).
	Default any
	// Min is the smallest Size allowed (0: zero allowed, often "off").
	Min int64
}

// OptionKind is the type of an option's value.
type OptionKind int

const (
	// Size is a number of bytes, an int64 of at least Option.Min.
	Size OptionKind = iota
	// Words is a list of words ([]string); text form: comma-separated.
	Words
)

// Values holds option values; an option absent from the map has its
// default.
type Values map[*Option]any

// Get returns o's value in v, or its default.
func (v Values) Get(o *Option) any {
	if x, ok := v[o]; ok {
		return x
	}
	return o.Default
}

// Size returns the value of a Size option for the pass.
func (p *Pass) Size(o *Option) int64 { return p.values.Get(o).(int64) }

// Words returns the value of a Words option for the pass.
func (p *Pass) Words(o *Option) []string { return p.values.Get(o).([]string) }

// Parse reads the text form of a value: a flag's argument, a golden
// setting.
func (o *Option) Parse(s string) (any, error) {
	switch o.Kind {
	case Size:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return nil, o.sizeError(fmt.Sprintf("%q", s))
		}
		return o.Convert(n)
	default:
		var out []string
		for _, f := range strings.Split(s, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
		if out == nil {
			out = []string{}
		}
		return out, nil
	}
}

// Convert validates a decoded value (from TOML or golangci-lint's YAML:
// integers or whole floats for Size, lists of strings for Words) and
// returns it in the option's type.
func (o *Option) Convert(v any) (any, error) {
	switch o.Kind {
	case Size:
		var n int64
		switch x := v.(type) {
		case int64:
			n = x
		case int:
			n = int64(x)
		case float64:
			if x != math.Trunc(x) || math.Abs(x) > 1<<62 {
				return nil, o.sizeError(fmt.Sprint(x))
			}
			n = int64(x)
		case string:
			return nil, o.sizeError(fmt.Sprintf("%q", x))
		default:
			return nil, o.sizeError(fmt.Sprintf("%v", v))
		}
		if n < o.Min {
			return nil, o.sizeError(strconv.FormatInt(n, 10))
		}
		return n, nil
	default:
		switch x := v.(type) {
		case []string:
			return o.words(x)
		case []any:
			var ws []string
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("%s: %v is not a word", o.Name, e)
				}
				ws = append(ws, s)
			}
			return o.words(ws)
		}
		return nil, fmt.Errorf("%s: want a list of words, got %v", o.Name, v)
	}
}

func (o *Option) words(ws []string) (any, error) {
	out := []string{}
	for _, w := range ws {
		if strings.TrimSpace(w) == "" || strings.Contains(w, ",") {
			return nil, fmt.Errorf("%s: %q is not a word (one entry per word, no commas)", o.Name, w)
		}
		out = append(out, strings.TrimSpace(w))
	}
	return out, nil
}

func (o *Option) sizeError(got string) error {
	if o.Min > 0 {
		return fmt.Errorf("%s: %s is not a positive number of bytes", o.Name, got)
	}
	return fmt.Errorf("%s: %s is not a number of bytes (0 or more; 0 turns it off)", o.Name, got)
}

// Format returns the text form of a value (the inverse of Parse).
func (o *Option) Format(v any) string {
	switch x := v.(type) {
	case int64:
		return strconv.FormatInt(x, 10)
	case []string:
		return strings.Join(x, ",")
	}
	return fmt.Sprint(v)
}

func (o *Option) validateDecl() error {
	if !checkIDPattern.MatchString(o.Name) || o.Doc == "" {
		return fmt.Errorf("option %q: needs a lower-case dashed name and a doc", o.Name)
	}
	switch o.Kind {
	case Size:
		if n, ok := o.Default.(int64); !ok || n < o.Min {
			return fmt.Errorf("option %s: default must be an int64 >= %d", o.Name, o.Min)
		}
	case Words:
		if _, ok := o.Default.([]string); !ok {
			return fmt.Errorf("option %s: default must be a []string", o.Name)
		}
	default:
		return fmt.Errorf("option %s: unknown kind", o.Name)
	}
	return nil
}

// FlagValue adapts an option to flag.Value, writing into values.
type FlagValue struct {
	Opt    *Option
	Values Values
}

func (f FlagValue) String() string {
	if f.Opt == nil {
		return ""
	}
	return f.Opt.Format(f.Values.Get(f.Opt))
}

// Set parses and stores a value.
func (f FlagValue) Set(s string) error {
	v, err := f.Opt.Parse(s)
	if err != nil {
		return err
	}
	f.Values[f.Opt] = v
	return nil
}

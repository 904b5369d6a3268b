package rule

import (
	"fmt"
	"strings"
)

// Explain renders the rule's whole documentation as plain text: what
// -explain prints, the README's rule reference and SARIF's help.
func (r *Rule) Explain() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n\n%s\n", r.ID, r.Title, strings.TrimSpace(r.Doc.Intro))
	b.WriteString("\nChecks:\n")
	for _, c := range r.Checks {
		b.WriteString("\n" + c.Explain())
	}
	if len(r.Options) > 0 {
		b.WriteString("\nOptions:\n\n")
		for _, o := range r.Options {
			fmt.Fprintf(&b, "  %s (default %s): %s\n", o.Name, defaultText(o), o.Doc)
		}
	}
	if r.Doc.NotReported != "" {
		b.WriteString("\nNot reported: " + strings.TrimSpace(r.Doc.NotReported) + "\n")
	}
	if r.Doc.Example != "" {
		b.WriteString("\nExample:\n\n" + strings.TrimRight(r.Doc.Example, "\n") + "\n")
	}
	return b.String()
}

// Explain renders one check's documentation: its ID, category, whether it
// runs by default, and its text.
func (c *Check) Explain() string {
	def := ""
	if !c.Category.DefaultOn() {
		def = ", off by default"
	}
	return fmt.Sprintf("%s (%s%s): %s\n\n%s\n", c.ID(), c.Category, def, c.Summary, indent(strings.TrimSpace(c.Doc)))
}

func defaultText(o *Option) string {
	s := o.Format(o.Default)
	if s == "" {
		return `""`
	}
	return s
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}

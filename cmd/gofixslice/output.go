package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/token"
	"io"
	"path/filepath"
	"strings"

	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules"
)

// output prints one run's result in the mode the flags chose and returns
// the exit code: 2 when the run had errors (printed to stderr first), else
// 1 when something was found, listed or left unfixed, else 0.
type output struct {
	stdout, stderr io.Writer
	wd             string
	abs            bool // -abs: findings and errors with absolute paths
	verbose        bool // -v: explain each finding
}

// shown is the directory printed paths are relative to ("" for -abs).
func (o output) shown() string {
	if o.abs {
		return ""
	}
	return o.wd
}

// errors prints the run's errors and returns the exit code they force.
func (o output) errors(res *rewrite.Result, code int) int {
	for _, e := range res.Errors {
		msg := e.Error()
		if !o.abs {
			msg = relErr(o.wd, msg)
		}
		fmt.Fprintf(o.stderr, "%s\n", msg)
	}
	if len(res.Errors) > 0 {
		return exitError
	}
	return code
}

func foundCode(found bool) int {
	if found {
		return exitFindings
	}
	return exitClean
}

// findings prints every finding (the default mode).
func (o output) findings(res *rewrite.Result) int {
	code := o.errors(res, foundCode(len(res.Findings) > 0))
	for _, f := range res.Findings {
		o.finding(o.stdout, f)
	}
	return code
}

// finding prints one finding, and with -v its evidence chain (one
// indented line per step, in order) and its explanation.
func (o output) finding(w io.Writer, f rewrite.Finding) {
	printFinding(w, o.shown(), f)
	if !o.verbose {
		return
	}
	for _, s := range f.Evidence {
		fmt.Fprintf(w, "\t%s: %s\n", posString(o.shown(), s.Pos), s.Message)
	}
	c := f.Check
	fmt.Fprintf(w, "\twhy: %s (%s; gofixslice -explain %s)\n", c.Summary, c.Category, c.Rule().ID)
	switch {
	case f.Fixed:
		fmt.Fprintf(w, "\tfix: yes\n")
	case f.FixDropped != "":
		fmt.Fprintf(w, "\tfix: left out: %s\n", f.FixDropped)
	case !f.HasFix:
		fmt.Fprintf(w, "\tfix: none; change the code by hand\n")
	}
}

// explain prints the findings with their explanations to stderr (-v in
// the modes whose stdout is data).
func (o output) explain(res *rewrite.Result) {
	if !o.verbose {
		return
	}
	for _, f := range res.Findings {
		o.finding(o.stderr, f)
	}
}

// written reports -w: the findings left unfixed, and the files written.
func (o output) written(res *rewrite.Result) int {
	unfixed := false
	for _, f := range res.Findings {
		unfixed = unfixed || !f.Fixed
	}
	code := o.errors(res, foundCode(unfixed))
	for _, f := range res.Findings {
		if !f.Fixed || o.verbose {
			o.finding(o.stdout, f)
		}
	}
	for _, c := range res.Changes {
		if c.Written {
			fmt.Fprintf(o.stderr, "fixed %s\n", relPath(o.wd, c.Path))
		}
	}
	return code
}

// changes prints -l (file names) and -d (unified diffs). Like go vet, it
// exits 1 whenever a finding is reported, fixed or not.
func (o output) changes(res *rewrite.Result, list, diff bool) int {
	code := o.errors(res, foundCode(len(res.Findings) > 0))
	o.explain(res)
	for _, c := range res.Changes {
		rel := relPath(o.wd, c.Path)
		if list {
			fmt.Fprintln(o.stdout, rel)
		}
		if diff {
			o.stdout.Write(rewrite.UnifiedDiff(filepath.ToSlash(rel), c.Old, c.New))
		}
	}
	return code
}

func (o output) json(res *rewrite.Result) int {
	code := o.errors(res, foundCode(len(res.Findings) > 0))
	o.explain(res)
	if err := printJSON(o.stdout, o.wd, res); err != nil {
		fmt.Fprintf(o.stderr, "gofixslice: %v\n", err)
		return exitError
	}
	return code
}

func (o output) sarif(res *rewrite.Result, selected map[*rule.Check]bool) int {
	code := o.errors(res, foundCode(len(res.Findings) > 0))
	o.explain(res)
	if err := printSARIF(o.stdout, o.wd, selected, res); err != nil {
		fmt.Fprintf(o.stderr, "gofixslice: %v\n", err)
		return exitError
	}
	return code
}

func relPath(wd, p string) string {
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// relErr shortens absolute paths under wd at the start of an error message.
func relErr(wd, msg string) string {
	prefix := wd + string(filepath.Separator)
	return strings.ReplaceAll(msg, prefix, "")
}

func printFinding(w io.Writer, wd string, f rewrite.Finding) {
	fmt.Fprintf(w, "%s: %s: %s\n", posString(wd, f.Pos), f.Check.ID(), f.Message)
}

// posString is path:line:col, the path relative to wd when it lies inside.
func posString(wd string, p token.Position) string {
	return fmt.Sprintf("%s:%d:%d", relPath(wd, p.Filename), p.Line, p.Column)
}

// printList prints the rules, each with its checks, their categories and
// whether they run by default.
func printList(w io.Writer) {
	for _, r := range rules.All() {
		fmt.Fprintf(w, "%-18s %s\n", r.ID, r.Title)
		for _, c := range r.Checks {
			def := ""
			if !c.Category.DefaultOn() {
				def = " (off by default)"
			}
			fmt.Fprintf(w, "  %-34s %-11s %s%s\n", c.ID(), c.Category, c.Summary, def)
		}
	}
}

// jsonFinding is the documented, stable -json schema (see README).
type jsonFinding struct {
	Rule     string `json:"rule"`
	Check    string `json:"check"`
	Category string `json:"category"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Offset   int    `json:"offset"`
	Message  string `json:"message"`
	Fixable  bool   `json:"fixable"`
	// FixDropped says why the rule's fix was left out, when it was.
	FixDropped string     `json:"fix_dropped,omitempty"`
	Edits      []jsonEdit `json:"edits"`
	// Evidence is the finding's evidence chain, in order: source, view,
	// holder, later overwrite or use. Empty when the rule gave none.
	Evidence []jsonStep `json:"evidence"`
}

// jsonStep is one step of a finding's evidence chain.
type jsonStep struct {
	Pos     string `json:"pos"` // file:line:column
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Offset  int    `json:"offset"`
	Message string `json:"message"`
}

type jsonEdit struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	NewText string `json:"new_text"`
}

func printJSON(w io.Writer, wd string, res *rewrite.Result) error {
	out := struct {
		Findings []jsonFinding `json:"findings"`
		Errors   []string      `json:"errors"`
	}{Findings: []jsonFinding{}, Errors: []string{}}
	for _, f := range res.Findings {
		jf := jsonFinding{
			Rule: f.Check.Rule().ID, Check: f.Check.ID(), Category: string(f.Check.Category),
			File: relPath(wd, f.Pos.Filename), Line: f.Pos.Line, Column: f.Pos.Column,
			Offset: f.Pos.Offset, Message: f.Message, Fixable: f.Fixed, FixDropped: f.FixDropped, Edits: []jsonEdit{},
			Evidence: []jsonStep{},
		}
		for _, st := range f.Evidence {
			jf.Evidence = append(jf.Evidence, jsonStep{
				Pos: posString(wd, st.Pos), File: relPath(wd, st.Pos.Filename), Line: st.Pos.Line, Column: st.Pos.Column,
				Offset: st.Pos.Offset, Message: st.Message,
			})
		}
		for _, e := range f.Edits {
			jf.Edits = append(jf.Edits, jsonEdit{Start: e.Start, End: e.End, NewText: e.New})
		}
		out.Findings = append(out.Findings, jf)
	}
	for _, e := range res.Errors {
		out.Errors = append(out.Errors, relErr(wd, e.Error()))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

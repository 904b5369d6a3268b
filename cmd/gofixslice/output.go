package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rules"
)

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
	fmt.Fprintf(w, "%s:%d:%d: %s: %s\n", relPath(wd, f.Pos.Filename), f.Pos.Line, f.Pos.Column, f.Check.ID(), f.Message)
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
	Rule     string     `json:"rule"`
	Check    string     `json:"check"`
	Category string     `json:"category"`
	File     string     `json:"file"`
	Line     int        `json:"line"`
	Column   int        `json:"column"`
	Offset   int        `json:"offset"`
	Message  string     `json:"message"`
	Fixable  bool       `json:"fixable"`
	Edits    []jsonEdit `json:"edits"`
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
			Offset: f.Pos.Offset, Message: f.Message, Fixable: f.Fixed, Edits: []jsonEdit{},
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

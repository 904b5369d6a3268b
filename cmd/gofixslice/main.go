// Command gofixslice finds and fixes memory-lifetime and aliasing hazards
// around slices, maps and sync.Pool.
//
// Usage:
//
//	gofixslice [flags] [packages | dirs | files.go]
//
// Exit codes: 0 nothing found; 1 findings reported, diffs or files listed,
// or findings left unfixed after -w; 2 errors (load, parse, type, write).
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/gofixslice/gofixslice/passes"
	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rules"
)

func main() {
	if toolProtocol(os.Args[1:]) {
		// Invoked by go vet -vettool or go fix -fixtool: speak the
		// unitchecker protocol (-V=full, -flags, one .cfg per package).
		unitchecker.Main(passes.Analyzers()...)
	}
	os.Exit(run(os.Args[1:], "", os.Stdout, os.Stderr))
}

// toolProtocol reports whether the arguments are the go command's
// vet/fix tool protocol rather than a user's command line.
func toolProtocol(args []string) bool {
	for _, a := range args {
		if a == "-flags" || a == "-V" || strings.HasPrefix(a, "-V=") {
			return true
		}
	}
	return len(args) > 0 && strings.HasSuffix(args[len(args)-1], ".cfg")
}

const (
	exitClean    = 0
	exitFindings = 1
	exitError    = 2
)

// run is the whole command, callable from tests; dir "" means the process's
// working directory.
func run(args []string, dir string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gofixslice", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		list     = fs.Bool("l", false, "list files whose content fixes would change")
		diffMode = fs.Bool("d", false, "print unified diffs of the fixes (git apply accepts them)")
		write    = fs.Bool("w", false, "write fixes to the files")
		jsonOut  = fs.Bool("json", false, "print findings with their edits as JSON")
		sarifOut = fs.Bool("sarif", false, "print findings, rule metadata and fixes as SARIF 2.1.0")
		absPaths = fs.Bool("abs", false, "print findings and errors with absolute file paths (IDE output filters)")
		listRule = fs.Bool("list", false, "list the rules and exit")
		explain  = fs.String("explain", "", "print the documentation of a rule and exit")
		tests    = fs.Bool("test", true, "include _test.go files")
		tags     = fs.String("tags", "", "comma-separated build tags")
		cpuprof  = fs.String("cpuprofile", "", "write a CPU profile to this file")
	)
	settingFlags(fs) // -enable -disable -large -sensitive -maxcap -config: config.go
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: gofixslice [flags] [packages | dirs | files.go]\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	if *listRule {
		for _, r := range rules.All() {
			fmt.Fprintf(stdout, "%-18s %s\n", r.ID, r.Summary)
		}
		return exitClean
	}
	if *explain != "" {
		r := rules.ByID(*explain)
		if r == nil {
			fmt.Fprintf(stderr, "gofixslice: unknown rule %q (see -list)\n", *explain)
			return exitError
		}
		fmt.Fprintln(stdout, r.Doc)
		return exitClean
	}
	if *sarifOut && *jsonOut {
		fmt.Fprintf(stderr, "gofixslice: -sarif and -json exclude each other\n")
		return exitError
	}
	wd := dir
	if wd == "" {
		var err error
		if wd, err = os.Getwd(); err != nil {
			fmt.Fprintf(stderr, "gofixslice: %v\n", err)
			return exitError
		}
	}
	// The project configuration file, overridden by the flags given.
	enabled, settings, err := configure(fs, wd)
	if err != nil {
		fmt.Fprintf(stderr, "gofixslice: %v\n", err)
		return exitError
	}
	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		if err != nil {
			fmt.Fprintf(stderr, "gofixslice: %v\n", err)
			return exitError
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "gofixslice: %v\n", err)
			return exitError
		}
		defer pprof.StopCPUProfile()
	}
	res, err := rewrite.Run(rewrite.Options{
		Dir: wd, Args: fs.Args(), Tests: *tests, Tags: *tags, Rules: enabled, Settings: settings,
		Fix: *list || *diffMode || *write || *jsonOut || *sarifOut, Write: *write, Edits: *jsonOut || *sarifOut,
	})
	if err != nil {
		fmt.Fprintf(stderr, "gofixslice: %v\n", err)
		return exitError
	}
	shown := wd // printed paths are relative to it; "" (-abs): absolute
	if *absPaths {
		shown = ""
	}
	for _, e := range res.Errors {
		msg := e.Error()
		if shown != "" {
			msg = relErr(wd, msg)
		}
		fmt.Fprintf(stderr, "%s\n", msg)
	}
	code := exitClean
	switch {
	case *sarifOut:
		if err := printSARIF(stdout, wd, enabled, res); err != nil {
			fmt.Fprintf(stderr, "gofixslice: %v\n", err)
			return exitError
		}
		if len(res.Findings) > 0 {
			code = exitFindings
		}
	case *jsonOut:
		if err := printJSON(stdout, wd, res); err != nil {
			fmt.Fprintf(stderr, "gofixslice: %v\n", err)
			return exitError
		}
		if len(res.Findings) > 0 {
			code = exitFindings
		}
	case *list || *diffMode:
		for _, c := range res.Changes {
			rel := relPath(wd, c.Path)
			if *list {
				fmt.Fprintln(stdout, rel)
			}
			if *diffMode {
				stdout.Write(rewrite.UnifiedDiff(filepath.ToSlash(rel), c.Old, c.New))
			}
		}
		if len(res.Changes) > 0 {
			code = exitFindings
		}
	case *write:
		for _, f := range res.Findings {
			if !f.Fixed {
				printFinding(stdout, shown, f)
				code = exitFindings
			}
		}
		for _, c := range res.Changes {
			if c.Written {
				fmt.Fprintf(stderr, "fixed %s\n", relPath(wd, c.Path))
			}
		}
	default:
		for _, f := range res.Findings {
			printFinding(stdout, shown, f)
		}
		if len(res.Findings) > 0 {
			code = exitFindings
		}
	}
	if len(res.Errors) > 0 {
		code = exitError
	}
	return code
}

func selectRules(enable, disable string) ([]*rewrite.Rule, error) {
	split := func(s string) []string {
		var out []string
		for _, f := range strings.Split(s, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out = append(out, f)
			}
		}
		return out
	}
	var enabled []*rewrite.Rule
	if enable == "" {
		enabled = rules.All()
	} else {
		for _, id := range split(enable) {
			r := rules.ByID(id)
			if r == nil {
				return nil, fmt.Errorf("unknown rule %q in -enable (see -list)", id)
			}
			enabled = append(enabled, r)
		}
	}
	off := map[string]bool{}
	for _, id := range split(disable) {
		if rules.ByID(id) == nil {
			return nil, fmt.Errorf("unknown rule %q in -disable (see -list)", id)
		}
		off[id] = true
	}
	var out []*rewrite.Rule
	for _, r := range enabled {
		if !off[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
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
	fmt.Fprintf(w, "%s:%d:%d: %s: %s\n", relPath(wd, f.Pos.Filename), f.Pos.Line, f.Pos.Column, f.Rule, f.Message)
}

// jsonFinding is the documented, stable -json schema (see README).
type jsonFinding struct {
	Rule    string     `json:"rule"`
	File    string     `json:"file"`
	Line    int        `json:"line"`
	Column  int        `json:"column"`
	Offset  int        `json:"offset"`
	Message string     `json:"message"`
	Fixable bool       `json:"fixable"`
	Edits   []jsonEdit `json:"edits"`
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
			Rule: f.Rule, File: relPath(wd, f.Pos.Filename), Line: f.Pos.Line, Column: f.Pos.Column,
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

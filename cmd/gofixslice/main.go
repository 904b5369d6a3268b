package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"golang.org/x/tools/go/analysis/unitchecker"

	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rules"
)

func main() {
	if toolProtocol(os.Args[1:]) {
		// Invoked by go vet -vettool or go fix -fixtool: speak the
		// unitchecker protocol (-V=full, -flags, one .cfg per package).
		unitchecker.Main(rules.Analyzers()...)
	}
	tuneGC()
	os.Exit(run(os.Args[1:], "", os.Stdout, os.Stderr))
}

// tuneGC trades memory the run may use anyway for collector time: the
// heap grows to five times what is live before a collection (GOGC=400),
// but never past a soft limit of 768 MiB, well inside the 1 GB budget
// (the collector works harder as the heap nears it). On std that saves
// about a seventh of the CPU time. GOGC and GOMEMLIMIT in the
// environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(768 << 20)
	}
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
		sarifOut = fs.Bool("sarif", false, "print findings, check metadata and fixes as SARIF 2.1.0")
		absPaths = fs.Bool("abs", false, "print findings and errors with absolute file paths (IDE output filters)")
		verbose  = fs.Bool("v", false, "explain each finding: its evidence chain (one indented line a step), what its check is about, and why its fix was left out if it was (to stderr with -l, -d, -json and -sarif)")
		listRule = fs.Bool("list", false, "list the rules and their checks, and exit")
		explain  = fs.String("explain", "", "print the documentation of a rule (or of a check's rule) and exit")
		tests    = fs.Bool("test", true, "include _test.go files")
		verify   = fs.String("verify", "types", "with -w, what a fix must pass before it stays: types (the rewritten package type-checks) or tests (also: no test of the package that passed before fails after; guilty fixes are found by bisection and left out)")
		testTime = fs.Duration("verify-timeout", 5*time.Minute, "with -verify=tests, the time limit of each go test run")
		tags     = fs.String("tags", "", "comma-separated build tags")
		cpuprof  = fs.String("cpuprofile", "", "write a CPU profile to this file")
		deps     = fs.Bool("deps", true, "summarise the dependencies outside the standard library from source (cached in the user cache directory, or $"+rewrite.CacheDirEnv+"; \"off\" disables the cache), so that their functions are understood as under go vet")
	)
	sf := newSettingFlags(fs) // -enable -disable -category, the rules' options, -config
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: gofixslice [flags] [packages | dirs | files.go]\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitError
	}
	switch {
	case *listRule:
		printList(stdout)
		return exitClean
	case *explain != "":
		r := rules.ByID(strings.SplitN(*explain, "/", 2)[0])
		if r == nil {
			fmt.Fprintf(stderr, "gofixslice: unknown rule %q (see -list)\n", *explain)
			return exitError
		}
		fmt.Fprint(stdout, r.Explain())
		return exitClean
	case *sarifOut && *jsonOut:
		fmt.Fprintf(stderr, "gofixslice: -sarif and -json exclude each other\n")
		return exitError
	case *verify != "types" && *verify != "tests":
		fmt.Fprintf(stderr, "gofixslice: -verify=%s: want types or tests\n", *verify)
		return exitError
	case *verify == "tests" && !*write:
		fmt.Fprintf(stderr, "gofixslice: -verify=tests needs -w: the tests run on the written files\n")
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
	resolver, err := sf.resolver(wd)
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
		Dir: wd, Args: fs.Args(), Tests: *tests, Tags: *tags, Rules: rules.All(), Settings: resolver.Settings,
		Fix: *list || *diffMode || *write || *jsonOut || *sarifOut, Write: *write, Edits: *jsonOut || *sarifOut,
		VerifyTests: *verify == "tests", TestTimeout: *testTime, Dependencies: *deps,
	})
	if err != nil {
		fmt.Fprintf(stderr, "gofixslice: %v\n", err)
		return exitError
	}
	out := output{stdout: stdout, stderr: stderr, wd: wd, abs: *absPaths, verbose: *verbose}
	if *verbose && res.Deps.Packages > 0 {
		d := res.Deps
		fmt.Fprintf(stderr, "gofixslice: dependency summaries: %d packages, %d computed, %d cached, %d failed, %v\n",
			d.Packages, d.Computed, d.Cached, d.Failed, d.Time.Round(time.Millisecond))
	}
	switch {
	case *sarifOut:
		selected, _ := resolver.Selected(wd) // checked before the run
		return out.sarif(res, selected)
	case *jsonOut:
		return out.json(res)
	case *list || *diffMode:
		return out.changes(res, *list, *diffMode)
	case *write:
		return out.written(res)
	}
	return out.findings(res)
}

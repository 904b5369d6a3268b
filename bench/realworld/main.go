// Command realworld runs gofixslice over popular modules at pinned
// versions and compares every finding with a triage ledger (triage.tsv).
// See README.md in this directory.
//
// Usage:
//
//	go run ./bench/realworld [flags] [quick | all | MODULE[@VERSION]...]
//
// It is normally started through bench/realworld/run.sh.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// quickModules are the small modules of CI's quick mode: no or few
// dependencies, and findings of four rules (pool-put, transient-retain,
// alias-append, subslice-pin), true and false, so that a change in what
// the rules report shows.
var quickModules = []string{
	"github.com/pierrec/lz4/v4",
	"github.com/coder/websocket",
	"github.com/vmihailenco/msgpack/v5",
}

var (
	flagW       = flag.Bool("w", false, "also write the fixes on a copy, then build, vet and test the changed packages and re-run (slow)")
	flagWork    = flag.String("work", "", "work directory (default: a new directory under $TMPDIR, removed after a passing quick run)")
	flagTool    = flag.String("tool", "", "gofixslice binary to run (default: built from this repository)")
	flagLedger  = flag.String("ledger", "", "triage ledger (default: triage.tsv beside this program)")
	flagMods    = flag.String("modules", "", "module list (default: modules.txt beside this program)")
	flagCold    = flag.Bool("cold", false, "give each module an empty GOCACHE (measures the cold cost, standard library included)")
	flagTests   = flag.String("testflags", "-short -timeout=10m", "flags for go test in -w mode")
	flagVerbose = flag.Bool("v", false, "list every finding with its verdict")
	flagStrict  = flag.Bool("strict", true, "exit 1 on untriaged findings")
	flagToolArg = flag.String("toolflags", "", "extra flags for gofixslice, space-separated (e.g. \"-large 64\")")
	flagVerify  = flag.String("verify", "types", "with -w: gofixslice's -verify mode for the write (types or tests)")
	flagReuse   = flag.Bool("reuse", false, "compare the findings of an earlier run in -work with the ledger, without running anything")
)

type moduleResult struct {
	Module, Version string
	Err             string
	Findings        []*Finding
	Verdicts        []*Entry // parallel to Findings; nil: untriaged
	ToolErrors      []string
	Prep            time.Duration
	Export          measure // go list -export -deps -test: builds export data
	Check           measure // gofixslice -json ./...
	CacheBytes      int64   // -cold: size of the module's GOCACHE
	W               *wResult
}

type measure struct {
	Wall   time.Duration
	MaxRSS int64 // bytes, largest process of the tree (the tool, or a compiler it waited for)
	Exit   int
}

func main() {
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: go run ./bench/realworld [flags] [quick | all | MODULE[@VERSION]...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	os.Exit(run())
}

func here() string {
	// go run builds in a temporary directory: find this directory from the
	// working directory (the repository root or this directory).
	for _, d := range []string{"bench/realworld", "."} {
		if _, err := os.Stat(filepath.Join(d, "modules.txt")); err == nil {
			abs, _ := filepath.Abs(d)
			return abs
		}
	}
	fmt.Fprintln(os.Stderr, "realworld: run from the repository root (bench/realworld/modules.txt not found)")
	os.Exit(2)
	return ""
}

func run() int {
	dir := here()
	repo := filepath.Dir(filepath.Dir(dir))
	if *flagLedger == "" {
		*flagLedger = filepath.Join(dir, "triage.tsv")
	}
	if *flagMods == "" {
		*flagMods = filepath.Join(dir, "modules.txt")
	}
	pinned, order, err := readModules(*flagMods)
	if err != nil {
		fmt.Fprintln(os.Stderr, "realworld:", err)
		return 2
	}
	ledger, err := ReadLedger(*flagLedger)
	if err != nil {
		fmt.Fprintln(os.Stderr, "realworld:", err)
		return 2
	}

	// Which modules.
	var mods []string
	args := flag.Args()
	quick := len(args) == 1 && args[0] == "quick"
	switch {
	case len(args) == 0 || (len(args) == 1 && args[0] == "all"):
		mods = order
	case quick:
		mods = quickModules
	default:
		for _, a := range args {
			path, ver, _ := strings.Cut(a, "@")
			if ver != "" {
				pinned[path] = ver
			} else if pinned[path] == "" {
				fmt.Fprintf(os.Stderr, "realworld: %s is not in %s; name a version (%s@vX.Y.Z)\n", path, *flagMods, path)
				return 2
			}
			mods = append(mods, path)
		}
	}

	work := *flagWork
	if work == "" {
		work, err = os.MkdirTemp("", "gofixslice-realworld.")
		if err != nil {
			fmt.Fprintln(os.Stderr, "realworld:", err)
			return 2
		}
	}
	work, _ = filepath.Abs(work)
	os.MkdirAll(work, 0o755)
	fmt.Printf("realworld work directory: %s\n", work)

	tool := *flagTool
	if *flagReuse {
		if *flagWork == "" {
			fmt.Fprintln(os.Stderr, "realworld: -reuse needs -work DIR of an earlier run")
			return 2
		}
	} else if tool == "" {
		tool = filepath.Join(work, "gofixslice")
		cmd := exec.Command("go", "build", "-o", tool, "./cmd/gofixslice")
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GOWORK=off")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "realworld: building gofixslice:", err)
			return 2
		}
	} else if tool, err = filepath.Abs(tool); err != nil {
		fmt.Fprintln(os.Stderr, "realworld:", err)
		return 2
	}

	start := time.Now()
	var results []*moduleResult
	for _, m := range mods {
		r := runModule(work, tool, m, pinned[m], ledger)
		results = append(results, r)
	}
	code := report(results, ledger, mods)
	fmt.Printf("\ntotal wall time %s\n", time.Since(start).Round(time.Second))
	if code == 0 && quick && *flagWork == "" {
		os.RemoveAll(work)
	}
	return code
}

// readModules reads modules.txt: one module@version a line, '#' comments.
func readModules(path string) (map[string]string, []string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	pinned := map[string]string{}
	var order []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p, v, ok := strings.Cut(line, "@")
		if !ok || v == "" {
			return nil, nil, fmt.Errorf("%s: %q has no @version", path, line)
		}
		pinned[p] = v
		order = append(order, p)
	}
	return pinned, order, nil
}

// goEnv is the environment of every go command and of the tool: module
// mode with go.sum updates allowed (some modules ship without go.sum), no
// workspace, this toolchain.
func goEnv(gocache string) []string {
	env := []string{}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "GOFLAGS=") || strings.HasPrefix(kv, "GOWORK=") || strings.HasPrefix(kv, "GOTOOLCHAIN=") ||
			(gocache != "" && strings.HasPrefix(kv, "GOCACHE=")) {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "GOFLAGS=-mod=mod -buildvcs=false", "GOWORK=off", "GOTOOLCHAIN=local")
	if gocache != "" {
		env = append(env, "GOCACHE="+gocache)
	}
	return env
}

// runMeasured runs a command and returns its wall time and peak RSS (the
// largest process of the tree: wait4's ru_maxrss covers the children the
// process waited for, such as the compilers go list runs).
func runMeasured(dir string, env []string, stdout, stderr string, name string, args ...string) (measure, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var outF, errF *os.File
	var err error
	if outF, err = os.Create(stdout); err != nil {
		return measure{}, err
	}
	defer outF.Close()
	if errF, err = os.Create(stderr); err != nil {
		return measure{}, err
	}
	defer errF.Close()
	cmd.Stdout, cmd.Stderr = outF, errF
	t0 := time.Now()
	err = cmd.Run()
	m := measure{Wall: time.Since(t0)}
	if cmd.ProcessState != nil {
		m.Exit = cmd.ProcessState.ExitCode()
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			m.MaxRSS = int64(ru.Maxrss) * 1024
		}
		if _, ok := err.(*exec.ExitError); ok {
			err = nil // the exit code says it
		}
	}
	return m, err
}

func safeName(mod string) string {
	return strings.NewReplacer("/", "_", "@", "_").Replace(mod)
}

// copyModule downloads mod@ver and copies it, writable, to dst.
func copyModule(work, mod, ver, dst string) error {
	cmd := exec.Command("go", "mod", "download", "-json", mod+"@"+ver)
	cmd.Dir = work
	cmd.Env = goEnv("")
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	json.Unmarshal(out, &info)
	if info.Error != "" {
		return fmt.Errorf("go mod download %s@%s: %s", mod, ver, info.Error)
	}
	if err != nil || info.Dir == "" {
		return fmt.Errorf("go mod download %s@%s: %v", mod, ver, err)
	}
	os.RemoveAll(dst)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if out, err := exec.Command("cp", "-r", info.Dir, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("cp: %v: %s", err, out)
	}
	if out, err := exec.Command("chmod", "-R", "u+w", dst).CombinedOutput(); err != nil {
		return fmt.Errorf("chmod: %v: %s", err, out)
	}
	return nil
}

func runModule(work, tool, mod, ver string, ledger *Ledger) *moduleResult {
	r := &moduleResult{Module: mod, Version: ver}
	name := safeName(mod + "@" + ver)
	out := filepath.Join(work, "out", name)
	os.MkdirAll(out, 0o755)
	src := filepath.Join(work, "mod", name)
	fmt.Printf("== %s@%s\n", mod, ver)
	if *flagReuse {
		if err := readFindings(filepath.Join(out, "findings.json"), r); err != nil {
			r.Err = err.Error()
		}
		for _, f := range r.Findings {
			r.Verdicts = append(r.Verdicts, ledger.Match(f))
		}
		return r
	}

	t0 := time.Now()
	if err := copyModule(work, mod, ver, src); err != nil {
		r.Err = err.Error()
		fmt.Println("   ", r.Err)
		return r
	}
	gocache := ""
	if *flagCold {
		gocache = filepath.Join(work, "gocache", name)
		os.RemoveAll(gocache)
		defer os.RemoveAll(gocache)
	}
	env := goEnv(gocache)
	// Dependencies (and go.sum entries for modules that ship none).
	dl := exec.Command("go", "mod", "download")
	dl.Dir, dl.Env = src, env
	dl.CombinedOutput()
	r.Prep = time.Since(t0)

	// Export data for every package and dependency, as the tool's loader
	// asks for it: this is the cold cost when the build cache lacks it.
	m, err := runMeasured(src, env, filepath.Join(out, "golist.json"), filepath.Join(out, "golist.stderr"),
		"go", "list", "-e", "-compiled", "-export", "-deps", "-test", "-json=ImportPath,Export", "./...")
	if err != nil {
		r.Err = err.Error()
		return r
	}
	r.Export = m
	if *flagCold {
		r.CacheBytes = dirSize(gocache)
	}
	fmt.Printf("   export data: %s, peak RSS %s\n", m.Wall.Round(100*time.Millisecond), mb(m.MaxRSS))

	jsonOut := filepath.Join(out, "findings.json")
	m, err = runMeasured(src, env, jsonOut, filepath.Join(out, "json.stderr"), tool, toolArgs("-json", "./...")...)
	if err != nil {
		r.Err = err.Error()
		return r
	}
	r.Check = m
	if m.Exit != 0 && m.Exit != 1 && m.Exit != 2 {
		r.Err = fmt.Sprintf("gofixslice -json exited %d (see %s)", m.Exit, filepath.Join(out, "json.stderr"))
	}
	if err := readFindings(jsonOut, r); err != nil {
		r.Err = err.Error()
		return r
	}
	for _, f := range r.Findings {
		r.Verdicts = append(r.Verdicts, ledger.Match(f))
	}
	fmt.Printf("   gofixslice: %d findings, %d errors, %s, peak RSS %s\n", len(r.Findings), len(r.ToolErrors), m.Wall.Round(100*time.Millisecond), mb(m.MaxRSS))
	if *flagW {
		r.W = runW(work, tool, mod, ver, name, out, src, env)
	}
	return r
}

// toolArgs puts -toolflags before the mode flag and the pattern.
func toolArgs(mode, pattern string) []string {
	return append(append(strings.Fields(*flagToolArg), mode), pattern)
}

func readFindings(path string, r *moduleResult) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var doc struct {
		Findings []map[string]any `json:"findings"`
		Errors   []string         `json:"errors"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	for _, o := range doc.Findings {
		f := &Finding{Module: r.Module, ID: FindingID(o)}
		f.File, _ = o["file"].(string)
		f.File = filepath.ToSlash(f.File)
		if l, ok := o["line"].(float64); ok {
			f.Line = int(l)
		}
		if c, ok := o["column"].(float64); ok {
			f.Column = int(c)
		}
		f.Message, _ = o["message"].(string)
		f.Fixable, _ = o["fixable"].(bool)
		r.Findings = append(r.Findings, f)
	}
	r.ToolErrors = doc.Errors
	return nil
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func mb(n int64) string {
	return fmt.Sprintf("%d MB", n>>20)
}

type counts struct{ n, tp, fp, deb, un int }

func (c *counts) add(v *Entry) {
	c.n++
	switch {
	case v == nil:
		c.un++
	case v.Verdict == TP || v.Verdict == FN: // an FN entry now reported is a true finding
		c.tp++
	case v.Verdict == FP:
		c.fp++
	case v.Verdict == DEB:
		c.deb++
	}
}

func (c counts) precision() string {
	if c.tp+c.fp == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", float64(c.tp)/float64(c.tp+c.fp))
}

func report(results []*moduleResult, ledger *Ledger, mods []string) int {
	code := 0
	ran := map[string]bool{}
	for _, r := range results {
		if r.Err == "" {
			ran[r.Module] = true
		}
	}
	byRule := map[string]*counts{}
	var total counts
	fnByRule := map[string]int{}

	fmt.Printf("\n%-34s %8s %4s %4s %4s %5s %5s %4s %9s %6s %9s %6s %s\n",
		"module", "findings", "TP", "FP", "DEB", "untr.", "prec.", "FN", "export", "RSS", "check", "RSS", "errors")
	for _, r := range results {
		if r.Err != "" {
			fmt.Printf("%-34s ERROR: %s\n", r.Module, r.Err)
			code = 2
			continue
		}
		var c counts
		for i, f := range r.Findings {
			c.add(r.Verdicts[i])
			total.add(r.Verdicts[i])
			rule := RuleOf(f.ID)
			if byRule[rule] == nil {
				byRule[rule] = &counts{}
			}
			byRule[rule].add(r.Verdicts[i])
		}
		fn := 0
		for _, e := range ledger.Entries {
			if e.Module == r.Module && e.Verdict == FN {
				fn++
			}
		}
		fmt.Printf("%-34s %8d %4d %4d %4d %5d %5s %4d %8.1fs %6s %8.1fs %6s %d\n",
			r.Module, c.n, c.tp, c.fp, c.deb, c.un, c.precision(), fn,
			r.Export.Wall.Seconds(), mb(r.Export.MaxRSS), r.Check.Wall.Seconds(), mb(r.Check.MaxRSS), len(r.ToolErrors))
	}
	fmt.Printf("%-34s %8d %4d %4d %4d %5d %5s\n", "total", total.n, total.tp, total.fp, total.deb, total.un, total.precision())

	// FN entries of the modules that ran, and which of them are now found.
	found := map[*Entry]bool{}
	seen := map[*Entry]bool{}
	for _, r := range results {
		for _, v := range r.Verdicts {
			if v != nil {
				seen[v] = true
				if v.Verdict == FN {
					found[v] = true
				}
			}
		}
	}
	for _, e := range ledger.Entries {
		if ran[e.Module] && e.Verdict == FN && !found[e] {
			fnByRule[RuleOf(e.ID)]++
		}
	}

	fmt.Printf("\n%-18s %8s %4s %4s %4s %5s %9s %8s\n", "rule", "findings", "TP", "FP", "DEB", "untr.", "precision", "FN(miss)")
	rules := map[string]bool{}
	for r := range byRule {
		rules[r] = true
	}
	for r := range fnByRule {
		rules[r] = true
	}
	var names []string
	for r := range rules {
		names = append(names, r)
	}
	sort.Strings(names)
	for _, name := range names {
		c := byRule[name]
		if c == nil {
			c = &counts{}
		}
		fmt.Printf("%-18s %8d %4d %4d %4d %5d %9s %8d\n", name, c.n, c.tp, c.fp, c.deb, c.un, c.precision(), fnByRule[name])
	}

	if *flagVerbose {
		fmt.Println("\nfindings:")
		for _, r := range results {
			for i, f := range r.Findings {
				v := "UNTRIAGED"
				if e := r.Verdicts[i]; e != nil {
					v = e.Verdict + ": " + e.Reason
				}
				fmt.Printf("  %s %s:%d %s — %s\n", r.Module, f.File, f.Line, f.ID, v)
			}
		}
	}

	// Untriaged findings: what CI fails on.
	var untriaged []string
	for _, r := range results {
		for i, f := range r.Findings {
			if r.Verdicts[i] == nil {
				untriaged = append(untriaged, fmt.Sprintf("%s\t%s\t%d\t%s\t?\t%s (col %d)", r.Module, f.File, f.Line, f.ID, f.Message, f.Column))
			}
		}
	}
	if len(untriaged) > 0 {
		fmt.Printf("\nuntriaged findings (%d; add them to the ledger with a verdict and a reason):\n", len(untriaged))
		for _, u := range untriaged {
			fmt.Println("  " + u)
		}
		if *flagStrict {
			code = max(code, 1)
		}
	}

	// Ledger entries whose finding is gone (a lost TP is a recall regression).
	var gone []string
	for _, e := range ledger.Entries {
		if ran[e.Module] && e.Verdict != FN && !seen[e] {
			gone = append(gone, fmt.Sprintf("%s %s:%d %s (%s: %s)", e.Module, e.File, e.Line, e.ID, e.Verdict, e.Reason))
		}
	}
	if len(gone) > 0 {
		fmt.Printf("\nledger entries no longer reported (%d; a TP here is a lost true finding, an FP a fixed false one):\n", len(gone))
		for _, g := range gone {
			fmt.Println("  " + g)
		}
	}
	if len(found) > 0 {
		fmt.Printf("\nmisses (FN entries) now reported: %d\n", len(found))
		for e := range found {
			fmt.Printf("  %s %s:%d %s\n", e.Module, e.File, e.Line, e.ID)
		}
	}

	// Tool errors.
	for _, r := range results {
		if len(r.ToolErrors) > 0 {
			fmt.Printf("\n%s: gofixslice reported %d errors, first:\n", r.Module, len(r.ToolErrors))
			for i, e := range r.ToolErrors {
				if i == 3 {
					break
				}
				fmt.Println("  " + strings.SplitN(e, "\n", 2)[0])
			}
		}
	}

	// -w outcome.
	if *flagW {
		fmt.Println("\n-w outcome:")
		for _, r := range results {
			if r.W == nil {
				continue
			}
			fmt.Printf("  %-34s %s\n", r.Module, r.W.summary())
			for _, f := range r.W.Failures {
				fmt.Println("    FAIL: " + f)
			}
			if len(r.W.Failures) > 0 {
				code = max(code, 1)
			}
		}
	}
	if *flagCold {
		fmt.Println("\ncold runs (empty GOCACHE per module):")
		for _, r := range results {
			if r.Err == "" {
				fmt.Printf("  %-34s export data %6.1fs, peak RSS %6s, GOCACHE %6s; gofixslice %5.1fs\n",
					r.Module, r.Export.Wall.Seconds(), mb(r.Export.MaxRSS), mb(r.CacheBytes), r.Check.Wall.Seconds())
			}
		}
	}
	return code
}

// ---- -w mode ----

type wResult struct {
	Exit      int
	Written   int
	Unfixed   int
	Changed   []string // packages
	Build     string
	Failures  []string
	Notes     []string
	SecondRun string
}

func (w *wResult) summary() string {
	s := fmt.Sprintf("exit %d, %d files written, %d unfixed, %d packages changed; build %s; second run %s",
		w.Exit, w.Written, w.Unfixed, len(w.Changed), w.Build, w.SecondRun)
	if len(w.Notes) > 0 {
		s += "; " + strings.Join(w.Notes, "; ")
	}
	return s
}

func cmdIn(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func runW(work, tool, mod, ver, name, out, orig string, env []string) *wResult {
	w := &wResult{}
	fixed := filepath.Join(work, "mod", name+".fixed")
	if err := copyModule(work, mod, ver, fixed); err != nil {
		w.Failures = append(w.Failures, err.Error())
		return w
	}
	// Same go.mod/go.sum as the checked copy (go mod download may have added sums).
	for _, f := range []string{"go.mod", "go.sum"} {
		if data, err := os.ReadFile(filepath.Join(orig, f)); err == nil {
			os.WriteFile(filepath.Join(fixed, f), data, 0o644)
		}
	}
	m, _ := runMeasured(fixed, env, filepath.Join(out, "w.stdout"), filepath.Join(out, "w.stderr"), tool, append([]string{"-verify=" + *flagVerify}, toolArgs("-w", "./...")...)...)
	w.Exit = m.Exit
	stderr, _ := os.ReadFile(filepath.Join(out, "w.stderr"))
	stdout, _ := os.ReadFile(filepath.Join(out, "w.stdout"))
	for _, l := range strings.Split(string(stderr), "\n") {
		if strings.HasPrefix(l, "fixed ") {
			w.Written++
		}
	}
	w.Unfixed = strings.Count(string(stdout), "\n")
	if m.Exit != 0 && m.Exit != 1 {
		w.Notes = append(w.Notes, fmt.Sprintf("gofixslice -w exited %d (see %s)", m.Exit, filepath.Join(out, "w.stderr")))
	}
	diff, _ := cmdIn(work, nil, "diff", "-ru", orig, fixed)
	os.WriteFile(filepath.Join(out, "fixes.diff"), []byte(diff), 0o644)

	// Changed packages.
	dirs := map[string]bool{}
	for _, l := range strings.Split(diff, "\n") {
		if strings.HasPrefix(l, "+++ ") {
			p := strings.Fields(strings.TrimPrefix(l, "+++ "))[0]
			if strings.HasSuffix(p, ".go") {
				rel, _ := filepath.Rel(fixed, filepath.Dir(p))
				dirs["./"+filepath.ToSlash(rel)] = true
			}
		}
	}
	if len(dirs) > 0 {
		args := []string{"list", "-e"}
		for d := range dirs {
			args = append(args, d)
		}
		o, _ := cmdIn(fixed, env, "go", args...)
		for _, p := range strings.Fields(o) {
			w.Changed = append(w.Changed, p)
		}
		sort.Strings(w.Changed)
	}

	// Build everything.
	w.Build = "pass"
	if o, err := cmdIn(fixed, env, "go", "build", "./..."); err != nil {
		if _, err0 := cmdIn(orig, env, "go", "build", "./..."); err0 != nil {
			w.Build = "fails before and after"
		} else {
			w.Build = "FAIL"
			w.Failures = append(w.Failures, "go build ./... fails after the fixes only: "+firstLines(o, 5))
		}
	}
	// Vet and test the changed packages.
	for _, p := range w.Changed {
		if o, err := cmdIn(fixed, env, "go", "vet", p); err != nil {
			if _, err0 := cmdIn(orig, env, "go", "vet", p); err0 == nil {
				w.Failures = append(w.Failures, "go vet "+p+" fails after the fixes only: "+firstLines(o, 5))
			} else {
				w.Notes = append(w.Notes, "vet "+p+" fails before and after")
			}
		}
		targs := append([]string{"test", "-count=1"}, strings.Fields(*flagTests)...)
		targs = append(targs, p)
		o, err := cmdIn(fixed, env, "go", targs...)
		os.WriteFile(filepath.Join(out, "test."+safeName(p)+".log"), []byte(o), 0o644)
		if err == nil {
			continue
		}
		o0, err0 := cmdIn(orig, env, "go", targs...)
		os.WriteFile(filepath.Join(out, "test.orig."+safeName(p)+".log"), []byte(o0), 0o644)
		if err0 == nil {
			w.Failures = append(w.Failures, fmt.Sprintf("go test %s passes before the fixes and fails after: %s", p, firstN(failedTests(o), 6)))
			continue
		}
		if newly := diffStrings(failedTests(o), failedTests(o0)); len(newly) > 0 {
			w.Failures = append(w.Failures, fmt.Sprintf("go test %s: %d newly failing tests: %s", p, len(newly), firstN(newly, 6)))
		} else {
			w.Notes = append(w.Notes, "tests of "+p+" fail before and after")
		}
	}
	// Second run changes nothing. With -verify=tests a second -l would
	// list the fixes the tests rejected (that decision is made by running
	// the tests, not kept), so the second run is the same -w run, and the
	// files it changes are compared.
	var listed []string
	if *flagVerify == "tests" {
		before := goFiles(fixed)
		cmdIn(fixed, env, tool, append([]string{"-verify=tests"}, toolArgs("-w", "./...")...)...)
		after := goFiles(fixed)
		for name, content := range after {
			if before[name] != content {
				listed = append(listed, name)
			}
		}
		sort.Strings(listed)
	} else {
		o, _ := cmdIn(fixed, env, tool, toolArgs("-l", "./...")...)
		for _, l := range strings.Split(o, "\n") {
			if strings.HasSuffix(l, ".go") {
				listed = append(listed, l)
			}
		}
	}
	if len(listed) == 0 {
		w.SecondRun = "clean"
	} else {
		w.SecondRun = "CHANGES"
		w.Failures = append(w.Failures, "the second run would change: "+strings.Join(listed, " "))
	}
	return w
}

// goFiles returns the .go files under dir (relative) with their contents.
func goFiles(dir string) map[string]string {
	files := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".go") {
			if b, err := os.ReadFile(p); err == nil {
				rel, _ := filepath.Rel(dir, p)
				files[filepath.ToSlash(rel)] = string(b)
			}
		}
		return nil
	})
	return files
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(strings.TrimSpace(s), "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " | ")
}

// failedTests returns the names of the failing tests in go test output.
func failedTests(out string) []string {
	var names []string
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "--- FAIL: ") {
			names = append(names, strings.Fields(strings.TrimPrefix(t, "--- FAIL: "))[0])
		} else if strings.HasPrefix(t, "panic: ") {
			names = append(names, "(panic)")
		}
	}
	return names
}

// firstN joins the first n strings and says how many more there are.
func firstN(s []string, n int) string {
	if len(s) <= n {
		return strings.Join(s, " ")
	}
	return strings.Join(s[:n], " ") + fmt.Sprintf(" ... (%d more)", len(s)-n)
}

func diffStrings(a, b []string) []string {
	in := map[string]bool{}
	for _, s := range b {
		in[s] = true
	}
	var out []string
	for _, s := range a {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}

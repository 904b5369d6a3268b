package rewrite

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// -w -verify=tests: type-checking proves that a fix compiles, not that it
// keeps behaviour (a Write method may keep its buffer on purpose, and a
// test may say so). So the tests of every package whose files are written
// run before and after; the fixes that make a test fail that passed
// before are found by bisection and left out, and the other fixes stay.

// writeVerified writes res.Changes and verifies them with the packages'
// tests, file by file atomically: at every moment each file holds either
// its old content or a complete rewrite.
func (e *engine) writeVerified(res *Result) {
	byDir := map[string][]int{} // package directory -> indexes into res.Changes
	var dirs []string
	for i, c := range res.Changes {
		d := filepath.Dir(c.Path)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], i)
	}
	sort.Strings(dirs)
	byID := map[int]*Finding{}
	for i := range res.Findings {
		byID[res.Findings[i].id] = &res.Findings[i]
	}
	// The baseline: which tests fail before any file is written.
	before := map[string]map[string]bool{}
	for _, d := range dirs {
		before[d] = e.failingTests(d)
	}
	disk := map[string][]byte{} // what each changed file holds now
	for _, c := range res.Changes {
		disk[c.Path] = c.Old
	}
	failed := map[string]bool{} // files whose write failed: left alone
	// write puts the fixes in keep into the files of dir.
	write := func(d string, keep map[int]bool) {
		for _, i := range byDir[d] {
			c := &res.Changes[i]
			if failed[c.Path] {
				continue
			}
			content := c.Old
			if c.refix != nil {
				content = c.refix(keep)
			}
			if bytes.Equal(content, disk[c.Path]) {
				continue
			}
			if err := writeAtomic(c.Path, disk[c.Path], content); err != nil {
				res.Errors = append(res.Errors, err)
				failed[c.Path] = true
				continue
			}
			disk[c.Path] = content
		}
	}
	for _, d := range dirs {
		var all []int
		for _, i := range byDir[d] {
			all = append(all, res.Changes[i].fixes...)
		}
		// breaks reports the tests the fixes in keep make fail.
		breaks := func(keep []int) []string {
			write(d, set(keep))
			var names []string
			for name := range e.failingTests(d) {
				if !before[d][name] {
					names = append(names, name)
				}
			}
			sort.Strings(names)
			return names
		}
		broken := breaks(all)
		if len(broken) > 0 {
			guilty := bisect(all, nil, breaks)
			for _, id := range guilty {
				f := byID[id]
				f.Fixed = false
				f.Edits = nil
				f.FixDropped = fmt.Sprintf("the fix makes %s fail (go test, -verify=tests)", strings.Join(broken, ", "))
			}
			if len(breaks(minus(all, guilty))) > 0 {
				// Fixes that break tests only together: leave them all out.
				for _, id := range minus(all, guilty) {
					f := byID[id]
					f.Fixed, f.Edits = false, nil
					f.FixDropped = fmt.Sprintf("the package's fixes together make %s fail (go test, -verify=tests)", strings.Join(broken, ", "))
				}
				write(d, nil)
			}
		}
		for _, i := range byDir[d] {
			c := &res.Changes[i]
			c.Written = !failed[c.Path] && !bytes.Equal(disk[c.Path], c.Old)
			c.New = disk[c.Path]
			if failed[c.Path] {
				unmarkFixed(res.Findings, c.Path)
			}
		}
	}
	// Changes left with their old content are no changes.
	kept := res.Changes[:0]
	for _, c := range res.Changes {
		if !bytes.Equal(c.New, c.Old) || failed[c.Path] {
			kept = append(kept, c)
		}
	}
	res.Changes = kept
}

// bisect returns the fixes among cands that break tests, given that
// base plus cands breaks some and base alone breaks none (delta debugging
// for independent culprits: each split costs one test run).
func bisect(cands, base []int, breaks func(keep []int) []string) []int {
	if len(cands) <= 1 {
		return cands
	}
	a, b := cands[:len(cands)/2], cands[len(cands)/2:]
	withA := append(append([]int{}, base...), a...)
	if len(breaks(withA)) == 0 {
		return bisect(b, withA, breaks)
	}
	guilty := bisect(a, base, breaks)
	rest := append(append([]int{}, base...), minus(a, guilty)...)
	if len(breaks(append(append([]int{}, rest...), b...))) > 0 {
		guilty = append(guilty, bisect(b, rest, breaks)...)
	}
	return guilty
}

// failingTests runs the tests of the package in dir and returns the names
// of those that fail; a package that does not build or whose tests fail
// outside any test counts as one failing test, "(package)".
func (e *engine) failingTests(dir string) map[string]bool {
	timeout := e.opts.TestTimeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout+30*time.Second)
	defer cancel()
	args := []string{"test", "-count=1", "-json", "-timeout", timeout.String()}
	if e.opts.Tags != "" {
		args = append(args, "-tags", e.opts.Tags)
	}
	cmd := exec.CommandContext(ctx, "go", append(args, ".")...)
	cmd.Dir = dir
	cmd.Env = e.opts.Env
	out, _ := cmd.Output() // a failing test exits 1: the events say which
	failing := map[string]bool{}
	packageFailed, anyTest := false, false
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		var ev struct{ Action, Test string }
		if json.Unmarshal(sc.Bytes(), &ev) != nil {
			continue
		}
		switch {
		case ev.Action == "fail" && ev.Test != "":
			failing[ev.Test] = true
			anyTest = true
		case ev.Action == "fail":
			packageFailed = true
		}
	}
	if (packageFailed && !anyTest) || ctx.Err() != nil || len(out) == 0 && cmd.ProcessState != nil && !cmd.ProcessState.Success() {
		failing["(package)"] = true
	}
	return failing
}

func set(ids []int) map[int]bool {
	m := make(map[int]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func minus(all, drop []int) []int {
	d := set(drop)
	var out []int
	for _, id := range all {
		if !d[id] {
			out = append(out, id)
		}
	}
	return out
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/rules"
)

// The editor recipes of the README ("Editors") are read from the README
// itself and run against real output, so the two cannot drift apart.

// ideTarget has a fixable finding (line 7) and one without a fix (line 13,
// range-delete), so that -w still prints a finding for the matchers.
var ideTarget = hazard + `
func grow(m map[string]int) {
	for k, v := range m {
		m[k+"x"] = v
	}
}
`

var ideTargetFixed = hazardFixed + `
func grow(m map[string]int) {
	for k, v := range m {
		m[k+"x"] = v
	}
}
`

// ideSibling is another file of the same package, with its own hazard.
var ideSibling = strings.Replace(hazard, "func keep(", "func keep2(", 1)

func ideModule(t *testing.T) string {
	return module(t, map[string]string{"p/a.go": ideTarget, "p/b.go": ideSibling})
}

func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	require.NoError(t, err)
	return string(b)
}

// readmeSection returns the README text from the heading to the next one
// of the same level.
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	s := readme(t)
	i := strings.Index(s, "\n"+heading+"\n")
	require.GreaterOrEqual(t, i, 0, "README has %q", heading)
	s = s[i+1+len(heading):]
	if j := strings.Index(s, "\n## "); j >= 0 {
		s = s[:j]
	}
	return s
}

// fencedBlock returns the first fenced block of the language in text that
// contains marker.
func fencedBlock(t *testing.T, text, lang, marker string) string {
	t.Helper()
	var block []string
	inside, blockLang := false, ""
	for _, line := range strings.SplitAfter(text, "\n") {
		trimmed := strings.TrimRight(line, "\n")
		switch {
		case !inside && strings.HasPrefix(trimmed, "```"):
			inside, blockLang, block = true, strings.TrimPrefix(trimmed, "```"), nil
		case inside && trimmed == "```":
			inside = false
			if body := strings.Join(block, ""); blockLang == lang && strings.Contains(body, marker) {
				return body
			}
		case inside:
			block = append(block, line)
		}
	}
	t.Fatalf("no ```%s block with %q", lang, marker)
	return ""
}

// runTimed runs the command in dir and checks that a single-file run on a
// small module stays interactive.
func runTimed(t *testing.T, dir string, args []string) (string, string, int) {
	t.Helper()
	start := time.Now()
	out, errOut, code := gofixslice(t, dir, args...)
	assert.Less(t, time.Since(start), 30*time.Second, "an editor run of one file is quick")
	return out, errOut, code
}

// checkSingleFileFix checks the state after `-w <a.go>`: a.go fixed, its
// sibling untouched.
func checkSingleFileFix(t *testing.T, dir string, code int, errOut string) {
	t.Helper()
	assert.Equal(t, 1, code, "the finding without a fix is left: %s", errOut)
	assert.Equal(t, ideTargetFixed, read(t, dir, "p/a.go"), "the named file is fixed")
	assert.Equal(t, ideSibling, read(t, dir, "p/b.go"), "its sibling is untouched")
}

type wantLine struct {
	file      string // relative to the module
	line, col int
	rule      string
}

// matchAll checks that every output line matches re and that its groups
// (file, line, column, and code when codeGroup > 0) give the wanted
// findings; resolve turns the matched file into an absolute path.
func matchAll(t *testing.T, dir, out string, re *regexp.Regexp, groups [4]int, resolve func(string) string, want []wantLine) {
	t.Helper()
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	require.Len(t, lines, len(want), "output: %q", out)
	for i, line := range lines {
		m := re.FindStringSubmatch(line)
		if !assert.NotNil(t, m, "%q matches %s", line, re) {
			continue
		}
		file, ln, col := m[groups[0]], m[groups[1]], m[groups[2]]
		assert.Equal(t, filepath.Join(dir, want[i].file), resolve(file), line)
		assert.Equal(t, strconv.Itoa(want[i].line), ln, line)
		assert.Equal(t, strconv.Itoa(want[i].col), col, line)
		if groups[3] > 0 {
			assert.Equal(t, want[i].rule, m[groups[3]], line)
			assert.NotNil(t, rules.Check(m[groups[3]]), "the code is a check ID")
		}
	}
}

var (
	wantAfterFix = []wantLine{{"p/a.go", 13, 3, "range-delete/map-insert"}}
	wantAll      = []wantLine{{"p/a.go", 7, 10, "transient-retain/next-call"}, {"p/a.go", 13, 3, "range-delete/map-insert"}, {"p/b.go", 7, 10, "transient-retain/next-call"}}
)

// TestVSCodeTasksFromREADME runs each task of the README's tasks.json as
// VS Code would (variables substituted, cwd from options) and matches the
// output with the task's problemMatcher, compiled as Go regexp (the
// pattern is valid in both dialects).
func TestVSCodeTasksFromREADME(t *testing.T) {
	block := fencedBlock(t, readmeSection(t, "## Editors"), "json", "problemMatcher")
	var tasks struct {
		Version string
		Tasks   []struct {
			Label          string
			Type           string
			Command        string
			Args           []string
			Options        struct{ Cwd string }
			ProblemMatcher struct {
				Owner        string
				FileLocation []string
				Pattern      struct {
					Regexp                            string
					File, Line, Column, Code, Message int
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(block), &tasks), "the README's tasks.json is plain JSON")
	assert.Equal(t, "2.0.0", tasks.Version)
	require.Len(t, tasks.Tasks, 2)
	for _, task := range tasks.Tasks {
		t.Run(task.Label, func(t *testing.T) {
			dir := ideModule(t)
			file := filepath.Join(dir, "p", "a.go")
			subst := strings.NewReplacer("${file}", file, "${workspaceFolder}", dir)
			assert.Equal(t, "gofixslice", task.Command)
			assert.Equal(t, "process", task.Type)
			var args []string
			for _, a := range task.Args {
				args = append(args, subst.Replace(a))
			}
			cwd := subst.Replace(task.Options.Cwd)
			require.Equal(t, dir, cwd)

			pm := task.ProblemMatcher
			require.Equal(t, []string{"autoDetect", "${workspaceFolder}"}, pm.FileLocation)
			re := regexp.MustCompile(pm.Pattern.Regexp)
			assert.Positive(t, pm.Pattern.Message)
			resolve := func(f string) string { // autoDetect: absolute, or relative to the folder
				if filepath.IsAbs(f) {
					return f
				}
				return filepath.Join(dir, f)
			}
			groups := [4]int{pm.Pattern.File, pm.Pattern.Line, pm.Pattern.Column, pm.Pattern.Code}

			out, errOut, code := runTimed(t, cwd, args)
			if strings.Contains(strings.Join(task.Args, " "), "${file}") {
				assert.Equal(t, []string{"-w", "${file}"}, task.Args)
				checkSingleFileFix(t, dir, code, errOut)
				matchAll(t, dir, out, re, groups, resolve, wantAfterFix)
			} else {
				assert.Equal(t, 1, code, errOut)
				matchAll(t, dir, out, re, groups, resolve, wantAll)
			}
			for _, line := range strings.Split(strings.TrimSpace(errOut), "\n") {
				assert.False(t, re.MatchString(line), "stderr line %q is not a problem", line)
			}
		})
	}
}

// intellijFilter compiles a GoLand output filter the way IntelliJ's
// RegexpFilter does: $FILE_PATH$, $LINE$ and $COLUMN$ become its groups.
func intellijFilter(filter string) (*regexp.Regexp, [4]int) {
	const filePath = `((?:\p{L}:)?[0-9 a-z_A-Z\-\\./]+)`
	type macro struct{ name, re string }
	var order []string
	for i := 0; i < len(filter); i++ {
		for _, m := range []macro{{"$FILE_PATH$", filePath}, {"$LINE$", `([0-9]+)`}, {"$COLUMN$", `([0-9]+)`}} {
			if strings.HasPrefix(filter[i:], m.name) {
				order = append(order, m.name)
			}
		}
	}
	var groups [4]int
	for i, name := range order {
		switch name {
		case "$FILE_PATH$":
			groups[0] = i + 1
		case "$LINE$":
			groups[1] = i + 1
		case "$COLUMN$":
			groups[2] = i + 1
		}
	}
	expr := strings.NewReplacer("$FILE_PATH$", filePath, "$LINE$", `([0-9]+)`, "$COLUMN$", `([0-9]+)`).Replace(filter)
	return regexp.MustCompile(expr), groups
}

// TestGoLandExternalToolFromREADME runs the README's GoLand external tool
// (Arguments with $FilePath$ absolute, working directory the project) and
// applies its output filter: GoLand links only absolute paths that exist.
func TestGoLandExternalToolFromREADME(t *testing.T) {
	section := readmeSection(t, "## Editors")
	cell := func(field string) string {
		m := regexp.MustCompile("(?m)^\\| " + regexp.QuoteMeta(field) + " \\| `([^`]*)` \\|$").FindStringSubmatch(section)
		require.NotNil(t, m, "GoLand table row %q", field)
		return m[1]
	}
	argsText, workDir, filter := cell("Arguments"), cell("Working directory"), cell("Advanced Options → Output filters")
	assert.Equal(t, "$ProjectFileDir$", workDir)
	assert.Equal(t, "$FILE_PATH$:$LINE$:$COLUMN$:.*", filter)
	re, groups := intellijFilter(filter)

	dir := ideModule(t)
	var args []string
	for _, a := range strings.Fields(argsText) {
		args = append(args, strings.ReplaceAll(a, "$FilePath$", filepath.Join(dir, "p", "a.go")))
	}
	out, errOut, code := runTimed(t, dir, args)
	checkSingleFileFix(t, dir, code, errOut)
	matchAll(t, dir, out, re, groups, func(f string) string {
		assert.True(t, filepath.IsAbs(f), "GoLand needs an absolute path: %q", f)
		_, err := os.Stat(f)
		assert.NoError(t, err)
		return f
	}, wantAfterFix)

	// The check-only variant the README mentions.
	require.Contains(t, section, "Arguments `-abs $FilePath$`")
	out, _, code = runTimed(t, dir, []string{"-abs", filepath.Join(dir, "p", "b.go")})
	assert.Equal(t, 1, code)
	matchAll(t, dir, out, re, groups, func(f string) string { return f }, []wantLine{{"p/b.go", 7, 10, ""}})
	assert.Equal(t, ideSibling, read(t, dir, "p/b.go"))
}

// errorformatRegexp translates the Vim errorformat items the README uses.
func errorformatRegexp(t *testing.T, efm string) (*regexp.Regexp, [4]int) {
	t.Helper()
	var b strings.Builder
	var groups [4]int
	n := 0
	for i := 0; i < len(efm); i++ {
		c := efm[i]
		switch {
		case c == '\\' && i+1 < len(efm):
			i++
			b.WriteString(regexp.QuoteMeta(string(efm[i])))
		case c == '%' && i+1 < len(efm):
			i++
			n++
			switch efm[i] {
			case 'f':
				b.WriteString(`(.+?)`)
				groups[0] = n
			case 'l':
				b.WriteString(`(\d+)`)
				groups[1] = n
			case 'c':
				b.WriteString(`(\d+)`)
				groups[2] = n
			case 'm':
				b.WriteString(`(.+)`)
			default:
				t.Fatalf("errorformat item %%%c not handled by the test", efm[i])
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return regexp.MustCompile("^" + b.String() + "$"), groups
}

// TestVimRecipeFromREADME: :make with makeprg=gofixslice (./... and the
// current directory's package) and the fix command with a path relative
// to Vim's working directory; the errorformat reads every finding.
func TestVimRecipeFromREADME(t *testing.T) {
	block := fencedBlock(t, readmeSection(t, "## Editors"), "vim", "errorformat")
	makeprg := regexp.MustCompile(`(?m)^set makeprg=(\S+)$`).FindStringSubmatch(block)
	efm := regexp.MustCompile(`(?m)^set errorformat=(.+)$`).FindStringSubmatch(block)
	fix := regexp.MustCompile(`(?m)system\('gofixslice ([^']*)' \. shellescape\(expand\('%'\)\)\)`).FindStringSubmatch(block)
	require.NotNil(t, makeprg)
	require.NotNil(t, efm)
	require.NotNil(t, fix)
	assert.Equal(t, "gofixslice", makeprg[1])
	re, groups := errorformatRegexp(t, efm[1])
	relative := func(f string) string {
		assert.False(t, filepath.IsAbs(f))
		return f
	}

	dir := ideModule(t)
	out, _, code := runTimed(t, dir, []string{"./..."})
	assert.Equal(t, 1, code)
	matchAll(t, dir, out, re, groups, func(f string) string { return filepath.Join(dir, relative(f)) }, wantAll)

	// :make in the package directory.
	pkg := filepath.Join(dir, "p")
	out, _, code = runTimed(t, pkg, nil)
	assert.Equal(t, 1, code)
	matchAll(t, dir, out, re, groups, func(f string) string { return filepath.Join(pkg, relative(f)) }, wantAll)

	// :GofixsliceFix on p/a.go, Vim's working directory being the module.
	out, errOut, code := runTimed(t, dir, append(strings.Fields(fix[1]), "p/a.go"))
	checkSingleFileFix(t, dir, code, errOut)
	matchAll(t, dir, out, re, groups, func(f string) string { return filepath.Join(dir, relative(f)) }, wantAfterFix)
}

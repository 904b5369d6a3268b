package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// unfixable is a finding without a fix: strings.Clone needs Go 1.20, and a
// string has no other copy form.
const unfixable = `package u

import (
	"io"
	"strings"
)

var firstWord = map[string]string{}

func scan(key string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	words := strings.Fields(string(b))
	if len(words) > 0 {
		firstWord[key] = words[0]
	}
	return nil
}
`

// TestExitCodesAsDocumented checks the README's exit code table in every
// output mode: 0 nothing found (-w: everything fixed); 1 findings reported
// (fixed or not, in every mode but -w), or findings left unfixed after -w;
// 2 errors of the input or environment (load, parse, type-check, write),
// whatever else was found.
func TestExitCodesAsDocumented(t *testing.T) {
	type setup struct {
		files    map[string]string
		readOnly string
	}
	setups := map[string]setup{
		"clean":     {files: map[string]string{"q/q.go": "package q\n\nfunc F() int { return 1 }\n"}},
		"fixable":   {files: map[string]string{"p/p.go": hazard}},
		"unfixable": {files: map[string]string{"go.mod": "module example.com/m\n\ngo 1.19\n", "u/u.go": unfixable}},
		"syntax":    {files: map[string]string{"p/p.go": hazard, "bad/bad.go": "package bad\n\nfunc (\n"}},
		"type":      {files: map[string]string{"p/p.go": hazard, "bad/bad.go": "package bad\n\nvar x int = \"s\"\n"}},
		"read-only": {files: map[string]string{"p/p.go": hazard}, readOnly: "p/p.go"},
	}
	modes := []string{"report", "-l", "-d", "-json", "-w"}
	want := map[string][]int{ // per mode, in the order of modes
		"clean":     {0, 0, 0, 0, 0},
		"fixable":   {1, 1, 1, 1, 0},
		"unfixable": {1, 1, 1, 1, 1}, // -l and -d list nothing but report, as go vet
		"syntax":    {2, 2, 2, 2, 2},
		"type":      {2, 2, 2, 2, 2},
		"read-only": {1, 1, 1, 1, 2},
	}
	for name, s := range setups {
		for i, mode := range modes {
			t.Run(name+"/"+mode, func(t *testing.T) {
				files := map[string]string{}
				for k, v := range s.files {
					files[k] = v
				}
				dir := module(t, files)
				if s.readOnly != "" {
					require.NoError(t, os.Chmod(filepath.Join(dir, s.readOnly), 0o444))
				}
				args := []string{"./..."}
				if mode != "report" {
					args = append([]string{mode}, args...)
				}
				out, errOut, code := gofixslice(t, dir, args...)
				assert.Equal(t, want[name][i], code, "stdout:\n%s\nstderr:\n%s", out, errOut)
				if code == 2 {
					assert.NotEmpty(t, errOut, "an exit code 2 comes with an error message")
				}
				if mode == "-w" && name == "unfixable" {
					assert.Contains(t, out, "u/u.go:17:20: subslice-pin/whole-read:", "the unfixed finding is printed")
				}
			})
		}
	}
}

func TestExitCodesUsageErrors(t *testing.T) {
	dir := module(t, map[string]string{"p/p.go": hazard})
	for _, args := range [][]string{
		{"-nosuchflag", "./..."},
		{"-enable", "transient-retain,nope", "./..."},
		{"-disable", "nope", "./..."},
		{"./nosuchdir/..."},
		{"nosuchfile.go"},
	} {
		out, errOut, code := gofixslice(t, dir, args...)
		assert.Equal(t, 2, code, "%v: %s%s", args, out, errOut)
		assert.NotEmpty(t, strings.TrimSpace(errOut), "%v: error message", args)
	}
	_, _, code := gofixslice(t, dir, "-list")
	assert.Equal(t, 0, code)
	assert.Equal(t, hazard, read(t, dir, "p/p.go"), "nothing written by failed invocations")
}

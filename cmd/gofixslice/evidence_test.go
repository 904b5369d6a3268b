package main

import (
	"bytes"
	"encoding/json"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rules"
)

// evidenceResult is a run's result with one finding that has a three-step
// evidence chain (the first step with an end, the second after a
// two-byte, one-unit rune) and one finding without a chain, in a file
// under wd.
func evidenceResult(t *testing.T) (wd string, res *rewrite.Result) {
	wd = t.TempDir()
	file := filepath.Join(wd, "p", "p.go")
	src := "package p\n\nfunc F(s []int) {\n\tfor i := range s /* é */ {\n\t\ts = append(s[:i], s[i+1:]...)\n\t}\n}\n"
	require.NoError(t, os.MkdirAll(filepath.Dir(file), 0o755))
	require.NoError(t, os.WriteFile(file, []byte(src), 0o644))
	pos := func(line, col int) token.Position {
		off := 0
		for l := 1; l < line; l++ {
			off += strings.IndexByte(src[off:], '\n') + 1
		}
		return token.Position{Filename: file, Line: line, Column: col, Offset: off + col - 1}
	}
	check := rules.Check("range-delete/slice")
	require.NotNil(t, check)
	res = &rewrite.Result{Findings: []rewrite.Finding{
		{Check: check, Pos: pos(4, 2), Message: "an element is removed from s while ranging over it", Evidence: []rewrite.Step{
			{Pos: pos(4, 17), End: pos(4, 18), Message: "the loop ranges over s here"},
			{Pos: pos(5, 3), Message: "an element is removed here"},
			{Pos: pos(4, 28), Message: "the loop advances past the next element here"},
		}},
		{Check: check, Pos: pos(5, 3), Message: "no chain"},
	}}
	return wd, res
}

var wantSteps = []string{
	"p/p.go:4:17: the loop ranges over s here",
	"p/p.go:5:3: an element is removed here",
	"p/p.go:4:28: the loop advances past the next element here",
}

func TestEvidenceInTextOutput(t *testing.T) {
	wd, res := evidenceResult(t)
	var out, errb bytes.Buffer
	o := output{stdout: &out, stderr: &errb, wd: wd}
	o.findings(res)
	assert.Equal(t, "p/p.go:4:2: range-delete/slice: an element is removed from s while ranging over it\np/p.go:5:3: range-delete/slice: no chain\n",
		out.String(), "without -v: one line per finding")

	out.Reset()
	o.verbose = true
	o.findings(res)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.GreaterOrEqual(t, len(lines), 5, out.String())
	assert.Equal(t, "p/p.go:4:2: range-delete/slice: an element is removed from s while ranging over it", lines[0])
	for i, s := range wantSteps {
		assert.Equal(t, "\t"+s, lines[1+i], "-v: each step indented under its finding, in order")
	}
	assert.True(t, strings.HasPrefix(lines[4], "\twhy: "), lines[4])

	out.Reset()
	o.abs = true
	o.findings(res)
	assert.Contains(t, out.String(), "\t"+filepath.Join(wd, "p", "p.go")+":5:3: an element is removed here\n", "-abs: absolute paths in the chain too")

	// With -d (stdout is a patch) the chain goes to stderr with the rest of -v.
	out.Reset()
	errb.Reset()
	o.abs = false
	o.changes(res, false, true)
	assert.Empty(t, out.String())
	assert.Contains(t, errb.String(), "\n\t"+wantSteps[2]+"\n")
}

func TestEvidenceInJSON(t *testing.T) {
	wd, res := evidenceResult(t)
	var out bytes.Buffer
	require.NoError(t, printJSON(&out, wd, res))
	var got struct {
		Findings []struct {
			Evidence []struct {
				Pos, File, Message string
				Line, Column       int
				Offset             int
			} `json:"evidence"`
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	require.Len(t, got.Findings, 2)
	ev := got.Findings[0].Evidence
	require.Len(t, ev, 3)
	for i, s := range wantSteps {
		assert.Equal(t, s, ev[i].Pos+": "+ev[i].Message)
		assert.Equal(t, "p/p.go", ev[i].File)
	}
	assert.Equal(t, [3]int{5, 3, 60}, [3]int{ev[1].Line, ev[1].Column, ev[1].Offset})
	assert.Contains(t, out.String(), `"evidence": []`, "a finding without a chain has an empty array")
}

func TestEvidenceInSARIF(t *testing.T) {
	wd, res := evidenceResult(t)
	var out bytes.Buffer
	require.NoError(t, printSARIF(&out, wd, nil, res))
	seen := sarifChecker{t}.checkLog(out.Bytes())
	require.Len(t, seen, 2)
	want := append([]string(nil), wantSteps...)
	want[2] = "p/p.go:4:27: the loop advances past the next element here" // é is 2 bytes, 1 UTF-16 unit
	assert.Equal(t, want, seen[0].steps)
	assert.Nil(t, seen[1].steps, "no chain: no relatedLocations, no codeFlows")
	assert.NotContains(t, out.String()[strings.LastIndex(out.String(), "no chain"):], "relatedLocations")

	var log struct {
		Runs []struct {
			Results []struct {
				RelatedLocations []struct {
					ID               int
					PhysicalLocation struct {
						Region struct{ StartLine, StartColumn, EndLine, EndColumn int }
					} `json:"physicalLocation"`
				} `json:"relatedLocations"`
			}
		}
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &log))
	rel := log.Runs[0].Results[0].RelatedLocations
	require.Len(t, rel, 3)
	assert.Equal(t, []int{1, 2, 3}, []int{rel[0].ID, rel[1].ID, rel[2].ID})
	assert.Equal(t, struct{ StartLine, StartColumn, EndLine, EndColumn int }{4, 17, 4, 18}, rel[0].PhysicalLocation.Region)
	assert.Zero(t, rel[1].PhysicalLocation.Region.EndLine, "no end: no endLine")
}

// TestEvidenceREADMEExamples checks the README's -v and -json examples of
// an evidence chain against the real output on the bundled example.
func TestEvidenceREADMEExamples(t *testing.T) {
	src, err := os.ReadDir("../../examples/ingest")
	require.NoError(t, err)
	files := map[string]string{}
	for _, e := range src {
		b, err := os.ReadFile(filepath.Join("../../examples/ingest", e.Name()))
		require.NoError(t, err)
		files["examples/ingest/"+e.Name()] = string(b)
	}
	dir := module(t, files)

	block := fencedBlock(t, readmeSection(t, "### Evidence chains"), "", "$ gofixslice -v ./examples/...")
	_, why, _ := gofixslice(t, dir, "-v", "-d", "./examples/...")
	lines := strings.Split(strings.TrimSpace(block), "\n")[1:]
	assert.Contains(t, why, strings.Join(lines, "\n")+"\n", "the README's -v example is the real output")

	out, _, _ := gofixslice(t, dir, "-json", "./examples/...")
	var got, doc struct {
		Findings []map[string]any `json:"findings"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.NoError(t, json.Unmarshal([]byte(fencedBlock(t, readmeSection(t, "## JSON output"), "json", `"evidence"`)), &doc))
	require.NotEmpty(t, doc.Findings)
	for _, want := range doc.Findings {
		found := false
		for _, f := range got.Findings {
			if f["file"] == want["file"] && f["line"] == want["line"] && f["check"] == want["check"] {
				found = true
				assert.Equal(t, want, f, "the README's -json example is the real output")
			}
		}
		assert.True(t, found, "the README's finding %v is reported", want["check"])
	}
}

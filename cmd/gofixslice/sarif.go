package main

import (
	"bytes"
	"encoding/json"
	"go/token"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gofixslice/gofixslice/rewrite"
	"github.com/gofixslice/gofixslice/rules"
)

// SARIF 2.1.0 output (-sarif), for code-scanning dashboards. The shape is
// documented in the README ("SARIF output"); sarif_test.go checks it
// against the schema's required structure.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifRoot    = "%SRCROOT%" // uriBaseId of paths relative to the working directory
	toolURI      = "https://github.com/gofixslice/gofixslice"
)

type sarifLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                    `json:"results"`
	Invocations        []sarifInvocation                `json:"invocations"`
	ColumnKind         string                           `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifMessage    `json:"shortDescription"`
	FullDescription      sarifMessage    `json:"fullDescription"`
	Help                 sarifMessage    `json:"help"`
	HelpURI              string          `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           map[string]any  `json:"properties,omitempty"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
	Fixes     []sarifFix      `json:"fixes,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           sarifRegion           `json:"region"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

// sarifRegion is either a text region (startLine, startColumn) or, in a
// fix's deletedRegion, a byte region (byteOffset, byteLength).
type sarifRegion struct {
	StartLine   int  `json:"startLine,omitempty"`
	StartColumn int  `json:"startColumn,omitempty"`
	ByteOffset  *int `json:"byteOffset,omitempty"`
	ByteLength  *int `json:"byteLength,omitempty"`
}

type sarifFix struct {
	Description     sarifMessage          `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion   `json:"deletedRegion"`
	InsertedContent *sarifContent `json:"insertedContent,omitempty"`
}

type sarifContent struct {
	Text string `json:"text"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string       `json:"level"`
	Message sarifMessage `json:"message"`
}

// printSARIF writes one SARIF log with one run: the enabled rules as the
// driver's rules, each finding as a result with its location (columns in
// UTF-16 code units, SARIF's default) and, when it is fixable, its fix as
// byte-offset replacements of the original file. Load and type errors are
// the invocation's notifications.
func printSARIF(w io.Writer, wd string, enabled []*rewrite.Rule, res *rewrite.Result) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "gofixslice", InformationURI: toolURI, Version: toolVersion(), Rules: []sarifRule{},
		}},
		OriginalURIBaseIDs: map[string]sarifArtifactLocation{
			sarifRoot: {URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(wd) + "/"}).String()},
		},
		Results:     []sarifResult{},
		Invocations: []sarifInvocation{{ExecutionSuccessful: len(res.Errors) == 0}},
		ColumnKind:  "utf16CodeUnits",
	}
	index := map[string]int{}
	addRule := func(r *rewrite.Rule) {
		if _, ok := index[r.ID]; ok {
			return
		}
		index[r.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(r))
	}
	for _, r := range enabled {
		addRule(r)
	}
	lines := &lineCache{files: map[string][]byte{}}
	for _, f := range res.Findings {
		if _, ok := index[f.Rule]; !ok {
			r := rules.ByID(f.Rule)
			if r == nil {
				r = &rewrite.Rule{ID: f.Rule, Summary: f.Rule}
			}
			addRule(r)
		}
		loc := artifactLocation(wd, f.Pos.Filename)
		result := sarifResult{
			RuleID: f.Rule, RuleIndex: index[f.Rule], Level: "warning",
			Message: sarifMessage{Text: f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: loc,
				Region:           sarifRegion{StartLine: f.Pos.Line, StartColumn: lines.utf16Column(f.Pos)},
			}}},
		}
		if f.Fixed && len(f.Edits) > 0 {
			edits := append([]rewrite.TextEdit(nil), f.Edits...)
			sort.SliceStable(edits, func(i, j int) bool { return edits[i].Start < edits[j].Start })
			change := sarifArtifactChange{ArtifactLocation: loc}
			for _, e := range edits {
				off, n := e.Start, e.End-e.Start
				rep := sarifReplacement{DeletedRegion: sarifRegion{ByteOffset: &off, ByteLength: &n}}
				if e.New != "" {
					rep.InsertedContent = &sarifContent{Text: e.New}
				}
				change.Replacements = append(change.Replacements, rep)
			}
			result.Fixes = []sarifFix{{
				Description:     sarifMessage{Text: "gofixslice " + f.Rule + " fix"},
				ArtifactChanges: []sarifArtifactChange{change},
			}}
		}
		run.Results = append(run.Results, result)
	}
	for _, e := range res.Errors {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications,
			sarifNotification{Level: "error", Message: sarifMessage{Text: relErr(wd, e.Error())}})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(sarifLog{Version: sarifVersion, Schema: sarifSchema, Runs: []sarifRun{run}}); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// sarifRuleOf describes a rule: its summary, the first paragraph of its
// documentation, the whole documentation as help, and its README section.
func sarifRuleOf(r *rewrite.Rule) sarifRule {
	doc := strings.TrimSpace(r.Doc)
	if doc == "" {
		doc = r.Summary
	}
	full, _, _ := strings.Cut(doc, "\n\n")
	full = strings.TrimPrefix(full, r.ID+": ") // "subslice-pin: small sub-slices ..."
	return sarifRule{
		ID:                   r.ID,
		Name:                 camelName(r.ID),
		ShortDescription:     sarifMessage{Text: r.Summary},
		FullDescription:      sarifMessage{Text: strings.Join(strings.Fields(full), " ")},
		Help:                 sarifMessage{Text: doc},
		HelpURI:              rules.DocURL + r.ID,
		DefaultConfiguration: sarifRuleConfig{Level: "warning"},
		Properties:           map[string]any{"tags": []string{"go", "memory", "correctness"}},
	}
}

// camelName turns a rule ID into SARIF's friendly name: "subslice-pin" ->
// "SubslicePin".
func camelName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(id, "-") {
		if part == "" {
			continue
		}
		r, n := utf8.DecodeRuneInString(part)
		b.WriteRune(unicode.ToUpper(r))
		b.WriteString(part[n:])
	}
	return b.String()
}

// artifactLocation names a file by a URI relative to the working directory
// (uriBaseId %SRCROOT%), or by an absolute file URI when it lies outside.
func artifactLocation(wd, file string) sarifArtifactLocation {
	rel := relPath(wd, file)
	if filepath.IsAbs(rel) {
		return sarifArtifactLocation{URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(rel)}).String()}
	}
	return sarifArtifactLocation{URI: (&url.URL{Path: filepath.ToSlash(rel)}).String(), URIBaseID: sarifRoot}
}

// lineCache converts go/token byte columns into UTF-16 code unit columns.
type lineCache struct{ files map[string][]byte }

// utf16Column returns pos's column counted in UTF-16 code units; the byte
// column when the file cannot be read or does not match the position.
func (c *lineCache) utf16Column(pos token.Position) int {
	data, ok := c.files[pos.Filename]
	if !ok {
		data, _ = os.ReadFile(pos.Filename)
		c.files[pos.Filename] = data
	}
	start := pos.Offset - (pos.Column - 1)
	if pos.Column < 1 || start < 0 || pos.Offset > len(data) {
		return pos.Column
	}
	col := 1
	for _, r := range string(data[start:pos.Offset]) {
		col += utf16.RuneLen(r)
	}
	return col
}

// toolVersion is the module version the binary was built from, if known.
func toolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return strings.TrimPrefix(bi.Main.Version, "v")
	}
	return ""
}

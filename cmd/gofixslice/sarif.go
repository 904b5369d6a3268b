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
	"github.com/gofixslice/gofixslice/rewrite/rule"
	"github.com/gofixslice/gofixslice/rules"
)

// SARIF 2.1.0 output (-sarif), for code-scanning dashboards. The shape is
// documented in the README ("SARIF output"); sarif_test.go checks it
// against the schema's required structure.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifRoot    = "%SRCROOT%" // uriBaseId of paths relative to the working directory
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
	Level   string `json:"level"`
	Enabled bool   `json:"enabled"`
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
	// RelatedLocations and CodeFlows are the evidence chain: each step
	// as a related location (id: its place in the chain, from 1), and
	// the steps in order as one thread flow.
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
	CodeFlows        []sarifCodeFlow `json:"codeFlows,omitempty"`
	Fixes            []sarifFix      `json:"fixes,omitempty"`
	// Properties holds the check's category.
	Properties map[string]any `json:"properties,omitempty"`
}

type sarifLocation struct {
	ID               int                   `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifMessage         `json:"message,omitempty"`
}

type sarifCodeFlow struct {
	ThreadFlows []sarifThreadFlow `json:"threadFlows"`
}

type sarifThreadFlow struct {
	Locations []sarifThreadFlowLocation `json:"locations"`
}

type sarifThreadFlowLocation struct {
	Location       sarifLocation `json:"location"`
	ExecutionOrder int           `json:"executionOrder"`
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
	EndLine     int  `json:"endLine,omitempty"`
	EndColumn   int  `json:"endColumn,omitempty"`
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

// printSARIF writes one SARIF log with one run: the checks selected in the
// working directory, and those of the findings, as the driver's rules (one
// entry per sub-check), each finding as
// a result with its location (columns in UTF-16 code units, SARIF's
// default), its evidence chain as relatedLocations and one codeFlow, and, when it is fixable, its fix as byte-offset replacements of
// the original file. Load and type errors are the invocation's
// notifications.
func printSARIF(w io.Writer, wd string, selected map[*rule.Check]bool, res *rewrite.Result) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name: "gofixslice", InformationURI: rule.HomeURL, Version: toolVersion(), Rules: []sarifRule{},
		}},
		OriginalURIBaseIDs: map[string]sarifArtifactLocation{
			sarifRoot: {URI: (&url.URL{Scheme: "file", Path: filepath.ToSlash(wd) + "/"}).String()},
		},
		Results:     []sarifResult{},
		Invocations: []sarifInvocation{{ExecutionSuccessful: len(res.Errors) == 0}},
		ColumnKind:  "utf16CodeUnits",
	}
	index := map[*rule.Check]int{}
	addCheck := func(c *rule.Check) {
		if _, ok := index[c]; ok {
			return
		}
		index[c] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(c))
	}
	for _, r := range rules.All() {
		for _, c := range r.Checks {
			if selected[c] {
				addCheck(c)
			}
		}
	}
	lines := &lineCache{files: map[string][]byte{}}
	for _, f := range res.Findings {
		addCheck(f.Check)
		loc := artifactLocation(wd, f.Pos.Filename)
		result := sarifResult{
			RuleID: f.Check.ID(), RuleIndex: index[f.Check], Level: f.Check.Category.Level(),
			Message: sarifMessage{Text: f.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysicalLocation{
				ArtifactLocation: loc,
				Region:           sarifRegion{StartLine: f.Pos.Line, StartColumn: lines.utf16Column(f.Pos)},
			}}},
			Properties: map[string]any{"category": string(f.Check.Category)},
		}
		if f.FixDropped != "" {
			result.Properties["fixDropped"] = f.FixDropped
		}
		if len(f.Evidence) > 0 {
			flow := sarifThreadFlow{}
			for i, st := range f.Evidence {
				region := sarifRegion{StartLine: st.Pos.Line, StartColumn: lines.utf16Column(st.Pos)}
				if st.End.IsValid() && st.End.Filename == st.Pos.Filename {
					region.EndLine, region.EndColumn = st.End.Line, lines.utf16Column(st.End)
				}
				loc := sarifLocation{
					ID:               i + 1,
					PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: artifactLocation(wd, st.Pos.Filename), Region: region},
				}
				if st.Message != "" {
					loc.Message = &sarifMessage{Text: st.Message}
				}
				result.RelatedLocations = append(result.RelatedLocations, loc)
				flow.Locations = append(flow.Locations, sarifThreadFlowLocation{Location: loc, ExecutionOrder: i + 1})
			}
			result.CodeFlows = []sarifCodeFlow{{ThreadFlows: []sarifThreadFlow{flow}}}
		}
		if f.Fixed && len(f.Edits) > 0 {
			edits := append([]rule.TextEdit(nil), f.Edits...)
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
				Description:     sarifMessage{Text: "gofixslice " + f.Check.ID() + " fix"},
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

// sarifRuleOf describes a check: its summary, its documentation (the help
// adds the rule's), its README section, and its category as the level
// and a property.
func sarifRuleOf(c *rule.Check) sarifRule {
	r := c.Rule()
	return sarifRule{
		ID:                   c.ID(),
		Name:                 camelName(r.ID) + "/" + camelName(c.Name),
		ShortDescription:     sarifMessage{Text: c.Summary},
		FullDescription:      sarifMessage{Text: strings.Join(strings.Fields(c.Doc), " ")},
		Help:                 sarifMessage{Text: r.Explain()},
		HelpURI:              r.URL(),
		DefaultConfiguration: sarifRuleConfig{Level: c.Category.Level(), Enabled: c.Category.DefaultOn()},
		Properties: map[string]any{
			"tags":     []string{"go", string(c.Category)},
			"category": string(c.Category),
			"rule":     r.ID,
		},
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

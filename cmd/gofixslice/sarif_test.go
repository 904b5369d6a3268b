package main

import (
	"encoding/json"
	"github.com/gofixslice/gofixslice/rules"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sarifProps are the property names the SARIF 2.1.0 schema allows on the
// objects gofixslice writes (the schema sets additionalProperties: false on
// them); a misspelled property fails the test.
var sarifProps = map[string][]string{
	"log":            {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
	"run":            {"tool", "invocations", "conversion", "language", "versionControlProvenance", "originalUriBaseIds", "artifacts", "logicalLocations", "graphs", "results", "automationDetails", "runAggregates", "baselineGuid", "redactionTokens", "defaultEncoding", "defaultSourceLanguage", "newlineSequences", "columnKind", "externalPropertyFileReferences", "threadFlowLocations", "taxonomies", "addresses", "translations", "policies", "webRequests", "webResponses", "specialLocations", "properties"},
	"tool":           {"driver", "extensions", "properties"},
	"driver":         {"guid", "name", "organization", "product", "productSuite", "shortDescription", "fullDescription", "fullName", "version", "semanticVersion", "dottedQuadFileVersion", "releaseDateUtc", "downloadUri", "informationUri", "globalMessageStrings", "notifications", "rules", "taxa", "locations", "language", "contents", "isComprehensive", "localizedDataSemanticVersion", "minimumRequiredLocalizedDataSemanticVersion", "associatedComponent", "translationMetadata", "supportedTaxonomies", "properties"},
	"rule":           {"id", "deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames", "shortDescription", "fullDescription", "messageStrings", "defaultConfiguration", "helpUri", "help", "relationships", "properties"},
	"result":         {"ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget", "locations", "guid", "correlationGuid", "occurrenceCount", "partialFingerprints", "fingerprints", "stacks", "codeFlows", "graphs", "graphTraversals", "relatedLocations", "suppressions", "baselineState", "rank", "attachments", "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa", "webRequest", "webResponse", "properties"},
	"location":       {"id", "physicalLocation", "logicalLocations", "message", "annotations", "relationships", "properties"},
	"physical":       {"address", "artifactLocation", "region", "contextRegion", "properties"},
	"artifactLoc":    {"uri", "uriBaseId", "index", "description", "properties"},
	"region":         {"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength", "byteOffset", "byteLength", "snippet", "message", "sourceLanguage", "properties"},
	"fix":            {"description", "artifactChanges", "properties"},
	"artifactChange": {"artifactLocation", "replacements", "properties"},
	"replacement":    {"deletedRegion", "insertedContent", "properties"},
	"content":        {"text", "binary", "rendered", "properties"},
	"invocation":     {"commandLine", "arguments", "responseFiles", "startTimeUtc", "endTimeUtc", "exitCode", "ruleConfigurationOverrides", "notificationConfigurationOverrides", "toolExecutionNotifications", "toolConfigurationNotifications", "exitCodeDescription", "exitSignalName", "exitSignalNumber", "processStartFailureMessage", "executionSuccessful", "machine", "account", "processId", "executableLocation", "workingDirectory", "environmentVariables", "stdin", "stdout", "stderr", "stdoutStderr", "properties"},
	"notification":   {"locations", "message", "level", "threadId", "timeUtc", "exception", "descriptor", "associatedRule", "properties"},
	"message":        {"text", "markdown", "id", "arguments", "properties"},
	"multiformat":    {"text", "markdown", "properties"},
	"config":         {"enabled", "level", "rank", "parameters", "properties"},
	"codeFlow":       {"message", "threadFlows", "properties"},
	"threadFlow":     {"id", "message", "initialState", "immutableState", "locations", "properties"},
	"threadFlowLoc":  {"index", "location", "stack", "kinds", "taxa", "module", "state", "nestingLevel", "executionOrder", "executionTimeUtc", "importance", "webRequest", "webResponse", "properties"},
}

// sarifChecker walks a decoded SARIF log and reports every violation of
// the schema's required structure.
type sarifChecker struct {
	t *testing.T
}

func (c sarifChecker) obj(v any, kind, where string) map[string]any {
	c.t.Helper()
	m, ok := v.(map[string]any)
	if !assert.True(c.t, ok, "%s: %s must be an object, is %T", where, kind, v) {
		return map[string]any{}
	}
	allowed := map[string]bool{}
	for _, p := range sarifProps[kind] {
		allowed[p] = true
	}
	require.NotEmpty(c.t, allowed, "known kind %s", kind)
	for k := range m {
		assert.True(c.t, allowed[k], "%s: property %q is not allowed on a %s object", where, k, kind)
	}
	return m
}

func (c sarifChecker) arr(v any, where string, min int) []any {
	c.t.Helper()
	a, ok := v.([]any)
	if assert.True(c.t, ok, "%s must be an array, is %T", where, v) {
		assert.GreaterOrEqual(c.t, len(a), min, "%s: at least %d items", where, min)
	}
	return a
}

func (c sarifChecker) str(v any, where string) string {
	c.t.Helper()
	s, ok := v.(string)
	assert.True(c.t, ok && s != "", "%s must be a non-empty string, is %#v", where, v)
	return s
}

func (c sarifChecker) num(v any, where string, min int) int {
	c.t.Helper()
	f, ok := v.(float64)
	if assert.True(c.t, ok && f == float64(int(f)), "%s must be an integer, is %#v", where, v) {
		assert.GreaterOrEqual(c.t, int(f), min, where)
	}
	return int(f)
}

func (c sarifChecker) message(v any, kind, where string) {
	c.t.Helper()
	c.str(c.obj(v, kind, where)["text"], where+".text")
}

func (c sarifChecker) artifactLocation(v any, baseIDs map[string]any, where string) string {
	c.t.Helper()
	m := c.obj(v, "artifactLoc", where)
	uri := c.str(m["uri"], where+".uri")
	u, err := url.Parse(uri)
	assert.NoError(c.t, err, "%s.uri is a URI reference", where)
	if base, ok := m["uriBaseId"]; ok {
		assert.Contains(c.t, baseIDs, base, "%s.uriBaseId is defined in run.originalUriBaseIds", where)
		assert.False(c.t, u != nil && u.IsAbs(), "%s: a uri with uriBaseId is relative", where)
	} else {
		assert.True(c.t, u != nil && u.IsAbs(), "%s: a uri without uriBaseId is absolute", where)
	}
	return uri
}

// checkLog validates the log and returns, per result, its rule ID,
// artifact URI and replacements (byte offset, length, text).
func (c sarifChecker) checkLog(data []byte) []sarifSeen {
	var doc any
	require.NoError(c.t, json.Unmarshal(data, &doc), "SARIF output is JSON")
	log := c.obj(doc, "log", "log")
	assert.Equal(c.t, "2.1.0", log["version"])
	assert.Contains(c.t, c.str(log["$schema"], "$schema"), "sarif-2.1.0")
	var seen []sarifSeen
	for ri, rv := range c.arr(log["runs"], "runs", 1) {
		where := "runs[" + itoa(ri) + "]"
		run := c.obj(rv, "run", where)
		tool := c.obj(run["tool"], "tool", where+".tool")
		driver := c.obj(tool["driver"], "driver", where+".tool.driver")
		assert.Equal(c.t, "gofixslice", c.str(driver["name"], "driver.name"))
		ruleIDs := map[string]int{}
		for i, rv := range c.arr(driver["rules"], "driver.rules", 1) {
			w := "driver.rules[" + itoa(i) + "]"
			rule := c.obj(rv, "rule", w)
			id := c.str(rule["id"], w+".id")
			assert.NotContains(c.t, ruleIDs, id, "%s: rule IDs are unique", w)
			ruleIDs[id] = i
			c.str(rule["name"], w+".name")
			c.message(rule["shortDescription"], "multiformat", w+".shortDescription")
			c.message(rule["fullDescription"], "multiformat", w+".fullDescription")
			c.message(rule["help"], "multiformat", w+".help")
			help, err := url.Parse(c.str(rule["helpUri"], w+".helpUri"))
			assert.True(c.t, err == nil && help.IsAbs(), "%s.helpUri is an absolute URI", w)
			cfg := c.obj(rule["defaultConfiguration"], "config", w+".defaultConfiguration")
			assert.Contains(c.t, []any{"none", "note", "warning", "error"}, cfg["level"])
		}
		baseIDs := map[string]any{}
		if b, ok := run["originalUriBaseIds"]; ok {
			baseIDs = b.(map[string]any)
			for k, v := range baseIDs {
				uri := c.artifactLocation(v, nil, "originalUriBaseIds."+k)
				assert.True(c.t, strings.HasSuffix(uri, "/"), "a base URI ends with a slash")
			}
		}
		if ck, ok := run["columnKind"]; ok {
			assert.Contains(c.t, []any{"utf16CodeUnits", "unicodeCodePoints"}, ck)
		}
		for _, iv := range c.arr(run["invocations"], "invocations", 1) {
			inv := c.obj(iv, "invocation", "invocation")
			_, ok := inv["executionSuccessful"].(bool)
			assert.True(c.t, ok, "invocation.executionSuccessful is required and boolean")
			if ns, ok := inv["toolExecutionNotifications"]; ok {
				for _, nv := range c.arr(ns, "toolExecutionNotifications", 1) {
					n := c.obj(nv, "notification", "notification")
					c.message(n["message"], "message", "notification.message")
				}
			}
		}
		for i, rv := range c.arr(run["results"], "results", 0) {
			w := where + ".results[" + itoa(i) + "]"
			res := c.obj(rv, "result", w)
			c.message(res["message"], "message", w+".message")
			id := c.str(res["ruleId"], w+".ruleId")
			idx, ok := ruleIDs[id]
			assert.True(c.t, ok, "%s.ruleId %q is one of driver.rules", w, id)
			if ri, ok := res["ruleIndex"]; ok {
				assert.Equal(c.t, idx, c.num(ri, w+".ruleIndex", 0), "%s.ruleIndex points at its rule", w)
			}
			assert.Contains(c.t, []any{"none", "note", "warning", "error"}, res["level"])
			s := sarifSeen{rule: id}
			for j, lv := range c.arr(res["locations"], w+".locations", 1) {
				lw := w + ".locations[" + itoa(j) + "]"
				loc := c.obj(lv, "location", lw)
				phys := c.obj(loc["physicalLocation"], "physical", lw+".physicalLocation")
				s.uri = c.artifactLocation(phys["artifactLocation"], baseIDs, lw+".artifactLocation")
				region := c.obj(phys["region"], "region", lw+".region")
				s.line = c.num(region["startLine"], lw+".region.startLine", 1)
				s.column = c.num(region["startColumn"], lw+".region.startColumn", 1)
			}
			s.steps = c.evidence(res, baseIDs, w)
			if fv, ok := res["fixes"]; ok {
				for k, fx := range c.arr(fv, w+".fixes", 1) {
					fw := w + ".fixes[" + itoa(k) + "]"
					fix := c.obj(fx, "fix", fw)
					if d, ok := fix["description"]; ok {
						c.message(d, "message", fw+".description")
					}
					for _, av := range c.arr(fix["artifactChanges"], fw+".artifactChanges", 1) {
						ac := c.obj(av, "artifactChange", fw+".artifactChange")
						assert.Equal(c.t, s.uri, c.artifactLocation(ac["artifactLocation"], baseIDs, fw+".artifactLocation"))
						prevEnd := -1
						for _, pv := range c.arr(ac["replacements"], fw+".replacements", 1) {
							rep := c.obj(pv, "replacement", fw+".replacement")
							del := c.obj(rep["deletedRegion"], "region", fw+".deletedRegion")
							off := c.num(del["byteOffset"], fw+".deletedRegion.byteOffset", 0)
							n := c.num(del["byteLength"], fw+".deletedRegion.byteLength", 0)
							assert.GreaterOrEqual(c.t, off, prevEnd, "%s: replacements are sorted and do not overlap", fw)
							prevEnd = off + n
							text := ""
							if ic, ok := rep["insertedContent"]; ok {
								t, ok := c.obj(ic, "content", fw+".insertedContent")["text"].(string)
								assert.True(c.t, ok, "insertedContent.text is a string")
								text = t
							}
							s.edits = append(s.edits, sarifEdit{off, n, text})
						}
					}
				}
			}
			seen = append(seen, s)
		}
	}
	return seen
}

// evidence checks a result's relatedLocations (ids unique, each with a
// physical location and a message) and its codeFlows (one thread flow
// whose locations are the related locations in chain order), and returns
// the steps as "uri:line:col: message".
func (c sarifChecker) evidence(res map[string]any, baseIDs map[string]any, w string) []string {
	c.t.Helper()
	rv, hasRel := res["relatedLocations"]
	fv, hasFlow := res["codeFlows"]
	assert.Equal(c.t, hasRel, hasFlow, "%s: relatedLocations and codeFlows come together", w)
	if !hasRel {
		return nil
	}
	step := func(v any, where string) (int, string) {
		loc := c.obj(v, "location", where)
		id := c.num(loc["id"], where+".id", -1)
		phys := c.obj(loc["physicalLocation"], "physical", where+".physicalLocation")
		uri := c.artifactLocation(phys["artifactLocation"], baseIDs, where+".artifactLocation")
		region := c.obj(phys["region"], "region", where+".region")
		line := c.num(region["startLine"], where+".region.startLine", 1)
		col := c.num(region["startColumn"], where+".region.startColumn", 1)
		if el, ok := region["endLine"]; ok {
			assert.GreaterOrEqual(c.t, c.num(el, where+".region.endLine", 1), line)
			c.num(region["endColumn"], where+".region.endColumn", 1)
		}
		c.message(loc["message"], "message", where+".message")
		text, _ := c.obj(loc["message"], "message", where+".message")["text"].(string)
		return id, uri + ":" + itoa(line) + ":" + itoa(col) + ": " + text
	}
	var steps []string
	ids := map[int]bool{}
	for i, v := range c.arr(rv, w+".relatedLocations", 1) {
		id, s := step(v, w+".relatedLocations["+itoa(i)+"]")
		assert.False(c.t, ids[id], "%s: relatedLocations ids are unique", w)
		ids[id] = true
		steps = append(steps, s)
	}
	flows := c.arr(fv, w+".codeFlows", 1)
	require.Len(c.t, flows, 1, "%s: one code flow", w)
	cf := c.obj(flows[0], "codeFlow", w+".codeFlows[0]")
	tfs := c.arr(cf["threadFlows"], w+".threadFlows", 1)
	require.Len(c.t, tfs, 1, "%s: one thread flow", w)
	tf := c.obj(tfs[0], "threadFlow", w+".threadFlows[0]")
	var flow []string
	prev := -1
	for i, v := range c.arr(tf["locations"], w+".threadFlows[0].locations", 1) {
		where := w + ".threadFlows[0].locations[" + itoa(i) + "]"
		tl := c.obj(v, "threadFlowLoc", where)
		order := c.num(tl["executionOrder"], where+".executionOrder", -1)
		assert.Greater(c.t, order, prev, "%s: in execution order", where)
		prev = order
		_, s := step(tl["location"], where+".location")
		flow = append(flow, s)
	}
	assert.Equal(c.t, steps, flow, "%s: the thread flow visits the related locations in order", w)
	return steps
}

type sarifSeen struct {
	rule, uri    string
	line, column int
	edits        []sarifEdit
	steps        []string // the evidence chain: "uri:line:col: message"
}

type sarifEdit struct {
	off, n int
	text   string
}

func itoa(i int) string { return strconv.Itoa(i) }

// apply applies byte replacements, all relative to the original content.
func apply(orig string, edits []sarifEdit) string {
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].off < edits[j].off })
	var b strings.Builder
	last := 0
	for _, e := range edits {
		b.WriteString(orig[last:e.off])
		b.WriteString(e.text)
		last = e.off + e.n
	}
	b.WriteString(orig[last:])
	return b.String()
}

func TestSARIFOutputValidates(t *testing.T) {
	unicodeHazard := strings.Replace(hazard, "m[i] = sc.Bytes()", `m[len("日本")+i] = sc.Bytes()`, 1)
	dir := module(t, map[string]string{
		"p/p.go": hazard,
		"r/r.go": "package r\n\nfunc grow(m map[string]int) {\n\tfor k, v := range m {\n\t\tm[k+\"x\"] = v\n\t}\n}\n",
		"u/u.go": strings.Replace(unicodeHazard, "package p", "package u", 1),
		"c/c.go": "package c\n\nfunc F() int { return 1 }\n",
	})
	out, errOut, code := gofixslice(t, dir, "-sarif", "./...")
	assert.Equal(t, 1, code, errOut)
	assert.Empty(t, errOut)
	seen := sarifChecker{t}.checkLog([]byte(out))
	require.Len(t, seen, 3, out)

	byURI := map[string]sarifSeen{}
	for _, s := range seen {
		byURI[s.uri] = s
	}
	p := byURI["p/p.go"]
	assert.Equal(t, "transient-retain/next-call", p.rule)
	assert.Equal(t, [2]int{7, 10}, [2]int{p.line, p.column})
	assert.Equal(t, hazardFixed, apply(hazard, p.edits), "the fix's replacements give the fixed file")

	r := byURI["r/r.go"]
	assert.Equal(t, "range-delete/map-insert", r.rule)
	assert.Empty(t, r.edits, "a finding without a fix has no fixes")

	u := byURI["u/u.go"]
	assert.Equal(t, 7, u.line)
	assert.Equal(t, 24-4, u.column, "columns count UTF-16 code units: 日本 is 6 bytes, 2 units")
	assert.Contains(t, apply(read(t, dir, "u/u.go"), u.edits), `m[len("日本")+i] = bytes.Clone(sc.Bytes())`)

	assert.Equal(t, hazard, read(t, dir, "p/p.go"), "-sarif writes nothing")

	// One rule entry per check, with its rule's documentation, its
	// category as the level and a property, and its rule's README section.
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID                   string
						Help                 struct{ Text string }
						HelpURI              string `json:"helpUri"`
						DefaultConfiguration struct {
							Level   string
							Enabled bool
						} `json:"defaultConfiguration"`
						Properties struct{ Category, Rule string }
					}
				}
			}
			Results []struct {
				RuleID     string `json:"ruleId"`
				Level      string
				Properties struct{ Category string }
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &log))
	ids := map[string]bool{}
	for _, r := range log.Runs[0].Tool.Driver.Rules {
		ids[r.ID] = true
		c := rules.Check(r.ID)
		require.NotNil(t, c, "%s is a check ID", r.ID)
		assert.Contains(t, r.Help.Text, "\n", "%s: help is the whole documentation", r.ID)
		assert.True(t, strings.HasSuffix(r.HelpURI, "#"+c.Rule().ID), r.HelpURI)
		assert.Equal(t, string(c.Category), r.Properties.Category)
		assert.Equal(t, c.Category.Level(), r.DefaultConfiguration.Level)
		assert.Equal(t, c.Category.DefaultOn(), r.DefaultConfiguration.Enabled)
	}
	for _, r := range rules.All() {
		for _, c := range r.Checks {
			assert.Equal(t, c.Category.DefaultOn(), ids[c.ID()], "SARIF describes %s when it runs", c.ID())
		}
	}
	for _, res := range log.Runs[0].Results {
		assert.Equal(t, string(rules.Check(res.RuleID).Category), res.Properties.Category)
		assert.Equal(t, rules.Check(res.RuleID).Category.Level(), res.Level)
	}
}

func TestSARIFCleanRunAndErrors(t *testing.T) {
	dir := module(t, map[string]string{
		"c/c.go":   "package c\n\nfunc F() int { return 1 }\n",
		"bad/b.go": "package bad\n\nfunc F() int { return \"x\" }\n",
	})
	out, _, code := gofixslice(t, dir, "-sarif", "./c")
	assert.Equal(t, 0, code)
	sarifChecker{t}.checkLog([]byte(out))
	assert.Contains(t, out, `"results": []`)
	assert.Contains(t, out, `"executionSuccessful": true`)

	out, _, code = gofixslice(t, dir, "-sarif", "./...")
	assert.Equal(t, 2, code)
	sarifChecker{t}.checkLog([]byte(out))
	assert.Contains(t, out, `"executionSuccessful": false`)
	assert.Contains(t, out, "bad/b.go:3:", "the error is a notification naming the file")

	// Only the selected checks are described.
	out, _, _ = gofixslice(t, dir, "-sarif", "-enable", "subslice-pin", "./c")
	sarifChecker{t}.checkLog([]byte(out))
	assert.Equal(t, 2, strings.Count(out, `"helpUri"`), "subslice-pin's two checks")
	out, _, _ = gofixslice(t, dir, "-sarif", "-enable", "subslice-pin/whole-read", "./c")
	assert.Equal(t, 1, strings.Count(out, `"helpUri"`))

	_, errOut, code := gofixslice(t, dir, "-sarif", "-json", "./c")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "-sarif and -json")
}

// TestSARIFFileOutsideWorkingDirectory: files outside the working
// directory get absolute file URIs.
func TestSARIFFileOutsideWorkingDirectory(t *testing.T) {
	dir := module(t, map[string]string{"p/p.go": hazard})
	sub := filepath.Join(dir, "sub")
	require.NoError(t, os.MkdirAll(sub, 0o755))
	out, errOut, code := gofixslice(t, sub, "-sarif", "../p")
	require.Equal(t, 1, code, errOut)
	seen := sarifChecker{t}.checkLog([]byte(out))
	require.Len(t, seen, 1)
	assert.True(t, strings.HasPrefix(seen[0].uri, "file:///"), seen[0].uri)
	assert.True(t, strings.HasSuffix(seen[0].uri, "/p/p.go"), seen[0].uri)
}

// TestSARIFREADMEExample validates the README's example log and checks it
// against the real output for the same file.
func TestSARIFREADMEExample(t *testing.T) {
	example := fencedBlock(t, readmeSection(t, "## SARIF output"), "json", `"version": "2.1.0"`)
	seen := sarifChecker{t}.checkLog([]byte(example))
	require.Len(t, seen, 1)
	assert.Equal(t, hazardFixed, apply(hazard, seen[0].edits), "the example's fix is the real one for the hazard file")

	dir := module(t, map[string]string{"p/p.go": hazard})
	out, _, _ := gofixslice(t, dir, "-sarif", "./...")
	real := sarifChecker{t}.checkLog([]byte(out))
	require.Len(t, real, 1)
	real[0].steps = nil // the example leaves out the evidence chain
	assert.Equal(t, real[0], seen[0])
}

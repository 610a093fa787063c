package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"slices"
	"strings"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/markdown"
)

// SARIF identifiers.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
	toolName     = "fsgate"
	toolURI      = "https://github.com/fsgate/fsgate"
	// sarifFingerprint names fsgate's partial fingerprint; the suffix is
	// its version, to change if the hashed fields ever change.
	sarifFingerprint = "fsgateFinding/v1"
)

// The subset of SARIF 2.1.0 that fsgate writes. Field order is the order
// of the output.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool       sarifTool     `json:"tool"`
		ColumnKind string        `json:"columnKind"`
		Results    []sarifResult `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string             `json:"id"`
		Name                 string             `json:"name"`
		HelpURI              string             `json:"helpUri"`
		DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             sarifMessage      `json:"message"`
		Locations           []sarifLocation   `json:"locations"`
		PartialFingerprints map[string]string `json:"partialFingerprints"`
		Properties          *sarifProperties  `json:"properties,omitempty"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           *sarifRegion          `json:"region,omitempty"`
	}
	sarifArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	sarifProperties struct {
		Pointer    string `json:"pointer,omitempty"`
		Suggestion string `json:"suggestion,omitempty"`
	}
)

// writeSARIF writes a SARIF 2.1.0 log with one run, for GitHub code
// scanning and other SARIF viewers. The driver lists one rule per rule id
// present among the findings (the report package does not know the whole
// registry), sorted by id; results keep the order of the findings. The
// output is deterministic: no timestamp, no absolute path.
func writeSARIF(w io.Writer, in *Input) error {
	rules, index := sarifRules(in)
	results := make([]sarifResult, 0, len(in.Findings))
	for _, f := range in.Findings {
		loc := sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: markdown.EscapePath(f.Path), URIBaseID: "%SRCROOT%"}}
		if f.Line > 0 {
			loc.Region = &sarifRegion{StartLine: f.Line}
			if f.Column > 0 {
				loc.Region.StartColumn = f.Column
			}
		}
		var props *sarifProperties
		if f.Pointer != "" || f.Suggestion != "" {
			props = &sarifProperties{Pointer: f.Pointer, Suggestion: f.Suggestion}
		}
		results = append(results, sarifResult{
			RuleID:              f.Rule,
			RuleIndex:           index[f.Rule],
			Level:               sarifLevel(f.Severity),
			Message:             sarifMessage{Text: sarifText(f, in.Lang)},
			Locations:           []sarifLocation{{PhysicalLocation: loc}},
			PartialFingerprints: map[string]string{sarifFingerprint: fingerprint(f)},
			Properties:          props,
		})
	}
	doc := sarifLog{
		Schema:  sarifSchema,
		Version: sarifVersion,
		Runs: []sarifRun{{
			Tool: sarifTool{Driver: sarifDriver{Name: toolName, InformationURI: toolURI, Rules: rules}},
			// yaml.v3 counts columns in characters, not in UTF-16 units
			// (SARIF's default).
			ColumnKind: "unicodeCodePoints",
			Results:    results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// sarifRules describes each rule id of the findings, sorted, and returns
// the index of each id in that list. A rule's default level is error when
// any of its findings is an error.
func sarifRules(in *Input) ([]sarifRule, map[string]int) {
	level := map[string]finding.Severity{}
	for _, f := range in.Findings {
		if level[f.Rule] != finding.Error {
			level[f.Rule] = f.Severity
		}
	}
	ids := make([]string, 0, len(level))
	for id := range level {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	rules := make([]sarifRule, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
		rules[i] = sarifRule{
			ID:                   id,
			Name:                 pascalCase(id),
			HelpURI:              docLink(in.DocURL, id),
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(level[id])},
		}
	}
	return rules, index
}

func sarifLevel(s finding.Severity) string {
	if s == finding.Error {
		return "error"
	}
	return "warning"
}

// sarifText is the message of a result: the finding's message, then the
// suggestion on a line of its own.
func sarifText(f finding.Finding, lang finding.Lang) string {
	msg := f.Message.In(lang)
	if f.Suggestion == "" {
		return msg
	}
	if lang == finding.EN {
		return msg + "\nSuggestion: " + f.Suggestion
	}
	return msg + "\nSuggestion : " + f.Suggestion
}

// fingerprint identifies a finding independently of its line, so that code
// scanning keeps tracking an alert when lines move above it: the file, the
// rule, the JSON pointer and the (French) message.
func fingerprint(f finding.Finding) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{f.Path, f.Rule, f.Pointer, f.Message.FR}, "\x00")))
	return hex.EncodeToString(sum[:16])
}

// pascalCase turns a kebab-case rule id into the PascalCase name SARIF
// recommends for reportingDescriptor.name: "redirect-uri" → "RedirectUri".
func pascalCase(id string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(id, "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]))
		b.WriteString(part[1:])
	}
	return b.String()
}

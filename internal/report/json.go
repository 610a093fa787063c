package report

import (
	"encoding/json"
	"io"

	"github.com/fsgate/fsgate/internal/finding"
)

// JSONVersion is the version of the json format; it changes only when a
// field changes meaning or disappears.
const JSONVersion = 1

// JSONFinding is a finding as the json format writes it.
type JSONFinding struct {
	Path       string `json:"path"`
	Line       int    `json:"line"`
	Column     int    `json:"column"`
	Pointer    string `json:"pointer"`
	Rule       string `json:"rule"`
	Severity   string `json:"severity"`
	Message    string `json:"message"`
	Suggestion string `json:"suggestion,omitempty"`
	Doc        string `json:"doc"`
}

// JSONReport is the whole json document.
type JSONReport struct {
	Version  int           `json:"version"`
	Findings []JSONFinding `json:"findings"`
	Files    []fileCount   `json:"files"`
	Summary  struct {
		Files    int `json:"files"`
		Errors   int `json:"errors"`
		Warnings int `json:"warnings"`
	} `json:"summary"`
}

func writeJSON(w io.Writer, in *Input) error {
	out := JSONReport{Version: JSONVersion, Findings: []JSONFinding{}, Files: fileCounts(in)}
	for _, f := range in.Findings {
		out.Findings = append(out.Findings, JSONFinding{
			Path: f.Path, Line: f.Line, Column: f.Column, Pointer: f.Pointer, Rule: f.Rule,
			Severity: string(f.Severity), Message: f.Message.In(in.Lang), Suggestion: f.Suggestion, Doc: f.Doc(),
		})
	}
	out.Summary.Files = len(out.Files)
	out.Summary.Errors, out.Summary.Warnings = finding.Count(in.Findings)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

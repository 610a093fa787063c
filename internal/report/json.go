package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

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

// Bounds on a finding read back from JSON (an artifact, a report): far
// above what fsgate writes, low enough that a forged document cannot
// inflate what it is rendered into.
const (
	maxReadText = 2_000
	maxReadPath = 300
	maxReadLine = 1_000_000
)

var ruleID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Check verifies the shape of a finding read back from JSON, whose writer
// may not be trusted: path, rule id, severity, position, doc link, text
// lengths. Whether the rule exists is the caller's business.
func (f JSONFinding) Check() error {
	if err := CheckPath(f.Path); err != nil {
		return err
	}
	switch {
	case !ruleID.MatchString(f.Rule) || len(f.Rule) > 64:
		return fmt.Errorf("bad rule id %q", finding.Show(f.Rule))
	case f.Severity != string(finding.Error) && f.Severity != string(finding.Warning):
		return errors.New("bad severity")
	case f.Line < 0 || f.Line > maxReadLine || f.Column < 0 || f.Column > maxReadLine:
		return errors.New("bad position")
	case f.Doc != finding.DocPath(f.Rule):
		return errors.New("bad doc link")
	case f.Message == "" || utf8.RuneCountInString(f.Message) > maxReadText ||
		utf8.RuneCountInString(f.Suggestion) > maxReadText || len(f.Pointer) > maxReadText:
		return errors.New("bad text length")
	}
	return nil
}

// CheckPath accepts a clean relative path of printable characters: it
// becomes part of links and annotations.
func CheckPath(p string) error {
	switch {
	case p == "" || len(p) > maxReadPath:
		return errors.New("bad path length")
	case strings.HasPrefix(p, "/") || path.Clean(p) != p || p == ".." || strings.HasPrefix(p, "../"):
		return fmt.Errorf("path %q is not a clean relative path", finding.Show(p))
	case strings.ContainsFunc(p, func(r rune) bool { return !unicode.IsPrint(r) }):
		return errors.New("path with control characters")
	}
	return nil
}

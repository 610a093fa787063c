package report

import (
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/jsontext"
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
	files := fileCounts(in)
	// ~100 bytes a file and ~400 a finding: one allocation in most runs.
	b := make([]byte, 0, 256+100*len(files)+400*len(in.Findings))
	_, err := w.Write(appendJSONReport(b, in, files))
	return err
}

// appendJSONReport writes the report as json.Encoder with a two-space
// indent writes JSONReport (TestJSONAsEncodingJSON holds the two equal),
// without the encoder's indentation pass: over 10,000 files, that pass
// took three quarters of the encoding's 30 ms, on one core, after all the
// validation. The findings come from in, so that they are not copied into
// JSONFindings first.
func appendJSONReport(b []byte, in *Input, files []fileCount) []byte {
	b = append(b, "{\n  \"version\": "...)
	b = strconv.AppendInt(b, JSONVersion, 10)
	b = append(b, ",\n  \"findings\": ["...)
	for i, f := range in.Findings {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    {"...)
		b = appendField(b, "path", f.Path, 6)
		b = appendIntField(b, "line", f.Line, 6)
		b = appendIntField(b, "column", f.Column, 6)
		b = appendField(b, "pointer", f.Pointer, 6)
		b = appendField(b, "rule", f.Rule, 6)
		b = appendField(b, "severity", string(f.Severity), 6)
		b = appendField(b, "message", f.Message.In(in.Lang), 6)
		if f.Suggestion != "" {
			b = appendField(b, "suggestion", f.Suggestion, 6)
		}
		b = appendField(b, "doc", f.Doc(), 6)
		b = closeObject(b, 4)
	}
	if len(in.Findings) > 0 {
		b = append(b, "\n  "...)
	}
	b = append(b, "],\n  \"files\": ["...)
	for i, c := range files {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n    {"...)
		b = appendField(b, "path", c.Path, 6)
		b = appendIntField(b, "errors", c.Errors, 6)
		b = appendIntField(b, "warnings", c.Warnings, 6)
		b = closeObject(b, 4)
	}
	if len(files) > 0 {
		b = append(b, "\n  "...)
	}
	b = append(b, "],\n  \"summary\": {"...)
	errs, warnings := finding.Count(in.Findings)
	b = appendIntField(b, "files", len(files), 4)
	b = appendIntField(b, "errors", errs, 4)
	b = appendIntField(b, "warnings", warnings, 4)
	b = closeObject(b, 2)
	return append(b, "\n}\n"...)
}

// appendField writes a string member on its own line, indented by indent
// spaces, after a comma unless it is the object's first. The value is
// escaped as the encoder does by default, HTML characters included.
func appendField(b []byte, name, value string, indent int) []byte {
	return jsontext.AppendString(memberStart(b, name, indent), value, true)
}

func appendIntField(b []byte, name string, value, indent int) []byte {
	return strconv.AppendInt(memberStart(b, name, indent), int64(value), 10)
}

func memberStart(b []byte, name string, indent int) []byte {
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '\n')
	b = append(b, spaces[:indent]...)
	b = append(b, '"')
	b = append(b, name...)
	return append(b, "\": "...)
}

func closeObject(b []byte, indent int) []byte {
	b = append(b, '\n')
	b = append(b, spaces[:indent]...)
	return append(b, '}')
}

const spaces = "        "

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

package recheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf8"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/report"
)

// Limits on the report read. It comes from our own binary run on the
// default branch, so these are not a defence against a forger as in
// internal/result, but a bound on what one bad week (a validator bug, a
// runaway rule) can make this job read and render.
const (
	MaxSize     = 16 << 20
	MaxFindings = 100_000
	MaxFiles    = 100_000
	maxText     = 2_000
)

// Read decodes and checks the report of `fsgate validate --format json`:
// bounded, UTF-8, no unknown field, no trailing data, every finding with a
// clean relative path, a rule id, a known severity and bounded texts.
// The texts stay untrusted: they quote request files and fetched answers,
// and are escaped when rendered.
func Read(rd io.Reader) (*report.JSONReport, error) {
	data, err := io.ReadAll(io.LimitReader(rd, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("report larger than %d bytes", MaxSize)
	}
	if !utf8.Valid(data) {
		return nil, errors.New("report is not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r report.JSONReport
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not a report of fsgate validate --format json: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("report has trailing data")
	}
	if err := check(&r); err != nil {
		return nil, fmt.Errorf("not a report of fsgate validate --format json: %v", err)
	}
	return &r, nil
}

func check(r *report.JSONReport) error {
	switch {
	case r.Version != report.JSONVersion:
		return fmt.Errorf("version %d, want %d", r.Version, report.JSONVersion)
	case r.Findings == nil:
		// The writer always emits the array; null or absent means this is
		// not its output (an empty object would otherwise read as "all
		// fixed" and close the issue).
		return errors.New("no findings array")
	case len(r.Findings) > MaxFindings:
		return fmt.Errorf("%d findings, at most %d", len(r.Findings), MaxFindings)
	case len(r.Files) > MaxFiles:
		return fmt.Errorf("%d files, at most %d", len(r.Files), MaxFiles)
	}
	for i, f := range r.Files {
		if err := report.CheckPath(f.Path); err != nil {
			return fmt.Errorf("file %d: %v", i, err)
		}
	}
	for i, f := range r.Findings {
		if err := f.Check(); err != nil {
			return fmt.Errorf("finding %d: %v", i, err)
		}
	}
	return nil
}

// OnlineRules are the rules of `fsgate validate --online`: what a
// publisher's server can break after the request was merged.
var OnlineRules = []string{"fetch-failed", "jwks-content", "sector-identifier-content"}

// Broken keeps the findings that say a merged request is broken: every
// finding of an online rule, warnings included (fetch-failed is a warning,
// and an unreachable document is exactly what FranceConnect trips on), and
// every error of another rule (the default branch should hold none, so one
// is breakage too: a rule that changed, a date that passed). Warnings of
// the offline rules are left out: they were seen and accepted at review,
// and some come back on every merged request as time passes
// (planned-date), which would keep the issue open forever.
//
// The result is sorted by path, line, column, rule.
func Broken(r *report.JSONReport) []report.JSONFinding {
	var out []report.JSONFinding
	for _, f := range r.Findings {
		if slices.Contains(OnlineRules, f.Rule) || f.Severity == string(finding.Error) {
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b report.JSONFinding) int {
		return finding.Compare(toFinding(a), toFinding(b))
	})
	return out
}

func toFinding(f report.JSONFinding) finding.Finding {
	return finding.Finding{Path: f.Path, Line: f.Line, Column: f.Column, Pointer: f.Pointer, Rule: f.Rule,
		Severity: finding.Severity(f.Severity), Message: finding.T(f.Message, f.Message), Suggestion: f.Suggestion}
}

// outageThreshold is the number of failed fetches, with nothing else wrong,
// from which the runner's network is suspected rather than the servers.
const outageThreshold = 3

// LooksLikeOutage reports whether the findings are only failed downloads,
// several of them: most likely the runner's network is down, not every
// publisher's server at once. The issue is then left as it is, instead of
// listing (and mentioning the owners of) every request; a wrong document
// (jwks-content, sector-identifier-content) is never mistaken for one.
func LooksLikeOutage(broken []report.JSONFinding) bool {
	if len(broken) < outageThreshold {
		return false
	}
	for _, f := range broken {
		if f.Rule != "fetch-failed" {
			return false
		}
	}
	return true
}

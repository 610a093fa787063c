// Package result is the artifact the unprivileged pull_request job hands to
// the privileged workflow_run job: what was validated and what was found.
// It is written by `fsgate action` and read back by `fsgate comment`, which
// must treat it as hostile (the pull request could have produced anything),
// so reading is strict and bounded.
package result

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"unicode/utf8"

	"github.com/fsgate/fsgate/internal/export"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/report"
	"github.com/fsgate/fsgate/internal/rules"
)

// Version of the artifact format.
const Version = 1

// Limits on an artifact: far above any real result, low enough that a
// forged one cannot exhaust the privileged job.
const (
	MaxSize        = 4 << 20
	MaxFindings    = 20_000
	MaxFiles       = 20_000
	maxText        = 2_000
	FileName       = "result.json"
	CommentFile    = "comment.md"
	CommentMarker  = "<!-- fsgate:report -->"
	SummaryHeading = "fsgate"
)

// Result is the artifact.
type Result struct {
	Version    int    `json:"version"`
	Repository string `json:"repository"`
	// PullRequest is informative only: the privileged job resolves the pull
	// request from the run's head commit through the API.
	PullRequest int                  `json:"pullRequest"`
	BaseSHA     string               `json:"baseSha"`
	HeadSHA     string               `json:"headSha"`
	Findings    []report.JSONFinding `json:"findings"`
	// Files are the request files the pull request adds or changes.
	Files []string `json:"files"`
	// Changed are all the paths the pull request changes (for the review
	// section: which CODEOWNERS apply).
	Changed []string `json:"changed"`
	Summary Summary  `json:"summary"`
	// Plan is what merging would export (created, updated, deleted FS),
	// when the base was known.
	Plan *export.Changes `json:"plan,omitempty"`
}

// Summary counts the findings.
type Summary struct {
	Files    int `json:"files"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
}

// New builds a result from findings (messages in French: the PR comment's
// language).
func New(repository string, pr int, base, head string, files, changed []string, fs []finding.Finding) *Result {
	r := &Result{Version: Version, Repository: repository, PullRequest: pr, BaseSHA: base, HeadSHA: head,
		Files: nonNil(files), Changed: nonNil(changed), Findings: []report.JSONFinding{}}
	fs = slices.Clone(fs)
	finding.Sort(fs)
	for _, f := range fs {
		r.Findings = append(r.Findings, report.JSONFinding{
			Path: f.Path, Line: f.Line, Column: f.Column, Pointer: f.Pointer, Rule: f.Rule,
			Severity: string(f.Severity), Message: f.Message.In(finding.FR), Suggestion: f.Suggestion, Doc: f.Doc(),
		})
	}
	r.Summary = Summary{Files: len(r.Files)}
	r.Summary.Errors, r.Summary.Warnings = finding.Count(fs)
	return r
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Write encodes the result.
func (r *Result) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// FindingValues converts the findings back for rendering.
func (r *Result) FindingValues() []finding.Finding {
	out := make([]finding.Finding, len(r.Findings))
	for i, f := range r.Findings {
		out[i] = finding.Finding{Path: f.Path, Line: f.Line, Column: f.Column, Pointer: f.Pointer, Rule: f.Rule,
			Severity: finding.Severity(f.Severity), Message: finding.T(f.Message, f.Message), Suggestion: f.Suggestion}
	}
	return out
}

var (
	repoPattern = regexp.MustCompile(`^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$`)
	shaPattern  = regexp.MustCompile(`^[0-9a-f]{40}$`)
)

// Read decodes and checks an artifact. Everything is verified: unknown
// fields, sizes, paths, rule ids, severities, counts; the summary is
// recomputed rather than trusted.
func Read(rd io.Reader) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(rd, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("result larger than %d bytes", MaxSize)
	}
	if !utf8.Valid(data) {
		return nil, errors.New("result is not UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var r Result
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("result is not a valid artifact: %v", err)
	}
	if dec.More() {
		return nil, errors.New("result has trailing data")
	}
	if err := r.check(); err != nil {
		return nil, fmt.Errorf("result is not a valid artifact: %v", err)
	}
	return &r, nil
}

func (r *Result) check() error {
	switch {
	case r.Version != Version:
		return fmt.Errorf("version %d, want %d", r.Version, Version)
	case !repoPattern.MatchString(r.Repository):
		return errors.New("bad repository name")
	case !shaPattern.MatchString(r.HeadSHA):
		return errors.New("bad head commit")
	case r.BaseSHA != "" && !shaPattern.MatchString(r.BaseSHA):
		return errors.New("bad base commit")
	case r.PullRequest < 0:
		return errors.New("bad pull request number")
	case len(r.Findings) > MaxFindings:
		return fmt.Errorf("%d findings, at most %d", len(r.Findings), MaxFindings)
	case len(r.Files) > MaxFiles || len(r.Changed) > MaxFiles:
		return errors.New("too many files")
	}
	for _, p := range append(append([]string{}, r.Files...), r.Changed...) {
		if err := report.CheckPath(p); err != nil {
			return err
		}
	}
	for i, f := range r.Findings {
		if err := f.Check(); err != nil {
			return fmt.Errorf("finding %d: %v", i, err)
		}
		if rules.Lookup(f.Rule) == nil {
			return fmt.Errorf("finding %d: unknown rule %q", i, f.Rule)
		}
	}
	if err := checkPlan(r.Plan); err != nil {
		return fmt.Errorf("plan: %v", err)
	}
	errs, warns := finding.Count(r.FindingValues())
	r.Summary = Summary{Files: len(r.Files), Errors: errs, Warnings: warns}
	return nil
}

// planID is the id of an exported FS: platform/environment/name.
var planID = regexp.MustCompile(`^(franceconnect|franceconnect-plus)/(integration|production)/[a-z0-9-]{1,63}$`)

// checkPlan bounds and shapes the plan; its values are rendered escaped.
func checkPlan(p *export.Changes) error {
	if p == nil {
		return nil
	}
	if len(p.Created)+len(p.Updated)+len(p.Deleted)+len(p.Skipped) > MaxFiles {
		return errors.New("too many entries")
	}
	ids := append(append([]string{}, p.Created...), p.Deleted...)
	for _, u := range p.Updated {
		ids = append(ids, u.ID)
		if len(u.Fields) > 100 || len(u.ScopesAdded)+len(u.ScopesRemoved) > 200 {
			return errors.New("too many changed fields")
		}
		for _, f := range u.Fields {
			if len(f.Field) > 64 || len(f.Old) > 4*maxText || len(f.New) > 4*maxText {
				return errors.New("changed field too large")
			}
		}
		for _, s := range append(append([]string{}, u.ScopesAdded...), u.ScopesRemoved...) {
			if len(s) > 128 {
				return errors.New("scope too long")
			}
		}
	}
	for _, id := range ids {
		if !planID.MatchString(id) {
			return fmt.Errorf("bad id %q", finding.Show(id))
		}
	}
	for _, sk := range p.Skipped {
		if err := report.CheckPath(sk.Path); err != nil {
			return err
		}
		if len(sk.Reason.FR) > maxText || len(sk.Reason.EN) > maxText {
			return errors.New("skip reason too long")
		}
	}
	return nil
}

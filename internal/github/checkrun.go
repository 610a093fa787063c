package github

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/fsgate/fsgate/internal/finding"
)

// Checks is what publishing a check run needs from the API.
type Checks interface {
	// CreateCheckRun creates a completed check run on headSHA with run's
	// output and its annotations (at most MaxAnnotationsPerRequest), and
	// returns its id.
	CreateCheckRun(ctx context.Context, repo Repo, headSHA string, run CheckRun) (int64, error)
	// UpdateCheckRun sends run's output with the next annotations (at most
	// MaxAnnotationsPerRequest), which GitHub appends to the run's.
	UpdateCheckRun(ctx context.Context, repo Repo, id int64, run CheckRun) error
}

// GitHub's limits on a check run. The documentation says "characters" but
// GitHub counts the summary in bytes ("summary exceeds a maximum bytesize
// of 65535", github/docs#35252), so every limit here is applied in bytes,
// which is also safe if another one counts characters.
const (
	MaxAnnotationsPerRequest = 50
	// MaxAnnotations bounds the annotations of one check run: 20 requests.
	// The results come from an untrusted artifact, whose size must not
	// decide how many requests the privileged job makes.
	MaxAnnotations      = 1000
	maxOutputBytes      = 65535 // summary, text
	maxMessageBytes     = 65535 // annotation message, raw_details ("64 KB")
	maxTitleBytes       = 255   // annotation title
	defaultCheckRunName = "fsgate"
)

// Conclusion is the verdict of a check run.
type Conclusion string

const (
	Success Conclusion = "success"
	Failure Conclusion = "failure"
	Neutral Conclusion = "neutral"
)

// Level is the level of an annotation.
type Level string

const (
	LevelFailure Level = "failure"
	LevelWarning Level = "warning"
	LevelNotice  Level = "notice"
)

// CheckRun is a check run as fsgate publishes it: completed at once, with
// its verdict, its Markdown output and an annotation per finding.
type CheckRun struct {
	Name        string // "fsgate" when empty
	Conclusion  Conclusion
	Title       string // the name when empty
	Summary     string // Markdown; the title when empty
	Text        string // Markdown details, optional
	Annotations []Annotation
}

// Annotation points at lines of a file of the pull request.
type Annotation struct {
	Path        string // relative to the repository root, with '/'
	StartLine   int    // 1-based; 0 (a whole-file finding) becomes 1
	EndLine     int    // StartLine when 0
	StartColumn int    // 1-based, optional; only on a one-line annotation
	EndColumn   int    // StartColumn when 0
	Level       Level
	Title       string
	Message     string
	RawDetails  string // optional
}

// AnnotationFor is the annotation of a finding, written like the workflow
// command annotations of the pull_request job: titled "fsgate [rule]", the
// message followed by the suggestion and the rule's page on lines of their
// own.
func AnnotationFor(f finding.Finding, lang finding.Lang) Annotation {
	sep := " : "
	if lang == finding.EN {
		sep = ": "
	}
	lines := []string{f.Message.In(lang)}
	if f.Suggestion != "" {
		lines = append(lines, "Suggestion"+sep+f.Suggestion)
	}
	lines = append(lines, "Documentation"+sep+f.Doc())
	level := LevelWarning
	if f.Severity == finding.Error {
		level = LevelFailure
	}
	return Annotation{
		Path:        f.Path,
		StartLine:   f.Line,
		StartColumn: f.Column,
		Level:       level,
		Title:       "fsgate [" + f.Rule + "]",
		Message:     strings.Join(lines, "\n"),
	}
}

// PublishCheckRun publishes run on headSHA: one request creates it with the
// first MaxAnnotationsPerRequest annotations, each following one adds the
// next ones (GitHub appends annotations on update).
//
// The run is created completed, verdict included, before the remaining
// annotations are sent: if a later request fails, the verdict stands and
// only annotations are missing, instead of a run stuck "in progress".
// Everything is checked and fitted to GitHub's limits before the first
// request, so a bad input costs no request.
func PublishCheckRun(ctx context.Context, c Checks, repo Repo, headSHA string, run CheckRun) error {
	if err := validateSHA(headSHA); err != nil {
		return err
	}
	run, err := normalizeCheckRun(run)
	if err != nil {
		return err
	}
	all := run.Annotations
	first := run
	first.Annotations = all[:min(len(all), MaxAnnotationsPerRequest)]
	id, err := c.CreateCheckRun(ctx, repo, headSHA, first)
	if err != nil {
		return err
	}
	for i := MaxAnnotationsPerRequest; i < len(all); i += MaxAnnotationsPerRequest {
		next := run
		next.Annotations = all[i:min(len(all), i+MaxAnnotationsPerRequest)]
		if err := c.UpdateCheckRun(ctx, repo, id, next); err != nil {
			return fmt.Errorf("check run %d: annotations %d to %d of %d: %w", id, i+1, i+len(next.Annotations), len(all), err)
		}
	}
	return nil
}

func normalizeCheckRun(run CheckRun) (CheckRun, error) {
	switch run.Conclusion {
	case Success, Failure, Neutral:
	default:
		return run, fmt.Errorf("check run: invalid conclusion %q", run.Conclusion)
	}
	run.Name = cmp.Or(run.Name, defaultCheckRunName)
	run.Title = truncateBytes(cmp.Or(run.Title, run.Name), maxTitleBytes, "…")
	run.Summary = cmp.Or(run.Summary, run.Title)
	anns := run.Annotations
	if len(anns) > MaxAnnotations {
		note := fmt.Sprintf("\n\n%d annotations sur %d ne sont pas publiées ici.", len(anns)-MaxAnnotations, len(anns))
		run.Summary = truncateBytes(run.Summary, maxOutputBytes-len(note), truncationNotice) + note
		anns = anns[:MaxAnnotations]
	}
	run.Summary = truncateBytes(run.Summary, maxOutputBytes, truncationNotice)
	run.Text = truncateBytes(run.Text, maxOutputBytes, truncationNotice)
	run.Annotations = make([]Annotation, len(anns))
	for i, a := range anns {
		a, err := normalizeAnnotation(a)
		if err != nil {
			return run, fmt.Errorf("check run: annotation %d: %w", i+1, err)
		}
		run.Annotations[i] = a
	}
	return run, nil
}

// normalizeAnnotation fixes what GitHub would reject: lines below 1, an end
// before the start, columns on a range of several lines (GitHub refuses
// start_column/end_column unless start_line == end_line), texts over the
// limits.
func normalizeAnnotation(a Annotation) (Annotation, error) {
	switch a.Level {
	case LevelFailure, LevelWarning, LevelNotice:
	default:
		return a, fmt.Errorf("invalid level %q", a.Level)
	}
	if a.Path == "" {
		return a, fmt.Errorf("no path")
	}
	if a.Message == "" {
		return a, fmt.Errorf("no message")
	}
	a.StartLine = max(a.StartLine, 1)
	a.EndLine = max(a.EndLine, a.StartLine)
	if a.StartColumn < 1 || a.StartLine != a.EndLine {
		a.StartColumn, a.EndColumn = 0, 0
	} else {
		a.EndColumn = max(a.EndColumn, a.StartColumn)
	}
	a.Title = truncateBytes(a.Title, maxTitleBytes, "…")
	a.Message = truncateBytes(a.Message, maxMessageBytes, "…")
	a.RawDetails = truncateBytes(a.RawDetails, maxMessageBytes, "…")
	return a, nil
}

// truncateBytes returns s when it fits in limit bytes, else its longest
// prefix that ends on a rune boundary and leaves room for suffix, followed
// by suffix.
func truncateBytes(s string, limit int, suffix string) string {
	if len(s) <= limit {
		return s
	}
	n := max(limit-len(suffix), 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + suffix
}

var shaRE = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)

// validateSHA accepts a full commit id (SHA-1, or SHA-256 for repositories
// that use it). It goes into request paths unescaped by go-github.
func validateSHA(sha string) error {
	if !shaRE.MatchString(sha) {
		return fmt.Errorf("invalid commit SHA %q: want 40 lowercase hex digits", sha)
	}
	return nil
}

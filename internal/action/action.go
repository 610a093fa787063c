// Package action is `fsgate action`, the GitHub Actions entry point of the
// unprivileged pull_request job: it validates what the pull request
// changes, prints annotations, writes the job summary and the result
// artifact for the privileged job, and sets the step outputs. It needs no
// token at all.
package action

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sethvargo/go-githubactions"

	"github.com/fsgate/fsgate/internal/cache"
	"github.com/fsgate/fsgate/internal/export"
	"github.com/fsgate/fsgate/internal/fetch"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/git"
	"github.com/fsgate/fsgate/internal/report"
	"github.com/fsgate/fsgate/internal/result"
	"github.com/fsgate/fsgate/internal/rules"
	"github.com/fsgate/fsgate/internal/validate"
)

// Options configure a run.
type Options struct {
	Root      string // checkout of the pull request
	ResultDir string // where result.json and comment.md go ("" = not written)
	Today     time.Time
	// Online adds the network checks for the changed requests, after the
	// offline ones; an unreachable server is a warning, never a failure.
	Online  bool
	Fetcher *fetch.Fetcher // nil: a new one
	// Cache, when set, reuses the results of unchanged files (the PR
	// workflow restores a cache saved on the base branch).
	Cache *cache.Cache
}

// Changes lists the paths changed between two commits.
type Changes interface {
	ChangedFiles(ctx context.Context, base, head string) ([]git.Change, error)
}

// Run validates and reports. It returns the exit code (0, 1) or an error
// for what prevents the run itself.
func Run(ctx context.Context, gh *githubactions.Action, getenv func(string) string, changes Changes, stdout io.Writer, opts Options) (int, error) {
	ghctx, err := gh.Context()
	if err != nil {
		return 0, fmt.Errorf("reading the GitHub context: %w", err)
	}
	ev, err := readEvent(ghctx.EventName, ghctx.EventPath)
	if err != nil {
		return 0, err
	}

	// Outside a pull request, or when the changes cannot be listed, every
	// request is reported on; in a pull request, only those it adds or
	// changes (the whole tree is loaded either way, for cross-file rules).
	var paths, changed []string
	var extra []finding.Finding
	onlyChanged := false
	if ev.pullRequest {
		list, err := changes.ChangedFiles(ctx, ev.baseSHA, ev.headSHA)
		if err != nil {
			// A shallow clone has no base: say so and check everything
			// rather than nothing.
			gh.Warningf("fsgate: cannot list the changed files (%v); validating every request", err)
		} else {
			onlyChanged = true
			paths = []string{} // only what the pull request changes
			for _, c := range list {
				changed = append(changed, c.Path)
				if isRequest(c.Path) && c.Status != git.Deleted {
					paths = append(paths, filepath.Join(opts.Root, filepath.FromSlash(c.Path)))
				}
			}
			extra = mixedChange(changed)
		}
	}

	// With the changes listed, the base is known: the change rules run
	// (immutable fields, removed requests, new redirect domains).
	base := ""
	if onlyChanged {
		base = ev.baseSHA
	}
	res := &validate.Result{}
	if !onlyChanged || len(paths) > 0 || removedRequests(changed, paths) {
		res, err = validate.Run(validate.Options{Root: opts.Root, Paths: paths, Today: opts.Today, Base: base,
			Online: opts.Online, Fetcher: opts.Fetcher, Cache: opts.Cache})
		if err != nil {
			return 0, err
		}
	}
	if opts.Cache != nil {
		st := res.Cache
		gh.Infof("fsgate: cache: %d file(s) reused, %d checked", st.Hits, st.Misses)
		if st.Err != nil {
			gh.Warningf("fsgate: cache unusable (results unaffected): %v", st.Err)
		}
	}
	all := append(slices.Clone(res.Findings), extra...)
	finding.Sort(all)

	repo := ghctx.Repository
	in := &report.Input{Findings: all, Files: res.Files, Lang: finding.FR}
	if repo != "" && ev.headSHA != "" {
		in.BlobURL = ghctx.ServerURL + "/" + repo + "/blob/" + ev.headSHA + "/"
		in.DocURL = in.BlobURL
	}
	if err := report.Write(stdout, "github", in); err != nil {
		return 0, err
	}
	var md bytes.Buffer // the PR comment's size
	if err := report.Write(&md, "markdown", in); err != nil {
		return 0, err
	}
	if getenv("GITHUB_STEP_SUMMARY") != "" {
		// The job summary holds 1 MiB: everything fits there, and it is
		// where a cut comment sends the reader.
		summary := *in
		summary.MarkdownLimit = 1_000_000
		var full bytes.Buffer
		if err := report.Write(&full, "markdown", &summary); err != nil {
			return 0, err
		}
		// go-githubactions panics when the variable is unset.
		gh.AddStepSummary("## " + result.SummaryHeading + "\n\n" + full.String())
	}
	errs, warns := finding.Count(all)
	if getenv("GITHUB_OUTPUT") != "" {
		gh.SetOutput("errors", strconv.Itoa(errs))
		gh.SetOutput("warnings", strconv.Itoa(warns))
	}
	if opts.ResultDir != "" {
		r := result.New(repo, ev.number, ev.baseSHA, ev.headSHA, res.Files, changed, all)
		if base != "" {
			// What the merge will export: the reviewers' view of the change.
			r.Plan = export.Plan(res.Changed.Base, res.Changed.Head)
		}
		if err := writeResult(opts.ResultDir, r, md.Bytes()); err != nil {
			return 0, err
		}
	}
	if errs > 0 {
		return 1, nil
	}
	return 0, nil
}

// event is what fsgate needs of the event payload.
type event struct {
	pullRequest      bool
	number           int
	baseSHA, headSHA string
}

func readEvent(name, path string) (event, error) {
	if name != "pull_request" && name != "pull_request_target" {
		return event{}, nil
	}
	if path == "" {
		return event{}, errors.New("GITHUB_EVENT_PATH is not set")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return event{}, fmt.Errorf("reading the event: %w", err)
	}
	var payload struct {
		Number      int `json:"number"`
		PullRequest struct {
			Base struct {
				SHA string `json:"sha"`
			} `json:"base"`
			Head struct {
				SHA string `json:"sha"`
			} `json:"head"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(data, &payload); err != nil {
		return event{}, fmt.Errorf("reading the event: %w", err)
	}
	if payload.PullRequest.Base.SHA == "" || payload.PullRequest.Head.SHA == "" {
		return event{}, errors.New("the pull_request event has no base or head commit")
	}
	return event{pullRequest: true, number: payload.Number,
		baseSHA: payload.PullRequest.Base.SHA, headSHA: payload.PullRequest.Head.SHA}, nil
}

// removedRequests reports whether the change deletes a request (then the
// validation must run, for the removal warning, even with nothing to check).
func removedRequests(changed, checked []string) bool {
	n := 0
	for _, p := range changed {
		if isRequest(p) {
			n++
		}
	}
	return n > len(checked)
}

func isRequest(p string) bool { return strings.HasPrefix(p, validate.ProvidersDir+"/") }

// toolingPrefixes are the paths reviewed by the maintainers (CODEOWNERS).
var toolingPrefixes = []string{"schema/", "internal/", "cmd/", "docs/", ".github/", ".ci/"}
var toolingFiles = []string{"go.mod", "go.sum", "Makefile", "CODEOWNERS"}

func isTooling(p string) bool {
	if slices.Contains(toolingFiles, p) {
		return true
	}
	return slices.ContainsFunc(toolingPrefixes, func(prefix string) bool { return strings.HasPrefix(p, prefix) })
}

// mixedChange reports a pull request that changes both requests and the
// tooling, on the first tooling path (the one to move to its own PR).
func mixedChange(changed []string) []finding.Finding {
	var requests, tooling []string
	for _, p := range changed {
		switch {
		case isRequest(p):
			requests = append(requests, p)
		case isTooling(p):
			tooling = append(tooling, p)
		}
	}
	if len(requests) == 0 || len(tooling) == 0 {
		return nil
	}
	slices.Sort(tooling)
	return []finding.Finding{{
		Path: tooling[0], Line: 1, Column: 1, Rule: rules.MixedChange.ID, Severity: rules.MixedChange.Severity,
		Message: finding.Tf(
			"cette pull request modifie %d demande(s) de providers/ et %d fichier(s) de l'outil (dont celui-ci) : proposez-les dans deux pull requests séparées",
			"this pull request changes %d request(s) under providers/ and %d tooling file(s) (this one among them): submit them as two separate pull requests",
			len(requests), len(tooling)),
	}}
}

func writeResult(dir string, r *result.Result, comment []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, result.FileName), buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, result.CommentFile), comment, 0o644)
}

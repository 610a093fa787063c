package comment

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/fsgate/fsgate/internal/codeowners"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/github"
	"github.com/fsgate/fsgate/internal/result"
)

// API is what the comment command needs of GitHub.
type API interface {
	github.Comments
	github.Checks
	github.PullRequests
}

// Options are the trusted facts of the workflow_run job.
type Options struct {
	ResultPath string
	Repo       github.Repo // GITHUB_REPOSITORY of the privileged job
	HeadSHA    string      // the validated run's head commit, from the event
	ServerURL  string
	RunURL     string
	Owners     *codeowners.File // from the default branch's CODEOWNERS
}

// Logger receives what the command has to say in the job log.
type Logger interface {
	Infof(format string, args ...any)
	Warningf(format string, args ...any)
}

// Run publishes the comment and the check run. A permission refusal (a
// token without write access) is a warning and exit 0: the validation
// itself already failed or passed the pull request.
func Run(ctx context.Context, api API, opts Options, log Logger) (int, error) {
	f, err := os.Open(opts.ResultPath)
	if err != nil {
		return 0, fmt.Errorf("result: %w", err)
	}
	defer f.Close()
	r, err := result.Read(f)
	if err != nil {
		return 0, err
	}
	// The artifact must be about the run that triggered us.
	if r.HeadSHA != opts.HeadSHA {
		return 0, fmt.Errorf("the result is for commit %s, the run was for %s: refused", short(r.HeadSHA), short(opts.HeadSHA))
	}
	if r.Repository != opts.Repo.String() {
		return 0, errors.New("the result names another repository: refused")
	}
	pr, err := github.FindPullRequest(ctx, api, opts.Repo, opts.HeadSHA)
	if errors.Is(err, github.ErrNoPullRequest) {
		log.Infof("fsgate: no open pull request has head %s; nothing to comment", short(opts.HeadSHA))
		return 0, nil
	}
	if err != nil {
		return degrade(log, "finding the pull request", err)
	}

	body, err := Body(r, BodyOptions{ServerURL: opts.ServerURL, RunURL: opts.RunURL, Owners: opts.Owners})
	if err != nil {
		return 0, err
	}
	action, err := github.UpsertComment(ctx, api, opts.Repo, pr.Number, result.CommentMarker, body)
	if err != nil {
		if code, err := degrade(log, "commenting", err); err != nil {
			return code, err
		}
	} else {
		log.Infof("fsgate: comment on #%d %s", pr.Number, action)
	}

	if err := github.PublishCheckRun(ctx, api, opts.Repo, opts.HeadSHA, checkRun(r, body)); err != nil {
		return degrade(log, "publishing the check run", err)
	}
	log.Infof("fsgate: check run published (%d errors, %d warnings)", r.Summary.Errors, r.Summary.Warnings)
	return 0, nil
}

// degrade turns a permission refusal into a warning (exit 0) and lets any
// other error through.
func degrade(log Logger, what string, err error) (int, error) {
	if errors.Is(err, github.ErrForbidden) {
		log.Warningf("fsgate: %s was refused (%v); the token lacks the permission, results stay in the validate job", what, err)
		return 0, nil
	}
	return 0, fmt.Errorf("%s: %w", what, err)
}

func checkRun(r *result.Result, summary string) github.CheckRun {
	run := github.CheckRun{Name: "fsgate", Conclusion: github.Success, Summary: summary}
	switch {
	case r.Summary.Errors > 0:
		run.Conclusion = github.Failure
		run.Title = fmt.Sprintf("%d erreur(s) à corriger, %d avertissement(s)", r.Summary.Errors, r.Summary.Warnings)
	case r.Summary.Warnings > 0:
		run.Title = fmt.Sprintf("Prêt pour la revue, %d avertissement(s)", r.Summary.Warnings)
	default:
		run.Title = "Prêt pour la revue"
	}
	for _, f := range r.FindingValues() {
		run.Annotations = append(run.Annotations, github.AnnotationFor(f, finding.FR))
	}
	return run
}

// WriterLog logs to a writer as workflow commands.
type WriterLog struct{ W io.Writer }

func (l WriterLog) Infof(format string, args ...any) { fmt.Fprintf(l.W, format+"\n", args...) }
func (l WriterLog) Warningf(format string, args ...any) {
	fmt.Fprintf(l.W, "::warning::"+format+"\n", args...)
}

package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// PullRequests is what fsgate needs to know about pull requests.
type PullRequests interface {
	// ListPullRequestsWithCommit returns the pull requests GitHub
	// associates with commit sha (all pages).
	ListPullRequestsWithCommit(ctx context.Context, repo Repo, sha string) ([]PullRequest, error)
	// ListOpenPullRequests returns the open pull requests (all pages).
	ListOpenPullRequests(ctx context.Context, repo Repo) ([]PullRequest, error)
	// ListFiles returns the files a pull request changes (all pages).
	ListFiles(ctx context.Context, repo Repo, number int) ([]File, error)
}

// PullRequest is what fsgate uses of a pull request.
type PullRequest struct {
	Number   int
	State    string // "open" or "closed"
	HeadSHA  string
	HeadRef  string
	HeadRepo string // owner/name of the head repository, a fork's for a fork
	BaseRef  string
	BaseRepo string // owner/name
	URL      string // on github.com
}

// File is a file changed by a pull request.
type File struct {
	Path         string
	PreviousPath string // for "renamed"
	Status       string // added, removed, modified, renamed, copied, changed, unchanged
}

// Why FindPullRequest found no single pull request.
var (
	ErrNoPullRequest        = errors.New("no open pull request has this head commit")
	ErrAmbiguousPullRequest = errors.New("several open pull requests have this head commit")
)

// FindPullRequest returns the open pull request of repo whose head is
// commit headSHA: the one a workflow_run's head_sha was validated for.
//
// The number comes from the API, never from the artifact of the
// unprivileged run, which whoever opened the pull request controls: only a
// pull request whose head really is that commit is returned. The commit's
// associated pull requests are asked first (one request); when they hold
// none, which happens for some fork commits, the open pull requests are
// scanned. Several matches (the same branch proposed twice) give
// ErrAmbiguousPullRequest rather than a guess.
func FindPullRequest(ctx context.Context, p PullRequests, repo Repo, headSHA string) (PullRequest, error) {
	if err := validateSHA(headSHA); err != nil {
		return PullRequest{}, err
	}
	prs, err := p.ListPullRequestsWithCommit(ctx, repo, headSHA)
	var ae *APIError
	if errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusUnprocessableEntity) {
		// GitHub does not know the commit in this repository (a fork's):
		// the listing of open pull requests still has it.
		prs, err = nil, nil
	}
	if err != nil {
		return PullRequest{}, err
	}
	found := headedBy(prs, repo, headSHA)
	if len(found) == 0 {
		if prs, err = p.ListOpenPullRequests(ctx, repo); err != nil {
			return PullRequest{}, err
		}
		found = headedBy(prs, repo, headSHA)
	}
	switch len(found) {
	case 0:
		return PullRequest{}, fmt.Errorf("%s@%s: %w", repo, headSHA, ErrNoPullRequest)
	case 1:
		return found[0], nil
	}
	numbers := make([]string, len(found))
	for i, pr := range found {
		numbers[i] = "#" + strconv.Itoa(pr.Number)
	}
	return PullRequest{}, fmt.Errorf("%s@%s: %w: %s", repo, headSHA, ErrAmbiguousPullRequest, strings.Join(numbers, ", "))
}

// headedBy keeps the open pull requests whose head is sha and whose base
// is repo (the comment goes there), one per number, by number.
func headedBy(prs []PullRequest, repo Repo, sha string) []PullRequest {
	var out []PullRequest
	for _, pr := range prs {
		if pr.State == "open" && pr.HeadSHA == sha && pr.Number > 0 &&
			strings.EqualFold(pr.BaseRepo, repo.String()) {
			out = append(out, pr)
		}
	}
	slices.SortFunc(out, func(a, b PullRequest) int { return a.Number - b.Number })
	return slices.CompactFunc(out, func(a, b PullRequest) bool { return a.Number == b.Number })
}

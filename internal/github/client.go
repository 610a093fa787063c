package github

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v66/github"
)

// DefaultBaseURL is the REST API of github.com. Elsewhere (GitHub
// Enterprise Server) pass GITHUB_API_URL, e.g. https://ghe.example/api/v3.
const DefaultBaseURL = "https://api.github.com/"

// maxPages bounds every paginated listing: 100 pages of 100 items is far
// beyond a real pull request, and a Link header that never ends must not
// keep the job looping.
const maxPages = 100

// Client implements Comments, Checks and PullRequests over go-github.
type Client struct {
	gh  *gh.Client
	now func() time.Time
}

var (
	_ Comments     = (*Client)(nil)
	_ Checks       = (*Client)(nil)
	_ PullRequests = (*Client)(nil)
)

type options struct {
	sleep func(context.Context, time.Duration) error
	now   func() time.Time
}

// Option configures a Client.
type Option func(*options)

// WithSleep replaces the wait between retries, which by default sleeps
// until the duration has passed or the context ends. Tests record the
// waits instead of sleeping.
func WithSleep(sleep func(context.Context, time.Duration) error) Option {
	return func(o *options) {
		if sleep != nil {
			o.sleep = sleep
		}
	}
}

// WithClock replaces the clock that turns a rate limit's reset time or an
// HTTP-date Retry-After into a wait, and dates a completed check run.
func WithClock(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// New returns a Client for the API at baseURL (DefaultBaseURL when empty)
// authenticated with token (none when empty). httpClient sends each
// attempt, and its Timeout bounds each attempt; nil means a client with a
// 30-second timeout. The whole operation, waits included, is bounded by
// the context given to each method.
//
// baseURL must be https, or http on a loopback address (tests, a local
// proxy): the token is never sent in clear over a network.
func New(httpClient *http.Client, baseURL, token string, opts ...Option) (*Client, error) {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	u, err := parseBaseURL(baseURL)
	if err != nil {
		return nil, err
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 30 * time.Second}
	}
	o := options{sleep: sleepContext, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	rt := &retryTransport{do: httpClient.Do, sleep: o.sleep, now: o.now}
	c := gh.NewClient(&http.Client{Transport: rt})
	// Secrets read from a file or an environment often end with a newline.
	if token = strings.TrimSpace(token); token != "" {
		c = c.WithAuthToken(token)
	}
	c.BaseURL = u
	c.UserAgent = "fsgate"
	return &Client{gh: c, now: o.now}, nil
}

// parseBaseURL checks the API's address. Its errors show it with any
// password redacted.
func parseBaseURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		// url.Error repeats the whole address: keep only the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("invalid GitHub API URL: %v", err)
	}
	switch {
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("invalid GitHub API URL %q: want scheme://host[/path]", u.Redacted())
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	default:
		return nil, fmt.Errorf("invalid GitHub API URL %q: want https (http only on a loopback address)", u.Redacted())
	}
	// go-github resolves request paths against BaseURL: without the
	// trailing slash the last segment of the path would be dropped.
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// paginate collects every page of a listing, following the Link header
// until it has no next page.
func paginate[T any](op string, list func(page int) ([]T, *gh.Response, error)) ([]T, error) {
	var all []T
	page := 0
	for range maxPages {
		items, resp, err := list(page)
		if err != nil {
			return nil, apiError(op, err)
		}
		all = append(all, items...)
		if resp.NextPage == 0 {
			return all, nil
		}
		page = resp.NextPage
	}
	return nil, fmt.Errorf("github: %s: more than %d pages", op, maxPages)
}

// ListComments returns every comment of an issue or pull request, oldest
// first (the API's order).
func (c *Client) ListComments(ctx context.Context, repo Repo, number int) ([]Comment, error) {
	op := fmt.Sprintf("list comments of %s#%d", repo, number)
	if err := checkRepoNumber(op, repo, number); err != nil {
		return nil, err
	}
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	return paginate(op, func(page int) ([]Comment, *gh.Response, error) {
		opts.Page = page
		ics, resp, err := c.gh.Issues.ListComments(ctx, repo.Owner, repo.Name, number, opts)
		cs := make([]Comment, 0, len(ics))
		for _, ic := range ics {
			cs = append(cs, commentFrom(ic))
		}
		return cs, resp, err
	})
}

// CreateComment adds a comment to an issue or pull request. A server error
// is not retried here: GitHub may have created the comment before failing,
// and a retry would post it twice (UpsertComment looks before trying
// again).
func (c *Client) CreateComment(ctx context.Context, repo Repo, number int, body string) (Comment, error) {
	op := fmt.Sprintf("create comment on %s#%d", repo, number)
	if err := checkRepoNumber(op, repo, number); err != nil {
		return Comment{}, err
	}
	ic, _, err := c.gh.Issues.CreateComment(withoutServerRetry(ctx), repo.Owner, repo.Name, number, &gh.IssueComment{Body: gh.String(body)})
	if err != nil {
		return Comment{}, apiError(op, err)
	}
	return commentFrom(ic), nil
}

// EditComment replaces the body of a comment.
func (c *Client) EditComment(ctx context.Context, repo Repo, id int64, body string) (Comment, error) {
	op := fmt.Sprintf("edit comment %d in %s", id, repo)
	if err := repo.validate(); err != nil {
		return Comment{}, fmt.Errorf("github: %s: %w", op, err)
	}
	ic, _, err := c.gh.Issues.EditComment(ctx, repo.Owner, repo.Name, id, &gh.IssueComment{Body: gh.String(body)})
	if err != nil {
		return Comment{}, apiError(op, err)
	}
	return commentFrom(ic), nil
}

func commentFrom(ic *gh.IssueComment) Comment {
	c := Comment{
		ID:         ic.GetID(),
		Body:       ic.GetBody(),
		Author:     ic.GetUser().GetLogin(),
		AuthorType: ic.GetUser().GetType(),
		CreatedAt:  ic.GetCreatedAt().Time,
		URL:        ic.GetHTMLURL(),
	}
	return c
}

// CreateCheckRun creates a completed check run on headSHA with run's
// output and annotations (at most MaxAnnotationsPerRequest).
func (c *Client) CreateCheckRun(ctx context.Context, repo Repo, headSHA string, run CheckRun) (int64, error) {
	op := fmt.Sprintf("create check run %q on %s@%s", run.Name, repo, headSHA)
	if err := cmp.Or(repo.validate(), validateSHA(headSHA)); err != nil {
		return 0, fmt.Errorf("github: %s: %w", op, err)
	}
	if len(run.Annotations) > MaxAnnotationsPerRequest {
		return 0, fmt.Errorf("github: %s: %d annotations in one request (at most %d)", op, len(run.Annotations), MaxAnnotationsPerRequest)
	}
	cr, _, err := c.gh.Checks.CreateCheckRun(ctx, repo.Owner, repo.Name, gh.CreateCheckRunOptions{
		Name:       run.Name,
		HeadSHA:    headSHA,
		Status:     gh.String("completed"),
		Conclusion: gh.String(string(run.Conclusion)),
		// GitHub's documentation has it optional, go-github's required
		// with a conclusion: sending it satisfies both.
		CompletedAt: &gh.Timestamp{Time: c.now().UTC()},
		Output:      checkRunOutput(run),
	})
	if err != nil {
		return 0, apiError(op, err)
	}
	return cr.GetID(), nil
}

// UpdateCheckRun sends run's output again with the next annotations, which
// GitHub appends to those the check run already has.
func (c *Client) UpdateCheckRun(ctx context.Context, repo Repo, id int64, run CheckRun) error {
	op := fmt.Sprintf("update check run %d in %s", id, repo)
	if err := repo.validate(); err != nil {
		return fmt.Errorf("github: %s: %w", op, err)
	}
	if len(run.Annotations) > MaxAnnotationsPerRequest {
		return fmt.Errorf("github: %s: %d annotations in one request (at most %d)", op, len(run.Annotations), MaxAnnotationsPerRequest)
	}
	_, _, err := c.gh.Checks.UpdateCheckRun(ctx, repo.Owner, repo.Name, id, gh.UpdateCheckRunOptions{
		Name:   run.Name,
		Output: checkRunOutput(run),
	})
	return apiError(op, err)
}

func checkRunOutput(run CheckRun) *gh.CheckRunOutput {
	out := &gh.CheckRunOutput{Title: gh.String(run.Title), Summary: gh.String(run.Summary)}
	if run.Text != "" {
		out.Text = gh.String(run.Text)
	}
	for _, a := range run.Annotations {
		ga := &gh.CheckRunAnnotation{
			Path:            gh.String(a.Path),
			StartLine:       gh.Int(a.StartLine),
			EndLine:         gh.Int(a.EndLine),
			AnnotationLevel: gh.String(string(a.Level)),
			Message:         gh.String(a.Message),
		}
		if a.StartColumn > 0 {
			ga.StartColumn = gh.Int(a.StartColumn)
			ga.EndColumn = gh.Int(a.EndColumn)
		}
		if a.Title != "" {
			ga.Title = gh.String(a.Title)
		}
		if a.RawDetails != "" {
			ga.RawDetails = gh.String(a.RawDetails)
		}
		out.Annotations = append(out.Annotations, ga)
	}
	return out
}

// ListPullRequestsWithCommit returns the pull requests GitHub associates
// with a commit: the open ones it heads or belongs to, or the merged one
// that brought it to the default branch.
func (c *Client) ListPullRequestsWithCommit(ctx context.Context, repo Repo, sha string) ([]PullRequest, error) {
	op := fmt.Sprintf("list pull requests with commit %s in %s", sha, repo)
	if err := cmp.Or(repo.validate(), validateSHA(sha)); err != nil {
		return nil, fmt.Errorf("github: %s: %w", op, err)
	}
	opts := &gh.ListOptions{PerPage: 100}
	return paginate(op, func(page int) ([]PullRequest, *gh.Response, error) {
		opts.Page = page
		prs, resp, err := c.gh.PullRequests.ListPullRequestsWithCommit(ctx, repo.Owner, repo.Name, sha, opts)
		return pullRequestsFrom(prs), resp, err
	})
}

// ListOpenPullRequests returns every open pull request of repo, most
// recently updated first.
func (c *Client) ListOpenPullRequests(ctx context.Context, repo Repo) ([]PullRequest, error) {
	op := fmt.Sprintf("list open pull requests of %s", repo)
	if err := repo.validate(); err != nil {
		return nil, fmt.Errorf("github: %s: %w", op, err)
	}
	opts := &gh.PullRequestListOptions{State: "open", Sort: "updated", Direction: "desc", ListOptions: gh.ListOptions{PerPage: 100}}
	return paginate(op, func(page int) ([]PullRequest, *gh.Response, error) {
		opts.Page = page
		prs, resp, err := c.gh.PullRequests.List(ctx, repo.Owner, repo.Name, opts)
		return pullRequestsFrom(prs), resp, err
	})
}

// ListFiles returns the files a pull request changes (GitHub lists at most
// 3,000).
func (c *Client) ListFiles(ctx context.Context, repo Repo, number int) ([]File, error) {
	op := fmt.Sprintf("list files of %s#%d", repo, number)
	if err := checkRepoNumber(op, repo, number); err != nil {
		return nil, err
	}
	opts := &gh.ListOptions{PerPage: 100}
	return paginate(op, func(page int) ([]File, *gh.Response, error) {
		opts.Page = page
		cfs, resp, err := c.gh.PullRequests.ListFiles(ctx, repo.Owner, repo.Name, number, opts)
		fs := make([]File, 0, len(cfs))
		for _, cf := range cfs {
			fs = append(fs, File{
				Path:         cf.GetFilename(),
				PreviousPath: cf.GetPreviousFilename(),
				Status:       cf.GetStatus(),
			})
		}
		return fs, resp, err
	})
}

func pullRequestsFrom(prs []*gh.PullRequest) []PullRequest {
	out := make([]PullRequest, 0, len(prs))
	for _, pr := range prs {
		out = append(out, PullRequest{
			Number:   pr.GetNumber(),
			State:    pr.GetState(),
			HeadSHA:  pr.GetHead().GetSHA(),
			HeadRef:  pr.GetHead().GetRef(),
			HeadRepo: pr.GetHead().GetRepo().GetFullName(),
			BaseRef:  pr.GetBase().GetRef(),
			BaseRepo: pr.GetBase().GetRepo().GetFullName(),
			URL:      pr.GetHTMLURL(),
		})
	}
	return out
}

func checkRepoNumber(op string, repo Repo, number int) error {
	if err := repo.validate(); err != nil {
		return fmt.Errorf("github: %s: %w", op, err)
	}
	if number <= 0 {
		return fmt.Errorf("github: %s: invalid number %d", op, number)
	}
	return nil
}

package github

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	gh "github.com/google/go-github/v66/github"
)

// Issues is what the weekly re-check (fsgate recheck) needs from the API:
// the one issue it keeps, found by a label, opened, edited, closed.
type Issues interface {
	// ListOpenIssues returns the open issues of repo that carry label
	// (all pages), pull requests excluded.
	ListOpenIssues(ctx context.Context, repo Repo, label string) ([]Issue, error)
	// CreateIssue opens an issue.
	CreateIssue(ctx context.Context, repo Repo, issue NewIssue) (Issue, error)
	// EditIssue changes an issue in one request: its title and body, and
	// its state when edit.Close is set.
	EditIssue(ctx context.Context, repo Repo, number int, edit IssueEdit) (Issue, error)
}

var _ Issues = (*Client)(nil)

// Issue is what fsgate uses of an issue.
type Issue struct {
	Number    int
	Title     string
	Body      string
	State     string   // "open" or "closed"
	Labels    []string // names
	Author    string   // login, "" when the account is gone
	CreatedAt time.Time
	URL       string // on github.com
}

// NewIssue is an issue to open.
type NewIssue struct {
	Title  string
	Body   string
	Labels []string
}

// IssueEdit is a change to an issue. Empty strings leave the title or the
// body as they are: neither can be emptied through it, which fsgate never
// wants.
type IssueEdit struct {
	Title string
	Body  string
	// Close closes the issue as completed ("state_reason": "completed"),
	// in the same request as the edit, so that an issue is never left
	// closed without its last word, nor edited and still open.
	Close bool
}

// maxLabelLength is GitHub's limit on a label name.
const maxLabelLength = 50

// CheckLabel refuses a label name that cannot select exactly one label:
// the listing takes a comma-separated list, so "a,b" would ask for issues
// carrying both; control characters and surrounding spaces would never
// match what GitHub stored.
func CheckLabel(label string) error {
	switch {
	case label == "" || strings.TrimSpace(label) != label:
		return fmt.Errorf("invalid label %q: empty or surrounded by spaces", label)
	case utf8.RuneCountInString(label) > maxLabelLength:
		return fmt.Errorf("invalid label %q: more than %d characters", label, maxLabelLength)
	case strings.Contains(label, ","):
		return fmt.Errorf("invalid label %q: a comma would select several labels", label)
	case !utf8.ValidString(label) || strings.ContainsFunc(label, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }):
		return fmt.Errorf("invalid label %q: control or invisible characters", label)
	}
	return nil
}

// ListOpenIssues returns the open issues of repo carrying label, in the
// API's order (newest first). The issues endpoint also lists pull
// requests; they are left out.
func (c *Client) ListOpenIssues(ctx context.Context, repo Repo, label string) ([]Issue, error) {
	op := fmt.Sprintf("list open issues labelled %q in %s", label, repo)
	if err := repo.validate(); err != nil {
		return nil, fmt.Errorf("github: %s: %w", op, err)
	}
	if err := CheckLabel(label); err != nil {
		return nil, fmt.Errorf("github: %s: %w", op, err)
	}
	opts := &gh.IssueListByRepoOptions{State: "open", Labels: []string{label}, ListOptions: gh.ListOptions{PerPage: 100}}
	return paginate(op, func(page int) ([]Issue, *gh.Response, error) {
		opts.Page = page
		gis, resp, err := c.gh.Issues.ListByRepo(ctx, repo.Owner, repo.Name, opts)
		is := make([]Issue, 0, len(gis))
		for _, gi := range gis {
			if gi.IsPullRequest() {
				continue
			}
			is = append(is, issueFrom(gi))
		}
		return is, resp, err
	})
}

// CreateIssue opens an issue. As with CreateComment, a server error is not
// retried here: GitHub may have opened the issue before failing, and a
// retry would open a second one. The caller lists again before retrying.
func (c *Client) CreateIssue(ctx context.Context, repo Repo, issue NewIssue) (Issue, error) {
	op := fmt.Sprintf("create issue in %s", repo)
	if err := repo.validate(); err != nil {
		return Issue{}, fmt.Errorf("github: %s: %w", op, err)
	}
	if issue.Title == "" {
		return Issue{}, fmt.Errorf("github: %s: empty title", op)
	}
	for _, l := range issue.Labels {
		if err := CheckLabel(l); err != nil {
			return Issue{}, fmt.Errorf("github: %s: %w", op, err)
		}
	}
	req := &gh.IssueRequest{Title: gh.String(issue.Title), Body: gh.String(issue.Body)}
	if len(issue.Labels) > 0 {
		labels := append([]string(nil), issue.Labels...)
		req.Labels = &labels
	}
	gi, _, err := c.gh.Issues.Create(withoutServerRetry(ctx), repo.Owner, repo.Name, req)
	if err != nil {
		return Issue{}, apiError(op, err)
	}
	return issueFrom(gi), nil
}

// EditIssue changes an issue. The same PATCH sent twice gives the same
// issue, so it is retried like any request.
func (c *Client) EditIssue(ctx context.Context, repo Repo, number int, edit IssueEdit) (Issue, error) {
	op := fmt.Sprintf("edit issue %s#%d", repo, number)
	if err := checkRepoNumber(op, repo, number); err != nil {
		return Issue{}, err
	}
	req := &gh.IssueRequest{}
	if edit.Title != "" {
		req.Title = gh.String(edit.Title)
	}
	if edit.Body != "" {
		req.Body = gh.String(edit.Body)
	}
	if edit.Close {
		req.State = gh.String("closed")
		req.StateReason = gh.String("completed")
	}
	if *req == (gh.IssueRequest{}) {
		return Issue{}, fmt.Errorf("github: %s: nothing to change", op)
	}
	gi, _, err := c.gh.Issues.Edit(ctx, repo.Owner, repo.Name, number, req)
	if err != nil {
		return Issue{}, apiError(op, err)
	}
	return issueFrom(gi), nil
}

func issueFrom(gi *gh.Issue) Issue {
	is := Issue{
		Number:    gi.GetNumber(),
		Title:     gi.GetTitle(),
		Body:      gi.GetBody(),
		State:     gi.GetState(),
		Author:    gi.GetUser().GetLogin(),
		CreatedAt: gi.GetCreatedAt().Time,
		URL:       gi.GetHTMLURL(),
	}
	for _, l := range gi.Labels {
		is.Labels = append(is.Labels, l.GetName())
	}
	return is
}

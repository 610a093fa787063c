package github

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// Comments is what the sticky comment needs from the API.
type Comments interface {
	// ListComments returns every comment of an issue or pull request
	// (all pages), in any order.
	ListComments(ctx context.Context, repo Repo, number int) ([]Comment, error)
	CreateComment(ctx context.Context, repo Repo, number int, body string) (Comment, error)
	EditComment(ctx context.Context, repo Repo, id int64, body string) (Comment, error)
}

// Comment is an issue or pull-request comment.
type Comment struct {
	ID         int64
	Body       string
	Author     string // login of the author, "" when the account is gone
	AuthorType string // "User", "Bot", "Organization"
	CreatedAt  time.Time
	URL        string // on github.com
}

const (
	// DefaultMarker is the hidden HTML comment that identifies fsgate's
	// report among the comments of a pull request.
	DefaultMarker = "<!-- fsgate:report -->"
	// DefaultAuthor is the identity the GITHUB_TOKEN of a workflow posts as.
	DefaultAuthor = "github-actions[bot]"
	// MaxCommentLength is GitHub's limit on a comment body, in characters.
	MaxCommentLength = 65536
)

// truncationNotice ends a comment or an output cut to GitHub's limits. The
// pull-request comment is always in French.
const truncationNotice = "\n\n… (tronqué : limite de taille de GitHub atteinte)"

// Action is what UpsertComment did.
type Action int

const (
	_ Action = iota
	Created
	Updated
	Unchanged
)

func (a Action) String() string {
	switch a {
	case Created:
		return "created"
	case Updated:
		return "updated"
	case Unchanged:
		return "unchanged"
	}
	return "none"
}

// Sticky is the one comment fsgate keeps on a pull request: found again by
// its hidden marker and its author, edited in place run after run.
type Sticky struct {
	// Marker is the hidden HTML comment in the body; DefaultMarker when
	// empty.
	Marker string
	// Author is the login fsgate posts as; DefaultAuthor when empty. Set it
	// when the token belongs to a GitHub App ("my-app[bot]") or an account.
	Author string
}

// UpsertComment keeps one comment carrying marker, written by DefaultAuthor,
// on pull request number, with body as its text. See Sticky.Upsert.
func UpsertComment(ctx context.Context, c Comments, repo Repo, number int, marker, body string) (Action, error) {
	return Sticky{Marker: marker}.Upsert(ctx, c, repo, number, body)
}

// Upsert creates the sticky comment with body, or edits it in place when
// its body differs, or leaves it when it is the same.
//
// Only a comment that contains the marker AND was written by s.Author is
// fsgate's: anyone can paste the marker into a comment, nobody but the bot
// can post as "…[bot]" (brackets are not allowed in user logins). When a
// past run left several, the oldest is edited and the others are left
// alone. The marker is added to body when body lacks it, and body is cut to
// GitHub's limit, marker kept.
//
// Upsert never posts a second comment: when creating fails in a way that
// may come after GitHub created it (a server error, no answer), it lists
// the comments again before trying once more.
func (s Sticky) Upsert(ctx context.Context, c Comments, repo Repo, number int, body string) (Action, error) {
	marker := cmp.Or(s.Marker, DefaultMarker)
	author := cmp.Or(s.Author, DefaultAuthor)
	if !isHiddenMarker(marker) {
		return 0, fmt.Errorf("sticky comment: marker %q is not a one-line HTML comment", marker)
	}
	body = fitComment(marker, body, MaxCommentLength)

	for round := 0; ; round++ {
		comments, err := c.ListComments(ctx, repo, number)
		if err != nil {
			return 0, err
		}
		existing, found := oldestSticky(comments, marker, author)
		switch {
		case !found:
			if _, err := c.CreateComment(ctx, repo, number, body); err != nil {
				if round == 0 && mayHaveLanded(ctx, err) {
					continue
				}
				return 0, err
			}
			return Created, nil
		case existing.Body == body && round > 0:
			// The create that failed had landed after all.
			return Created, nil
		case existing.Body == body:
			return Unchanged, nil
		}
		if _, err := c.EditComment(ctx, repo, existing.ID, body); err != nil {
			return 0, err
		}
		if round > 0 {
			return Created, nil
		}
		return Updated, nil
	}
}

// oldestSticky returns the oldest comment by author that carries marker.
// Logins are case-insensitive on GitHub.
func oldestSticky(comments []Comment, marker, author string) (Comment, bool) {
	var best Comment
	found := false
	for _, cm := range comments {
		if !strings.EqualFold(cm.Author, author) || !strings.Contains(cm.Body, marker) {
			continue
		}
		if !found || cm.CreatedAt.Before(best.CreatedAt) || (cm.CreatedAt.Equal(best.CreatedAt) && cm.ID < best.ID) {
			best, found = cm, true
		}
	}
	return best, found
}

// isHiddenMarker accepts a one-line HTML comment, which Markdown does not
// show; an empty marker would match every comment.
func isHiddenMarker(m string) bool {
	return len(m) > len("<!---->") && strings.HasPrefix(m, "<!--") && strings.HasSuffix(m, "-->") &&
		!strings.ContainsAny(m, "\r\n") && !strings.Contains(m[4:len(m)-3], "--")
}

// mayHaveLanded says whether a failed create may have created the comment
// all the same: a server error, or no answer at all (a timeout after the
// request was sent), unless the job is being cancelled.
func mayHaveLanded(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status >= http.StatusInternalServerError
	}
	return true
}

// fitComment returns body with marker in it and at most limit characters:
// when too long, the text is cut at a line break where it can be, the
// notice says so, and the marker is put back first if the cut dropped it.
func fitComment(marker, body string, limit int) string {
	if !strings.Contains(body, marker) {
		body = marker + "\n" + body
	}
	if utf8.RuneCountInString(body) <= limit {
		return body
	}
	room := limit - utf8.RuneCountInString(truncationNotice)
	head := truncateRunes(body, room)
	if !strings.Contains(head, marker) {
		head = marker + "\n" + truncateRunes(body, room-utf8.RuneCountInString(marker)-1)
	}
	// Cutting at the last line break keeps a Markdown table or list
	// whole, unless that would throw away most of the text.
	if i := strings.LastIndexByte(head, '\n'); i >= len(head)/2 && strings.Contains(head[:i], marker) {
		head = head[:i]
	}
	return head + truncationNotice
}

// truncateRunes returns the first n runes of s.
func truncateRunes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

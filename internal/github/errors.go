package github

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v66/github"
)

// Kinds of failure a caller handles differently from "it did not work".
var (
	// ErrForbidden is a 403 that is not a rate limit: the token may not do
	// this ("Resource not accessible by integration"), as with the
	// read-only token of a pull request from a fork. Callers degrade
	// gracefully: warn and exit 0, as reviewdog does.
	ErrForbidden = errors.New("forbidden")
	// ErrNotFound is a 404: the repository, pull request or comment does not
	// exist or the token cannot see it.
	ErrNotFound = errors.New("not found")
	// ErrRateLimited is a rate limit (primary or secondary, 403 or 429)
	// that outlasted the retries.
	ErrRateLimited = errors.New("rate limited")
)

// APIError is an error answer of the API to one operation. It matches
// ErrForbidden, ErrNotFound or ErrRateLimited with errors.Is when it is one
// of them, and unwraps to the go-github error (*github.ErrorResponse,
// *github.RateLimitError, *github.AbuseRateLimitError) for errors.As.
//
// Its text holds the operation, the status and GitHub's message; never a
// URL with its query nor a header, so never the token.
type APIError struct {
	Op      string // what fsgate was doing, e.g. "create comment on o/r#12"
	Status  int    // HTTP status code
	Message string // GitHub's message, e.g. "Resource not accessible by integration"
	kind    error  // one of the Err* sentinels, or nil
	err     error  // the go-github error
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "github: %s: %d %s", e.Op, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrForbidden) and the like work.
func (e *APIError) Is(target error) bool { return e.kind != nil && target == e.kind }

// Unwrap gives errors.As access to the go-github error.
func (e *APIError) Unwrap() error { return e.err }

// apiError turns what go-github returned into the error fsgate returns:
// an *APIError for an answer of the API, the context's error when the
// context ended, a wrapped error otherwise (network).
func apiError(op string, err error) error {
	if err == nil {
		return nil
	}
	var (
		rle  *gh.RateLimitError
		arle *gh.AbuseRateLimitError
		er   *gh.ErrorResponse
	)
	switch {
	case errors.As(err, &rle):
		return &APIError{Op: op, Status: status(rle.Response), Message: rle.Message, kind: ErrRateLimited, err: err}
	case errors.As(err, &arle):
		return &APIError{Op: op, Status: status(arle.Response), Message: arle.Message, kind: ErrRateLimited, err: err}
	case errors.As(err, &er):
		e := &APIError{Op: op, Status: status(er.Response), Message: withDetails(er), err: err}
		switch e.Status {
		case http.StatusForbidden:
			// A 403 with Retry-After is a secondary rate limit that
			// go-github did not recognise (no documentation_url).
			if er.Response != nil && er.Response.Header.Get("Retry-After") != "" {
				e.kind = ErrRateLimited
			} else {
				e.kind = ErrForbidden
			}
		case http.StatusNotFound:
			e.kind = ErrNotFound
		case http.StatusTooManyRequests:
			e.kind = ErrRateLimited
		}
		return e
	}
	// A network error, or the context's error when it ended (go-github
	// returns ctx.Err() then): wrapped, so errors.Is(err, context.Canceled)
	// holds.
	return fmt.Errorf("github: %s: %w", op, err)
}

// withDetails is GitHub's message followed by the details of a validation
// error (422), which say which field was refused.
func withDetails(er *gh.ErrorResponse) string {
	var details []string
	for _, d := range er.Errors {
		switch {
		case d.Message != "":
			details = append(details, d.Message)
		case d.Field != "":
			details = append(details, d.Field+" "+d.Code)
		}
	}
	if len(details) == 0 {
		return er.Message
	}
	return er.Message + " (" + strings.Join(details, "; ") + ")"
}

func status(r *http.Response) int {
	if r == nil {
		return 0
	}
	return r.StatusCode
}

package github

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	gh "github.com/google/go-github/v66/github"
)

// Retry policy. The privileged job makes a handful of requests per run, so
// a few patient retries cost nothing and save a red run on a transient
// error; the cap keeps a job from sleeping for most of an hour when a
// primary rate limit resets far away (that run then fails with
// ErrRateLimited and can be re-run).
const (
	maxAttempts  = 4                // tries per request, the first included
	maxWait      = 60 * time.Second // longest single wait, whatever GitHub asks
	firstBackoff = time.Second      // wait after a first server error; doubles each time
	maxErrorBody = 1 << 20          // bytes of an error answer read to classify it
)

// retryTransport retries a request, below go-github, when GitHub answers
// with a rate limit or a transient server error.
//
// It sits below go-github rather than around its calls because go-github
// remembers a rate limit it has seen and then refuses, without a request,
// every call until the reset time by the wall clock: a retry above it would
// never reach the server before the reset. Here go-github only sees the
// final answer. The answers are classified with go-github's own
// CheckResponse, so what counts as a rate limit is what go-github types as
// one (*RateLimitError, *AbuseRateLimitError), plus 429, which go-github
// v66 leaves a plain *ErrorResponse.
type retryTransport struct {
	// do sends one attempt: the caller's http.Client, so that its Timeout
	// bounds each attempt rather than the waits between them.
	do    func(*http.Request) (*http.Response, error)
	sleep func(context.Context, time.Duration) error
	now   func() time.Time
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		r := req.Clone(ctx)
		if attempt > 1 && req.Body != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r.Body = body
		}
		resp, err := t.do(r)
		if err != nil {
			return nil, err
		}
		wait, retry := t.retryAfter(r, resp, attempt)
		// A body that cannot be sent again (no GetBody) cannot be retried.
		if !retry || attempt == maxAttempts || (req.Body != nil && req.GetBody == nil) {
			return resp, nil
		}
		resp.Body.Close()
		if err := t.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// retryAfter says whether resp is worth another attempt and after how long.
// It leaves resp readable from the start.
func (t *retryTransport) retryAfter(req *http.Request, resp *http.Response, attempt int) (time.Duration, bool) {
	if resp.StatusCode < 400 {
		return 0, false
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	// CheckResponse reads the body and puts back a copy of it.
	err := gh.CheckResponse(resp)

	hint, hinted := t.hint(resp.Header)
	var (
		rle  *gh.RateLimitError
		arle *gh.AbuseRateLimitError
	)
	switch {
	case errors.As(err, &rle), errors.As(err, &arle),
		resp.StatusCode == http.StatusTooManyRequests,
		// A secondary rate limit without the documentation_url go-github
		// looks for: a permission error never carries Retry-After.
		resp.StatusCode == http.StatusForbidden && resp.Header.Get("Retry-After") != "":
		if !hinted {
			// GitHub's advice when it gives no time: wait at least a minute.
			return maxWait, true
		}
		return t.bound(hint, attempt), true
	case resp.StatusCode == http.StatusInternalServerError,
		resp.StatusCode == http.StatusBadGateway,
		resp.StatusCode == http.StatusServiceUnavailable,
		resp.StatusCode == http.StatusGatewayTimeout:
		if req.Context().Value(noServerRetryKey{}) != nil {
			return 0, false
		}
		if !hinted {
			return backoff(attempt), true
		}
		return t.bound(hint, attempt), true
	}
	// Anything else (a 403 permission error, 404, 422…) fails the same way
	// every time.
	return 0, false
}

// hint is the wait GitHub asks for: Retry-After (seconds or an HTTP date),
// else the primary rate limit's reset time when no request is left.
func (t *retryTransport) hint(h http.Header) (time.Duration, bool) {
	if v := h.Get("Retry-After"); v != "" {
		if s, err := strconv.ParseInt(v, 10, 64); err == nil {
			return time.Duration(s) * time.Second, true
		}
		if at, err := http.ParseTime(v); err == nil {
			return at.Sub(t.now()), true
		}
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			// The reset is a whole second: one more keeps the retry from
			// landing just before it.
			return time.Unix(s, 0).Sub(t.now()) + time.Second, true
		}
	}
	return 0, false
}

// bound keeps a wait GitHub asked for within (0, maxWait]: a time already
// past (clock skew) falls back to the exponential backoff.
func (t *retryTransport) bound(d time.Duration, attempt int) time.Duration {
	if d <= 0 {
		return backoff(attempt)
	}
	return min(d, maxWait)
}

// backoff is the wait after the attempt-th failure: 1 s, 2 s, 4 s… capped.
// No jitter: one job per pull request makes its requests one at a time, so
// there is no herd to spread.
func backoff(attempt int) time.Duration {
	d := firstBackoff << (attempt - 1)
	if d <= 0 || d > maxWait {
		return maxWait
	}
	return d
}

// noServerRetryKey marks a request whose retry after a server error could
// do the work twice: a 502 may come after GitHub created the comment.
type noServerRetryKey struct{}

func withoutServerRetry(ctx context.Context) context.Context {
	return context.WithValue(ctx, noServerRetryKey{}, true)
}

// sleepContext waits for d or until ctx ends, whichever comes first.
func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

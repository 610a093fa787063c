package github

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gh "github.com/google/go-github/v66/github"
)

// answer is one response of the fake API.
type answer struct {
	status int
	header map[string]string
	body   string
}

// GitHub's answers, as documented and as seen in the wild.
var (
	primaryLimit = func(reset time.Time) answer {
		return answer{http.StatusForbidden, map[string]string{
			"X-RateLimit-Limit":     "1000",
			"X-RateLimit-Remaining": "0",
			"X-RateLimit-Used":      "1000",
			"X-RateLimit-Reset":     strconv.FormatInt(reset.Unix(), 10),
			"X-RateLimit-Resource":  "core",
		}, `{"message":"API rate limit exceeded for installation ID 123.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits"}`}
	}
	secondaryLimit = func(retryAfter string) answer {
		a := answer{http.StatusForbidden, map[string]string{}, `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`}
		if retryAfter != "" {
			a.header["Retry-After"] = retryAfter
		}
		return a
	}
	tooMany = func(retryAfter string) answer {
		a := answer{http.StatusTooManyRequests, map[string]string{}, `{"message":"You have exceeded a secondary rate limit.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}`}
		if retryAfter != "" {
			a.header["Retry-After"] = retryAfter
		}
		return a
	}
	notAccessible = answer{http.StatusForbidden, nil, `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/issues/comments#create-an-issue-comment","status":"403"}`}
	notFound      = answer{http.StatusNotFound, nil, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}`}
	unprocessable = answer{http.StatusUnprocessableEntity, nil, `{"message":"Validation Failed","errors":[{"resource":"IssueComment","code":"custom","field":"body","message":"body is too long"}],"status":"422"}`}
	serverError   = func(status int) answer {
		return answer{status, nil, `{"message":"Server Error"}`}
	}
)

// serve answers with answers in turn, then with ok; it returns the number
// of requests served.
func serve(answers []answer, ok string) (http.HandlerFunc, func() int) {
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
			n++
			if n > len(answers) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, ok)
				return
			}
			a := answers[n-1]
			for k, v := range a.header {
				w.Header().Set(k, v)
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(a.status)
			io.WriteString(w, a.body)
		}, func() int {
			return n
		}
}

func TestRetry(t *testing.T) {
	sec := time.Second
	tests := []struct {
		name      string
		answers   []answer
		wantWaits []time.Duration
		wantErr   error // nil: success after the answers
		wantHits  int
	}{
		{"403 primary rate limit, reset far away: wait capped", []answer{primaryLimit(testNow.Add(time.Hour))}, []time.Duration{maxWait}, nil, 2},
		{"403 primary rate limit, reset soon: wait until reset", []answer{primaryLimit(testNow.Add(10 * sec))}, []time.Duration{11 * sec}, nil, 2},
		{"403 primary rate limit, reset past: backoff", []answer{primaryLimit(testNow.Add(-time.Minute))}, []time.Duration{sec}, nil, 2},
		{"403 secondary rate limit with Retry-After", []answer{secondaryLimit("30")}, []time.Duration{30 * sec}, nil, 2},
		{"403 secondary rate limit without Retry-After: a minute", []answer{secondaryLimit("")}, []time.Duration{maxWait}, nil, 2},
		{"403 with Retry-After but no documentation_url", []answer{{http.StatusForbidden, map[string]string{"Retry-After": "7"}, `{"message":"slow down"}`}}, []time.Duration{7 * sec}, nil, 2},
		{"429 with Retry-After seconds", []answer{tooMany("5")}, []time.Duration{5 * sec}, nil, 2},
		{"429 with Retry-After date", []answer{tooMany(testNow.Add(20 * sec).Format(http.TimeFormat))}, []time.Duration{20 * sec}, nil, 2},
		{"429 with Retry-After too long: capped", []answer{tooMany("3600")}, []time.Duration{maxWait}, nil, 2},
		{"429 without a hint: a minute", []answer{tooMany("")}, []time.Duration{maxWait}, nil, 2},
		{"5xx: exponential backoff", []answer{serverError(502), serverError(503), serverError(500)}, []time.Duration{sec, 2 * sec, 4 * sec}, nil, 4},
		{"503 with Retry-After", []answer{{http.StatusServiceUnavailable, map[string]string{"Retry-After": "3"}, ``}}, []time.Duration{3 * sec}, nil, 2},
		{"5xx exhausted", []answer{serverError(502), serverError(502), serverError(504), serverError(503)}, []time.Duration{sec, 2 * sec, 4 * sec}, errServer, 4},
		{"429 exhausted", []answer{tooMany("1"), tooMany("1"), tooMany("1"), tooMany("1")}, []time.Duration{sec, sec, sec}, ErrRateLimited, 4},
		{"403 primary exhausted", slices.Repeat([]answer{primaryLimit(testNow.Add(time.Hour))}, 4), []time.Duration{maxWait, maxWait, maxWait}, ErrRateLimited, 4},
		{"403 not accessible: no retry", []answer{notAccessible}, nil, ErrForbidden, 1},
		{"404: no retry", []answer{notFound}, nil, ErrNotFound, 1},
		{"422: no retry", []answer{unprocessable}, nil, errOther, 1},
		{"501: no retry", []answer{serverError(501)}, nil, errServer, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			handler, hits := serve(tt.answers, "[]")
			h.handle(t, "GET", "/repos/Codertocat/Hello-World/issues/2/comments", handler)

			_, err := h.client.ListComments(context.Background(), helloWorld, 2)
			noToken(t, err)
			checkErr(t, err, tt.wantErr)
			if !slices.Equal(h.waits, tt.wantWaits) {
				t.Errorf("waits = %v, want %v", h.waits, tt.wantWaits)
			}
			if hits() != tt.wantHits {
				t.Errorf("requests = %d, want %d", hits(), tt.wantHits)
			}
		})
	}
}

// Markers for checkErr.
var (
	errServer = errors.New("a server error")
	errOther  = errors.New("another API error")
)

func checkErr(t *testing.T, err, want error) {
	t.Helper()
	var ae *APIError
	switch want {
	case nil:
		if err != nil {
			t.Fatalf("err = %v, want success", err)
		}
	case errServer:
		if !errors.As(err, &ae) || ae.Status < 500 {
			t.Fatalf("err = %v, want an *APIError with a 5xx status", err)
		}
		for _, kind := range []error{ErrForbidden, ErrNotFound, ErrRateLimited} {
			if errors.Is(err, kind) {
				t.Errorf("errors.Is(%v, %v) = true", err, kind)
			}
		}
	case errOther:
		if !errors.As(err, &ae) {
			t.Fatalf("err = %v, want an *APIError", err)
		}
		for _, kind := range []error{ErrForbidden, ErrNotFound, ErrRateLimited} {
			if errors.Is(err, kind) {
				t.Errorf("errors.Is(%v, %v) = true", err, kind)
			}
		}
	default:
		if !errors.Is(err, want) {
			t.Fatalf("err = %v, want %v", err, want)
		}
		for _, kind := range []error{ErrForbidden, ErrNotFound, ErrRateLimited} {
			if kind != want && errors.Is(err, kind) {
				t.Errorf("errors.Is(%v, %v) = true", err, kind)
			}
		}
	}
}

func TestValidationErrorText(t *testing.T) {
	h := setup(t)
	handler, _ := serve([]answer{unprocessable}, "")
	h.handle(t, "PATCH", "/repos/Codertocat/Hello-World/issues/comments/9", handler)
	_, err := h.client.EditComment(context.Background(), helloWorld, 9, "x")
	const want = "github: edit comment 9 in Codertocat/Hello-World: 422 Unprocessable Entity: Validation Failed (body is too long)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func TestErrorsKeepGoGitHubTypes(t *testing.T) {
	tests := []struct {
		name   string
		answer answer
		as     func(error) bool
	}{
		{"403 primary", primaryLimit(testNow.Add(time.Hour)), func(err error) bool { var e *gh.RateLimitError; return errors.As(err, &e) }},
		{"403 secondary", secondaryLimit("1"), func(err error) bool { var e *gh.AbuseRateLimitError; return errors.As(err, &e) }},
		{"429", tooMany("1"), func(err error) bool { var e *gh.ErrorResponse; return errors.As(err, &e) }},
		{"403 forbidden", notAccessible, func(err error) bool { var e *gh.ErrorResponse; return errors.As(err, &e) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			handler, _ := serve(slices.Repeat([]answer{tt.answer}, maxAttempts), "[]")
			h.handle(t, "GET", "/repos/Codertocat/Hello-World/issues/2/comments", handler)
			_, err := h.client.ListComments(context.Background(), helloWorld, 2)
			if !tt.as(err) {
				t.Errorf("err = %#v: not the go-github type", err)
			}
		})
	}
}

func TestForbiddenErrorText(t *testing.T) {
	h := setup(t)
	handler, _ := serve([]answer{notAccessible}, "")
	h.handle(t, "POST", "/repos/Codertocat/Hello-World/issues/2/comments", handler)

	_, err := h.client.CreateComment(context.Background(), helloWorld, 2, "hello")
	const want = "github: create comment on Codertocat/Hello-World#2: 403 Forbidden: Resource not accessible by integration"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
	if !errors.Is(err, ErrForbidden) {
		t.Errorf("errors.Is(err, ErrForbidden) = false")
	}
	if len(h.waits) != 0 {
		t.Errorf("waited %v before giving up on a permission error", h.waits)
	}
}

// A request with a body is sent again whole.
func TestRetryResendsBody(t *testing.T) {
	h := setup(t)
	n := 0
	h.handle(t, "PATCH", "/repos/Codertocat/Hello-World/issues/comments/7", func(w http.ResponseWriter, r *http.Request) {
		n++
		testJSONBody(t, r, `{"body":"new text"}`)
		if n == 1 {
			w.Header().Set("Retry-After", "2")
			writeJSON(t, w, http.StatusTooManyRequests, map[string]string{"message": "slow down"})
			return
		}
		writeJSON(t, w, http.StatusOK, commentJSON(t, 7, DefaultAuthor, "Bot", "new text", 0))
	})
	c, err := h.client.EditComment(context.Background(), helloWorld, 7, "new text")
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != 7 || c.Body != "new text" || n != 2 {
		t.Errorf("got %+v after %d requests", c, n)
	}
	if want := []time.Duration{2 * time.Second}; !slices.Equal(h.waits, want) {
		t.Errorf("waits = %v, want %v", h.waits, want)
	}
}

// Creating a comment is retried on a rate limit (GitHub did nothing) but
// not on a server error (GitHub may have created it).
func TestCreateCommentRetries(t *testing.T) {
	tests := []struct {
		name     string
		answers  []answer
		wantErr  error
		wantHits int
	}{
		{"rate limit retried", []answer{secondaryLimit("10")}, nil, 2},
		{"server error not retried", []answer{serverError(http.StatusBadGateway)}, errServer, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			created := commentJSON(t, 11, DefaultAuthor, "Bot", "hello", 0)
			n := 0
			h.handle(t, "POST", "/repos/Codertocat/Hello-World/issues/2/comments", func(w http.ResponseWriter, r *http.Request) {
				n++
				testJSONBody(t, r, `{"body":"hello"}`)
				if n <= len(tt.answers) {
					a := tt.answers[n-1]
					for k, v := range a.header {
						w.Header().Set(k, v)
					}
					w.WriteHeader(a.status)
					io.WriteString(w, a.body)
					return
				}
				writeJSON(t, w, http.StatusCreated, created)
			})
			_, err := h.client.CreateComment(context.Background(), helloWorld, 2, "hello")
			checkErr(t, err, tt.wantErr)
			if n != tt.wantHits {
				t.Errorf("requests = %d, want %d", n, tt.wantHits)
			}
		})
	}
}

func TestContextCancelledDuringBackoff(t *testing.T) {
	h := setup(t)
	handler, hits := serve([]answer{serverError(502), serverError(502)}, "[]")
	h.handle(t, "GET", "/repos/Codertocat/Hello-World/issues/2/comments", handler)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The job is cancelled while it waits: the real wait returns at once.
	h.client = mustNew(t, h, WithSleep(func(ctx context.Context, d time.Duration) error {
		h.waits = append(h.waits, d)
		cancel()
		return sleepContext(ctx, time.Hour)
	}))
	_, err := h.client.ListComments(ctx, helloWorld, 2)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if hits() != 1 || len(h.waits) != 1 {
		t.Errorf("requests = %d, waits = %v: want 1 request and 1 wait", hits(), h.waits)
	}
}

// mustNew builds another client on h's server with opts.
func mustNew(t *testing.T, h *harness, opts ...Option) *Client {
	t.Helper()
	base := h.client.gh.BaseURL.String()
	c, err := New(nil, base, testToken, append([]Option{WithClock(func() time.Time { return testNow })}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSleepContext(t *testing.T) {
	if err := sleepContext(context.Background(), 0); err != nil {
		t.Errorf("sleepContext(0) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// Returns at once: a cancelled job does not sit out a rate limit.
	if err := sleepContext(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleepContext(cancelled, 1h) = %v, want context.Canceled", err)
	}
}

func TestBackoff(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 7: maxWait, 80: maxWait} {
		if got := backoff(attempt); got != want {
			t.Errorf("backoff(%d) = %v, want %v", attempt, got, want)
		}
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		base, want string // want "" = refused
	}{
		{"", "https://api.github.com/"},
		{"https://api.github.com", "https://api.github.com/"},
		{"https://ghe.example.com/api/v3", "https://ghe.example.com/api/v3/"},
		{"http://127.0.0.1:8080/api-v3/", "http://127.0.0.1:8080/api-v3/"},
		{"http://localhost:8080", "http://localhost:8080/"},
		{"http://[::1]:8080", "http://[::1]:8080/"},
		{"http://ghe.example.com/api/v3", ""},
		{"ftp://ghe.example.com/", ""},
		{"https://user:secret@ghe.example.com/", ""},
		{"https://ghe.example.com/?x=1", ""},
		{"https://ghe.example.com/#x", ""},
		{"api.github.com", ""},
		{"://", ""},
	}
	for _, tt := range tests {
		c, err := New(nil, tt.base, testToken)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("New(%q) accepted", tt.base)
		case tt.want == "":
			if strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), testToken) {
				t.Errorf("New(%q): error shows a secret: %v", tt.base, err)
			}
		case err != nil:
			t.Errorf("New(%q): %v", tt.base, err)
		case c.gh.BaseURL.String() != tt.want:
			t.Errorf("New(%q): base URL %s, want %s", tt.base, c.gh.BaseURL, tt.want)
		}
	}
}

// Without a token no Authorization header is sent (rather than "Bearer ").
func TestNewWithoutToken(t *testing.T) {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if v, ok := r.Header["Authorization"]; ok {
			t.Errorf("Authorization = %q, want none", v)
		}
		io.WriteString(w, "[]")
	}))
	defer server.Close()
	c, err := New(server.Client(), server.URL, "  ")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListFiles(context.Background(), helloWorld, 2); err != nil {
		t.Fatal(err)
	}
}

package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The harness follows go-github's own tests: an http.ServeMux mounted under
// a non-empty path on an httptest.Server, the client's base URL pointing at
// it, handlers asserting what the client sent and answering what GitHub
// would.

const (
	// baseURLPath makes sure requests are resolved against the base URL's
	// path rather than the host's root.
	baseURLPath = "/api-v3"
	testToken   = "ghs_testTOKENtestTOKENtestTOKEN0123456"
	headSHA     = "ec26c3e57ca3a959ca5aad62de7213c562f8c821" // pull_request.json's head
)

// testNow is the clock of the tests: reset times and HTTP dates are
// relative to it.
var testNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

var helloWorld = Repo{Owner: "Codertocat", Name: "Hello-World"}

type harness struct {
	client *Client
	mux    *http.ServeMux
	waits  []time.Duration // what the client would have slept, in order
	hits   atomic.Int32    // requests that reached the mux
}

func setup(t *testing.T) *harness {
	t.Helper()
	h := &harness{mux: http.NewServeMux()}
	api := http.NewServeMux()
	api.Handle(baseURLPath+"/", http.StripPrefix(baseURLPath, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.hits.Add(1)
		// Every request: authenticated with the token, named, versioned.
		if got, want := r.Header.Get("Authorization"), "Bearer "+testToken; got != want {
			t.Errorf("%s %s: Authorization = %q, want %q", r.Method, r.URL.Path, got, want)
		}
		if got := r.Header.Get("User-Agent"); got != "fsgate" {
			t.Errorf("%s %s: User-Agent = %q, want fsgate", r.Method, r.URL.Path, got)
		}
		if got := r.Header.Get("X-GitHub-Api-Version"); got == "" {
			t.Errorf("%s %s: no X-GitHub-Api-Version", r.Method, r.URL.Path)
		}
		h.mux.ServeHTTP(w, r)
	})))
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base URL: %s %s", r.Method, r.URL)
		http.Error(w, "outside the base URL", http.StatusBadRequest)
	})
	server := httptest.NewServer(api)
	t.Cleanup(server.Close)

	// A trailing newline, as a token read from a file has: New trims it.
	c, err := New(server.Client(), server.URL+baseURLPath, testToken+"\n",
		WithSleep(func(ctx context.Context, d time.Duration) error {
			h.waits = append(h.waits, d)
			return ctx.Err()
		}),
		WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	h.client = c
	return h
}

// handle registers a handler that first checks the method.
func (h *harness) handle(t *testing.T, method, path string, f http.HandlerFunc) {
	t.Helper()
	h.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, method)
		f(w, r)
	})
}

// forbid registers a path that must not be requested.
func (h *harness) forbid(t *testing.T, path string) {
	h.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "unexpected", http.StatusTeapot)
	})
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s, want %s", r.Method, want)
	}
}

// testFormValues checks the query has exactly these values.
func testFormValues(t *testing.T, r *http.Request, want map[string]string) {
	t.Helper()
	wantValues := url.Values{}
	for k, v := range want {
		wantValues.Set(k, v)
	}
	if got := r.URL.Query(); !reflect.DeepEqual(got, wantValues) {
		t.Errorf("%s %s: query = %v, want %v", r.Method, r.URL.Path, got, wantValues)
	}
}

// testJSONBody checks the body is the JSON of want (compared as values, so
// key order and spacing do not matter).
func testJSONBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	var got, exp any
	if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
		t.Errorf("%s %s: body: %v", r.Method, r.URL.Path, err)
		return
	}
	if err := json.Unmarshal([]byte(want), &exp); err != nil {
		t.Fatalf("bad want JSON: %v", err)
	}
	if !reflect.DeepEqual(got, exp) {
		g, _ := json.Marshal(got)
		t.Errorf("%s %s: body = %s, want %s", r.Method, r.URL.Path, g, want)
	}
}

// decodeBody decodes the request body into v.
func decodeBody(t *testing.T, r *http.Request, v any) {
	t.Helper()
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		t.Errorf("%s %s: body: %v", r.Method, r.URL.Path, err)
	}
}

// fixture returns testdata/name decoded, to be changed and served.
func fixture(t *testing.T, name string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return v
}

func writeJSON(t *testing.T, w http.ResponseWriter, status int, v any) {
	t.Helper()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		t.Error(err)
	}
}

// linkNext sets the Link header of a page that has a next one. go-github
// reads only the page number from it.
func linkNext(w http.ResponseWriter, path string, next, last int) {
	w.Header().Set("Link", fmt.Sprintf(`<https://api.github.com%s?per_page=100&page=%d>; rel="next", <https://api.github.com%s?per_page=100&page=%d>; rel="last"`, path, next, path, last))
}

// commentJSON is testdata/issue_comment.json with the given id, author and
// body, created minutes after the first.
func commentJSON(t *testing.T, id int64, login, userType, body string, minutes int) map[string]any {
	t.Helper()
	c := fixture(t, "issue_comment.json")
	c["id"] = id
	c["html_url"] = fmt.Sprintf("https://github.com/Codertocat/Hello-World/pull/2#issuecomment-%d", id)
	c["url"] = fmt.Sprintf("https://api.github.com/repos/Codertocat/Hello-World/issues/comments/%d", id)
	user := c["user"].(map[string]any)
	user["login"] = login
	user["type"] = userType
	ts := time.Date(2019, 5, 15, 15, 20, 21, 0, time.UTC).Add(time.Duration(minutes) * time.Minute).Format(time.RFC3339)
	c["created_at"], c["updated_at"] = ts, ts
	c["body"] = body
	return c
}

// noToken fails when err's text holds the token.
func noToken(t *testing.T, err error) {
	t.Helper()
	if err != nil && strings.Contains(err.Error(), strings.TrimSpace(testToken)) {
		t.Errorf("error text holds the token: %v", err)
	}
}

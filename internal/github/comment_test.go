package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// fakeIssue is pull request #2 of Codertocat/Hello-World as the comments
// API shows it, served through the harness.
type fakeIssue struct {
	t        *testing.T
	pageSize int              // small, to make the listing paginate
	comments []map[string]any // as the API returns them, oldest first
	nextID   int64
	posts    int
	patches  []int64 // ids of the edited comments
	// createFailures answer the first POSTs with a 502, after storing the
	// comment when the entry is true.
	createFailures []bool
}

const commentsPath = "/repos/Codertocat/Hello-World/issues/2/comments"

func newFakeIssue(h *harness, t *testing.T, existing ...map[string]any) *fakeIssue {
	f := &fakeIssue{t: t, pageSize: 2, comments: existing, nextID: 900}
	h.mux.HandleFunc("GET "+commentsPath, f.list)
	h.mux.HandleFunc("POST "+commentsPath, f.create)
	h.mux.HandleFunc("PATCH /repos/Codertocat/Hello-World/issues/comments/{id}", f.edit)
	return f
}

func (f *fakeIssue) list(w http.ResponseWriter, r *http.Request) {
	page := 1
	want := map[string]string{"per_page": "100"}
	if p := r.URL.Query().Get("page"); p != "" {
		page, _ = strconv.Atoi(p)
		want["page"] = p
	}
	testFormValues(f.t, r, want)
	last := max(1, (len(f.comments)+f.pageSize-1)/f.pageSize)
	if page < last {
		linkNext(w, commentsPath, page+1, last)
	}
	from := min(len(f.comments), (page-1)*f.pageSize)
	to := min(len(f.comments), from+f.pageSize)
	writeJSON(f.t, w, http.StatusOK, f.comments[from:to])
}

// requestBody decodes a comment request, which must be {"body": "…"}.
func (f *fakeIssue) requestBody(r *http.Request) string {
	var req map[string]any
	decodeBody(f.t, r, &req)
	body, ok := req["body"].(string)
	if !ok || len(req) != 1 {
		f.t.Errorf("%s %s: request %v, want only a body", r.Method, r.URL.Path, req)
	}
	return body
}

func (f *fakeIssue) create(w http.ResponseWriter, r *http.Request) {
	f.posts++
	body := f.requestBody(r)
	c := commentJSON(f.t, f.nextID, DefaultAuthor, "Bot", body, 100+int(f.nextID))
	f.nextID++
	if len(f.createFailures) > 0 {
		landed := f.createFailures[0]
		f.createFailures = f.createFailures[1:]
		if landed {
			f.comments = append(f.comments, c)
		}
		writeJSON(f.t, w, http.StatusBadGateway, map[string]string{"message": "Server Error"})
		return
	}
	f.comments = append(f.comments, c)
	writeJSON(f.t, w, http.StatusCreated, c)
}

func (f *fakeIssue) edit(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	body := f.requestBody(r)
	f.patches = append(f.patches, id)
	for _, c := range f.comments {
		if idOf(c) == id {
			c["body"] = body
			writeJSON(f.t, w, http.StatusOK, c)
			return
		}
	}
	writeJSON(f.t, w, http.StatusNotFound, map[string]string{"message": "Not Found"})
}

// body returns the body of comment id.
func (f *fakeIssue) body(id int64) string {
	for _, c := range f.comments {
		if idOf(c) == id {
			return c["body"].(string)
		}
	}
	f.t.Fatalf("no comment %d", id)
	return ""
}

// bots returns the ids of the bot's comments.
func (f *fakeIssue) bots() []int64 {
	var ids []int64
	for _, c := range f.comments {
		if c["user"].(map[string]any)["login"] == DefaultAuthor {
			ids = append(ids, idOf(c))
		}
	}
	return ids
}

// existing is a comment already on the pull request.
func existing(t *testing.T, id int64, login, userType, body string, minutes int) map[string]any {
	return commentJSON(t, id, login, userType, body, minutes)
}

func idOf(c map[string]any) int64 { return c["id"].(int64) }

// First run creates the comment, a run with the same report leaves it, a
// run with another report edits it in place, on page 2 of the listing.
func TestUpsertCommentLifecycle(t *testing.T) {
	h := setup(t)
	f := newFakeIssue(h, t,
		existing(t, 1, "Codertocat", "User", "Merci de relire ma demande.", 0),
		existing(t, 2, "octocat", "User", "LGTM", 1),
		existing(t, 3, "dependabot[bot]", "Bot", "Bumps go-github.", 2),
	)
	ctx := context.Background()
	steps := []struct {
		body        string
		want        Action
		wantPosts   int
		wantPatches int
	}{
		{"## fsgate\n\n2 erreurs", Created, 1, 0},
		{"## fsgate\n\n2 erreurs", Unchanged, 1, 0},
		{"## fsgate\n\nAucune erreur.", Updated, 1, 1},
		{"## fsgate\n\nAucune erreur.", Unchanged, 1, 1},
	}
	for i, s := range steps {
		got, err := UpsertComment(ctx, h.client, helloWorld, 2, DefaultMarker, s.body)
		if err != nil {
			t.Fatalf("run %d: %v", i+1, err)
		}
		if got != s.want || f.posts != s.wantPosts || len(f.patches) != s.wantPatches {
			t.Fatalf("run %d: %v with %d POST and %d PATCH, want %v with %d and %d", i+1, got, f.posts, len(f.patches), s.want, s.wantPosts, s.wantPatches)
		}
		bots := f.bots()
		if len(bots) != 1 {
			t.Fatalf("run %d: bot comments %v, want one", i+1, bots)
		}
		if got, want := f.body(bots[0]), DefaultMarker+"\n"+s.body; got != want {
			t.Errorf("run %d: body %q, want %q", i+1, got, want)
		}
	}
	if len(f.comments) != 4 {
		t.Errorf("%d comments, want 4", len(f.comments))
	}
}

func TestUpsertCommentChoosesItsOwn(t *testing.T) {
	const body = "## fsgate\n\nAucune erreur."
	marked := DefaultMarker + "\n" + body
	tests := []struct {
		name       string
		sticky     Sticky
		existing   func(t *testing.T) []map[string]any
		want       Action
		wantEdited int64 // 0: none
	}{
		{"someone else's comment with the same text", Sticky{}, func(t *testing.T) []map[string]any {
			return []map[string]any{existing(t, 1, "Codertocat", "User", marked, 0)}
		}, Created, 0},
		{"a user named like the bot", Sticky{}, func(t *testing.T) []map[string]any {
			return []map[string]any{existing(t, 1, "github-actions", "User", DefaultMarker+"\nold", 0)}
		}, Created, 0},
		{"the bot's comment from another workflow", Sticky{}, func(t *testing.T) []map[string]any {
			return []map[string]any{existing(t, 1, DefaultAuthor, "Bot", "## Coverage\n\n87 %", 0)}
		}, Created, 0},
		{"the bot's comment with a similar marker", Sticky{}, func(t *testing.T) []map[string]any {
			return []map[string]any{existing(t, 1, DefaultAuthor, "Bot", "<!-- fsgate:report-v0 -->\nold", 0)}
		}, Created, 0},
		{"another bot's comment with the marker", Sticky{}, func(t *testing.T) []map[string]any {
			return []map[string]any{existing(t, 1, "dependabot[bot]", "Bot", DefaultMarker+"\nold", 0)}
		}, Created, 0},
		{"two of ours: the oldest is edited", Sticky{}, func(t *testing.T) []map[string]any {
			// Listed out of order: the date decides, not the position.
			return []map[string]any{
				existing(t, 7, DefaultAuthor, "Bot", DefaultMarker+"\nnewer", 30),
				existing(t, 5, "Codertocat", "User", DefaultMarker+"\nquoted", 5),
				existing(t, 6, DefaultAuthor, "Bot", DefaultMarker+"\nolder", 10),
			}
		}, Updated, 6},
		{"logins compare without case", Sticky{}, func(t *testing.T) []map[string]any {
			return []map[string]any{existing(t, 4, "GitHub-Actions[bot]", "Bot", DefaultMarker+"\nold", 0)}
		}, Updated, 4},
		{"the marker anywhere in ours", Sticky{}, func(t *testing.T) []map[string]any {
			return []map[string]any{existing(t, 4, DefaultAuthor, "Bot", "old\n"+DefaultMarker, 0)}
		}, Updated, 4},
		{"a configured app identity", Sticky{Author: "fsgate-app[bot]"}, func(t *testing.T) []map[string]any {
			return []map[string]any{
				existing(t, 1, DefaultAuthor, "Bot", DefaultMarker+"\nold", 0),
				existing(t, 2, "fsgate-app[bot]", "Bot", DefaultMarker+"\nold", 1),
			}
		}, Updated, 2},
		{"a configured marker", Sticky{Marker: "<!-- fsgate:export -->"}, func(t *testing.T) []map[string]any {
			return []map[string]any{
				existing(t, 1, DefaultAuthor, "Bot", DefaultMarker+"\nold", 0),
				existing(t, 2, DefaultAuthor, "Bot", "<!-- fsgate:export -->\nold", 1),
			}
		}, Updated, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			before := tt.existing(t)
			bodies := map[int64]string{}
			for _, c := range before {
				bodies[idOf(c)] = c["body"].(string)
			}
			f := newFakeIssue(h, t, before...)

			got, err := tt.sticky.Upsert(context.Background(), h.client, helloWorld, 2, body)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("action = %v, want %v", got, tt.want)
			}
			var wantPatches []int64
			if tt.wantEdited != 0 {
				wantPatches = append(wantPatches, tt.wantEdited)
			}
			if !slices.Equal(f.patches, wantPatches) {
				t.Errorf("edited %v, want %v", f.patches, wantPatches)
			}
			// Every other comment is left as it was.
			for id, b := range bodies {
				if id != tt.wantEdited && f.body(id) != b {
					t.Errorf("comment %d changed to %q", id, f.body(id))
				}
			}
			if tt.want == Created && f.posts != 1 {
				t.Errorf("%d POST, want 1", f.posts)
			}
			if tt.want != Created && f.posts != 0 {
				t.Errorf("%d POST, want none", f.posts)
			}
		})
	}
}

// A 502 on create may come after GitHub created the comment: Upsert looks
// again instead of posting a second one.
func TestUpsertCommentCreateServerError(t *testing.T) {
	tests := []struct {
		name      string
		failures  []bool // landed?
		wantErr   bool
		wantPosts int
		wantBots  int
	}{
		{"created despite the 502", []bool{true}, false, 1, 1},
		{"not created: created on the second try", []bool{false}, false, 2, 1},
		{"not created twice: error", []bool{false, false}, true, 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			f := newFakeIssue(h, t)
			f.createFailures = tt.failures
			got, err := UpsertComment(context.Background(), h.client, helloWorld, 2, DefaultMarker, "report")
			switch {
			case tt.wantErr && err == nil:
				t.Fatalf("got %v, want an error", got)
			case tt.wantErr:
				var ae *APIError
				if !errors.As(err, &ae) || ae.Status != http.StatusBadGateway {
					t.Errorf("err = %v, want the 502", err)
				}
			case err != nil:
				t.Fatal(err)
			case got != Created:
				t.Errorf("action = %v, want created", got)
			}
			if f.posts != tt.wantPosts || len(f.bots()) != tt.wantBots || len(h.waits) != 0 {
				t.Errorf("%d POST, %d bot comments, waits %v; want %d, %d, none", f.posts, len(f.bots()), h.waits, tt.wantPosts, tt.wantBots)
			}
		})
	}
}

// No answer may also mean the comment was created; a cancelled job or a
// refusal does not.
func TestUpsertCommentCreateFailures(t *testing.T) {
	ctx := context.Background()
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name      string
		ctx       context.Context
		err       error
		wantCalls []string
	}{
		{"no answer", ctx, errors.New("github: create comment: connection reset by peer"), []string{"list", "create", "list", "create"}},
		{"server error", ctx, &APIError{Status: 503}, []string{"list", "create", "list", "create"}},
		{"cancelled", cancelled, context.Canceled, []string{"list", "create"}},
		{"forbidden", ctx, &APIError{Status: 403, kind: ErrForbidden}, []string{"list", "create"}},
		{"unprocessable", ctx, &APIError{Status: 422}, []string{"list", "create"}},
	}
	for _, tt := range tests {
		c := &countingComments{createErr: []error{tt.err}}
		_, _ = UpsertComment(tt.ctx, c, helloWorld, 2, DefaultMarker, "x")
		if !slices.Equal(c.calls, tt.wantCalls) {
			t.Errorf("%s: calls %v, want %v", tt.name, c.calls, tt.wantCalls)
		}
	}
}

func TestUpsertCommentForbidden(t *testing.T) {
	h := setup(t)
	h.mux.HandleFunc("POST /repos/Codertocat/Hello-World/issues/3/comments", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration"})
	})
	h.mux.HandleFunc("GET /repos/Codertocat/Hello-World/issues/3/comments", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusOK, []any{})
	})
	_, err := UpsertComment(context.Background(), h.client, helloWorld, 3, DefaultMarker, "report")
	if !errors.Is(err, ErrForbidden) {
		t.Fatalf("err = %v, want ErrForbidden", err)
	}
	noToken(t, err)
}

// countingComments is a fake Comments that records calls.
type countingComments struct {
	comments  []Comment
	calls     []string
	createErr []error // returned by the first creates
}

func (c *countingComments) ListComments(ctx context.Context, repo Repo, number int) ([]Comment, error) {
	c.calls = append(c.calls, "list")
	return c.comments, nil
}

func (c *countingComments) CreateComment(ctx context.Context, repo Repo, number int, body string) (Comment, error) {
	c.calls = append(c.calls, "create")
	if len(c.createErr) > 0 {
		err := c.createErr[0]
		c.createErr = c.createErr[1:]
		return Comment{}, err
	}
	return Comment{ID: 1, Body: body, Author: DefaultAuthor}, nil
}

func (c *countingComments) EditComment(ctx context.Context, repo Repo, id int64, body string) (Comment, error) {
	c.calls = append(c.calls, fmt.Sprint("edit ", id))
	return Comment{ID: id, Body: body, Author: DefaultAuthor}, nil
}

func TestUpsertCommentMarker(t *testing.T) {
	for _, m := range []string{"fsgate", "<!-- a\nb -->", "<!-- a -- b -->", "<!---->", "<!-- a ->"} {
		c := &countingComments{}
		if _, err := UpsertComment(context.Background(), c, helloWorld, 2, m, "x"); err == nil {
			t.Errorf("marker %q accepted", m)
		}
		if len(c.calls) != 0 {
			t.Errorf("marker %q: calls %v before refusing", m, c.calls)
		}
	}
	// An empty marker is the default one.
	c := &countingComments{comments: []Comment{{ID: 3, Author: DefaultAuthor, Body: DefaultMarker + "\nx"}}}
	got, err := UpsertComment(context.Background(), c, helloWorld, 2, "", "x")
	if err != nil || got != Unchanged {
		t.Errorf("empty marker: %v, %v; want unchanged", got, err)
	}
}

func TestFitComment(t *testing.T) {
	const m = DefaultMarker
	long := func(n int, s string) string { return strings.Repeat(s, n) }
	tests := []struct {
		name   string
		body   string
		limit  int
		want   string // "" to check only the invariants
		notice bool
	}{
		{"marker added", "hello", 100, m + "\nhello", false},
		{"marker kept where it is", "hello\n" + m, 100, "hello\n" + m, false},
		{"exactly at the limit", long(100-len(m)-1, "a"), 100, m + "\n" + long(100-len(m)-1, "a"), false},
		{"cut at a line break", long(30, "ligne é\n"), 200, "", true},
		{"multibyte runes", long(500, "é🇫🇷"), 300, "", true},
		{"marker at the end of a long body", long(500, "x") + m, 200, "", true},
		{"GitHub's limit", long(40000, "Règle « schéma » : échec\n"), MaxCommentLength, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := fitComment(m, tt.body, tt.limit)
			if tt.want != "" && got != tt.want {
				t.Errorf("fitComment = %q, want %q", got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.limit {
				t.Errorf("%d characters, limit %d", n, tt.limit)
			}
			if !utf8.ValidString(got) {
				t.Errorf("invalid UTF-8")
			}
			if !strings.Contains(got, m) {
				t.Errorf("marker lost: %q", got)
			}
			if strings.HasSuffix(got, truncationNotice) != tt.notice {
				t.Errorf("notice = %v, want %v", !tt.notice, tt.notice)
			}
		})
	}
}

func TestActionString(t *testing.T) {
	for a, want := range map[Action]string{Created: "created", Updated: "updated", Unchanged: "unchanged", 0: "none"} {
		if a.String() != want {
			t.Errorf("%d.String() = %q, want %q", a, a.String(), want)
		}
	}
}

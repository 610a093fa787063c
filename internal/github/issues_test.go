package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"
)

const (
	issuesPath   = "/repos/Codertocat/Hello-World/issues"
	recheckLabel = "fsgate-recheck"
)

// issueJSON is an issue as the issues endpoints return it (after the
// example of the REST API documentation), with the fields fsgate reads.
func issueJSON(number int, title, body string, labels ...string) map[string]any {
	ls := make([]any, 0, len(labels))
	for i, l := range labels {
		ls = append(ls, map[string]any{"id": 208045946 + i, "name": l, "color": "f29513", "default": false})
	}
	created := time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC).Add(time.Duration(number) * time.Hour).Format(time.RFC3339)
	return map[string]any{
		"id":         1000 + number,
		"node_id":    "MDU6SXNzdWUx",
		"url":        fmt.Sprintf("https://api.github.com/repos/Codertocat/Hello-World/issues/%d", number),
		"html_url":   fmt.Sprintf("https://github.com/Codertocat/Hello-World/issues/%d", number),
		"number":     number,
		"state":      "open",
		"title":      title,
		"body":       body,
		"user":       map[string]any{"login": DefaultAuthor, "id": 41898282, "type": "Bot"},
		"labels":     ls,
		"locked":     false,
		"comments":   0,
		"created_at": created,
		"updated_at": created,
	}
}

// pullJSONInIssues is a pull request as the issues endpoint lists it: an
// issue with a pull_request member.
func pullJSONInIssues(number int, labels ...string) map[string]any {
	is := issueJSON(number, "Ajout de la demande de Lyon", "", labels...)
	is["html_url"] = fmt.Sprintf("https://github.com/Codertocat/Hello-World/pull/%d", number)
	is["pull_request"] = map[string]any{
		"url":      fmt.Sprintf("https://api.github.com/repos/Codertocat/Hello-World/pulls/%d", number),
		"html_url": fmt.Sprintf("https://github.com/Codertocat/Hello-World/pull/%d", number),
	}
	return is
}

// Three pages, pull requests among the issues: only issues come back, in
// the API's order, with the label and state asked for on every page.
func TestListOpenIssues(t *testing.T) {
	h := setup(t)
	pages := [][]map[string]any{
		{issueJSON(9, "fsgate : 2 fournisseurs de service en anomalie", "<!-- fsgate:recheck -->", recheckLabel), pullJSONInIssues(8, recheckLabel)},
		{pullJSONInIssues(7, recheckLabel)},
		{issueJSON(3, "Ancien", "à la main", recheckLabel, "bug")},
	}
	h.handle(t, "GET", issuesPath, func(w http.ResponseWriter, r *http.Request) {
		want := map[string]string{"labels": recheckLabel, "state": "open", "per_page": "100"}
		page := 1
		if p := r.URL.Query().Get("page"); p != "" {
			page, _ = strconv.Atoi(p)
			want["page"] = p
		}
		testFormValues(t, r, want)
		if page < len(pages) {
			linkNext(w, issuesPath, page+1, len(pages))
		}
		writeJSON(t, w, http.StatusOK, pages[page-1])
	})
	got, err := h.client.ListOpenIssues(context.Background(), helloWorld, recheckLabel)
	if err != nil {
		t.Fatal(err)
	}
	var numbers []int
	for _, is := range got {
		numbers = append(numbers, is.Number)
	}
	if !slices.Equal(numbers, []int{9, 3}) {
		t.Fatalf("issues %v, want [9 3] (pull requests 8 and 7 left out)", numbers)
	}
	want := Issue{
		Number: 9, Title: "fsgate : 2 fournisseurs de service en anomalie", Body: "<!-- fsgate:recheck -->",
		State: "open", Labels: []string{recheckLabel}, Author: DefaultAuthor,
		CreatedAt: time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC), URL: "https://github.com/Codertocat/Hello-World/issues/9",
	}
	if fmt.Sprint(got[0]) != fmt.Sprint(want) {
		t.Errorf("issue = %+v, want %+v", got[0], want)
	}
	if !slices.Equal(got[1].Labels, []string{recheckLabel, "bug"}) {
		t.Errorf("labels = %v", got[1].Labels)
	}
	if h.hits.Load() != 3 {
		t.Errorf("%d requests, want 3", h.hits.Load())
	}
}

// A label with a space or an accent is sent encoded and compared decoded.
func TestListOpenIssuesLabelEncoding(t *testing.T) {
	h := setup(t)
	const label = "vérification hebdo"
	h.handle(t, "GET", issuesPath, func(w http.ResponseWriter, r *http.Request) {
		testFormValues(t, r, map[string]string{"labels": label, "state": "open", "per_page": "100"})
		writeJSON(t, w, http.StatusOK, []any{})
	})
	got, err := h.client.ListOpenIssues(context.Background(), helloWorld, label)
	if err != nil || len(got) != 0 {
		t.Fatalf("got %v, %v; want none", got, err)
	}
}

// A label that could not select exactly one label is refused before any
// request.
func TestListOpenIssuesBadLabel(t *testing.T) {
	h := setup(t)
	h.forbid(t, issuesPath)
	for _, label := range []string{"", " fsgate", "a,b", "x\ny", "zero\u200bwidth", "123456789012345678901234567890123456789012345678901"} {
		if _, err := h.client.ListOpenIssues(context.Background(), helloWorld, label); err == nil {
			t.Errorf("label %q accepted", label)
		}
	}
	if _, err := h.client.ListOpenIssues(context.Background(), Repo{Owner: "a", Name: ".."}, recheckLabel); err == nil {
		t.Error("repository a/.. accepted")
	}
}

func TestCreateIssue(t *testing.T) {
	h := setup(t)
	h.handle(t, "POST", issuesPath, func(w http.ResponseWriter, r *http.Request) {
		testJSONBody(t, r, `{"title":"fsgate : 1 fournisseur de service en anomalie","body":"corps","labels":["fsgate-recheck"]}`)
		writeJSON(t, w, http.StatusCreated, issueJSON(12, "fsgate : 1 fournisseur de service en anomalie", "corps", recheckLabel))
	})
	got, err := h.client.CreateIssue(context.Background(), helloWorld, NewIssue{
		Title: "fsgate : 1 fournisseur de service en anomalie", Body: "corps", Labels: []string{recheckLabel},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Number != 12 || got.State != "open" || !slices.Equal(got.Labels, []string{recheckLabel}) {
		t.Errorf("issue = %+v", got)
	}
}

// A 502 may come after GitHub opened the issue: not retried here.
func TestCreateIssueServerErrorNotRetried(t *testing.T) {
	h := setup(t)
	h.handle(t, "POST", issuesPath, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusBadGateway, map[string]string{"message": "Server Error"})
	})
	_, err := h.client.CreateIssue(context.Background(), helloWorld, NewIssue{Title: "t", Body: "b"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != http.StatusBadGateway {
		t.Fatalf("err = %v, want the 502", err)
	}
	if h.hits.Load() != 1 || len(h.waits) != 0 {
		t.Errorf("%d requests, waits %v; want 1 and none", h.hits.Load(), h.waits)
	}
}

func TestCreateIssueRefusesBeforeSending(t *testing.T) {
	h := setup(t)
	h.forbid(t, issuesPath)
	for _, is := range []NewIssue{{Title: "", Body: "b"}, {Title: "t", Labels: []string{"a,b"}}} {
		if _, err := h.client.CreateIssue(context.Background(), helloWorld, is); err == nil {
			t.Errorf("%+v accepted", is)
		}
	}
}

func TestEditIssue(t *testing.T) {
	tests := []struct {
		name  string
		edit  IssueEdit
		want  string // JSON body of the PATCH
		state string
	}{
		{"body only", IssueEdit{Body: "nouveau"}, `{"body":"nouveau"}`, "open"},
		{"title and body", IssueEdit{Title: "fsgate : 3 fournisseurs de service en anomalie", Body: "nouveau"},
			`{"title":"fsgate : 3 fournisseurs de service en anomalie","body":"nouveau"}`, "open"},
		{"close with the last word", IssueEdit{Body: "corrigé", Close: true},
			`{"body":"corrigé","state":"closed","state_reason":"completed"}`, "closed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			h.handle(t, "PATCH", issuesPath+"/7", func(w http.ResponseWriter, r *http.Request) {
				testJSONBody(t, r, tt.want)
				is := issueJSON(7, "titre", tt.edit.Body, recheckLabel)
				is["state"] = tt.state
				writeJSON(t, w, http.StatusOK, is)
			})
			got, err := h.client.EditIssue(context.Background(), helloWorld, 7, tt.edit)
			if err != nil {
				t.Fatal(err)
			}
			if got.Number != 7 || got.State != tt.state {
				t.Errorf("issue = %+v", got)
			}
		})
	}
}

// A PATCH is the same sent twice: a server error is retried.
func TestEditIssueRetried(t *testing.T) {
	h := setup(t)
	calls := 0
	h.handle(t, "PATCH", issuesPath+"/7", func(w http.ResponseWriter, r *http.Request) {
		calls++
		testJSONBody(t, r, `{"body":"b"}`)
		if calls == 1 {
			writeJSON(t, w, http.StatusBadGateway, map[string]string{"message": "Server Error"})
			return
		}
		writeJSON(t, w, http.StatusOK, issueJSON(7, "t", "b"))
	})
	if _, err := h.client.EditIssue(context.Background(), helloWorld, 7, IssueEdit{Body: "b"}); err != nil {
		t.Fatal(err)
	}
	if calls != 2 || !slices.Equal(h.waits, []time.Duration{firstBackoff}) {
		t.Errorf("%d calls, waits %v; want 2 and [%v]", calls, h.waits, firstBackoff)
	}
}

func TestEditIssueRefusesBeforeSending(t *testing.T) {
	h := setup(t)
	h.forbid(t, issuesPath+"/")
	for _, tt := range []struct {
		number int
		edit   IssueEdit
	}{{0, IssueEdit{Body: "b"}}, {-1, IssueEdit{Body: "b"}}, {7, IssueEdit{}}} {
		if _, err := h.client.EditIssue(context.Background(), helloWorld, tt.number, tt.edit); err == nil {
			t.Errorf("#%d %+v accepted", tt.number, tt.edit)
		}
	}
}

// A token without issues: write gets ErrForbidden from every call, and the
// error never shows the token.
func TestIssuesForbidden(t *testing.T) {
	h := setup(t)
	forbidden := func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, http.StatusForbidden, map[string]string{
			"message":           "Resource not accessible by integration",
			"documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue",
		})
	}
	h.mux.HandleFunc(issuesPath, forbidden)
	h.mux.HandleFunc(issuesPath+"/7", forbidden)
	ctx := context.Background()
	_, err1 := h.client.ListOpenIssues(ctx, helloWorld, recheckLabel)
	_, err2 := h.client.CreateIssue(ctx, helloWorld, NewIssue{Title: "t", Body: "b"})
	_, err3 := h.client.EditIssue(ctx, helloWorld, 7, IssueEdit{Body: "b", Close: true})
	for i, err := range []error{err1, err2, err3} {
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("call %d: err = %v, want ErrForbidden", i+1, err)
		}
		noToken(t, err)
	}
	if len(h.waits) != 0 {
		t.Errorf("waits %v: a permission error is not retried", h.waits)
	}
}

package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

const (
	commitPullsPath = "/repos/Codertocat/Hello-World/commits/" + headSHA + "/pulls"
	pullsPath       = "/repos/Codertocat/Hello-World/pulls"
	otherSHA        = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
)

// pullJSON is testdata/pull_request.json (pull request #2 of
// Codertocat/Hello-World, head ec26c3e) with another number, state or head.
func pullJSON(t *testing.T, number int, state, sha string) map[string]any {
	t.Helper()
	pr := fixture(t, "pull_request.json")
	pr["number"] = number
	pr["state"] = state
	pr["html_url"] = fmt.Sprintf("https://github.com/Codertocat/Hello-World/pull/%d", number)
	pr["head"].(map[string]any)["sha"] = sha
	return pr
}

// withBase moves a pull request to another base repository.
func withBase(pr map[string]any, fullName string) map[string]any {
	pr["base"].(map[string]any)["repo"].(map[string]any)["full_name"] = fullName
	return pr
}

func TestFindPullRequest(t *testing.T) {
	tests := []struct {
		name        string
		withCommit  func(t *testing.T, w http.ResponseWriter) // nil: not asked
		openPages   func(t *testing.T) [][]map[string]any     // nil: not asked
		wantNumber  int
		wantErr     error
		wantOpenAsk bool
	}{
		{
			name: "the commit's pull request, as the API numbers it",
			withCommit: func(t *testing.T, w http.ResponseWriter) {
				writeJSON(t, w, 200, []any{pullJSON(t, 1, "closed", headSHA), fixture(t, "pull_request.json")})
			},
			wantNumber: 2,
		},
		{
			name: "none with the commit: scan the open ones, found on page 2",
			withCommit: func(t *testing.T, w http.ResponseWriter) {
				writeJSON(t, w, 200, []any{})
			},
			openPages: func(t *testing.T) [][]map[string]any {
				return [][]map[string]any{
					{pullJSON(t, 10, "open", otherSHA), pullJSON(t, 9, "open", otherSHA)},
					{pullJSON(t, 8, "open", headSHA)},
				}
			},
			wantNumber: 8,
		},
		{
			name: "commit unknown here (a fork's): scan the open ones",
			withCommit: func(t *testing.T, w http.ResponseWriter) {
				writeJSON(t, w, http.StatusUnprocessableEntity, map[string]string{"message": "No commit found for SHA: " + headSHA})
			},
			openPages: func(t *testing.T) [][]map[string]any {
				return [][]map[string]any{{pullJSON(t, 5, "open", headSHA)}}
			},
			wantNumber: 5,
		},
		{
			name: "only closed or other heads or other bases",
			withCommit: func(t *testing.T, w http.ResponseWriter) {
				writeJSON(t, w, 200, []any{
					pullJSON(t, 1, "closed", headSHA),
					pullJSON(t, 3, "open", otherSHA),
					withBase(pullJSON(t, 4, "open", headSHA), "Codertocat/Other"),
				})
			},
			openPages: func(t *testing.T) [][]map[string]any {
				return [][]map[string]any{{pullJSON(t, 3, "open", otherSHA)}}
			},
			wantErr: ErrNoPullRequest,
		},
		{
			name: "the same head proposed twice",
			withCommit: func(t *testing.T, w http.ResponseWriter) {
				writeJSON(t, w, 200, []any{pullJSON(t, 6, "open", headSHA), pullJSON(t, 2, "open", headSHA)})
			},
			wantErr: ErrAmbiguousPullRequest,
		},
		{
			name: "forbidden",
			withCommit: func(t *testing.T, w http.ResponseWriter) {
				writeJSON(t, w, http.StatusForbidden, map[string]string{"message": "Resource not accessible by integration"})
			},
			wantErr: ErrForbidden,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			h.handle(t, "GET", commitPullsPath, func(w http.ResponseWriter, r *http.Request) {
				testFormValues(t, r, map[string]string{"per_page": "100"})
				tt.withCommit(t, w)
			})
			openAsked := false
			if tt.openPages == nil {
				h.forbid(t, pullsPath)
			} else {
				pages := tt.openPages(t)
				h.handle(t, "GET", pullsPath, func(w http.ResponseWriter, r *http.Request) {
					openAsked = true
					want := map[string]string{"state": "open", "sort": "updated", "direction": "desc", "per_page": "100"}
					page := 1
					if p := r.URL.Query().Get("page"); p != "" {
						want["page"] = p
						fmt.Sscan(p, &page)
					}
					testFormValues(t, r, want)
					if page < len(pages) {
						linkNext(w, pullsPath, page+1, len(pages))
					}
					writeJSON(t, w, 200, pages[page-1])
				})
			}

			pr, err := FindPullRequest(context.Background(), h.client, helloWorld, headSHA)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if pr.Number != tt.wantNumber || pr.HeadSHA != headSHA || pr.State != "open" || pr.BaseRepo != "Codertocat/Hello-World" {
				t.Errorf("pull request = %+v, want #%d", pr, tt.wantNumber)
			}
			if tt.openPages != nil && !openAsked {
				t.Errorf("open pull requests not listed")
			}
		})
	}
}

func TestFindPullRequestFields(t *testing.T) {
	h := setup(t)
	h.handle(t, "GET", commitPullsPath, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(t, w, 200, []any{fixture(t, "pull_request.json")})
	})
	pr, err := FindPullRequest(context.Background(), h.client, helloWorld, headSHA)
	if err != nil {
		t.Fatal(err)
	}
	want := PullRequest{
		Number:   2,
		State:    "open",
		HeadSHA:  headSHA,
		HeadRef:  "changes",
		HeadRepo: "Codertocat/Hello-World",
		BaseRef:  "master",
		BaseRepo: "Codertocat/Hello-World",
		URL:      "https://github.com/Codertocat/Hello-World/pull/2",
	}
	if pr != want {
		t.Errorf("pull request = %+v, want %+v", pr, want)
	}
}

func TestFindPullRequestAmbiguousText(t *testing.T) {
	f := fakePulls{withCommit: []PullRequest{
		{Number: 6, State: "open", HeadSHA: headSHA, BaseRepo: "codertocat/hello-world"},
		{Number: 2, State: "open", HeadSHA: headSHA, BaseRepo: "Codertocat/Hello-World"},
		{Number: 2, State: "open", HeadSHA: headSHA, BaseRepo: "Codertocat/Hello-World"},
	}}
	_, err := FindPullRequest(context.Background(), f, helloWorld, headSHA)
	if err == nil || !strings.HasSuffix(err.Error(), ": #2, #6") {
		t.Errorf("err = %v, want the numbers #2, #6", err)
	}
}

func TestFindPullRequestRefusesSHA(t *testing.T) {
	for _, sha := range []string{"", "ec26c3e", "../../../user", headSHA + "/../x", "HEAD"} {
		if _, err := FindPullRequest(context.Background(), fakePulls{}, helloWorld, sha); err == nil {
			t.Errorf("FindPullRequest(%q) accepted", sha)
		}
	}
}

// fakePulls serves pull requests from memory; its methods fail the test
// when they are not expected.
type fakePulls struct {
	withCommit []PullRequest
	open       []PullRequest
}

func (f fakePulls) ListPullRequestsWithCommit(ctx context.Context, repo Repo, sha string) ([]PullRequest, error) {
	return f.withCommit, nil
}

func (f fakePulls) ListOpenPullRequests(ctx context.Context, repo Repo) ([]PullRequest, error) {
	return f.open, nil
}

func (f fakePulls) ListFiles(ctx context.Context, repo Repo, number int) ([]File, error) {
	return nil, errors.New("not expected")
}

func TestListFiles(t *testing.T) {
	h := setup(t)
	const path = "/repos/Codertocat/Hello-World/pulls/2/files"
	file := func(name, status, previous string) map[string]any {
		f := fixture(t, "pull_request_file.json")
		f["filename"], f["status"] = name, status
		if previous != "" {
			f["previous_filename"] = previous
		}
		return f
	}
	pages := [][]map[string]any{
		{file("providers/franceconnect/integration/a.yaml", "added", ""), file("README.md", "modified", "")},
		{file("providers/franceconnect/production/b.yaml", "renamed", "providers/franceconnect/integration/b.yaml")},
		{file("providers/franceconnect-plus/production/c.yaml", "removed", "")},
	}
	var asked []string
	h.handle(t, "GET", path, func(w http.ResponseWriter, r *http.Request) {
		page := 1
		want := map[string]string{"per_page": "100"}
		if p := r.URL.Query().Get("page"); p != "" {
			want["page"] = p
			fmt.Sscan(p, &page)
		}
		asked = append(asked, r.URL.Query().Get("page"))
		testFormValues(t, r, want)
		if page < len(pages) {
			linkNext(w, path, page+1, len(pages))
		}
		writeJSON(t, w, 200, pages[page-1])
	})

	files, err := h.client.ListFiles(context.Background(), helloWorld, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []File{
		{Path: "providers/franceconnect/integration/a.yaml", Status: "added"},
		{Path: "README.md", Status: "modified"},
		{Path: "providers/franceconnect/production/b.yaml", PreviousPath: "providers/franceconnect/integration/b.yaml", Status: "renamed"},
		{Path: "providers/franceconnect-plus/production/c.yaml", Status: "removed"},
	}
	if !slices.Equal(files, want) {
		t.Errorf("files = %+v, want %+v", files, want)
	}
	if !slices.Equal(asked, []string{"", "2", "3"}) {
		t.Errorf("pages asked %q, want first, 2, 3", asked)
	}
}

// A Link header that never ends does not keep the job looping.
func TestPaginationBounded(t *testing.T) {
	h := setup(t)
	const path = "/repos/Codertocat/Hello-World/pulls/2/files"
	h.handle(t, "GET", path, func(w http.ResponseWriter, r *http.Request) {
		var page int
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		linkNext(w, path, page+1, page+2)
		writeJSON(t, w, 200, []any{fixture(t, "pull_request_file.json")})
	})
	_, err := h.client.ListFiles(context.Background(), helloWorld, 2)
	if err == nil || !strings.Contains(err.Error(), "more than 100 pages") {
		t.Errorf("err = %v, want too many pages", err)
	}
	if got := h.hits.Load(); got != maxPages {
		t.Errorf("%d requests, want %d", got, maxPages)
	}
}

func TestClientRefusesBadArguments(t *testing.T) {
	h := setup(t)
	ctx := context.Background()
	bad := Repo{Owner: "Codertocat", Name: "../../user"}
	errs := []error{
		func() error { _, err := h.client.ListComments(ctx, bad, 2); return err }(),
		func() error { _, err := h.client.ListComments(ctx, helloWorld, 0); return err }(),
		func() error { _, err := h.client.CreateComment(ctx, bad, 2, "x"); return err }(),
		func() error { _, err := h.client.EditComment(ctx, bad, 2, "x"); return err }(),
		func() error { _, err := h.client.ListFiles(ctx, helloWorld, -1); return err }(),
		func() error { _, err := h.client.ListPullRequestsWithCommit(ctx, helloWorld, "main"); return err }(),
		func() error { _, err := h.client.ListOpenPullRequests(ctx, bad); return err }(),
		func() error { _, err := h.client.CreateCheckRun(ctx, helloWorld, "main", CheckRun{}); return err }(),
		func() error {
			_, err := h.client.CreateCheckRun(ctx, helloWorld, headSHA, CheckRun{Annotations: annotations(51)})
			return err
		}(),
		h.client.UpdateCheckRun(ctx, bad, 1, CheckRun{}),
		h.client.UpdateCheckRun(ctx, helloWorld, 1, CheckRun{Annotations: annotations(51)}),
	}
	for i, err := range errs {
		if err == nil {
			t.Errorf("call %d accepted", i+1)
		}
	}
	if n := h.hits.Load(); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

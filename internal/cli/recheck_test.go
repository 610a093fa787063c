package cli

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// recheckReport is a report of fsgate validate --online --format json with
// one broken JWKS.
const recheckReport = `{
  "version": 1,
  "findings": [
    {"path": "providers/franceconnect-plus/production/lyon-portail-famille.yaml", "line": 18, "column": 12,
     "pointer": "/spec/jwksUri", "rule": "jwks-content", "severity": "error",
     "message": "` + "`spec.jwksUri`" + ` → JWKS : aucune clé utilisable\n::error::injecté",
     "doc": "docs/rules/jwks-content.md"}
  ],
  "files": [{"path": "providers/franceconnect-plus/production/lyon-portail-famille.yaml", "errors": 1, "warnings": 0}],
  "summary": {"files": 1, "errors": 1, "warnings": 0}
}
`

// fakeGitHub answers the issues endpoints of fsgate/fsgate: list with
// status listStatus, create, and records what it was sent.
type fakeGitHub struct {
	mu         sync.Mutex
	listStatus int
	created    []map[string]any
}

func (g *fakeGitHub) server(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /repos/fsgate/fsgate/issues", func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("Authorization"); got != "Bearer ghs_test" {
			t.Errorf("Authorization = %q", got)
		}
		if q := r.URL.Query(); q.Get("labels") != "fsgate-recheck" || q.Get("state") != "open" {
			t.Errorf("query = %v", q)
		}
		w.Header().Set("Content-Type", "application/json")
		if g.listStatus != http.StatusOK {
			w.WriteHeader(g.listStatus)
			_, _ = w.Write([]byte(`{"message":"Resource not accessible by integration"}`))
			return
		}
		_, _ = w.Write([]byte(`[]`))
	})
	mux.HandleFunc("POST /repos/fsgate/fsgate/issues", func(w http.ResponseWriter, r *http.Request) {
		var req map[string]any
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Error(err)
		}
		g.mu.Lock()
		g.created = append(g.created, req)
		g.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]any{"number": 1, "state": "open", "title": req["title"], "body": req["body"],
			"labels": []any{map[string]any{"name": "fsgate-recheck"}}, "html_url": "https://github.com/fsgate/fsgate/issues/1"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "unexpected", http.StatusTeapot)
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func recheckEnv(apiURL, summary string) map[string]string {
	return map[string]string{
		"GITHUB_REPOSITORY": "fsgate/fsgate", "GITHUB_TOKEN": "ghs_test", "GITHUB_API_URL": apiURL,
		"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REF_NAME": "main", "GITHUB_RUN_ID": "13453312345",
		"GITHUB_STEP_SUMMARY": summary,
	}
}

func TestRecheckOpensTheIssue(t *testing.T) {
	g := &fakeGitHub{listStatus: http.StatusOK}
	s := g.server(t)
	root := tree(t, map[string]string{
		"CODEOWNERS":    "/providers/ @fsgate/fc-integration-reviewers\n",
		"findings.json": recheckReport,
	})
	summary := filepath.Join(t.TempDir(), "summary.md")
	code, stdout, stderr := run(t, root, recheckEnv(s.URL, summary), "recheck", "--result", "findings.json")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if len(g.created) != 1 {
		t.Fatalf("%d issues created, want 1", len(g.created))
	}
	is := g.created[0]
	body, _ := is["body"].(string)
	if is["title"] != "fsgate : 1 fournisseur de service en anomalie" ||
		!strings.Contains(body, "Propriétaires (CODEOWNERS) : @fsgate/fc-integration-reviewers\n") ||
		!strings.Contains(body, "https://github.com/fsgate/fsgate/actions/runs/13453312345") ||
		!strings.Contains(body, "_Vérification du 2026-12-01") {
		t.Errorf("issue %v", is)
	}
	if labels, _ := is["labels"].([]any); len(labels) != 1 || labels[0] != "fsgate-recheck" {
		t.Errorf("labels %v", is["labels"])
	}
	// The log names the finding on one line: the newline in its message
	// does not start a workflow command.
	for _, line := range strings.Split(stdout, "\n") {
		if strings.HasPrefix(line, "::error::") {
			t.Errorf("a message started a workflow command: %q", line)
		}
	}
	if !strings.Contains(stdout, "- providers/franceconnect-plus/production/lyon-portail-famille.yaml:18: erreur [jwks-content]") ||
		!strings.Contains(stdout, "ticket #1 ouvert") {
		t.Errorf("stdout:\n%s", stdout)
	}
	sum, err := os.ReadFile(summary)
	if err != nil || !strings.Contains(string(sum), "## fsgate recheck") || !strings.Contains(string(sum), "jwks-content") {
		t.Errorf("summary %q, %v", sum, err)
	}
}

// A token that may not touch issues: a warning, exit 0.
func TestRecheckForbidden(t *testing.T) {
	g := &fakeGitHub{listStatus: http.StatusForbidden}
	s := g.server(t)
	root := tree(t, map[string]string{"findings.json": recheckReport})
	code, stdout, stderr := run(t, root, recheckEnv(s.URL, ""), "recheck", "--result", "findings.json")
	if code != ExitOK || !strings.Contains(stdout, "::warning::fsgate : GitHub a refusé") || len(g.created) != 0 {
		t.Errorf("exit %d, stdout %s, stderr %s", code, stdout, stderr)
	}
}

func TestRecheckUsage(t *testing.T) {
	g := &fakeGitHub{listStatus: http.StatusNotFound}
	s := g.server(t)
	root := tree(t, map[string]string{"findings.json": recheckReport, "bad.json": `{"version":1}`})
	env := recheckEnv(s.URL, "")
	without := func(k string) map[string]string {
		e := map[string]string{}
		for key, v := range env {
			if key != k {
				e[key] = v
			}
		}
		return e
	}
	tests := []struct {
		name string
		env  map[string]string
		args []string
		err  string
	}{
		{"no result", env, []string{"recheck"}, "needs --result"},
		{"an argument", env, []string{"recheck", "--result", "findings.json", "providers"}, "no argument"},
		{"bad label", env, []string{"recheck", "--result", "findings.json", "--label", "a,b"}, "--label"},
		{"no repository", without("GITHUB_REPOSITORY"), []string{"recheck", "--result", "findings.json"}, "GITHUB_REPOSITORY"},
		{"no branch", without("GITHUB_REF_NAME"), []string{"recheck", "--result", "findings.json"}, "GITHUB_REF_NAME"},
		{"missing report", env, []string{"recheck", "--result", "nope.json"}, "no such file"},
		{"not a report", env, []string{"recheck", "--result", "bad.json"}, "no findings array"},
		{"API failure", env, []string{"recheck", "--result", "findings.json"}, "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, root, tt.env, tt.args...)
			if code != ExitUsage || !strings.Contains(stderr, tt.err) {
				t.Errorf("exit %d, stderr %q; want %d with %q", code, stderr, ExitUsage, tt.err)
			}
		})
	}
}

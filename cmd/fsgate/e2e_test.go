package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fsgate/fsgate/internal/gittest"
)

// The whole pull request flow with the real binary: `fsgate action` in a
// git checkout with a real webhook payload, then `fsgate comment` against
// a fake GitHub API, twice (the second run must not post again).

func build(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "fsgate")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func gitRepo(t *testing.T) (dir, base, head string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir = t.TempDir()
	run := func(args ...string) string { return gittest.Run(t, dir, args...) }
	valid, err := os.ReadFile("../../internal/validate/testdata/valid/fcp-production-ecdh.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "providers/franceconnect-plus/production/lyon-portail-famille.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(content string) {
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(string(valid))
	run("init", "-q", "-b", "main")
	run("add", ".")
	run("commit", "-q", "-m", "base")
	base = run("rev-parse", "HEAD")
	write(strings.Replace(string(valid), "signature: ES256", "signature: HS256", 1))
	run("commit", "-q", "-am", "pull request")
	return dir, base, run("rev-parse", "HEAD")
}

// fakeGitHub serves the few endpoints fsgate comment uses and records what
// it was asked.
type fakeGitHub struct {
	mu        sync.Mutex
	t         *testing.T
	head      string
	comments  []map[string]any
	created   int
	edited    int
	checkRuns []map[string]any
}

func (f *fakeGitHub) handler() http.Handler {
	mux := http.NewServeMux()
	repo := "/api/repos/Codertocat/Hello-World"
	mux.HandleFunc("GET "+repo+"/commits/{sha}/pulls", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("sha") != f.head {
			f.t.Errorf("PR looked up for %s, want %s", r.PathValue("sha"), f.head)
		}
		raw, err := os.ReadFile("testdata/pull_request.opened.json")
		if err != nil {
			f.t.Fatal(err)
		}
		var payload map[string]any
		if err := json.Unmarshal(raw, &payload); err != nil {
			f.t.Fatal(err)
		}
		pr := payload["pull_request"].(map[string]any)
		pr["head"].(map[string]any)["sha"] = f.head
		json.NewEncoder(w).Encode([]any{pr})
	})
	mux.HandleFunc("GET "+repo+"/issues/2/comments", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		json.NewEncoder(w).Encode(f.comments)
	})
	mux.HandleFunc("POST "+repo+"/issues/2/comments", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var body struct{ Body string }
		json.NewDecoder(r.Body).Decode(&body)
		c := map[string]any{"id": 100 + len(f.comments), "body": body.Body,
			"user": map[string]any{"login": "github-actions[bot]", "type": "Bot"}, "created_at": "2026-12-01T10:00:00Z"}
		f.comments = append(f.comments, c)
		f.created++
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(c)
	})
	mux.HandleFunc("PATCH "+repo+"/issues/comments/{id}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.edited++
		json.NewEncoder(w).Encode(f.comments[0])
	})
	mux.HandleFunc("POST "+repo+"/check-runs", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var run map[string]any
		json.NewDecoder(r.Body).Decode(&run)
		f.checkRuns = append(f.checkRuns, run)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"id": 7})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
		http.NotFound(w, r)
	})
	return mux
}

func TestPullRequestFlow(t *testing.T) {
	bin := build(t)
	dir, base, head := gitRepo(t)
	tmp := t.TempDir()

	// The pull_request event, as GitHub writes it, for our two commits.
	raw, err := os.ReadFile("testdata/pull_request.opened.json")
	if err != nil {
		t.Fatal(err)
	}
	var payload map[string]any
	json.Unmarshal(raw, &payload)
	pr := payload["pull_request"].(map[string]any)
	pr["base"].(map[string]any)["sha"] = base
	pr["head"].(map[string]any)["sha"] = head
	event, _ := json.Marshal(payload)
	eventPath := filepath.Join(tmp, "event.json")
	os.WriteFile(eventPath, event, 0o644)
	output, summary := filepath.Join(tmp, "output"), filepath.Join(tmp, "summary")
	os.WriteFile(output, nil, 0o644)
	os.WriteFile(summary, nil, 0o644)
	resultDir := filepath.Join(tmp, "result")

	action := exec.Command(bin, "action", "--root", dir, "--result-dir", resultDir)
	action.Env = []string{
		"GITHUB_ACTIONS=true", "GITHUB_EVENT_NAME=pull_request", "GITHUB_EVENT_PATH=" + eventPath,
		"GITHUB_REPOSITORY=Codertocat/Hello-World", "GITHUB_SHA=" + head, "GITHUB_SERVER_URL=https://github.com",
		"GITHUB_OUTPUT=" + output, "GITHUB_STEP_SUMMARY=" + summary, "PATH=" + os.Getenv("PATH"),
		"FSGATE_TODAY=2026-12-01",
	}
	stdout, err := action.Output()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
		t.Fatalf("fsgate action: %v, want exit 1\n%s", err, stdout)
	}
	if !strings.Contains(string(stdout), "::error file=providers/franceconnect-plus/production/lyon-portail-famille.yaml,line=21,col=14,title=fsgate [schema]::`spec.signature` doit valoir ES256 ou RS256") {
		t.Errorf("annotation missing:\n%s", stdout)
	}
	if out, _ := os.ReadFile(output); !strings.Contains(string(out), "errors<<") {
		t.Errorf("outputs: %s", out)
	}

	// The privileged half, against the fake API, from the default
	// branch's checkout (this repository: its CODEOWNERS).
	fake := &fakeGitHub{t: t, head: head}
	srv := httptest.NewServer(fake.handler())
	defer srv.Close()
	runEvent := filepath.Join(tmp, "workflow_run.json")
	os.WriteFile(runEvent, []byte(`{"workflow_run":{"head_sha":"`+head+`","html_url":"https://github.com/Codertocat/Hello-World/actions/runs/1"}}`), 0o644)
	comment := func() string {
		cmd := exec.Command(bin, "comment", "--result", filepath.Join(resultDir, "result.json"))
		cmd.Dir = "../.."
		cmd.Env = []string{"GITHUB_REPOSITORY=Codertocat/Hello-World", "GITHUB_EVENT_PATH=" + runEvent,
			"GITHUB_API_URL=" + srv.URL + "/api/", "GITHUB_TOKEN=test-token", "PATH=" + os.Getenv("PATH")}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fsgate comment: %v\n%s", err, out)
		}
		return string(out)
	}
	first := comment()
	second := comment()
	if fake.created != 1 || fake.edited != 0 {
		t.Errorf("created %d, edited %d comments; want 1 and 0\n%s\n%s", fake.created, fake.edited, first, second)
	}
	body := fake.comments[0]["body"].(string)
	for _, want := range []string{
		"<!-- fsgate:report -->",
		"❌ 1 erreur à corriger",
		"`spec.signature` doit valoir ES256 ou RS256",
		"https://github.com/Codertocat/Hello-World/blob/" + head + "/providers/franceconnect-plus/production/lyon-portail-famille.yaml#L21",
		"`@fsgate/franceconnect-reviewers`",
		"#### À la fusion",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("comment lacks %q:\n%s", want, body)
		}
	}
	t.Logf("comment:\n%s", body)
	if len(fake.checkRuns) != 2 {
		t.Fatalf("%d check runs, want one per comment run", len(fake.checkRuns))
	}
	run := fake.checkRuns[0]
	if run["name"] != "fsgate" || run["conclusion"] != "failure" || run["head_sha"] != head {
		t.Errorf("check run: %v", run)
	}
	anns := run["output"].(map[string]any)["annotations"].([]any)
	if len(anns) != 1 || anns[0].(map[string]any)["start_line"].(float64) != 21 {
		t.Errorf("annotations: %v", anns)
	}
}

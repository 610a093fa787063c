package action

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/gittest"

	"github.com/sethvargo/go-githubactions"

	"github.com/fsgate/fsgate/internal/cache"
	"github.com/fsgate/fsgate/internal/git"
	"github.com/fsgate/fsgate/internal/result"
)

var today = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// prRepo is a git repository with a base commit holding a valid request and
// a pull request commit that changes it and adds others.
type prRepo struct {
	dir, base, head string
}

func newPRRepo(t *testing.T, change func(dir string, write func(path, content string))) prRepo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	run := func(args ...string) string { return gittest.Run(t, dir, args...) }
	write := func(path, content string) {
		full := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	valid, err := os.ReadFile("../validate/testdata/valid/fcp-production-ecdh.yaml")
	if err != nil {
		t.Fatal(err)
	}
	run("init", "-q", "-b", "main")
	write("providers/franceconnect-plus/production/lyon-portail-famille.yaml", string(valid))
	write("README.md", "fsgate\n")
	run("add", ".")
	run("commit", "-q", "-m", "base")
	base := run("rev-parse", "HEAD")
	change(dir, write)
	run("add", "-A")
	run("commit", "-q", "-m", "pull request")
	return prRepo{dir: dir, base: base, head: run("rev-parse", "HEAD")}
}

// githubEnv writes the real webhook payload with the repository's commits
// and returns the GITHUB_* environment of a pull_request job.
func githubEnv(t *testing.T, r prRepo) map[string]string {
	t.Helper()
	raw, err := os.ReadFile("testdata/pull_request.opened.json")
	if err != nil {
		t.Fatal(err)
	}
	var payload map[string]any
	if err := json.Unmarshal(raw, &payload); err != nil {
		t.Fatal(err)
	}
	pr := payload["pull_request"].(map[string]any)
	pr["base"].(map[string]any)["sha"] = r.base
	pr["head"].(map[string]any)["sha"] = r.head
	tmp := t.TempDir()
	eventPath := filepath.Join(tmp, "event.json")
	data, _ := json.Marshal(payload)
	if err := os.WriteFile(eventPath, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"output", "summary"} {
		if err := os.WriteFile(filepath.Join(tmp, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return map[string]string{
		"GITHUB_ACTIONS":      "true",
		"GITHUB_EVENT_NAME":   "pull_request",
		"GITHUB_EVENT_PATH":   eventPath,
		"GITHUB_REPOSITORY":   "Codertocat/Hello-World",
		"GITHUB_SHA":          r.head,
		"GITHUB_SERVER_URL":   "https://github.com",
		"GITHUB_OUTPUT":       filepath.Join(tmp, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary"),
	}
}

func runAction(t *testing.T, r prRepo, env map[string]string) (int, string, string) {
	t.Helper()
	var stdout bytes.Buffer
	getenv := func(k string) string { return env[k] }
	gh := githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(&stdout))
	resultDir := filepath.Join(t.TempDir(), "result")
	code, err := Run(context.Background(), gh, getenv, git.Repo{Dir: r.dir}, &stdout,
		Options{Root: r.dir, ResultDir: resultDir, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), resultDir
}

func TestPullRequestWithErrors(t *testing.T) {
	valid, _ := os.ReadFile("../validate/testdata/valid/fcp-production-ecdh.yaml")
	r := newPRRepo(t, func(_ string, write func(string, string)) {
		// The PR breaks the existing request and adds a second, broken one.
		write("providers/franceconnect-plus/production/lyon-portail-famille.yaml",
			strings.Replace(string(valid), "signature: ES256", "signature: HS256", 1))
		write("providers/franceconnect-plus/production/grenoble-famille.yaml",
			strings.NewReplacer("name: lyon-portail-famille", "name: grenoble-famille",
				"datapass: D12345", "datapass: D22222", "displayName: Lyon", "displayName: Grenoble",
				"apiVersion: fsgate/v1", "apiVersion: fsgate/v9").Replace(string(valid)))
		write("README.md", "fsgate, édité\n")
	})
	env := githubEnv(t, r)
	code, stdout, resultDir := runAction(t, r, env)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	// Annotations on the exact lines.
	for _, want := range []string{
		"::error file=providers/franceconnect-plus/production/lyon-portail-famille.yaml,line=21,col=14,",
		"::error file=providers/franceconnect-plus/production/grenoble-famille.yaml,line=2,col=13,",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("no annotation %q in:\n%s", want, stdout)
		}
	}
	outputs, _ := os.ReadFile(env["GITHUB_OUTPUT"])
	for _, want := range []string{"errors<<", "\n2\n", "warnings<<"} {
		if !strings.Contains(string(outputs), want) {
			t.Errorf("GITHUB_OUTPUT lacks %q:\n%s", want, outputs)
		}
	}
	summary, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
	if !strings.Contains(string(summary), "❌ 2 erreurs à corriger") {
		t.Errorf("summary:\n%s", summary)
	}
	f, err := os.Open(filepath.Join(resultDir, result.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := result.Read(f)
	if err != nil {
		t.Fatalf("the action's own result does not read back: %v", err)
	}
	if res.HeadSHA != r.head || res.BaseSHA != r.base || res.PullRequest != 2 || res.Summary.Errors != 2 || len(res.Files) != 2 {
		t.Errorf("result: %+v", res)
	}
	if len(res.Changed) != 3 {
		t.Errorf("changed paths: %v", res.Changed)
	}
	comment, _ := os.ReadFile(filepath.Join(resultDir, result.CommentFile))
	if len(comment) == 0 || !bytes.Contains(summary, comment) {
		t.Errorf("the summary does not carry comment.md")
	}
}

func TestPullRequestWithoutRequests(t *testing.T) {
	r := newPRRepo(t, func(_ string, write func(string, string)) { write("README.md", "autre\n") })
	code, stdout, resultDir := runAction(t, r, githubEnv(t, r))
	if code != 0 || strings.Contains(stdout, "::error") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
	data, _ := os.ReadFile(filepath.Join(resultDir, result.FileName))
	if !strings.Contains(string(data), `"files": []`) {
		t.Errorf("result:\n%s", data)
	}
}

func TestMixedChange(t *testing.T) {
	valid, _ := os.ReadFile("../validate/testdata/valid/fcp-production-ecdh.yaml")
	r := newPRRepo(t, func(_ string, write func(string, string)) {
		write("providers/franceconnect-plus/production/lyon-portail-famille.yaml",
			strings.Replace(string(valid), "Lyon - Portail Famille", "Lyon - Portail des familles", 1))
		write("schema/service-provider.schema.json", "{}\n")
	})
	code, stdout, _ := runAction(t, r, githubEnv(t, r))
	if code != 1 || !strings.Contains(stdout, "::error file=schema/service-provider.schema.json,line=1,col=1,title=fsgate [mixed-change]") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}

func TestShallowCloneFallsBackToEverything(t *testing.T) {
	r := newPRRepo(t, func(_ string, write func(string, string)) { write("README.md", "x\n") })
	env := githubEnv(t, r)
	var stdout bytes.Buffer
	getenv := func(k string) string { return env[k] }
	gh := githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(&stdout))
	code, err := Run(context.Background(), gh, getenv, failingChanges{}, &stdout, Options{Root: r.dir, Today: today})
	if err != nil || code != 0 {
		t.Fatalf("exit %d, %v", code, err)
	}
	if !strings.Contains(stdout.String(), "::warning::fsgate: cannot list the changed files") {
		t.Errorf("no warning:\n%s", stdout.String())
	}
}

type failingChanges struct{}

func (failingChanges) ChangedFiles(context.Context, string, string) ([]git.Change, error) {
	return nil, os.ErrNotExist
}

func TestMixedChangeRule(t *testing.T) {
	tests := []struct {
		changed []string
		want    bool
	}{
		{[]string{"providers/a/b/c.yaml", "go.mod"}, true},
		{[]string{"providers/a/b/c.yaml", "internal/x.go"}, true},
		{[]string{"providers/a/b/c.yaml", "README.md"}, false},
		{[]string{"internal/x.go", "schema/s.json"}, false},
		{[]string{"providers/a/b/c.yaml"}, false},
	}
	for _, tt := range tests {
		if got := len(mixedChange(tt.changed)) > 0; got != tt.want {
			t.Errorf("%v: %v, want %v", tt.changed, got, tt.want)
		}
	}
}

func TestPullRequestRemovingARequest(t *testing.T) {
	r := newPRRepo(t, func(dir string, _ func(string, string)) {
		if err := os.Remove(filepath.Join(dir, "providers/franceconnect-plus/production/lyon-portail-famille.yaml")); err != nil {
			t.Fatal(err)
		}
	})
	code, stdout, _ := runAction(t, r, githubEnv(t, r))
	if code != 0 {
		t.Errorf("a removal is a warning: exit %d", code)
	}
	if !strings.Contains(stdout, "::warning file=providers/franceconnect-plus/production/lyon-portail-famille.yaml,title=fsgate [provider-removed]::") {
		t.Errorf("no removal warning:\n%s", stdout)
	}
}

// TestCacheIsReused: a second run over the same tree with the same cache
// serves unchanged files from it and reports the same findings.
func TestCacheIsReused(t *testing.T) {
	valid, _ := os.ReadFile("../validate/testdata/valid/fcp-production-ecdh.yaml")
	r := newPRRepo(t, func(_ string, write func(string, string)) {
		write("providers/franceconnect-plus/production/lyon-portail-famille.yaml",
			strings.Replace(string(valid), "signature: ES256", "signature: HS256", 1))
	})
	env := githubEnv(t, r)
	c := &cache.Cache{Dir: t.TempDir()}
	run := func() string {
		var out bytes.Buffer
		getenv := func(k string) string { return env[k] }
		gh := githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(&out))
		if _, err := Run(context.Background(), gh, getenv, git.Repo{Dir: r.dir}, &out,
			Options{Root: r.dir, Today: today, Cache: c}); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	first, second := run(), run()
	annotations := func(out string) string {
		var keep []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "::error") || strings.HasPrefix(l, "::warning") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	if annotations(first) != annotations(second) || !strings.Contains(first, "::error") {
		t.Errorf("runs differ or find nothing:\n%s\n%s", first, second)
	}
	if !strings.Contains(first, "cache: 0 file(s) reused, 1 checked") || !strings.Contains(second, "cache: 1 file(s) reused, 0 checked") {
		t.Errorf("the second run did not reuse the cache:\n%s\n%s", first, second)
	}
}

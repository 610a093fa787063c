package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/gittest"

	"github.com/fsgate/fsgate/internal/export"
)

const fixturesDir = "../fcimport/testdata/franceconnect/"

func readChanges(t *testing.T, dir string) *export.Changes {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, export.ChangesFile))
	if err != nil {
		t.Fatal(err)
	}
	var c export.Changes
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

func TestExportRefusedWritesNothing(t *testing.T) {
	bad := strings.Replace(valid(t), "signature: ES256", "signature: HS256", 1)
	root := tree(t, map[string]string{goodPath: bad})
	out := filepath.Join(root, "export")
	code, stdout, stderr := run(t, root, nil, "export", "--out", "export")
	if code != ExitFindings {
		t.Fatalf("exit %d, stdout %s stderr %s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "[schema]") || !strings.Contains(stderr, "export refusé, rien n'est écrit") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the refused export wrote %s: %v", out, err)
	}
}

func TestExportWithPrevious(t *testing.T) {
	good := valid(t)
	root := tree(t, map[string]string{goodPath: good})
	out := filepath.Join(root, "export")

	// First export: no previous export yet, everything is created.
	code, stdout, stderr := run(t, root, nil, "export", "--out", "export", "--previous", "export")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if !strings.Contains(stdout, "1 document dans export (1 créé, 0 modifié, 0 supprimé, 0 inchangé)") {
		t.Errorf("stdout %s", stdout)
	}
	if c := readChanges(t, out); len(c.Created) != 1 || c.Commit != "" {
		t.Errorf("first changes %+v", c)
	}
	doc, err := os.ReadFile(filepath.Join(out, "franceconnect-plus", "production", "lyon-portail-famille.json"))
	if err != nil || !strings.Contains(string(doc), `"signup_id": "12345"`) {
		t.Fatalf("document: %v\n%s", err, doc)
	}

	// Second: more scopes, a new FS; the previous export is the output
	// directory itself, read before it is replaced.
	more := strings.Replace(good, "scopes: [openid, given_name, family_name, birthdate]", "scopes: [openid, given_name, family_name, birthdate, email]", 1)
	other := strings.NewReplacer("name: lyon-portail-famille", "name: lyon-crèche", "D12345", "D12346",
		"Lyon - Portail Famille", "Lyon - Crèches").Replace(good)
	other = strings.Replace(other, "name: lyon-crèche", "name: lyon-creche", 1)
	if err := os.WriteFile(filepath.Join(root, goodPath), []byte(more), 0o644); err != nil {
		t.Fatal(err)
	}
	otherPath := filepath.Join(root, "providers/franceconnect-plus/production/lyon-creche.yaml")
	if err := os.WriteFile(otherPath, []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = run(t, root, map[string]string{"FSGATE_LANG": "en"}, "export", "--previous", "export", "--out", "export")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	c := readChanges(t, out)
	if strings.Join(c.Created, ",") != "franceconnect-plus/production/lyon-creche" || len(c.Updated) != 1 ||
		strings.Join(c.Updated[0].ScopesAdded, ",") != "email" {
		t.Errorf("second changes %+v", c)
	}

	// Third: one request removed: to deactivate.
	if err := os.Remove(otherPath); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr = run(t, root, nil, "export", "--out", "export", "--previous", "export"); code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	if c := readChanges(t, out); strings.Join(c.Deleted, ",") != "franceconnect-plus/production/lyon-creche" || c.Summary.Unchanged != 1 {
		t.Errorf("third changes %+v", c)
	}
	// Without --previous: no changes.json.
	if code, _, _ = run(t, root, nil, "export", "--out", "export"); code != ExitOK {
		t.Fatal(code)
	}
	if _, err := os.Stat(filepath.Join(out, export.ChangesFile)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("changes.json without --previous: %v", err)
	}
}

func TestExportUsage(t *testing.T) {
	root := tree(t, map[string]string{goodPath: valid(t), "notes/mine.txt": "mine"})
	tests := []struct {
		name string
		args []string
		err  string
	}{
		{"no --out", []string{"export"}, "export needs --out DIR"},
		{"argument", []string{"export", "--out", "x", "providers"}, "export takes no arguments"},
		{"foreign directory", []string{"export", "--out", "notes"}, "refusing to replace it"},
		{"inside providers", []string{"export", "--out", "providers/export"}, "cannot go inside providers/"},
		{"the repository itself", []string{"export", "--out", "."}, "cannot go inside providers/ nor contain the repository"},
		{"broken previous export", []string{"export", "--out", "x", "--previous", "notes/mine.txt"}, "is not a directory"},
		{"announce without changes", []string{"export", "--announce", "--out", "notes"}, "changes.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, root, nil, tt.args...)
			if code != ExitUsage || !strings.Contains(stderr, tt.err) {
				t.Errorf("exit %d, stderr %q, want 2 and %q", code, stderr, tt.err)
			}
		})
	}
	if data, _ := os.ReadFile(filepath.Join(root, "notes/mine.txt")); string(data) != "mine" {
		t.Error("a foreign directory was touched")
	}
}

// TestExportRefusesEditedPrevious: a previous export changed by hand, even
// into exactly what the new export writes, is refused; it stays as it was.
func TestExportRefusesEditedPrevious(t *testing.T) {
	good := valid(t)
	root := tree(t, map[string]string{goodPath: good})
	if code, _, stderr := run(t, root, nil, "export", "--out", "export"); code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	doc := filepath.Join(root, "export", "franceconnect-plus", "production", "lyon-portail-famille.json")
	current, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	// The request changes; the previous document is edited by hand into
	// the new one, its manifest left alone.
	more := strings.Replace(good, "scopes: [openid, given_name, family_name, birthdate]", "scopes: [openid, given_name, family_name, birthdate, email]", 1)
	if err := os.WriteFile(filepath.Join(root, goodPath), []byte(more), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, root, nil, "export", "--out", "next"); code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	next, err := os.ReadFile(filepath.Join(root, "next", "franceconnect-plus", "production", "lyon-portail-famille.json"))
	if err != nil || bytes.Equal(next, current) {
		t.Fatalf("the new document: %v (unchanged: %t)", err, bytes.Equal(next, current))
	}
	if err := os.WriteFile(doc, next, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, root, nil, "export", "--out", "export", "--previous", "export")
	if code != ExitUsage || !strings.Contains(stderr, "does not match its manifest") {
		t.Errorf("exit %d, stderr %q, want 2 and the document refused", code, stderr)
	}
	if data, _ := os.ReadFile(doc); !bytes.Equal(data, next) {
		t.Error("the refused previous export was replaced")
	}
}

func TestImportCommand(t *testing.T) {
	root := tree(t, nil)
	fixture := fixturesDir + "core-fcp-low-clients.json"
	abs, err := filepath.Abs(fixture)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, root, nil, "import", abs, "--out", "providers")
	if code != ExitFindings {
		t.Fatalf("exit %d (one document is skipped), stderr %s", code, stderr)
	}
	for _, want := range []string{
		"document 1 « fsp1-low » → providers/franceconnect/production/fsp1-low.yaml",
		"⚠ title « FSP1 - LOW » différent de name",
		"✎ `spec.organisation` provisoire",
		"document 5 « fsp5-low » : ignoré — entityId ne peut pas s'écrire",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr does not hold %q:\n%s", want, stderr)
		}
	}
	if !strings.Contains(stdout, "5 document(s) importé(s), 1 ignoré(s)") {
		t.Errorf("stdout %s", stdout)
	}
	if _, err := os.Stat(filepath.Join(root, "providers/franceconnect/production/user-dashboard.yaml")); err != nil {
		t.Error(err)
	}

	// Again: the files exist, nothing is replaced without --force.
	code, stdout, stderr = run(t, root, map[string]string{"FSGATE_LANG": "en"}, "import", abs, "--out", "providers")
	if code != ExitFindings || !strings.Contains(stderr, "providers/franceconnect/production/fsp1-low.yaml exists already (--force to replace it)") ||
		!strings.Contains(stdout, "0 document(s) imported, 6 skipped") {
		t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, _ = run(t, root, nil, "import", abs, "--out", "providers", "--force")
	if code != ExitFindings || !strings.Contains(stdout, "5 document(s) importé(s)") {
		t.Errorf("--force: exit %d %s", code, stdout)
	}

	// FranceConnect+ documents in integration, from standard input, with
	// a fake secret that must appear nowhere.
	var docs []map[string]any
	data, err := os.ReadFile(fixturesDir + "core-fcp-high-clients.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &docs); err != nil {
		t.Fatal(err)
	}
	const secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
	docs[3]["client_secret"] = secret
	input, _ := json.Marshal([]any{docs[3]})
	var stdoutB, stderrB strings.Builder
	code = Main([]string{"import", "-", "--environment", "integration", "--organisation", "Ville de Test"}, Env{
		Stdin: strings.NewReader(string(input)), Stdout: &stdoutB, Stderr: &stderrB,
		Getenv: func(string) string { return "" }, Getwd: func() (string, error) { return root, nil },
		Now: func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) },
	})
	if code != ExitOK {
		t.Fatalf("exit %d, %s", code, stderrB.String())
	}
	written, err := os.ReadFile(filepath.Join(root, "providers/franceconnect-plus/integration/sp-4-deactivated-only-openid-and-birthdate-scopes-authorized.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{stdoutB.String(), stderrB.String(), string(written)} {
		if strings.Contains(out, secret) || strings.Contains(out, docs[3]["key"].(string)) {
			t.Errorf("a secret leaked:\n%s", out)
		}
	}
	if !strings.Contains(stderrB.String(), "client_secret ignoré") || !strings.Contains(string(written), "organisation: Ville de Test") {
		t.Errorf("stderr %s\nfile %s", stderrB.String(), written)
	}

	for _, args := range [][]string{{"import"}, {"import", abs, "--environment", "staging"}, {"import", "missing.json"}, {"import", "providers"}} {
		if code, _, _ := run(t, root, nil, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// gitRepo makes root a git repository with everything committed.
func gitRepo(t *testing.T, root string) func(args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	git := func(args ...string) string { return gittest.Run(t, root, args...) }
	git("init", "-q", "-b", "main")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	return git
}

func TestPlanCommand(t *testing.T) {
	good := valid(t)
	root := tree(t, map[string]string{goodPath: good})
	git := gitRepo(t, root)
	more := strings.Replace(good, "scopes: [openid, given_name, family_name, birthdate]", "scopes: [openid, given_name, family_name, email]", 1)
	if err := os.WriteFile(filepath.Join(root, goodPath), []byte(more), 0o644); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := run(t, root, nil, "plan", "--base", "HEAD")
	if code != ExitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, want := range []string{"Export : 0 à créer, 1 à modifier", "~ franceconnect-plus/production/lyon-portail-famille",
		"scopes ajoutés : + email", "scopes retirés : − birthdate"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout does not hold %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = run(t, root, nil, "plan", "--base", "HEAD", "--format", "markdown", "--lang", "en")
	if code != ExitOK || !strings.Contains(stdout, "⚠️ **scopes added**: + `email`") {
		t.Errorf("markdown: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run(t, root, nil, "plan", "--format", "json", "--base", "HEAD")
	var c export.Changes
	if err := json.Unmarshal([]byte(stdout), &c); err != nil || code != ExitOK || c.Summary.Updated != 1 {
		t.Errorf("json: exit %d, %v\n%s", code, err, stdout)
	}

	head := git("rev-parse", "HEAD")

	// A head with errors: the plan is shown, exit 1.
	bad := strings.Replace(more, "signature: ES256", "signature: HS256", 1)
	if err := os.WriteFile(filepath.Join(root, goodPath), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = run(t, root, nil, "plan", "--base", head)
	if code != ExitFindings || !strings.Contains(stderr, "l'export serait refusé") || !strings.Contains(stdout, "Export :") {
		t.Errorf("head with errors: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, args := range [][]string{{"plan"}, {"plan", "--base", "nope"}, {"plan", "--base", "HEAD", "--format", "sarif"}, {"plan", "--base", "HEAD", "x"}} {
		if code, _, _ := run(t, root, nil, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestExportCommitInManifest(t *testing.T) {
	root := tree(t, map[string]string{goodPath: valid(t)})
	git := gitRepo(t, root)
	out := filepath.Join(t.TempDir(), "export")
	if code, _, stderr := run(t, root, nil, "export", "--out", out, "--previous", out); code != ExitOK {
		t.Fatal(stderr)
	}
	data, _ := os.ReadFile(filepath.Join(out, export.ManifestFile))
	var m export.Manifest
	if err := json.Unmarshal(data, &m); err != nil || m.Commit != git("rev-parse", "HEAD") || m.Total != 1 ||
		m.Counts["franceconnect-plus"]["production"] != 1 {
		t.Errorf("manifest %+v, %v", m, err)
	}
	if c := readChanges(t, out); c.Commit != m.Commit {
		t.Errorf("changes commit %q", c.Commit)
	}
}

// announceGitHub answers what --announce asks: the pull requests of a
// commit and the comments of pull request 7.
type announceGitHub struct {
	mu         sync.Mutex
	listStatus int
	pulls      string
	posted     []string
}

func (g *announceGitHub) server(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /repos/fsgate/fsgate/commits/{sha}/pulls", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("sha") != announceSHA {
			t.Errorf("commit %s", r.PathValue("sha"))
		}
		w.Header().Set("Content-Type", "application/json")
		if g.listStatus != 0 {
			w.WriteHeader(g.listStatus)
			_, _ = w.Write([]byte(`{"message":"Resource not accessible by integration"}`))
			return
		}
		_, _ = w.Write([]byte(g.pulls))
	})
	mux.HandleFunc("GET /repos/fsgate/fsgate/issues/7/comments", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`[]`))
	})
	mux.HandleFunc("POST /repos/fsgate/fsgate/issues/7/comments", func(w http.ResponseWriter, r *http.Request) {
		var req struct{ Body string }
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			t.Error(err)
		}
		g.mu.Lock()
		g.posted = append(g.posted, req.Body)
		g.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]any{"id": 1, "body": req.Body, "user": map[string]any{"login": "github-actions[bot]"}})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "unexpected", http.StatusTeapot)
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

const announceSHA = "0123456789abcdef0123456789abcdef01234567"

const mergedPulls = `[
  {"number": 7, "state": "closed", "base": {"ref": "main", "repo": {"full_name": "fsgate/fsgate"}}},
  {"number": 9, "state": "open", "base": {"ref": "main", "repo": {"full_name": "fsgate/fsgate"}}},
  {"number": 3, "state": "closed", "base": {"ref": "release", "repo": {"full_name": "fsgate/fsgate"}}}
]`

func TestAnnounce(t *testing.T) {
	root := tree(t, map[string]string{goodPath: valid(t)})
	if code, _, stderr := run(t, root, nil, "export", "--out", "export", "--previous", "export"); code != ExitOK {
		t.Fatal(stderr)
	}
	env := func(url string) map[string]string {
		return map[string]string{"GITHUB_REPOSITORY": "fsgate/fsgate", "GITHUB_TOKEN": "ghs_test", "GITHUB_API_URL": url,
			"GITHUB_SERVER_URL": "https://github.com", "GITHUB_REF_NAME": "main", "GITHUB_RUN_ID": "42"}
	}

	g := &announceGitHub{pulls: mergedPulls}
	s := g.server(t)
	code, stdout, stderr := run(t, root, env(s.URL), "export", "--announce", "--out", "export", "--commit", announceSHA)
	if code != ExitOK || len(g.posted) != 1 {
		t.Fatalf("exit %d, %d comments\n%s\n%s", code, len(g.posted), stdout, stderr)
	}
	body := g.posted[0]
	for _, want := range []string{ExportMarker, "### Export pour FranceConnect", "Fusion `0123456789ab` exportée",
		"(https://github.com/fsgate/fsgate/actions/runs/42)", "**Export : 1 à créer",
		"- `franceconnect-plus/production/lyon-portail-famille`"} {
		if !strings.Contains(body, want) {
			t.Errorf("comment does not hold %q:\n%s", want, body)
		}
	}
	if !strings.Contains(stdout, "export comment on #7 created") {
		t.Errorf("stdout %s", stdout)
	}

	// A token that may not read or comment: a warning, exit 0.
	g = &announceGitHub{listStatus: http.StatusForbidden}
	s = g.server(t)
	code, stdout, _ = run(t, root, env(s.URL), "export", "--announce", "--out", "export", "--commit", announceSHA)
	if code != ExitOK || !strings.Contains(stdout, "::warning::") || len(g.posted) != 0 {
		t.Errorf("forbidden: exit %d, %s", code, stdout)
	}

	// A direct push: no merged pull request, nothing to comment.
	g = &announceGitHub{pulls: `[{"number": 9, "state": "open", "base": {"ref": "main", "repo": {"full_name": "fsgate/fsgate"}}}]`}
	s = g.server(t)
	code, stdout, _ = run(t, root, env(s.URL), "export", "--announce", "--out", "export", "--commit", announceSHA)
	if code != ExitOK || !strings.Contains(stdout, "nothing to comment") || len(g.posted) != 0 {
		t.Errorf("direct push: exit %d, %s", code, stdout)
	}

	// No commit given and none in the manifest (not a git checkout).
	if code, _, stderr := run(t, root, env(s.URL), "export", "--announce", "--out", "export"); code != ExitUsage || !strings.Contains(stderr, "--commit") {
		t.Errorf("no commit: exit %d, %s", code, stderr)
	}
}

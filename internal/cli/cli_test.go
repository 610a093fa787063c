package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const validRequest = "../validate/testdata/valid/fcp-production-ecdh.yaml"

// tree builds a repository root with the given files (path → content).
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "providers"), 0o755); err != nil {
		t.Fatal(err)
	}
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func valid(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(validRequest)
	if err != nil {
		t.Fatal(err)
	}
	return string(src)
}

// run executes the command line in dir and returns the exit code and streams.
func run(t *testing.T, dir string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(args, Env{
		Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr,
		Getenv: func(k string) string { return env[k] },
		Getwd:  func() (string, error) { return dir, nil },
		Now:    func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) },
	})
	return code, stdout.String(), stderr.String()
}

const goodPath = "providers/franceconnect-plus/production/lyon-portail-famille.yaml"

func TestValidateExitCodes(t *testing.T) {
	good := valid(t)
	bad := strings.Replace(good, "signature: ES256", "signature: HS256", 1)
	tests := []struct {
		name  string
		files map[string]string
		args  []string
		code  int
		out   string // part of stdout
		err   string // part of stderr
	}{
		{"valid tree", map[string]string{goodPath: good}, []string{"validate"}, ExitOK, "1 fichier vérifié : aucun problème", ""},
		{"error finding", map[string]string{goodPath: bad}, []string{"validate"}, ExitFindings, "[schema]", ""},
		{"english", map[string]string{goodPath: bad}, []string{"validate", "--lang", "en"}, ExitFindings, "error: `spec.signature` must be ES256 or RS256 (got: HS256)", ""},
		{"english from environment", map[string]string{goodPath: bad}, []string{"validate"}, ExitFindings, "must be ES256", ""},
		{"flags after paths", map[string]string{goodPath: bad}, []string{"validate", "providers", "--format", "json"}, ExitFindings, `"rule": "schema"`, ""},
		{"unknown format", map[string]string{goodPath: good}, []string{"validate", "--format", "xml"}, ExitUsage, "", "unknown format"},
		{"unknown language", map[string]string{goodPath: good}, []string{"validate", "--lang", "de"}, ExitUsage, "", "unknown language"},
		{"bad date", map[string]string{goodPath: good}, []string{"validate", "--today", "01/12/2026"}, ExitUsage, "", "--today"},
		{"missing path", map[string]string{goodPath: good}, []string{"validate", "providers/nope"}, ExitUsage, "", "no such file or directory"},
		{"path outside root", map[string]string{goodPath: good}, []string{"validate", "/"}, ExitUsage, "", "outside the repository root"},
		{"unknown flag", map[string]string{goodPath: good}, []string{"validate", "--nope"}, ExitUsage, "", "flag provided but not defined"},
		{"unknown command", nil, []string{"valdiate"}, ExitUsage, "", "unknown command"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := tree(t, tt.files)
			env := map[string]string{}
			if tt.name == "english from environment" {
				env["FSGATE_LANG"] = "en"
			}
			code, stdout, stderr := run(t, root, env, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.out) {
				t.Errorf("stdout does not contain %q:\n%s", tt.out, stdout)
			}
			if !strings.Contains(stderr, tt.err) {
				t.Errorf("stderr does not contain %q:\n%s", tt.err, stderr)
			}
			if code == ExitUsage && strings.Count(strings.TrimSpace(stderr), "\n") > 0 && tt.name != "unknown flag" {
				t.Errorf("a usage error must be one line:\n%s", stderr)
			}
		})
	}
}

func TestValidateWarningsExitZero(t *testing.T) {
	// planned-date: a go-live in less than three weeks is a warning only.
	soon := strings.Replace(valid(t), "plannedProductionDate: 2027-03-01", "plannedProductionDate: 2026-12-05", 1)
	root := tree(t, map[string]string{goodPath: soon})
	code, stdout, _ := run(t, root, nil, "validate", "--format", "json")
	var out struct {
		Findings []struct{ Rule, Severity string }
		Summary  struct{ Errors, Warnings int }
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	if out.Summary.Errors != 0 || out.Summary.Warnings == 0 {
		t.Fatalf("want warnings only (planned-date), got %+v", out.Findings)
	}
	if code != ExitOK {
		t.Errorf("warnings only: exit %d, want 0", code)
	}
}

func TestValidateRootDiscovery(t *testing.T) {
	root := tree(t, map[string]string{goodPath: valid(t)})
	// Run from a subdirectory: the root is the nearest ancestor with providers/.
	sub := filepath.Join(root, "providers", "franceconnect-plus")
	code, stdout, stderr := run(t, sub, nil, "validate")
	if code != ExitOK {
		t.Fatalf("exit %d: %s %s", code, stdout, stderr)
	}
	// Reporting on one file only still loads the whole tree.
	code, stdout, _ = run(t, root, nil, "validate", filepath.Join(root, goodPath))
	if code != ExitOK || !strings.Contains(stdout, "1 fichier vérifié") {
		t.Errorf("exit %d: %s", code, stdout)
	}
}

func TestValidateTodayFromEnvironment(t *testing.T) {
	late := strings.Replace(valid(t), "plannedProductionDate: 2027-03-01", "plannedProductionDate: 2026-01-05", 1)
	root := tree(t, map[string]string{goodPath: late})
	_, withEnv, _ := run(t, root, map[string]string{"FSGATE_TODAY": "2025-12-01"}, "validate", "--format", "json")
	_, withFlag, _ := run(t, root, map[string]string{"FSGATE_TODAY": "2026-12-01"}, "validate", "--format", "json", "--today", "2025-12-01")
	if withEnv != withFlag {
		t.Errorf("--today and FSGATE_TODAY disagree:\n%s\n%s", withEnv, withFlag)
	}
	// And the date matters: on 2026-12-01 the 2026-01-05 go-live is past.
	_, later, _ := run(t, root, map[string]string{"FSGATE_TODAY": "2026-12-01"}, "validate", "--format", "json")
	if later == withEnv || !strings.Contains(later, "planned-date") || strings.Contains(withEnv, "planned-date") {
		t.Errorf("the date is not taken into account:\n%s\n%s", withEnv, later)
	}
}

func TestSymlinkIsNotFollowed(t *testing.T) {
	root := tree(t, map[string]string{"elsewhere/secret.yaml": "client_secret: x\n"})
	dir := filepath.Join(root, "providers", "franceconnect-plus", "production")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "elsewhere", "secret.yaml"), filepath.Join(dir, "link.yaml")); err != nil {
		t.Skip("symlinks not supported:", err)
	}
	code, stdout, _ := run(t, root, nil, "validate")
	if code != ExitFindings || !strings.Contains(stdout, "[file-location]") || strings.Contains(stdout, "client_secret") {
		t.Errorf("exit %d, output:\n%s", code, stdout)
	}
}

func TestRulesAndExplain(t *testing.T) {
	code, stdout, _ := run(t, t.TempDir(), nil, "rules")
	if code != ExitOK || !strings.Contains(stdout, "file-location") || !strings.Contains(stdout, "erreur") {
		t.Errorf("rules: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = run(t, t.TempDir(), nil, "explain", "file-location")
	if code != ExitOK || !strings.HasPrefix(stdout, "#") {
		t.Errorf("explain: exit %d\n%s", code, stdout)
	}
	if code, _, stderr := run(t, t.TempDir(), nil, "explain", "nope"); code != ExitUsage || !strings.Contains(stderr, "unknown rule") {
		t.Errorf("explain nope: exit %d %s", code, stderr)
	}
}

func TestHelp(t *testing.T) {
	code, stdout, _ := run(t, t.TempDir(), nil, "--help")
	if code != ExitOK || !strings.Contains(stdout, "fsgate validate") {
		t.Errorf("help: exit %d\n%s", code, stdout)
	}
	if code, _, _ := run(t, t.TempDir(), nil); code != ExitUsage {
		t.Errorf("no arguments: exit %d, want %d", code, ExitUsage)
	}
}

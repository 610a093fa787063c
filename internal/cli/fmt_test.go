package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// flowRequest is a valid request with flow lists: not in canonical form.
const flowPath = "providers/franceconnect-plus/production/lyon-portail-famille.yaml"

func TestFmt(t *testing.T) {
	good := valid(t) // flow lists: fmt rewrites it
	broken := "apiVersion: fsgate/v1\nkind: &k ServiceProvider\nspec: *k\n"
	brokenPath := "providers/franceconnect/production/casse.yaml"
	tests := []struct {
		name    string
		files   map[string]string
		args    []string
		code    int
		out     string // part of stdout
		err     string // part of stderr
		changed bool   // flowPath rewritten
	}{
		{"check lists and exits 1", map[string]string{flowPath: good}, []string{"fmt", "--check"}, ExitFindings, flowPath + "\n", "1 fichier(s) à mettre en forme", false},
		{"rewrite", map[string]string{flowPath: good}, []string{"fmt"}, ExitOK, flowPath + "\n", "", true},
		{"path given, flags after", map[string]string{flowPath: good}, []string{"fmt", flowPath, "--check"}, ExitFindings, flowPath, "", false},
		{"unparsable file left, others formatted", map[string]string{flowPath: good, brokenPath: broken}, []string{"fmt"}, ExitFindings,
			flowPath, brokenPath + ":2:7: ancre « &k » interdite", true},
		{"english", map[string]string{brokenPath: broken}, []string{"fmt", "--lang", "en"}, ExitFindings, "", "file left as it is", false},
		{"missing path", map[string]string{flowPath: good}, []string{"fmt", "providers/nope"}, ExitUsage, "", "fsgate: providers/nope: no such file or directory", false},
		{"unknown flag", map[string]string{flowPath: good}, []string{"fmt", "--nope"}, ExitUsage, "", "flag provided but not defined", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := tree(t, tt.files)
			code, stdout, stderr := run(t, root, nil, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if !strings.Contains(stdout, tt.out) || !strings.Contains(stderr, tt.err) {
				t.Errorf("stdout %q (want %q), stderr %q (want %q)", stdout, tt.out, stderr, tt.err)
			}
			if src, ok := tt.files[flowPath]; ok {
				got, err := os.ReadFile(filepath.Join(root, flowPath))
				if err != nil {
					t.Fatal(err)
				}
				if changed := string(got) != src; changed != tt.changed {
					t.Errorf("file changed: %v, want %v", changed, tt.changed)
				}
			}
			if src, ok := tt.files[brokenPath]; ok {
				if got, _ := os.ReadFile(filepath.Join(root, brokenPath)); string(got) != src {
					t.Error("a file that does not load was rewritten")
				}
			}
			for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
				if strings.Count(line, "fsgate:") > 1 {
					t.Errorf("one problem per line: %q", line)
				}
			}
		})
	}
}

// TestFmtWrite checks what the rewrite promises: canonical, valid,
// idempotent, same permissions, no temporary file left, symlinks untouched.
func TestFmtWrite(t *testing.T) {
	root := tree(t, map[string]string{flowPath: valid(t), "providers/README.md": "- not: [a request]\n"})
	path := filepath.Join(root, flowPath)
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(root, "providers/franceconnect-plus/production/lien.yaml")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, root, nil, "fmt"); code != ExitOK {
		t.Fatalf("fmt: %d %s", code, stderr)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), "  scopes:\n    - openid\n    - given_name\n") ||
		!strings.HasPrefix(string(got), "# yaml-language-server: $schema=") {
		t.Errorf("not canonical:\n%s", got)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
	if info, _ := os.Lstat(link); info.Mode()&os.ModeSymlink == 0 {
		t.Error("the symlink was replaced")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".fsgate-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	if readme, _ := os.ReadFile(filepath.Join(root, "providers/README.md")); string(readme) != "- not: [a request]\n" {
		t.Error("a file that is not YAML was formatted")
	}
	if code, stdout, stderr := run(t, root, nil, "fmt", "--check"); code != ExitOK || stdout != "" {
		t.Errorf("fmt then fmt --check: %d %q %q", code, stdout, stderr)
	}
	if code, stdout, _ := run(t, root, nil, "validate", flowPath); code != ExitOK {
		t.Errorf("the formatted file does not validate:\n%s", stdout)
	}
	if code, _, stderr := run(t, root, nil, "fmt", link); code != ExitUsage || !strings.Contains(stderr, "not a regular file") {
		t.Errorf("fmt on a symlink: %d %s", code, stderr)
	}
}

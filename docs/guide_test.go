package docs_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/gittest"
)

// TestGuideCommands runs every command of docs/guide.md, in order, in a
// copy of the repository's requests with a local "origin": the guide never
// tells publishers something that does not work. A command line is a line
// of a ```sh block; `go run ./cmd/fsgate` runs the freshly built binary.
func TestGuideCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs git")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	commands := guideCommands(t)
	if len(commands) < 10 {
		t.Fatalf("only %d commands found in the guide", len(commands))
	}

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin", "fsgate")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/fsgate").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	work := filepath.Join(tmp, "fsgate")
	copyDir(t, "../providers", filepath.Join(work, "providers"))
	copyFile(t, "../CODEOWNERS", filepath.Join(work, "CODEOWNERS"))
	env := append(gittest.Env(), "HOME="+tmp, "FSGATE_TODAY=2026-12-01", "NO_COLOR=1")
	run := func(dir, line string) (string, error) {
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, setup := range []string{
		"git init -q -b main", "git add .", "git commit -q -m initial",
		"git init -q --bare ../origin.git", "git remote add origin ../origin.git", "git push -q origin main",
	} {
		if out, err := run(work, setup); err != nil {
			t.Fatalf("setup %q: %v\n%s", setup, err, out)
		}
	}
	for _, c := range commands {
		line := strings.ReplaceAll(c, "go run ./cmd/fsgate", bin)
		out, err := run(work, line)
		if err != nil {
			t.Fatalf("guide command failed: %s\n%v\n%s", c, err, out)
		}
	}
}

// guideCommands returns the command lines of the ```sh blocks.
func guideCommands(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("guide.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "```sh":
			in = true
		case line == "```":
			in = false
		case in && line != "" && !strings.HasPrefix(line, "#"):
			out = append(out, line)
		}
	}
	return out
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		copyFile(t, p, filepath.Join(to, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

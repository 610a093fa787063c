package git

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fsgate/fsgate/internal/gittest"
)

// repo makes a repository with a base commit and a head commit.
func repo(t *testing.T) (Repo, string, string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) string { return gittest.Run(t, dir, args...) }
	write := func(path, content string) {
		full := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q", "-b", "main")
	write("providers/a/x/kept.yaml", "kept\n")
	write("providers/a/x/changed.yaml", "v1\n")
	write("providers/a/x/removed.yaml", "gone\n")
	write("providers/a/x/moved.yaml", "moved\n")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	base := git("rev-parse", "HEAD")[:40]
	write("providers/a/x/changed.yaml", "v2\n")
	write("providers/a/x/new file é.yaml", "new\n")
	if err := os.Remove(filepath.Join(dir, "providers/a/x/removed.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "providers/b/x"), 0o755); err != nil {
		t.Fatal(err)
	}
	git("mv", "providers/a/x/moved.yaml", "providers/b/x/moved.yaml")
	git("add", "-A")
	git("commit", "-q", "-m", "head")
	head := git("rev-parse", "HEAD")[:40]
	return Repo{Dir: dir}, base, head
}

func TestChangedFiles(t *testing.T) {
	r, base, head := repo(t)
	got, err := r.ChangedFiles(context.Background(), base, head)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{
		{Modified, "providers/a/x/changed.yaml"},
		{Deleted, "providers/a/x/moved.yaml"},
		{Added, "providers/a/x/new file é.yaml"},
		{Deleted, "providers/a/x/removed.yaml"},
		{Added, "providers/b/x/moved.yaml"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestReadFile(t *testing.T) {
	r, base, head := repo(t)
	ctx := context.Background()
	if b, err := r.ReadFile(ctx, base, "providers/a/x/changed.yaml"); err != nil || string(b) != "v1\n" {
		t.Errorf("base: %q, %v", b, err)
	}
	if b, err := r.ReadFile(ctx, head, "providers/a/x/changed.yaml"); err != nil || string(b) != "v2\n" {
		t.Errorf("head: %q, %v", b, err)
	}
	if _, err := r.ReadFile(ctx, head, "providers/a/x/removed.yaml"); !errors.Is(err, ErrNotFound) {
		t.Errorf("removed file: %v, want ErrNotFound", err)
	}
}

func TestRefusesOptionLikeInput(t *testing.T) {
	r, base, _ := repo(t)
	ctx := context.Background()
	for _, rev := range []string{"--output=/tmp/x", "-p", "", "a b"} {
		if _, err := r.ChangedFiles(ctx, rev, base); err == nil {
			t.Errorf("revision %q accepted", rev)
		}
	}
	for _, p := range []string{"../etc/passwd", "/etc/passwd", ""} {
		if _, err := r.ReadFile(ctx, base, p); err == nil {
			t.Errorf("path %q accepted", p)
		}
	}
	if _, err := r.ResolveCommit(ctx, "no-such-branch"); err == nil {
		t.Error("unknown revision resolved")
	}
	if sha, err := r.ResolveCommit(ctx, base); err != nil || sha != base {
		t.Errorf("ResolveCommit(base) = %q, %v", sha, err)
	}
}

func TestParseNameStatusMalformed(t *testing.T) {
	for _, out := range []string{"M\x00", "\x00x\x00"} {
		if _, err := parseNameStatus([]byte(out)); err == nil {
			t.Errorf("%q accepted", out)
		}
	}
}

func TestExtract(t *testing.T) {
	r, base, head := repo(t)
	ctx := context.Background()
	dir := t.TempDir()
	if err := r.Extract(ctx, base, "providers", dir); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"providers/a/x/changed.yaml": "v1\n",
		"providers/a/x/removed.yaml": "gone\n",
	} {
		got, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil || string(got) != want {
			t.Errorf("%s: %q, %v", path, got, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "providers/b")); err == nil {
		t.Error("a file of head was extracted from base")
	}
	// A prefix absent at that revision is an empty tree.
	empty := t.TempDir()
	if err := r.Extract(ctx, head, "nothing-here", empty); err != nil {
		t.Fatal(err)
	}
	if err := r.Extract(ctx, base, "../x", t.TempDir()); err == nil {
		t.Error("escaping prefix accepted")
	}
}

func TestListTreeAndBlobID(t *testing.T) {
	r, base, _ := repo(t)
	entries, err := r.ListTree(context.Background(), base, "providers")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		t.Fatalf("%d entries: %v", len(entries), entries)
	}
	for _, e := range entries {
		content, err := r.ReadFile(context.Background(), base, e.Path)
		if err != nil {
			t.Fatal(err)
		}
		if got := BlobID(content, e.Blob); got != e.Blob {
			t.Errorf("%s: BlobID %s, git says %s", e.Path, got, e.Blob)
		}
	}
	if none, err := r.ListTree(context.Background(), base, "nothing"); err != nil || len(none) != 0 {
		t.Errorf("absent prefix: %v, %v", none, err)
	}
}

package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func indexes(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "index-*"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestValidateCacheFlags(t *testing.T) {
	bad := strings.Replace(valid(t), "signature: ES256", "signature: HS256", 1)
	root := tree(t, map[string]string{goodPath: bad})
	cacheDir := filepath.Join(t.TempDir(), "cache")

	code, want, _ := run(t, root, nil, "validate", "--no-cache")
	if code != ExitFindings {
		t.Fatalf("exit code %d", code)
	}
	for range 2 { // cold, then warm: the same output
		code, out, stderr := run(t, root, nil, "validate", "--cache", cacheDir)
		if code != ExitFindings || out != want || stderr != "" {
			t.Errorf("with --cache: exit %d\n%s\nstderr: %s\nwant:\n%s", code, out, stderr, want)
		}
	}
	if len(indexes(t, cacheDir)) != 1 {
		t.Errorf("--cache DIR: no index in %s", cacheDir)
	}

	// --no-cache wins: nothing read or written.
	other := filepath.Join(t.TempDir(), "unused")
	if code, out, _ := run(t, root, nil, "validate", "--no-cache", "--cache", other); code != ExitFindings || out != want {
		t.Errorf("--no-cache --cache: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(other); err == nil {
		t.Errorf("--no-cache wrote %s", other)
	}

	// A cache that cannot be written: a warning, the same results.
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, nil, 0o644)
	code, out, stderr := run(t, root, nil, "validate", "--cache", file)
	if code != ExitFindings || out != want || !strings.Contains(stderr, "--cache") {
		t.Errorf("unusable --cache: exit %d, stderr %q\n%s", code, stderr, out)
	}
}

func TestValidateDefaultCache(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the default directory is checked where it is $XDG_CACHE_HOME or $HOME/.cache")
	}
	root := tree(t, map[string]string{goodPath: valid(t)})
	home := t.TempDir()
	if code, _, _ := run(t, root, map[string]string{"HOME": home}, "validate"); code != ExitOK {
		t.Fatalf("exit code %d", code)
	}
	if len(indexes(t, filepath.Join(home, ".cache", "fsgate"))) != 1 {
		t.Error("no index under $HOME/.cache/fsgate")
	}
	xdg := t.TempDir()
	run(t, root, map[string]string{"HOME": home, "XDG_CACHE_HOME": xdg}, "validate")
	if len(indexes(t, filepath.Join(xdg, "fsgate"))) != 1 {
		t.Error("no index under $XDG_CACHE_HOME/fsgate")
	}
	// No home at all: no cache, silently.
	if code, _, stderr := run(t, root, nil, "validate"); code != ExitOK || stderr != "" {
		t.Errorf("without a home: exit %d, stderr %q", code, stderr)
	}
}

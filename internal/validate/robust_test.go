package validate_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/gen"
	"github.com/fsgate/fsgate/internal/validate"
)

// Resource bounds: no file a pull request can contain may crash, hang or
// exhaust fsgate. Each case is processed and gives a clear finding; memory
// is measured (allocations during the run), time is not (no timed tests:
// the benchmarks measure it).

func writeFile(t *testing.T, root, rel string, content []byte) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
}

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

const bomb = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`

func TestResourceBounds(t *testing.T) {
	uris := &strings.Builder{}
	uris.WriteString("apiVersion: fsgate/v1\nkind: ServiceProvider\nspec:\n  redirectUris:\n")
	for i := range 100_000 {
		uris.WriteString("    - https://famille.lyon.fr/oidc/callback/")
		uris.WriteString(strings.Repeat("x", i%7))
		uris.WriteString("\n")
	}
	tests := []struct {
		name     string
		content  []byte
		rule     string
		message  string // part of the French message
		maxAlloc uint64
	}{
		{"64 KiB of nested flow sequences", []byte("a: " + strings.Repeat("[", 32_000) + strings.Repeat("]", 32_000)),
			"yaml", "imbrication trop profonde", 64 << 20},
		{"10 MB file", []byte(strings.Repeat("# commentaire\n", 10<<20/14)), "yaml", "fichier trop grand", 8 << 20},
		{"100,000 redirect URIs", []byte(uris.String()), "yaml", "fichier trop grand", 8 << 20},
		{"alias bomb", []byte(bomb), "yaml", "alias « *a » interdit", 8 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			writeFile(t, root, "providers/franceconnect-plus/production/x.yaml", tt.content)
			var res *validate.Result
			used := allocated(func() {
				var err error
				res, err = validate.Run(validate.Options{Root: root, Today: goldenToday})
				if err != nil {
					t.Fatal(err)
				}
			})
			found := false
			for _, f := range res.Findings {
				if f.Rule == tt.rule && strings.Contains(f.Message.FR, tt.message) && f.Line >= 1 {
					found = true
				}
			}
			if !found {
				t.Errorf("no located %s finding containing %q: %+v", tt.rule, tt.message, res.Findings)
			}
			if used > tt.maxAlloc {
				t.Errorf("allocated %d MB, bound %d MB", used>>20, tt.maxAlloc>>20)
			}
			for _, f := range res.All {
				if len(f.Source) > 64<<10+1 {
					t.Errorf("kept %d bytes of a file: the read must be bounded", len(f.Source))
				}
			}
		})
	}
}

// TestBombAmongFiveThousand: one hostile file among 5,000 valid ones is
// reported alone, and the others are all checked.
func TestBombAmongFiveThousand(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 5,000 files")
	}
	root := t.TempDir()
	if err := gen.Tree(root, 5000, 3); err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "providers/franceconnect-plus/production/bomb.yaml", []byte(bomb))
	var res *validate.Result
	used := allocated(func() {
		var err error
		res, err = validate.Run(validate.Options{Root: root, Today: goldenToday})
		if err != nil {
			t.Fatal(err)
		}
	})
	if len(res.Files) != 5001 {
		t.Errorf("%d files checked, want 5001", len(res.Files))
	}
	for _, f := range res.Findings {
		if f.Path != "providers/franceconnect-plus/production/bomb.yaml" {
			t.Errorf("finding outside the bomb: %s:%d [%s] %s", f.Path, f.Line, f.Rule, f.Message.EN)
		}
	}
	if used > 2<<30 {
		t.Errorf("allocated %d MB for 5,001 files", used>>20)
	}
}

// TestGeneratedMistakesAreCaught: every mistake the generator makes is
// found, so the benchmarks' invalid files exercise the error paths.
func TestGeneratedMistakesAreCaught(t *testing.T) {
	root := t.TempDir()
	if err := gen.Write(root, gen.Options{N: 200, Seed: 5, InvalidShare: 0.5}); err != nil {
		t.Fatal(err)
	}
	res, err := validate.Run(validate.Options{Root: root, Today: goldenToday})
	if err != nil {
		t.Fatal(err)
	}
	withErrors := map[string]bool{}
	for _, f := range res.Findings {
		if f.Severity == finding.Error {
			withErrors[f.Path] = true
		}
	}
	if len(withErrors) < 60 || len(withErrors) > 140 {
		t.Errorf("%d of 200 files have errors; with a share of 0.5, expected about 100", len(withErrors))
	}
}

// FuzzValidateFile: the whole engine on one file, whatever its bytes: no
// panic, every finding located, named and worded in both languages.
func FuzzValidateFile(f *testing.F) {
	for _, dir := range []string{"testdata/valid", "testdata/invalid"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
		for _, p := range files {
			if src, err := os.ReadFile(p); err == nil && len(src) < 8<<10 {
				f.Add(src)
			}
		}
	}
	f.Add([]byte(bomb))
	root := f.TempDir()
	path := filepath.Join(root, "providers", "franceconnect-plus", "production", "lyon-portail-famille.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := validate.Run(validate.Options{Root: root, Today: goldenToday, Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range res.Findings {
			if fd.Line < 1 || fd.Column < 1 || fd.Rule == "" || fd.Message.FR == "" || fd.Message.EN == "" {
				t.Fatalf("bad finding %+v", fd)
			}
		}
	})
}

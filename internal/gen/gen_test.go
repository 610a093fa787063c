package gen

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	opts := Options{N: 50, Seed: 7, InvalidShare: 0.3}
	if err := Write(a, opts); err != nil {
		t.Fatal(err)
	}
	if err := Write(b, opts); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(a, "providers", "*", "*", "*.yaml"))
	if len(files) != 50 {
		t.Fatalf("%d files", len(files))
	}
	for _, f := range files {
		rel, _ := filepath.Rel(a, f)
		x, _ := os.ReadFile(f)
		y, err := os.ReadFile(filepath.Join(b, rel))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", rel)
		}
	}
}

func TestMistakesApply(t *testing.T) {
	_, content := Request(rand.New(rand.NewPCG(1, 1)), 2) // i%3 != 0: production, FC+
	for _, m := range mistakes {
		if !bytes.Contains(content, []byte(m.old)) {
			t.Errorf("mistake %q does not apply to a generated request", m.old)
		}
	}
}

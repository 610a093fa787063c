package format

import (
	"bytes"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/fsgate/fsgate/internal/load"
)

// FuzzFormat checks the formatter's promises on any input: if the input
// loads, its canonical form loads to the same value and is a fixed point.
func FuzzFormat(f *testing.F) {
	for _, path := range seeds(f) {
		f.Add(read(f, path))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, _ := load.Parse(src)
		out, err := Source(src)
		if !doc.Valid {
			if err == nil {
				t.Fatalf("a file that does not load was formatted:\n%s", src)
			}
			return
		}
		if err != nil {
			t.Fatalf("a file that loads was refused: %v\n%s", err, src)
		}
		after, _ := load.Parse(out)
		if !after.Valid || !reflect.DeepEqual(after.Value, doc.Value) {
			t.Fatalf("value changed:\n--- in\n%s\n--- out\n%s", src, out)
		}
		again, err := Source(out)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("not a fixed point (%v):\n--- in\n%q\n--- once\n%q\n--- twice\n%q", err, src, out, again)
		}
	})
}

// seeds are the valid requests: the fuzzer mutates them into near-requests,
// which is where the formatter's work is. The large invalid cases of the
// validator (64 KiB, deep nesting) would only make it slow.
func seeds(t testing.TB) []string {
	t.Helper()
	files := goldenInputs(t)
	for _, pattern := range []string{"../validate/testdata/valid/*.yaml", "../../providers/*/*/*.yaml"} {
		more, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, more...)
	}
	return files
}

package validate_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fsgate/fsgate/internal/gen"
	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/internal/schemacheck"
	"github.com/fsgate/fsgate/internal/validate"
	"github.com/fsgate/fsgate/schema"
)

// TestRepositoryExamples: the examples under providers/ are what publishers
// copy; they must stay valid.
func TestRepositoryExamples(t *testing.T) {
	res, err := validate.Run(validate.Options{Root: "../..", Today: goldenToday})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) < 6 {
		t.Errorf("only %d examples", len(res.Files))
	}
	for _, f := range res.Findings {
		t.Errorf("%s:%d: %s [%s]", f.Path, f.Line, f.Message.EN, f.Rule)
	}
}

// TestGeneratedTreeIsValid keeps the benchmark honest: it measures the
// normal path, not the error path.
func TestGeneratedTreeIsValid(t *testing.T) {
	root := t.TempDir()
	if err := gen.Tree(root, 60, 1); err != nil {
		t.Fatal(err)
	}
	res, err := validate.Run(validate.Options{Root: root, Today: goldenToday})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) != 60 {
		t.Errorf("%d files, want 60", len(res.Files))
	}
	for _, f := range res.Findings {
		t.Errorf("%s:%d: %s [%s]", f.Path, f.Line, f.Message.EN, f.Rule)
	}
}

func TestOrderIsDeterministic(t *testing.T) {
	root := t.TempDir()
	if err := gen.Tree(root, 40, 2); err != nil {
		t.Fatal(err)
	}
	// Break a few files so there is something to order.
	for _, name := range []string{"commune-00003-portail", "commune-00017-portail", "commune-00031-portail"} {
		matches, _ := filepath.Glob(filepath.Join(root, "providers", "*", "*", name+".yaml"))
		for _, m := range matches {
			if err := os.WriteFile(m, []byte("apiVersion: fsgate/v2\nkind: x\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	first, err := validate.Run(validate.Options{Root: root, Today: goldenToday, Workers: 8})
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		again, err := validate.Run(validate.Options{Root: root, Today: goldenToday, Workers: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Findings) != len(first.Findings) || len(first.Findings) == 0 {
			t.Fatalf("%d findings, then %d", len(first.Findings), len(again.Findings))
		}
		for i := range first.Findings {
			if first.Findings[i] != again.Findings[i] {
				t.Fatalf("finding %d differs between runs:\n%+v\n%+v", i, first.Findings[i], again.Findings[i])
			}
		}
	}
}

// BenchmarkLoadAndSchema: one 30-line request, parsed and validated. The
// target is ≥ 10,000 files/s per core.
func BenchmarkLoadAndSchema(b *testing.B) {
	src, err := os.ReadFile("testdata/valid/fcp-production-ecdh.yaml")
	if err != nil {
		b.Fatal(err)
	}
	s, err := schema.Compiled()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		doc, _ := load.Parse(src)
		if fs := schemacheck.Check(s, doc.Root, doc.Value); len(fs) != 0 {
			b.Fatal(fs)
		}
		doc.Release() // as the engine does once a file is checked
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkValidate1000: the whole engine over 1,000 generated files
// (discovery, reading, load, schema, every rule, cross-file rules).
func BenchmarkValidate1000(b *testing.B) {
	root := b.TempDir()
	if err := gen.Tree(root, 1000, 1); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := validate.Run(validate.Options{Root: root, Today: goldenToday}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(1000*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

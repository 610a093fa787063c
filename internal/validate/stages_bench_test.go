package validate_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/gen"
	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/rules"
	"github.com/fsgate/fsgate/internal/schemacheck"
	"github.com/fsgate/fsgate/schema"
)

// BenchmarkStages measures each stage of the pipeline on N generated files
// (10 % invalid), one core, so that the cost of each stage and its growth
// with N can be read in the table of docs/performance.md (make bench).

var corpora sync.Map // N → []generated

// generated is a generated request file: its path under the root and its
// bytes.
type generated struct {
	path string
	src  []byte
}

func corpus(b *testing.B, n int) []generated {
	if c, ok := corpora.Load(n); ok {
		return c.([]generated)
	}
	root := b.TempDir()
	if err := gen.Write(root, gen.Options{N: n, Seed: 42, InvalidShare: 0.1}); err != nil {
		b.Fatal(err)
	}
	var files []generated
	filepath.WalkDir(filepath.Join(root, "providers"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			src, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			files = append(files, generated{filepath.ToSlash(rel), src})
		}
		return nil
	})
	// In the engine's order (discover sorts by path), which the walk's is
	// not ("franceconnect-plus/" < "franceconnect/"): the cross-file rules
	// would sort a copy the engine never makes.
	slices.SortFunc(files, func(a, b generated) int { return strings.Compare(a.path, b.path) })
	corpora.Store(n, files)
	return files
}

func BenchmarkStages(b *testing.B) {
	s, err := schema.Compiled()
	if err != nil {
		b.Fatal(err)
	}
	ctx := &rules.Context{Today: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	for _, n := range []int{100, 1000, 10000} {
		generated := corpus(b, n)
		docs := make([]*load.Document, len(generated))
		files := make([]*rules.File, len(generated))
		for i, g := range generated {
			docs[i], _ = load.Parse(g.src)
			files[i] = &rules.File{Path: g.path, Mode: 0, Source: g.src, Root: docs[i].Root}
			if docs[i].Valid {
				files[i].Request = request.FromValue(docs[i].Value)
			}
		}
		stage := func(name string, each func()) {
			b.Run(fmt.Sprintf("N=%d/%s", n, name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					each()
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
			})
		}
		stage("load", func() {
			for _, g := range generated {
				doc, _ := load.Parse(g.src)
				doc.Release() // as the engine does once a file is checked
			}
		})
		stage("schema", func() {
			for _, d := range docs {
				if d.Valid {
					schemacheck.Check(s, d.Root, d.Value)
				}
			}
		})
		stage("rules", func() {
			for _, f := range files {
				if !f.Loaded() {
					continue
				}
				fresh := *f // the URI memo must not carry over between loops
				for _, r := range rules.All() {
					if r.Check != nil {
						r.Check(ctx, &fresh)
					}
				}
			}
		})
		stage("cross-file", func() {
			for _, r := range rules.All() {
				if r.CheckAll != nil {
					r.CheckAll(ctx, files)
				}
			}
		})
	}
}

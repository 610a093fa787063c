package validate_test

import (
	"fmt"
	"os"
	"path/filepath"
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

var corpora sync.Map // N → [][]byte

func corpus(b *testing.B, n int) [][]byte {
	if c, ok := corpora.Load(n); ok {
		return c.([][]byte)
	}
	root := b.TempDir()
	if err := gen.Write(root, gen.Options{N: n, Seed: 42, InvalidShare: 0.1}); err != nil {
		b.Fatal(err)
	}
	var srcs [][]byte
	filepath.WalkDir(filepath.Join(root, "providers"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			src, _ := os.ReadFile(p)
			srcs = append(srcs, src)
		}
		return nil
	})
	corpora.Store(n, srcs)
	return srcs
}

func BenchmarkStages(b *testing.B) {
	s, err := schema.Compiled()
	if err != nil {
		b.Fatal(err)
	}
	ctx := &rules.Context{Today: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	for _, n := range []int{100, 1000, 10000} {
		srcs := corpus(b, n)
		docs := make([]*load.Document, len(srcs))
		files := make([]*rules.File, len(srcs))
		for i, src := range srcs {
			docs[i], _ = load.Parse(src)
			files[i] = &rules.File{Path: fmt.Sprintf("providers/franceconnect-plus/production/f%05d.yaml", i), Mode: 0, Source: src, Root: docs[i].Root}
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
			for _, src := range srcs {
				load.Parse(src)
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

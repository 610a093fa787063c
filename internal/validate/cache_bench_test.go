package validate

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/cache"
	"github.com/fsgate/fsgate/internal/gen"
)

var benchToday = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// BenchmarkCache10000 runs the engine over 10,000 generated files without
// a cache, with an empty one (cold: everything validated, then stored),
// with a full one (warm: nothing changed, every file taken on its stat
// data), with a full one whose stat data cannot be trusted (reread: every
// file read and hashed, as after a fresh checkout or an edit a moment
// ago), and with one file changed per run (a pull request); readhash is
// what a cache keyed on content alone cannot go under: listing, reading
// and hashing every file. The warm target is 0.15 s for the whole process:
// add its start and the executable's key (computed once per process, so
// outside these loops: see cache.BenchmarkExecutableKey).
//
//	go test ./internal/validate -run '^$' -bench Cache10000
func BenchmarkCache10000(b *testing.B) {
	const n = 10_000
	root := b.TempDir()
	generated := time.Now()
	if err := gen.Tree(root, n, 1); err != nil {
		b.Fatal(err)
	}
	// The files were written a moment ago: for their stat data to be
	// trusted, as in a checkout in use, the runs' clock is an hour ahead
	// rather than the benchmark waiting (see cache.RacyWindow).
	later := func() time.Time { return time.Now().Add(time.Hour) }
	run := func(b *testing.B, c *cache.Cache) *Result {
		res, err := Run(Options{Root: root, Today: benchToday, Cache: c})
		if err != nil {
			b.Fatal(err)
		}
		if res.Cache.Err != nil {
			b.Fatal(res.Cache.Err)
		}
		return res
	}
	perSecond := func(b *testing.B) {
		b.ReportMetric(n*float64(b.N)/b.Elapsed().Seconds(), "files/s")
	}
	b.Run("nocache", func(b *testing.B) {
		for b.Loop() {
			run(b, nil)
		}
		perSecond(b)
	})
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			c := &cache.Cache{Dir: b.TempDir(), Now: later}
			b.StartTimer()
			if res := run(b, c); res.Cache.Misses != n {
				b.Fatalf("cold run: %+v", res.Cache)
			}
		}
		perSecond(b)
	})
	c := &cache.Cache{Dir: b.TempDir(), Now: later}
	run(b, c)
	b.Run("warm", func(b *testing.B) {
		for b.Loop() {
			if res := run(b, c); res.Cache.StatHits != n {
				b.Fatalf("warm run: %+v", res.Cache)
			}
		}
		perSecond(b)
	})
	b.Run("reread", func(b *testing.B) {
		// A clock at the files' writing: their stat data is never recorded.
		racy := &cache.Cache{Dir: b.TempDir(), Now: func() time.Time { return generated }}
		run(b, racy)
		for b.Loop() {
			if res := run(b, racy); res.Cache.Hits != n || res.Cache.StatHits != 0 {
				b.Fatalf("reread run: %+v", res.Cache)
			}
		}
		perSecond(b)
	})
	b.Run("onechange", func(b *testing.B) {
		changed := filepath.Join(root, "providers/franceconnect/production/commune-00001-portail.yaml")
		src, err := os.ReadFile(changed)
		if err != nil {
			b.Fatal(err)
		}
		i := 0
		for b.Loop() {
			b.StopTimer()
			i++
			if err := os.WriteFile(changed, fmt.Appendf(bytes.Clone(src), "# edit %d\n", i), 0o644); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if res := run(b, c); res.Cache.Misses != 1 {
				b.Fatalf("one file changed: %+v", res.Cache)
			}
		}
		perSecond(b)
	})
	b.Run("readhash", func(b *testing.B) {
		for b.Loop() {
			readAndHash(b, root)
		}
		perSecond(b)
	})
}

// readAndHash is what a cache keyed on content alone must do: list the
// files, read and hash each one, with the engine's workers.
func readAndHash(b *testing.B, root string) {
	entries, err := discover(root, []scope{{path: ProvidersDir, dir: true}})
	if err != nil {
		b.Fatal(err)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				src, err := readBounded(filepath.Join(root, filepath.FromSlash(entries[i].path)))
				if err != nil {
					b.Error(err)
				}
				sha256.Sum256(src)
			}
		}()
	}
	for i := range entries {
		next <- i
	}
	close(next)
	wg.Wait()
}

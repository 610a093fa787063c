package export

import (
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/gen"
	"github.com/fsgate/fsgate/internal/rules"
	"github.com/fsgate/fsgate/internal/validate"
)

// BenchmarkExport10000 is what `fsgate export --previous DIR --out DIR`
// does for 10,000 generated requests: validate the whole tree, build every
// document, read the previous export (the same size, from the previous
// iteration), diff, and write the new export atomically. Target: under 2 s
// and 300 MB. peak-heap-MB samples the live heap during the run.
func BenchmarkExport10000(b *testing.B) {
	root := b.TempDir()
	if err := gen.Tree(root, 10_000, 1); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "export")
	exportOnce(b, root, out) // the previous export of the first iteration
	peak := sampleHeap()
	cpu := cpuTime()
	b.ReportAllocs()
	for b.Loop() {
		exportOnce(b, root, out)
	}
	b.ReportMetric(cpu().Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(peak())/(1<<20), "peak-heap-MB")
}

// BenchmarkBuildWrite10000 is the export's own part, on files already
// validated: build, read the previous export, diff, write.
func BenchmarkBuildWrite10000(b *testing.B) {
	root := b.TempDir()
	if err := gen.Tree(root, 10_000, 1); err != nil {
		b.Fatal(err)
	}
	files := loadTree(b, root)
	dropTrees(files)
	out := filepath.Join(b.TempDir(), "export")
	exportOnce(b, root, out)
	cpu := cpuTime()
	b.ReportAllocs()
	for b.Loop() {
		buildWrite(b, files, out)
	}
	b.ReportMetric(cpu().Seconds()/float64(b.N), "cpu-s/op")
}

// exportOnce does what the export command does (internal/cli/export.go),
// with --previous and --out the same directory, as the merge workflow
// runs it.
func exportOnce(b *testing.B, root, out string) {
	res, err := validate.Run(validate.Options{Root: root, Today: testToday})
	if err != nil {
		b.Fatal(err)
	}
	dropTrees(res.All)
	buildWrite(b, res.All, out)
}

// dropTrees lets the YAML trees go, as the export command does once the
// validation is done.
func dropTrees(files []*rules.File) {
	for _, f := range files {
		f.Root = nil
	}
}

func buildWrite(b *testing.B, files []*rules.File, out string) {
	x, skipped := Build(files, Options{})
	if len(skipped) > 0 || len(x.Entries) != 10_000 {
		b.Fatalf("%d documents, skipped %v", len(x.Entries), skipped)
	}
	prev, err := x.ReadPrevious(out, 0)
	if err != nil {
		b.Fatal(err)
	}
	c, err := Diff(prev, x)
	if err != nil {
		b.Fatal(err)
	}
	if err := Write(out, x.Files(c, prev), WriteOptions{}); err != nil {
		b.Fatal(err)
	}
}

// sampleHeap samples the bytes of live and not yet swept heap objects
// every 2 ms until the returned function is called, which gives the peak.
func sampleHeap() func() uint64 {
	const name = "/memory/classes/heap/objects:bytes"
	sample := []metrics.Sample{{Name: name}}
	var (
		mu   sync.Mutex
		peak uint64
		stop = make(chan struct{})
		done = make(chan struct{})
	)
	runtime.GC()
	go func() {
		defer close(done)
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			mu.Lock()
			peak = max(peak, sample[0].Value.Uint64())
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return peak
	}
}

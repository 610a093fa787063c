package main

import (
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/cache"
	"github.com/fsgate/fsgate/internal/gen"
)

// BenchmarkProcess: the whole `fsgate validate` process over generated
// trees (10 % invalid files): wall time per run, files per second and the
// peak resident memory of the process (make bench; docs/performance.md).
// Cold runs use --no-cache; warm runs reuse a cache filled beforehand, on
// files old enough for their stat data to be trusted.
func BenchmarkProcess(b *testing.B) {
	bin := build(b)
	help, _ := exec.Command(bin, "validate", "--help").CombinedOutput()
	hasCache := strings.Contains(string(help), "no-cache")
	for _, n := range []int{100, 1000, 10000} {
		root := b.TempDir()
		if err := gen.Write(root, gen.Options{N: n, Seed: 42, InvalidShare: 0.1}); err != nil {
			b.Fatal(err)
		}
		generated := time.Now()
		modes := map[string][]string{"cold": nil}
		if hasCache {
			modes["cold"] = []string{"--no-cache"}
			modes["warm"] = []string{"--cache", b.TempDir()}
		}
		for _, mode := range []string{"cold", "warm"} {
			args, ok := modes[mode]
			if !ok {
				continue
			}
			b.Run(fmt.Sprintf("N=%d/%s", n, mode), func(b *testing.B) {
				run := func() *syscall.Rusage {
					cmd := exec.Command(bin, append([]string{"validate", "--root", root, "--format", "json", "--today", "2026-12-01"}, args...)...)
					cmd.Stdout = io.Discard
					if err := cmd.Run(); err != nil {
						if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
							b.Fatalf("fsgate validate: %v", err)
						}
					}
					return cmd.ProcessState.SysUsage().(*syscall.Rusage) // Maxrss in KiB on Linux
				}
				if mode == "warm" {
					// Stat data of files written within cache.RacyWindow
					// of a run is not trusted: a checkout in use is older.
					time.Sleep(time.Until(generated.Add(cache.RacyWindow + 100*time.Millisecond)))
					run() // fill the cache
				}
				var peak int64
				var cpu time.Duration
				b.ResetTimer()
				for b.Loop() {
					ru := run()
					peak = max(peak, ru.Maxrss)
					cpu += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
				b.ReportMetric(float64(peak)/1024, "peak-MB")
				// CPU time (user + system) varies less than wall time on a
				// shared machine: a second figure to compare commits with.
				b.ReportMetric(cpu.Seconds()*1000/float64(b.N), "cpu-ms/op")
			})
		}
	}
}

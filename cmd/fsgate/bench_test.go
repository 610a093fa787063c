package main

import (
	"fmt"
	"io"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/fsgate/fsgate/internal/gen"
)

// BenchmarkProcess: the whole `fsgate validate` process over generated
// trees (10 % invalid files): wall time per run, files per second and the
// peak resident memory of the process (make bench; docs/performance.md).
// Cold runs use --no-cache; warm runs reuse a cache filled beforehand.
func BenchmarkProcess(b *testing.B) {
	bin := build(b)
	help, _ := exec.Command(bin, "validate", "--help").CombinedOutput()
	cache := strings.Contains(string(help), "no-cache")
	for _, n := range []int{100, 1000, 10000} {
		root := b.TempDir()
		if err := gen.Write(root, gen.Options{N: n, Seed: 42, InvalidShare: 0.1}); err != nil {
			b.Fatal(err)
		}
		modes := map[string][]string{"cold": nil}
		if cache {
			modes["cold"] = []string{"--no-cache"}
			modes["warm"] = []string{"--cache", b.TempDir()}
		}
		for _, mode := range []string{"cold", "warm"} {
			args, ok := modes[mode]
			if !ok {
				continue
			}
			b.Run(fmt.Sprintf("N=%d/%s", n, mode), func(b *testing.B) {
				run := func() int64 {
					cmd := exec.Command(bin, append([]string{"validate", "--root", root, "--format", "json", "--today", "2026-12-01"}, args...)...)
					cmd.Stdout = io.Discard
					if err := cmd.Run(); err != nil {
						if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 1 {
							b.Fatalf("fsgate validate: %v", err)
						}
					}
					return cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss // KiB on Linux
				}
				if mode == "warm" {
					run() // fill the cache
				}
				var peak int64
				b.ResetTimer()
				for b.Loop() {
					peak = max(peak, run())
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
				b.ReportMetric(float64(peak)/1024, "peak-MB")
			})
		}
	}
}

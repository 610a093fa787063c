package main

import (
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/gen"
)

// BenchmarkExportProcess10000: the whole `fsgate export` process as the
// merge workflow runs it (--previous and --out the same directory, the
// export of the previous run), over 10,000 generated valid requests, every
// document unchanged: wall time per run, CPU time (user and system) and
// peak resident memory of the process. Issue 5's target: under 2 s and
// 300 MB. internal/export's benchmarks split the same work by stage.
func BenchmarkExportProcess10000(b *testing.B) {
	bin := build(b)
	root := b.TempDir()
	if err := gen.Tree(root, 10_000, 1); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "export")
	run := func() *syscall.Rusage {
		cmd := exec.Command(bin, "export", "--root", root, "--out", out, "--previous", out, "--today", "2026-01-15")
		if output, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("fsgate export: %v\n%s", err, output)
		}
		return cmd.ProcessState.SysUsage().(*syscall.Rusage)
	}
	run() // the previous export of the first run
	var (
		cpu  time.Duration
		peak int64
	)
	for b.Loop() {
		ru := run()
		cpu += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		peak = max(peak, ru.Maxrss) // KiB on Linux
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
	b.ReportMetric(float64(peak)/1024, "peak-MB")
}

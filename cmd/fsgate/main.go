// Command fsgate validates FranceConnect service provider requests and
// carries them through review to provisioning. See internal/cli.
package main

import (
	"os"
	"runtime/debug"

	"github.com/fsgate/fsgate/internal/cli"
)

func main() {
	collectLessOften()
	os.Exit(cli.Main(os.Args[1:], cli.OSEnv()))
}

// collectLessOften sets the garbage collector for a short batch process:
// most of what a run allocates is garbage at once (parse trees, schema
// validation), while what it keeps (every file's request, for the
// cross-file rules) stays live to the end and is marked again at every
// cycle. Over 10,000 files, the default of 100 % took ~20 % more CPU than
// 400 %, and 400 % ~6 % more instructions than 800 % (callgrind), for a
// peak of 120–150 MB instead of 100–120 MB (docs/performance.md). The
// soft memory limit keeps a far larger tree from growing the heap nine
// times over: past it, the collector runs as often as it must. GOGC and
// GOMEMLIMIT in the environment still decide.
func collectLessOften() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(800)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(400 << 20)
	}
}

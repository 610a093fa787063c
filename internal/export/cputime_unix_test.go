//go:build unix

package export

import (
	"syscall"
	"time"
)

// cpuTime returns a function giving the CPU time (user and system) the
// process used since: unlike the wall time, it hardly moves when other
// processes compete for the cores.
func cpuTime() func() time.Duration {
	used := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			return 0
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := used()
	return func() time.Duration { return used() - start }
}

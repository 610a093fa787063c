//go:build !unix

package export

import "time"

// cpuTime is not measured outside Unix: the metric reads 0.
func cpuTime() func() time.Duration { return func() time.Duration { return 0 } }

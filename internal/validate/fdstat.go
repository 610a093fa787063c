//go:build linux || darwin

package validate

import (
	"syscall"

	"github.com/fsgate/fsgate/internal/cache"
)

// statOf is the cache's stat data of a file read (see readStat).
func statOf(st *syscall.Stat_t) cache.Stat { return cache.FromSys(st) }

//go:build unix && !linux && !darwin

package validate

import (
	"syscall"

	"github.com/fsgate/fsgate/internal/cache"
)

// statOf is the zero Stat where the cache keeps no stat data (see
// cache.StatFile).
func statOf(*syscall.Stat_t) cache.Stat { return cache.Stat{} }

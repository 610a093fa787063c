//go:build linux || darwin

package cache

import "syscall"

// StatFile returns the stat data of the file at path (not following a
// symlink), or the zero Stat if it cannot be had or the file is not a
// regular one. One lstat system call, and no allocation beyond the path's
// conversion: it runs for every file of every run.
func StatFile(path string) Stat {
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		return Stat{}
	}
	return FromSys(&st)
}

// FromSys is the Stat of what stat, lstat or fstat returned, or the zero
// Stat if the file is not a regular one. Only the names of the time fields
// differ between systems (statTimes).
func FromSys(st *syscall.Stat_t) Stat {
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return Stat{}
	}
	mtime, ctime := statTimes(st)
	return Stat{
		Size:   st.Size,
		Mtime:  mtime,
		Ctime:  ctime,
		Inode:  st.Ino,
		Device: uint64(st.Dev),
		Mode:   uint32(st.Mode),
	}
}

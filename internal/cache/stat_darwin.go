package cache

import "syscall"

// StatFile returns the stat data of the file at path (not following a
// symlink), or the zero Stat if it cannot be had or the file is not a
// regular one.
func StatFile(path string) Stat {
	var st syscall.Stat_t
	if err := syscall.Lstat(path, &st); err != nil {
		return Stat{}
	}
	return FromSys(&st)
}

// FromSys is the Stat of what stat, lstat or fstat returned, or the zero
// Stat if the file is not a regular one.
func FromSys(st *syscall.Stat_t) Stat {
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return Stat{}
	}
	return Stat{
		Size:   st.Size,
		Mtime:  st.Mtimespec.Nano(),
		Ctime:  st.Ctimespec.Nano(),
		Inode:  st.Ino,
		Device: uint64(st.Dev),
		Mode:   uint32(st.Mode),
	}
}

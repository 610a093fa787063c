package cache

import (
	"encoding/binary"
	"time"
)

// Stat is what the file system says of a file, taken before the file is
// read. The index keeps it beside the file's content key: when a later run
// finds the same stat data, the file was not written since it was read,
// and the run takes the entry without reading or hashing the file (git's
// index does the same; the content key stays the SHA-256, the stat data
// only spares recomputing it).
//
// Each field catches a way to change a file: size and mtime an ordinary
// write; ctime any write, chmod or rename, including one whose tool then
// sets the mtime back (os.Chtimes, touch -r, rsync -t; a program cannot set
// the ctime); inode and device a file replaced by another (an editor's
// atomic save, a checkout); mode a change of type or permissions.
//
// The zero Stat means "unknown" (a system that does not give the ctime and
// the inode, a file that is not a regular one): it never matches, and the
// file is read and hashed as without stat data.
type Stat struct {
	Size          int64
	Mtime, Ctime  int64 // nanoseconds since 1970
	Inode, Device uint64
	Mode          uint32 // st_mode: type and permission bits
}

// RacyWindow is how recent a file's mtime or ctime may be, compared with
// the start of the run that reads it, for its stat data to be trusted
// later. A file written again right after a run read it may keep the same
// stat data: file systems take timestamps from a coarse clock (a jiffy of
// a few milliseconds on Linux, a second on some file systems, two seconds
// on FAT), so two writes within one tick look the same. Such a file is
// "racily clean" (git's Documentation/technical/racy-git.txt): its stat
// data is not recorded, and it is read and hashed on every run until it is
// older than this window. Any write after the run's start then gets a
// timestamp newer than the recorded one. The window is larger than the
// coarsest tick, with room for a small clock difference between this
// machine and a network file system's server; the price is re-hashing the
// few files written in the last seconds.
const RacyWindow = 2 * time.Second

// statSize is the size of a Stat in the index: six little-endian fields.
const statSize = 5*8 + 4

func (w *writer) stat(st Stat) {
	w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(st.Size))
	w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(st.Mtime))
	w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(st.Ctime))
	w.buf = binary.LittleEndian.AppendUint64(w.buf, st.Inode)
	w.buf = binary.LittleEndian.AppendUint64(w.buf, st.Device)
	w.buf = binary.LittleEndian.AppendUint32(w.buf, st.Mode)
}

func (r *reader) stat() Stat {
	s := r.fixed(statSize)
	if len(s) != statSize {
		return Stat{}
	}
	return Stat{
		Size:   int64(le64(s[0:])),
		Mtime:  int64(le64(s[8:])),
		Ctime:  int64(le64(s[16:])),
		Inode:  le64(s[24:]),
		Device: le64(s[32:]),
		Mode:   uint32(s[40]) | uint32(s[41])<<8 | uint32(s[42])<<16 | uint32(s[43])<<24,
	}
}

// le64 is binary.LittleEndian.Uint64 on a string (the index is one, and
// converting a slice of it to []byte would copy).
func le64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

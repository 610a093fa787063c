//go:build unix

package validate

import (
	"bytes"
	"errors"
	"syscall"

	"github.com/fsgate/fsgate/internal/cache"
)

var errNotRegular = errors.New("not a regular file")

// readBounded reads a file, but never more than one byte past the size
// limit: a 10 GB file costs no more than a 64 KiB one.
//
// It opens the file with the system call itself: os.Open costs a run over
// 10,000 files some 50,000 more system calls (descriptor flags, the
// poller), for a file read once. O_NOFOLLOW, O_NONBLOCK and the fstat
// hold the engine's promise if the tree changes under it between the
// listing and the read: a symlink is refused, not followed, and a FIFO or
// a device put in a file's place is refused instead of blocking the run or
// being read.
func readBounded(path string) ([]byte, error) {
	src, _, err := readStat(path)
	return src, err
}

// readStat is readBounded, and also returns the cache's stat data of the
// file read, from the fstat that comes before the read: what the cache
// records with the content, as the stat data a later run must find to skip
// reading it.
func readStat(path string) ([]byte, cache.Stat, error) {
	fd, err := retry(func() (int, error) {
		return syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	})
	if err != nil {
		return nil, cache.Stat{}, err
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if _, err := retry(func() (int, error) { return 0, syscall.Fstat(fd, &st) }); err != nil {
		return nil, cache.Stat{}, err
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, cache.Stat{}, errNotRegular
	}
	buf := scratch.Get().(*[]byte)
	defer scratch.Put(buf)
	// Reading stops at the size fstat gave, rather than at a read that
	// returns nothing: one system call less per file. A file that grows
	// meanwhile is read as it was at fstat, which is what a read racing
	// a writer gets anyway.
	want := len(*buf)
	if st.Size >= 0 && st.Size < int64(want) {
		want = int(st.Size)
	}
	n := 0
	for n < want {
		m, err := retry(func() (int, error) { return syscall.Read(fd, (*buf)[n:want]) })
		if err != nil {
			return nil, cache.Stat{}, err
		}
		if m == 0 {
			break
		}
		n += m
	}
	return bytes.Clone((*buf)[:n]), statOf(&st), nil
}

// retry runs a system call again when a signal interrupted it.
func retry(call func() (int, error)) (int, error) {
	for {
		n, err := call()
		if err != syscall.EINTR {
			return n, err
		}
	}
}

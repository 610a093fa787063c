//go:build !unix

package validate

import (
	"bytes"
	"io"
	"os"

	"github.com/fsgate/fsgate/internal/cache"
)

// readStat is readBounded, and also returns the cache's stat data of the
// file, taken before it is read.
func readStat(path string) ([]byte, cache.Stat, error) {
	st := cache.StatFile(path)
	src, err := readBounded(path)
	return src, st, err
}

// readBounded reads a file, but never more than one byte past the size
// limit: a 10 GB file costs no more than a 64 KiB one.
func readBounded(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer fh.Close()
	buf := scratch.Get().(*[]byte)
	defer scratch.Put(buf)
	n, err := io.ReadFull(fh, *buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, unwrapPathError(err)
	}
	return bytes.Clone((*buf)[:n]), nil
}

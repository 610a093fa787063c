//go:build !unix

package validate

import (
	"bytes"
	"io"
	"os"
)

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

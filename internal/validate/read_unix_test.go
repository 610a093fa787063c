//go:build unix

package validate

import (
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/fsgate/fsgate/internal/load"
)

// TestReadBounded: the read returns a file's bytes up to one past the
// limit, and refuses what the listing said was a file but no longer is.
func TestReadBounded(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	big := filepath.Join(dir, "big.yaml")
	fifo := filepath.Join(dir, "fifo.yaml")
	link := filepath.Join(dir, "link.yaml")
	if err := os.WriteFile(small, []byte("a: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), 3*load.MaxSize), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	if err := os.Symlink(small, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path    string
		size    int
		refused bool
	}{
		{small, 5, false},
		{big, load.MaxSize + 1, false},
		{fifo, 0, true}, // would block os.Open until a writer comes
		{link, 0, true},
		{filepath.Join(dir, "missing.yaml"), 0, true},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.path), func(t *testing.T) {
			src, err := readBounded(tt.path)
			if (err != nil) != tt.refused {
				t.Fatalf("err = %v, want refused = %v", err, tt.refused)
			}
			if len(src) != tt.size {
				t.Errorf("read %d bytes, want %d", len(src), tt.size)
			}
		})
	}
}

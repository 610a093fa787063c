package git

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"strconv"
	"strings"
)

// TreeEntry is a file of a revision: its mode ("100644", "120000" for a
// symlink…), its blob id and its path.
type TreeEntry struct {
	Mode, Blob, Path string
}

// Symlink reports whether the entry is a symbolic link.
func (e TreeEntry) Symlink() bool { return e.Mode == "120000" }

// ListTree lists the files under prefix at rev, with their blob ids: one
// command, however many files. A prefix absent at rev gives no entry.
func (r Repo) ListTree(ctx context.Context, rev, prefix string) ([]TreeEntry, error) {
	if err := checkRev(rev); err != nil {
		return nil, err
	}
	if prefix == "" || strings.HasPrefix(prefix, "-") || strings.Contains(prefix, "..") {
		return nil, fmt.Errorf("invalid prefix %q", prefix)
	}
	out, err := r.run(ctx, "ls-tree", "-r", "-z", "--full-tree", rev, "--", prefix)
	if err != nil {
		return nil, err
	}
	var entries []TreeEntry
	for _, rec := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if rec == "" {
			continue
		}
		// "<mode> SP <type> SP <object> TAB <path>"
		meta, path, ok := strings.Cut(rec, "\t")
		fields := strings.Fields(meta)
		if !ok || len(fields) != 3 {
			return nil, fmt.Errorf("unexpected git ls-tree output")
		}
		if fields[1] != "blob" {
			continue // a submodule: not a file
		}
		entries = append(entries, TreeEntry{Mode: fields[0], Blob: fields[2], Path: path})
	}
	return entries, nil
}

// BlobID is the id git gives content as a blob, in the hash of blobID's
// repository (SHA-1 ids have 40 hex digits, SHA-256 ids 64): comparing it
// with a TreeEntry's Blob tells whether a file changed without reading the
// revision's copy.
func BlobID(content []byte, like string) string {
	var h hash.Hash
	if len(like) == 64 {
		h = sha256.New()
	} else {
		h = sha1.New()
	}
	h.Write([]byte("blob " + strconv.Itoa(len(content)) + "\x00"))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

package git

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// Bounds on an extracted tree: a registry of 10,000 requests of 64 KiB at
// most fits well within them.
const (
	maxExtractFiles = 50_000
	maxExtractBytes = 1 << 30
	maxFileBytes    = 1 << 20
)

// Extract writes the files under prefix (a directory such as "providers")
// as they are at rev into dir, keeping their relative paths. It is how
// fsgate looks at the base of a pull request without touching the working
// tree. Symlinks and other special entries are skipped (the validator
// reports them in the working tree); a path escaping dir is an error.
func (r Repo) Extract(ctx context.Context, rev, prefix, dir string) error {
	if err := checkRev(rev); err != nil {
		return err
	}
	if prefix == "" || strings.HasPrefix(prefix, "-") || strings.Contains(prefix, "..") {
		return fmt.Errorf("invalid prefix %q", prefix)
	}
	// A revision without the prefix is an empty tree, not an error.
	if _, err := r.run(ctx, "cat-file", "-e", rev+":"+prefix); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return os.MkdirAll(filepath.Join(dir, prefix), 0o755)
		}
		return err
	}
	cmd := exec.CommandContext(ctx, "git", "-C", r.Dir, "archive", "--format=tar", rev, "--", prefix)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	extractErr := untar(out, dir)
	// Drain so that git is not blocked writing when we stopped early.
	io.Copy(io.Discard, out)
	waitErr := cmd.Wait()
	if extractErr != nil {
		return extractErr
	}
	if waitErr != nil {
		return fmt.Errorf("git archive: %s", firstLine(stderr.String()))
	}
	return nil
}

func untar(rd io.Reader, dir string) error {
	tr := tar.NewReader(rd)
	files, total := 0, int64(0)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("git archive: %w", err)
		}
		name := path.Clean(h.Name)
		if path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return fmt.Errorf("git archive: path %q escapes the tree", h.Name)
		}
		target := filepath.Join(dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			files++
			total += h.Size
			if files > maxExtractFiles || total > maxExtractBytes || h.Size > maxFileBytes {
				return errors.New("git archive: tree too large")
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			f, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(f, io.LimitReader(tr, maxFileBytes))
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		default:
			// Symlinks, submodules (absent from archives), global headers.
		}
	}
}

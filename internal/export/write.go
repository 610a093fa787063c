package export

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Names of the export's own files in DIR.
const (
	ManifestFile = "manifest.json"
	ChangesFile  = "changes.json"
)

// WriteOptions configure Write.
type WriteOptions struct {
	// Workers bounds the parallel writing; 0 means one per CPU.
	Workers int
	// WriteFile writes one file of the new tree; nil means os.WriteFile.
	// Tests make it fail midway to prove the writing atomic.
	WriteFile func(name string, data []byte) error
}

// File is one file of an export directory.
type File struct {
	Path string // relative, with '/'
	Data []byte
	// LinkFrom, when set, is a file holding exactly Data (the same
	// document in the previous export): Write hard-links it instead of
	// writing a new file, which is much cheaper on most file systems, and
	// writes Data when linking fails (another file system).
	LinkFrom string
}

// Files returns every file of the export directory: the documents, the
// manifest, and the changes when there are some (an export with
// --previous). The documents unchanged since prev (nil: none), byte for
// byte, are linked from it.
func (x *Export) Files(changes *Changes, prev *Previous) []File {
	out := make([]File, 0, len(x.Entries)+2)
	for _, e := range x.Entries {
		f := File{Path: e.Path(), Data: e.Bytes}
		if prev != nil {
			if d := prev.docs[e.ID]; d != nil && d.file != "" && d.sha256 == e.SHA256 {
				f.LinkFrom = d.file
			}
		}
		out = append(out, f)
	}
	m := x.Manifest()
	// About 130 bytes per document: one allocation.
	size := 512
	for _, d := range m.Documents {
		size += 64 + len(d.ID) + len(d.SHA256)
	}
	out = append(out, File{Path: ManifestFile, Data: appendManifest(make([]byte, 0, size), m)})
	if changes != nil {
		out = append(out, File{Path: ChangesFile, Data: encode(changes)})
	}
	return out
}

// Write replaces the directory dir with one holding exactly files, or
// leaves it as it was.
//
// The new tree is built in a temporary directory beside dir (same file
// system), then renamed into place: an export that fails or is killed
// midway never leaves a half-written dir. An existing dir is moved aside
// only once the new tree is complete, and moved back if the final rename
// fails. Between the two renames (a few microseconds) dir does not exist;
// it is never partly written.
//
// An existing dir is replaced only when it is empty or holds a previous
// export (a manifest.json): a mistyped --out never wipes a directory of
// something else.
//
// Nothing is synced to disk (no fsync), deliberately. The rename alone
// makes the export atomic against what interrupts it in practice: the
// process killed, the job cancelled, a write failing. Every file written
// before the rename is in the kernel's page cache, seen whole by every
// reader whatever becomes of the process. Syncing matters only when the
// machine itself goes down before the kernel has written those pages back:
// the renamed directory could then survive on disk with some of its files
// empty (with delayed allocation, ext4 may commit the rename before the
// data of the files inside the directory). Guarding against that takes an
// fsync of every file, then of the directories, before the rename: about
// a millisecond per file on the CI machines, seconds for 10,000 documents,
// many times the cost of the export itself. It would buy little: in CI the
// runner is a throwaway machine and the export is kept by the commit the
// next step pushes, so a crash loses the job, never a good export; on a
// workstation, a torn export left by a power cut is refused by the next
// export (--previous checks every document against the manifest) instead
// of giving wrong changes. Unchanged documents are hard links to the
// previous export's files (LinkFrom): no new data at all.
func Write(dir string, files []File, opts WriteOptions) (err error) {
	dir = filepath.Clean(dir)
	if err := checkReplaceable(dir); err != nil {
		return err
	}
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := writeTree(tmp, files, opts); err != nil {
		return err
	}
	// MkdirTemp creates 0700: the export is read by others (git, CI).
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}

	if _, statErr := os.Lstat(dir); errors.Is(statErr, fs.ErrNotExist) {
		if err := os.Rename(tmp, dir); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		return nil
	}
	old, err := os.MkdirTemp(parent, "."+base+".old-")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	// Rename needs the target gone (an empty directory is replaced on
	// Unix, not everywhere): keep only the unique name.
	if err := os.Remove(old); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if backErr := os.Rename(old, dir); backErr != nil {
			return fmt.Errorf("export: %w (and restoring %s failed: %v; the previous export is in %s)", err, dir, backErr, old)
		}
		return fmt.Errorf("export: %w", err)
	}
	if err := removeTree(old, opts.Workers); err != nil {
		return fmt.Errorf("export: written, but removing the previous export failed: %w", err)
	}
	return nil
}

// removeTree removes the directory dir, a replaced export: the
// directories of documents, <platform>/<environment>/, are emptied by
// several goroutines (10,000 files to unlink in a large export), then the
// rest goes.
func removeTree(dir string, workers int) error {
	var leaves []string
	platforms, _ := os.ReadDir(dir)
	for _, p := range platforms {
		if !p.IsDir() {
			continue
		}
		envs, _ := os.ReadDir(filepath.Join(dir, p.Name()))
		for _, e := range envs {
			if e.IsDir() {
				leaves = append(leaves, filepath.Join(dir, p.Name(), e.Name()))
			}
		}
	}
	errs := make([]error, len(leaves))
	parallel(len(leaves), workers, func(i int) { errs[i] = os.RemoveAll(leaves[i]) })
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return os.RemoveAll(dir)
}

// checkReplaceable refuses to replace anything but an empty directory or
// an export.
func checkReplaceable(dir string) error {
	info, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("export: %s exists and is not a directory", dir)
	}
	if _, err := os.Lstat(filepath.Join(dir, ManifestFile)); err == nil {
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("export: %s is neither empty nor a previous export (no %s): refusing to replace it", dir, ManifestFile)
	}
	return nil
}

// writeTree writes files under dir, creating their directories first.
func writeTree(dir string, files []File, opts WriteOptions) error {
	write := opts.WriteFile
	if write == nil {
		write = func(name string, data []byte) error { return os.WriteFile(name, data, 0o644) }
	}
	dirs := map[string]bool{}
	for _, f := range files {
		if !localPath(f.Path) {
			return fmt.Errorf("export: invalid file name %q", f.Path)
		}
		if d := path.Dir(f.Path); d != "." && !dirs[d] {
			dirs[d] = true
			if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
				return fmt.Errorf("export: %w", err)
			}
		}
	}
	errs := make([]error, len(files))
	parallel(len(files), opts.Workers, func(i int) {
		name := filepath.Join(dir, filepath.FromSlash(files[i].Path))
		if files[i].LinkFrom != "" && os.Link(files[i].LinkFrom, name) == nil {
			return
		}
		errs[i] = write(name, files[i].Data)
	})
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("export: writing %s: %w", files[i].Path, unwrapPath(err))
		}
	}
	return nil
}

// localPath accepts a relative slash path that stays inside its directory.
func localPath(p string) bool {
	return p != "" && filepath.IsLocal(filepath.FromSlash(p)) && !strings.Contains(p, "\\") && path.Clean(p) == p
}

// unwrapPath keeps the reason of an fs error without the temporary path.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

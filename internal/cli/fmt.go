package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/format"
	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/internal/validate"
)

const fmtUsage = "[--check] [--lang fr|en] [--root DIR] [PATH...]"

// runFmt rewrites request files in canonical form (internal/format), or,
// with --check, lists those that are not (CI). A file that does not load is
// never touched: it is reported on one line and the run goes on, so one
// broken file does not hide the others.
func runFmt(env Env, args []string) int {
	fs := newFlags(env, "fmt", fmtUsage)
	check := fs.Bool("check", false, "list the files that are not in canonical form and exit 1, writing nothing")
	lang := fs.String("lang", "", "language of messages: fr (default) or en")
	root := fs.String("root", "", "repository root (default: the nearest directory holding providers/)")
	paths, err := parse(fs, args)
	if err != nil {
		return ExitUsage
	}
	st, err := readSettings(env, *lang, "", *root)
	if err != nil {
		return usageError(env, "%v", err)
	}
	l, wd := st.lang, st.wd
	*root = st.root
	if len(paths) == 0 {
		dir := filepath.Join(*root, validate.ProvidersDir)
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return usageError(env, "no %s/ directory in %s", validate.ProvidersDir, *root)
		}
		paths = []string{dir}
	}
	for i, p := range paths {
		paths[i] = resolve(wd, p)
		if _, err := os.Lstat(paths[i]); err != nil {
			return usageError(env, "%s: no such file or directory", p)
		}
	}
	files, err := requestFiles(*root, paths)
	if err != nil {
		return usageError(env, "%v", err)
	}

	code := ExitOK
	worse := func(c int) {
		if c > code {
			code = c
		}
	}
	differ := 0
	for _, path := range files {
		shown := displayPath(*root, path)
		src, mode, err := readRequest(path)
		if err != nil {
			fmt.Fprintf(env.Stderr, "fsgate: %s: %v\n", shown, err)
			worse(ExitUsage)
			continue
		}
		changed, out, err := format.Changed(src)
		var fe *format.Error
		switch {
		case errors.As(err, &fe):
			where := shown
			if fe.Line > 0 {
				where = fmt.Sprintf("%s:%d:%d", shown, fe.Line, fe.Column)
			}
			left := finding.T("fichier laissé tel quel", "file left as it is").In(l)
			fmt.Fprintf(env.Stderr, "fsgate: %s: %s (%s)\n", where, oneLine(fe.Message.In(l)), left)
			worse(ExitFindings)
			continue
		case err != nil:
			fmt.Fprintf(env.Stderr, "fsgate: %s: %v\n", shown, err)
			worse(ExitFindings)
			continue
		case !changed:
			continue
		}
		differ++
		if *check {
			fmt.Fprintln(env.Stdout, shown)
			worse(ExitFindings)
			continue
		}
		if err := writeAtomic(path, out, mode); err != nil {
			fmt.Fprintf(env.Stderr, "fsgate: %s: %v\n", shown, err)
			worse(ExitUsage)
			continue
		}
		fmt.Fprintln(env.Stdout, shown)
	}
	if *check && differ > 0 {
		fmt.Fprintf(env.Stderr, "fsgate: %s\n", finding.Tf(
			"%d fichier(s) à mettre en forme : lancez fsgate fmt",
			"%d file(s) not in canonical form: run fsgate fmt", differ).In(l))
	}
	return code
}

// requestFiles lists the files to format: each file given, and the .yaml
// and .yml files under each directory given. Symbolic links are never
// followed nor rewritten: a link under providers/ could point anywhere.
func requestFiles(root string, paths []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		info, err := os.Lstat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", displayPath(root, p), pathErr(err))
		}
		if !info.IsDir() {
			if !info.Mode().IsRegular() {
				return nil, fmt.Errorf("%s: not a regular file (a symlink?)", displayPath(root, p))
			}
			add(p)
			continue
		}
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("%s: %v", displayPath(root, q), pathErr(err))
			}
			if d.IsDir() {
				if q != p && d.Name() == ".git" {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && (strings.HasSuffix(d.Name(), ".yaml") || strings.HasSuffix(d.Name(), ".yml")) {
				add(q)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readRequest reads a file and its permissions, never more than one byte
// past the loader's limit (the loader then refuses it).
func readRequest(path string) ([]byte, fs.FileMode, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, pathErr(err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, 0, pathErr(err)
	}
	src, err := io.ReadAll(io.LimitReader(f, load.MaxSize+1))
	if err != nil {
		return nil, 0, pathErr(err)
	}
	return src, info.Mode().Perm(), nil
}

// writeAtomic replaces path with data: a temporary file in the same
// directory, with the same permissions, renamed over it, so that an
// interrupted run leaves the old file or the new one, never half of one.
func writeAtomic(path string, data []byte, mode fs.FileMode) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".fsgate-*")
	if err != nil {
		return pathErr(err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return pathErr(err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return pathErr(err)
	}
	if err := tmp.Sync(); err != nil {
		return pathErr(err)
	}
	if err := tmp.Close(); err != nil {
		return pathErr(err)
	}
	return pathErr(os.Rename(tmp.Name(), path))
}

// displayPath shows a path relative to the root with '/', as findings do;
// a path outside the root as it is.
func displayPath(root, path string) string {
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return path
	}
	return filepath.ToSlash(rel)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// pathErr keeps the reason of an fs error without the absolute path, which
// the message already names relative to the root.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

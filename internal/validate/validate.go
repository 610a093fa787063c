// Package validate runs every check over a repository: it finds the request
// files, loads them in parallel, validates each against the schema and the
// per-file rules, runs the cross-file rules over the whole tree, and returns
// the findings that concern the paths asked for, sorted.
//
// Data flows one way: files → load → schema → typed request → rules →
// findings.
package validate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsgate/fsgate/internal/cache"
	"github.com/fsgate/fsgate/internal/fetch"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/internal/locate"
	"github.com/fsgate/fsgate/internal/online"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/rules"
	"github.com/fsgate/fsgate/internal/schemacheck"
	"github.com/fsgate/fsgate/schema"
)

// ProvidersDir is the directory, under the root, that holds the requests.
const ProvidersDir = "providers"

// Options configure a run.
type Options struct {
	// Root is the repository root (the directory holding providers/).
	Root string
	// Paths are the files or directories to report on, relative to the
	// working directory or absolute; nil means the whole providers/, an
	// empty non-nil slice nothing (but the removals found with Base).
	Paths []string
	// Today is the date the date rules use.
	Today time.Time
	// Workers bounds the parallel loading; 0 means one per CPU.
	Workers int
	// Base, when set, is a git revision of the repository at Root: the
	// change rules compare each request with its version there.
	Base string
	// Online adds the network checks (JWKS, sector identifier) for the
	// files under Paths, through Fetcher (a new one when nil).
	Online  bool
	Fetcher *fetch.Fetcher
	// Cache, when set, reuses what earlier runs computed for the files
	// that did not change (see package cache). nil, the default, computes
	// everything: the results are the same, only slower.
	Cache *cache.Cache
}

// Result is what a run found.
type Result struct {
	// Findings concern the files under Paths, sorted.
	Findings []finding.Finding
	// Files are the files under Paths, relative to the root, sorted.
	Files []string
	// All holds every file of the tree as loaded, by path, for callers that
	// go on with the requests (export, plan). A file served by the cache
	// has no Root (see rules.File.Positions).
	All []*rules.File
	// Changed holds, with Options.Base, the files whose bytes differ from
	// the base: their base version (nil entries omitted: created files) and
	// their new one (deleted files omitted), for the plan of a merge.
	Changed struct{ Base, Head []*rules.File }
	// Cache says how the cache served the run (zero without Options.Cache).
	Cache cache.Stats
}

// Error is a usage or I/O problem: the run could not happen (exit code 2).
type Error struct{ msg string }

func (e *Error) Error() string { return e.msg }

func errorf(format string, args ...any) error { return &Error{fmt.Sprintf(format, args...)} }

// Run validates the tree under opts.Root.
func Run(opts Options) (*Result, error) {
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, errorf("root %s: %v", opts.Root, err)
	}
	if info, err := os.Stat(root); err != nil || !info.IsDir() {
		return nil, errorf("root %s is not a directory", opts.Root)
	}
	scopes, err := scopesOf(root, opts.Paths)
	if err != nil {
		return nil, err
	}
	var store *cache.Store
	if opts.Cache != nil {
		store = opts.Cache.Open(root) // in the background, while the tree is walked
	}
	entries, err := discover(root, scopes)
	if err != nil {
		return nil, err
	}
	files, perFile, err := loadAll(root, entries, &rules.Context{Today: opts.Today}, opts.Workers, store)
	if err != nil {
		return nil, err
	}
	var saved sync.WaitGroup
	if store != nil {
		// The index is written (tens of milliseconds for 10,000 files,
		// mostly waiting for the disk) while the cross-file rules run; Run
		// never returns with the write under way.
		saved.Go(store.Save)
		defer saved.Wait()
	}

	var all []finding.Finding
	for _, fs := range perFile {
		all = append(all, fs...)
	}
	all = append(all, crossFile(files, &rules.Context{Today: opts.Today})...)
	if opts.Online {
		all = append(all, checkOnline(files, scopes, opts.Fetcher)...)
	}
	var deleted map[string]bool
	res := &Result{All: files}
	if opts.Base != "" {
		cmp, err := compareBase(root, opts.Base, files, &rules.Context{Today: opts.Today})
		if err != nil {
			return nil, err
		}
		all = append(all, cmp.findings...)
		deleted = cmp.deleted
		res.Changed.Base, res.Changed.Head = cmp.base, cmp.head
	}

	if store != nil {
		saved.Wait()
		res.Cache = store.Stats()
	}
	for _, f := range files {
		if inScope(f.Path, scopes) {
			res.Files = append(res.Files, f.Path)
		}
	}
	for _, f := range dedup(all) {
		// A deleted file cannot be named as a path to check, yet its
		// deletion is the change under review: always reported.
		if inScope(f.Path, scopes) || deleted[f.Path] {
			res.Findings = append(res.Findings, f)
		}
	}
	finding.Sort(res.Findings)
	return res, nil
}

// scope is a reported path, relative to the root with '/': a file, or a
// directory whose whole subtree is reported.
type scope struct {
	path string
	dir  bool
}

func scopesOf(root string, paths []string) ([]scope, error) {
	if paths == nil {
		info, err := os.Stat(filepath.Join(root, ProvidersDir))
		if err != nil || !info.IsDir() {
			return nil, errorf("no %s/ directory in %s", ProvidersDir, root)
		}
		return []scope{{path: ProvidersDir, dir: true}}, nil
	}
	var out []scope
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, errorf("%s: %v", p, err)
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, errorf("%s is outside the repository root %s", p, root)
		}
		info, err := os.Lstat(abs)
		if err != nil {
			return nil, errorf("%s: no such file or directory", p)
		}
		out = append(out, scope{path: filepath.ToSlash(rel), dir: info.IsDir()})
	}
	return out, nil
}

func inScope(path string, scopes []scope) bool {
	for _, s := range scopes {
		switch {
		case s.path == "." || s.path == path:
			return true
		case s.dir && strings.HasPrefix(path, s.path+"/"):
			return true
		}
	}
	return false
}

// entry is a file found in the tree, not yet read.
type entry struct {
	path string      // relative, with '/'
	mode fs.FileMode // type bits only
}

// discover lists every file under providers/ (always: cross-file rules see
// the whole tree) and under the reported paths. Symlinks are listed, never
// followed.
func discover(root string, scopes []scope) ([]entry, error) {
	seen := map[string]bool{}
	var out []entry
	walk := func(rel string) error {
		return filepath.WalkDir(filepath.Join(root, filepath.FromSlash(rel)), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return errorf("%s: %v", p, unwrapPathError(err))
			}
			if d.IsDir() {
				if p != root && d.Name() == ".git" {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Name() == ".gitkeep" {
				return nil
			}
			r, _ := filepath.Rel(root, p)
			r = filepath.ToSlash(r)
			if seen[r] {
				return nil
			}
			seen[r] = true
			// The type bits come with the directory listing: no lstat per
			// file (10,000 system calls on the path of every run).
			out = append(out, entry{path: r, mode: d.Type()})
			return nil
		})
	}
	if info, err := os.Stat(filepath.Join(root, ProvidersDir)); err == nil && info.IsDir() {
		if err := walk(ProvidersDir); err != nil {
			return nil, err
		}
	}
	for _, s := range scopes {
		// providers/ is walked already; the root itself means "everything",
		// not every YAML file of the repository (workflows are not requests).
		if s.path == "." || s.path == ProvidersDir || strings.HasPrefix(s.path, ProvidersDir+"/") {
			continue
		}
		if err := walk(s.path); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b entry) int { return strings.Compare(a.path, b.path) })
	return out, nil
}

// loadAll loads, validates and checks each file with a bounded pool of
// workers. Results keep the order of entries, so output never depends on
// scheduling.
func loadAll(root string, entries []entry, ctx *rules.Context, workers int, store *cache.Store) ([]*rules.File, [][]finding.Finding, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	files := make([]*rules.File, len(entries))
	found := make([][]finding.Finding, len(entries))
	errs := make([]error, len(entries))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, max(len(entries), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				files[i], found[i], errs[i] = checkFile(root, entries[i], ctx, store)
			}
		}()
	}
	for i := range entries {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		if _, serr := schema.Compiled(); serr != nil {
			return nil, nil, fmt.Errorf("schema: %w", serr) // once, not once per file
		}
		return nil, nil, err
	}
	return files, found, nil
}

// checkFile runs everything that concerns one file alone. With a store, a
// file whose content the cache knows is not parsed: its findings, request
// and positions come from the cache, and only the rules that depend on the
// date run again.
func checkFile(root string, e entry, ctx *rules.Context, store *cache.Store) (*rules.File, []finding.Finding, error) {
	f := &rules.File{Path: e.path, Mode: e.mode}
	var out []finding.Finding
	var sum cache.Key
	if e.mode.IsRegular() {
		src, err := readBounded(filepath.Join(root, filepath.FromSlash(e.path)))
		if err != nil {
			return nil, nil, errorf("%s: %v", e.path, err)
		}
		f.Source = src
		if store != nil {
			sum = cache.Sum(src)
			if hit, ok := store.Lookup(e.path, sum); ok {
				return f, fromCache(ctx, f, hit), nil
			}
		}
		// Compiled on the first miss: a run served by the cache needs none.
		s, err := schema.Compiled()
		if err != nil {
			return nil, nil, err // reported by loadAll
		}
		doc, problems := load.Parse(src)
		out = append(out, problems...)
		f.Root = doc.Root
		if doc.Valid {
			out = append(out, schemacheck.Check(s, doc.Root, doc.Value)...)
			f.Request = request.FromValue(doc.Value)
		}
	}
	out = append(out, fileRules(ctx, f, false)...)
	if store != nil && e.mode.IsRegular() {
		store.Put(e.path, sum, out, f.Request, f.Root)
	}
	// The date rules come last, cached or not, so that the findings reach
	// dedup in the same order either way.
	out = append(out, fileRules(ctx, f, true)...)
	return f, withPath(out, e.path), nil
}

// fromCache completes f with what the cache kept of it, and returns its
// findings: the cached ones and those of the date rules, run again.
func fromCache(ctx *rules.Context, f *rules.File, hit *cache.Entry) []finding.Finding {
	f.Request = hit.Request
	if hit.Positions != nil { // a nil *cache.Positions would be a non-nil Locator
		f.Positions = hit.Positions
	}
	return withPath(append(hit.Findings, fileRules(ctx, f, true)...), f.Path)
}

// fileRules runs the per-file rules that depend on the date (dated) or
// those that do not.
func fileRules(ctx *rules.Context, f *rules.File, dated bool) []finding.Finding {
	var out []finding.Finding
	for _, r := range rules.All() {
		if r.Check == nil || r.DependsOnToday() != dated || (!f.Loaded() && !r.OnUnloaded) {
			continue
		}
		for _, fd := range r.Check(ctx, f) {
			out = append(out, complete(fd, r, f))
		}
	}
	return out
}

func withPath(fs []finding.Finding, path string) []finding.Finding {
	for i := range fs {
		fs[i].Path = path
	}
	return fs
}

// readBounded reads a file, but never more than one byte past the size limit:
// a 10 GB file costs no more than a 64 KiB one.
func readBounded(path string) ([]byte, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	defer fh.Close()
	// A buffer of the limit's size sees the end of a file in two reads,
	// where io.ReadAll, growing from 512 bytes, takes four or five for a
	// 1 KiB request.
	buf := scratch.Get().(*[]byte)
	defer scratch.Put(buf)
	n, err := io.ReadFull(fh, *buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, unwrapPathError(err)
	}
	return bytes.Clone((*buf)[:n]), nil
}

var scratch = sync.Pool{New: func() any {
	buf := make([]byte, load.MaxSize+1)
	return &buf
}}

func crossFile(files []*rules.File, ctx *rules.Context) []finding.Finding {
	loaded := make([]*rules.File, 0, len(files))
	byPath := make(map[string]*rules.File, len(files))
	for _, f := range files {
		if f.Loaded() {
			loaded = append(loaded, f)
			byPath[f.Path] = f
		}
	}
	// The rules only read the files: they run side by side, and their
	// findings are gathered in the rules' order.
	all := rules.All()
	found := make([][]finding.Finding, len(all))
	var wg sync.WaitGroup
	for i, r := range all {
		if r.CheckAll != nil {
			wg.Go(func() { found[i] = r.CheckAll(ctx, loaded) })
		}
	}
	wg.Wait()
	var out []finding.Finding
	for i, r := range all {
		for _, fd := range found[i] {
			out = append(out, complete(fd, r, byPath[fd.Path]))
		}
	}
	return out
}

// checkOnline runs the network pass on the loaded files in scope only: a
// pull request's online checks concern the requests it changes.
func checkOnline(files []*rules.File, scopes []scope, fetcher *fetch.Fetcher) []finding.Finding {
	if fetcher == nil {
		fetcher = fetch.New()
	}
	var selected []*rules.File
	byPath := map[string]*rules.File{}
	for _, f := range files {
		if f.Loaded() && inScope(f.Path, scopes) {
			selected = append(selected, f)
			byPath[f.Path] = f
		}
	}
	var out []finding.Finding
	for _, fd := range online.Check(context.Background(), fetcher, selected) {
		out = append(out, complete(fd, rules.Lookup(fd.Rule), byPath[fd.Path]))
	}
	return out
}

// complete fills what a rule leaves to the engine: its id, its severity and
// the position of the pointer.
func complete(fd finding.Finding, r *rules.Rule, f *rules.File) finding.Finding {
	if fd.Rule == "" {
		fd.Rule = r.ID
	}
	if fd.Severity == "" {
		fd.Severity = r.Severity
	}
	switch {
	case fd.Line != 0:
	case f != nil:
		// 1:1 when the file did not parse.
		fd.Line, fd.Column = f.Position(fd.Pointer, locate.AtValue)
	default:
		// No file to point into (a deleted request): the whole file.
	}
	return fd
}

// dedup drops a schema finding when a rule reports on the same value: the
// rule owns the problem and explains it better (a DataPass number in H, a
// URI that is not absolute…). Exact duplicates are dropped too.
func dedup(fs []finding.Finding) []finding.Finding {
	type key struct{ path, pointer string }
	owned := map[key]bool{}
	for _, f := range fs {
		if f.Rule != schemacheck.Rule && f.Pointer != "" {
			owned[key{f.Path, f.Pointer}] = true
		}
	}
	type full struct {
		path, pointer, rule, msg string
		line, col                int
	}
	seen := map[full]bool{}
	out := fs[:0:0]
	for _, f := range fs {
		if f.Rule == schemacheck.Rule && owned[key{f.Path, f.Pointer}] {
			continue
		}
		k := full{f.Path, f.Pointer, f.Rule, f.Message.FR, f.Line, f.Column}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	return out
}

// unwrapPathError keeps the reason of an fs error without the absolute path,
// which would leak the machine's layout into messages.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

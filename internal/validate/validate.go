// Package validate runs every check over a repository: it finds the request
// files, loads them in parallel, validates each against the schema and the
// per-file rules, runs the cross-file rules over the whole tree, and returns
// the findings that concern the paths asked for, sorted.
//
// Data flows one way: files → load → schema → typed request → rules →
// findings.
package validate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
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
	// has no Root (see rules.File.Positions), and one that the cache
	// recognised by its stat data was not read: its Source is nil, and
	// Result.Source reads it when it is needed.
	All []*rules.File
	// Changed holds, with Options.Base, the files whose bytes differ from
	// the base: their base version (nil entries omitted: created files) and
	// their new one (deleted files omitted), for the plan of a merge.
	Changed struct{ Base, Head []*rules.File }
	// Cache says how the cache served the run (zero without Options.Cache).
	Cache cache.Stats

	root    string
	sources struct {
		sync.Mutex
		read map[string][]byte
	}
}

// Source returns the bytes of the file at path (relative to the root, as
// in Findings) as the run saw them, or nil for a file not loaded or not
// read (a symlink). A file the cache skipped by its stat data is read now:
// a report needs the source lines of a few files with findings, and
// reading them all would cost a warm run more than everything else.
func (r *Result) Source(path string) []byte {
	i, ok := slices.BinarySearchFunc(r.All, path, func(f *rules.File, p string) int { return strings.Compare(f.Path, p) })
	if !ok {
		return nil
	}
	f := r.All[i]
	if f.Source != nil || !f.Mode.IsRegular() || r.root == "" {
		return f.Source
	}
	r.sources.Lock()
	defer r.sources.Unlock()
	src, ok := r.sources.read[path]
	if !ok {
		// Unreadable now (removed since): no source line, like a file not
		// loaded; the findings stand.
		src, _ = readBounded(absPath(r.root, path))
		if r.sources.read == nil {
			r.sources.read = map[string][]byte{}
		}
		r.sources.read[path] = src
	}
	return src
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
	// The schema too is compiled while the tree is walked (~7 ms), rather
	// than by the first worker while the others wait for it. A run the
	// cache serves whole does not need it, but it costs that run nothing
	// but a core that the walk leaves idle.
	go schema.Compiled()
	entries, err := discover(root, scopes)
	if err != nil {
		return nil, err
	}
	files, perFile, err := loadAll(root, entries, &rules.Context{Today: opts.Today}, opts.Workers, store)
	if err != nil {
		return nil, err
	}
	var all []finding.Finding
	for _, fs := range perFile {
		all = append(all, fs...)
	}
	all = append(all, crossFileCached(files, &rules.Context{Today: opts.Today}, store)...)
	var saved sync.WaitGroup
	if store != nil {
		// The index is written (tens of milliseconds for 10,000 files,
		// mostly waiting for the disk) while the run goes on; Run never
		// returns with the write under way.
		saved.Go(store.Save)
		defer saved.Wait()
	}
	if opts.Online {
		all = append(all, checkOnline(files, scopes, opts.Fetcher)...)
	}
	var deleted map[string]bool
	res := &Result{All: files, root: root}
	if opts.Base != "" {
		// The comparison with the base looks at the bytes of every file
		// (git blob ids): those the cache did not read are read now.
		if err := readUnread(root, files, opts.Workers); err != nil {
			return nil, err
		}
		cmp, err := compareBase(root, opts.Base, files, &rules.Context{Today: opts.Today})
		if err != nil {
			return nil, err
		}
		all = append(cmp.unsettled(all), cmp.findings...)
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
		case s.dir && len(path) > len(s.path) && path[len(s.path)] == '/' && strings.HasPrefix(path, s.path):
			return true // without building s.path+"/" for every file
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
	var out []entry
	if info, err := os.Stat(filepath.Join(root, ProvidersDir)); err == nil && info.IsDir() {
		if err := walk(root, ProvidersDir, &out); err != nil {
			return nil, err
		}
	}
	for _, s := range scopes {
		// providers/ is walked already; the root itself means "everything",
		// not every YAML file of the repository (workflows are not requests).
		if s.path == "." || s.path == ProvidersDir || strings.HasPrefix(s.path, ProvidersDir+"/") {
			continue
		}
		if err := walk(root, s.path, &out); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b entry) int { return strings.Compare(a.path, b.path) })
	// A path under two scopes is listed once.
	return slices.CompactFunc(out, func(a, b entry) bool { return a.path == b.path }), nil
}

// walk appends the files under rel (relative to root, with '/'; a file:
// itself), like filepath.WalkDir without what a warm run cannot afford for
// 10,000 files: no sorting of each directory (discover sorts once), no
// filepath.Join, Clean and Rel per file, and no lstat per file (the type
// bits come with the directory listing).
func walk(root, rel string, out *[]entry) error {
	abs := absPath(root, rel)
	info, err := os.Lstat(abs)
	if err != nil {
		return errorf("%s: %v", abs, unwrapPathError(err))
	}
	return walkEntry(root, rel, path.Base(rel), info.Mode().Type(), out)
}

func walkEntry(root, rel, name string, typ fs.FileMode, out *[]entry) error {
	if !typ.IsDir() {
		if name != ".gitkeep" {
			*out = append(*out, entry{path: rel, mode: typ})
		}
		return nil
	}
	if name == ".git" {
		return nil
	}
	abs := absPath(root, rel)
	dir, err := os.Open(abs)
	if err != nil {
		return errorf("%s: %v", abs, unwrapPathError(err))
	}
	des, err := dir.ReadDir(-1)
	dir.Close()
	if err != nil {
		return errorf("%s: %v", abs, unwrapPathError(err))
	}
	for _, d := range des {
		if err := walkEntry(root, rel+"/"+d.Name(), d.Name(), d.Type(), out); err != nil {
			return err
		}
	}
	return nil
}

// loadAll loads, validates and checks each file with a bounded pool of
// workers. Results keep the order of entries, so output never depends on
// scheduling.
func loadAll(root string, entries []entry, ctx *rules.Context, workers int, store *cache.Store) ([]*rules.File, [][]finding.Finding, error) {
	files := make([]*rules.File, len(entries))
	found := make([][]finding.Finding, len(entries))
	errs := make([]error, len(entries))
	parallel(len(entries), workers, func(i int) {
		files[i], found[i], errs[i] = checkFile(root, entries[i], ctx, store)
	})
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
// date run again. A file whose stat data the cache recorded with its
// content is not even read (its Source stays nil: see Result.Source).
func checkFile(root string, e entry, ctx *rules.Context, store *cache.Store) (*rules.File, []finding.Finding, error) {
	f := &rules.File{Path: e.path, Mode: e.mode}
	var out []finding.Finding
	var sum cache.Key
	var st cache.Stat
	var doc *load.Document
	if e.mode.IsRegular() {
		abs := absPath(root, e.path)
		// An empty index (a first run) has nothing to find by stat data:
		// its lstat per file would be spent for nothing.
		if store != nil && !store.Empty() {
			if hit, ok := store.LookupStat(e.path, cache.StatFile(abs)); ok {
				return f, fromCache(ctx, f, hit), nil
			}
		}
		// st, recorded with the content, is the fstat of the descriptor
		// read, taken before the read: a write after it changes the stat
		// data the next run compares.
		var src []byte
		var err error
		src, st, err = readStat(abs)
		if err != nil {
			return nil, nil, errorf("%s: %v", e.path, err)
		}
		f.Source = src
		if store != nil {
			sum = cache.Sum(src)
			if hit, ok := store.Lookup(e.path, sum, st); ok {
				return f, fromCache(ctx, f, hit), nil
			}
		}
		// Compiled on the first miss: a run served by the cache needs none.
		s, err := schema.Compiled()
		if err != nil {
			return nil, nil, err // reported by loadAll
		}
		var problems []finding.Finding
		doc, problems = load.Parse(src)
		out = append(out, problems...)
		f.Root = doc.Root
		if doc.Valid {
			out = append(out, schemacheck.Check(s, doc.Root, doc.Value)...)
			f.Request = request.FromValue(doc.Value)
			rules.PrepareCross(f)
		}
	}
	out = append(out, fileRules(ctx, f, false)...)
	if store != nil && e.mode.IsRegular() {
		store.Put(e.path, sum, st, out, f.Request, f.Root)
	}
	// The date rules come last, cached or not, so that the findings reach
	// dedup in the same order either way.
	out = append(out, fileRules(ctx, f, true)...)
	if f.Root != nil {
		f.Settle(load.NewReparse(f.Source))
	}
	if doc != nil {
		doc.Release() // nothing points into the tree any more
	}
	return f, withPath(out, e.path), nil
}

// absPath is the file at rel (relative to root, with '/'). Both are clean
// (root is absolute, rel comes from the walk): no filepath.Join, whose
// Clean costs an allocation per file of every run.
func absPath(root, rel string) string {
	return root + string(filepath.Separator) + filepath.FromSlash(rel)
}

// readUnread reads the regular files that the cache took on their stat
// data, for the callers that need every file's bytes.
func readUnread(root string, files []*rules.File, workers int) error {
	var unread []*rules.File
	for _, f := range files {
		if f.Source == nil && f.Mode.IsRegular() {
			unread = append(unread, f)
		}
	}
	errs := make([]error, len(unread))
	parallel(len(unread), workers, func(i int) {
		f := unread[i]
		src, err := readBounded(absPath(root, f.Path))
		if err != nil {
			errs[i] = errorf("%s: %v", f.Path, err)
			return
		}
		f.Source = src
	})
	return errors.Join(errs...)
}

// parallel calls do(i) for each i in [0, n) on a bounded pool of workers
// (GOMAXPROCS when workers <= 0). Each worker takes the next index from a
// counter: a file served by the cache costs a few microseconds, the price
// of a hand-over through a channel.
func parallel(n, workers int, do func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				do(i)
			}
		})
	}
	wg.Wait()
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

// scratch holds the buffers files are read into: a buffer of the size
// limit plus one sees the end of a request in one read, where io.ReadAll,
// growing from 512 bytes, takes four or five for a 1 KiB request.
var scratch = sync.Pool{New: func() any {
	buf := make([]byte, load.MaxSize+1)
	return &buf
}}

// crossFileCached is crossFile, or, when every file was served by the cache
// unchanged, the findings that the cache kept of the run that computed
// them over the same files.
func crossFileCached(files []*rules.File, ctx *rules.Context, store *cache.Store) []finding.Finding {
	if store == nil {
		return crossFile(files, ctx)
	}
	day := ""
	if !ctx.Today.IsZero() {
		day = ctx.Today.Format(time.DateOnly)
	}
	if found, ok := store.CrossFile(day); ok {
		return found
	}
	found := crossFile(files, ctx)
	store.SetCrossFile(day, found)
	return found
}

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

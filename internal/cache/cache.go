// Package cache keeps, between runs, what validating one file produced, so
// that a run re-validates only the files that changed: in a registry of
// 10,000 requests, a pull request touches one.
//
// An entry is valid for one path, one content (the SHA-256 of the file's
// bytes) and one fsgate (the content of the running executable, which holds
// the schema, the catalogue, the rules and the code: see executableKey): it
// is never trusted across versions. It holds the file's own findings (loader, schema,
// per-file rules, except the rules whose result depends on the date: the
// engine reruns those), its typed request, and the shape of its YAML tree
// for positions (see Positions).
//
// Beside the content key, an entry keeps the file's stat data as it was
// before the file was read (see Stat): a run that finds the same stat data
// takes the entry without reading the file, so a warm run costs one lstat
// per file instead of reading and hashing it. Stat data of a file written
// just before the run is not kept (see RacyWindow): that file is read and
// hashed again until it is old enough.
//
// Storage is one index file per repository root: read whole once, rewritten
// whole (temporary file, then rename) when anything changed, so a warm run
// costs one read, and readers never see a half-written index. A corrupt,
// truncated or foreign index is a miss, never an error. The index holds the
// files of the last run only, and indexes unused for a month are removed:
// the directory stays bounded.
package cache

import (
	"crypto/sha256"
	"debug/elf"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
)

// format names the layout of an index. It is part of the version key too,
// though a change of layout changes the executable anyway.
const format = "fsgate-cache-2\n"

const (
	// maxIndexSize bounds what is read: an entry takes about 1 KiB, so
	// this is room for some 60,000 files; a bigger index is not written.
	maxIndexSize = 64 << 20
	// unusedFor is how long an index may go unread before a run removes
	// it (a deleted checkout, a renamed directory).
	unusedFor = 30 * 24 * time.Hour
	// touchAfter: an index still in use gets its time refreshed this
	// often, so that it is never taken for an unused one.
	touchAfter = 24 * time.Hour
	// File names in the directory: one index per root, and the temporary
	// files of writes in progress.
	indexPrefix = "index-"
	tmpPrefix   = "tmp-"
)

// Cache is where results are kept and for which fsgate.
type Cache struct {
	// Dir holds the index files; it is created when needed.
	Dir string
	// Version names the fsgate whose results these are. Empty means the
	// running executable (hashed once per process); tests set it to
	// simulate another fsgate.
	Version string
	// Now is the clock that says which stat data are too recent to trust
	// (see RacyWindow); nil means time.Now. Tests set it rather than wait.
	Now func() time.Time
}

// Key is the SHA-256 of a file's content.
type Key [sha256.Size]byte

// Sum returns the key of content.
func Sum(content []byte) Key { return sha256.Sum256(content) }

// Entry is what the cache keeps of one file.
type Entry struct {
	// Findings are the file's own findings, as the engine completed them
	// (rule, severity, position), Path left to the caller.
	Findings []finding.Finding
	// Request is the typed request; nil when the file did not load.
	Request *request.Request
	// Positions locate pointers in the file; nil when it did not parse.
	Positions *Positions
}

// decoded is an entry with what it points to, in one allocation: a warm
// run decodes one per file.
type decoded struct {
	entry     Entry
	request   request.Request
	editor    request.Editor
	reuseSubs request.ReuseSubs
	positions Positions
}

// encodeEntry encodes what the engine computed for one file (see Put).
func encodeEntry(findings []finding.Finding, req *request.Request, root *yaml.Node) (string, error) {
	// The body is built in a buffer kept from one entry to the next: grown
	// from nothing, each of a run's entries (~1 KB) took six reallocations,
	// most of what filling the cache costs beside the SHA-256.
	w := writers.Get().(*writer)
	defer func() {
		if cap(w.buf) <= 64<<10 { // a hostile file's entry is not kept
			w.buf = w.buf[:0]
			writers.Put(w)
		}
	}()
	w.findings(findings)
	w.request(req)
	if root == nil {
		w.buf = append(w.buf, 0)
	} else {
		w.buf = append(w.buf, 1)
		if err := encodeShape(w, root, 0); err != nil {
			return "", err
		}
	}
	return string(w.buf), nil
}

var writers = sync.Pool{New: func() any { return &writer{buf: make([]byte, 0, 2048)} }}

// decodeEntry decodes a stored body. The shape, last, is decoded only if a
// position is asked for: the index's CRC and version key already say that
// these bytes are what this code wrote.
func decodeEntry(body string) (*Entry, error) {
	d := &decoded{}
	r := &reader{s: body}
	d.entry.Findings = r.findings()
	if r.request(d) {
		d.entry.Request = &d.request
	}
	switch r.byte() {
	case 0:
		if r.s != "" {
			r.fail() // trailing bytes: not what this code writes
		}
	case 1:
		d.positions.shape = r.s
		d.entry.Positions = &d.positions
	default:
		r.fail()
	}
	if r.err != nil {
		return nil, r.err
	}
	return &d.entry, nil
}

// Stats say how the cache served a run.
type Stats struct {
	// Hits counts the files whose entry was used, StatHits those of them
	// taken on their stat data alone, without reading the file.
	Hits, StatHits, Misses int
	// CrossFile says that the findings of the cross-file rules came from
	// the index (see Store.CrossFile).
	CrossFile bool
	// Err is why the cache could not be read or written, if it could not
	// (a missing or unusable index is a miss, not an error). The run's
	// results are the same either way.
	Err error
}

// Store is the cache of one run over one root.
type Store struct {
	dir, file string
	// settledBefore: stat data whose mtime or ctime is not older than this
	// (ns since 1970) is racy (see RacyWindow): never recorded nor trusted.
	settledBefore int64
	opened        chan struct{} // closed once the fields below are set
	version       Key
	old           []stored // the index as read, sorted by path
	err           error

	// cross is what the index keeps of the cross-file rules (see CrossFile).
	cross crossFindings

	hits, statHits, misses atomic.Int64
	crossReused            atomic.Bool
	mu                     sync.Mutex
	added                  map[string]*stored // entries of the files that missed, and refreshed stat data
	newCross               *crossFindings     // what SetCrossFile gave, to be saved
}

// crossFindings are the findings of the cross-file rules over the files of
// an index, on one day.
type crossFindings struct {
	valid    bool
	day      string
	findings []finding.Finding
}

type stored struct {
	path string
	sum  Key
	stat Stat // zero: none recorded
	body string
	used atomic.Bool // a file of this run hit it: it stays in the index
}

// Open opens the cache of root (an absolute path). It returns at once: the
// executable is hashed and the index read in the background, on a core of
// their own while the caller walks and reads the tree, and the first use of
// the store waits for them. It never fails: an index that cannot be used is
// empty, and a cache that cannot work at all (no executable to hash) is a
// store that never hits and never writes; the reason is in Stats.
//
// Open is the start of the run for stat data (see RacyWindow): call it
// before any file of the run is looked at.
func (c *Cache) Open(root string) *Store {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	rootSum := sha256.Sum256([]byte(root))
	s := &Store{
		dir:           c.Dir,
		file:          filepath.Join(c.Dir, indexPrefix+hex.EncodeToString(rootSum[:16])),
		settledBefore: now().Add(-RacyWindow).UnixNano(),
		opened:        make(chan struct{}),
		added:         map[string]*stored{},
	}
	go func() {
		defer close(s.opened)
		version, err := c.versionKey()
		if err != nil {
			s.err = fmt.Errorf("cache disabled: %w", err)
			return
		}
		s.version = version
		s.old, s.cross, err = readIndex(s.file, version)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.err = err
		}
	}()
	return s
}

// Empty reports whether the index holds no entry (a first run, another
// version of fsgate, an index that could not be read): no file can be
// found by its stat data, and callers need not take it before reading.
func (s *Store) Empty() bool {
	<-s.opened
	return len(s.old) == 0
}

// find returns the entry of path in the index read, or nil.
func (s *Store) find(path string) *stored {
	i := sort.Search(len(s.old), func(i int) bool { return s.old[i].path >= path })
	if i == len(s.old) || s.old[i].path != path {
		return nil
	}
	return &s.old[i]
}

// settled returns st if it can be trusted by a later run, the zero Stat if
// it is unknown or too recent (see RacyWindow).
func (s *Store) settled(st Stat) Stat {
	if st.Mtime >= s.settledBefore || st.Ctime >= s.settledBefore {
		return Stat{}
	}
	return st
}

// LookupStat returns the entry of path if the file's stat data, taken now
// (StatFile), is the one recorded when its content was read: the file was
// not written since, and needs neither reading nor hashing. Otherwise the
// caller reads the file and calls Lookup; a miss here is not counted.
func (s *Store) LookupStat(path string, st Stat) (*Entry, bool) {
	<-s.opened
	if s.err != nil || s.settled(st) == (Stat{}) {
		// Unknown, or written within the window: even equal stat data could
		// hide a write (a clock set back would let a recorded one be racy).
		return nil, false
	}
	old := s.find(path)
	if old == nil || old.stat != st {
		return nil, false
	}
	e, err := decodeEntry(old.body)
	if err != nil {
		return nil, false
	}
	old.used.Store(true)
	s.hits.Add(1)
	s.statHits.Add(1)
	return e, true
}

// Lookup returns the entry of path if its content is still content (its
// sum is sum). st is the file's stat data taken before it was read: on a
// hit, it replaces the recorded one, so that the next run need not read
// the file (a file touched, copied or checked out again keeps its entry).
func (s *Store) Lookup(path string, sum Key, st Stat) (*Entry, bool) {
	<-s.opened
	if s.err != nil {
		return nil, false
	}
	old := s.find(path)
	if old != nil && old.sum == sum {
		if e, err := decodeEntry(old.body); err == nil {
			s.hits.Add(1)
			old.used.Store(true)
			if st = s.settled(st); st != old.stat {
				s.mu.Lock()
				s.added[path] = &stored{path: path, sum: sum, stat: st, body: old.body}
				s.mu.Unlock()
			}
			return e, true
		}
	}
	s.misses.Add(1)
	return nil, false
}

// Put records what the engine computed for a file that missed: its stat
// data taken before it was read, its findings without the date-dependent
// ones, its request (nil when it did not load) and its tree (nil when it
// did not parse). A file that cannot be stored (a document too deep) is
// left out: it is validated on every run.
func (s *Store) Put(path string, sum Key, st Stat, findings []finding.Finding, req *request.Request, root *yaml.Node) {
	<-s.opened
	if s.err != nil {
		return
	}
	body, err := encodeEntry(findings, req, root)
	if err != nil {
		return
	}
	s.mu.Lock()
	s.added[path] = &stored{path: path, sum: sum, stat: s.settled(st), body: body}
	s.mu.Unlock()
}

// CrossFile returns the findings of the cross-file rules of the run that
// wrote the index, if they are this run's: the rules see the paths and the
// requests of every file, so they give the same findings when every file of
// this run hit (same path, same content) and every entry of the index was
// hit (no file gone), on the same day (day is the rules' date, in case a
// rule comes to use it). Call it once every file was looked up.
func (s *Store) CrossFile(day string) ([]finding.Finding, bool) {
	<-s.opened
	if s.err != nil || !s.cross.valid || s.cross.day != day ||
		s.misses.Load() != 0 || int(s.hits.Load()) != len(s.old) {
		return nil, false
	}
	s.crossReused.Store(true)
	// A copy: the caller's findings are its own to change.
	return slices.Clone(s.cross.findings), true
}

// SetCrossFile records the findings of the cross-file rules over every file
// of the run, once they are computed, for the index that Save writes.
func (s *Store) SetCrossFile(day string, findings []finding.Finding) {
	s.mu.Lock()
	s.newCross = &crossFindings{valid: true, day: day, findings: slices.Clone(findings)}
	s.mu.Unlock()
}

// Stats say how the run used the cache so far.
func (s *Store) Stats() Stats {
	<-s.opened
	return Stats{Hits: int(s.hits.Load()), StatHits: int(s.statHits.Load()), Misses: int(s.misses.Load()),
		CrossFile: s.crossReused.Load(), Err: s.err}
}

// Save writes the index for the files of this run when it differs from the
// one read: entries of files no longer there are dropped. Concurrent runs
// each write a whole index and rename it into place, so the last one wins
// and the index is always one run's, whole.
func (s *Store) Save() {
	<-s.opened
	// Each file of the run is looked up once: the index is the same if no
	// file was added or refreshed, every entry was hit, and the cross-file
	// findings are the ones it holds.
	if s.err != nil || len(s.added) == 0 && int(s.hits.Load()) == len(s.old) && !s.crossChanged() {
		return
	}
	if err := s.write(); err != nil {
		s.err = err
		return
	}
	s.prune()
}

// crossChanged reports whether SetCrossFile gave other findings than the
// index holds.
func (s *Store) crossChanged() bool {
	n := s.newCross
	if n == nil {
		return false
	}
	return !s.cross.valid || n.day != s.cross.day || !slices.Equal(n.findings, s.cross.findings)
}

// The index is:
//
//	format                 the format line
//	version key            32 bytes
//	payload length         8 bytes, little-endian
//	payload CRC-32C        4 bytes, little-endian
//	payload                count, then per file, sorted by path:
//	                       path, content sum (32 bytes), stat data
//	                       (statSize bytes), entry body;
//	                       then 0, or 1, the day and the findings of
//	                       the cross-file rules over these files
//
// The CRC makes a truncated or damaged file a miss before any decoding;
// each body is then decoded only when its file is looked up (and its shape
// only when a position is asked for).
const headerSize = len(format) + sha256.Size + 8 + 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func (s *Store) write() error {
	next := maps.Clone(s.added)
	for i := range s.old {
		st := &s.old[i]
		if _, refreshed := next[st.path]; !refreshed && st.used.Load() {
			next[st.path] = st
		}
	}
	paths := slices.Sorted(maps.Keys(next)) // the same files give the same bytes
	w := &writer{buf: make([]byte, headerSize, headerSize+len(paths)*1024)}
	w.uvarint(uint64(len(paths)))
	for _, p := range paths {
		st := next[p]
		w.string(p)
		w.buf = append(w.buf, st.sum[:]...)
		w.stat(st.stat)
		w.string(st.body)
	}
	// The cross-file findings are valid for exactly these files: those
	// computed by this run, which saw them all.
	if n := s.newCross; n == nil {
		w.bool(false)
	} else {
		w.bool(true)
		w.string(n.day)
		w.findings(n.findings)
	}
	if len(w.buf) > maxIndexSize {
		return fmt.Errorf("cache index over %d MiB: not written", maxIndexSize>>20)
	}
	payload := w.buf[headerSize:]
	h := w.buf[:headerSize]
	copy(h, format)
	copy(h[len(format):], s.version[:])
	binary.LittleEndian.PutUint64(h[len(format)+sha256.Size:], uint64(len(payload)))
	binary.LittleEndian.PutUint32(h[len(format)+sha256.Size+8:], crc32.Checksum(payload, castagnoli))

	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(s.dir, tmpPrefix+"*")
	if err != nil {
		return err
	}
	// No fsync: an index lost or cut short by a crash fails its length or
	// CRC check and is a miss, which costs one cold run, not a result.
	_, err = tmp.Write(w.buf)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), s.file)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// readIndex returns the entries of the index at file, sorted by path, if it
// was written by this version of fsgate and is intact; none otherwise (with
// an error saying why, for Stats, unless it is just absent).
func readIndex(file string, version Key) ([]stored, crossFindings, error) {
	var none crossFindings
	data, modified, err := readFile(file)
	if err != nil {
		return nil, none, err
	}
	if len(data) < headerSize || string(data[:len(format)]) != format {
		return nil, none, nil // not an index of this format: rewritten
	}
	h := data[len(format):]
	if Key(h[:sha256.Size]) != version {
		return nil, none, nil // another fsgate's: never trusted
	}
	h = h[sha256.Size:]
	size, sum := binary.LittleEndian.Uint64(h), binary.LittleEndian.Uint32(h[8:])
	payload := data[headerSize:]
	if uint64(len(payload)) != size || crc32.Checksum(payload, castagnoli) != sum {
		return nil, none, nil // truncated or damaged
	}
	// The paths and bodies below, and the strings the entries decode to,
	// are slices of the payload, viewed as a string without a copy (some
	// 10 MB for 10,000 files): data is never written after this point.
	r := &reader{s: unsafe.String(unsafe.SliceData(payload), len(payload))}
	n := r.count()
	entries := make([]stored, n)
	for i := range entries {
		e := &entries[i]
		e.path = r.string()
		copy(e.sum[:], r.fixed(sha256.Size))
		e.stat = r.stat()
		e.body = r.string()
		if r.err != nil || i > 0 && entries[i-1].path >= e.path {
			return nil, none, nil // not sorted as written: lookups search it
		}
	}
	var cross crossFindings
	if r.bool() {
		cross = crossFindings{valid: true, day: r.string(), findings: r.findings()}
	}
	if r.err != nil || r.s != "" {
		return nil, none, nil
	}
	if time.Since(modified) > touchAfter {
		// In use: not to be pruned (see unusedFor).
		now := time.Now()
		os.Chtimes(file, now, now)
	}
	return entries, cross, nil
}

// readFile reads the index, refusing one too big to be ours.
func readFile(file string) ([]byte, time.Time, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, err
	}
	if info.Size() > maxIndexSize {
		return nil, time.Time{}, nil
	}
	data := make([]byte, info.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, time.Time{}, nil // shorter than its size: a miss
	}
	return data, info.ModTime(), nil
}

// prune removes the indexes unused for a month and the temporary files
// that a killed run left behind. It is best effort: another run may be
// pruning too.
func (s *Store) prune() {
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, de := range des {
		name := de.Name()
		var maxAge time.Duration
		switch {
		case strings.HasPrefix(name, indexPrefix):
			maxAge = unusedFor
		case strings.HasPrefix(name, tmpPrefix):
			maxAge = time.Hour // a write takes milliseconds
		default:
			continue
		}
		if info, err := de.Info(); err == nil && time.Since(info.ModTime()) > maxAge {
			os.Remove(filepath.Join(s.dir, name))
		}
	}
}

// versionKey names the fsgate whose results may be used.
func (c *Cache) versionKey() (Key, error) {
	if c.Version != "" {
		return sha256.Sum256([]byte(format + "version " + c.Version)), nil
	}
	return executableKey()
}

// executableKey names the running executable by its content: whatever
// changes in fsgate (code, schema, catalogue, rules, Go version, build
// flags) changes it, so no result survives a change of fsgate, and nothing
// has to remember to bump a version. `go run` reuses the executable it
// built for unchanged sources, so `make validate` keeps its cache too.
//
// The content is named by the Go build ID when the toolchain stamped one:
// its last part is the hash of the executable that cmd/go computes after
// linking, precisely so that tools need not read and hash the whole file
// (cmd/go/internal/work/buildid.go); that saves 40 ms per run on these
// machines, a third of the warm budget. Otherwise the executable is hashed
// with SHA-256.
var executableKey = sync.OnceValues(func() (Key, error) {
	f, err := openExecutable()
	if err != nil {
		return Key{}, err
	}
	defer f.Close()
	if id := goBuildID(f); id != "" {
		return sha256.Sum256([]byte(format + "go build id " + id)), nil
	}
	h := sha256.New()
	h.Write([]byte(format + "executable "))
	if _, err := io.CopyBuffer(h, io.NewSectionReader(f, 0, 1<<40), make([]byte, 1<<20)); err != nil {
		return Key{}, err
	}
	return Key(h.Sum(nil)), nil
})

// goBuildID returns the build ID of an ELF executable as cmd/go writes it
// (actionID/…/contentID, each part 20 characters of base64url), or "" for
// any other file or ID: a non-ELF system, `-ldflags=-buildid=` or a build
// system that writes a fixed ID ("redacted") fall back to hashing.
func goBuildID(f io.ReaderAt) string {
	ef, err := elf.NewFile(f)
	if err != nil {
		return ""
	}
	const goBuildIDTag = 4
	for _, p := range ef.Progs {
		if p.Type != elf.PT_NOTE || p.Filesz > 4096 {
			continue
		}
		note := make([]byte, p.Filesz)
		if _, err := p.ReadAt(note, 0); err != nil {
			continue
		}
		// Notes: name size, description size, type, then the name and
		// the description, each padded to 4 bytes.
		for len(note) >= 12 {
			nameSize := uint64(ef.ByteOrder.Uint32(note))
			descSize := uint64(ef.ByteOrder.Uint32(note[4:]))
			tag := ef.ByteOrder.Uint32(note[8:])
			descAt := 12 + (nameSize+3)&^3
			end := descAt + (descSize+3)&^3
			if end > uint64(len(note)) {
				break
			}
			if tag == goBuildIDTag && nameSize == 4 && string(note[12:16]) == "Go\x00\x00" {
				return wellFormed(string(note[descAt : descAt+descSize]))
			}
			note = note[end:]
		}
	}
	return ""
}

func wellFormed(id string) string {
	parts := strings.Split(id, "/")
	if len(parts) < 2 {
		return ""
	}
	for _, p := range parts {
		if len(p) != 20 || strings.Trim(p, base64url) != "" {
			return ""
		}
	}
	return id
}

const base64url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// openExecutable opens the running executable. On Linux /proc/self/exe is
// the image actually running even when its path has since been given to a
// new build (`go build` during a run): hashing the path would store this
// code's results under the new code's key.
func openExecutable() (*os.File, error) {
	if f, err := os.Open("/proc/self/exe"); err == nil {
		return f, nil
	}
	p, err := os.Executable()
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

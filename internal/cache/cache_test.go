package cache

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/locate"
	"github.com/fsgate/fsgate/internal/request"
)

const testRoot = "/repo"

type file struct {
	path     string
	content  string
	findings []finding.Finding
	req      *request.Request
}

func testFiles(n int) []file {
	out := make([]file, n)
	for i := range out {
		out[i] = file{
			path:     fmt.Sprintf("providers/franceconnect/production/fs-%d.yaml", i),
			content:  fmt.Sprintf("%s# %d\n", sampleDoc, i),
			findings: []finding.Finding{{Line: i + 1, Column: 3, Pointer: "/spec", Rule: "schema", Severity: finding.Error, Message: finding.T("fr", "en")}},
			req:      &request.Request{Name: fmt.Sprint("fs-", i), RedirectURIs: []string{"https://a/cb"}},
		}
	}
	return out
}

// store runs what the engine does with a store: look every file up, put
// the misses, save. It returns the entries found.
func store(t *testing.T, c *Cache, files []file) (map[string]*Entry, Stats) {
	t.Helper()
	s := c.Open(testRoot)
	hits := map[string]*Entry{}
	for _, f := range files {
		sum := Sum([]byte(f.content))
		if e, ok := s.Lookup(f.path, sum, Stat{}); ok {
			hits[f.path] = e
			continue
		}
		s.Put(f.path, sum, Stat{}, f.findings, f.req, parse(t, f.content))
	}
	s.Save()
	return hits, s.Stats()
}

func indexFile(t *testing.T, c *Cache) string {
	t.Helper()
	matches, _ := filepath.Glob(filepath.Join(c.Dir, "index-*"))
	if len(matches) != 1 {
		t.Fatalf("index files: %v", matches)
	}
	return matches[0]
}

func TestStoreRoundTrip(t *testing.T) {
	c := &Cache{Dir: filepath.Join(t.TempDir(), "made", "on", "demand"), Version: "v1"}
	files := testFiles(5)
	if hits, st := store(t, c, files); len(hits) != 0 || st.Misses != 5 || st.Err != nil {
		t.Fatalf("cold: %d hits, %+v", len(hits), st)
	}
	hits, st := store(t, c, files)
	if len(hits) != 5 || st.Hits != 5 || st.Misses != 0 || st.Err != nil {
		t.Fatalf("warm: %d hits, %+v", len(hits), st)
	}
	for _, f := range files {
		e := hits[f.path]
		if !reflect.DeepEqual(e.Findings, f.findings) || !reflect.DeepEqual(e.Request, f.req) {
			t.Errorf("%s: got %+v %+v", f.path, e.Findings, e.Request)
		}
		if l, c := e.Positions.Position("/spec/redirectUris/1", locate.AtValue); l != 10 || c != 7 {
			t.Errorf("%s: position %d:%d, want 10:7", f.path, l, c)
		}
	}

	// A warm run with nothing new leaves the index as it was.
	info, _ := os.Stat(indexFile(t, c))
	store(t, c, files)
	if again, _ := os.Stat(indexFile(t, c)); !again.ModTime().Equal(info.ModTime()) {
		t.Error("an unchanged index was rewritten")
	}

	// A changed file misses; a file gone leaves the index.
	files[1].content += "# changed\n"
	if hits, st := store(t, c, files[:4]); len(hits) != 3 || st.Misses != 1 {
		t.Fatalf("one change: %d hits, %+v", len(hits), st)
	}
	if hits, _ := store(t, c, files); len(hits) != 4 || hits[files[4].path] != nil {
		t.Errorf("the entry of a file gone stayed: hits %v", hits)
	}
}

// TestNeverTrustedAcrossVersions: an index written by another fsgate is
// ignored whole, even for identical paths and contents.
func TestNeverTrustedAcrossVersions(t *testing.T) {
	dir := t.TempDir()
	files := testFiles(3)
	store(t, &Cache{Dir: dir, Version: "v1"}, files)
	if hits, st := store(t, &Cache{Dir: dir, Version: "v2"}, files); len(hits) != 0 || st.Hits != 0 {
		t.Fatalf("v2 used v1's results: %+v", st)
	}
	// v2 rewrote the index for itself: v1's is gone.
	if hits, _ := store(t, &Cache{Dir: dir, Version: "v1"}, files); len(hits) != 0 {
		t.Fatal("v1 found its results in v2's index")
	}
	if hits, _ := store(t, &Cache{Dir: dir, Version: "v1"}, files); len(hits) != 3 {
		t.Fatal("v1 does not find its own results")
	}
}

// TestDamagedIndexIsAMiss: whatever is in the index file (cut short at any
// length, any byte changed, garbage, nothing, a directory), a run misses,
// does not fail, and leaves a good index behind.
func TestDamagedIndexIsAMiss(t *testing.T) {
	c := &Cache{Dir: t.TempDir(), Version: "v1"}
	files := testFiles(2)
	store(t, c, files)
	index := indexFile(t, c)
	good, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	var damaged [][]byte
	for i := range len(good) {
		damaged = append(damaged, good[:i], append(append(bytes.Clone(good[:i]), good[i]^0x81), good[i+1:]...))
	}
	damaged = append(damaged, append(bytes.Clone(good), 0), bytes.Repeat([]byte("garbage\n"), 100))
	for i, d := range damaged {
		os.Remove(index) // a new file: ext4 flushes a file truncated and rewritten on close, slowly
		if err := os.WriteFile(index, d, 0o600); err != nil {
			t.Fatal(err)
		}
		s := c.Open(testRoot)
		for _, f := range files {
			if e, ok := s.Lookup(f.path, Sum([]byte(f.content)), Stat{}); ok {
				t.Fatalf("damage %d (%d bytes): hit %+v", i, len(d), e.Findings)
			}
		}
		if st := s.Stats(); st.Err != nil {
			t.Fatalf("damage %d: %v", i, st.Err)
		}
	}
	// The last damaged run put nothing: a normal run repairs the index.
	store(t, c, files)
	if hits, _ := store(t, c, files); len(hits) != 2 {
		t.Errorf("index not repaired: %d hits", len(hits))
	}

	// A directory where the index should be: no hit, no crash; writing
	// fails and says so.
	os.Remove(index)
	if err := os.MkdirAll(filepath.Join(index, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if hits, st := store(t, c, files); len(hits) != 0 || st.Err == nil {
		t.Errorf("directory as index: %d hits, %+v", len(hits), st)
	}
}

// TestConcurrentRuns: runs saving at the same time each succeed, and leave
// an index that is one of theirs, whole.
func TestConcurrentRuns(t *testing.T) {
	c := &Cache{Dir: t.TempDir(), Version: "v1"}
	all := testFiles(40)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			// Each run sees another tree (a file changed in each).
			files := testFiles(40)
			files[i].content += "# run\n"
			s := c.Open(testRoot)
			for _, f := range files {
				sum := Sum([]byte(f.content))
				if _, ok := s.Lookup(f.path, sum, Stat{}); !ok {
					s.Put(f.path, sum, Stat{}, f.findings, f.req, nil)
				}
			}
			s.Save()
			if err := s.Stats().Err; err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Whichever run wrote last, 39 of the 40 files of the original tree
	// are in its index.
	if hits, _ := store(t, c, all); len(hits) != 39 {
		t.Errorf("after concurrent runs: %d hits, want 39", len(hits))
	}
	if tmp, _ := filepath.Glob(filepath.Join(c.Dir, "tmp-*")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}

// TestPrune: indexes unused for a month and abandoned temporary files go
// when a run writes; others stay.
func TestPrune(t *testing.T) {
	dir := t.TempDir()
	old := time.Now().Add(-unusedFor - time.Hour)
	for name, mtime := range map[string]time.Time{
		"index-old": old, "index-recent": time.Now().Add(-unusedFor / 2),
		"tmp-killed": time.Now().Add(-2 * time.Hour), "tmp-writing": time.Now(), "other": old,
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	store(t, &Cache{Dir: dir, Version: "v1"}, testFiles(1))
	for name, kept := range map[string]bool{"index-old": false, "index-recent": true, "tmp-killed": false, "tmp-writing": true, "other": true} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != kept {
			t.Errorf("%s: kept %v, want %v", name, err == nil, kept)
		}
	}
}

// TestUsedIndexIsRefreshed: an index in use is never old enough to prune.
func TestUsedIndexIsRefreshed(t *testing.T) {
	c := &Cache{Dir: t.TempDir(), Version: "v1"}
	store(t, c, testFiles(1))
	index := indexFile(t, c)
	old := time.Now().Add(-2 * touchAfter)
	if err := os.Chtimes(index, old, old); err != nil {
		t.Fatal(err)
	}
	store(t, c, testFiles(1))
	if info, _ := os.Stat(index); time.Since(info.ModTime()) > time.Hour {
		t.Error("the index read was not marked as used")
	}
}

func TestExecutableKey(t *testing.T) {
	k1, err := executableKey()
	if err != nil {
		t.Fatal(err)
	}
	if k2, _ := (&Cache{}).versionKey(); k2 != k1 {
		t.Error("the executable's key changed within a process")
	}
	if k3, _ := (&Cache{Version: "x"}).versionKey(); k3 == k1 {
		t.Error("an injected version has the executable's key")
	}
	if runtime.GOOS == "linux" {
		f, err := openExecutable()
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if goBuildID(f) == "" {
			t.Error("no Go build ID in the test binary")
		}
	}
	for id, ok := range map[string]bool{
		"BV5xnl9qJ0VRrJG9LLxb/-Ztz55c1JqqfPTWDKEiY/ef0lGWwSagdeQPvm_Rol/k18YNFfFtY5g-kb9tma9": true,
		"BV5xnl9qJ0VRrJG9LLxb/k18YNFfFtY5g-kb9tma9":                                           true, "redacted": false, "": false, "a/b": false, "BV5xnl9qJ0VRrJG9LLxb": false,
		"BV5xnl9qJ0VRrJG9LLxb/k18YNFfFtY5g-kb9tma!": false,
	} {
		if (wellFormed(id) != "") != ok {
			t.Errorf("wellFormed(%q) = %q", id, wellFormed(id))
		}
	}
}

// BenchmarkExecutableKey: the version key costs reading the Go build ID,
// or, without one, hashing the whole executable.
func BenchmarkExecutableKey(b *testing.B) {
	f, err := openExecutable()
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.Run("buildid", func(b *testing.B) {
		for b.Loop() {
			if goBuildID(f) == "" {
				b.Skip("no Go build ID")
			}
		}
	})
	b.Run("sha256", func(b *testing.B) {
		info, _ := f.Stat()
		b.SetBytes(info.Size())
		for b.Loop() {
			h := sha256.New()
			if _, err := io.Copy(h, io.NewSectionReader(f, 0, info.Size())); err != nil {
				b.Fatal(err)
			}
		}
	})
}

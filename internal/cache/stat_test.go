package cache

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/finding"
)

// The stat shortcut, with stat data made up and the clock set: what is
// tested is the store's decision, not the file system's timestamps.

// fixedClock is the time of every run below: stat data a minute older is
// settled, stat data from the last RacyWindow is racy.
var fixedClock = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

func statAt(t time.Time) Stat {
	return Stat{Size: 1234, Mtime: t.UnixNano(), Ctime: t.UnixNano(), Inode: 42, Device: 7, Mode: 0o100644}
}

// openAt opens c at clock.
func openAt(c *Cache, clock time.Time) *Store {
	c.Now = func() time.Time { return clock }
	return c.Open(testRoot)
}

func TestStatShortcut(t *testing.T) {
	settled := statAt(fixedClock.Add(-time.Minute))
	changed := func(f func(*Stat)) Stat {
		st := settled
		f(&st)
		return st
	}
	content := "apiVersion: fsgate/v1\n"
	for _, tc := range []struct {
		name     string
		recorded Stat      // the stat data the filling run took before reading
		fillAt   time.Time // that run's clock
		lookupAt time.Time // the next run's clock
		now      Stat      // the stat data the next run finds
		hit      bool      // taken without reading
	}{
		{"unchanged", settled, fixedClock, fixedClock, settled, true},
		{"unchanged, much later", settled, fixedClock, fixedClock.Add(30 * 24 * time.Hour), settled, true},
		{"size", settled, fixedClock, fixedClock, changed(func(s *Stat) { s.Size++ }), false},
		{"mtime, by a nanosecond", settled, fixedClock, fixedClock, changed(func(s *Stat) { s.Mtime++ }), false},
		{"mtime set back, ctime moved", settled, fixedClock, fixedClock, changed(func(s *Stat) { s.Ctime = fixedClock.UnixNano() }), false},
		{"another inode", settled, fixedClock, fixedClock, changed(func(s *Stat) { s.Inode++ }), false},
		{"another device", settled, fixedClock, fixedClock, changed(func(s *Stat) { s.Device++ }), false},
		{"another mode", settled, fixedClock, fixedClock, changed(func(s *Stat) { s.Mode = 0o100600 }), false},
		{"unknown", Stat{}, fixedClock, fixedClock, Stat{}, false},
		// Racily clean: the file was written in the same tick as the
		// filling run read it, so a second write in that tick would leave
		// every field as it is. Equal stat data proves nothing.
		{"mtime as recent as the run", statAt(fixedClock), fixedClock, fixedClock.Add(time.Hour), statAt(fixedClock), false},
		{"mtime within the window", statAt(fixedClock.Add(-RacyWindow / 2)), fixedClock, fixedClock.Add(time.Hour), statAt(fixedClock.Add(-RacyWindow / 2)), false},
		{"mtime after the run (clock of another machine)", statAt(fixedClock.Add(time.Minute)), fixedClock, fixedClock.Add(time.Hour), statAt(fixedClock.Add(time.Minute)), false},
		{"ctime within the window", changed(func(s *Stat) { s.Ctime = fixedClock.UnixNano() - 1 }), fixedClock, fixedClock.Add(time.Hour), changed(func(s *Stat) { s.Ctime = fixedClock.UnixNano() - 1 }), false},
		{"mtime just out of the window", statAt(fixedClock.Add(-RacyWindow - 1)), fixedClock, fixedClock, statAt(fixedClock.Add(-RacyWindow - 1)), true},
		// A clock set back between runs: recorded as settled, racy now.
		{"clock set back", settled, fixedClock, fixedClock.Add(-time.Hour), settled, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Cache{Dir: t.TempDir(), Version: "v1"}
			s := openAt(c, tc.fillAt)
			s.Put("p.yaml", Sum([]byte(content)), tc.recorded, nil, nil, nil)
			s.Save()
			if err := s.Stats().Err; err != nil {
				t.Fatal(err)
			}
			s = openAt(c, tc.lookupAt)
			_, hit := s.LookupStat("p.yaml", tc.now)
			if hit != tc.hit {
				t.Fatalf("LookupStat: hit %v, want %v", hit, tc.hit)
			}
			st := s.Stats()
			if want := map[bool]int{true: 1}[tc.hit]; st.Hits != want || st.StatHits != want || st.Misses != 0 {
				t.Errorf("stats %+v", st)
			}
			if hit {
				return
			}
			// The caller then reads the file: new content is a miss, the
			// same content a hit.
			if _, ok := s.Lookup("p.yaml", Sum([]byte(content+"# changed\n")), tc.now); ok {
				t.Error("a changed content hit")
			}
			if _, ok := openAt(c, tc.lookupAt).Lookup("p.yaml", Sum([]byte(content)), tc.now); !ok {
				t.Error("the same content missed")
			}
		})
	}
}

// TestStatRefreshedOnContentHit: a file whose stat data changed but whose
// content did not (touched, copied back, checked out again) is read once;
// its new stat data is then recorded, and the next run need not read it.
func TestStatRefreshedOnContentHit(t *testing.T) {
	c := &Cache{Dir: t.TempDir(), Version: "v1"}
	sum := Sum([]byte("content"))
	before, after := statAt(fixedClock.Add(-time.Hour)), statAt(fixedClock.Add(-time.Minute))
	after.Inode++

	s := openAt(c, fixedClock)
	s.Put("p.yaml", sum, before, nil, nil, nil)
	s.Put("racy.yaml", sum, statAt(fixedClock), nil, nil, nil)
	s.Save()

	s = openAt(c, fixedClock)
	if _, ok := s.LookupStat("p.yaml", after); ok {
		t.Fatal("new stat data hit")
	}
	if _, ok := s.Lookup("p.yaml", sum, after); !ok {
		t.Fatal("same content missed")
	}
	// The racy file is as it was: read and hashed, its stat data still
	// not recorded, so nothing to refresh.
	if _, ok := s.Lookup("racy.yaml", sum, statAt(fixedClock)); !ok {
		t.Fatal("racy file: same content missed")
	}
	s.Save()
	if st := s.Stats(); st.Hits != 2 || st.StatHits != 0 || st.Err != nil {
		t.Fatalf("stats %+v", st)
	}

	s = openAt(c, fixedClock.Add(time.Minute))
	if _, ok := s.LookupStat("p.yaml", after); !ok {
		t.Error("refreshed stat data missed")
	}
	if _, ok := s.LookupStat("p.yaml", before); ok {
		t.Error("the old stat data still hits")
	}
	if _, ok := s.LookupStat("racy.yaml", statAt(fixedClock)); ok {
		t.Error("the racy file hit on its stat data")
	}
}

// TestStatOfCorruptIndexIsAMiss: an index damaged anywhere (its stat data
// included) gives no hit, stat or content.
func TestStatOfCorruptIndexIsAMiss(t *testing.T) {
	c := &Cache{Dir: t.TempDir(), Version: "v1"}
	settled := statAt(fixedClock.Add(-time.Hour))
	s := openAt(c, fixedClock)
	s.Put("p.yaml", Sum([]byte("content")), settled, nil, nil, nil)
	s.Save()
	index := indexFile(t, c)
	good, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	for i := range good {
		damaged := append([]byte(nil), good...)
		damaged[i] ^= 0x04
		os.Remove(index)
		if err := os.WriteFile(index, damaged, 0o600); err != nil {
			t.Fatal(err)
		}
		s := openAt(c, fixedClock)
		if _, ok := s.LookupStat("p.yaml", settled); ok {
			t.Fatalf("byte %d damaged: stat hit", i)
		}
		if _, ok := s.Lookup("p.yaml", Sum([]byte("content")), settled); ok {
			t.Fatalf("byte %d damaged: content hit", i)
		}
	}
}

func TestStatEncoding(t *testing.T) {
	for _, st := range []Stat{{}, statAt(fixedClock), {Size: math.MaxInt64, Mtime: math.MinInt64, Ctime: -1, Inode: math.MaxUint64, Device: 1 << 63, Mode: math.MaxUint32}} {
		w := &writer{}
		w.stat(st)
		if len(w.buf) != statSize {
			t.Fatalf("%d bytes, want %d", len(w.buf), statSize)
		}
		r := &reader{s: string(w.buf)}
		if got := r.stat(); got != st || r.err != nil || r.s != "" {
			t.Errorf("got %+v (%v), want %+v", got, r.err, st)
		}
	}
	r := &reader{s: "short"}
	if got := r.stat(); got != (Stat{}) || r.err == nil {
		t.Errorf("truncated: %+v, %v", got, r.err)
	}
}

// TestStatFile: what the engine takes of a real file. Regular files only:
// the shortcut is never taken for anything else.
func TestStatFile(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		if StatFile(os.Args[0]) != (Stat{}) {
			t.Error("stat data where the shortcut is off")
		}
		t.Skip("no stat data on " + runtime.GOOS)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "f.yaml")
	if err := os.WriteFile(p, []byte("kind: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 6000, time.UTC)
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	st := StatFile(p)
	info, _ := os.Lstat(p)
	if st.Size != 8 || st.Mtime != info.ModTime().UnixNano() || st.Ctime == 0 || st.Inode == 0 || os.FileMode(st.Mode&0o777) != info.Mode().Perm() {
		t.Errorf("stat data %+v of %v", st, info)
	}
	if st.Mtime != mtime.UnixNano() && st.Mtime != mtime.Truncate(time.Microsecond).UnixNano() {
		t.Errorf("mtime %d, want %d", st.Mtime, mtime.UnixNano())
	}
	// ctime is set by the kernel, not by Chtimes: the restored mtime does
	// not hide the write.
	if st.Ctime == st.Mtime {
		t.Errorf("ctime equals the mtime set back: %+v", st)
	}
	if err := os.Symlink("f.yaml", filepath.Join(dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{filepath.Join(dir, "link.yaml"), dir, filepath.Join(dir, "missing.yaml")} {
		if st := StatFile(other); st != (Stat{}) {
			t.Errorf("%s: stat data %+v", filepath.Base(other), st)
		}
	}
}

// TestCrossFileKeptForTheSameFiles: the cross-file findings of the run that
// wrote the index serve a run only over the same files with the same
// contents, on the same day.
func TestCrossFileKeptForTheSameFiles(t *testing.T) {
	c := &Cache{Dir: t.TempDir(), Version: "v1"}
	files := testFiles(3)
	found := []finding.Finding{{Path: files[0].path, Line: 3, Column: 5, Rule: "duplicate-datapass", Severity: finding.Error, Message: finding.T("fr", "en")}}
	fill := func(files []file, cross []finding.Finding) {
		s := c.Open(testRoot)
		for _, f := range files {
			sum := Sum([]byte(f.content))
			if _, ok := s.Lookup(f.path, sum, Stat{}); !ok {
				s.Put(f.path, sum, Stat{}, f.findings, f.req, nil)
			}
		}
		if cross != nil {
			s.SetCrossFile("2026-12-01", cross)
		}
		s.Save()
	}
	// reused runs the engine's lookups over files and asks for the
	// cross-file findings of day.
	reused := func(files []file, day string) ([]finding.Finding, bool) {
		s := c.Open(testRoot)
		for _, f := range files {
			s.Lookup(f.path, Sum([]byte(f.content)), Stat{})
		}
		got, ok := s.CrossFile(day)
		if st := s.Stats(); st.CrossFile != ok {
			t.Errorf("Stats.CrossFile %v, reused %v", st.CrossFile, ok)
		}
		return got, ok
	}
	fill(files, found)
	if got, ok := reused(files, "2026-12-01"); !ok || !reflect.DeepEqual(got, found) {
		t.Fatalf("same files: %v %+v", ok, got)
	}
	changed := append([]file(nil), files...)
	changed[1].content += "# changed\n"
	for name, run := range map[string]struct {
		files []file
		day   string
	}{
		"another day":      {files, "2026-12-02"},
		"no date":          {files, ""},
		"a file gone":      {files[:2], "2026-12-01"},
		"a file more":      {testFiles(4), "2026-12-01"},
		"a content change": {changed, "2026-12-01"},
	} {
		if got, ok := reused(run.files, run.day); ok {
			t.Errorf("%s: reused %+v", name, got)
		}
	}
	// Nothing found is kept too (not nil: an empty list).
	fill(files, []finding.Finding{})
	if got, ok := reused(files, "2026-12-01"); !ok || got == nil || len(got) != 0 {
		t.Errorf("no findings: %v %#v", ok, got)
	}
	// A run that did not compute them leaves none behind it.
	fill(testFiles(4), nil)
	if _, ok := reused(testFiles(4), "2026-12-01"); ok {
		t.Error("findings of other files reused")
	}
}

package validate_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/cache"
	"github.com/fsgate/fsgate/internal/gen"
	"github.com/fsgate/fsgate/internal/rules"
	"github.com/fsgate/fsgate/internal/validate"
)

// TestCacheStatShortcut: with the stat data of a file unchanged since the
// cache read it, a warm run takes the file's entry without reading it;
// every way of changing the file, and a file written too recently for its
// stat data to be trusted, makes the run read and hash it again. Each run
// gives the results of a run without cache.
//
// No waiting: the runs' clock (cache.Cache.Now) is set relative to the
// files' times, and mtimes are set with os.Chtimes.
func TestCacheStatShortcut(t *testing.T) {
	const n = 6
	type counts struct{ hits, statHits, misses int }
	// An hour after the test writes its files: every file is settled,
	// except one whose mtime the case sets to this very time.
	later := time.Now().Add(time.Hour)
	for _, tc := range []struct {
		name string
		// prepare runs on the target file before the cache is filled,
		// change after.
		prepare, change func(t *testing.T, path string)
		// written: the runs after the change have for clock the time the
		// files were written, not an hour later.
		written bool
		// want: the first run after the change, next: the one after.
		want, next counts
	}{
		{
			name: "unchanged: not read",
			want: counts{n, n, 0}, next: counts{n, n, 0},
		},
		{
			// The racy case: the mtime is not older than the run that read
			// the file, so the same size and mtime after a second write
			// must not be taken for "unchanged".
			name:    "same size and mtime, new content, mtime racy",
			prepare: func(t *testing.T, p string) { setMtime(t, p, later) },
			change: func(t *testing.T, p string) {
				rewriteSameSize(t, p)
				setMtime(t, p, later)
			},
			// Racy on every run: read and hashed each time.
			want: counts{n - 1, n - 1, 1}, next: counts{n, n - 1, 0},
		},
		{
			// Settled: the ctime, which no program can set back, tells.
			name: "same size and mtime, new content",
			change: func(t *testing.T, p string) {
				before := stat(t, p)
				rewriteSameSize(t, p)
				setMtime(t, p, time.Unix(0, before.Mtime))
				if stat(t, p).Ctime == before.Ctime {
					// A coarse file system clock that did not tick since the
					// cold run: physically the racy case above, which the
					// test's clock an hour ahead hides.
					t.Skip("the ctime did not move")
				}
			},
			want: counts{n - 1, n - 1, 1}, next: counts{n, n, 0},
		},
		{
			name:   "touched, same content: a hit after rehashing",
			change: func(t *testing.T, p string) { setMtime(t, p, later.Add(-24*time.Hour)) },
			want:   counts{n, n - 1, 0}, next: counts{n, n, 0},
		},
		{
			name: "replaced by a copy with the same mtime (new inode)",
			change: func(t *testing.T, p string) {
				before := stat(t, p)
				src, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				tmp := p + ".tmp"
				if err := os.WriteFile(tmp, src, 0o644); err != nil {
					t.Fatal(err)
				}
				setMtime(t, tmp, time.Unix(0, before.Mtime))
				if err := os.Rename(tmp, p); err != nil {
					t.Fatal(err)
				}
				if after := stat(t, p); after.Inode == before.Inode || after.Mtime != before.Mtime || after.Size != before.Size {
					t.Fatalf("the copy is not what the case needs: %+v, was %+v", after, before)
				}
			},
			want: counts{n, n - 1, 0}, next: counts{n, n, 0},
		},
		{
			name:   "mode changed",
			change: func(t *testing.T, p string) { os.Chmod(p, 0o600) },
			want:   counts{n, n - 1, 0}, next: counts{n, n, 0},
		},
		{
			// A clock at the files' writing (a clock set back, or files
			// just written): no file is taken on its stat data.
			name:    "every file racy at the run's clock",
			written: true,
			want:    counts{n, 0, 0}, next: counts{n, 0, 0},
		},
		{
			name: "corrupt index: a miss, then repaired", // the index, not a file: see below
			want: counts{0, 0, n}, next: counts{n, n, 0},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			written := time.Now()
			if err := gen.Tree(root, n, 3); err != nil {
				t.Fatal(err)
			}
			paths, _ := filepath.Glob(filepath.Join(root, "providers/*/*/*.yaml"))
			if len(paths) != n {
				t.Fatalf("%d files", len(paths))
			}
			target := paths[0]
			if tc.prepare != nil {
				tc.prepare(t, target)
			}
			clock := later
			c := &cache.Cache{Dir: t.TempDir(), Version: "test", Now: func() time.Time { return clock }}
			opts := validate.Options{Root: root, Cache: c}
			if cold := run(t, opts); cold.Cache.Misses != n {
				t.Fatalf("cold run: %+v", cold.Cache)
			}
			if tc.change != nil {
				tc.change(t, target)
			}
			if strings.HasPrefix(tc.name, "corrupt index") {
				corruptIndex(t, c.Dir)
			}
			if tc.written {
				clock = written
			}
			for i, want := range []counts{tc.want, tc.next} {
				got := run(t, opts)
				if g := (counts{got.Cache.Hits, got.Cache.StatHits, got.Cache.Misses}); g != want {
					t.Errorf("run %d after the change: %+v, want %+v", i+1, g, want)
				}
				sameResults(t, tc.name, got, run(t, validate.Options{Root: root}))
			}
		})
	}
}

// TestCacheSourceOfUnreadFiles: the text report shows the source line of
// a finding; a file the cache did not read gives it from Result.Source.
func TestCacheSourceOfUnreadFiles(t *testing.T) {
	root := messyTree(t)
	later := func() time.Time { return time.Now().Add(time.Hour) }
	c := &cache.Cache{Dir: t.TempDir(), Version: "test", Now: later}
	run(t, validate.Options{Root: root, Cache: c})
	warm := run(t, validate.Options{Root: root, Cache: c})
	if warm.Cache.StatHits == 0 {
		t.Fatalf("no file taken on its stat data: %+v", warm.Cache)
	}
	unread := 0
	for _, f := range warm.All {
		if !f.Mode.IsRegular() {
			if warm.Source(f.Path) != nil {
				t.Errorf("%s: a source for a file never read", f.Path)
			}
			continue
		}
		want, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Fatal(err)
		}
		if len(want) > len(f.Source) && f.Source != nil {
			want = want[:len(f.Source)] // read up to the size limit
		}
		if f.Source == nil {
			unread++
		}
		if got := warm.Source(f.Path); !bytes.Equal(got, want[:min(len(want), len(got))]) || got == nil {
			t.Errorf("%s: Source gives %d bytes, want the file's", f.Path, len(got))
		}
	}
	if unread == 0 {
		t.Error("every file was read: the test proves nothing")
	}
	if warm.Source("providers/none.yaml") != nil {
		t.Error("a source for a file not in the tree")
	}
}

// TestCacheBaseReadsUnreadFiles: --base compares the bytes of every file
// with the base's (git blob ids): the files the cache took on their stat
// data are read for it, and the change rules find what they find without
// a cache.
func TestCacheBaseReadsUnreadFiles(t *testing.T) {
	forEachChange(t, func(t *testing.T, _, root string) {
		later := func() time.Time { return time.Now().Add(time.Hour) }
		opts := validate.Options{Root: root, Base: "HEAD"}
		want := run(t, opts)
		opts.Cache = &cache.Cache{Dir: t.TempDir(), Version: "test", Now: later}
		run(t, opts)
		warm := run(t, opts)
		if warm.Cache.Hits > 0 && warm.Cache.StatHits != warm.Cache.Hits {
			t.Errorf("warm run: %+v, want every hit on stat data", warm.Cache)
		}
		sameResults(t, "warm, with base", warm, want)
		for _, side := range [][2][]*rules.File{{warm.Changed.Head, want.Changed.Head}, {warm.Changed.Base, want.Changed.Base}} {
			got, want := side[0], side[1]
			if len(got) != len(want) {
				t.Fatalf("changed files: %d, want %d", len(got), len(want))
			}
			for i := range got {
				if got[i].Path != want[i].Path || !bytes.Equal(got[i].Source, want[i].Source) {
					t.Errorf("changed file %s: not the one without cache (%s)", got[i].Path, want[i].Path)
				}
			}
		}
	})
}

func stat(t *testing.T, p string) cache.Stat {
	t.Helper()
	st := cache.StatFile(p)
	if st == (cache.Stat{}) {
		t.Skip("no stat data on this system: the shortcut is off")
	}
	return st
}

func setMtime(t *testing.T, p string, mtime time.Time) {
	t.Helper()
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// rewriteSameSize changes the file's content in place, keeping its size
// (and its inode): a schema error.
func rewriteSameSize(t *testing.T, p string) {
	t.Helper()
	src, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(src, []byte("signature: ES256"), []byte("signature: HS256"), 1)
	if bytes.Equal(changed, src) {
		t.Fatal("nothing to change")
	}
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(changed, 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

func corruptIndex(t *testing.T, dir string) {
	t.Helper()
	indexes, _ := filepath.Glob(filepath.Join(dir, "index-*"))
	if len(indexes) != 1 {
		t.Fatalf("index files: %v", indexes)
	}
	data, err := os.ReadFile(indexes[0])
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 0x10
	if err := os.WriteFile(indexes[0], data, 0o600); err != nil {
		t.Fatal(err)
	}
}

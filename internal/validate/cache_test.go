package validate_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/cache"
	"github.com/fsgate/fsgate/internal/gen"
	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/rules"
	"github.com/fsgate/fsgate/internal/validate"
)

// The content cache must never change a result: every test here compares
// runs with a cache (cold, then warm) with a run without, finding by
// finding, field by field (positions included), and the files handed to
// callers (Result.All).

func run(t *testing.T, opts validate.Options) *validate.Result {
	t.Helper()
	res, err := validate.Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.Cache.Err != nil {
		t.Fatalf("cache: %v", res.Cache.Err)
	}
	return res
}

func sameResults(t *testing.T, what string, got, want *validate.Result) {
	t.Helper()
	if len(got.Findings) != len(want.Findings) {
		t.Errorf("%s: %d findings, want %d", what, len(got.Findings), len(want.Findings))
	}
	for i := range min(len(got.Findings), len(want.Findings)) {
		if got.Findings[i] != want.Findings[i] {
			t.Errorf("%s: finding %d:\n got %+v\nwant %+v", what, i, got.Findings[i], want.Findings[i])
		}
	}
	if !slices.Equal(got.Files, want.Files) {
		t.Errorf("%s: files %v, want %v", what, got.Files, want.Files)
	}
	if len(got.All) != len(want.All) {
		t.Fatalf("%s: %d files loaded, want %d", what, len(got.All), len(want.All))
	}
	for i, g := range got.All {
		w := want.All[i]
		// A file the cache took on its stat data has no Source: the
		// Result reads it on demand, and must give the same bytes.
		if g.Source != nil && !bytes.Equal(g.Source, w.Source) {
			t.Errorf("%s: file %s: Source differs", what, w.Path)
		}
		if g.Path != w.Path || g.Mode != w.Mode || !bytes.Equal(got.Source(g.Path), want.Source(w.Path)) || !reflect.DeepEqual(g.Request, w.Request) {
			t.Errorf("%s: file %s differs:\n got %v %v %+v\nwant %v %v %+v", what, w.Path, g.Path, g.Mode, g.Request, w.Path, w.Mode, w.Request)
		}
	}
}

// cachedRuns runs opts without a cache, then cold and warm with c, checks
// that the three agree and that the warm run was served by the cache; it
// returns the warm result.
func cachedRuns(t *testing.T, opts validate.Options, c *cache.Cache) *validate.Result {
	t.Helper()
	want := run(t, opts)
	opts.Cache = c
	cold := run(t, opts)
	sameResults(t, "cold cache", cold, want)
	warm := run(t, opts)
	sameResults(t, "warm cache", warm, want)
	if warm.Cache.Misses != 0 || warm.Cache.Hits == 0 || !warm.Cache.CrossFile {
		t.Errorf("warm run: %+v", warm.Cache)
	}
	return warm
}

// messyTree writes generated requests, a share of them with mistakes, then
// duplicates for every cross-file rule and files the loader refuses.
func messyTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := gen.Write(root, gen.Options{N: 80, Seed: 7, InvalidShare: 0.4}); err != nil {
		t.Fatal(err)
	}
	glob := func(pattern string) []string {
		m, _ := filepath.Glob(filepath.Join(root, "providers", pattern))
		if len(m) == 0 {
			t.Fatalf("nothing matches %s", pattern)
		}
		return m
	}
	// Copies under other names: same DataPass, display name, redirect URIs
	// and reused subs as the original, on the same platform and
	// environment (and a location finding, the name being wrong).
	for i, p := range glob("*/production/commune-0000*-portail.yaml")[:4] {
		src, _ := os.ReadFile(p)
		if i == 0 {
			src = append(src, "  reuseSubs: {from: franceconnect, clientId: 0123456789abcdef0123456789abcdef}\n"...)
			os.WriteFile(p, src, 0o644)
		}
		writeFile(t, root, strings.TrimPrefix(strings.Replace(p, "-portail", "-copie", 1), root+"/"), src)
	}
	writeFile(t, root, "providers/franceconnect/production/syntax.yaml", []byte("apiVersion: fsgate/v1\nspec: [unclosed\n"))
	writeFile(t, root, "providers/franceconnect/production/anchor.yaml", []byte("apiVersion: &a fsgate/v1\nkind: *a\n"))
	writeFile(t, root, "providers/franceconnect/production/empty.yaml", nil)
	writeFile(t, root, "providers/franceconnect/production/latin1.yaml", []byte("name: caf\xe9\n"))
	writeFile(t, root, "providers/franceconnect/production/big.yaml", bytes.Repeat([]byte("# x\n"), load.MaxSize/3))
	writeFile(t, root, "providers/franceconnect/notes.txt", []byte("not a request\n"))
	if err := os.Symlink("commune-00001-portail.yaml", filepath.Join(root, "providers/franceconnect/production/link.yaml")); err != nil {
		t.Fatal(err)
	}
	return root
}

func TestCacheGivesTheSameResults(t *testing.T) {
	root := messyTree(t)
	c := &cache.Cache{Dir: t.TempDir(), Version: "test"}
	// A day when some generated go-live dates are too close.
	may := time.Date(2027, 5, 20, 0, 0, 0, 0, time.UTC)
	warm := cachedRuns(t, validate.Options{Root: root, Today: may}, c)
	var rulesSeen []string
	for _, f := range warm.Findings {
		if !slices.Contains(rulesSeen, f.Rule) {
			rulesSeen = append(rulesSeen, f.Rule)
		}
	}
	for _, id := range []string{"yaml", "schema", "file-location", "duplicate-datapass", "duplicate-display-name", "duplicate-redirect-uri", "duplicate-reuse-subs", "planned-date"} {
		if !slices.Contains(rulesSeen, id) {
			t.Errorf("the tree shows no %s finding: the comparison proves less than it should (rules seen: %v)", id, rulesSeen)
		}
	}
	// A run on part of the tree, from the same cache.
	part := filepath.Join(root, "providers", "franceconnect")
	cachedRuns(t, validate.Options{Root: root, Paths: []string{part}, Today: may}, c)
}

// TestCacheGolden: every golden case gives the same output with a cache.
func TestCacheGolden(t *testing.T) {
	var cases []string
	for _, pattern := range []string{"testdata/valid/*.yaml", "testdata/invalid/*.yaml"} {
		m, _ := filepath.Glob(pattern)
		cases = append(cases, m...)
	}
	c := &cache.Cache{Dir: t.TempDir(), Version: "test"}
	for _, p := range cases {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		root := t.TempDir()
		placeCase(t, root, strings.TrimSuffix(filepath.Base(p), ".yaml"), src)
		t.Run(filepath.Base(p), func(t *testing.T) { cachedRuns(t, validate.Options{Root: root}, c) })
	}
	dirs, _ := filepath.Glob("testdata/crossfile/*")
	for _, dir := range dirs {
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			t.Run(dir, func(t *testing.T) { cachedRuns(t, validate.Options{Root: dir}, c) })
		}
	}
}

// TestCacheWithBase: the change rules compare the cached requests and
// locate their findings in the cached files.
func TestCacheWithBase(t *testing.T) {
	c := &cache.Cache{Dir: t.TempDir(), Version: "test"}
	forEachChange(t, func(t *testing.T, _, root string) {
		cachedRuns(t, validate.Options{Root: root, Base: "HEAD"}, c)
	})
}

// TestCacheRevalidatesChanges: a changed file is validated again, and the
// cross-file rules see its new content.
func TestCacheRevalidatesChanges(t *testing.T) {
	root := t.TempDir()
	if err := gen.Tree(root, 30, 3); err != nil {
		t.Fatal(err)
	}
	c := &cache.Cache{Dir: t.TempDir(), Version: "test"}
	before := cachedRuns(t, validate.Options{Root: root}, c)
	if len(before.Findings) != 0 {
		t.Fatalf("the generated tree has findings: %v", before.Findings)
	}
	// Break one file (schema) and give it another's DataPass number.
	paths, _ := filepath.Glob(filepath.Join(root, "providers/franceconnect/production/*.yaml"))
	other, _ := os.ReadFile(paths[1])
	datapassLine := regexp.MustCompile("datapass: D[0-9]+")
	src, _ := os.ReadFile(paths[0])
	changed := strings.Replace(string(src), "signature: ES256", "signature: HS256", 1)
	changed = datapassLine.ReplaceAllLiteralString(changed, datapassLine.FindString(string(other)))
	if err := os.WriteFile(paths[0], []byte(changed), 0o644); err != nil {
		t.Fatal(err)
	}
	want := run(t, validate.Options{Root: root})
	got := run(t, validate.Options{Root: root, Cache: c})
	sameResults(t, "after a change", got, want)
	if got.Cache.Misses != 1 || got.Cache.Hits != 29 {
		t.Errorf("after a change: %+v, want 1 miss and 29 hits", got.Cache)
	}
	var ids []string
	for _, f := range got.Findings {
		ids = append(ids, f.Rule)
	}
	if !slices.Contains(ids, "schema") || !slices.Contains(ids, "duplicate-datapass") {
		t.Errorf("the change's findings are missing: %v", ids)
	}
	// Removing the file drops its entry and the duplicate with it.
	os.Remove(paths[0])
	sameResults(t, "after a removal", run(t, validate.Options{Root: root, Cache: c}), run(t, validate.Options{Root: root}))
}

// TestCacheVersion: results of another fsgate are never used.
func TestCacheVersion(t *testing.T) {
	root := messyTree(t)
	dir := t.TempDir()
	cachedRuns(t, validate.Options{Root: root}, &cache.Cache{Dir: dir, Version: "1.0"})
	res := run(t, validate.Options{Root: root, Cache: &cache.Cache{Dir: dir, Version: "1.1"}})
	if res.Cache.Hits != 0 || res.Cache.Misses == 0 {
		t.Errorf("another version used the cache: %+v", res.Cache)
	}
	sameResults(t, "new version", res, run(t, validate.Options{Root: root}))
}

// TestCacheDamaged: a damaged index is a cold run, never an error or a
// wrong result, and the run repairs it.
func TestCacheDamaged(t *testing.T) {
	root := messyTree(t)
	c := &cache.Cache{Dir: t.TempDir(), Version: "test"}
	want := cachedRuns(t, validate.Options{Root: root}, c)
	indexes, _ := filepath.Glob(filepath.Join(c.Dir, "index-*"))
	if len(indexes) != 1 {
		t.Fatalf("index files: %v", indexes)
	}
	good, _ := os.ReadFile(indexes[0])
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x10
	for name, content := range map[string][]byte{
		"truncated": good[:len(good)/2], "empty": nil, "garbage": bytes.Repeat([]byte{0xff, 0, 'x'}, 5000),
		"flipped byte": flipped, "another format": append([]byte("fsgate-cache-0\n"), good[15:]...),
	} {
		os.Remove(indexes[0])
		if err := os.WriteFile(indexes[0], content, 0o600); err != nil {
			t.Fatal(err)
		}
		res := run(t, validate.Options{Root: root, Cache: c})
		sameResults(t, name, res, want)
		if res.Cache.Hits != 0 {
			t.Errorf("%s: %d hits", name, res.Cache.Hits)
		}
		if again := run(t, validate.Options{Root: root, Cache: c}); again.Cache.Misses != 0 {
			t.Errorf("%s: not repaired: %+v", name, again.Cache)
		}
	}
}

// TestCacheConcurrentRuns: runs sharing a cache directory, on the same root
// and on another, all succeed; the cache they leave serves the next run.
func TestCacheConcurrentRuns(t *testing.T) {
	root := messyTree(t)
	other := t.TempDir()
	copyTree(t, root, other)
	want := run(t, validate.Options{Root: root})
	c := &cache.Cache{Dir: t.TempDir(), Version: "test"}
	var wg sync.WaitGroup
	results := make([]*validate.Result, 6)
	errs := make([]error, 6)
	for i := range results {
		wg.Go(func() {
			r := root
			if i%3 == 2 {
				r = other
			}
			results[i], errs[i] = validate.Run(validate.Options{Root: r, Today: goldenToday, Cache: c})
		})
	}
	wg.Wait()
	for i, res := range results {
		if errs[i] != nil {
			t.Fatalf("run %d: %v", i, errs[i])
		}
		if res.Cache.Err != nil {
			t.Errorf("run %d: cache: %v", i, res.Cache.Err)
		}
		if i%3 != 2 {
			sameResults(t, "concurrent run", res, want)
		}
	}
	for _, r := range []string{root, other} {
		res := run(t, validate.Options{Root: r, Cache: c})
		if res.Cache.Misses != 0 {
			t.Errorf("after concurrent runs: %+v", res.Cache)
		}
		if r == root {
			sameResults(t, "after concurrent runs", res, want)
		}
	}
}

// TestCacheToday: the planned-date rule depends on --today, not only on
// the file: a cache filled on one day gives the findings of another day.
func TestCacheToday(t *testing.T) {
	root := t.TempDir()
	if err := gen.Tree(root, 60, 5); err != nil { // go-live dates spread over 2027
		t.Fatal(err)
	}
	c := &cache.Cache{Dir: t.TempDir(), Version: "test"}
	days := []time.Time{
		time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), // nothing too close
		time.Date(2027, 5, 20, 0, 0, 0, 0, time.UTC), // some within three weeks, some past
		time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC),  // all past
		time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), // back
		{}, // no date: no date rule
	}
	counts := map[int]bool{}
	for i, day := range days {
		opts := validate.Options{Root: root, Today: day}
		want, err := validate.Run(opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.Cache = c
		got := run(t, opts)
		sameResults(t, day.Format(time.DateOnly), got, want)
		if i > 0 && got.Cache.Misses != 0 {
			t.Errorf("%s: %+v: the date must not invalidate the cache", day.Format(time.DateOnly), got.Cache)
		}
		counts[len(got.Findings)] = true
	}
	if len(counts) < 3 {
		t.Errorf("the days give %v findings: the test does not exercise planned-date", counts)
	}
}

// TestDateRulesAreDeclared: a per-file rule whose findings change with the
// date must say so (rules.Rule.DependsOnToday), or the cache would keep
// the findings of the day it was filled.
func TestDateRulesAreDeclared(t *testing.T) {
	root := t.TempDir()
	if err := gen.Write(root, gen.Options{N: 120, Seed: 11, InvalidShare: 0.5}); err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(root, "providers/*/*/*.yaml"))
	more, _ := filepath.Glob("testdata/*/*.yaml")
	days := []time.Time{{}, time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), goldenToday,
		time.Date(2027, 6, 15, 0, 0, 0, 0, time.UTC), time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)}
	for _, p := range append(paths, more...) {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := load.Parse(src)
		f := &rules.File{Path: "providers/franceconnect/production/x.yaml", Source: src, Root: doc.Root}
		if doc.Valid {
			f.Request = request.FromValue(doc.Value)
		}
		for _, r := range rules.All() {
			if r.Check == nil || r.DependsOnToday() || (!f.Loaded() && !r.OnUnloaded) {
				continue
			}
			first := r.Check(&rules.Context{Today: days[0]}, f)
			for _, day := range days[1:] {
				if got := r.Check(&rules.Context{Today: day}, f); !reflect.DeepEqual(got, first) {
					t.Errorf("%s: rule %s gives other findings on %s: declare it in rules.Rule.DependsOnToday", p, r.ID, day.Format(time.DateOnly))
				}
			}
		}
	}
}

package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/gen"
	"github.com/fsgate/fsgate/internal/rules"
	"github.com/fsgate/fsgate/internal/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

var testToday = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

// loadTree validates the tree at root and returns its files; the tree must
// have no error finding (as the export command requires).
func loadTree(t testing.TB, root string) []*rules.File {
	t.Helper()
	res, err := validate.Run(validate.Options{Root: root, Today: testToday})
	if err != nil {
		t.Fatal(err)
	}
	if errs, _ := finding.Count(res.Findings); errs > 0 {
		t.Fatalf("%s has error findings: %+v", root, res.Findings)
	}
	return res.All
}

// readTree returns every file under dir, by slash path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestClientFieldsComplete(t *testing.T) {
	typ := reflect.TypeFor[Client]()
	var tags []string
	for i := range typ.NumField() {
		tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		tags = append(tags, tag)
	}
	if !slices.Equal(tags, FieldNames()) {
		t.Errorf("clientFields %v\ndo not match the struct's fields %v", FieldNames(), tags)
	}
	for i := range typ.NumField() {
		tag := typ.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if strings.HasSuffix(tag, ",omitempty") != omitted[name] {
			t.Errorf("%s: omitempty in the struct and in omitted disagree", name)
		}
	}
	if !slices.IsSorted(tags) {
		t.Errorf("the struct's fields are not in byte order of their JSON names: %v", tags)
	}
	// Every getter reads its own field.
	var c Client
	v := reflect.ValueOf(&c).Elem()
	for i, f := range clientFields {
		fv := v.Field(i)
		switch fv.Kind() {
		case reflect.String:
			fv.SetString("x-" + f.name)
		case reflect.Int:
			fv.SetInt(int64(i + 1))
		case reflect.Bool:
			fv.SetBool(true)
		case reflect.Slice:
			fv.Set(reflect.ValueOf([]string{f.name}))
		}
		got, ok := c.Field(f.name)
		if !ok || !reflect.DeepEqual(got, fv.Interface()) {
			t.Errorf("Field(%q) = %v, want %v", f.name, got, fv.Interface())
		}
	}
}

// TestGoldenExport: the documents and manifest of a small tree, byte for
// byte (FC with defaults, FC+ with reuseSubs and a sector identifier, FC+
// integration with the default eIDAS level, scopes normalised).
func TestGoldenExport(t *testing.T) {
	files := loadTree(t, "testdata/tree")
	x, skipped := Build(files, Options{})
	if len(skipped) > 0 {
		t.Fatalf("skipped: %+v", skipped)
	}
	x.Commit = "0123456789abcdef0123456789abcdef01234567"
	out := filepath.Join(t.TempDir(), "export")
	if err := Write(out, x.Files(nil, nil), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, out)
	golden := "testdata/golden"
	if *update {
		os.RemoveAll(golden)
		for p, data := range got {
			name := filepath.Join(golden, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	want := readTree(t, golden)
	for p := range want {
		if _, ok := got[p]; !ok {
			t.Errorf("missing %s", p)
		}
	}
	for p, data := range got {
		if !bytes.Equal(data, want[p]) {
			t.Errorf("%s differs from the golden file (go test -update to accept):\n%s", p, data)
		}
		checkSortedKeys(t, p, data)
		if !bytes.HasSuffix(data, []byte("}\n")) {
			t.Errorf("%s does not end with a newline", p)
		}
	}
}

// checkSortedKeys fails when an object of the JSON document has keys out
// of byte order.
func checkSortedKeys(t *testing.T, name string, data []byte) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object bool
		keys   []string
		key    bool // next string token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.key {
			if s, ok := tok.(string); ok {
				top.keys = append(top.keys, s)
				top.key = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, key: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			if top.object && !slices.IsSorted(top.keys) {
				t.Errorf("%s: keys out of order: %v", name, top.keys)
			}
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].key = true
		}
	}
}

func TestClientOfDefaults(t *testing.T) {
	files := loadTree(t, "testdata/tree")
	x, _ := Build(files, Options{})
	byID := map[string]*Client{}
	for _, e := range x.Entries {
		byID[e.ID] = &e.Client
	}
	fc := byID["franceconnect/production/villeurbanne-portail-famille"]
	fcp := byID["franceconnect-plus/production/lyon-portail-famille"]
	integ := byID["franceconnect-plus/integration/caf-simulateur-aides"]
	tests := []struct {
		name      string
		got, want any
	}{
		{"FC platform", fc.Platform, CorePlatform},
		{"FC+ platform absent", fcp.Platform, ""},
		{"FC eidas default", fc.Eidas, 1},
		{"FC+ eidas given", fcp.Eidas, 2},
		{"FC+ eidas default", integ.Eidas, 3},
		{"FC no encryption", []string{fc.IDTokenEncryptedResponseAlg, fc.IDTokenEncryptedResponseEnc, fc.UserinfoEncryptedResponseAlg, fc.UserinfoEncryptedResponseEnc}, []string{"", "", "", ""}},
		{"FC+ encryption", []string{fcp.IDTokenEncryptedResponseAlg, fcp.IDTokenEncryptedResponseEnc, fcp.UserinfoEncryptedResponseAlg, fcp.UserinfoEncryptedResponseEnc}, []string{"ECDH-ES", "A256GCM", "ECDH-ES", "A256GCM"}},
		{"signature both", []string{fc.IDTokenSignedResponseAlg, fc.UserinfoSignedResponseAlg}, []string{"RS256", "RS256"}},
		{"FC scopes normalised", fc.Scopes, []string{"openid", "family_name", "birthplace", "birthcountry", "email", "birth"}},
		{"FC+ scopes normalised", fcp.Scopes, []string{"openid", "given_name", "family_name", "birthdate", "gender", "preferred_username", "profile"}},
		{"composite kept", integ.Scopes, []string{"openid", "profile", "rnipp_birthplace", "rnipp_birthcountry", "rnipp_birth"}},
		{"signup_id digits", fcp.SignupID, "12345"},
		{"entityId from reuseSubs", fcp.EntityID, "211286433e39cce01db448d80181bdfd005554b19cd51b3fe7943f6b3b86ab6e"},
		{"entityId absent", fc.EntityID, ""},
		{"email joined", fcp.Email, "fs-technique@lyon.fr,dsi@lyon.fr"},
		{"no IPs", fc.IPServerAddressesAndRanges, []string{}},
		{"title = name", fc.Title, fc.Name},
		{"site", fc.Site, []string{"https://portail-famille.villeurbanne.fr/accueil?lang=fr&src=fc"}},
		{"defaults", []any{fc.Active, fc.Type, fc.IdentityConsent, fc.IdpFilterExclude, fc.IdpFilterList, fc.RepScope, fc.Claims},
			[]any{true, "public", false, true, []string{}, []string{}, []string{"amr"}}},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s: got %#v, want %#v", tt.name, tt.got, tt.want)
		}
	}
}

func TestBuildSkips(t *testing.T) {
	files := loadTree(t, "testdata/tree")
	moved := *files[0]
	moved.Path = "providers/franceconnect/production/elsewhere.yaml"
	broken := &rules.File{Path: "providers/franceconnect/production/broken.yaml"}
	x, skipped := Build(append(slices.Clone(files), &moved, broken, files[1]), Options{})
	if len(x.Entries) != len(files) {
		t.Errorf("%d entries, want %d", len(x.Entries), len(files))
	}
	var paths []string
	for _, s := range skipped {
		paths = append(paths, s.Path)
	}
	want := []string{broken.Path, moved.Path, files[1].Path}
	slices.Sort(want)
	if !slices.Equal(paths, want) {
		t.Errorf("skipped %v, want %v", paths, want)
	}
}

// TestDeterministic: the same tree, read in another order and encoded and
// written by another number of workers, gives byte-identical output.
func TestDeterministic(t *testing.T) {
	root := t.TempDir()
	if err := gen.Tree(root, 120, 7); err != nil {
		t.Fatal(err)
	}
	files := loadTree(t, root)
	export := func(files []*rules.File, workers int) map[string][]byte {
		x, skipped := Build(files, Options{Workers: workers})
		if len(skipped) > 0 {
			t.Fatalf("skipped: %+v", skipped)
		}
		prev, err := readPrevious(filepath.Join(root, "none"), nil, workers)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "export")
		if err := Write(out, x.Files(mustDiff(t, prev, x), prev), WriteOptions{Workers: workers}); err != nil {
			t.Fatal(err)
		}
		return readTree(t, out)
	}
	first := export(files, 1)
	if len(first) != 122 {
		t.Fatalf("%d files, want 120 documents, the manifest and the changes", len(first))
	}
	shuffled := slices.Clone(files)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, run := range []struct {
		name    string
		files   []*rules.File
		workers int
	}{{"again", files, 1}, {"shuffled, 8 workers", shuffled, 8}, {"shuffled, 3 workers", shuffled, 3}} {
		got := export(run.files, run.workers)
		if len(got) != len(first) {
			t.Errorf("%s: %d files, want %d", run.name, len(got), len(first))
		}
		for p, data := range first {
			if !bytes.Equal(got[p], data) {
				t.Errorf("%s: %s differs", run.name, p)
			}
		}
	}
}

// TestParallel: every index is handled exactly once, by at most workers
// goroutines, each with its own state.
func TestParallel(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 63, 64, 65, 1000, 10_007} {
		for _, workers := range []int{0, 1, 2, 3, 8, 100} {
			seen := make([]atomic.Int32, n)
			var started atomic.Int32
			parallelWith(n, workers, func() func(int) {
				started.Add(1)
				var mine []int // not shared: no data race under -race
				return func(i int) {
					mine = append(mine, i)
					seen[i].Add(1)
				}
			})
			for i := range seen {
				if c := seen[i].Load(); c != 1 {
					t.Fatalf("n=%d workers=%d: index %d handled %d times", n, workers, i, c)
				}
			}
			limit := int32(workers)
			if workers <= 0 {
				limit = int32(runtime.GOMAXPROCS(0))
			}
			if s := started.Load(); s > max(limit, 1) || (n > 0 && s == 0) {
				t.Errorf("n=%d workers=%d: %d goroutines", n, workers, s)
			}
		}
	}
}

// TestWriteAtomic: a write that fails midway leaves the directory as it
// was (or absent), and no temporary directory behind.
func TestWriteAtomic(t *testing.T) {
	files := loadTree(t, "testdata/tree")
	x, _ := Build(files, Options{})
	good := x.Files(nil, nil)
	failAt := func(n int32) WriteOptions {
		var count atomic.Int32
		return WriteOptions{Workers: 1, WriteFile: func(name string, data []byte) error {
			if count.Add(1) == n {
				return errors.New("disk full")
			}
			return os.WriteFile(name, data, 0o644)
		}}
	}
	uncreatable := append(slices.Clone(good), File{Path: "manifest.json/x.json", Data: []byte("{}\n")})

	tests := []struct {
		name     string
		existing bool
		files    []File
		opts     WriteOptions
	}{
		{"fails at the second file, no previous export", false, good, failAt(2)},
		{"fails at the last file, previous export kept", true, good, failAt(int32(len(good)))},
		{"a file that cannot be created, previous export kept", true, uncreatable, WriteOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := t.TempDir()
			out := filepath.Join(parent, "export")
			var before map[string][]byte
			if tt.existing {
				old := []File{{Path: "franceconnect/production/old.json", Data: []byte("{\"old\": true}\n")}, {Path: ManifestFile, Data: []byte("{}\n")}}
				if err := Write(out, old, WriteOptions{}); err != nil {
					t.Fatal(err)
				}
				before = readTree(t, out)
			}
			err := Write(out, tt.files, tt.opts)
			if err == nil {
				t.Fatal("Write succeeded")
			}
			if tt.existing {
				after := readTree(t, out)
				if !reflect.DeepEqual(after, before) {
					t.Errorf("the previous export changed: %v", after)
				}
			} else if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a half-written export exists: %v", err)
			}
			entries, _ := os.ReadDir(parent)
			for _, e := range entries {
				if e.Name() != "export" {
					t.Errorf("left behind: %s", e.Name())
				}
			}
		})
	}
}

func TestWriteReplaces(t *testing.T) {
	parent := t.TempDir()
	out := filepath.Join(parent, "export")
	if err := Write(out, []File{{Path: "a/b/old.json", Data: []byte("1")}, {Path: ManifestFile, Data: []byte("{}")}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Write(out, []File{{Path: "a/b/new.json", Data: []byte("2")}, {Path: ManifestFile, Data: []byte("{}")}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, out)
	if len(got) != 2 || string(got["a/b/new.json"]) != "2" {
		t.Errorf("after replacing: %v", got)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
	info, err := os.Stat(out)
	if err != nil || info.Mode().Perm() != 0o755 {
		t.Errorf("export directory mode %v, %v", info.Mode(), err)
	}
}

func TestWriteRefusesForeignDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Write(dir, []File{{Path: ManifestFile, Data: []byte("{}")}}, WriteOptions{})
	if err == nil || !strings.Contains(err.Error(), "refusing to replace it") {
		t.Fatalf("Write over a foreign directory: %v", err)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "README.md")); string(data) != "mine" {
		t.Error("the foreign directory changed")
	}
	for _, bad := range []string{"../x.json", "/abs.json", "a/../../x.json", ""} {
		if err := Write(filepath.Join(t.TempDir(), "e"), []File{{Path: bad}}, WriteOptions{}); err == nil {
			t.Errorf("Write accepted the file name %q", bad)
		}
	}
}

package export

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func sample() Client {
	return Client{
		IPServerAddressesAndRanges: []string{}, Active: true, Claims: []string{"amr"}, Eidas: 2,
		Email: "a@x.fr", IDTokenEncryptedResponseAlg: "ECDH-ES", IDTokenEncryptedResponseEnc: "A256GCM",
		IDTokenSignedResponseAlg: "ES256", IdpFilterExclude: true, IdpFilterList: []string{},
		JWKSURI: "https://x.fr/jwks", Name: "X", PostLogoutRedirectURIs: []string{"https://x.fr/logout"},
		RedirectURIs: []string{"https://x.fr/cb"}, RepScope: []string{}, Scopes: []string{"openid", "given_name"},
		SignupID: "1", Site: []string{"https://x.fr/"}, Title: "X", Type: "public",
		UserinfoEncryptedResponseAlg: "ECDH-ES", UserinfoEncryptedResponseEnc: "A256GCM", UserinfoSignedResponseAlg: "ES256",
	}
}

func exportOf(clients map[string]Client) *Export {
	x := &Export{}
	for id, c := range clients {
		e := &Entry{Document: Document{ID: id, Client: c}}
		e.Bytes = encode(&e.Document)
		e.SHA256 = sum(e.Bytes)
		x.Entries = append(x.Entries, e)
	}
	slices.SortFunc(x.Entries, func(a, b *Entry) int { return strings.Compare(a.ID, b.ID) })
	return x
}

func TestDiff(t *testing.T) {
	base := sample()
	moreScopes := sample()
	moreScopes.Scopes = []string{"openid", "given_name", "email", "family_name"}
	fewer := sample()
	fewer.Scopes = []string{"openid"}
	fewer.RedirectURIs = []string{"https://x.fr/cb", "https://x.fr/cb2"}
	sector := sample()
	sector.SectorIdentifierURI = "https://x.fr/sector.json"
	reordered := sample()
	reordered.Scopes = []string{"given_name", "openid"}

	tests := []struct {
		name        string
		before, cur map[string]Client
		created     []string
		deleted     []string
		updated     map[string][]string // id → changed fields
		added       map[string][]string
		removed     map[string][]string
		unchanged   int
	}{
		{name: "first export", before: nil, cur: map[string]Client{"p/e/a": base, "p/e/b": base},
			created: []string{"p/e/a", "p/e/b"}},
		{name: "nothing changes", before: map[string]Client{"p/e/a": base}, cur: map[string]Client{"p/e/a": base}, unchanged: 1},
		{name: "deleted", before: map[string]Client{"p/e/a": base, "p/e/z": base}, cur: map[string]Client{"p/e/a": base},
			deleted: []string{"p/e/z"}, unchanged: 1},
		{name: "scopes added", before: map[string]Client{"p/e/a": base}, cur: map[string]Client{"p/e/a": moreScopes},
			updated: map[string][]string{"p/e/a": {"scopes"}}, added: map[string][]string{"p/e/a": {"email", "family_name"}}},
		{name: "scopes removed and redirect added", before: map[string]Client{"p/e/a": base}, cur: map[string]Client{"p/e/a": fewer},
			updated: map[string][]string{"p/e/a": {"redirect_uris", "scopes"}}, removed: map[string][]string{"p/e/a": {"given_name"}}},
		{name: "optional field appears", before: map[string]Client{"p/e/a": base}, cur: map[string]Client{"p/e/a": sector},
			updated: map[string][]string{"p/e/a": {"sector_identifier_uri"}}},
		{name: "order only", before: map[string]Client{"p/e/a": base}, cur: map[string]Client{"p/e/a": reordered},
			updated: map[string][]string{"p/e/a": {"scopes"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustDiff(t, exportOf(tt.before).Clients(), exportOf(tt.cur))
			if !slices.Equal(c.Created, orEmpty(tt.created)) || !slices.Equal(c.Deleted, orEmpty(tt.deleted)) {
				t.Errorf("created %v deleted %v", c.Created, c.Deleted)
			}
			if len(c.Updated) != len(tt.updated) {
				t.Fatalf("updated %+v", c.Updated)
			}
			for _, u := range c.Updated {
				var fields []string
				for _, f := range u.Fields {
					fields = append(fields, f.Field)
				}
				if !slices.Equal(fields, tt.updated[u.ID]) {
					t.Errorf("%s: fields %v, want %v", u.ID, fields, tt.updated[u.ID])
				}
				if !slices.Equal(u.ScopesAdded, tt.added[u.ID]) || !slices.Equal(u.ScopesRemoved, tt.removed[u.ID]) {
					t.Errorf("%s: added %v removed %v", u.ID, u.ScopesAdded, u.ScopesRemoved)
				}
			}
			want := Summary{Created: len(tt.created), Deleted: len(tt.deleted), Updated: len(tt.updated), Unchanged: tt.unchanged}
			if c.Summary != want {
				t.Errorf("summary %+v, want %+v", c.Summary, want)
			}
		})
	}
}

func mustDiff(t testing.TB, prev *Previous, cur *Export) *Changes {
	t.Helper()
	c, err := Diff(prev, cur)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func TestFieldChangeValues(t *testing.T) {
	before, after := sample(), sample()
	after.SectorIdentifierURI = "https://x.fr/s.json"
	after.JWKSURI = ""
	after.Eidas = 3
	c := mustDiff(t, exportOf(map[string]Client{"a/b/c": before}).Clients(), exportOf(map[string]Client{"a/b/c": after}))
	got, _ := json.Marshal(c.Updated[0].Fields)
	want := `[{"field":"eidas","new":3,"old":2},{"field":"jwks_uri","old":"https://x.fr/jwks"},{"field":"sector_identifier_uri","new":"https://x.fr/s.json"}]`
	if string(got) != want {
		t.Errorf("fields\n got %s\nwant %s", got, want)
	}
}

func TestReadPrevious(t *testing.T) {
	files := loadTree(t, "testdata/tree")
	x, _ := Build(files, Options{})
	x.Commit = "abc"
	write := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "export")
		if err := Write(dir, x.Files(nil, nil), WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		return dir
	}

	t.Run("round trip: no change", func(t *testing.T) {
		prev, err := readPrevious(write(t), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		c := mustDiff(t, prev, x)
		if !c.Empty() || c.Summary.Unchanged != len(x.Entries) || c.PreviousCommit != "abc" {
			t.Errorf("changes %+v", c)
		}
	})
	t.Run("missing or empty directory: everything created", func(t *testing.T) {
		for _, dir := range []string{filepath.Join(t.TempDir(), "none"), t.TempDir()} {
			prev, err := readPrevious(dir, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			if c := mustDiff(t, prev, x); len(c.Created) != len(x.Entries) {
				t.Errorf("created %v", c.Created)
			}
		}
	})
	broken := []struct {
		name   string
		change func(dir string) error
		err    string
	}{
		{"document changed by hand", func(dir string) error {
			p := filepath.Join(dir, filepath.FromSlash(x.Entries[0].Path()))
			data, _ := os.ReadFile(p)
			return os.WriteFile(p, []byte(strings.Replace(string(data), `"active": true`, `"active": false`, 1)), 0o644)
		}, "does not match its manifest"},
		{"document missing", func(dir string) error {
			return os.Remove(filepath.Join(dir, filepath.FromSlash(x.Entries[0].Path())))
		}, "in the manifest but missing"},
		{"document not listed", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "franceconnect", "production", "extra.json"), []byte(`{"id":"franceconnect/production/extra"}`), 0o644)
		}, "not in its manifest"},
		{"document under another name", func(dir string) error {
			src := filepath.Join(dir, filepath.FromSlash(x.Entries[0].Path()))
			return os.Rename(src, filepath.Join(filepath.Dir(src), "renamed.json"))
		}, "not in its manifest"},
		{"no manifest", func(dir string) error { return os.Remove(filepath.Join(dir, ManifestFile)) }, "no manifest.json"},
		{"not JSON", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, filepath.FromSlash(x.Entries[0].Path())), []byte("{"), 0o644)
		}, "does not match its manifest"},
	}
	// A document that does not parse but matches a manifest rewritten to
	// fit is found when it is compared.
	t.Run("forged manifest", func(t *testing.T) {
		dir := write(t)
		bad := []byte(`{"id": "someone/else/entirely"}`)
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(x.Entries[0].Path())), bad, 0o644); err != nil {
			t.Fatal(err)
		}
		m := x.Manifest()
		m.Documents[0].SHA256 = sum(bad)
		if err := os.WriteFile(filepath.Join(dir, ManifestFile), encode(m), 0o644); err != nil {
			t.Fatal(err)
		}
		prev, err := readPrevious(dir, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Diff(prev, x); err == nil || !strings.Contains(err.Error(), "its id is") {
			t.Errorf("Diff: %v", err)
		}
	})
	for _, tt := range broken {
		t.Run(tt.name, func(t *testing.T) {
			dir := write(t)
			if err := tt.change(dir); err != nil {
				t.Fatal(err)
			}
			_, err := readPrevious(dir, nil, 0)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ReadPrevious: %v, want an error containing %q", err, tt.err)
			}
		})
	}
}

// TestLinksUnchanged: the documents unchanged since the previous export
// are linked from it, the others written; the result is the same bytes.
func TestLinksUnchanged(t *testing.T) {
	files := loadTree(t, "testdata/tree")
	x, _ := Build(files, Options{})
	out := filepath.Join(t.TempDir(), "export")
	if err := Write(out, x.Files(nil, nil), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	changed := *x.Entries[0]
	changed.Client.Name = "Autre nom"
	changed.Bytes = encode(&changed.Document)
	changed.SHA256 = sum(changed.Bytes)
	y := &Export{Entries: append([]*Entry{&changed}, x.Entries[1:]...)}

	prev, err := readPrevious(out, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	c := mustDiff(t, prev, y)
	fs := y.Files(c, prev)
	linked := 0
	for _, f := range fs {
		if f.LinkFrom != "" {
			linked++
		}
	}
	if linked != len(y.Entries)-1 || fs[0].LinkFrom != "" {
		t.Errorf("%d documents linked, want all but the changed one", linked)
	}
	if err := Write(out, fs, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, out)
	for _, f := range y.Files(c, nil) {
		if !bytes.Equal(got[f.Path], f.Data) {
			t.Errorf("%s differs", f.Path)
		}
	}
}

package export

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/fsgate/fsgate/internal/gen"
)

// hostileStrings are the strings encoding/json escapes in some way.
var hostileStrings = []string{
	"", "plain", `quote " and backslash \`, "<script>&amp;</script>", "tab\tnew\nline\rret\bback\fform",
	"\x00\x01\x1f\x7f", "bidi \u202e and zero width \u200b", "line \u2028 paragraph \u2029",
	"invalid \xff\xfe utf-8 \xc3", "accents éàç 東京 🚀", "\u00a0nbsp",
}

func TestAppendDocumentMatchesEncodingJSON(t *testing.T) {
	root := t.TempDir()
	if err := gen.Tree(root, 50, 3); err != nil {
		t.Fatal(err)
	}
	var docs []*Document
	for _, dir := range []string{root, "testdata/tree"} {
		x, _ := Build(loadTree(t, dir), Options{})
		for _, e := range x.Entries {
			docs = append(docs, &e.Document)
		}
	}
	for _, s := range hostileStrings {
		c := sample()
		c.Name, c.Title, c.Email, c.EntityID, c.SectorIdentifierURI = s, s, s, s, s
		c.Scopes = []string{s, s}
		c.IdpFilterList = []string{s}
		docs = append(docs, &Document{Client: c, ID: s, Source: Source{Path: s, SHA256: s}})
	}
	empty := &Document{}
	docs = append(docs, empty, &Document{Client: everyField()})
	for _, d := range docs {
		if got, want := appendDocument(nil, d), encode(d); !bytes.Equal(got, want) {
			t.Errorf("appendDocument differs from encoding/json:\n%s\nwant\n%s", got, want)
		}
	}
	if len(docs) < 60 {
		t.Fatalf("only %d documents compared", len(docs))
	}
}

// everyField is a client whose every field holds a value of its own: a
// field appendDocument forgot would be missing from its output.
func everyField() Client {
	var c Client
	v := reflect.ValueOf(&c).Elem()
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString("value of " + name)
		case reflect.Int:
			f.SetInt(int64(i + 1))
		case reflect.Bool:
			f.SetBool(i%2 == 0)
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{name, "second " + name}))
		default:
			panic("everyField: a field of kind " + f.Kind().String())
		}
	}
	return c
}

func TestAppendManifestMatchesEncodingJSON(t *testing.T) {
	x, _ := Build(loadTree(t, "testdata/tree"), Options{})
	withCommit := x.Manifest()
	withCommit.Commit = "0123456789abcdef0123456789abcdef01234567"
	hostile := &Manifest{
		Counts:    map[string]map[string]int{"b": {"z": 1, "a": 2}, "a": {"x": 0}, "": nil, "<&>": {}},
		Documents: []ManifestEntry{{ID: `quote " \ é  `, SHA256: ""}, {}},
		Total:     -1, Version: 1 << 40,
	}
	for _, m := range []*Manifest{x.Manifest(), withCommit, (&Export{}).Manifest(), hostile, {}} {
		if got, want := appendManifest(nil, m), encode(m); !bytes.Equal(got, want) {
			t.Errorf("appendManifest differs from encoding/json:\n%s\nwant\n%s", got, want)
		}
	}
}

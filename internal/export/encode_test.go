package export

import (
	"bytes"
	"encoding/json"
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
	docs = append(docs, empty)
	for _, d := range docs {
		if got, want := appendDocument(nil, d), encode(d); !bytes.Equal(got, want) {
			t.Errorf("appendDocument differs from encoding/json:\n%s\nwant\n%s", got, want)
		}
	}
	if len(docs) < 60 {
		t.Fatalf("only %d documents compared", len(docs))
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range hostileStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); !bytes.Equal(got, bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want.Bytes())
		}
	})
}

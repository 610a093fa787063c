package format

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// goldenInputs are the before files of testdata/: X.yaml, formatted into
// X.golden.
func goldenInputs(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden input in testdata/ (%v)", err)
	}
	return files
}

// corpus is every request file the formatter must handle: the golden
// inputs, the valid and invalid cases of the validator, the examples of
// providers/. Files that do not load are kept: they must be refused.
func corpus(t testing.TB) []string {
	t.Helper()
	files := goldenInputs(t)
	for _, pattern := range []string{
		"../validate/testdata/valid/*.yaml",
		"../validate/testdata/invalid/*.yaml",
		"../validate/testdata/*/*/*.yaml",
		"../../providers/*/*/*.yaml",
	} {
		more, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, more...)
	}
	slices.Sort(files)
	return slices.Compact(files)
}

func read(t testing.TB, path string) []byte {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestGolden(t *testing.T) {
	for _, in := range goldenInputs(t) {
		name := strings.TrimSuffix(filepath.Base(in), ".yaml")
		t.Run(name, func(t *testing.T) {
			got, err := Source(read(t, in))
			if err != nil {
				t.Fatal(err)
			}
			golden := strings.TrimSuffix(in, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := read(t, golden)
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (go test -update to accept):\n--- got\n%s--- want\n%s", in, golden, got, want)
			}
		})
	}
}

// TestCorpus checks the three promises on every file that loads: fmt twice
// is fmt once, the value is the same, every comment is still there.
func TestCorpus(t *testing.T) {
	loaded := 0
	for _, path := range corpus(t) {
		src := read(t, path)
		doc, _ := load.Parse(src)
		t.Run(path, func(t *testing.T) {
			once, err := Source(src)
			if !doc.Valid {
				var fe *Error
				if !errors.As(err, &fe) || fe.Line == 0 {
					t.Fatalf("a file that does not load must be refused with a located error, got %v", err)
				}
				return
			}
			loaded++
			if err != nil {
				t.Fatal(err)
			}
			twice, err := Source(once)
			if err != nil {
				t.Fatalf("formatting the output again: %v", err)
			}
			if !bytes.Equal(once, twice) {
				t.Errorf("not idempotent:\n--- once\n%s--- twice\n%s", once, twice)
			}
			after, _ := load.Parse(once)
			if !after.Valid || !reflect.DeepEqual(after.Value, doc.Value) {
				t.Errorf("value changed:\nbefore %#v\nafter  %#v", doc.Value, after.Value)
			}
			// Counted on the source with the library's parser, independently
			// of Source's own check.
			if b, a := commentsOf(t, src), commentsOf(t, once); !slices.Equal(b, a) {
				t.Errorf("comments changed:\nbefore %q\nafter  %q", b, a)
			}
			for _, c := range commentsOf(t, src) {
				if !bytes.Contains(once, []byte(c)) {
					t.Errorf("comment %q is not in the output", c)
				}
			}
		})
	}
	if loaded < 20 {
		t.Errorf("only %d files of the corpus load: the corpus is not where it should be", loaded)
	}
}

func commentsOf(t testing.TB, src []byte) []string {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		t.Fatal(err)
	}
	return comments(&n)
}

func TestCanonicalLayout(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"flow list becomes block", "spec:\n  scopes: [openid, email]\n",
			"spec:\n  scopes:\n    - openid\n    - email\n"},
		{"empty list stays empty", "spec:\n  scopes: []\n", "spec:\n  scopes: []\n"},
		{"flow mapping becomes block", "spec:\n  editor: {version: \"1\", id: aiga}\n",
			"spec:\n  editor:\n    id: aiga\n    version: \"1\"\n"},
		{"comment of a flow list goes to its key", "spec:\n  scopes: [openid] # note\n",
			"spec:\n  scopes: # note\n    - openid\n"},
		{"four spaces become two", "spec:\n    platform: franceconnect\n    scopes:\n    - openid\n",
			"spec:\n  platform: franceconnect\n  scopes:\n    - openid\n"},
		{"top-level order", "spec: {}\nmetadata: {}\nkind: k\napiVersion: v\n",
			"apiVersion: v\nkind: k\nmetadata: {}\nspec: {}\n"},
		{"unknown keys last, in their order", "spec:\n  zz: 1\n  notes: n\n  aa: 2\n  platform: p\n",
			"spec:\n  platform: p\n  notes: n\n  zz: 1\n  aa: 2\n"},
		{"header stays on top", "# yaml-language-server: $schema=x\nkind: k\napiVersion: v\n",
			"# yaml-language-server: $schema=x\napiVersion: v\nkind: k\n"},
		{"foot comment stays last", "spec:\n  notes: n\n  platform: p\n  # fin\n",
			"spec:\n  platform: p\n  notes: n\n  # fin\n"},
		{"quotes kept", "a: \"4.2\"\nb: '0123'\nc: \"2027-03-01\"\nd: \"yes\"\ne: 2027-03-01\n",
			"a: \"4.2\"\nb: '0123'\nc: \"2027-03-01\"\nd: \"yes\"\ne: 2027-03-01\n"},
		{"document markers dropped", "---\na: b\n...\n", "a: b\n"},
		{"CRLF becomes LF", "a: b\r\nc: d # e\r\n", "a: b\nc: d # e\n"},
		{"keys of editor and reuseSubs", "spec:\n  reuseSubs: {clientId: c, from: f}\n  editor: {version: v, name: n, id: other}\n",
			"spec:\n  editor:\n    id: other\n    name: n\n    version: v\n  reuseSubs:\n    from: f\n    clientId: c\n"},
		{"long line not wrapped", "notes: " + strings.Repeat("mot ", 60) + "fin\n", "notes: " + strings.Repeat("mot ", 60) + "fin\n"},
		{"final line break of a literal block kept", "notes: |+\n  a\n\n", "notes: |+\n  a\n\n"},
		{"not a mapping", "- b\n- a\n", "- b\n- a\n"},
		{"comment of a key whose value is on the next line", "platform: # la plateforme\n  franceconnect\n",
			"platform: franceconnect # la plateforme\n"},
		{"two comments for one line", "platform: # la plateforme\n  franceconnect # FC\n",
			"# la plateforme\nplatform: franceconnect # FC\n"},
		{"comments of a key and of its flow list", "scopes: # clé\n  [openid] # liste\n",
			"scopes: # clé\n  # liste\n  - openid\n"},
		{"comment between a key and its value", "a:\n  # entre\n  1\nb: 2\n", "# entre\na: 1\nb: 2\n"},
		{"folded block with more indented lines becomes literal", "notes: >\n  a\n    b\n", "notes: |\n  a\n    b\n"},
		{"merge key text stays text, without a tag", "<<\n", "<<\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Source([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestRefused(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		message  string
	}{
		{"anchor", "a: &x 1\nb: *x\n", 1, "ancre"},
		{"duplicate key", "a: 1\nb: 2\na: 3\n", 3, "en double"},
		{"syntax", "a: [1, 2\n", 1, "syntaxe YAML"},
		{"two documents", "a: 1\n---\nb: 2\n", 2, "plusieurs documents"},
		{"empty", "", 1, "fichier vide"},
		{"tag", "a: !!str 1\n", 1, "étiquette"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Source([]byte(tt.in))
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("want *Error, got %v (output %q)", err, out)
			}
			if fe.Line != tt.line || !strings.Contains(fe.Message.FR, tt.message) {
				t.Errorf("got line %d %q, want line %d containing %q", fe.Line, fe.Message.FR, tt.line, tt.message)
			}
			if !strings.HasPrefix(fe.Error(), "") || strings.Contains(fe.Error(), "\n") {
				t.Errorf("error must be one line: %q", fe.Error())
			}
		})
	}
}

func TestChanged(t *testing.T) {
	canonical := "a: 1\n"
	if changed, out, err := Changed([]byte(canonical)); err != nil || changed || string(out) != canonical {
		t.Errorf("canonical input: changed=%v out=%q err=%v", changed, out, err)
	}
	if changed, out, err := Changed([]byte("a:   1\n")); err != nil || !changed || string(out) != canonical {
		t.Errorf("non-canonical input: changed=%v out=%q err=%v", changed, out, err)
	}
}

func TestEncode(t *testing.T) {
	doc := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{
		Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "kind", HeadComment: "# tête"},
			{Kind: yaml.ScalarNode, Value: "ServiceProvider"},
			{Kind: yaml.ScalarNode, Value: "apiVersion"},
			{Kind: yaml.ScalarNode, Value: "fsgate/v1"},
		},
	}}}
	got, err := Encode(doc)
	if err != nil {
		t.Fatal(err)
	}
	if want := "# tête\napiVersion: fsgate/v1\nkind: ServiceProvider\n"; string(got) != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	anchored := &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "x", Anchor: "a"}}}
	if _, err := Encode(anchored); err == nil {
		t.Error("a tree the loader refuses must be refused")
	}
}

// TestOrderFollowsSchema keeps the canonical order and the schema together:
// a field added to the schema gets its place here too.
func TestOrderFollowsSchema(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal(schema.Source(), &doc); err != nil {
		t.Fatal(err)
	}
	keys := func(pointer ...string) []string {
		n := doc.Content[0]
		for _, k := range pointer {
			n = mappingValue(n, k)
			if n == nil {
				t.Fatalf("schema has no %v", pointer)
			}
		}
		var out []string
		for i := 0; i < len(n.Content); i += 2 {
			out = append(out, n.Content[i].Value)
		}
		return out
	}
	for _, tt := range []struct {
		order   []string
		pointer []string
	}{
		{rootOrder, []string{"properties"}},
		{metadataOrder, []string{"properties", "metadata", "properties"}},
		{specOrder, []string{"properties", "spec", "properties"}},
		{editorOrder, []string{"properties", "spec", "properties", "editor", "properties"}},
		{reuseSubsOrder, []string{"properties", "spec", "properties", "reuseSubs", "properties"}},
	} {
		if got := keys(tt.pointer...); !slices.Equal(got, tt.order) {
			t.Errorf("%v: schema order %q, canonical order %q", tt.pointer, got, tt.order)
		}
	}
}

func mappingValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

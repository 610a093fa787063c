package cache

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/gen"
	"github.com/fsgate/fsgate/internal/locate"
)

const sampleDoc = `# a request
apiVersion: fsgate/v1
kind: ServiceProvider
metadata:
  name: lyon-portail
spec:
  platform: franceconnect-plus
  redirectUris:
    - https://a.example/cb
    - https://b.example/cb
  scopes: [openid, email]
  editor: {id: other, name: "X"}
  reuseSubs:
    from: franceconnect
`

// tricky holds what locate must get right and a copy of the tree could get
// wrong: duplicate keys (the last wins), keys that need escaping in a
// pointer, an empty key, numeric keys, a complex key, aliases (never
// followed), nested sequences and flow style.
const tricky = `a: 1
a: {b: 2, c: [x, y]}
"x/y": [1, [2, 3], {z: ~}]
"~": q
"~1": r
"": empty
"0": zero
"00": double-zero
? [complex, key]
: v
s: &anchor {k: v}
t: *anchor
u:
  - - deep
    - - deeper
  -
  - {}
  - []
`

func parse(t testing.TB, doc string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
		t.Fatal(err)
	}
	if len(n.Content) == 0 {
		return &n
	}
	return n.Content[0]
}

// pointers returns the pointer of every node under n, and around each one
// the pointers a finding could hold that do not exist: a missing child, an
// index out of range, an index not written canonically, escapes.
func pointers(n *yaml.Node, at string, out *[]string) {
	*out = append(*out, at,
		at+"/missing", at+"/0", at+"/1", at+"/99", at+"/-1", at+"/00", at+"/+0", at+"/01",
		at+"/", at+"/~0", at+"/~1", at+"/~01", at+"/~2", at+"/a~1b", at+"/x~1y")
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			pointers(n.Content[i+1], at+"/"+locate.Escape(n.Content[i].Value), out)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			pointers(c, at+"/"+strconv.Itoa(i), out)
		}
	}
}

// samePositions checks that the stored shape of root locates every pointer
// where locate.Position on root does, for both targets.
func samePositions(t *testing.T, name string, root *yaml.Node) {
	t.Helper()
	w := &writer{}
	if err := encodeShape(w, root, 0); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	p := &Positions{shape: string(w.buf)}
	var ptrs []string
	pointers(root, "", &ptrs)
	ptrs = append(ptrs, "x", "/", "//", "~", "/~", "/a/", "/a//")
	for _, ptr := range ptrs {
		for _, target := range []locate.Target{locate.AtValue, locate.AtKey} {
			wl, wc := locate.Position(root, ptr, target)
			gl, gc := p.Position(ptr, target)
			if gl != wl || gc != wc {
				t.Errorf("%s: %q (target %d) at %d:%d from the cache, %d:%d from the tree", name, ptr, target, gl, gc, wl, wc)
			}
		}
	}
}

func TestPositionsMatchLocate(t *testing.T) {
	samePositions(t, "sample", parse(t, sampleDoc))
	samePositions(t, "tricky", parse(t, tricky))
	samePositions(t, "scalar document", parse(t, "just text\n"))
	samePositions(t, "sequence document", parse(t, "- a\n- [b, c]\n"))
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(tricky), &doc); err != nil {
		t.Fatal(err)
	}
	samePositions(t, "document node", &doc)
	// Not from the parser: a mapping with an odd number of nodes, which
	// locate reads in pairs from the end.
	odd := parse(t, "k: v\nl: w\n")
	odd.Content = odd.Content[1:]
	samePositions(t, "odd mapping", odd)

	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 30 {
		_, src := gen.Request(rng, i)
		samePositions(t, "generated "+strconv.Itoa(i), parse(t, string(src)))
	}
	files, _ := filepath.Glob("../validate/testdata/*/*.yaml")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var n yaml.Node
		if yaml.Unmarshal(src, &n) != nil || len(n.Content) == 0 {
			continue // not YAML: no tree, nothing to locate
		}
		samePositions(t, f, n.Content[0])
	}
}

// TestDeepDocumentIsNotCached: nesting beyond maxShapeDepth (refused by the
// loader anyway) is not stored rather than stored partly.
func TestDeepDocumentIsNotCached(t *testing.T) {
	doc := ""
	for range maxShapeDepth + 2 {
		doc += "["
	}
	for range maxShapeDepth + 2 {
		doc += "]"
	}
	if _, err := encodeEntry(nil, nil, parse(t, doc)); err == nil {
		t.Error("a document deeper than maxShapeDepth was stored")
	}
	w := &writer{}
	if err := encodeShape(w, parse(t, doc[2:len(doc)-2]), 0); err != nil {
		t.Errorf("a document of maxShapeDepth: %v", err)
	}
}

// TestPositionsOfDamagedShape: a shape that does not decode (impossible
// behind the index's CRC) locates everything at 1:1, like an unparsed file,
// without panicking.
func TestPositionsOfDamagedShape(t *testing.T) {
	w := &writer{}
	if err := encodeShape(w, parse(t, sampleDoc), 0); err != nil {
		t.Fatal(err)
	}
	for i := range len(w.buf) {
		for _, shape := range []string{string(w.buf[:i]), string(w.buf) + "x"} {
			p := &Positions{shape: shape}
			if l, c := p.Position("/spec/redirectUris/1", locate.AtValue); l != 1 || c != 1 {
				t.Fatalf("damaged shape %q: %d:%d", shape, l, c)
			}
		}
	}
}

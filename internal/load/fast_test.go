package load

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/gen"
)

// treeDiff describes the first difference between two node trees, or
// returns "". Comments are not compared: the fast parser does not keep
// them, and nothing that reads its trees looks at them.
func treeDiff(got, want *yaml.Node) string {
	if got == nil || want == nil {
		if got != want {
			return fmt.Sprintf("node %v, want %v", got, want)
		}
		return ""
	}
	g := fmt.Sprintf("kind %d tag %q style %d value %q anchor %q at %d:%d children %d",
		got.Kind, got.Tag, got.Style, got.Value, got.Anchor, got.Line, got.Column, len(got.Content))
	w := fmt.Sprintf("kind %d tag %q style %d value %q anchor %q at %d:%d children %d",
		want.Kind, want.Tag, want.Style, want.Value, want.Anchor, want.Line, want.Column, len(want.Content))
	if g != w {
		return fmt.Sprintf("got %s, want %s", g, w)
	}
	for i := range got.Content {
		if d := treeDiff(got.Content[i], want.Content[i]); d != "" {
			return d
		}
	}
	return ""
}

// yamlV3Root is what yaml.v3 reads from src: the root node, or nil when it
// refuses src or src is not a single document.
func yamlV3Root(src []byte) *yaml.Node {
	root, err := parseStream(src)
	if err != nil {
		return nil
	}
	return root
}

// agrees checks the fast parser against yaml.v3 on src: where it accepts
// a file, it must build yaml.v3's tree.
func agrees(t *testing.T, name string, src []byte) (accepted bool) {
	t.Helper()
	fast, slabs := parseFast(src)
	if fast == nil {
		return false
	}
	// Handed back once compared: the next file's tree reuses the memory,
	// so every test and fuzz input after the first also checks that a
	// reused slab leaves nothing of the tree before.
	defer slabs.release()
	want := yamlV3Root(src)
	if want == nil {
		t.Errorf("%s: the fast parser accepts what yaml.v3 refuses:\n%s", name, src)
		return true
	}
	if d := treeDiff(fast, want); d != "" {
		t.Errorf("%s: %s\n%s", name, d, src)
	}
	return true
}

func TestFastParserAgrees(t *testing.T) {
	tests := []struct {
		name   string
		src    string
		accept bool // whether the fast parser should take it rather than yaml.v3
	}{
		{"request", "apiVersion: fsgate/v1\nkind: ServiceProvider\nmetadata:\n  name: a-b\n", true},
		{"comments everywhere", "# head\na: 1 # line\n# between\nb:\n  # above\n  - x # item\n\n# foot\n", true},
		{"indented sequence", "a:\n  - x\n  - y\nb: z\n", true},
		{"indentless sequence", "a:\n- x\n- y\nb: z\n", true},
		{"sequence of mappings", "a:\n  - id: x\n    n: 1\n  - id: y\n", true},
		{"indentless sequence of mappings", "a:\n- id: x\n  n: 1\nb: 2\n", true},
		{"nested sequence in an item", "a:\n  - k:\n    - x\n    - y\n    j: 2\n", true},
		{"deep mappings", "a:\n  b:\n    c:\n      d: e\n  f: g\n", true},
		{"flow sequence", "a: [x, y,  z]\n", true},
		{"flow sequence, no spaces", "a: [x,y]\n", true},
		{"empty flow sequence", "a: []\nb: [ ]\n", true},
		{"flow sequence with comment", "a: [x] # c\n", true},
		{"flow sequence quoted", "a: [\"x\", 'y', z]\n", true},
		{"quoted", "a: \"x y\"\nb: 'it''s'\nc: ''\nd: \"\"\n", true},
		{"quoted then comment", "a: \"x\" # c\n", true},
		{"accents", "a: Drôme - Hôtel de ville\nb: [é, ü]\nc: 'ça'\n", true},
		{"accented flow item columns", "a: [éé, x]\n", true},
		{"plain with inner specials", "a: x,y [z] {w} \"q\" 'r' a:b a#b !x &y *z %p @q `r`\n", true},
		{"plain ends before comment", "a: x  # c\n", true},
		{"question mark in a plain value", "a: x?y\nb: ?x\n", false},
		{"question mark inside a plain value", "a: x?y\nb: [x, y ]\n", true},
		{"url", "a: https://x.fr/a?b=c#frag\n", true},
		{"numbers and words", "a: 123456\nb: -1.5\nc: 0x1F\nd: 01000\ne: 1_000\nf: .5\ng: 0b101\nh: 0o17\ni: -0b1\nj: +12\n", true},
		{"leading zeros", "a: 0129\nb: 0127\nc: 00\nd: 0\ne: 1234567890123456789012\nf: 0x\ng: 1e3\nh: 1.\n", true},
		{"specials", "a: true\nb: False\nc: ~\nd: null\ne: .inf\nf: -.INF\ng: .NaN\nh: yes\ni: on\nj: <<\n", true},
		{"dates", "a: 2027-03-01\nb: 2027-3-1\nc: 2027-03-01T10:00:00Z\nd: 2027-03-01 10:00:00\ne: 2027-13-45\nf: 20270301\n", true},
		{"addresses", "a: 203.0.113.10\nb: 198.51.100.0/28\nc: 2001:db8::1\nd: 1.5.6\n", true},
		{"key words", "true: 1\nnull: 2\non: 3\ny: 4\nk-e_y9: 5\n", true},
		{"trailing spaces", "a: x   \nb:    y\n", true},
		{"no final newline", "a: x", true},
		{"value far right", "a:        x\n", true},
		{"key then comment", "a: # c\n  b: 1\n", true},

		// Left to yaml.v3.
		{"empty value", "a:\nb: 1\n", false},
		{"empty value at the end", "a: 1\nb:\n", false},
		{"null item", "a:\n  -\n  - x\n", false},
		{"literal block", "a: |\n  x\n", false},
		{"folded block", "a: >\n  x\n", false},
		{"multi-line plain", "a: x\n  y\n", false},
		{"multi-line item", "a:\n  - x\n    y\n", false},
		{"multi-line quoted", "a: \"x\n  y\"\n", false},
		{"escape", "a: \"x\\ty\"\n", false},
		{"anchor", "a: &x 1\nb: *x\n", false},
		{"tag", "a: !!str 1\n", false},
		{"flow mapping", "a: {b: 1}\n", false},
		{"multi-line flow", "a: [x,\n  y]\n", false},
		{"trailing comma", "a: [x, ]\n", false},
		{"flow url", "a: [https://x]\n", false},
		{"question mark in a flow item", "a: [0?]\nb: [x?y]\n", false},
		{"document marker", "---\na: 1\n", false},
		{"two documents", "a: 1\n---\nb: 2\n", false},
		{"directive", "%YAML 1.2\n---\na: 1\n", false},
		{"tab", "a:\tx\n", false},
		{"crlf", "a: x\r\nb: y\r\n", false},
		{"bom", "\ufeffa: x\n", false},
		{"next line", "a: x\u0085b: y\n", false},
		{"indented root", "  a: 1\n", false},
		{"scalar root", "x\n", false},
		{"sequence root", "- x\n", false},
		{"quoted key", "\"a\": 1\n", false},
		{"numeric key", "1: x\n", false},
		{"mapping in a value", "a: b: c\n", false},
		{"colon at the end", "a: b:\n", false},
		{"bad indentation", "a:\n    b: 1\n  c: 2\n", false},
		{"more indented key", "a: 1\n  b: 2\n", false},
		{"dash value", "a: -x\n", false},
		{"nested sequence", "a:\n  - - x\n", false},
		{"junk after quote", "a: \"x\" y\n", false},
		{"comment glued to quote", "a: \"x\"# c\n", false},
		{"key without space", "a:b\n", false},
		{"empty document", "# only a comment\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if accepted := agrees(t, tt.name, []byte(tt.src)); accepted != tt.accept {
				t.Errorf("fast parser accepted = %v, want %v", accepted, tt.accept)
			}
		})
	}
}

// TestFastParserOnCorpora: every test file, example and generated request
// the fast parser accepts gives yaml.v3's tree; and it accepts every
// example and every generated file (else it would not be the fast path).
func TestFastParserOnCorpora(t *testing.T) {
	files, _ := filepath.Glob("../validate/testdata/*/*.yaml")
	examples, _ := filepath.Glob("../../providers/*/*/*.yaml")
	root := t.TempDir()
	if err := gen.Write(root, gen.Options{N: 300, Seed: 7, InvalidShare: 0.2}); err != nil {
		t.Fatal(err)
	}
	generated, _ := filepath.Glob(filepath.Join(root, "providers/*/*/*.yaml"))
	accepted := 0
	for _, group := range [][]string{files, examples, generated} {
		for _, p := range group {
			src, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if agrees(t, p, src) {
				accepted++
			}
		}
	}
	for _, p := range append(examples, generated...) {
		src, _ := os.ReadFile(p)
		if root, _ := parseFast(src); root == nil {
			t.Errorf("%s: left to yaml.v3", p)
		}
	}
	t.Logf("fast parser took %d of %d files", accepted, len(files)+len(examples)+len(generated))
}

// FuzzFastParser holds the fast parser to yaml.v3 on any input: it may
// decline a file, never read it differently.
func FuzzFastParser(f *testing.F) {
	for _, s := range []string{
		"a: 1\nb:\n  - x\n  - k: v\n    j: [a, 'b', \"c\"]\n",
		"a:\n- x\nb: 2027-03-01 # c\n",
		"apiVersion: fsgate/v1\nspec:\n  ipAddresses: [203.0.113.10, 198.51.100.0/28]\n  displayName: 'Ville d''Arles'\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > MaxSize || !utf8.Valid(src) {
			return
		}
		agrees(t, "input", src)
	})
}

// TestRelease: a released tree's memory goes to the next file's tree,
// while the first file's value (its strings) stays as it was; a document
// yaml.v3 read has nothing to hand back.
func TestRelease(t *testing.T) {
	first := []byte("a: one\nb:\n  - x\n  - y\n")
	second := []byte("c: three\nd: [z]\n")
	doc, _ := Parse(first)
	if doc.slabs == nil {
		t.Fatal("the fast parser did not read the first file")
	}
	value := fmt.Sprint(doc.Value)
	doc.Release()
	if doc.Root != nil {
		t.Error("Root kept after Release")
	}
	for range 3 { // the pool may hand back the same slabs or others
		next, _ := Parse(second)
		if d := treeDiff(next.Root, yamlV3Root(second)); d != "" {
			t.Fatalf("the tree after a release: %s", d)
		}
		next.Release()
	}
	if got := fmt.Sprint(doc.Value); got != value {
		t.Errorf("value after release = %s, want %s", got, value)
	}
	literal, _ := Parse([]byte("a: |\n  x\n"))
	if literal.slabs != nil {
		t.Fatal("a block scalar went through the fast parser")
	}
	literal.Release()
}

// BenchmarkLongAccentedFlowLine: a 64 KiB line of 16,000 accented flow
// items. Each item's column is counted on from the previous one: counting
// from the line's start made this file take 1.3 s (now ~10 ms).
func BenchmarkLongAccentedFlowLine(b *testing.B) {
	src := []byte("a: [" + strings.Repeat("é, ", 16000) + "é]\n")
	if root, _ := parseFast(src); root == nil {
		b.Fatal("the fast parser declined the file")
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		doc, _ := Parse(src)
		doc.Release()
	}
}

// plainTextBytewise is plainText without its eight-byte steps, a
// character at a time as it was first written: the reference for them.
func plainTextBytewise(src []byte) bool {
	for i := 0; i < len(src); {
		size, ok := plainChar(src[i:])
		if !ok {
			return false
		}
		i += size
	}
	return true
}

// TestPlainTextWords: every byte value, at every offset of a word, with
// printable ASCII around it, is judged as a byte at a time.
func TestPlainTextWords(t *testing.T) {
	for b := range 256 {
		for at := range 17 {
			src := []byte("abcdefgh ~ 01234567 !\"#$%&'")
			src = append(src[:at:at], append([]byte{byte(b)}, src[at:]...)...)
			if got, want := plainText(src), plainTextBytewise(src); got != want {
				t.Errorf("byte %#x at %d: plainText = %v, want %v", b, at, got, want)
			}
		}
	}
}

func FuzzPlainText(f *testing.F) {
	f.Add([]byte("apiVersion: fsgate/v1\n  displayName: Mairie d'Évry\u2028\x7f\t"))
	f.Fuzz(func(t *testing.T, src []byte) {
		if got, want := plainText(src), plainTextBytewise(src); got != want {
			t.Errorf("plainText(%q) = %v, want %v", src, got, want)
		}
	})
}

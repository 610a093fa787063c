package load

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseValues(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want any
	}{
		{"unquoted date stays text", "d: 2027-03-01\n", map[string]any{"d": "2027-03-01"}},
		{"integer", "q: 123456\n", map[string]any{"q": json.Number("123456")}},
		{"negative float", "q: -1.5e3\n", map[string]any{"q": json.Number("-1.5e3")}},
		{"quoted leading zero stays text", "q: \"0123\"\n", map[string]any{"q": "0123"}},
		{"booleans", "a: true\nb: False\n", map[string]any{"a": true, "b": false}},
		{"yes is text in YAML 1.2", "a: yes\nb: on\n", map[string]any{"a": "yes", "b": "on"}},
		{"null forms", "a: ~\nb: null\nc:\n", map[string]any{"a": nil, "b": nil, "c": nil}},
		{"version quoted", "v: \"4.2\"\n", map[string]any{"v": "4.2"}},
		{"flow and block lists", "a: [x, y]\nb:\n  - z\n", map[string]any{"a": []any{"x", "y"}, "b": []any{"z"}}},
		{"literal block", "n: |\n  ligne 1\n  ligne 2\n", map[string]any{"n": "ligne 1\nligne 2\n"}},
		{"numeric key is text", "1: x\n", map[string]any{"1": "x"}},
		{"hex client id", "c: 211286433e39cce01db448d80181bdfd\n", map[string]any{"c": "211286433e39cce01db448d80181bdfd"}},
		{"utf-8 bom", "\ufeffa: b\n", map[string]any{"a": "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, problems := Parse([]byte(tt.src))
			if len(problems) != 0 {
				t.Fatalf("problems: %+v", problems)
			}
			if !doc.Valid || !reflect.DeepEqual(doc.Value, tt.want) {
				t.Errorf("value = %#v, want %#v", doc.Value, tt.want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		fatal     bool   // the value must not be trusted
		message   string // part of the English message
	}{
		{"empty", "", 1, 1, true, "empty file"},
		{"comments only", "# rien\n", 1, 1, true, "empty file"},
		{"explicit null document", "---\n~\n", 1, 1, true, "empty document"},
		{"duplicate key", "a: 1\nb: 2\na: 3\n", 3, 1, true, "duplicate key “a” (already defined on line 1)"},
		{"nested duplicate", "s:\n  x: 1\n  x: 2\n", 3, 3, true, "duplicate key “x”"},
		{"anchor", "a: &x 1\n", 1, 4, true, "anchor “&x”"},
		{"alias", "a: 1\nb: *x\n", 0, 0, true, ""}, // unknown anchor: a syntax error
		{"alias to anchor", "a: &x 1\nb: *x\n", 2, 4, true, "alias “*x”"},
		{"merge key", "a: &x {k: 1}\nb:\n  <<: *x\n", 3, 3, true, "merge key"},
		{"tag", "a: !!str 1\n", 1, 4, true, "YAML tag “!!str”"},
		{"custom tag", "a: !secret x\n", 1, 4, true, "YAML tag “!secret”"},
		{"tag on mapping", "a: !!map {k: v}\n", 1, 4, true, "YAML tag"},
		{"second document", "a: 1\n---\nb: 2\n", 2, 1, true, "several documents"},
		{"complex key", "? [a, b]\n: c\n", 1, 3, true, "complex key"},
		{"octal-looking number", "q: 01000\n", 1, 4, false, "ambiguous number “01000”"},
		{"underscore number", "q: 1_000\n", 1, 4, false, "ambiguous number"},
		{"phone-like number", "q: +33612345678\n", 1, 4, false, "ambiguous number"},
		{"infinity", "q: .inf\n", 1, 4, false, "ambiguous number"},
		{"hex number", "q: 0x1F\n", 1, 4, false, "ambiguous number"},
		{"tab indentation", "a:\n\tb: 1\n", 2, 1, true, "a tab?"},
		{"colon in value", "a: b: c\n", 1, 5, true, "quote a value that contains “:”"},
		{"unclosed quote", "a: \"b\nc: d\n", 0, 0, true, "unclosed quote"},
		{"invalid utf-8", "a: \xff\n", 1, 4, true, "not UTF-8"},
		{"invalid utf-8 second line", "a: b\nc: d\xc3\n", 2, 5, true, "not UTF-8"},
		{"too deep", "a: " + strings.Repeat("[", 17) + strings.Repeat("]", 17) + "\n", 1, 19, true, "nesting too deep"},
		{"too large", "a: \"" + strings.Repeat("x", MaxSize) + "\"\n", 1, 1, true, "file too large"},
		{"control character", "a: b\x01c\n", 0, 0, true, "control character"},
		{"long list", "a: b\nc: [" + strings.Repeat("x, ", MaxItems) + "x]\n", 2, 4, true, "list of 1001 items: 1000 at most"},
		{"long block list", "c:\n" + strings.Repeat("  - x\n", MaxItems+1), 2, 3, true, "list of 1001 items"},
		{"many keys", "a:\n" + manyKeys(MaxItems+1), 2, 3, true, "1001 keys in one block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, problems := Parse([]byte(tt.src))
			if len(problems) == 0 {
				t.Fatal("no problem reported")
			}
			p := problems[0]
			for _, q := range problems {
				if strings.Contains(q.Message.EN, tt.message) {
					p = q
					break
				}
			}
			if p.Rule != Rule || p.Severity != "error" {
				t.Errorf("rule/severity = %s/%s", p.Rule, p.Severity)
			}
			if tt.line != 0 && (p.Line != tt.line || p.Column != tt.col) {
				t.Errorf("position = %d:%d, want %d:%d (%s)", p.Line, p.Column, tt.line, tt.col, p.Message.EN)
			}
			if p.Line < 1 || p.Column < 1 {
				t.Errorf("position %d:%d is not 1-based", p.Line, p.Column)
			}
			if !strings.Contains(p.Message.EN, tt.message) {
				t.Errorf("message %q does not contain %q", p.Message.EN, tt.message)
			}
			if p.Message.FR == "" || p.Message.FR == p.Message.EN {
				t.Errorf("French message missing: %+v", p.Message)
			}
			if doc.Valid == tt.fatal {
				t.Errorf("Valid = %v, want %v", doc.Valid, !tt.fatal)
			}
		})
	}
}

func TestAliasBombGivesOneFindingPerKind(t *testing.T) {
	src := billionLaughs()
	_, problems := Parse(src)
	if len(problems) != 2 {
		t.Fatalf("got %d findings, want 2 (one anchor, one alias): %+v", len(problems), problems)
	}
	if !strings.Contains(problems[1].Message.EN, "and 71 more") {
		t.Errorf("alias finding does not count the others: %s", problems[1].Message.EN)
	}
}

func TestSecretNotEchoed(t *testing.T) {
	secret := "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a"
	_, problems := Parse([]byte("a: &" + secret + " x\n"))
	for _, p := range problems {
		if strings.Contains(p.Message.FR+p.Message.EN, secret[:20]) {
			t.Errorf("message echoes the secret: %s", p.Message.EN)
		}
	}
}

// manyKeys writes n keys of a block mapping at indentation 2.
func manyKeys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "  k%d: x\n", i)
	}
	return b.String()
}

func billionLaughs() []byte {
	var b strings.Builder
	b.WriteString(`a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
	prev := "a"
	for _, name := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString(name + ": &" + name + " [" + strings.Repeat("*"+prev+",", 8) + "*" + prev + "]\n")
		prev = name
	}
	return []byte(b.String())
}

// FuzzParse: whatever the bytes, Parse returns (never panics, never hangs),
// every finding is located, and a valid document has a value.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob("../validate/testdata/*/*.yaml")
	for _, s := range seeds {
		if src, err := os.ReadFile(s); err == nil && len(src) <= 4096 {
			f.Add(src)
		}
	}
	f.Add(billionLaughs())
	f.Add([]byte(strings.Repeat("[", 20000)))
	f.Add([]byte("a: &x {k: 1}\nb:\n  <<: *x\n"))
	f.Add([]byte("a: !!binary aGVsbG8=\n---\nb: 1\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, problems := Parse(src)
		for _, p := range problems {
			if p.Line < 1 || p.Column < 1 || p.Message.FR == "" || p.Message.EN == "" {
				t.Fatalf("bad finding %+v", p)
			}
		}
		if doc.Valid && doc.Root == nil {
			t.Fatal("valid document without a root")
		}
		// The fast path must agree with the stream parser.
		if len(src) <= MaxSize && !hasLaterDocumentMarker(src) {
			fast, _, fastErr := parseSingle(src)
			slow, slowErr := parseStream(src)
			if (fastErr == nil) != (slowErr == nil) {
				t.Fatalf("fast %v, stream %v", fastErr, slowErr)
			}
			if fastErr == nil {
				if diff := treeDiff(fast, slow); diff != "" {
					t.Fatalf("trees differ: %s", diff)
				}
			}
		}
	})
}

// BenchmarkParseRequest: a 30-line request loaded (tree and value), by the
// fast parser and, for comparison, by yaml.v3 (the stream path, which a
// file outside the fast parser's subset takes).
func BenchmarkParseRequest(b *testing.B) {
	src, err := os.ReadFile("../validate/testdata/valid/fcp-production-ecdh.yaml")
	if err != nil {
		b.Fatal(err)
	}
	if root, _ := parseFast(src); root == nil {
		b.Fatal("the request is outside the fast parser's subset")
	}
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		b.ReportAllocs()
		for b.Loop() {
			doc, _ := Parse(src)
			doc.Release() // as the engine does once a file is checked
		}
	})
	b.Run("yaml.v3", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		b.ReportAllocs()
		for b.Loop() {
			root, _ := parseStream(src)
			bd := builder{}
			bd.value(root, 1)
		}
	})
}

// BenchmarkBillionLaughs shows the alias bomb costs no more than its bytes:
// aliases are never expanded.
func BenchmarkBillionLaughs(b *testing.B) {
	src := billionLaughs()
	b.ReportAllocs()
	for b.Loop() {
		Parse(src)
	}
}

// TestFastPathAgrees: the byte-slice parser used for single-document files
// gives the same tree and the same findings as the stream parser, on every
// test file.
func TestFastPathAgrees(t *testing.T) {
	files, _ := filepath.Glob("../validate/testdata/*/*.yaml")
	more, _ := filepath.Glob("../../providers/*/*/*.yaml")
	for _, p := range append(files, more...) {
		src, err := os.ReadFile(p)
		if err != nil || len(src) > MaxSize || hasLaterDocumentMarker(src) {
			continue
		}
		fast, _, fastErr := parseSingle(src)
		slow, slowErr := parseStream(src)
		if (fastErr == nil) != (slowErr == nil) {
			t.Errorf("%s: fast %v, stream %v", p, fastErr, slowErr)
			continue
		}
		if fastErr != nil {
			if fastErr.msg != slowErr.msg || fastErr.line != slowErr.line {
				t.Errorf("%s: fast %+v, stream %+v", p, fastErr, slowErr)
			}
			continue
		}
		if diff := treeDiff(fast, slow); diff != "" {
			t.Errorf("%s: trees differ: %s", p, diff)
		}
	}
}

func TestDocumentMarkers(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"a: 1\n", false},
		{"---\na: 1\n", false},
		{"# c\n---\na: 1\n", false},
		{"a: 1\n---\nb: 2\n", true},
		{"a: 1\n...\n", true},
		{"a: |\n  ---\n", false}, // indented: inside the scalar
	}
	for _, tt := range tests {
		if got := hasLaterDocumentMarker([]byte(tt.src)); got != tt.want {
			t.Errorf("%q: %v, want %v", tt.src, got, tt.want)
		}
	}
}

// BenchmarkSyntaxErrorAtTheEnd: locating an error at the end of a 64 KiB
// file of short lines takes a few parses (binary search), not one per line.
func BenchmarkSyntaxErrorAtTheEnd(b *testing.B) {
	src := []byte(strings.Repeat("a: 1\n", (MaxSize-100)/5) + "b: c: d\n")
	b.ReportAllocs()
	for b.Loop() {
		if _, problems := Parse(src); len(problems) != 1 || problems[0].Line != (MaxSize-100)/5+1 {
			b.Fatalf("%+v", problems)
		}
	}
}

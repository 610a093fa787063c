package jsontext

import (
	"bytes"
	"encoding/json"
	"testing"
)

// hostile are strings encoding/json escapes in some way.
var hostile = []string{
	"", "plain", `quote " and backslash \`, "<script>&amp;</script>", "tab\tnew\nline\rret\bback\fform",
	"\x00\x01\x1f\x7f", "bidi \u202e and zero width \u200b", "line \u2028 paragraph \u2029",
	"invalid \xff\xfe utf-8 \xc3", "accents éàç 東京 🚀", "\u00a0nbsp",
}

// encodingJSON is the reference: s through json.Encoder.
func encodingJSON(t *testing.T, s string, escapeHTML bool) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func TestAppendString(t *testing.T) {
	for _, s := range hostile {
		for _, html := range []bool{false, true} {
			if got, want := AppendString([]byte("prefix"), s, html), append([]byte("prefix"), encodingJSON(t, s, html)...); !bytes.Equal(got, want) {
				t.Errorf("AppendString(%q, %v) = %s, want %s", s, html, got, want)
			}
		}
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range hostile {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, escapeHTML bool) {
		if got, want := AppendString(nil, s, escapeHTML), encodingJSON(t, s, escapeHTML); !bytes.Equal(got, want) {
			t.Errorf("AppendString(%q, %v) = %s, want %s", s, escapeHTML, got, want)
		}
	})
}

package export

import (
	"strconv"
	"unicode/utf8"
)

// appendDocument appends the JSON of a document exactly as encode writes
// it (encoding/json, two-space indentation, no HTML escaping, a trailing
// newline), without reflection: the export encodes one document per
// service provider, and encoding/json's marshal-then-indent was most of
// its time. TestAppendDocumentMatchesEncodingJSON and FuzzAppendString
// hold the two encodings byte-identical.
func appendDocument(b []byte, d *Document) []byte {
	w := jsonWriter{b: b}
	w.open('{')
	w.key("client")
	w.open('{')
	for _, f := range clientFields {
		switch v := f.get(&d.Client).(type) {
		case string:
			if v == "" && omitted[f.name] {
				continue
			}
			w.key(f.name)
			w.b = appendString(w.b, v)
		case []string:
			w.key(f.name)
			if v == nil {
				w.b = append(w.b, "null"...)
				continue
			}
			w.open('[')
			for _, s := range v {
				w.item()
				w.b = appendString(w.b, s)
			}
			w.close(']')
		case bool:
			w.key(f.name)
			w.b = strconv.AppendBool(w.b, v)
		case int:
			w.key(f.name)
			w.b = strconv.AppendInt(w.b, int64(v), 10)
		}
	}
	w.close('}')
	w.key("id")
	w.b = appendString(w.b, d.ID)
	w.key("source")
	w.open('{')
	w.key("path")
	w.b = appendString(w.b, d.Source.Path)
	w.key("sha256")
	w.b = appendString(w.b, d.Source.SHA256)
	w.close('}')
	w.close('}')
	return append(w.b, '\n')
}

// jsonWriter writes indented JSON: it knows the depth and whether the
// current object or array has an element yet.
type jsonWriter struct {
	b     []byte
	empty []bool // per open object or array: no element yet
}

func (w *jsonWriter) open(c byte) {
	w.b = append(w.b, c)
	w.empty = append(w.empty, true)
}

func (w *jsonWriter) close(c byte) {
	empty := w.empty[len(w.empty)-1]
	w.empty = w.empty[:len(w.empty)-1]
	if !empty {
		w.newline()
	}
	w.b = append(w.b, c)
}

// item starts an element of the current array or object.
func (w *jsonWriter) item() {
	if !w.empty[len(w.empty)-1] {
		w.b = append(w.b, ',')
	}
	w.empty[len(w.empty)-1] = false
	w.newline()
}

func (w *jsonWriter) key(k string) {
	w.item()
	w.b = appendString(w.b, k)
	w.b = append(w.b, ':', ' ')
}

func (w *jsonWriter) newline() {
	w.b = append(w.b, '\n')
	for range w.empty {
		w.b = append(w.b, ' ', ' ')
	}
}

const hexDigits = "0123456789abcdef"

// appendString appends s as encoding/json writes a string without HTML
// escaping: '"' and '\\' escaped, control characters as \b \f \n \r \t or
// \u00XX, U+2028 and U+2029 as \u2028 and \u2029, invalid UTF-8 as
// \ufffd.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

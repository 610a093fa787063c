// Package jsontext writes JSON strings byte for byte as encoding/json
// does, for the writers that build their documents by hand (the export's
// documents, the json report) because encoding/json's reflection and
// indentation pass were most of their time.
package jsontext

import "unicode/utf8"

// AppendString appends s quoted as encoding/json writes a string: '"' and
// '\\' escaped, control characters as \b \f \n \r \t or \u00XX, U+2028
// and U+2029 as \u2028 and \u2029, invalid UTF-8 as \ufffd, and, when
// escapeHTML is set (json.Marshal, and json.Encoder unless told
// otherwise), '<', '>' and '&' as \u003c, \u003e and \u0026.
func AppendString(b []byte, s string, escapeHTML bool) []byte {
	plain := &plainASCII
	if escapeHTML {
		plain = &plainASCIINoHTML
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plain[c] {
			i++
			continue
		}
		if c < utf8.RuneSelf {
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
			default: // other controls, and <, >, & when escaping HTML
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

const hexDigits = "0123456789abcdef"

// plainASCII are the bytes encoding/json copies as they are when it does
// not escape HTML: printable ASCII but '"' and '\\'. Bytes from 0x80 are
// not plain: they start a UTF-8 sequence, checked rune by rune.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plainASCIINoHTML is plainASCII without '<', '>' and '&'.
var plainASCIINoHTML = func() (t [256]bool) {
	t = plainASCII
	t['<'], t['>'], t['&'] = false, false, false
	return t
}()

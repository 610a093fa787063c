package export

import (
	"maps"
	"slices"
	"strconv"
	"unicode/utf8"
)

// appendDocument appends the JSON of a document exactly as encode writes
// it (encoding/json, two-space indentation, no HTML escaping, a trailing
// newline), without reflection and without allocating beyond b's growth:
// the export encodes one document per service provider, and encoding/json's
// marshal-then-indent was most of its time. Every field is written by name,
// in the byte order of the JSON names (the order of Client's fields).
// TestAppendDocumentMatchesEncodingJSON (every field set, every field
// empty, hostile strings) and FuzzAppendString hold the two encodings
// byte-identical.
func appendDocument(b []byte, d *Document) []byte {
	w := jsonWriter{b: b}
	w.open('{')
	w.key("client")
	w.open('{')
	c := &d.Client
	w.stringsField("IPServerAddressesAndRanges", c.IPServerAddressesAndRanges)
	w.boolField("active", c.Active)
	w.stringsField("claims", c.Claims)
	w.intField("eidas", c.Eidas)
	w.stringField("email", c.Email)
	w.optionalField("entityId", c.EntityID)
	w.stringField("id_token_encrypted_response_alg", c.IDTokenEncryptedResponseAlg)
	w.stringField("id_token_encrypted_response_enc", c.IDTokenEncryptedResponseEnc)
	w.stringField("id_token_signed_response_alg", c.IDTokenSignedResponseAlg)
	w.boolField("identityConsent", c.IdentityConsent)
	w.boolField("idpFilterExclude", c.IdpFilterExclude)
	w.stringsField("idpFilterList", c.IdpFilterList)
	w.optionalField("jwks_uri", c.JWKSURI)
	w.stringField("name", c.Name)
	w.optionalField("platform", c.Platform)
	w.stringsField("post_logout_redirect_uris", c.PostLogoutRedirectURIs)
	w.stringsField("redirect_uris", c.RedirectURIs)
	w.stringsField("rep_scope", c.RepScope)
	w.stringsField("scopes", c.Scopes)
	w.optionalField("sector_identifier_uri", c.SectorIdentifierURI)
	w.stringField("signup_id", c.SignupID)
	w.stringsField("site", c.Site)
	w.stringField("title", c.Title)
	w.stringField("type", c.Type)
	w.stringField("userinfo_encrypted_response_alg", c.UserinfoEncryptedResponseAlg)
	w.stringField("userinfo_encrypted_response_enc", c.UserinfoEncryptedResponseEnc)
	w.stringField("userinfo_signed_response_alg", c.UserinfoSignedResponseAlg)
	w.close('}')
	w.stringField("id", d.ID)
	w.key("source")
	w.open('{')
	w.stringField("path", d.Source.Path)
	w.stringField("sha256", d.Source.SHA256)
	w.close('}')
	w.close('}')
	return append(w.b, '\n')
}

// appendManifest appends the JSON of a manifest exactly as encode writes
// it, without reflection: a manifest lists every document, 10,000 entries
// in a large export. TestAppendManifestMatchesEncodingJSON holds the two
// encodings byte-identical.
func appendManifest(b []byte, m *Manifest) []byte {
	w := jsonWriter{b: b}
	w.open('{')
	w.optionalField("commit", m.Commit)
	w.key("counts")
	if m.Counts == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('{')
		for _, platform := range slices.Sorted(maps.Keys(m.Counts)) {
			w.key(platform)
			envs := m.Counts[platform]
			if envs == nil {
				w.b = append(w.b, "null"...)
				continue
			}
			w.open('{')
			for _, env := range slices.Sorted(maps.Keys(envs)) {
				w.intField(env, envs[env])
			}
			w.close('}')
		}
		w.close('}')
	}
	w.key("documents")
	if m.Documents == nil {
		w.b = append(w.b, "null"...)
	} else {
		w.open('[')
		for _, d := range m.Documents {
			w.item()
			w.open('{')
			w.stringField("id", d.ID)
			w.stringField("sha256", d.SHA256)
			w.close('}')
		}
		w.close(']')
	}
	w.intField("total", m.Total)
	w.intField("version", m.Version)
	w.close('}')
	return append(w.b, '\n')
}

// maxDepth bounds the nesting of what jsonWriter writes: a document is
// three levels deep.
const maxDepth = 8

// jsonWriter writes indented JSON: it knows the depth and whether the
// current object or array has an element yet. It lives on the stack of
// its caller: no allocation but the growth of b.
type jsonWriter struct {
	b     []byte
	depth int
	empty [maxDepth]bool // per open object or array: no element yet
}

func (w *jsonWriter) open(c byte) {
	w.b = append(w.b, c)
	w.empty[w.depth] = true
	w.depth++
}

func (w *jsonWriter) close(c byte) {
	w.depth--
	if !w.empty[w.depth] {
		w.newline()
	}
	w.b = append(w.b, c)
}

// item starts an element of the current array or object.
func (w *jsonWriter) item() {
	if !w.empty[w.depth-1] {
		w.b = append(w.b, ',')
	}
	w.empty[w.depth-1] = false
	w.newline()
}

func (w *jsonWriter) key(k string) {
	w.item()
	w.b = appendString(w.b, k)
	w.b = append(w.b, ':', ' ')
}

func (w *jsonWriter) newline() {
	w.b = append(w.b, '\n')
	for range w.depth {
		w.b = append(w.b, ' ', ' ')
	}
}

func (w *jsonWriter) stringField(k, v string) {
	w.key(k)
	w.b = appendString(w.b, v)
}

// optionalField writes a string field tagged omitempty: nothing when v is
// empty.
func (w *jsonWriter) optionalField(k, v string) {
	if v != "" {
		w.stringField(k, v)
	}
}

func (w *jsonWriter) boolField(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
}

func (w *jsonWriter) intField(k string, v int) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, int64(v), 10)
}

// stringsField writes a list of strings; nil is null, as encoding/json
// writes it.
func (w *jsonWriter) stringsField(k string, v []string) {
	w.key(k)
	if v == nil {
		w.b = append(w.b, "null"...)
		return
	}
	w.open('[')
	for _, s := range v {
		w.item()
		w.b = appendString(w.b, s)
	}
	w.close(']')
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

// appendString appends s as encoding/json writes a string without HTML
// escaping: '"' and '\\' escaped, control characters as \b \f \n \r \t or
// \u00XX, U+2028 and U+2029 as \u2028 and \u2029, invalid UTF-8 as
// \ufffd.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if plainASCII[c] {
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

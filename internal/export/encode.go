package export

import (
	"maps"
	"slices"
	"strconv"

	"github.com/fsgate/fsgate/internal/jsontext"
)

// appendDocument appends the JSON of a document exactly as encode writes
// it (encoding/json, two-space indentation, no HTML escaping, a trailing
// newline), without reflection and without allocating beyond b's growth:
// the export encodes one document per service provider, and encoding/json's
// marshal-then-indent was most of its time. Every field is written by name,
// in the byte order of the JSON names (the order of Client's fields).
// TestAppendDocumentMatchesEncodingJSON (every field set, every field
// empty, hostile strings) and jsontext.FuzzAppendString hold the two encodings
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
	w.b = jsontext.AppendString(w.b, k, false)
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
	w.b = jsontext.AppendString(w.b, v, false)
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
		w.b = jsontext.AppendString(w.b, s, false)
	}
	w.close(']')
}

// Package jwks checks the two documents that fsgate fetches for a request
// with --online: the sector identifier document and the JWKS. It is pure
// (no network, no clock): internal/fetch brings the bytes, this package says
// what is wrong with them.
//
// The documents come from servers that a pull request names, so they are
// hostile input: every problem is described in fsgate's own words and never
// quotes the document — no key material, no kid, no string of the body.
package jwks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/fsgate/fsgate/internal/finding"
)

// Kind is the stable name of a problem.
type Kind string

// Problems of both documents.
const (
	// NotJSON: empty body, HTML page, invalid JSON (Index -1).
	NotJSON Kind = "not-json"
	// BOM: the body starts with a UTF-8 byte order mark (warning, Index -1).
	BOM Kind = "bom"
	// DuplicateMember: an object names a member twice; JSON readers
	// disagree on which value wins (Index: the key, or -1 at the top level).
	DuplicateMember Kind = "duplicate-member"
	// Truncated: more problems than MaxProblems; the rest are counted only.
	Truncated Kind = "truncated"
)

// Problems of the sector identifier document.
const (
	// NotArray: the document is not a JSON array (Index -1).
	NotArray Kind = "not-array"
	// EmptySector: the array is empty (Index -1).
	EmptySector Kind = "empty-sector"
	// NotString: an element of the array is not a string (Index: the element).
	NotString Kind = "not-string"
	// MissingRedirectURI: a redirect URI of the request is not in the
	// document (Index: the position in the redirectURIs argument, so that a
	// finding can point at spec.redirectUris[Index]).
	MissingRedirectURI Kind = "missing-redirect-uri"
)

// Problems of the JWKS. Index is the position of the key in "keys", or -1
// when the problem concerns the whole set.
const (
	NotObject      Kind = "not-object"      // the JWKS is not a JSON object
	MissingKeys    Kind = "missing-keys"    // no "keys" member
	KeysNotArray   Kind = "keys-not-array"  // "keys" is not an array
	EmptyKeys      Kind = "empty-keys"      // "keys" is empty
	KeyNotObject   Kind = "key-not-object"  // an element of "keys" is not an object
	MissingKty     Kind = "missing-kty"     // a key has no "kty"
	PrivateKey     Kind = "private-key"     // a key carries private members (d, p, q…)
	SymmetricKey   Kind = "symmetric-key"   // a key is "oct": a shared secret made public
	InvalidKey     Kind = "invalid-key"     // a key cannot be read (members, encoding, lengths)
	NotOnCurve     Kind = "not-on-curve"    // an EC point is not on its curve
	WeakRSA        Kind = "weak-rsa"        // an RSA modulus under 2048 bits
	BadExponent    Kind = "bad-exponent"    // an RSA e that is even, < 3 or ≥ 2³¹
	UnsupportedKey Kind = "unsupported-key" // a key type or curve fsgate skips (warning)
	NoUsableKey    Kind = "no-usable-key"   // no key can encrypt for the chosen algorithm
	UnknownAlg     Kind = "unknown-alg"     // the algorithm argument is not a JWE key algorithm
)

// Problem is one thing wrong with a fetched document.
type Problem struct {
	Kind     Kind
	Severity finding.Severity
	Index    int // see the Kind; -1 for the whole document
	Message  finding.Text
}

// MaxProblems bounds the problems reported for one document, so that a
// document of 10,000 bad keys does not become a 10,000-line PR comment.
const MaxProblems = 20

func errorp(kind Kind, index int, msg finding.Text) Problem {
	return Problem{Kind: kind, Severity: finding.Error, Index: index, Message: msg}
}

func warnp(kind Kind, index int, msg finding.Text) Problem {
	return Problem{Kind: kind, Severity: finding.Warning, Index: index, Message: msg}
}

// limit keeps at most MaxProblems problems, errors first so that a flood of
// warnings cannot hide an error, in their original order otherwise, and
// counts the rest in a last problem as severe as the worst one left out.
func limit(ps []Problem) []Problem {
	if len(ps) <= MaxProblems {
		return ps
	}
	keep := MaxProblems - 1
	var out []Problem
	for _, sev := range []finding.Severity{finding.Error, finding.Warning} {
		for _, p := range ps {
			if p.Severity == sev && len(out) < keep {
				out = append(out, p)
			}
		}
	}
	rest := len(ps) - len(out)
	sev := finding.Warning
	errs := 0
	for _, p := range ps {
		if p.Severity == finding.Error {
			errs++
		}
	}
	if errs > keep {
		sev = finding.Error
	}
	return append(out, Problem{Kind: Truncated, Severity: sev, Index: -1, Message: finding.Tf(
		"%d autres problèmes non affichés", "%d more problems not shown", rest)})
}

// doc names the document in messages.
type doc struct{ fr, en string }

// says prefixes a message with the document's name. The arguments are
// fsgate's own values (numbers, names from its tables), never the body's.
func (d doc) says(fr, en string) finding.Text {
	return finding.T(d.fr+" : "+fr, d.en+": "+en)
}

var (
	docSector = doc{"document sectorIdentifierUri", "sectorIdentifierUri document"}
	docJWKS   = doc{"JWKS", "JWKS"}
)

var bom = []byte("\xef\xbb\xbf")

// readJSON checks that body is one JSON value and returns it without a
// leading byte order mark. Browsers' and Node's fetch drop a BOM before
// parsing, so it only earns a warning.
func readJSON(body []byte, d doc) ([]byte, []Problem) {
	var ps []Problem
	if bytes.HasPrefix(body, bom) {
		body = body[len(bom):]
		ps = append(ps, warnp(BOM, -1, d.says(
			"la réponse commence par une marque d'ordre d'octets (BOM) UTF-8, à retirer",
			"the answer starts with a UTF-8 byte order mark (BOM), remove it")))
	}
	trimmed := bytes.TrimSpace(body)
	switch {
	case len(trimmed) == 0:
		return nil, append(ps, errorp(NotJSON, -1, d.says("la réponse est vide", "the answer is empty")))
	case trimmed[0] == '<':
		return nil, append(ps, errorp(NotJSON, -1, d.says(
			"la réponse est une page HTML (page de connexion ou d'erreur ?), pas du JSON",
			"the answer is an HTML page (a login or error page?), not JSON")))
	case !utf8.Valid(trimmed):
		return nil, append(ps, errorp(NotJSON, -1, d.says(
			"la réponse n'est pas du texte UTF-8, donc pas du JSON",
			"the answer is not UTF-8 text, hence not JSON")))
	case !json.Valid(trimmed):
		var v any
		var syn *json.SyntaxError
		if errors.As(json.Unmarshal(trimmed, &v), &syn) {
			return nil, append(ps, errorp(NotJSON, -1, d.says(
				fmt.Sprintf("JSON invalide (octet %d)", syn.Offset),
				fmt.Sprintf("invalid JSON (byte %d)", syn.Offset))))
		}
		return nil, append(ps, errorp(NotJSON, -1, d.says("JSON invalide", "invalid JSON")))
	}
	return trimmed, ps
}

package jwks

import (
	"crypto/ecdh"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/go-jose/go-jose/v4"

	"github.com/fsgate/fsgate/internal/finding"
)

// Report is what ParseJWKS found.
type Report struct {
	Keys     int   // entries in "keys", usable or not
	Usable   []int // indexes of the keys that can encrypt for the algorithm
	Problems []Problem
}

// HasError reports whether a problem is an error.
func (r Report) HasError() bool {
	for _, p := range r.Problems {
		if p.Severity == finding.Error {
			return true
		}
	}
	return false
}

// families maps the JWE key-management algorithms to the key type they
// need. FranceConnect+ uses ECDH-ES and RSA-OAEP-256 (internal/catalog); the
// other members of the two families are accepted because the rule is the
// same for them.
var families = map[string]string{
	"ECDH-ES":        "EC",
	"ECDH-ES+A128KW": "EC",
	"ECDH-ES+A192KW": "EC",
	"ECDH-ES+A256KW": "EC",
	"RSA-OAEP":       "RSA",
	"RSA-OAEP-256":   "RSA",
	"RSA-OAEP-384":   "RSA",
	"RSA-OAEP-512":   "RSA",
}

// curves lists the EC curves a key for ECDH-ES may use, with the size of a
// coordinate. security.md asks for P-256; franceconnect.md records that
// FranceConnect's provider (node-oidc-provider) also accepts P-384 and
// P-521, so a key on those is usable too rather than a false error.
var curves = map[string]struct {
	size  int
	curve ecdh.Curve
}{
	"P-256": {32, ecdh.P256()},
	"P-384": {48, ecdh.P384()},
	"P-521": {66, ecdh.P521()},
}

// privateMembers are the JWK members that only a private or symmetric key
// has (RFC 7518 §6.2.2, §6.3.2, §6.4; "priv" for AKP keys).
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k", "priv"}

const (
	minRSABits = 2048
	// maxGoJoseRSABits is go-jose's default jose.MaxRSAModulusBits: a larger
	// modulus is checked by this package alone (it is only n and e) rather
	// than by changing go-jose's global.
	maxGoJoseRSABits = 4096
	// maxRSABits is OpenSSL's OPENSSL_RSA_MAX_MODULUS_BITS: FranceConnect's
	// Node.js cannot use a larger key.
	maxRSABits = 16384
)

// ParseJWKS checks a JWK Set for the JWE key-management algorithm alg
// ("ECDH-ES", "RSA-OAEP-256"…; "" checks the set without requiring a usable
// key). Keys are read one by one, so that a key of a type fsgate does not
// know (an X25519 OKP key, say) is skipped with a warning instead of
// failing the set, as RFC 7517 §5 asks. A private or symmetric key, an
// invalid key or a weak key is an error; a set without a usable key too.
func ParseJWKS(body []byte, alg string) Report {
	var r Report
	family, known := families[alg]
	if alg != "" && !known {
		r.Problems = append(r.Problems, errorp(UnknownAlg, -1, finding.Tf(
			"JWKS : algorithme de chiffrement %q inconnu de fsgate",
			"JWKS: encryption algorithm %q unknown to fsgate", alg)))
	}
	v, ps := readJSON(body, docJWKS)
	r.Problems = append(r.Problems, ps...)
	if v == nil {
		return r
	}
	if v[0] != '{' {
		k := valueKind(v[0])
		r.Problems = append(r.Problems, errorp(NotObject, -1, docJWKS.says(
			`un objet {"keys": […]} est attendu, pas `+k.fr,
			`an object {"keys": […]} is expected, not `+k.en)))
		return r
	}
	dup := ""
	duplicates(v, func(depth int, name string) {
		if depth == 1 && dup == "" {
			dup = name
		}
	})
	if dup != "" {
		fr, en := memberLabel(dup)
		r.Problems = append(r.Problems, errorp(DuplicateMember, -1, docJWKS.says(
			fr+" apparaît deux fois : les lecteurs JSON ne retiennent pas tous le même",
			en+" appears twice: JSON readers do not all keep the same one")))
		return r
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(v, &top); err != nil {
		r.Problems = append(r.Problems, errorp(NotObject, -1, docJWKS.says("objet illisible", "unreadable object")))
		return r
	}
	rawKeys, ok := top["keys"]
	if !ok {
		r.Problems = append(r.Problems, errorp(MissingKeys, -1, docJWKS.says(
			`le membre "keys" manque`, `the "keys" member is missing`)))
		return r
	}
	var keys []json.RawMessage
	if rawKeys[0] != '[' || json.Unmarshal(rawKeys, &keys) != nil {
		r.Problems = append(r.Problems, errorp(KeysNotArray, -1, docJWKS.says(
			`"keys" doit être un tableau de clés`, `"keys" must be an array of keys`)))
		return r
	}
	r.Keys = len(keys)
	if len(keys) == 0 {
		r.Problems = append(r.Problems, errorp(EmptyKeys, -1, docJWKS.says(
			`"keys" est vide : aucune clé publiée`, `"keys" is empty: no key published`)))
		return r
	}

	var why []finding.Text // why each well-formed key cannot encrypt
	weakCandidate := false
	for i, raw := range keys {
		k := checkKey(i, raw)
		r.Problems = append(r.Problems, k.problems...)
		if k.kty == "" {
			continue // broken or skipped: already reported
		}
		var reason finding.Text
		if known {
			reason = k.unusable(family, alg)
		}
		candidate := known && reason == finding.Text{}
		if k.weak != nil {
			w := *k.weak
			if candidate {
				// Exactly a key FranceConnect could pick: an error, and
				// the "no usable key" error would only repeat it.
				weakCandidate = true
			} else {
				// Never used to encrypt for this client, still bad to publish.
				w.Severity = finding.Warning
			}
			r.Problems = append(r.Problems, w)
			continue
		}
		switch {
		case candidate:
			r.Usable = append(r.Usable, i)
		case known:
			why = append(why, finding.T(fmt.Sprintf("keys[%d] : %s", i, reason.FR), fmt.Sprintf("keys[%d]: %s", i, reason.EN)))
		}
	}
	if known && len(r.Usable) == 0 && !weakCandidate {
		r.Problems = append(r.Problems, noUsableKey(family, alg, why))
	}
	r.Problems = limit(r.Problems)
	return r
}

func noUsableKey(family, alg string, why []finding.Text) Problem {
	want, wantEN := "une clé publique RSA d'au moins 2048 bits", "a public RSA key of at least 2048 bits"
	if family == "EC" {
		want, wantEN = "une clé publique EC P-256 (ou P-384, P-521)", "a public EC P-256 key (or P-384, P-521)"
	}
	fr := fmt.Sprintf("JWKS : aucune clé utilisable pour le chiffrement %s : il faut %s, sans « use » ou avec \"use\": \"enc\", sans « alg » ou avec \"alg\": %q",
		alg, want, alg)
	en := fmt.Sprintf("JWKS: no key usable for encryption with %s: it needs %s, without \"use\" or with \"use\": \"enc\", without \"alg\" or with \"alg\": %q",
		alg, wantEN, alg)
	const maxReasons = 5
	var frs, ens []string
	for i, w := range why {
		if i == maxReasons {
			frs, ens = append(frs, "…"), append(ens, "…")
			break
		}
		frs, ens = append(frs, w.FR), append(ens, w.EN)
	}
	if len(frs) > 0 {
		fr += " (" + strings.Join(frs, " ; ") + ")"
		en += " (" + strings.Join(ens, "; ") + ")"
	}
	return errorp(NoUsableKey, -1, finding.T(fr, en))
}

// key is what checkKey learned about one key.
type key struct {
	kty, crv, use, alg string // kty "" when the key is broken or skipped
	weak               *Problem
	problems           []Problem
}

// unusable says why k cannot encrypt for alg, or returns the zero Text
// when it can. Only fsgate's words and the values of its tables appear: the
// key's own "use" and "alg" are quoted only when they are known values.
func (k *key) unusable(family, alg string) finding.Text {
	switch {
	case k.kty == "OKP":
		return finding.T("clé de signature Ed25519", "Ed25519 signing key")
	case k.kty != family:
		return finding.T("clé "+k.kty, k.kty+" key")
	case k.use == "sig":
		return finding.T(`"use": "sig" (signature)`, `"use": "sig" (signature)`)
	case k.use != "" && k.use != "enc":
		return finding.T(`« use » autre que "enc"`, `"use" other than "enc"`)
	case k.alg != "" && k.alg != alg:
		if _, ok := families[k.alg]; ok || knownSigAlgs[k.alg] {
			return finding.Tf(`"alg": %q`, `"alg": %q`, k.alg)
		}
		return finding.T("« alg » différent", `different "alg"`)
	}
	return finding.Text{}
}

// knownSigAlgs are JWS algorithms a key's "alg" may name; quoting them in a
// message is safe and tells the publisher they published a signing key.
var knownSigAlgs = map[string]bool{
	"RS256": true, "RS384": true, "RS512": true, "PS256": true, "PS384": true, "PS512": true,
	"ES256": true, "ES384": true, "ES512": true, "EdDSA": true, "Ed25519": true,
}

// checkKey reads keys[i]. It fills kty only for a key that is well formed
// and of a supported type; problems says what is wrong otherwise.
func checkKey(i int, raw json.RawMessage) key {
	var k key
	bad := func(kind Kind, fr, en string) key {
		k.kty = ""
		k.problems = append(k.problems, errorp(kind, i, finding.T(
			fmt.Sprintf("JWKS : keys[%d] : %s", i, fr), fmt.Sprintf("JWKS: keys[%d]: %s", i, en))))
		return k
	}
	if raw[0] != '{' {
		v := valueKind(raw[0])
		return bad(KeyNotObject, "un objet JWK est attendu, pas "+v.fr, "a JWK object is expected, not "+v.en)
	}
	dup := ""
	duplicates(raw, func(_ int, name string) {
		if dup == "" {
			dup = name
		}
	})
	if dup != "" {
		fr, en := memberLabel(dup)
		k.problems = append(k.problems, errorp(DuplicateMember, i, finding.T(
			fmt.Sprintf("JWKS : keys[%d] : %s apparaît deux fois", i, fr),
			fmt.Sprintf("JWKS: keys[%d]: %s appears twice", i, en))))
		return k
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return bad(InvalidKey, "objet illisible", "unreadable object")
	}
	kty, ok := str(m, "kty")
	switch {
	case !ok:
		return bad(InvalidKey, "« kty » doit être une chaîne", `"kty" must be a string`)
	case kty == "":
		return bad(MissingKty, "« kty » (type de clé) manque", `"kty" (key type) is missing`)
	case kty == "oct":
		return bad(SymmetricKey,
			"clé symétrique (« oct ») : c'est un secret, désormais public ; retirez-la et ne l'utilisez plus",
			`symmetric ("oct") key: it is a secret, now public; remove it and stop using it`)
	}
	if priv := present(m, privateMembers); len(priv) > 0 {
		return bad(PrivateKey,
			"clé privée publiée (membres "+priv+") : elle est compromise, retirez-la, générez une nouvelle paire et ne publiez que la partie publique",
			"private key published (members "+priv+"): it is compromised, remove it, generate a new pair and publish only the public part")
	}
	if k.use, ok = str(m, "use"); !ok {
		return bad(InvalidKey, "« use » doit être une chaîne", `"use" must be a string`)
	}
	if k.alg, ok = str(m, "alg"); !ok {
		return bad(InvalidKey, "« alg » doit être une chaîne", `"alg" must be a string`)
	}
	if k.crv, ok = str(m, "crv"); !ok {
		return bad(InvalidKey, "« crv » doit être une chaîne", `"crv" must be a string`)
	}

	switch kty {
	case "EC":
		c, known := curves[k.crv]
		switch {
		case k.crv == "":
			return bad(InvalidKey, "clé EC sans « crv »", `EC key without "crv"`)
		case !known:
			k.problems = append(k.problems, skipped(i, "clé EC sur une courbe non prise en charge", "EC key on an unsupported curve"))
			return k
		}
		x, okX := b64(m, "x")
		y, okY := b64(m, "y")
		if !okX || !okY || len(x) != c.size || len(y) != c.size {
			return bad(InvalidKey,
				fmt.Sprintf("« x » et « y » doivent coder en base64url sans remplissage %d octets chacun (%s)", c.size, k.crv),
				fmt.Sprintf(`"x" and "y" must each encode %d bytes in unpadded base64url (%s)`, c.size, k.crv))
		}
		if _, err := c.curve.NewPublicKey(append(append([]byte{4}, x...), y...)); err != nil {
			return bad(NotOnCurve,
				"le point (x, y) n'est pas sur la courbe "+k.crv+" : clé invalide, à régénérer",
				"the point (x, y) is not on curve "+k.crv+": invalid key, generate it again")
		}
	case "RSA":
		n, okN := b64(m, "n")
		e, okE := b64(m, "e")
		if !okN || !okE || len(n) == 0 || len(e) == 0 {
			return bad(InvalidKey, "« n » et « e » doivent être présents, en base64url sans remplissage",
				`"n" and "e" must be present, in unpadded base64url`)
		}
		nn, ee := new(big.Int).SetBytes(n), new(big.Int).SetBytes(e)
		switch {
		case nn.Bit(0) == 0:
			return bad(InvalidKey, "le module « n » est pair : ce n'est pas une clé RSA", `the modulus "n" is even: not an RSA key`)
		case ee.BitLen() > 31 || ee.Cmp(big.NewInt(3)) < 0 || ee.Bit(0) == 0:
			// crypto/rsa and many libraries refuse e ≥ 2³¹; e = 1 does
			// not encrypt at all; an even e has no inverse.
			return bad(BadExponent, "l'exposant « e » doit être impair, au moins 3 et inférieur à 2³¹ (65537 en pratique)",
				`the exponent "e" must be odd, at least 3 and below 2³¹ (65537 in practice)`)
		}
		if nn.BitLen() > maxRSABits {
			return bad(InvalidKey, fmt.Sprintf("module « n » de plus de %d bits : inutilisable", maxRSABits),
				fmt.Sprintf(`modulus "n" larger than %d bits: unusable`, maxRSABits))
		}
		if bits := nn.BitLen(); bits < minRSABits {
			p := errorp(WeakRSA, i, finding.T(
				fmt.Sprintf("JWKS : keys[%d] : clé RSA de %d bits, il en faut au moins %d", i, bits, minRSABits),
				fmt.Sprintf("JWKS: keys[%d]: %d-bit RSA key, at least %d are required", i, bits, minRSABits)))
			k.weak = &p
		}
		if nn.BitLen() > maxGoJoseRSABits {
			k.kty = kty
			return k // n and e are all there is to check
		}
	case "OKP":
		if k.crv != "Ed25519" {
			// X25519 is an encryption curve, but FranceConnect encrypts
			// with EC or RSA keys: the key is skipped, the set still read.
			fr, en := "clé OKP sur une courbe non prise en charge", "OKP key on an unsupported curve"
			if k.crv == "X25519" || k.crv == "X448" || k.crv == "Ed448" {
				fr, en = "clé OKP "+k.crv+" non prise en charge par FranceConnect", "OKP "+k.crv+" key, not supported by FranceConnect"
			}
			k.problems = append(k.problems, skipped(i, fr, en))
			return k
		}
	default:
		k.problems = append(k.problems, skipped(i, "clé d'un type non pris en charge", "key of an unsupported type"))
		return k
	}

	// Last, go-jose reads the key as FranceConnect's library would: it also
	// checks what is not checked above (x5c matching the key, x5t…).
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(raw); err != nil {
		return bad(InvalidKey, "clé illisible (encodage, x5c ou x5t invalides)", "unreadable key (invalid encoding, x5c or x5t)")
	}
	k.kty = kty
	return k
}

func skipped(i int, fr, en string) Problem {
	return warnp(UnsupportedKey, i, finding.T(
		fmt.Sprintf("JWKS : keys[%d] : %s, ignorée", i, fr),
		fmt.Sprintf("JWKS: keys[%d]: %s, skipped", i, en)))
}

// str returns a string member, "" when absent; ok is false when the member
// is there but not a string.
func str(m map[string]json.RawMessage, name string) (string, bool) {
	raw, ok := m[name]
	if !ok {
		return "", true
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// b64 decodes a base64url member as go-jose does (unpadded).
func b64(m map[string]json.RawMessage, name string) ([]byte, bool) {
	s, ok := str(m, name)
	if !ok || s == "" {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	return b, err == nil
}

// present lists the members of names found in m, quoted, for a message.
func present(m map[string]json.RawMessage, names []string) string {
	var found []string
	for _, n := range names {
		if _, ok := m[n]; ok {
			found = append(found, `"`+n+`"`)
		}
	}
	return strings.Join(found, ", ")
}

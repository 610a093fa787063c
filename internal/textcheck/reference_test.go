package textcheck

// This file keeps the implementations of ScanSecrets and ScanPhones as they
// were before they were made faster, renamed so that they compile beside the
// new code. They are the oracle of the differential test and fuzz targets
// in equivalence_test.go: whatever the new code does, it must find exactly
// what these find. Do not "fix" them; change them only together with a
// deliberate change of the scanners' results.

import (
	"bytes"
	"regexp"
	"slices"
	"sync"
)

// refPemPrivate is the armour line of a private key: PKCS#1 ("RSA PRIVATE
// KEY"), PKCS#8, SEC 1 ("EC"), OpenSSH, encrypted, and PGP's "PRIVATE KEY
// BLOCK". It runs only on files that contain "PRIVATE KEY".
var refPemPrivate = regexp.MustCompile(`-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----`)

// refTokenFormat is a credential format published by its issuer: a literal
// prefix, then a body of one alphabet whose length says it is a key.
type refTokenFormat struct {
	hint     string // a literal shared by several formats, searched first
	prefix   string
	alphabet func(byte) bool
	min, max int // body length; max 0 means no upper bound
	kind     SecretKind
}

var refTokenFormats = []refTokenFormat{
	{"gh", "ghp_", isAlnum, 36, 0, GitHubToken},
	{"gh", "gho_", isAlnum, 36, 0, GitHubToken},
	{"gh", "ghu_", isAlnum, 36, 0, GitHubToken},
	{"gh", "ghs_", isAlnum, 36, 0, GitHubToken},
	{"gh", "ghr_", isAlnum, 36, 0, GitHubToken},
	{"github_pat_", "github_pat_", isWordByte, 22, 0, GitHubToken},
	{"glpat-", "glpat-", isBase64URLByte, 20, 0, GitLabToken},
	{"AKIA", "AKIA", isUpperOrDigit, 16, 16, AWSAccessKey},
	{"ASIA", "ASIA", isUpperOrDigit, 16, 16, AWSAccessKey},
	{"xox", "xoxa-", isAlnumOrHyphen, 10, 0, SlackToken},
	{"xox", "xoxb-", isAlnumOrHyphen, 10, 0, SlackToken},
	{"xox", "xoxp-", isAlnumOrHyphen, 10, 0, SlackToken},
	{"xox", "xoxr-", isAlnumOrHyphen, 10, 0, SlackToken},
	{"xox", "xoxs-", isAlnumOrHyphen, 10, 0, SlackToken},
	{"_live_", "sk_live_", isAlnum, 16, 0, StripeKey},
	{"_live_", "rk_live_", isAlnum, 16, 0, StripeKey},
	{"AIza", "AIza", isBase64URLByte, 35, 35, GoogleAPIKey},
	{"npm_", "npm_", isAlnum, 36, 36, NPMToken},
}

// refNamedKeys are the key names whose value is a secret. A key must end with
// one of them ("client_secret", "db_password", "access_token"), so that
// "id_token_signed_response_alg" or "secretariat" are not keys of secrets.
var refNamedKeys = [][]byte{
	[]byte("password"), []byte("passwd"), []byte("passphrase"), []byte("secret"), []byte("token"),
	[]byte("apikey"), []byte("api_key"), []byte("api-key"), []byte("access_key"), []byte("secret_key"),
	[]byte("private_key"), []byte("privatekey"), []byte("mot_de_passe"), []byte("mot-de-passe"),
	[]byte("motdepasse"), []byte("mdp"),
}

// referenceScanSecrets finds everything in src that looks like a secret, comments
// and unknown fields included, in source order. Precise formats (a PEM
// header, a GitHub token) win over the generic "key named secret" guess
// when both cover the same bytes.
func referenceScanSecrets(src []byte) []Secret {
	var found []Secret
	add := func(s Secret) {
		if len(found) >= MaxFindings {
			return
		}
		for _, o := range found {
			if s.Start < o.End && o.Start < s.End {
				return
			}
		}
		found = append(found, s)
	}
	if bytes.Contains(src, []byte("PRIVATE KEY")) {
		for _, m := range refPemPrivate.FindAllIndex(src, -1) {
			add(Secret{Kind: PrivateKeyPEM, Start: m[0], End: m[1]})
		}
	}
	refScanTokens(src, add)
	buf := refLowerBuffers.Get().(*[]byte)
	defer refLowerBuffers.Put(buf)
	lower := refAsciiLower(src, *buf)
	*buf = lower[:0]
	refScanFCSecrets(src, lower, add)
	refScanBearer(src, lower, add)
	refScanKeys(src, lower, add)
	slices.SortFunc(found, func(a, b Secret) int { return a.Start - b.Start })
	return found
}

// refScanTokens finds the published token formats and JWTs. Each prefix is
// searched with bytes.Index and the body read by hand: no regular
// expression runs over the whole file, and a run of the body's alphabet is
// read once even when the prefix repeats inside it.
func refScanTokens(src []byte, add func(Secret)) {
	hint, present := "", false
	for _, tf := range refTokenFormats {
		if tf.hint != hint {
			hint, present = tf.hint, bytes.Contains(src, []byte(tf.hint))
		}
		if !present {
			continue
		}
		for i := 0; ; {
			k := bytes.Index(src[i:], []byte(tf.prefix))
			if k < 0 {
				break
			}
			at := i + k
			end := at + len(tf.prefix)
			for end < len(src) && tf.alphabet(src[end]) {
				end++
			}
			i = max(at+1, end)
			n := end - at - len(tf.prefix)
			if n < tf.min || tf.max > 0 && n > tf.max || gluedBefore(src, at) || end < len(src) && isAlnum(src[end]) {
				continue
			}
			add(Secret{Kind: tf.kind, Start: at, End: end})
		}
	}
	scanJWTs(src, add)
}

// refScanFCSecrets finds 64-hex values on lines that say "secret": the format
// of a FranceConnect client_secret. The same format on other lines is a
// client_id, which is public (reuseSubs.clientId), so it is left alone, as
// is a 64-hex value held by a key whose name ends in "id" even when the
// line's comment says "secret" ("clientId: … # pas un secret").
func refScanFCSecrets(src, lower []byte, add func(Secret)) {
	for i := 0; ; {
		k := bytes.Index(lower[i:], []byte("secret"))
		if k < 0 {
			return
		}
		start, end := lineBounds(src, i+k)
		// The next "secret" worth looking for is on the next line.
		i = end
		for j := start; j < end; {
			if !isHex(src[j]) {
				j++
				continue
			}
			run := j
			for j < end && isHex(src[j]) {
				j++
			}
			if j-run != 64 || (run > start && isAlnum(src[run-1])) || (j < end && isAlnum(src[j])) {
				continue
			}
			if key := refKeyBefore(lower, start, run); len(key) >= 2 && bytes.HasSuffix(key, []byte("id")) {
				continue
			}
			add(Secret{Kind: FCClientSecret, Start: run, End: j})
		}
	}
}

// refScanBearer finds "Bearer <token>", the value of a pasted Authorization
// header.
func refScanBearer(src, lower []byte, add func(Secret)) {
	for i := 0; ; {
		k := bytes.Index(lower[i:], []byte("bearer "))
		if k < 0 {
			return
		}
		at := i + k
		i = at + 7
		j := i
		for j < len(src) && (isAlnum(src[j]) || bytes.IndexByte([]byte("-._~+/="), src[j]) >= 0) {
			j++
		}
		if j-i >= 16 && (at == 0 || !isWordByte(src[at-1])) && refLooksLikeCredential(src[i:j]) {
			add(Secret{Kind: BearerToken, Start: i, End: j})
		}
	}
}

// refScanKeys finds the values of keys named like secrets, in YAML
// ("password: …"), JSON ("\"token\": \"…\""), .env or a URL query
// ("?token=…"), commented out or not, and the private members of a JWK
// (d, p, q, dp, dq, qi, k) within reach of a "kty" key: a JWK is small, so
// its members are a few hundred bytes from its kty. It visits each ':' and
// '=' once and looks at the key before it, without regular expressions, so
// that a file full of keys costs one pass.
func refScanKeys(src, lower []byte, add func(Secret)) {
	var kty []int // offsets of "kty", ascending
	for i := 0; ; {
		k := bytes.Index(lower[i:], []byte("kty"))
		if k < 0 {
			break
		}
		kty = append(kty, i+k)
		i += k + 3
	}
	for _, c := range []byte{':', '='} {
		for i := 0; ; {
			k := bytes.IndexByte(lower[i:], c)
			if k < 0 {
				break
			}
			i += k + 1
			refKeyAt(src, lower, i-1, kty, add)
		}
	}
}

// refKeyStarts are the characters that may come before a key: a line start,
// a space, a flow or query delimiter, a comment mark.
var refKeyStarts = []byte(" \t\r\n{[,#?&;(")

// refJwkReach is how far from a "kty" a private member is looked for.
const refJwkReach = 1024

// refKeyAt looks at the key before the separator at sep.
func refKeyAt(src, lower []byte, sep int, kty []int, add func(Secret)) {
	end := sep
	for end > 0 && (lower[end-1] == ' ' || lower[end-1] == '\t') {
		end--
	}
	if end > 0 && (lower[end-1] == '"' || lower[end-1] == '\'') {
		end--
	}
	start := end
	for start > 0 && isKeyByte(lower[start-1]) {
		start--
	}
	if start == end {
		return
	}
	before := start - 1
	if before >= 0 && (lower[before] == '"' || lower[before] == '\'') {
		before-- // a quoted key: look at what comes before the quote
	}
	if before >= 0 && bytes.IndexByte(refKeyStarts, lower[before]) < 0 {
		return // the end of a longer token ("secretariat:", "a.b/token=")
	}
	key := lower[start:end]
	switch key[len(key)-1] {
	case 'd', 'e', 't', 'n', 'y', 'p', 'q', 'k', 'i':
		// The last letters of refNamedKeys and of the JWK members: most keys
		// ("redirectUris", "platform") stop here.
	default:
		return
	}
	jwk := src[start:end]
	if len(key) <= 2 && jwkMember(string(jwk)) && refNearKty(kty, start) {
		vs, ve, ok := refValueAfter(src, end)
		if ok && ve-vs >= 16 && refIsBase64URL(src[vs:ve]) {
			add(Secret{Kind: PrivateJWK, Key: string(jwk), Start: vs, End: ve})
		}
		return
	}
	if !slices.ContainsFunc(refNamedKeys, func(w []byte) bool { return bytes.HasSuffix(key, w) }) {
		return
	}
	vs, ve, ok := refValueAfter(src, end)
	if !ok || !refLooksLikeCredential(src[vs:ve]) {
		return
	}
	add(Secret{Kind: NamedSecret, Key: string(src[start:end]), Start: vs, End: ve})
}

// refNearKty reports whether a "kty" is within refJwkReach bytes of at.
func refNearKty(kty []int, at int) bool {
	i, _ := slices.BinarySearch(kty, at)
	return i < len(kty) && kty[i]-at <= refJwkReach || i > 0 && at-kty[i-1] <= refJwkReach
}

func refIsBase64URL(v []byte) bool {
	for _, c := range v {
		if !isBase64URLByte(c) {
			return false
		}
	}
	return true
}

// refAsciiLower lowercases ASCII letters only, so that every offset in the
// result is the same offset in src (Unicode case mapping may change a
// character's length: the Kelvin sign K is 3 bytes, k is 1).
//
// The result is written into buf when it is large enough: the scan runs on
// every file of every run, and its copy is dropped when the scan ends.
func refAsciiLower(src, buf []byte) []byte {
	out := buf[:0]
	if cap(out) < len(src) {
		out = make([]byte, 0, len(src))
	}
	out = out[:len(src)]
	for i, c := range src {
		out[i] = refLowerASCII[c]
	}
	return out
}

// refLowerASCII maps each byte to itself, but for the 26 capitals.
var refLowerASCII = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

var refLowerBuffers = sync.Pool{New: func() any { return new([]byte) }}

// refValueAfter reads `"?\s*[:=]\s*["']?value` after a key ending at i and
// returns the value's bytes: up to a space, a quote or a flow delimiter.
func refValueAfter(src []byte, i int) (start, end int, ok bool) {
	if i < len(src) && (src[i] == '"' || src[i] == '\'') {
		i++
	}
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i >= len(src) || (src[i] != ':' && src[i] != '=') {
		return 0, 0, false
	}
	i++
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i < len(src) && (src[i] == '"' || src[i] == '\'') {
		i++
	}
	start = i
	for i < len(src) && bytes.IndexByte([]byte(" \t\r\n\"',}]&"), src[i]) < 0 {
		i++
	}
	return start, i, i > start
}

// refLooksLikeCredential tells a credential from prose and placeholders: at
// least 6 printable ASCII characters, no placeholder syntax, no URL, and
// either two classes of characters (lower, upper, digit, symbol) or 20
// characters or more. "voir DataPass", "${TOKEN}", "<à remplir>",
// "********" and "null" are not credentials; "Lyon2024!" is.
func refLooksLikeCredential(v []byte) bool {
	if len(v) < 6 || bytes.Contains(v, []byte("://")) {
		return false
	}
	switch v[0] {
	case '<', '$', '{', '%', '*', '[', '(', '|', '>', '&', '!':
		return false
	}
	var lower, upper, digit, symbol bool
	same := true
	for _, c := range v {
		switch {
		case c < 0x21 || c > 0x7e:
			return false // non-ASCII: a French word, not a credential
		case 'a' <= c && c <= 'z':
			lower = true
		case 'A' <= c && c <= 'Z':
			upper = true
		case '0' <= c && c <= '9':
			digit = true
		default:
			symbol = true
		}
		same = same && c == v[0]
	}
	if same {
		return false // "xxxxxxxx", "00000000"
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, symbol} {
		if b {
			classes++
		}
	}
	return classes >= 2 || len(v) >= 20
}

// refKeyBefore returns the lowercased key of the YAML/JSON entry whose value
// starts at pos on the line that starts at start, or nil: the word right
// before `:` preceding pos.
func refKeyBefore(lower []byte, start, pos int) []byte {
	i := pos
	for i > start && (lower[i-1] == ' ' || lower[i-1] == '\t' || lower[i-1] == '"' || lower[i-1] == '\'') {
		i--
	}
	if i == start || lower[i-1] != ':' {
		return nil
	}
	i--
	for i > start && (lower[i-1] == '"' || lower[i-1] == '\'') {
		i--
	}
	end := i
	for i > start && isKeyByte(lower[i-1]) {
		i--
	}
	return lower[i:end]
}

// referenceScanPhones finds French phone numbers in src and returns the byte range
// of each: national numbers (0612345678, 06 12 34 56 78, 06.12.34.56.78,
// 06-12-34-56-78) and international ones (+33 6 12 34 56 78,
// +33612345678, 0033 6…, +33 (0)6…).
//
// To stay clear of the numbers a request legitimately holds, a national
// number needs exactly five pairs with one and the same separator, and a
// number must stand alone: not glued to a letter, a digit or a dot, not
// followed by another group. IP addresses, dates (2027-03-01, 01.03.2027),
// DataPass numbers (D12345), qualification numbers, hex identifiers and
// version strings are therefore not numbers.
func referenceScanPhones(src []byte) [][2]int {
	var out [][2]int
	for i := 0; i < len(src) && len(out) < MaxFindings; i++ {
		c := src[i]
		if c != '+' && c != '0' {
			continue
		}
		if i > 0 && bytes.IndexByte([]byte(" \t\r\n:\"'([{,;=>#*"), src[i-1]) < 0 {
			continue
		}
		end, ok := international(src, i)
		if !ok {
			end, ok = national(src, i)
		}
		if ok && standsAlone(src, end) {
			out = append(out, [2]int{i, end})
			i = end - 1
		}
	}
	return out
}

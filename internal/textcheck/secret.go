package textcheck

import (
	"bytes"
	"math/bits"
	"regexp"
	"slices"
	"unicode/utf8"
)

// SecretKind is what a secret looks like.
type SecretKind int

const (
	PrivateKeyPEM  SecretKind = iota // -----BEGIN … PRIVATE KEY-----
	PrivateJWK                       // a private member (d, p, q, dp, dq, qi, k) next to kty
	FCClientSecret                   // 64 hex on a line that says "secret"
	GitHubToken                      // ghp_…, github_pat_…
	GitLabToken                      // glpat-…
	AWSAccessKey                     // AKIA…, ASIA…
	JWT                              // eyJ….eyJ….…
	SlackToken                       // xoxb-…, xoxp-…
	StripeKey                        // sk_live_…, rk_live_…
	GoogleAPIKey                     // AIza…
	NPMToken                         // npm_…
	BearerToken                      // "Bearer …" (a pasted Authorization header)
	NamedSecret                      // the value of a key named password, secret, token…
)

// Names says what the secret is, in French and English, for a message that
// must never show the secret itself.
func (k SecretKind) Names() (fr, en string) {
	switch k {
	case PrivateKeyPEM:
		return "une clé privée PEM", "a PEM private key"
	case PrivateJWK:
		return "une clé privée JWK", "a private JWK"
	case FCClientSecret:
		return "un secret client FranceConnect (64 caractères hexadécimaux)", "a FranceConnect client secret (64 hex characters)"
	case GitHubToken:
		return "un jeton GitHub", "a GitHub token"
	case GitLabToken:
		return "un jeton GitLab", "a GitLab token"
	case AWSAccessKey:
		return "une clé d'accès AWS", "an AWS access key"
	case JWT:
		return "un jeton JWT", "a JWT"
	case SlackToken:
		return "un jeton Slack", "a Slack token"
	case StripeKey:
		return "une clé Stripe", "a Stripe key"
	case GoogleAPIKey:
		return "une clé d'API Google", "a Google API key"
	case NPMToken:
		return "un jeton npm", "an npm token"
	case BearerToken:
		return "un jeton d'authentification (Bearer)", "a bearer token"
	}
	return "une valeur secrète", "a secret value"
}

// Secret is one secret found in a source, located by byte offsets.
type Secret struct {
	Kind SecretKind
	// Key is the name of the key that holds it (NamedSecret, PrivateJWK),
	// which is not secret and helps the publisher find it.
	Key        string
	Start, End int // the secret's bytes: src[Start:End]
}

// pemPrivate is the armour line of a private key: PKCS#1 ("RSA PRIVATE
// KEY"), PKCS#8, SEC 1 ("EC"), OpenSSH, encrypted, and PGP's "PRIVATE KEY
// BLOCK". It runs only on files that contain "PRIVATE KEY".
var pemPrivate = regexp.MustCompile(`-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----`)

// tokenFormat is a credential format published by its issuer: a literal
// prefix, then a body of one alphabet whose length says it is a key.
type tokenFormat struct {
	prefix   string
	rare     int // the offset in prefix of the byte findLiterals looks for
	alphabet func(byte) bool
	min, max int // body length; max 0 means no upper bound
	kind     SecretKind
}

// tokenFormats are searched in this order, which decides which of two
// overlapping tokens is reported. Each prefix's rare byte is one of its
// least frequent in request files ('_' rather than the 'g' of "given_name"
// or the 'n' of "name"), shared with other prefixes where possible ('A' of
// AKIA, ASIA and AIza) so that findLiterals makes fewer passes. Any other
// choice would find the same tokens, a little more slowly.
var tokenFormats = []tokenFormat{
	{"ghp_", 3, isAlnum, 36, 0, GitHubToken},
	{"gho_", 3, isAlnum, 36, 0, GitHubToken},
	{"ghu_", 3, isAlnum, 36, 0, GitHubToken},
	{"ghs_", 3, isAlnum, 36, 0, GitHubToken},
	{"ghr_", 3, isAlnum, 36, 0, GitHubToken},
	{"github_pat_", 6, isWordByte, 22, 0, GitHubToken},
	{"glpat-", 0, isBase64URLByte, 20, 0, GitLabToken},
	{"AKIA", 0, isUpperOrDigit, 16, 16, AWSAccessKey},
	{"ASIA", 0, isUpperOrDigit, 16, 16, AWSAccessKey},
	{"xoxa-", 0, isAlnumOrHyphen, 10, 0, SlackToken},
	{"xoxb-", 0, isAlnumOrHyphen, 10, 0, SlackToken},
	{"xoxp-", 0, isAlnumOrHyphen, 10, 0, SlackToken},
	{"xoxr-", 0, isAlnumOrHyphen, 10, 0, SlackToken},
	{"xoxs-", 0, isAlnumOrHyphen, 10, 0, SlackToken},
	{"sk_live_", 2, isAlnum, 16, 0, StripeKey},
	{"rk_live_", 2, isAlnum, 16, 0, StripeKey},
	{"AIza", 0, isBase64URLByte, 35, 35, GoogleAPIKey},
	{"npm_", 3, isAlnum, 36, 36, NPMToken},
}

// literalSet is a set of the literals the scanners search for: one bit
// for each of the fixed literals below, then one for each tokenFormats
// prefix (literalToken << i for tokenFormats[i]).
type literalSet uint32

const (
	literalPEM    literalSet = 1 << iota // "PRIVATE KEY"
	literalJWT                           // "eyJ"
	literalBearer                        // "bearer ", any case
	literalToken                         // the first of tokenFormats
)

// literal is a literal that findLiterals looks for around its rare byte.
type literal struct {
	text string // lowercase when fold
	rare int    // the offset in text of the byte looked for
	fold bool   // ASCII case does not matter
	bit  literalSet
}

// literalAnchors are the rare bytes of the literals, each with the
// literals it anchors (a literal that ignores case has two anchors, its
// rare byte in both cases).
var literalAnchors = func() (anchors []literalAnchor) {
	// The token formats have the bits of a literalSet from literalToken on.
	if bits.Len32(uint32(literalToken))-1+len(tokenFormats) > 32 {
		panic("textcheck: more token formats than a literalSet holds")
	}
	lits := []literal{
		{"PRIVATE KEY", 10, false, literalPEM},
		{"eyJ", 2, false, literalJWT},
		{"bearer ", 0, true, literalBearer},
	}
	for i, tf := range tokenFormats {
		lits = append(lits, literal{tf.prefix, tf.rare, false, literalToken << i})
	}
	var byByte [256][]literal
	for _, l := range lits {
		c := l.text[l.rare]
		byByte[c] = append(byByte[c], l)
		if l.fold && 'a' <= c && c <= 'z' {
			byByte[c-'a'+'A'] = append(byByte[c-'a'+'A'], l)
		}
	}
	for c, anchored := range byByte {
		if len(anchored) == 0 {
			continue
		}
		a := literalAnchor{anchor: byte(c), literals: anchored}
		for _, l := range anchored {
			a.bits |= l.bit
		}
		anchors = append(anchors, a)
	}
	return anchors
}()

// literalAnchor is a byte and the literals that findLiterals looks for
// around it.
type literalAnchor struct {
	anchor   byte
	literals []literal
	bits     literalSet // the literals' bits
}

// findLiterals returns the set of literals that occur in src, so that the
// scans of the others, most of them in a request file, are skipped. It
// makes one bytes.IndexByte pass for each anchor (eight of them), all rare
// in request files, instead of one bytes.Index for each literal: a search
// for a literal whose first byte is common ("eyJ", "npm_", "sk_live_")
// stops at each 'e', 'n' or 's' to compare, and costs more than the
// passes.
func findLiterals(src []byte) literalSet {
	var set literalSet
	for _, a := range literalAnchors {
		for i := 0; set&a.bits != a.bits; i++ {
			k := bytes.IndexByte(src[i:], a.anchor)
			if k < 0 {
				break
			}
			i += k
			for j := range a.literals {
				l := &a.literals[j]
				if set&l.bit == 0 && l.at(src, i-l.rare) {
					set |= l.bit
				}
			}
		}
	}
	return set
}

// at reports whether the literal occurs at offset start of src.
func (l *literal) at(src []byte, start int) bool {
	if start < 0 || start+len(l.text) > len(src) {
		return false
	}
	s := src[start : start+len(l.text)]
	if l.fold {
		return equalLower(s, l.text)
	}
	// Most candidates differ at their first byte: testing it first saves
	// a call to compare the rest.
	return s[0] == l.text[0] && string(s) == l.text
}

// namedKeys are the key names whose value is a secret. A key must end with
// one of them ("client_secret", "db_password", "access_token"), so that
// "id_token_signed_response_alg" or "secretariat" are not keys of secrets.
var namedKeys = []string{
	"password", "passwd", "passphrase", "secret", "token",
	"apikey", "api_key", "api-key", "access_key", "secret_key",
	"private_key", "privatekey", "mot_de_passe", "mot-de-passe",
	"motdepasse", "mdp",
}

// namedKeysByLast lists namedKeys by their last byte, so that a key is
// compared with the few names it may end with rather than with all.
var namedKeysByLast = func() (t [256][]string) {
	for _, w := range namedKeys {
		t[w[len(w)-1]] = append(t[w[len(w)-1]], w)
	}
	return t
}()

// endsWithNamedKey reports whether s ends with one of namedKeys, ignoring
// ASCII case.
func endsWithNamedKey(s []byte) bool {
	if len(s) == 0 {
		return false
	}
	for _, w := range namedKeysByLast[lowerASCII[s[len(s)-1]]] {
		if len(s) >= len(w) && equalLower(s[len(s)-len(w):], w) {
			return true
		}
	}
	return false
}

// equalLower reports whether s, lowercased (ASCII only), is lower.
func equalLower(s []byte, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i, c := range s {
		if lowerASCII[c] != lower[i] {
			return false
		}
	}
	return true
}

// MaxFindings bounds what one scan reports: past a hundred secrets or phone
// numbers, more lines say nothing new, and a hostile file cannot make the
// report (or the overlap checks) grow without bound.
const MaxFindings = 100

// ScanSecrets finds everything in src that looks like a secret, comments
// and unknown fields included, in source order. Precise formats (a PEM
// header, a GitHub token) win over the generic "key named secret" guess
// when both cover the same bytes.
func ScanSecrets(src []byte) []Secret {
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
	// The scans run in a fixed order, which decides the winner of two
	// overlapping findings and which findings fit under MaxFindings.
	lits := findLiterals(src)
	if lits&literalPEM != 0 {
		for _, m := range pemPrivate.FindAllIndex(src, -1) {
			add(Secret{Kind: PrivateKeyPEM, Start: m[0], End: m[1]})
		}
	}
	scanTokens(src, lits, add)
	if lits&literalJWT != 0 {
		scanJWTs(src, add)
	}
	scanFCSecrets(src, add)
	if lits&literalBearer != 0 {
		scanBearer(src, add)
	}
	scanKeys(src, add)
	slices.SortFunc(found, func(a, b Secret) int { return a.Start - b.Start })
	return found
}

// scanTokens finds the published token formats whose prefix is in lits.
// Each prefix is searched with bytes.Index and the body read by hand: no
// regular expression runs over the whole file, and a run of the body's
// alphabet is read once even when the prefix repeats inside it.
func scanTokens(src []byte, lits literalSet, add func(Secret)) {
	for f, tf := range tokenFormats {
		if lits&(literalToken<<f) == 0 {
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
}

// scanJWTs finds eyJ….eyJ….… : a JOSE header and payload (base64url of
// '{"'), then a signature, possibly empty.
func scanJWTs(src []byte, add func(Secret)) {
	for i := 0; ; {
		k := bytes.Index(src[i:], []byte("eyJ"))
		if k < 0 {
			return
		}
		at := i + k
		header := base64URLRun(src, at)
		i = header
		if header-at < 7 || header >= len(src) || src[header] != '.' || !bytes.HasPrefix(src[header+1:], []byte("eyJ")) || gluedBefore(src, at) {
			continue
		}
		payload := base64URLRun(src, header+1)
		if payload-header-1 < 7 || payload >= len(src) || src[payload] != '.' {
			i = payload
			continue
		}
		end := base64URLRun(src, payload+1)
		i = end
		add(Secret{Kind: JWT, Start: at, End: end})
	}
}

// base64URLRun returns the end of the run of base64url characters at i.
func base64URLRun(src []byte, i int) int {
	for i < len(src) && isBase64URLByte(src[i]) {
		i++
	}
	return i
}

// gluedBefore reports whether the token at i is the tail of a longer word
// ("xghp_…"), which is something else.
func gluedBefore(src []byte, i int) bool { return i > 0 && isWordByte(src[i-1]) }

// scanFCSecrets finds 64-hex values on lines that say "secret" (in any
// case): the format of a FranceConnect client_secret. The same format on
// other lines is a client_id, which is public (reuseSubs.clientId), so it
// is left alone, as is a 64-hex value held by a key whose name ends in "id"
// even when the line's comment says "secret" ("clientId: … # pas un
// secret").
//
// It looks for the values first, and for the word only on their lines:
// "secret" starts with letters as common as 's' and 'e', while a run of 64
// hex digits is rare and easy to find. Such a run holds two offsets that
// are multiples of hexStride, so only the bytes at those offsets are
// looked at, until one is a hex digit; the run around it is then read, and
// the search goes on after it, so that each byte is read at most twice.
// Values are found in source order, as a search line by line would.
func scanFCSecrets(src []byte, add func(Secret)) {
	const hexStride = 32
	lineStart, lineEnd, lineSaysSecret := 0, -1, false
	for at := 0; at < len(src); at += hexStride {
		if !isHex(src[at]) {
			continue
		}
		run, end := at, at+1
		for run > 0 && isHex(src[run-1]) {
			run--
		}
		for end < len(src) && isHex(src[end]) {
			end++
		}
		// Go on at the first multiple of hexStride past the run (the loop
		// adds hexStride).
		at = max(at, end/hexStride*hexStride)
		if end-run != 64 || run > 0 && isAlnum(src[run-1]) || end < len(src) && isAlnum(src[end]) {
			continue
		}
		if run > lineEnd {
			lineStart, lineEnd = lineBounds(src, run)
			lineSaysSecret = indexLower(src[lineStart:lineEnd], "secret") >= 0
		}
		if !lineSaysSecret {
			continue
		}
		if key := keyBefore(src, lineStart, run); len(key) >= 2 && equalLower(key[len(key)-2:], "id") {
			continue
		}
		add(Secret{Kind: FCClientSecret, Start: run, End: end})
	}
}

// scanBearer finds "Bearer <token>" (in any case), the value of a pasted
// Authorization header.
func scanBearer(src []byte, add func(Secret)) {
	for i := 0; ; {
		k := indexLower(src[i:], "bearer ")
		if k < 0 {
			return
		}
		at := i + k
		i = at + 7
		j := i
		for j < len(src) && (isAlnum(src[j]) || bytes.IndexByte([]byte("-._~+/="), src[j]) >= 0) {
			j++
		}
		if j-i >= 16 && (at == 0 || !isWordByte(src[at-1])) && looksLikeCredential(src[i:j]) {
			add(Secret{Kind: BearerToken, Start: i, End: j})
		}
	}
}

// indexLower returns the offset of the first lower in s lowercased (ASCII
// only), or -1.
func indexLower(s []byte, lower string) int {
	for i := 0; i+len(lower) <= len(s); i++ {
		if equalLower(s[i:i+len(lower)], lower) {
			return i
		}
	}
	return -1
}

// scanKeys finds the values of keys named like secrets, in YAML
// ("password: …"), JSON ("\"token\": \"…\""), .env or a URL query
// ("?token=…"), commented out or not, and the private members of a JWK
// (d, p, q, dp, dq, qi, k) within reach of a "kty" key: a JWK is small, so
// its members are a few hundred bytes from its kty. It visits each ':' and
// '=' once and looks at the key before it, without regular expressions, so
// that a file full of keys costs one pass.
func scanKeys(src []byte, add func(Secret)) {
	ks := keyScanner{src: src}
	for _, c := range []byte{':', '='} {
		for i := 0; ; {
			k := bytes.IndexByte(src[i:], c)
			if k < 0 {
				break
			}
			i += k + 1
			ks.keyAt(i-1, add)
		}
	}
}

// keyScanner is the state of scanKeys.
type keyScanner struct {
	src []byte
	// kty holds the offsets of "kty" (in any case), ascending, once
	// ktyKnown: they are looked for at the first key named like a JWK
	// member, which most files do not have.
	kty      []int
	ktyKnown bool
	// lastValue is the span of the last value read.
	lastValue valueSpan
}

// valueAt returns the span of the value that starts at start: up to the
// first value delimiter. Keys come in source order, so a span is read only
// for a value past the last one, or once for the first '=' after the ':'s.
func (ks *keyScanner) valueAt(start int) *valueSpan {
	if start < ks.lastValue.from || start >= ks.lastValue.end {
		end := start
		for end < len(ks.src) && !isValueDelimiter[ks.src[end]] {
			end++
		}
		ks.lastValue = readValueSpan(ks.src, start, end)
	}
	return &ks.lastValue
}

// isKeyStart tells the characters that may come before a key: a line
// start, a space, a flow or query delimiter, a comment mark.
var isKeyStart = byteSet(" \t\r\n{[,#?&;(")

// byteSet returns the table of the bytes in chars.
func byteSet(chars string) (t [256]bool) {
	for i := range len(chars) {
		t[chars[i]] = true
	}
	return t
}

// jwkReach is how far from a "kty" a private member is looked for.
const jwkReach = 1024

// keyAt looks at the key before the separator at sep. Keys are compared
// in ASCII lowercase, the key named in a finding keeps its case.
func (ks *keyScanner) keyAt(sep int, add func(Secret)) {
	src := ks.src
	end := sep
	for end > 0 && (src[end-1] == ' ' || src[end-1] == '\t') {
		end--
	}
	if end > 0 && (src[end-1] == '"' || src[end-1] == '\'') {
		end--
	}
	// The key's last letter and its last bytes come first: they rule out
	// most keys without reading back to their start.
	if end == 0 {
		return
	}
	switch lowerASCII[src[end-1]] {
	case 'd', 'e', 't', 'n', 'y', 'p', 'q', 'k', 'i':
		// The last letters of namedKeys and of the JWK members: most keys
		// ("redirectUris", "platform") stop here. The key is not empty.
	default:
		return
	}
	// The key must be named like a secret or be a JWK member, of one or
	// two bytes. A name that matches the bytes before end is made of key
	// bytes, so it is a suffix of the key, whatever the key's start.
	named := endsWithNamedKey(src[:end])
	short := end < 3 || !isKeyByte(src[end-2]) || !isKeyByte(src[end-3])
	if !named && !short {
		return
	}
	start := end
	for start > 0 && isKeyByte(src[start-1]) {
		start--
	}
	before := start - 1
	if before >= 0 && (src[before] == '"' || src[before] == '\'') {
		before-- // a quoted key: look at what comes before the quote
	}
	if before >= 0 && !isKeyStart[src[before]] {
		return // the end of a longer token ("secretariat:", "a.b/token=")
	}
	key := src[start:end]
	jwk := len(key) <= 2 && jwkMember(string(key)) && ks.nearKty(start)
	if !jwk && !named {
		return
	}
	vs, ok := valueStart(src, end)
	if !ok {
		return
	}
	value := ks.valueAt(vs)
	if jwk {
		if value.end-vs >= 16 && value.isBase64URL(vs) {
			add(Secret{Kind: PrivateJWK, Key: string(key), Start: vs, End: value.end})
		}
		return
	}
	if value.end == vs || !value.looksLikeCredential(src, vs) {
		return
	}
	add(Secret{Kind: NamedSecret, Key: string(key), Start: vs, End: value.end})
}

// jwkMember reports whether a key is a private member of a JWK (RFC 7518
// §6.2.2 and §6.3.2; "k" is a symmetric key). Member names are case
// sensitive.
func jwkMember(key string) bool {
	switch key {
	case "d", "p", "q", "dp", "dq", "qi", "k":
		return true
	}
	return false
}

// nearKty reports whether a "kty" is within jwkReach bytes of at.
func (ks *keyScanner) nearKty(at int) bool {
	if !ks.ktyKnown {
		for i := 0; i+3 <= len(ks.src); i++ {
			if equalLower(ks.src[i:i+3], "kty") {
				ks.kty = append(ks.kty, i)
			}
		}
		ks.ktyKnown = true
	}
	kty := ks.kty
	i, _ := slices.BinarySearch(kty, at)
	return i < len(kty) && kty[i]-at <= jwkReach || i > 0 && at-kty[i-1] <= jwkReach
}

// lowerASCII maps each byte to itself, but for the 26 capitals.
var lowerASCII = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
		if 'A' <= i && i <= 'Z' {
			t[i] += 'a' - 'A'
		}
	}
	return t
}()

// valueStart reads `"?\s*[:=]\s*["']?` after a key ending at i and returns
// where its value starts; the value runs up to a value delimiter (see
// keyScanner.valueAt).
func valueStart(src []byte, i int) (start int, ok bool) {
	if i < len(src) && (src[i] == '"' || src[i] == '\'') {
		i++
	}
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i >= len(src) || (src[i] != ':' && src[i] != '=') {
		return 0, false
	}
	i++
	for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
		i++
	}
	if i < len(src) && (src[i] == '"' || src[i] == '\'') {
		i++
	}
	return i, true
}

// isValueDelimiter tells the bytes that end a key's value: a space, a
// quote, a flow or query delimiter.
var isValueDelimiter = byteSet(" \t\r\n\"',}]&")

// looksLikeCredential tells a credential from prose and placeholders: at
// least 6 printable ASCII characters, no placeholder syntax, no URL, and
// either two classes of characters (lower, upper, digit, symbol) or 20
// characters or more. "voir DataPass", "${TOKEN}", "<à remplir>",
// "********" and "null" are not credentials; "Lyon2024!" is.
func looksLikeCredential(v []byte) bool {
	sp := readValueSpan(v, 0, len(v))
	return sp.looksLikeCredential(v, 0)
}

// valueSpan is what the scans need to know of the values src[start:end],
// for every start from "from" on: it is read once, backward from end, and
// then answers for each start in constant time. The values of keys that
// end at the same delimiter share a span: in a file without delimiters
// ("#password=" over 64 KiB), every key's value runs to the end of the file
// and is a suffix of the previous one, and reading each would be
// quadratic.
type valueSpan struct {
	from, end int
	// The last offset in src[from:end], or from-1 if there is none, of:
	lastBad    int    // a byte that is not printable ASCII, or a "://"
	lastNotB64 int    // a byte outside the base64url alphabet
	lastClass  [4]int // a lower-case letter, a capital, a digit, a symbol
	// src[runFrom:end] is one byte repeated, and src[runFrom-1] another.
	runFrom int
}

// Character classes, the indexes of valueSpan.lastClass.
const (
	classLower = iota
	classUpper
	classDigit
	classSymbol
)

// readValueSpan reads src[from:end] backward.
func readValueSpan(src []byte, from, end int) valueSpan {
	none := from - 1
	sp := valueSpan{from: from, end: end, lastBad: none, lastNotB64: none,
		lastClass: [4]int{none, none, none, none}, runFrom: end}
	for p := end - 1; p >= from; p-- {
		c := src[p]
		if sp.runFrom == p+1 && c == src[end-1] {
			sp.runFrom = p
		}
		if sp.lastNotB64 == none && !isBase64URLByte(c) {
			sp.lastNotB64 = p
		}
		if sp.lastBad == none && (c < 0x21 || c > 0x7e || c == ':' && p+3 <= end && src[p+1] == '/' && src[p+2] == '/') {
			sp.lastBad = p
		}
		var class int
		switch {
		case c < 0x21 || c > 0x7e:
			continue // no class: lastBad rules such a value out
		case 'a' <= c && c <= 'z':
			class = classLower
		case 'A' <= c && c <= 'Z':
			class = classUpper
		case '0' <= c && c <= '9':
			class = classDigit
		default:
			class = classSymbol
		}
		if sp.lastClass[class] == none {
			sp.lastClass[class] = p
		}
	}
	return sp
}

// looksLikeCredential is looksLikeCredential(src[start:sp.end]), for a
// start in the span.
func (sp *valueSpan) looksLikeCredential(src []byte, start int) bool {
	n := sp.end - start
	if n < 6 || sp.lastBad >= start {
		return false // short, a URL, or non-ASCII: a French word
	}
	switch src[start] {
	case '<', '$', '{', '%', '*', '[', '(', '|', '>', '&', '!':
		return false
	}
	if start >= sp.runFrom {
		return false // "xxxxxxxx", "00000000"
	}
	classes := 0
	for _, last := range sp.lastClass {
		if last >= start {
			classes++
		}
	}
	return classes >= 2 || n >= 20
}

// isBase64URL reports whether src[start:sp.end] is base64url, for a start
// in the span.
func (sp *valueSpan) isBase64URL(start int) bool { return sp.lastNotB64 < start }

// keyBefore returns the key of the YAML/JSON entry whose value starts at
// pos on the line that starts at start, or nil: the word right before `:`
// preceding pos.
func keyBefore(src []byte, start, pos int) []byte {
	i := pos
	for i > start && (src[i-1] == ' ' || src[i-1] == '\t' || src[i-1] == '"' || src[i-1] == '\'') {
		i--
	}
	if i == start || src[i-1] != ':' {
		return nil
	}
	i--
	for i > start && (src[i-1] == '"' || src[i-1] == '\'') {
		i--
	}
	end := i
	for i > start && isKeyByte(src[i-1]) {
		i--
	}
	return src[i:end]
}

func lineBounds(src []byte, at int) (start, end int) {
	start = bytes.LastIndexByte(src[:at], '\n') + 1
	end = bytes.IndexByte(src[at:], '\n')
	if end < 0 {
		return start, len(src)
	}
	return start, at + end
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

func isBase64URLByte(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }

func isAlnumOrHyphen(c byte) bool { return isAlnum(c) || c == '-' }

func isUpperOrDigit(c byte) bool { return 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' }

func isKeyByte(c byte) bool { return isAlnum(c) || c == '_' || c == '-' || c == '.' }

// Position converts a byte offset of src into a 1-based line and column,
// the column counted in characters as YAML positions are.
func Position(src []byte, off int) (line, col int) {
	off = min(max(off, 0), len(src))
	start := bytes.LastIndexByte(src[:off], '\n') + 1
	return bytes.Count(src[:start], []byte("\n")) + 1, utf8.RuneCount(src[start:off]) + 1
}

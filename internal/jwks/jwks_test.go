package jwks

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/finding"
)

// jwksCase is one JWKS with the problems expected, written "kind" for an
// error, "kind?" for a warning, with "@i" for a key index.
type jwksCase struct {
	name    string
	alg     string
	body    []byte
	want    []string
	usable  []int
	message string // a substring of the English message of the last problem
}

func jwksCases(t testing.TB) []jwksCase {
	rsaGood, rsaWeak := rsaKeys(t)
	ecKeys(t)
	ec := jwk(t, &p256.PublicKey, "enc", "ECDH-ES")
	ecBare := jwk(t, &p256.PublicKey, "", "")
	rsaEnc := jwk(t, &rsaGood.PublicKey, "enc", "RSA-OAEP-256")
	rsaExp := func(e []byte) map[string]any { return with(rsaEnc, "e", b64u(e)) }
	rsa8192 := with(rsaEnc, "n", b64u(new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 8191), big.NewInt(1)).Bytes()))
	x5c := with(ec, "x5c", []string{base64.StdEncoding.EncodeToString(x5cOtherKeyDER)})
	return []jwksCase{
		{name: "EC P-256 enc", alg: "ECDH-ES", body: set(t, ec), usable: []int{0}},
		{name: "EC P-256 without use nor alg", alg: "ECDH-ES", body: set(t, ecBare), usable: []int{0}},
		{name: "EC P-384", alg: "ECDH-ES", body: set(t, jwk(t, &p384.PublicKey, "enc", "")), usable: []int{0}},
		{name: "EC P-521", alg: "ECDH-ES", body: set(t, jwk(t, &p521.PublicKey, "", "ECDH-ES")), usable: []int{0}},
		{name: "RSA 2048 enc", alg: "RSA-OAEP-256", body: set(t, rsaEnc), usable: []int{0}},
		{name: "RSA beyond go-jose's 4096 bits", alg: "RSA-OAEP-256", body: set(t, rsa8192), usable: []int{0}},
		{name: "sig key beside enc key", alg: "ECDH-ES", body: set(t, jwk(t, &p256b.PublicKey, "sig", "ES256"), ec), usable: []int{1}},
		{name: "no alg chosen", alg: "", body: set(t, ec)},
		{name: "BOM", alg: "ECDH-ES", body: append([]byte("\xef\xbb\xbf"), set(t, ec)...), want: []string{"bom?"}, usable: []int{0}},

		{name: "private d", alg: "ECDH-ES", body: set(t, jwk(t, p256, "enc", "")),
			want: []string{"private-key@0", "no-usable-key"}},
		{name: "private d beside a public key", alg: "ECDH-ES", body: set(t, ec, jwk(t, p256b, "enc", "")),
			want: []string{"private-key@1"}, usable: []int{0}, message: `private key published (members "d")`},
		{name: "private RSA", alg: "RSA-OAEP-256", body: set(t, rsaEnc, jwk(t, rsaGood, "enc", "")),
			want: []string{"private-key@1"}, usable: []int{0}, message: `"d", "p", "q", "dp", "dq", "qi"`},
		{name: "RSA 1024", alg: "RSA-OAEP-256", body: set(t, jwk(t, &rsaWeak.PublicKey, "enc", "")),
			want: []string{"weak-rsa@0"}, message: "1024-bit RSA key"},
		{name: "RSA 1024 signing key beside EC", alg: "ECDH-ES", body: set(t, jwk(t, &rsaWeak.PublicKey, "sig", "RS256"), ec),
			want: []string{"weak-rsa?@0"}, usable: []int{1}},
		{name: "only use sig", alg: "ECDH-ES", body: set(t, jwk(t, &p256.PublicKey, "sig", "")),
			want: []string{"no-usable-key"}, message: `no key usable for encryption with ECDH-ES`},
		{name: "use other than enc", alg: "ECDH-ES", body: set(t, with(ec, "use", "wrap")),
			want: []string{"no-usable-key"}, message: `"use" other than "enc"`},
		{name: "other alg", alg: "ECDH-ES", body: set(t, with(ec, "alg", "ECDH-ES+A256KW")),
			want: []string{"no-usable-key"}, message: `"alg": "ECDH-ES+A256KW"`},
		{name: "unknown alg value", alg: "ECDH-ES", body: set(t, with(ec, "alg", "X-"+strings.Repeat("Q", 30))),
			want: []string{"no-usable-key"}, message: `different "alg"`},
		{name: "EC key for RSA-OAEP-256", alg: "RSA-OAEP-256", body: set(t, ec),
			want: []string{"no-usable-key"}, message: "keys[0]: EC key"},
		{name: "RSA-OAEP key for RSA-OAEP-256", alg: "RSA-OAEP-256", body: set(t, with(rsaEnc, "alg", "RSA-OAEP")),
			want: []string{"no-usable-key"}},
		{name: "Ed25519 for ECDH-ES", alg: "ECDH-ES", body: set(t, jwk(t, ed25519Pub, "", "")),
			want: []string{"no-usable-key"}, message: "Ed25519 signing key"},
		{name: "oct", alg: "ECDH-ES", body: set(t, ec, map[string]any{"kty": "oct", "k": b64u([]byte("0123456789abcdef0123456789abcdef"))}),
			want: []string{"symmetric-key@1"}, usable: []int{0}},
		{name: "X25519 beside EC", alg: "ECDH-ES", body: set(t, okpX25519(), ec),
			want: []string{"unsupported-key?@0"}, usable: []int{1}},
		{name: "only X25519", alg: "ECDH-ES", body: set(t, okpX25519()),
			want: []string{"unsupported-key?@0", "no-usable-key"}},
		{name: "secp256k1", alg: "ECDH-ES", body: set(t, with(ec, "crv", "secp256k1"), ec),
			want: []string{"unsupported-key?@0"}, usable: []int{1}},
		{name: "unknown kty", alg: "ECDH-ES", body: set(t, map[string]any{"kty": "AKP", "alg": "ML-DSA-44", "pub": "AAAA"}, ec),
			want: []string{"unsupported-key?@0"}, usable: []int{1}},
		{name: "EC off the curve", alg: "ECDH-ES", body: set(t, offCurve(t, p256)),
			want: []string{"not-on-curve@0", "no-usable-key"}, message: "no key usable"},
		{name: "EC point zero", alg: "ECDH-ES", body: set(t, with(ec, "x", b64u(make([]byte, 32)), "y", b64u(make([]byte, 32)))),
			want: []string{"not-on-curve@0", "no-usable-key"}},
		{name: "EC short x", alg: "ECDH-ES", body: set(t, with(ec, "x", b64u(make([]byte, 31)))),
			want: []string{"invalid-key@0", "no-usable-key"}},
		{name: "EC padded base64", alg: "ECDH-ES", body: set(t, with(ec, "x", ec["x"].(string)+"=")),
			want: []string{"invalid-key@0", "no-usable-key"}},
		{name: "EC without crv", alg: "ECDH-ES", body: set(t, with(ec, "crv", nil)),
			want: []string{"invalid-key@0", "no-usable-key"}},
		{name: "EC x5c of another key", alg: "ECDH-ES", body: set(t, x5c),
			want: []string{"invalid-key@0", "no-usable-key"}},
		{name: "e = 1", alg: "RSA-OAEP-256", body: set(t, rsaExp([]byte{1})),
			want: []string{"bad-exponent@0", "no-usable-key"}},
		{name: "e even", alg: "RSA-OAEP-256", body: set(t, rsaExp([]byte{1, 0, 0})),
			want: []string{"bad-exponent@0", "no-usable-key"}},
		{name: "e = 2^31 + 1", alg: "RSA-OAEP-256", body: set(t, rsaExp([]byte{0x80, 0, 0, 1})),
			want: []string{"bad-exponent@0", "no-usable-key"}},
		{name: "n even", alg: "RSA-OAEP-256", body: set(t, with(rsaEnc, "n", b64u(append(new(big.Int).Set(rsaGood.N).Bytes()[:255], 2)))),
			want: []string{"invalid-key@0", "no-usable-key"}},
		{name: "RSA beyond 16384 bits", alg: "RSA-OAEP-256", body: set(t, with(rsaEnc, "n", strings.Repeat("_", 2800))),
			want: []string{"invalid-key@0", "no-usable-key"}, message: "larger than 16384 bits"},
		{name: "RSA without e", alg: "RSA-OAEP-256", body: set(t, with(rsaEnc, "e", nil)),
			want: []string{"invalid-key@0", "no-usable-key"}},
		{name: "use not a string", alg: "ECDH-ES", body: set(t, with(ec, "use", 1)),
			want: []string{"invalid-key@0", "no-usable-key"}},
		{name: "missing kty", alg: "ECDH-ES", body: set(t, with(ec, "kty", nil)),
			want: []string{"missing-kty@0", "no-usable-key"}},
		{name: "key not an object", alg: "ECDH-ES", body: []byte(`{"keys":["` + strings.Repeat("A", 40) + `"]}`),
			want: []string{"key-not-object@0", "no-usable-key"}},

		{name: "HTML login page", alg: "ECDH-ES", body: []byte("<!DOCTYPE html>\n<html><body><form action=/login>SECRET-PAGE-" + strings.Repeat("x", 30) + "</form></body></html>"),
			want: []string{"not-json"}, message: "HTML page"},
		{name: "empty body", alg: "ECDH-ES", body: []byte(" \n"), want: []string{"not-json"}},
		{name: "invalid JSON", alg: "ECDH-ES", body: []byte(`{"keys":[}`), want: []string{"not-json"}, message: "byte 10"},
		{name: "not UTF-8", alg: "ECDH-ES", body: []byte("{\"keys\":[\"\xff\"]}"), want: []string{"not-json"}},
		{name: "array", alg: "ECDH-ES", body: []byte(`[{"kty":"EC"}]`), want: []string{"not-object"}, message: "expected, not an array"},
		{name: "duplicate keys member", alg: "ECDH-ES",
			body: []byte(`{"keys":[` + string(mustJSON(t, ec)) + `],"keys":[]}`),
			want: []string{"duplicate-member"}, message: `member "keys" appears twice`},
		{name: "duplicate keys member, escaped", alg: "ECDH-ES",
			body: []byte(`{"keys":[],"k\u0065ys":[` + string(mustJSON(t, ec)) + `]}`),
			want: []string{"duplicate-member"}},
		{name: "duplicate non-standard member", alg: "ECDH-ES",
			body: []byte(`{"keys":[` + string(mustJSON(t, ec)) + `],"` + strings.Repeat("W", 30) + `":1,"` + strings.Repeat("W", 30) + `":2}`),
			want: []string{"duplicate-member"}, message: "a non-standard member appears twice"},
		{name: "duplicate kty in a key", alg: "ECDH-ES",
			body: []byte(`{"keys":[{"kty":"oct",` + strings.TrimPrefix(string(mustJSON(t, ec)), "{") + `]}`),
			want: []string{"duplicate-member@0", "no-usable-key"}, message: "no key usable"},
		{name: "empty keys", alg: "ECDH-ES", body: []byte(`{"keys":[]}`), want: []string{"empty-keys"}},
		{name: "missing keys", alg: "ECDH-ES", body: []byte(`{"key":[]}`), want: []string{"missing-keys"}},
		{name: "keys null", alg: "ECDH-ES", body: []byte(`{"keys":null}`), want: []string{"keys-not-array"}},
		{name: "keys object", alg: "ECDH-ES", body: []byte(`{"keys":{"kty":"EC"}}`), want: []string{"keys-not-array"}},
		{name: "unknown algorithm", alg: "A128KW", body: set(t, ec), want: []string{"unknown-alg"}},
	}
}

func mustJSON(t testing.TB, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func describe(ps []Problem) []string {
	var out []string
	for _, p := range ps {
		s := string(p.Kind)
		if p.Severity == finding.Warning {
			s += "?"
		}
		if p.Index >= 0 {
			s += fmt.Sprintf("@%d", p.Index)
		}
		out = append(out, s)
	}
	return out
}

func TestParseJWKS(t *testing.T) {
	for _, tc := range jwksCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			r := ParseJWKS(tc.body, tc.alg)
			if got := describe(r.Problems); !slices.Equal(got, tc.want) {
				t.Errorf("problems %q, want %q", got, tc.want)
				for _, p := range r.Problems {
					t.Log(p.Message.EN)
				}
			}
			if !slices.Equal(r.Usable, tc.usable) {
				t.Errorf("usable %v, want %v", r.Usable, tc.usable)
			}
			if r.HasError() != slices.ContainsFunc(tc.want, func(s string) bool { return !strings.Contains(s, "?") }) {
				t.Errorf("HasError = %v", r.HasError())
			}
			if tc.message != "" && (len(r.Problems) == 0 || !containsMessage(r.Problems, tc.message)) {
				t.Errorf("no message contains %q", tc.message)
				for _, p := range r.Problems {
					t.Log(p.Message.EN)
				}
			}
			checkProblems(t, tc.body, r.Problems)
		})
	}
}

func containsMessage(ps []Problem, s string) bool {
	return slices.ContainsFunc(ps, func(p Problem) bool { return strings.Contains(p.Message.EN, s) })
}

// checkProblems holds for every result: both languages, a known severity,
// and nothing of the body quoted.
func checkProblems(t testing.TB, body []byte, ps []Problem) {
	t.Helper()
	if len(ps) > MaxProblems {
		t.Errorf("%d problems, more than %d", len(ps), MaxProblems)
	}
	for _, p := range ps {
		if p.Kind == "" || p.Message.FR == "" || p.Message.EN == "" || p.Message.FR == p.Message.EN && p.Kind != Truncated {
			t.Errorf("incomplete problem %+v", p)
		}
		if p.Severity != finding.Error && p.Severity != finding.Warning {
			t.Errorf("severity %q", p.Severity)
		}
	}
	assertNoEcho(t, body, ps)
}

func TestParseJWKSManyKeys(t *testing.T) {
	ecKeys(t)
	var keys []any
	for range 40 {
		keys = append(keys, okpX25519())
	}
	keys = append(keys, jwk(t, p256, "enc", "")) // a private key, last
	r := ParseJWKS(set(t, keys...), "ECDH-ES")
	if len(r.Problems) != MaxProblems {
		t.Fatalf("%d problems, want %d", len(r.Problems), MaxProblems)
	}
	// The errors come first, whatever their place in the set.
	if got := describe(r.Problems[:2]); !slices.Equal(got, []string{"private-key@40", "no-usable-key"}) {
		t.Errorf("first problems %q", got)
	}
	if last := r.Problems[MaxProblems-1]; last.Kind != Truncated || last.Severity != finding.Warning ||
		!strings.Contains(last.Message.EN, "23 more") {
		t.Errorf("last problem %+v", last)
	}
	if r.Keys != 41 {
		t.Errorf("Keys = %d", r.Keys)
	}
}

func TestLimitKeepsErrorSeverity(t *testing.T) {
	var ps []Problem
	for i := range 30 {
		ps = append(ps, errorp(InvalidKey, i, finding.T("x", "y")))
	}
	got := limit(ps)
	if len(got) != MaxProblems || got[MaxProblems-1].Severity != finding.Error {
		t.Errorf("limit: %d problems, last %+v", len(got), got[len(got)-1])
	}
}

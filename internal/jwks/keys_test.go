package jwks

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Real keys for the tests. RSA generation is slow: once per test binary.
var (
	rsaOnce          sync.Once
	rsa2048, rsa1024 *rsa.PrivateKey
	ecOnce           sync.Once
	p256, p384, p521 *ecdsa.PrivateKey
	p256b            *ecdsa.PrivateKey
	x25519           *ecdh.PrivateKey
	ed25519Pub       ed25519.PublicKey
	x5cOtherKeyDER   []byte
)

func rsaKeys(t testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	rsaOnce.Do(func() {
		var err error
		if rsa2048, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if rsa1024, err = rsa.GenerateKey(rand.Reader, 1024); err != nil {
			panic(err)
		}
	})
	return rsa2048, rsa1024
}

func ecKeys(t testing.TB) {
	t.Helper()
	ecOnce.Do(func() {
		must := func(k *ecdsa.PrivateKey, err error) *ecdsa.PrivateKey {
			if err != nil {
				panic(err)
			}
			return k
		}
		p256 = must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
		p256b = must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
		p384 = must(ecdsa.GenerateKey(elliptic.P384(), rand.Reader))
		p521 = must(ecdsa.GenerateKey(elliptic.P521(), rand.Reader))
		var err error
		if x25519, err = ecdh.X25519().GenerateKey(rand.Reader); err != nil {
			panic(err)
		}
		if ed25519Pub, _, err = ed25519.GenerateKey(rand.Reader); err != nil {
			panic(err)
		}
		// A self-signed certificate of another key, for an x5c that does
		// not match the JWK it sits in.
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fs.example.fr"},
			NotBefore: time.Unix(0, 0), NotAfter: time.Unix(0, 0).Add(time.Hour)}
		if x5cOtherKeyDER, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &p256b.PublicKey, p256b); err != nil {
			panic(err)
		}
	})
}

// jwk marshals key with go-jose and returns its members, to be edited.
func jwk(t testing.TB, key any, use, alg string) map[string]any {
	t.Helper()
	b, err := (&jose.JSONWebKey{Key: key, Use: use, Algorithm: alg, KeyID: "kid-" + strings.Repeat("Z", 24)}).MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(out, kv[i].(string))
		} else {
			out[kv[i].(string)] = kv[i+1]
		}
	}
	return out
}

func set(t testing.TB, keys ...any) []byte {
	t.Helper()
	b, err := json.Marshal(map[string]any{"keys": keys})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func b64u(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// offCurve returns an EC JWK whose y is changed by one bit.
func offCurve(t testing.TB, k *ecdsa.PrivateKey) map[string]any {
	m := jwk(t, &k.PublicKey, "enc", "")
	y, _ := base64.RawURLEncoding.DecodeString(m["y"].(string))
	y[len(y)-1] ^= 1
	return with(m, "y", b64u(y))
}

// okpX25519 is an X25519 public key as a JWK (go-jose cannot marshal one).
func okpX25519() map[string]any {
	return map[string]any{"kty": "OKP", "crv": "X25519", "use": "enc", "x": b64u(x25519.PublicKey().Bytes())}
}

var base64ish = regexp.MustCompile(`[A-Za-z0-9_-]{20,}`)

// assertNoEcho fails if a message quotes a long base64url-like run of the
// body: key material, a kid, a token.
func assertNoEcho(t testing.TB, body []byte, ps []Problem) {
	t.Helper()
	for _, run := range base64ish.FindAll(body, -1) {
		for _, p := range ps {
			if bytes.Contains([]byte(p.Message.FR+p.Message.EN), run) {
				t.Errorf("message quotes the body (%.12s…): %s", run, p.Message.EN)
			}
		}
	}
}

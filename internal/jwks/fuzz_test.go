package jwks

import (
	"slices"
	"strings"
	"testing"
)

var fuzzAlgs = []string{"ECDH-ES", "RSA-OAEP-256", "", "ECDH-ES+A128KW", "bogus"}

// FuzzParseJWKS checks that no document makes ParseJWKS panic, report more
// than MaxProblems, name a key that does not exist, or quote the document.
func FuzzParseJWKS(f *testing.F) {
	for _, tc := range jwksCases(f) {
		f.Add(tc.body, uint8(slices.Index(fuzzAlgs, tc.alg)))
	}
	f.Add([]byte(`{"keys":[{"kty":"RSA","n":"`+strings.Repeat("_", 700)+`","e":"AQAB"}]}`), uint8(1))
	f.Add([]byte(`{"keys":[{"kty":"EC","crv":"P-256","x":1e999,"y":[]}]}`), uint8(0))
	f.Add([]byte(strings.Repeat("[", 20000)), uint8(0))
	f.Fuzz(func(t *testing.T, body []byte, algIndex uint8) {
		alg := fuzzAlgs[int(algIndex)%len(fuzzAlgs)]
		r := ParseJWKS(body, alg)
		checkProblems(t, body, r.Problems)
		for _, p := range r.Problems {
			if p.Index < -1 || p.Index >= max(r.Keys, 1) {
				t.Errorf("problem about keys[%d] of %d keys: %+v", p.Index, r.Keys, p)
			}
		}
		for j, u := range r.Usable {
			if u < 0 || u >= r.Keys || j > 0 && r.Usable[j-1] >= u {
				t.Errorf("usable %v of %d keys", r.Usable, r.Keys)
			}
		}
		if _, known := families[alg]; known && len(r.Usable) == 0 && !r.HasError() {
			t.Errorf("no usable key for %s and no error: %q", alg, describe(r.Problems))
		}
		if len(r.Usable) > 0 && r.Keys == 0 {
			t.Error("usable keys in an empty set")
		}
	})
}

// FuzzParseSector checks the same properties of ParseSector; uris holds the
// redirect URIs separated by newlines.
func FuzzParseSector(f *testing.F) {
	for _, tc := range sectorCases {
		f.Add([]byte(tc.body), strings.Join(tc.uris, "\n"))
	}
	f.Fuzz(func(t *testing.T, body []byte, uris string) {
		list := strings.Split(uris, "\n")
		ps := ParseSector(body, list)
		if len(ps) > MaxProblems {
			t.Errorf("%d problems", len(ps))
		}
		for _, p := range ps {
			if p.Kind == "" || p.Message.FR == "" || p.Message.EN == "" {
				t.Errorf("incomplete problem %+v", p)
			}
			if p.Kind == MissingRedirectURI && (p.Index < 0 || p.Index >= len(list) || list[p.Index] == "") {
				t.Errorf("missing URI index %d of %d", p.Index, len(list))
			}
		}
		// Redirect URIs are quoted on purpose (they are the request's);
		// anything else of the body must not be.
		var quoted []Problem
		for _, p := range ps {
			if p.Kind != MissingRedirectURI {
				quoted = append(quoted, p)
			}
		}
		assertNoEcho(t, body, quoted)
	})
}

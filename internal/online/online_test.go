package online_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-jose/go-jose/v4"

	"github.com/fsgate/fsgate/internal/fetch"
	"github.com/fsgate/fsgate/internal/fetch/fetchtest"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/gen"
	"github.com/fsgate/fsgate/internal/online"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/rules"
	"github.com/fsgate/fsgate/internal/validate"
)

var update = flag.Bool("update", false, "rewrite the golden file")

// server serves documents by path and counts the requests.
type server struct {
	*httptest.Server
	hits atomic.Int32
}

func newServer(t *testing.T, docs map[string]string) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		switch body, ok := docs[r.URL.Path]; {
		case r.URL.Path == "/moved":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		case !ok:
			http.NotFound(w, r)
		default:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, body)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func jwksOf(t *testing.T, keys ...jose.JSONWebKey) string {
	t.Helper()
	b, err := json.Marshal(jose.JSONWebKeySet{Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCheck(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	public := jose.JSONWebKey{Key: &ec.PublicKey, KeyID: "enc-1", Use: "enc", Algorithm: "ECDH-ES"}
	private := jose.JSONWebKey{Key: ec, KeyID: "leak", Use: "enc"}
	signing := jose.JSONWebKey{Key: &ec.PublicKey, KeyID: "sig", Use: "sig"}
	cb := "https://famille.lyon.fr/oidc/callback"
	cb2 := "https://demarches.lyon.fr/oidc/callback"
	srv := newServer(t, map[string]string{
		"/sector.json":         `["` + cb + `","` + cb2 + `"]`,
		"/sector-missing.json": `["` + cb + `"]`,
		"/sector-object.json":  `{"redirect_uris":["` + cb + `"]}`,
		"/jwks.json":           jwksOf(t, public),
		"/jwks-private.json":   jwksOf(t, private),
		"/jwks-sig-only.json":  jwksOf(t, signing),
		"/login.html":          "<html><body>Connexion</body></html>",
	})
	url := func(p string) string { return srv.URL + p }
	req := func(sector, jwks string) *request.Request {
		return &request.Request{Platform: request.FranceConnectPlus, Encryption: "ECDH-ES",
			RedirectURIs: []string{cb, cb2}, SectorIdentifierURI: sector, JWKSURI: jwks}
	}
	tests := []struct {
		name string
		req  *request.Request
		want []string // rule severity pointer
	}{
		{"both documents good", req(url("/sector.json"), url("/jwks.json")), nil},
		{"redirect uri missing from the sector", req(url("/sector-missing.json"), url("/jwks.json")),
			[]string{"sector-identifier-content error /spec/redirectUris/1"}},
		{"sector is an object", req(url("/sector-object.json"), url("/jwks.json")),
			[]string{"sector-identifier-content error /spec/sectorIdentifierUri"}},
		{"private key published", req(url("/sector.json"), url("/jwks-private.json")),
			[]string{"jwks-content error /spec/jwksUri", "jwks-content error /spec/jwksUri"}},
		{"only a signing key", req(url("/sector.json"), url("/jwks-sig-only.json")),
			[]string{"jwks-content error /spec/jwksUri"}},
		{"html login page", req(url("/sector.json"), url("/login.html")),
			[]string{"fetch-failed warning /spec/jwksUri"}},
		{"not found", req(url("/nope.json"), url("/jwks.json")),
			[]string{"fetch-failed warning /spec/sectorIdentifierUri"}},
		{"redirect to the metadata address", req(url("/moved"), url("/jwks.json")),
			[]string{"fetch-failed warning /spec/sectorIdentifierUri"}},
		{"FranceConnect has no JWKS to check", &request.Request{Platform: request.FranceConnect, JWKSURI: url("/jwks-private.json")}, nil},
	}
	var golden strings.Builder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fetch.New(fetchtest.Options(srv.Server)...)
			fs := online.Check(context.Background(), f, []*rules.File{{Path: "p.yaml", Request: tt.req}})
			var got []string
			fmt.Fprintf(&golden, "== %s\n", tt.name)
			for _, fd := range fs {
				got = append(got, fmt.Sprintf("%s %s %s", fd.Rule, fd.Severity, fd.Pointer))
				fmt.Fprintf(&golden, "%s [%s]\n  fr: %s\n  en: %s\n", fd.Pointer, fd.Rule, fd.Message.FR, fd.Message.EN)
				if strings.Contains(fd.Message.FR+fd.Message.EN, "Connexion") || strings.Contains(fd.Message.FR+fd.Message.EN, "leak") {
					t.Errorf("a message echoes the fetched document: %s", fd.Message.EN)
				}
				if fd.Path != "p.yaml" {
					t.Errorf("path %q", fd.Path)
				}
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
	path := filepath.Join("testdata", "messages.golden")
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(path, []byte(golden.String()), 0o644)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// The server's port changes from run to run.
	got := strings.ReplaceAll(golden.String(), srv.URL, "https://SERVER")
	if got != strings.ReplaceAll(string(want), srv.URL, "https://SERVER") {
		t.Errorf("messages differ from %s (run -update):\n%s", path, got)
	}
}

// TestOneFetchPerURL: two requests sharing a JWKS cost one request.
func TestOneFetchPerURL(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srv := newServer(t, map[string]string{"/jwks.json": jwksOf(t, jose.JSONWebKey{Key: &ec.PublicKey, Use: "enc"})})
	r := &request.Request{Platform: request.FranceConnectPlus, Encryption: "ECDH-ES", JWKSURI: srv.URL + "/jwks.json"}
	f := fetch.New(fetchtest.Options(srv.Server)...)
	fs := online.Check(context.Background(), f, []*rules.File{{Path: "a.yaml", Request: r}, {Path: "b.yaml", Request: r}})
	if len(fs) != 0 || srv.hits.Load() != 1 {
		t.Errorf("%d findings, %d requests; want 0 and 1", len(fs), srv.hits.Load())
	}
}

// TestValidateOnline: --online goes through validate, for the files in
// scope only, and without the test allowance loopback is refused (a
// warning, not an error: CI stays green when a server is unreachable).
func TestValidateOnline(t *testing.T) {
	root := t.TempDir()
	if err := gen.Tree(root, 4, 1); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, map[string]string{})
	// Point every FC+ request's JWKS at the local server (404 there).
	matches, _ := filepath.Glob(filepath.Join(root, "providers", "franceconnect-plus", "*", "*.yaml"))
	if len(matches) == 0 {
		t.Fatal("no FC+ request generated")
	}
	for _, m := range matches {
		src, _ := os.ReadFile(m)
		lines := strings.Split(string(src), "\n")
		for i, l := range lines {
			if strings.HasPrefix(l, "  jwksUri: ") {
				lines[i] = "  jwksUri: " + srv.URL + "/jwks.json"
			}
		}
		os.WriteFile(m, []byte(strings.Join(lines, "\n")), 0o644)
	}
	res, err := validate.Run(validate.Options{Root: root, Paths: []string{matches[0]}, Online: true})
	if err != nil {
		t.Fatal(err)
	}
	var failed []finding.Finding
	for _, f := range res.Findings {
		if f.Rule == rules.FetchFailed.ID {
			failed = append(failed, f)
		}
	}
	rel, _ := filepath.Rel(root, matches[0])
	if len(failed) != 1 || failed[0].Path != filepath.ToSlash(rel) || failed[0].Line == 0 {
		t.Fatalf("want one located fetch-failed on the file in scope, got %+v", failed)
	}
	if !strings.Contains(failed[0].Message.EN, "refused") {
		t.Errorf("without the allowance, loopback must be refused: %s", failed[0].Message.EN)
	}
	if srv.hits.Load() != 0 {
		t.Errorf("the server was reached %d times", srv.hits.Load())
	}
}

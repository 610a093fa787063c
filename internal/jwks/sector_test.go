package jwks

import (
	"slices"
	"strings"
	"testing"
)

type sectorCase struct {
	name    string
	body    string
	uris    []string
	want    []string
	message string
}

var sectorCases = []sectorCase{
	{name: "every URI", body: `["https://a.example.fr/cb","https://b.example.fr/cb"]`,
		uris: []string{"https://a.example.fr/cb", "https://b.example.fr/cb"}},
	{name: "more URIs than the request", body: `["https://a.example.fr/cb","https://other.example.fr/cb"]`,
		uris: []string{"https://a.example.fr/cb"}},
	{name: "escaped slashes are the same string", body: `["https:\/\/a.example.fr\/cb"]`,
		uris: []string{"https://a.example.fr/cb"}},
	{name: "duplicates in the document", body: `["https://a.example.fr/cb","https://a.example.fr/cb"]`,
		uris: []string{"https://a.example.fr/cb"}},
	{name: "no redirect URI to check", body: `["https://a.example.fr/cb"]`},
	{name: "empty redirect URI skipped", body: `["https://a.example.fr/cb"]`, uris: []string{"", "https://a.example.fr/cb"}},
	{name: "BOM", body: "\xef\xbb\xbf[\"https://a.example.fr/cb\"]", uris: []string{"https://a.example.fr/cb"}, want: []string{"bom?"}},

	{name: "one URI missing", body: `["https://a.example.fr/cb"]`,
		uris: []string{"https://a.example.fr/cb", "https://b.example.fr/cb"},
		want: []string{"missing-redirect-uri@1"}, message: "https://b.example.fr/cb (redirectUris[1]) is not listed"},
	{name: "raw string comparison: case", body: `["https://A.example.fr/cb"]`,
		uris: []string{"https://a.example.fr/cb"}, want: []string{"missing-redirect-uri@0"}},
	{name: "raw string comparison: trailing slash", body: `["https://a.example.fr/cb/"]`,
		uris: []string{"https://a.example.fr/cb"}, want: []string{"missing-redirect-uri@0"}},
	{name: "object", body: `{"redirect_uris":["https://a.example.fr/cb"]}`,
		uris: []string{"https://a.example.fr/cb"}, want: []string{"not-array"}, message: "expected, not an object"},
	{name: "number", body: `42`, uris: []string{"https://a.example.fr/cb"}, want: []string{"not-array"}, message: "expected, not a number"},
	{name: "string", body: `"https://a.example.fr/cb"`, uris: []string{"https://a.example.fr/cb"}, want: []string{"not-array"}},
	{name: "null", body: `null`, want: []string{"not-array"}},
	{name: "empty array", body: ` [ ] `, uris: []string{"https://a.example.fr/cb"}, want: []string{"empty-sector"}},
	{name: "element not a string", body: `["https://a.example.fr/cb", {"uri":"https://b.example.fr/cb"}, 3]`,
		uris: []string{"https://a.example.fr/cb", "https://b.example.fr/cb"},
		want: []string{"not-string@1", "not-string@2", "missing-redirect-uri@1"}},
	{name: "invalid JSON", body: `["https://a.example.fr/cb",]`, uris: []string{"https://a.example.fr/cb"},
		want: []string{"not-json"}, message: "invalid JSON (byte 28)"},
	{name: "HTML with status 200", body: "<html><head><title>Connexion</title></head><body>LOGIN-" + strings.Repeat("q", 30) + "</body></html>",
		uris: []string{"https://a.example.fr/cb"}, want: []string{"not-json"}, message: "HTML page"},
	{name: "empty", body: ``, uris: []string{"https://a.example.fr/cb"}, want: []string{"not-json"}},
	{name: "trailing data", body: `["https://a.example.fr/cb"] []`, uris: []string{"https://a.example.fr/cb"}, want: []string{"not-json"}},
}

func TestParseSector(t *testing.T) {
	for _, tc := range sectorCases {
		t.Run(tc.name, func(t *testing.T) {
			ps := ParseSector([]byte(tc.body), tc.uris)
			if got := describe(ps); !slices.Equal(got, tc.want) {
				t.Errorf("problems %q, want %q", got, tc.want)
				for _, p := range ps {
					t.Log(p.Message.EN)
				}
			}
			if tc.message != "" && !containsMessage(ps, tc.message) {
				t.Errorf("no message contains %q", tc.message)
				for _, p := range ps {
					t.Log(p.Message.EN)
				}
			}
			checkProblems(t, []byte(tc.body), ps)
		})
	}
}

func TestParseSectorManyMissing(t *testing.T) {
	var uris []string
	for i := range 50 {
		uris = append(uris, "https://a.example.fr/cb"+strings.Repeat("x", i))
	}
	ps := ParseSector([]byte(`["https://other.example.fr/cb"]`), uris)
	if len(ps) != MaxProblems || ps[MaxProblems-1].Kind != Truncated || !strings.Contains(ps[MaxProblems-1].Message.EN, "31 more") {
		t.Errorf("%d problems, last %+v", len(ps), ps[len(ps)-1])
	}
}

package rules

import (
	"strings"
	"testing"

	"github.com/fsgate/fsgate/docs"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/uri"
)

// uriTestBase is a valid FC+ production request; cases replace lines.
const uriTestBase = `apiVersion: fsgate/v1
kind: ServiceProvider
metadata:
  name: lyon-portail-famille
spec:
  platform: franceconnect-plus
  environment: production
  organisation: Ville de Lyon
  displayName: Lyon - Portail Famille
  site: https://famille.lyon.fr/
  datapass: D12345
  qualification: 123456
  plannedProductionDate: 2027-03-01
  redirectUris:
    - https://famille.lyon.fr/oidc/callback
  postLogoutRedirectUris:
    - https://famille.lyon.fr/oidc/logout
  jwksUri: https://famille.lyon.fr/.well-known/jwks.json
  signature: ES256
  encryption: ECDH-ES
  eidas: eidas2
  scopes: [openid, given_name, family_name, birthdate]
  contacts: [fs-technique@lyon.fr]
`

// uriTestFile loads the base request after replacing, in order, each old
// text of edits by its new text.
func uriTestFile(t *testing.T, edits ...string) *File {
	t.Helper()
	src := uriTestBase
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(src, edits[i]) {
			t.Fatalf("edit: %q not in the base request", edits[i])
		}
		src = strings.Replace(src, edits[i], edits[i+1], 1)
	}
	doc, problems := load.Parse([]byte(src))
	if !doc.Valid {
		t.Fatalf("the test request does not load: %v\n%s", problems, src)
	}
	return &File{Path: "providers/test.yaml", Source: []byte(src), Root: doc.Root, Request: request.FromValue(doc.Value)}
}

// uriFindings runs every URI rule on f, with the rule id filled in.
func uriFindings(f *File) []finding.Finding {
	var out []finding.Finding
	for _, r := range uriRules() {
		for _, fd := range r.Check(&Context{}, f) {
			fd.Rule, fd.Severity = r.ID, r.Severity
			out = append(out, fd)
		}
	}
	return out
}

func describeFindings(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("\n\t" + f.Rule + " " + f.Pointer + ": " + f.Message.FR + " [" + f.Suggestion + "]")
	}
	return b.String()
}

const (
	redirectLine = "    - https://famille.lyon.fr/oidc/callback\n"
	logoutLine   = "    - https://famille.lyon.fr/oidc/logout\n"
	siteLine     = "  site: https://famille.lyon.fr/\n"
	jwksLine     = "  jwksUri: https://famille.lyon.fr/.well-known/jwks.json\n"
	integration  = "  environment: integration\n"
	production   = "  environment: production\n"
)

func TestURIRules(t *testing.T) {
	type expect struct{ rule, pointer, suggestion, contains string }
	cases := []struct {
		name  string
		edits []string
		want  []expect
	}{
		{"base", nil, nil},
		{"fragment", []string{redirectLine, "    - https://famille.lyon.fr/oidc/callback#\n"},
			[]expect{{"uri-fragment", "/spec/redirectUris/0", "https://famille.lyon.fr/oidc/callback", "`spec.redirectUris[0]` contient « # »"}}},
		{"http in production", []string{redirectLine, "    - http://famille.lyon.fr/oidc/callback\n"},
			[]expect{{"uri-https", "/spec/redirectUris/0", "https://famille.lyon.fr/oidc/callback", "seules les URL https://"}}},
		{"localhost in production", []string{logoutLine, "    - http://localhost:3000/logout\n"},
			[]expect{{"uri-https", "/spec/postLogoutRedirectUris/0", "", "« http »"}}},
		{"localhost in integration", []string{production, integration,
			redirectLine, "    - http://localhost:3000/oidc/callback\n",
			logoutLine, "    - http://localhost:3000/oidc/logout\n"}, nil},
		{"localhost site in integration", []string{production, integration, siteLine, "  site: http://localhost:3000/\n"},
			[]expect{{"uri-https", "/spec/site", "", "seules les URL https://"}}},
		{"https localhost site in integration", []string{production, integration, siteLine, "  site: https://localhost:3000/\n"},
			[]expect{{"uri-host", "/spec/site", "", "n'est permis qu'en intégration"}}},
		{"jwks over http in integration", []string{production, integration, jwksLine, "  jwksUri: http://localhost/jwks.json\n"},
			[]expect{{"uri-https", "/spec/jwksUri", "", ""}}},
		{"ip", []string{redirectLine, "    - https://127.1/oidc/callback\n"},
			[]expect{{"uri-host", "/spec/redirectUris/0", "", "« 127.1 »"}}},
		{"special use in production", []string{jwksLine, "  jwksUri: https://famille.lyon.local/jwks.json\n"},
			[]expect{{"uri-host", "/spec/jwksUri", "", "« .local »"}}},
		{"special use in integration", []string{production, integration, jwksLine, "  jwksUri: https://famille.lyon.test/jwks.json\n"}, nil},
		{"canonical", []string{siteLine, "  site: HTTPS://Famille.Lyon.fr:443\n"},
			[]expect{{"uri-canonical", "/spec/site", "https://famille.lyon.fr/", "écrivez https://famille.lyon.fr/"}}},
		{"query", []string{redirectLine, "    - https://famille.lyon.fr/oidc/callback?state=1\n"},
			[]expect{{"uri-query", "/spec/redirectUris/0", "", "« state »"}}},
		{"query on the site is fine", []string{siteLine, "  site: https://famille.lyon.fr/?code=1\n"}, nil},
		{"open redirect", []string{logoutLine, "    - https://famille.lyon.fr/oidc/logout?next=https%3A%2F%2Fevil.example\n"},
			[]expect{{"uri-open-redirect", "/spec/postLogoutRedirectUris/0", "", "« next »"}}},
		{"syntax", []string{redirectLine, "    - https://famille.lyon.fr@evil.example/oidc/callback\n"},
			[]expect{{"uri-syntax", "/spec/redirectUris/0", "", "« evil.example »"}}},
		{"empty item is the schema's", []string{redirectLine, redirectLine + "    - \"\"\n"}, nil},
		{"item not a string is the schema's", []string{redirectLine, redirectLine + "    - 42\n"}, nil},
		{"duplicate", []string{redirectLine, redirectLine + "    - https://famille.lyon.fr/autre\n" + redirectLine},
			[]expect{{"uri-duplicate", "/spec/redirectUris/2", "", "`spec.redirectUris[2]` est la même URL que `spec.redirectUris[0]` :"}}},
		{"duplicate once canonical", []string{logoutLine, logoutLine + "    - https://FAMILLE.lyon.fr/oidc/logout\n"},
			[]expect{
				{"uri-canonical", "/spec/postLogoutRedirectUris/1", "https://famille.lyon.fr/oidc/logout", ""},
				{"uri-duplicate", "/spec/postLogoutRedirectUris/1", "", "écrite autrement"},
			}},
		{"same URI in both lists", []string{logoutLine, redirectLine}, nil},
		{"two hosts", []string{redirectLine, redirectLine + "    - https://demarches.lyon.fr/oidc/callback\n"},
			[]expect{{"sector-identifier-required", "/spec/redirectUris", "", "2 hôtes (famille.lyon.fr, demarches.lyon.fr)"}}},
		{"two ports", []string{redirectLine, redirectLine + "    - https://famille.lyon.fr:8443/oidc/callback\n"},
			[]expect{{"sector-identifier-required", "/spec/redirectUris", "", "famille.lyon.fr:8443"}}},
		{"default port is the same host", []string{redirectLine, redirectLine + "    - https://famille.lyon.fr:443/autre\n"},
			[]expect{{"uri-canonical", "/spec/redirectUris/1", "https://famille.lyon.fr/autre", ""}}},
		{"many hosts", []string{redirectLine, redirectLine +
			"    - https://a.lyon.fr/cb\n    - https://b.lyon.fr/cb\n    - https://c.lyon.fr/cb\n"},
			[]expect{{"sector-identifier-required", "/spec/redirectUris", "", "4 hôtes (famille.lyon.fr, a.lyon.fr, b.lyon.fr, …)"}}},
		{"two hosts with a sector identifier", []string{
			redirectLine, redirectLine + "    - https://demarches.lyon.fr/oidc/callback\n",
			jwksLine, jwksLine + "  sectorIdentifierUri: https://famille.lyon.fr/sector.json\n"}, nil},
		{"two hosts, sector identifier not a string", []string{
			redirectLine, redirectLine + "    - https://demarches.lyon.fr/oidc/callback\n",
			jwksLine, jwksLine + "  sectorIdentifierUri: 42\n"}, nil},
		{"bad sector identifier", []string{jwksLine, jwksLine + "  sectorIdentifierUri: http://famille.lyon.fr/sector.json\n"},
			[]expect{{"uri-https", "/spec/sectorIdentifierUri", "https://famille.lyon.fr/sector.json", ""}}},
		{"unknown environment is production", []string{production, "  environment: recette\n",
			redirectLine, "    - http://localhost/cb\n"},
			[]expect{{"uri-https", "/spec/redirectUris/0", "", ""}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := uriFindings(uriTestFile(t, c.edits...))
			if len(got) != len(c.want) {
				t.Fatalf("got %d findings, want %d:%s", len(got), len(c.want), describeFindings(got))
			}
			for i, w := range c.want {
				g := got[i]
				if g.Rule != w.rule || g.Pointer != w.pointer || g.Suggestion != w.suggestion || !strings.Contains(g.Message.FR, w.contains) {
					t.Errorf("finding %d = %s %s %q [%s]\n\twant %+v", i, g.Rule, g.Pointer, g.Message.FR, g.Suggestion, w)
				}
			}
		})
	}
}

// TestURIPrecedence proves the design decision: a URI that breaks three
// checks (fragment, https, canonical form) gets exactly one finding, from
// the most fundamental check.
func TestURIPrecedence(t *testing.T) {
	f := uriTestFile(t, redirectLine, "    - HTTP://Famille.Lyon.fr:80/oidc/callback#top\n")
	got := uriFindings(f)
	if len(got) != 1 || got[0].Rule != "uri-fragment" {
		t.Fatalf("want exactly one uri-fragment finding, got:%s", describeFindings(got))
	}
	// The suggestion fixes everything mechanical at once.
	if got[0].Suggestion != "https://famille.lyon.fr/oidc/callback" {
		t.Errorf("suggestion %q", got[0].Suggestion)
	}
	// The warning waits for the errors.
	f = uriTestFile(t, redirectLine, "    - https://famille.lyon.fr/oidc/callback?state=1&next=https://evil.example/\n")
	if got := uriFindings(f); len(got) != 1 || got[0].Rule != "uri-query" {
		t.Fatalf("want exactly one uri-query finding, got:%s", describeFindings(got))
	}
}

// TestURIMessages words every reason specifically, in both languages, with
// the field name.
func TestURIMessages(t *testing.T) {
	reasons := []uri.Reason{
		uri.TooLong, uri.NonASCII, uri.Control, uri.Whitespace, uri.EncodedControl, uri.Backslash,
		uri.Wildcard, uri.BadChar, uri.BadPercent, uri.NotAbsolute, uri.ForbiddenScheme, uri.NoAuthority,
		uri.Userinfo, uri.EmptyHost, uri.BadPort, uri.HasFragment, uri.NotHTTPS, uri.IPLiteral,
		uri.NumericHost, uri.TrailingDot, uri.EmptyLabel, uri.HostTooLong, uri.LabelTooLong, uri.BadLabel,
		uri.SingleLabel, uri.Localhost, uri.SpecialUse, uri.BadPunycode, uri.MixedScript, uri.UpperCase,
		uri.DefaultPort, uri.PortForm, uri.EmptyPath, uri.DotSegment, uri.ReservedParam, uri.URLInQuery,
	}
	fallback := uriMessage(uriField{pointer: "/spec/site"}, uri.Problem{Reason: uri.Unparsable})
	for _, opts := range []uri.Options{{Production: true, Redirect: true}, {Localhost: true, Redirect: true}, {}} {
		fl := uriField{pointer: "/spec/redirectUris/3", value: "x", opts: opts}
		for _, r := range reasons {
			msg := uriMessage(fl, uri.Problem{Reason: r, Detail: "443", Fix: "https://x.fr/"})
			if msg.FR == fallback.FR || msg.FR == "" || msg.EN == "" || msg.FR == msg.EN {
				t.Errorf("%s: message not specific or not translated: %+v", r, msg)
			}
			for _, m := range []string{msg.FR, msg.EN} {
				if !strings.HasPrefix(m, "`spec.redirectUris[3]`") {
					t.Errorf("%s: message does not start with the field: %q", r, m)
				}
				if strings.Contains(m, "%!") {
					t.Errorf("%s: bad format: %q", r, m)
				}
			}
		}
	}
}

// TestURIRulesRegisteredAndDocumented: the ids are a contract, and every
// rule has its page with the four sections.
func TestURIRulesRegisteredAndDocumented(t *testing.T) {
	want := map[string]finding.Severity{
		"uri-https": finding.Error, "uri-fragment": finding.Error, "uri-syntax": finding.Error,
		"uri-canonical": finding.Error, "uri-host": finding.Error, "uri-query": finding.Error,
		"uri-open-redirect": finding.Warning, "uri-duplicate": finding.Error,
		"sector-identifier-required": finding.Error,
	}
	rules := uriRules()
	if len(rules) != len(want) {
		t.Errorf("%d URI rules, want %d", len(rules), len(want))
	}
	for _, r := range rules {
		sev, ok := want[r.ID]
		if !ok || r.Severity != sev {
			t.Errorf("rule %s: severity %s, want %s", r.ID, r.Severity, sev)
		}
		if Lookup(r.ID) != r {
			t.Errorf("rule %s is not registered", r.ID)
		}
		if r.Summary.FR == "" || r.Summary.EN == "" || r.Check == nil {
			t.Errorf("rule %s: summary or check missing", r.ID)
		}
		page, err := docs.RulePage(r.ID)
		if err != nil {
			t.Errorf("rule %s has no page: %v", r.ID, err)
			continue
		}
		for _, section := range []string{"## Ce que la règle vérifie", "## Pourquoi", "## Exemple refusé", "## Exemple accepté", "```yaml"} {
			if !strings.Contains(string(page), section) {
				t.Errorf("docs/rules/%s.md lacks %q", r.ID, section)
			}
		}
	}
}

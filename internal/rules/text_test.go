package rules

import (
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/textcheck"
)

func TestDisplayNameRule(t *testing.T) {
	type want struct {
		pointer    string
		contains   []string
		suggestion string
	}
	tests := []struct {
		name, org, display string
		want               []want
	}{
		{"clean", "Ville de Saint-Étienne", "MyPérischool - Saint-Étienne", nil},
		{"RLO", "Ville de Lyon", "Lyon\u202e - Famille", []want{
			{"/spec/displayName", []string{"`spec.displayName`", "U+202E (forçage droite-à-gauche)", "position 5"}, "Lyon - Famille"}}},
		{"zero width twice", "Ville de Lyon", "Ly\u200bon\u200b", []want{
			{"/spec/displayName", []string{"U+200B", "(et 1 autre)"}, "Lyon"}}},
		{"cyrillic in organisation", "Vіlle de Lyon", "Lyon - Famille", []want{
			{"/spec/organisation", []string{"`spec.organisation`", "U+0456 « і » en position 2", "cyrillique", "« i »"}, "Ville de Lyon"}}},
		{"han has no twin", "Ville de Lyon", "Lyon 里昂", []want{
			{"/spec/displayName", []string{"U+91CC", "(et 1 autre)", "chinoise", "alphabet latin"}, ""}}},
		{"not NFC", "Ville de Lyon", "Le\u0301on", []want{
			{"/spec/displayName", []string{"NFC", "position 2"}, "Léon"}}},
		{"spaces", "Ville de Lyon", " Lyon  - Famille ", []want{
			{"/spec/displayName", []string{"commence par un espace"}, "Lyon - Famille"},
			{"/spec/displayName", []string{"se termine par un espace"}, "Lyon - Famille"},
			{"/spec/displayName", []string{"deux espaces de suite en position 7"}, "Lyon - Famille"}}},
		{"nothing visible", "Ville de Lyon", "\u200b ", []want{
			{"/spec/displayName", []string{"aucun caractère visible"}, ""}}},
		{"both fields", "Ville de Lyon ", "Lyon\u200b", []want{
			{"/spec/organisation", []string{"se termine"}, "Ville de Lyon"},
			{"/spec/displayName", []string{"U+200B"}, "Lyon"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := displayName.Check(&Context{}, &File{Request: &request.Request{Organisation: tt.org, DisplayName: tt.display}})
			if len(got) != len(tt.want) {
				t.Fatalf("%d findings, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Pointer != w.pointer || g.Suggestion != w.suggestion {
					t.Errorf("finding %d at %s suggesting %q, want %s suggesting %q", i, g.Pointer, g.Suggestion, w.pointer, w.suggestion)
				}
				for _, c := range w.contains {
					if !strings.Contains(g.Message.FR, c) {
						t.Errorf("finding %d: %q lacks %q", i, g.Message.FR, c)
					}
				}
				textIPBilingual(t, g)
				// The invisible character itself is never printed.
				if strings.ContainsAny(g.Message.FR+g.Message.EN+g.Suggestion, "\u202e\u200b\u0301") {
					t.Errorf("finding %d prints an invisible character: %+q %+q", i, g.Message.FR, g.Suggestion)
				}
			}
		})
	}
}

func TestSecretRule(t *testing.T) {
	hex64 := strings.Repeat("3f9a8b7c", 8)
	tests := []struct {
		name   string
		src    string
		want   [][2]int // line, column
		kindFR string
	}{
		{"none", "spec:\n  reuseSubs:\n    clientId: " + strings.Repeat("2a", 32) + "\n", nil, ""},
		{"unknown field", "spec:\n  client_secret: " + hex64 + "\n", [][2]int{{2, 18}}, "secret client FranceConnect"},
		{"password after accents", "# Clé é: x\n# clé à ôter, mot_de_passe: Ete-2027x\n", [][2]int{{2, 29}}, "la valeur de `mot_de_passe`"},
		{"broken YAML still scanned", "spec: [\n  -----BEGIN PRIVATE KEY-----\n", [][2]int{{2, 3}}, "clé privée PEM"},
		{"JWK", `# {"kty":"EC","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}`, [][2]int{{1, 20}}, "clé privée JWK (membre `d`)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := secret.Check(&Context{}, &File{Source: []byte(tt.src)})
			if len(got) != len(tt.want) {
				t.Fatalf("%d findings, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Line != w[0] || g.Column != w[1] {
					t.Errorf("finding %d at %d:%d, want %d:%d", i, g.Line, g.Column, w[0], w[1])
				}
				if !strings.Contains(g.Message.FR, tt.kindFR) || !strings.Contains(g.Message.FR, "dépôt public") ||
					!(strings.Contains(g.Message.FR, "révoquez") || strings.Contains(g.Message.FR, "générer un nouveau")) {
					t.Errorf("message %q: want the kind %q, the public repository and revocation", g.Message.FR, tt.kindFR)
				}
				textIPBilingual(t, g)
				if strings.Contains(g.Message.FR+g.Message.EN, hex64) || strings.Contains(g.Message.FR, "Ete-2027x") {
					t.Errorf("message echoes the secret: %+v", g.Message)
				}
			}
		})
	}
	if !secret.OnUnloaded || !personalData.OnUnloaded {
		t.Error("raw-source rules must run on files that did not load")
	}
}

func TestPersonalDataRule(t *testing.T) {
	src := "spec:\n  notes: Joindre M. Martin au +33 6 12 34 56 78 ou au 04.72.10.30.30\n  qualification: 123456\n"
	got := personalData.Check(&Context{}, &File{Source: []byte(src)})
	if len(got) != 2 || got[0].Line != 2 || got[0].Column != 31 || got[1].Line != 2 || got[1].Column != 55 {
		t.Fatalf("findings: %+v", got)
	}
	for _, g := range got {
		textIPBilingual(t, g)
		if strings.ContainsAny(g.Message.FR, "0123456789") || !strings.Contains(g.Message.FR, "DataPass") {
			t.Errorf("message %q: want DataPass and no digit", g.Message.FR)
		}
	}
}

func TestContactMailboxRule(t *testing.T) {
	tests := []struct {
		contacts []string
		want     []string // pointers
	}{
		{[]string{"fs-technique@lyon.fr", "jean.martin@lyon.fr", "dsi@gmail.com.example.fr"}, nil},
		{[]string{"fs-technique@lyon.fr", "Jean.Martin@GMail.com"}, []string{"/spec/contacts/1"}},
		{[]string{"a@orange.fr", "b@proton.me", "c@wanadoo.fr."}, []string{"/spec/contacts/0", "/spec/contacts/1", "/spec/contacts/2"}},
		{[]string{"pas une adresse", ""}, nil},
	}
	for _, tt := range tests {
		got := contactMailbox.Check(&Context{}, &File{Request: &request.Request{Contacts: tt.contacts}})
		var pointers []string
		for _, g := range got {
			pointers = append(pointers, g.Pointer)
			textIPBilingual(t, g)
			if strings.Contains(g.Message.FR, "Martin") {
				t.Errorf("message echoes the personal address: %q", g.Message.FR)
			}
		}
		if strings.Join(pointers, ",") != strings.Join(tt.want, ",") {
			t.Errorf("contacts %q: findings at %v, want %v", tt.contacts, pointers, tt.want)
		}
	}
}

func TestTextAndIPRulesRegistered(t *testing.T) {
	want := map[string]finding.Severity{
		"ip-address": finding.Error, "ip-range-wide": finding.Warning, "display-name": finding.Error,
		"secret": finding.Error, "personal-data": finding.Error, "contact-mailbox": finding.Warning,
	}
	for id, sev := range want {
		r := Lookup(id)
		if r == nil {
			t.Errorf("rule %s not registered", id)
			continue
		}
		if r.Severity != sev || r.Check == nil || r.Summary.FR == "" || r.Summary.EN == "" {
			t.Errorf("rule %s: severity %s, check %v, summary %+v", id, r.Severity, r.Check != nil, r.Summary)
		}
	}
}

// BenchmarkTextAndIPRules measures what these rules add to a typical file
// (the budget: under 30 % of load + schema, about 18 µs).
func BenchmarkTextAndIPRules(b *testing.B) {
	src := []byte(`# yaml-language-server: $schema=../../../schema/service-provider.schema.json
apiVersion: fsgate/v1
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
  ipAddresses: [203.0.113.10, 198.51.100.0/28]
  signature: ES256
  encryption: ECDH-ES
  eidas: eidas2
  scopes: [openid, given_name, family_name, birthdate]
  reuseSubs:
    from: franceconnect
    clientId: 211286433e39cce01db448d80181bdfd005554b19cd51b3fe7943f6b3b86ab6e
  contacts: [fs-technique@lyon.fr]
  notes: Le secret client et le jeton seront transmis par FranceConnect (token à part).
`)
	f := &File{Source: src, Request: &request.Request{
		Organisation: "Ville de Lyon", DisplayName: "Lyon - Portail Famille",
		IPAddresses: []string{"203.0.113.10", "198.51.100.0/28"}, Contacts: []string{"fs-technique@lyon.fr"},
	}}
	rules := append(ipRules(), textRules()...)
	ctx := &Context{}
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range rules {
			if fs := r.Check(ctx, f); len(fs) != 0 {
				b.Fatalf("%s: %+v", r.ID, fs)
			}
		}
	}
}

// FuzzDisplayNameRule runs the display-name rule on any organisation and
// name: no panic, every finding bilingual, no invisible character printed.
func FuzzDisplayNameRule(f *testing.F) {
	f.Add("Ville de Lyon", "Lyon\u202e - Famille")
	f.Add("Vіlle", "  Le\u0301on\u200b ")
	f.Fuzz(func(t *testing.T, org, name string) {
		for _, g := range displayName.Check(&Context{}, &File{Request: &request.Request{Organisation: org, DisplayName: name}}) {
			textIPBilingual(t, g)
			for _, r := range g.Suggestion {
				if textcheck.IsInvisible(r) {
					t.Fatalf("suggestion %+q holds an invisible character", g.Suggestion)
				}
			}
		}
	})
}

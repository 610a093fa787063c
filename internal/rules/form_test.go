package rules

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fsgate/fsgate/docs"
	"github.com/fsgate/fsgate/internal/catalog"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/internal/request"
)

// formTestFC and formTestFCP are complete, valid production requests; each
// case changes a few lines.
const formTestFC = `apiVersion: fsgate/v1
kind: ServiceProvider
metadata:
  name: rennes-demarches
spec:
  platform: franceconnect
  environment: production
  organisation: Ville de Rennes
  displayName: Rennes - Démarches en ligne
  site: https://demarches.rennes.fr/
  datapass: D23456
  qualification: 234567
  plannedProductionDate: 2027-03-01
  redirectUris: [https://demarches.rennes.fr/oidc/callback]
  postLogoutRedirectUris: [https://demarches.rennes.fr/oidc/logout]
  signature: ES256
  eidas: eidas1
  scopes: [openid, given_name, family_name, birthdate]
  contacts: [fs-technique@rennes.fr]
`

const formTestFCP = `apiVersion: fsgate/v1
kind: ServiceProvider
metadata:
  name: lyon-aides
spec:
  platform: franceconnect-plus
  environment: production
  organisation: Ville de Lyon
  displayName: Lyon - Aides sociales
  site: https://aides.lyon.fr/
  datapass: D12345
  qualification: 123456
  plannedProductionDate: 2027-03-01
  redirectUris: [https://aides.lyon.fr/oidc/callback]
  postLogoutRedirectUris: [https://aides.lyon.fr/oidc/logout]
  jwksUri: https://aides.lyon.fr/.well-known/jwks.json
  signature: ES256
  encryption: ECDH-ES
  eidas: eidas2
  scopes: [openid, given_name, family_name, birthdate]
  contacts: [fs-technique@lyon.fr]
`

var formTestToday = time.Date(2026, 12, 1, 15, 30, 0, 0, time.UTC)

// formTestFile loads base after replacing, in order, each old line (or
// part of a line) of edits by its new text; a new text of "" deletes the
// whole line.
func formTestFile(t *testing.T, base string, edits ...string) *File {
	t.Helper()
	if len(edits)%2 != 0 {
		t.Fatal("edits go by pairs")
	}
	src := base
	for i := 0; i < len(edits); i += 2 {
		old, new := edits[i], edits[i+1]
		if !strings.Contains(src, old) {
			t.Fatalf("edit: %q not in the base request", old)
		}
		if new == "" {
			old += "\n"
		}
		src = strings.Replace(src, old, new, 1)
	}
	doc, problems := load.Parse([]byte(src))
	if !doc.Valid {
		t.Fatalf("the test request does not load: %v\n%s", problems, src)
	}
	return &File{Path: "providers/test.yaml", Source: []byte(src), Root: doc.Root, Request: request.FromValue(doc.Value)}
}

// want is one expected finding: its pointer, and optionally its severity
// (the rule's when empty), its suggestion and a piece of its message.
type want struct {
	pointer    string
	severity   finding.Severity
	suggestion string
	contains   string
}

type formCase struct {
	name  string
	base  string
	edits []string
	want  []want
}

// runFormCases runs one rule over each case and compares its findings with
// the expectation, in order.
func runFormCases(t *testing.T, r *Rule, cases []formCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := formTestFile(t, c.base, c.edits...)
			got := r.Check(&Context{Today: formTestToday}, f)
			if len(got) != len(c.want) {
				t.Fatalf("got %d findings, want %d:\n%s", len(got), len(c.want), formDescribe(got))
			}
			for i, w := range c.want {
				g := got[i]
				sev := g.Severity
				if sev == "" {
					sev = r.Severity
				}
				wantSev := w.severity
				if wantSev == "" {
					wantSev = r.Severity
				}
				switch {
				case g.Pointer != w.pointer:
					t.Errorf("finding %d at %q, want %q", i, g.Pointer, w.pointer)
				case sev != wantSev:
					t.Errorf("finding %d is %s, want %s", i, sev, wantSev)
				case g.Suggestion != w.suggestion:
					t.Errorf("finding %d suggests %q, want %q", i, g.Suggestion, w.suggestion)
				case !strings.Contains(g.Message.FR, w.contains):
					t.Errorf("finding %d says %q, want it to contain %q", i, g.Message.FR, w.contains)
				case g.Message.EN == "" || g.Message.EN == g.Message.FR:
					t.Errorf("finding %d is not translated: %+v", i, g.Message)
				}
			}
		})
	}
}

func formDescribe(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "  %s %s %q (suggestion %q)\n", f.Pointer, f.Severity, f.Message.FR, f.Suggestion)
	}
	return b.String()
}

func TestFormRulesAcceptTheBaseRequests(t *testing.T) {
	for _, base := range []string{formTestFC, formTestFCP} {
		f := formTestFile(t, base)
		for _, r := range formRules() {
			if got := r.Check(&Context{Today: formTestToday}, f); len(got) > 0 {
				t.Errorf("%s on a valid request:\n%s", r.ID, formDescribe(got))
			}
		}
	}
}

func TestFormRulesAreRegisteredAndDocumented(t *testing.T) {
	ids := []string{
		"fc-integration-form", "production-qualification", "editor-version", "editor-display-name",
		"datapass-number", "encryption-platform", "signature-platform", "eidas-platform",
		"scope-platform", "scope-preferred-username", "scope-api-habilitation", "reuse-subs-source",
		"planned-date", "duplicate-datapass", "duplicate-display-name", "duplicate-redirect-uri",
		"duplicate-reuse-subs",
	}
	for _, id := range ids {
		r := Lookup(id)
		if r == nil {
			t.Errorf("%s: not registered", id)
			continue
		}
		if (r.Check == nil) == (r.CheckAll == nil) {
			t.Errorf("%s: wants exactly one of Check and CheckAll", id)
		}
		if r.Summary.FR == "" || r.Summary.EN == "" {
			t.Errorf("%s: summary not translated", id)
		}
		if page, err := docs.RulePage(id); err != nil || len(page) == 0 {
			t.Errorf("%s: no documentation page (%v)", id, err)
		}
	}
}

func TestFCIntegrationForm(t *testing.T) {
	runFormCases(t, fcIntegrationForm, []formCase{
		{"FC integration", formTestFC, []string{"environment: production", "environment: integration"},
			[]want{{pointer: request.PtrEnvironment, contains: "https://espace.partenaires.franceconnect.gouv.fr"}}},
		{"FC production", formTestFC, nil, nil},
		{"FC+ integration", formTestFCP, []string{"environment: production", "environment: integration"}, nil},
		{"unknown environment is the schema's", formTestFC, []string{"environment: production", "environment: recette"}, nil},
	})
}

func TestProductionQualification(t *testing.T) {
	const noQual = "  qualification: 234567"
	const noQualP = "  qualification: 123456"
	runFormCases(t, productionQualification, []formCase{
		{"FC with a dossier", formTestFC, nil, nil},
		{"FC without dossier nor editor", formTestFC, []string{noQual, ""},
			[]want{{pointer: request.PtrQualification, contains: "`spec.editor`"}}},
		{"FC with a certified editor", formTestFC, []string{noQual, "  editor: {id: aiga, version: \"4.2\"}"}, nil},
		{"FC with an editor not certified", formTestFC, []string{noQual, "  editor: {id: creasit}"},
			[]want{{pointer: request.PtrQualification, contains: "CREASIT n'est pas certifié"}}},
		{"FC with another editor", formTestFC, []string{noQual, "  editor: {id: other, name: Parkeo}"},
			[]want{{pointer: request.PtrQualification, contains: "Parkeo (id: other)"}}},
		{"FC+ with a certified editor", formTestFCP, []string{noQualP, "  editor: {id: aiga, version: \"4.2\"}"},
			[]want{{pointer: request.PtrQualification, contains: "même avec un éditeur certifié"}}},
		{"FC+ integration", formTestFCP, []string{"environment: production", "environment: integration", noQualP, ""}, nil},
		{"wrong type is the schema's", formTestFC, []string{"qualification: 234567", "qualification: oui"}, nil},
	})
}

func TestEditorVersion(t *testing.T) {
	runFormCases(t, editorVersion, []formCase{
		{"certified, no version", formTestFC, []string{"  qualification: 234567", "  editor: {id: jvs-citopia}"},
			[]want{{pointer: request.PtrEditorVersion, contains: "JVS-CITOPIA"}}},
		{"certified, version", formTestFC, []string{"  qualification: 234567", "  editor: {id: jvs-citopia, version: \"2.1\"}"}, nil},
		{"not certified", formTestFC, []string{"  qualification: 234567", "  editor: {id: polycea}"}, nil},
		{"other", formTestFC, []string{"  qualification: 234567", "  editor: {id: other, name: Parkeo}"}, nil},
		{"integration", formTestFCP, []string{"environment: production", "environment: integration", "  qualification: 123456", "  editor: {id: ypok}"}, nil},
		{"version of the wrong type is the schema's", formTestFC, []string{"  qualification: 234567", "  editor: {id: ypok, version: 4.2}"}, nil},
	})
}

func TestEditorDisplayName(t *testing.T) {
	editor := func(id, name string) []string {
		return []string{"  qualification: 234567", "  editor: {id: " + id + ", version: \"1.0\"}",
			"displayName: Rennes - Démarches en ligne", "displayName: " + name}
	}
	runFormCases(t, editorDisplayName, []formCase{
		{"no editor", formTestFC, nil, nil},
		{"editor without pattern", formTestFC, editor("boscop", "Rennes - Archives"), nil},
		{"pattern followed", formTestFC, editor("arpege-espace-citoyens", "Rennes - Espace Citoyens"), nil},
		{"product name first", formTestFC, editor("waigeo", "Portail Périscolaire - Ville de Rennes"),
			[]want{{pointer: request.PtrDisplayName, suggestion: "MyPérischool - Rennes", contains: "« MyPérischool - <collectivité> »"}}},
		{"wrong case", formTestFC, editor("arpege-espace-citoyens", "rennes - espace citoyens"),
			[]want{{pointer: request.PtrDisplayName, suggestion: "Rennes - Espace Citoyens"}}},
		{"only the fixed words", formTestFC, editor("aiga", "Portail Famille"),
			[]want{{pointer: request.PtrDisplayName, suggestion: "Rennes - Portail Famille"}}},
		{"another collectivité than the organisation", formTestFC, editor("operis", "Cesson-Sévigné urbanisme"),
			[]want{{pointer: request.PtrDisplayName, suggestion: "GNAU - Cesson-Sévigné urbanisme"}}},
		{"hospital", formTestFC, []string{"organisation: Ville de Rennes", "organisation: CHU de Rennes",
			"  qualification: 234567", "  editor: {id: codoc, version: \"2.0\"}",
			"displayName: Rennes - Démarches en ligne", "displayName: Transparence"},
			[]want{{pointer: request.PtrDisplayName, suggestion: "Plateforme de Transparence - codoc Transparency - CHU de Rennes", contains: "<hôpital>"}}},
		{"unconfirmed pattern warns", formTestFC, editor("netads", "Urbanisme Rennes"),
			[]want{{pointer: request.PtrDisplayName, severity: finding.Warning,
				suggestion: "Rennes - Portail de saisie des demandes d'urbanisme", contains: "vérifiez-la avec l'équipe FranceConnect"}}},
		{"unknown editor is the schema's", formTestFC, editor("inconnu", "Rennes"), nil},
	})
}

func TestGuessCollectivite(t *testing.T) {
	c := catalog.Get()
	cases := []struct {
		editor, displayName, organisation, want string
	}{
		{"waigeo", "Portail Périscolaire - Ville de Lyon", "Ville de Lyon", "Lyon"},
		{"waigeo", "MyPerischool Lyon", "Ville de Lyon", "Lyon"},
		{"waigeo", "mypérischool – Saint-Étienne", "Ville de Saint-Étienne", "Saint-Étienne"},
		{"waigeo", "Saint-Etienne périscolaire", "Ville de Saint-Étienne", "Saint-Étienne"},
		{"aiga", "Portail Famille de Villeurbanne", "CCAS de Villeurbanne", "Villeurbanne"},
		{"aiga", "Portail Famille d'Annecy", "", "Annecy"},
		{"aiga", "Portail Famille", "Commune d'Annecy", "Annecy"},
		{"aiga", "Portail Famille", "", ""},
		{"mgdis-aiden", "Aides | Département de la Gironde", "Département de la Gironde", "Département de la Gironde"},
		{"operis", "GNAU : Mairie de Brest", "Brest Métropole", "Brest"},
		{"arpege-city-connect", "Nantes - City Connect", "Ville de Nantes", "Nantes"},
		{"codoc", "codoc Transparency", "CHU de Bordeaux", "CHU de Bordeaux"},
		{"codoc", "Transparence CHU", "CHU de Bordeaux", "CHU"},
		{"codoc", "Plateforme de transparence", "CHU de Bordeaux", "CHU de Bordeaux"},
		{"codoc", "codoc Transparency - Hôpital de Morlaix", "Groupement hospitalier Bretagne", "Hôpital de Morlaix"},
		{"operis", "Urbanisme - de", "Ville de Brest", "Urbanisme"},
	}
	for _, tc := range cases {
		if got := guessCollectivite(tc.displayName, tc.organisation, c.Editor(tc.editor)); got != tc.want {
			t.Errorf("guessCollectivite(%q, %q, %s) = %q, want %q", tc.displayName, tc.organisation, tc.editor, got, tc.want)
		}
	}
}

func TestDatapassNumber(t *testing.T) {
	runFormCases(t, datapassNumber, []formCase{
		{"D number", formTestFC, nil, nil},
		{"H number", formTestFC, []string{"datapass: D23456", "datapass: H23456"},
			[]want{{pointer: request.PtrDatapass, contains: "commence par D"}}},
		{"H number for the API habilitation", formTestFC, []string{"  qualification: 234567", "  apiDatapass: H7\n  qualification: 234567"},
			[]want{{pointer: request.PtrAPIDatapass, contains: "`spec.apiDatapass`"}}},
		{"both", formTestFC, []string{"datapass: D23456", "datapass: H1\n  apiDatapass: H2"},
			[]want{{pointer: request.PtrDatapass}, {pointer: request.PtrAPIDatapass}}},
		{"too long is the schema's", formTestFC, []string{"datapass: D23456", "datapass: H12345678"}, nil},
		{"lowercase is the schema's", formTestFC, []string{"datapass: D23456", "datapass: h23456"}, nil},
		{"not a string is the schema's", formTestFC, []string{"datapass: D23456", "datapass: 23456"}, nil},
	})
}

func TestEncryptionPlatform(t *testing.T) {
	runFormCases(t, encryptionPlatform, []formCase{
		{"FC+ complete", formTestFCP, nil, nil},
		{"FC+ without jwksUri nor encryption", formTestFCP, []string{"  jwksUri: https://aides.lyon.fr/.well-known/jwks.json", "", "  encryption: ECDH-ES", ""},
			[]want{{pointer: request.PtrJWKSURI, contains: "`spec.jwksUri`"}, {pointer: request.PtrEncryption, contains: "ECDH-ES ou RSA-OAEP-256"}}},
		{"FC+ jwksUri of the wrong type is the schema's", formTestFCP, []string{"jwksUri: https://aides.lyon.fr/.well-known/jwks.json", "jwksUri: 42"}, nil},
		{"FC", formTestFC, nil, nil},
		{"FC with encryption", formTestFC, []string{"  eidas: eidas1", "  encryption: RSA-OAEP-256\n  eidas: eidas1"},
			[]want{{pointer: request.PtrEncryption, contains: "FranceConnect ne chiffre pas"}}},
		{"FC with jwksUri and encryption", formTestFC, []string{"  signature: ES256", "  jwksUri: https://demarches.rennes.fr/jwks.json\n  signature: ES256\n  encryption: ECDH-ES"},
			[]want{{pointer: request.PtrJWKSURI}, {pointer: request.PtrEncryption}}},
	})
}

func TestSignaturePlatform(t *testing.T) {
	runFormCases(t, signaturePlatform, []formCase{
		{"FC+ ES256", formTestFCP, nil, nil},
		{"FC+ RS256", formTestFCP, []string{"signature: ES256", "signature: RS256"},
			[]want{{pointer: request.PtrSignature, suggestion: "ES256"}}},
		{"FC RS256", formTestFC, []string{"signature: ES256", "signature: RS256"}, nil},
		{"unknown algorithm is the schema's", formTestFCP, []string{"signature: ES256", "signature: HS256"}, nil},
	})
}

func TestEidasPlatform(t *testing.T) {
	runFormCases(t, eidasPlatform, []formCase{
		{"FC eidas1", formTestFC, nil, nil},
		{"FC eidas3", formTestFC, []string{"eidas: eidas1", "eidas: eidas3"},
			[]want{{pointer: request.PtrEidas, suggestion: "eidas1", contains: "niveau de FranceConnect+"}}},
		{"FC+ eidas3", formTestFCP, []string{"eidas: eidas2", "eidas: eidas3"}, nil},
		{"FC+ eidas1", formTestFCP, []string{"eidas: eidas2", "eidas: eidas1"},
			[]want{{pointer: request.PtrEidas, contains: "eidas2 ou eidas3"}}},
		{"not a level is the schema's", formTestFC, []string{"eidas: eidas1", "eidas: substantiel"}, nil},
		{"absent", formTestFC, []string{"  eidas: eidas1", ""}, nil},
	})
}

func TestScopePlatform(t *testing.T) {
	scopes := func(list string) []string {
		return []string{"scopes: [openid, given_name, family_name, birthdate]", "scopes: [" + list + "]"}
	}
	runFormCases(t, scopePlatform, []formCase{
		{"known scopes and a family", formTestFC, scopes("openid, profile, idp_birthdate, ants_extrait_immatriculation_vehicule_titulaire"), nil},
		{"typo", formTestFC, scopes("openid, given_name, birthdat"),
			[]want{{pointer: "/spec/scopes/2", suggestion: "birthdate", contains: "vouliez-vous dire birthdate"}}},
		{"other case", formTestFCP, scopes("openid, Family_Name"),
			[]want{{pointer: "/spec/scopes/1", suggestion: "family_name"}}},
		{"FC+ only", formTestFC, scopes("openid, rnipp_given_name"),
			[]want{{pointer: "/spec/scopes/1", contains: "n'existe que sur FranceConnect+"}}},
		{"FC only", formTestFCP, scopes("openid, ants_extrait_immatriculation_vehicule_titulaire, idp_id"),
			[]want{{pointer: "/spec/scopes/1", contains: "n'existe que sur FranceConnect,"}, {pointer: "/spec/scopes/2"}}},
		{"unknown", formTestFC, scopes("openid, telephone"),
			[]want{{pointer: "/spec/scopes/1", contains: "inconnu"}}},
		{"item of the wrong type is the schema's", formTestFC, scopes("openid, 42"), nil},
	})
}

func TestScopePreferredUsername(t *testing.T) {
	scopes := func(list string) []string {
		return []string{"scopes: [openid, given_name, family_name, birthdate]", "scopes: [" + list + "]"}
	}
	runFormCases(t, scopePreferredUsername, []formCase{
		{"alone", formTestFC, scopes("openid, given_name, preferred_username"),
			[]want{{pointer: "/spec/scopes/2", contains: "family_name"}}},
		{"with family_name", formTestFC, scopes("openid, preferred_username, family_name"), nil},
		{"through a composite", formTestFC, scopes("openid, identite_pivot, preferred_username"), nil},
		{"FC+ with rnipp_family_name", formTestFCP, scopes("openid, rnipp_family_name, preferred_username"), nil},
		{"FC+ with rnipp_given_name only", formTestFCP, scopes("openid, rnipp_given_name, preferred_username"),
			[]want{{pointer: "/spec/scopes/2"}}},
		{"without preferred_username", formTestFC, scopes("openid, given_name"), nil},
	})
}

func TestScopeAPIHabilitation(t *testing.T) {
	scopes := func(list string) []string {
		return []string{"scopes: [openid, given_name, family_name, birthdate]", "scopes: [" + list + "]"}
	}
	withAPI := append(scopes("openid, dgfip_rfr"), "  qualification: 234567", "  apiDatapass: D67890\n  qualification: 234567")
	runFormCases(t, scopeAPIHabilitation, []formCase{
		{"no data-provider scope", formTestFC, nil, nil},
		{"DGFIP and CNAM", formTestFC, scopes("openid, family_name, dgfip_rfr, cnam_caisse, dgfip_nbpart"),
			[]want{{pointer: "/spec/scopes/2", contains: "les données DGFIP, CNAM (dont « dgfip_rfr »)"}}},
		{"a family", formTestFC, scopes("openid, ants_extrait_immatriculation_vehicule_titulaire"),
			[]want{{pointer: "/spec/scopes/1", contains: "ANTS"}}},
		{"with apiDatapass", formTestFC, withAPI, nil},
		{"scope of the other platform is scope-platform's", formTestFCP, scopes("openid, mesri_identite"), nil},
	})
}

func TestReuseSubsSource(t *testing.T) {
	reuse := func(from string) []string {
		return []string{"  contacts:", "  reuseSubs: {from: " + from + ", clientId: 211286433e39cce01db448d80181bdfd005554b19cd51b3fe7943f6b3b86ab6e}\n  contacts:"}
	}
	runFormCases(t, reuseSubsSource, []formCase{
		{"FC+ from FC", formTestFCP, reuse("franceconnect"), nil},
		{"FC+ from FC v1", formTestFCP, reuse("franceconnect-v1"),
			[]want{{pointer: request.PtrReuseSubsFrom, suggestion: "franceconnect"}}},
		{"FC from FC v1", formTestFC, reuse("franceconnect-v1"), nil},
		{"FC from FC", formTestFC, reuse("franceconnect"),
			[]want{{pointer: request.PtrReuseSubsFrom, suggestion: "franceconnect-v1", contains: "FranceConnect v1"}}},
		{"unknown origin is the schema's", formTestFC, reuse("agentconnect"), nil},
	})
}

func TestPlannedDate(t *testing.T) {
	date := func(d string) []string {
		return []string{"plannedProductionDate: 2027-03-01", "plannedProductionDate: " + d}
	}
	runFormCases(t, plannedDate, []formCase{
		{"three weeks ahead", formTestFC, date("2026-12-22"), nil},
		{"one day short", formTestFC, date("2026-12-21"),
			[]want{{pointer: request.PtrPlannedProductionDate, suggestion: "2026-12-22", contains: "dans 20 jours"}}},
		{"today", formTestFCP, date("2026-12-01"),
			[]want{{pointer: request.PtrPlannedProductionDate, suggestion: "2026-12-22", contains: "dans 0 jours"}}},
		{"past", formTestFC, date("2026-11-30"),
			[]want{{pointer: request.PtrPlannedProductionDate, suggestion: "2026-12-22", contains: "est passée"}}},
		{"not a date is the schema's", formTestFC, date("2026-13-01"), nil},
		{"quoted date", formTestFC, date(`"2026-12-02"`), []want{{pointer: request.PtrPlannedProductionDate, suggestion: "2026-12-22"}}},
		{"integration", formTestFCP, append(date("2026-12-02"), "environment: production", "environment: integration"), nil},
	})
	f := formTestFile(t, formTestFC, date("2026-11-30")...)
	if got := plannedDate.Check(&Context{}, f); len(got) != 0 {
		t.Errorf("without a date of reference the rule must stay silent: %s", formDescribe(got))
	}
}

// TestFormFindingsNameNoOtherRule guards the contract with the engine: a
// finding leaves its rule empty (the engine fills it) or names its own.
func TestFormFindingsNameNoOtherRule(t *testing.T) {
	f := formTestFile(t, formTestFC, "datapass: D23456", "datapass: H1", "eidas: eidas1", "eidas: eidas2",
		"environment: production", "environment: integration")
	for _, r := range formRules() {
		for _, fd := range r.Check(&Context{Today: formTestToday}, f) {
			if fd.Rule != "" && fd.Rule != r.ID {
				t.Errorf("%s reports as %s", r.ID, fd.Rule)
			}
			if !slices.Contains([]finding.Severity{"", finding.Error, finding.Warning}, fd.Severity) {
				t.Errorf("%s: severity %q", r.ID, fd.Severity)
			}
		}
	}
}

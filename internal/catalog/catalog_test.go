package catalog

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/schema"
)

func TestEmbeddedCatalog(t *testing.T) {
	if _, err := Parse(source); err != nil {
		t.Fatalf("catalog.yaml does not load: %v", err)
	}
	first, second := Get(), Get()
	if first != second {
		t.Error("Get parses the catalogue more than once")
	}
}

// minimal is a small valid catalogue that the rejection cases break.
const minimal = `
editors:
  - {id: aiga, label: AIGA, certifiedV2: true, pattern: "{collectivite} - Portail Famille", patternConfirmed: true}
  - {id: other, label: Autre}
platforms:
  - id: franceconnect
    label: FranceConnect
    environments: [production]
    selfServiceURL: https://espace.partenaires.franceconnect.gouv.fr
    eidas: {allowed: [eidas1], default: eidas1}
    signature: {accepted: [ES256], enabled: [ES256]}
    encryption: {algs: []}
    reuseSubsFrom: franceconnect-v1
    reuseSubsFromLabel: FranceConnect v1
scopeGroups:
  - id: identity
    label: Identité
    platforms: [franceconnect]
    scopes: [openid, birthplace, birthcountry]
    composites:
      - {name: birth, members: [birthplace, birthcountry]}
`

func TestParseRejects(t *testing.T) {
	if _, err := Parse([]byte(minimal)); err != nil {
		t.Fatalf("the minimal catalogue must load: %v", err)
	}
	cases := []struct {
		name, old, new, want string
	}{
		{"unknown field", "certifiedV2: true,", "certified: true,", "certified"},
		{"duplicate editor", "id: other,", "id: aiga,", "duplicate id"},
		{"no other editor", "id: other,", "id: autre,", `no editor "other"`},
		{"pattern without placeholder", `"{collectivite} - Portail Famille"`, `"Portail Famille"`, "exactly one placeholder"},
		{"unknown placeholder", `"{collectivite} - Portail Famille"`, `"{commune} - Portail Famille"`, "exactly one placeholder"},
		{"two placeholders", `"{collectivite} - Portail Famille"`, `"{collectivite} - {hopital}"`, "exactly one placeholder"},
		{"confirmed without pattern", "label: Autre}", "label: Autre, patternConfirmed: true}", "patternConfirmed without a pattern"},
		{"default eidas not allowed", "default: eidas1", "default: eidas2", "default eidas"},
		{"enabled not accepted", "enabled: [ES256]", "enabled: [RS256]", "enabled signature"},
		{"enc without algs", "algs: []}", "algs: [], enc: A256GCM}", "go together"},
		{"unknown environment", "environments: [production]", "environments: [staging]", "environments must be"},
		{"self service without URL", "selfServiceURL: https://espace.partenaires.franceconnect.gouv.fr", "", "selfServiceURL is required"},
		{"unknown platform in group", "platforms: [franceconnect]\n    scopes", "platforms: [fc]\n    scopes", `unknown platform "fc"`},
		{"scope twice", "scopes: [openid, birthplace, birthcountry]", "scopes: [openid, openid, birthplace, birthcountry]", "twice"},
		{"reuse label missing", "    reuseSubsFromLabel: FranceConnect v1\n", "", "reuseSubsFrom and its label"},
		{"unknown member", "members: [birthplace, birthcountry]", "members: [birthplace, gender]", `member "gender"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			broken := strings.Replace(minimal, c.old, c.new, 1)
			if broken == minimal {
				t.Fatalf("the case does not change the catalogue: %q not found", c.old)
			}
			_, err := Parse([]byte(broken))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Parse: got error %v, want one containing %q", err, c.want)
			}
		})
	}
}

// schemaEnum returns the enum at path (property names) of the schema.
func schemaEnum(t *testing.T, path ...string) []string {
	t.Helper()
	var node any
	if err := json.Unmarshal(schema.Source(), &node); err != nil {
		t.Fatal(err)
	}
	for _, p := range path {
		m, _ := node.(map[string]any)
		props, _ := m["properties"].(map[string]any)
		node = props[p]
	}
	m, _ := node.(map[string]any)
	raw, _ := m["enum"].([]any)
	if raw == nil {
		t.Fatalf("no enum at %v in the schema", path)
	}
	out := make([]string, len(raw))
	for i, v := range raw {
		out[i], _ = v.(string)
	}
	return out
}

func TestSchemaEditorEnumIsTheCatalogue(t *testing.T) {
	enum := schemaEnum(t, "spec", "editor", "id")
	if ids := Get().EditorIDs(); !slices.Equal(enum, ids) {
		t.Errorf("schema editor.id enum and catalogue differ:\nschema:    %v\ncatalogue: %v", enum, ids)
	}
}

// TestSchemaAgreesWithPlatforms checks every enum of the schema that the
// platforms of the catalogue also describe.
func TestSchemaAgreesWithPlatforms(t *testing.T) {
	c := Get()
	var ids, eidas, signature, encryption, reuse []string
	for _, p := range c.Platforms {
		ids = append(ids, p.ID)
		eidas = append(eidas, p.Eidas.Allowed...)
		signature = append(signature, p.Signature.Accepted...)
		encryption = append(encryption, p.Encryption.Algs...)
		reuse = append(reuse, p.ReuseSubsFrom)
	}
	set := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return slices.Compact(s) }
	checks := []struct {
		name       string
		schema, us []string
	}{
		{"platform", schemaEnum(t, "spec", "platform"), ids},
		{"eidas", schemaEnum(t, "spec", "eidas"), eidas},
		{"signature", schemaEnum(t, "spec", "signature"), signature},
		{"encryption", schemaEnum(t, "spec", "encryption"), encryption},
		{"reuseSubs.from", schemaEnum(t, "spec", "reuseSubs", "from"), reuse},
	}
	for _, ch := range checks {
		if !slices.Equal(set(ch.schema), set(ch.us)) {
			t.Errorf("%s: schema %v, catalogue %v", ch.name, ch.schema, ch.us)
		}
	}
	if c.Platform(request.FranceConnect) == nil || c.Platform(request.FranceConnectPlus) == nil {
		t.Errorf("the catalogue must describe %s and %s", request.FranceConnect, request.FranceConnectPlus)
	}
}

// TestEditors pins the form's certification mentions and the patterns
// (franceconnect.md, "Editors").
func TestEditors(t *testing.T) {
	c := Get()
	notCertified := []string{"cap-collectif", "creasit", "polycea", "technocarte", "utopia", OtherEditor}
	for _, e := range c.Editors {
		if want := !slices.Contains(notCertified, e.ID); e.CertifiedV2 != want {
			t.Errorf("%s: certifiedV2 = %v, want %v", e.ID, e.CertifiedV2, want)
		}
	}
	confirmed := map[string]string{
		"waigeo":                 "MyPérischool - {collectivite}",
		"operis":                 "GNAU - {collectivite}",
		"codoc":                  "Plateforme de Transparence - codoc Transparency - {hopital}",
		"arpege-espace-citoyens": "{collectivite} - Espace Citoyens",
		"arpege-city-connect":    "{collectivite} - City-Connect",
		"mgdis-aiden":            "{collectivite} - Portail des Aides",
		"aiga":                   "{collectivite} - Portail Famille",
	}
	for id, pattern := range confirmed {
		e := c.Editor(id)
		if e == nil || e.Pattern != pattern || !e.PatternConfirmed {
			t.Errorf("%s: want confirmed pattern %q, got %+v", id, pattern, e)
		}
	}
	for _, e := range c.Editors {
		if _, ok := confirmed[e.ID]; !ok && e.PatternConfirmed {
			t.Errorf("%s: pattern %q marked confirmed, but no public source confirms it", e.ID, e.Pattern)
		}
	}
	if l := c.Editor("arpege-espace-citoyens").Label; l != "ARPEGE (Espace Citoyens)" {
		t.Errorf("label %q, want the form's wording", l)
	}
}

func TestEditorPattern(t *testing.T) {
	c := Get()
	cases := []struct {
		editor, name string
		match        bool
	}{
		{"waigeo", "MyPérischool - Lyon", true},
		{"waigeo", "MyPérischool - Saint-Étienne", true},
		{"waigeo", "MyPérischool - ", false},
		{"waigeo", "MyPérischool -  Lyon", false},
		{"waigeo", "MyPerischool - Lyon", false},
		{"waigeo", "Lyon - MyPérischool", false},
		{"arpege-espace-citoyens", "Lyon - Espace Citoyens", true},
		{"arpege-espace-citoyens", "Lyon - Espace citoyens", false},
		{"codoc", "Plateforme de Transparence - codoc Transparency - CHU de Bordeaux", true},
		{"codoc", "codoc Transparency - CHU de Bordeaux", false},
		{"boscop", "n'importe quel nom", true},
	}
	for _, tc := range cases {
		if got := c.Editor(tc.editor).Matches(tc.name); got != tc.match {
			t.Errorf("%s.Matches(%q) = %v, want %v", tc.editor, tc.name, got, tc.match)
		}
	}
	e := c.Editor("codoc")
	if got := e.DisplayName("CHU de Bordeaux"); got != "Plateforme de Transparence - codoc Transparency - CHU de Bordeaux" {
		t.Errorf("DisplayName = %q", got)
	}
	if got := e.FixedParts(); !slices.Equal(got, []string{"Plateforme de Transparence", "codoc Transparency"}) {
		t.Errorf("FixedParts = %q", got)
	}
	if got := c.Editor("aiga").FixedParts(); !slices.Equal(got, []string{"Portail Famille"}) {
		t.Errorf("FixedParts = %q", got)
	}
	if e.Placeholder() != Hopital || c.Editor("operis").Placeholder() != Collectivite || c.Editor("ypok").Placeholder() != "" {
		t.Error("wrong placeholders")
	}
}

func TestPlatforms(t *testing.T) {
	fc, fcp := Get().Platform(request.FranceConnect), Get().Platform(request.FranceConnectPlus)
	switch {
	case !slices.Equal(fc.Eidas.Allowed, []string{"eidas1"}):
		t.Errorf("FC eidas %v", fc.Eidas.Allowed)
	case !slices.Equal(fcp.Eidas.Allowed, []string{"eidas2", "eidas3"}):
		t.Errorf("FC+ eidas %v", fcp.Eidas.Allowed)
	case fc.Encrypts() || !fcp.Encrypts() || fcp.Encryption.Enc != "A256GCM":
		t.Error("only FC+ encrypts, in A256GCM")
	case slices.Contains(fcp.Signature.Enabled, "RS256") || !slices.Contains(fcp.Signature.Accepted, "RS256"):
		t.Error("FC+ accepts RS256 in the form but its core enables ES256 only")
	case fc.RequestedHere(request.Integration) || !fc.RequestedHere(request.Production) || !fcp.RequestedHere(request.Integration):
		t.Error("FC integration is self-service; everything else is requested here")
	case fc.ReuseSubsFrom != "franceconnect-v1" || fcp.ReuseSubsFrom != "franceconnect":
		t.Error("wrong origins of reused subs")
	case !fc.CertifiedEditorQualifies || fcp.CertifiedEditorQualifies:
		t.Error("a certified editor stands for the qualification on FC only")
	}
}

func TestScopes(t *testing.T) {
	c := Get()
	cases := []struct {
		scope        string
		fc, fcp      bool
		group        string
		dataProvider bool
	}{
		{"openid", true, true, "identity", false},
		{"profile", true, true, "identity", false},
		{"idp_birthdate", true, false, "identity-fc", false},
		{"rnipp_given_name", false, true, "rnipp", false},
		{"rnipp_identite_pivot", false, true, "rnipp", false},
		{"dgfip_rfr", true, true, "dgfip", true},
		{"cnam_caisse", true, true, "cnam", true},
		{"cnous_identite", true, true, "cnous", true},
		{"mesri_identite", true, false, "mesri", true},
		{"mi_siv_carte_grise", true, false, "siv", true},
		{"api_fc-statutaugmentev1", true, false, "france-travail", true},
		{"cnaf_quotient_familial", true, false, "cnaf-msa", true},
		{"complementaire_sante_solidaire", true, false, "securite-sociale", true},
		{"dsnj_statut_service_national", true, false, "dsnj", true},
		{"ants_extrait_immatriculation_vehicule_abc", true, false, "ants", true},
		{"ants_extrait_immatriculation_vehicule_", false, false, "", false},
		{"phone", false, false, "", false},
		{"Given_Name", false, false, "", false},
	}
	fc, fcp := c.Platform(request.FranceConnect), c.Platform(request.FranceConnectPlus)
	for _, tc := range cases {
		a, b := fc.Scope(tc.scope), fcp.Scope(tc.scope)
		if (a != nil) != tc.fc || (b != nil) != tc.fcp {
			t.Errorf("%s: on FC %v, on FC+ %v; want %v, %v", tc.scope, a != nil, b != nil, tc.fc, tc.fcp)
			continue
		}
		if s := cmpOr(a, b); s != nil && (s.Group.ID != tc.group || s.Group.DataProvider != tc.dataProvider) {
			t.Errorf("%s: group %s (data provider %v), want %s (%v)", tc.scope, s.Group.ID, s.Group.DataProvider, tc.group, tc.dataProvider)
		}
	}
	if got := c.ScopePlatforms("rnipp_birth"); len(got) != 1 || got[0] != fcp {
		t.Errorf("rnipp_birth exists on %v, want FC+ only", got)
	}
}

func TestGranted(t *testing.T) {
	fcp := Get().Platform(request.FranceConnectPlus)
	got := fcp.Granted([]string{"rnipp_profile", "email", ""})
	for _, want := range []string{"rnipp_profile", "email", "rnipp_family_name", "preferred_username"} {
		if !got[want] {
			t.Errorf("Granted misses %s: %v", want, got)
		}
	}
	if got["family_name"] || got[""] {
		t.Errorf("Granted adds too much: %v", got)
	}
}

func cmpOr(a, b *Scope) *Scope {
	if a != nil {
		return a
	}
	return b
}

func TestClosestScope(t *testing.T) {
	c := Get()
	cases := []struct{ platform, scope, want string }{
		{request.FranceConnect, "givne_name", "given_name"},
		{request.FranceConnect, "Family_Name", "family_name"},
		{request.FranceConnect, "birthdate ", "birthdate"},
		{request.FranceConnect, "emial", "email"},
		{request.FranceConnect, "dgfip_rf", "dgfip_rfr"},
		{request.FranceConnect, "identite_pivo", "identite_pivot"},
		{request.FranceConnectPlus, "rnipp_givenname", "rnipp_given_name"},
		{request.FranceConnect, "telephone", ""},
		{request.FranceConnect, "adresse", ""},
		{request.FranceConnect, "nom", ""},
	}
	for _, tc := range cases {
		if got := c.Platform(tc.platform).ClosestScope(tc.scope); got != tc.want {
			t.Errorf("ClosestScope(%s, %q) = %q, want %q", tc.platform, tc.scope, got, tc.want)
		}
	}
}

// TestNormalizeScopes uses the expected results of franceconnect.md
// (csmr-import-core normalizeScopes).
func TestNormalizeScopes(t *testing.T) {
	pivot := []string{"given_name", "family_name", "birthdate", "gender", "birthplace", "birthcountry"}
	cases := []struct {
		name     string
		platform string
		in, want []string
	}{
		{"profile", request.FranceConnect,
			[]string{"openid", "given_name", "family_name", "birthdate", "gender", "preferred_username"},
			[]string{"openid", "given_name", "family_name", "birthdate", "gender", "preferred_username", "profile"}},
		{"pivot adds birth and identite_pivot", request.FranceConnect,
			pivot, append(append([]string{"openid"}, pivot...), "birth", "identite_pivot")},
		{"birth", request.FranceConnectPlus,
			[]string{"birthplace", "birthcountry"}, []string{"openid", "birthplace", "birthcountry", "birth"}},
		{"openid added first", request.FranceConnect,
			[]string{"family_name"}, []string{"openid", "family_name"}},
		{"openid kept first, duplicates and empty items dropped", request.FranceConnect,
			[]string{"email", "openid", "email", ""}, []string{"openid", "email"}},
		{"composite given: members count as granted", request.FranceConnect,
			[]string{"identite_pivot", "preferred_username"}, []string{"openid", "identite_pivot", "preferred_username", "profile", "birth"}},
		{"composite already there is not repeated", request.FranceConnect,
			[]string{"birth", "birthplace", "birthcountry"}, []string{"openid", "birth", "birthplace", "birthcountry"}},
		{"rnipp composites on FC+ only", request.FranceConnectPlus,
			[]string{"rnipp_birthplace", "rnipp_birthcountry"}, []string{"openid", "rnipp_birthplace", "rnipp_birthcountry", "rnipp_birth"}},
		{"no rnipp composite on FC", request.FranceConnect,
			[]string{"rnipp_birthplace", "rnipp_birthcountry"}, []string{"openid", "rnipp_birthplace", "rnipp_birthcountry"}},
		{"unknown platform", "autre", []string{"birthplace", "birthcountry"}, []string{"openid", "birthplace", "birthcountry"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.in)
			got := Get().NormalizeScopes(tc.platform, in)
			if !slices.Equal(got, tc.want) {
				t.Errorf("NormalizeScopes(%v) = %v, want %v", tc.in, got, tc.want)
			}
			if !slices.Equal(in, tc.in) {
				t.Error("NormalizeScopes changed its argument")
			}
		})
	}
}

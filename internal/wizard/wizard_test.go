package wizard

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/rules"
)

var today = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func newWizard(t *testing.T, cfg Config) *Wizard {
	t.Helper()
	if cfg.Today.IsZero() {
		cfg.Today = today
	}
	w, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// session feeds lines to Interview, as a publisher would type them.
func session(t *testing.T, w *Wizard, preset map[string][]string, lines ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := w.Interview(strings.NewReader(strings.Join(lines, "\n")+"\n"), &out, preset)
	// Help and messages are wrapped: compare words, not lines.
	return strings.Join(strings.Fields(out.String()), " "), err
}

// errorsOf validates a file as `fsgate validate` does and returns its
// error findings.
func errorsOf(t *testing.T, w *Wizard) []finding.Finding {
	t.Helper()
	var errs []finding.Finding
	for _, fd := range w.Check() {
		if fd.Severity == finding.Error {
			errs = append(errs, fd)
		}
	}
	return errs
}

func TestInterviewFranceConnectProduction(t *testing.T) {
	w := newWizard(t, Config{})
	out, err := session(t, w, nil,
		"1",          // FranceConnect
		"",           // production, the only environment requested here
		"01/03/2027", // planned date, French style
		"2",          // AIGA - certifié v2
		"4.2",        // version
		"",           // no individual qualification: the editor is certified
		"H12345",     // a habilitation number: refused
		"D48219",     //
		"",           // no API habilitation
		"Ville de Grenoble",
		"", // the editor's naming pattern, proposed
		"https://famille.grenoble.fr/",
		"famille.grenoble.fr/callback", // not absolute: refused
		"https://famille.grenoble.fr/oidc/callback",
		"",
		"https://famille.grenoble.fr/oidc/logout",
		"",
		"10.0.0.1", // private: refused
		"203.0.113.7",
		"",
		"",      // ES256
		"1 2 3", // given_name family_name birthdate
		"non",
		"famille@grenoble.fr",
		"",
		"", // no notes
		"", // the proposed file name
	)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"FranceConnect ou FranceConnect+ ?",
		"Seules les demandes de production se font ici pour FranceConnect",
		"https://espace.partenaires.franceconnect.gouv.fr",
		"trois semaines avant",
		"--PAS DE SOLUTION EDITEUR--",
		"AIGA - certifié v2",
		"6) CAP COLLECTIF 7)", // not certified: no mark
		"Entrer une autre option",
		"Version de la solution de votre éditeur certifié v2",
		"Votre éditeur est certifié v2 : sans qualification individuelle, Entrée pour passer.",
		"Refusé : `spec.datapass` vaut « H12345 », un numéro d'habilitation",
		"commence par la lettre D",
		"Avez-vous également une habilitation API ?",
		"« <collectivité> - Portail Famille »",
		"Réponse [Grenoble - Portail Famille] :",
		"Refusé : `spec.redirectUris[0]` n'est pas une URL absolue",
		"Proposition : https://famille.grenoble.fr/callback",
		"Refusé : `spec.ipAddresses[0]` : 10.0.0.1 n'est pas une adresse publique",
		"ES256 (recommandé)",
		"preferred_username : nom d'usage",
		"Souhaitez-vous réutiliser les subs de votre Fournisseur de Service FranceConnect v1 ?",
		"Réponse [grenoble-portail-famille] :",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the session does not show %q", want)
		}
	}
	// The schema's words are not repeated when a rule explains better.
	if strings.Contains(out, "attendu une URL absolue") {
		t.Errorf("schema finding shown next to the rule's:\n%s", out)
	}
	// Questions that do not apply are not asked.
	for _, absent := range []string{"URL des clés du client", "Algorithme de chiffrement", "Numéro de la demande d'habilitation API",
		"URL du secteur d'identification", "Nom de votre éditeur", "Client ID"} {
		if strings.Contains(out, absent) {
			t.Errorf("question %q asked but does not apply", absent)
		}
	}
	got, err := w.File()
	if err != nil {
		t.Fatal(err)
	}
	want := `# yaml-language-server: $schema=../../../schema/service-provider.draft-07.schema.json
apiVersion: fsgate/v1
kind: ServiceProvider
metadata:
  name: grenoble-portail-famille
spec:
  platform: franceconnect
  environment: production
  organisation: Ville de Grenoble
  displayName: Grenoble - Portail Famille
  site: https://famille.grenoble.fr/
  datapass: D48219
  editor:
    id: aiga
    version: "4.2"
  plannedProductionDate: 2027-03-01
  redirectUris:
    - https://famille.grenoble.fr/oidc/callback
  postLogoutRedirectUris:
    - https://famille.grenoble.fr/oidc/logout
  ipAddresses:
    - 203.0.113.7
  signature: ES256
  scopes:
    - openid
    - given_name
    - family_name
    - birthdate
  contacts:
    - famille@grenoble.fr
`
	if string(got) != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if w.Path() != "providers/franceconnect/production/grenoble-portail-famille.yaml" {
		t.Errorf("path %s", w.Path())
	}
	if errs := errorsOf(t, w); len(errs) > 0 {
		t.Errorf("the file does not validate: %+v", errs)
	}
}

func TestInterviewFranceConnectPlus(t *testing.T) {
	w := newWizard(t, Config{})
	out, err := session(t, w, nil,
		"FranceConnect+", // by label
		"intégration",    // by value, accents ignored
		"1",              // no editor
		"d 60321",        // normalized to D60321
		"oui",            // API habilitation
		"",               // required once announced
		"D60322",
		"CAF de la Drôme",
		"CAF de la Drôme - Simulateur",
		"https://simulateur.caf26-exemple.fr/",
		"https://recette.caf26-exemple.fr/callback",
		"http://localhost:8080/callback", // a second host: sector identifier needed
		"",
		"", // required: refused
		"https://recette.caf26-exemple.fr/sector.json",
		"https://recette.caf26-exemple.fr/logout",
		"",
		"HTTPS://Recette.caf26-exemple.fr/jwks.json", // not canonical: refused, fix proposed
		"",                      // accept the proposal
		"",                      // no IP
		"2",                     // RS256: accepted with a warning
		"3",                     // no default: refused
		"2",                     // RSA-OAEP-256
		"preferred_username 99", // out of the list
		"preferred_username",    // needs family_name
		"1 2 dgfip_rfr",         // a data provider's scope, typed
		"oui",
		"211286433E39CCE01DB448D80181BDFD005554B19CD51B3FE7943F6B3B86AB6E",
		"equipe@gmail.com", // warning, accepted
		"",
		"Note libre",
		"caf-simulateur",
	)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"Votre demande concerne-t-elle l'environnement d'intégration",
		"Refusé : réponse obligatoire",
		"est-il le même pour l'ensemble des URL de redirection de connexion ? Réponse : non (d'après vos URL)",
		"URL du secteur d'identification",
		"recette.caf26-exemple.fr, localhost:8080",
		"Refusé : les URL de redirection sont sur 2 hôtes",
		"URL des clés du client (JWKS)",
		"Proposition : https://recette.caf26-exemple.fr/jwks.json",
		"Attention : `spec.signature` vaut « RS256 »",
		"réponse attendue : un numéro de 1 à 2",
		"« 99 » n'est pas dans la liste",
		"Refusé : `spec.scopes[1]` : preferred_username (nom d'usage) demande aussi family_name",
		"rnipp_given_name : prénoms (certifié RNIPP)",
		"Souhaitez-vous réutiliser les subs d'un de vos Fournisseurs de Service sur FranceConnect ?",
		"Client ID d'intégration de votre Fournisseur de Service sur FranceConnect",
		"Attention : `spec.contacts[0]` : adresse d'une messagerie personnelle",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the session does not show %q", want)
		}
	}
	got, err := w.File()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  datapass: D60321\n  apiDatapass: D60322\n",
		"  sectorIdentifierUri: https://recette.caf26-exemple.fr/sector.json\n  jwksUri: https://recette.caf26-exemple.fr/jwks.json\n",
		"  signature: RS256\n  encryption: RSA-OAEP-256\n",
		"  scopes:\n    - openid\n    - given_name\n    - family_name\n    - dgfip_rfr\n",
		"  reuseSubs:\n    from: franceconnect\n    clientId: 211286433e39cce01db448d80181bdfd005554b19cd51b3fe7943f6b3b86ab6e\n",
		"  notes: Note libre\n",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("file does not contain %q:\n%s", want, got)
		}
	}
	if w.Path() != "providers/franceconnect-plus/integration/caf-simulateur.yaml" {
		t.Errorf("path %s", w.Path())
	}
	if errs := errorsOf(t, w); len(errs) > 0 {
		t.Errorf("the file does not validate: %+v", errs)
	}
}

func TestInterviewStopsOnFranceConnectIntegration(t *testing.T) {
	w := newWizard(t, Config{})
	out, err := session(t, w, nil, "1", "2")
	var stopped *Stopped
	if !errors.As(err, &stopped) {
		t.Fatalf("want *Stopped, got %v\n%s", err, out)
	}
	if !strings.Contains(stopped.Reason, "https://espace.partenaires.franceconnect.gouv.fr") ||
		!strings.Contains(out, "Arrêt : ") {
		t.Errorf("the stop must say where to go:\n%s", out)
	}
}

func TestInterviewPresetNotApplicable(t *testing.T) {
	w := newWizard(t, Config{})
	f := flags()
	f["platform"], f["environment"] = []string{"franceconnect"}, []string{"production"}
	delete(f, "encryption")
	f["display-name"] = []string{"Lille - Démarches"}
	// Enter for each question the flags leave: editor, API habilitation,
	// IP addresses, signature, reuse of subs, notes, file name.
	out, err := session(t, w, f, "", "", "", "", "", "", "")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, "Attention : --jwks-uri ne s'applique pas à cette demande (FranceConnect+ seulement, qui chiffre les jetons) : ignoré") {
		t.Errorf("a flag that does not apply must be said:\n%s", out)
	}
	if w.Answers.JWKSURI != "" {
		t.Errorf("jwks-uri kept: %q", w.Answers.JWKSURI)
	}
}

func TestInterviewAborted(t *testing.T) {
	w := newWizard(t, Config{})
	if _, err := session(t, w, nil, "2"); !errors.Is(err, ErrAborted) {
		t.Errorf("want ErrAborted, got %v", err)
	}
}

func TestInterviewPreset(t *testing.T) {
	w := newWizard(t, Config{})
	preset := map[string][]string{
		"platform":     {"franceconnect-plus"},
		"environment":  {"integration"},
		"datapass":     {"H1"}, // refused: asked again
		"api-datapass": {"D2"}, // answers "API habilitation?" too
	}
	out, err := session(t, w, preset, "", "D1") // editor: none; the DataPass number
	if !errors.Is(err, ErrAborted) {
		t.Fatalf("want the end of the input, got %v", err)
	}
	for _, want := range []string{
		"FranceConnect ou FranceConnect+ ? : FranceConnect+",
		"Intégration ou production ? : Intégration (bac à sable)",
		"Refusé : `spec.datapass` vaut « H1 »",
		"Avez-vous également une habilitation API ? : oui",
		"Numéro de la demande d'habilitation API (ex. D67890) : D2",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the session does not show %q:\n%s", want, out)
		}
	}
	if w.Answers.Datapass != "D1" || w.Answers.APIDatapass != "D2" {
		t.Errorf("answers %+v", w.Answers)
	}
}

// flags is a complete, valid set of answers for a FranceConnect+
// production request.
func flags() map[string][]string {
	return map[string][]string{
		"platform":        {"franceconnect-plus"},
		"environment":     {"production"},
		"planned-date":    {"2027-06-01"},
		"qualification":   {"4242"},
		"datapass":        {"D55555"},
		"organisation":    {"Ville de Lille"},
		"display-name":    {"Lille - Démarches"},
		"site":            {"https://demarches.lille.fr/"},
		"redirect-uri":    {"https://demarches.lille.fr/callback"},
		"post-logout-uri": {"https://demarches.lille.fr/logout"},
		"jwks-uri":        {"https://demarches.lille.fr/jwks.json"},
		"encryption":      {"ECDH-ES"},
		"scope":           {"given_name", "family_name"},
		"contact":         {"fs@lille.fr"},
	}
}

func TestFromFlags(t *testing.T) {
	tests := []struct {
		name   string
		change func(map[string][]string)
		flag   string // of the error; "" when accepted
		msg    string // part of the error, or of a warning
	}{
		{"complete", func(map[string][]string) {}, "", ""},
		{"missing site", func(f map[string][]string) { delete(f, "site") }, "site", "champ obligatoire manquant : `spec.site`"},
		{"missing encryption", func(f map[string][]string) { delete(f, "encryption") }, "encryption", "indiquez dans `spec.encryption` l'algorithme"},
		{"missing contact", func(f map[string][]string) { delete(f, "contact") }, "contact", "champ obligatoire manquant"},
		{"missing qualification", func(f map[string][]string) { delete(f, "qualification") }, "qualification", "spec.qualification"},
		{"habilitation number", func(f map[string][]string) { f["datapass"] = []string{"H12345"} }, "datapass", "un numéro d'habilitation"},
		{"API habilitation number", func(f map[string][]string) { f["api-datapass"] = []string{"H9"} }, "api-datapass", "un numéro d'habilitation"},
		{"fragment", func(f map[string][]string) {
			f["redirect-uri"] = append(f["redirect-uri"], "https://demarches.lille.fr/#x")
		},
			"redirect-uri", "`spec.redirectUris[1]` contient « # »"},
		{"FranceConnect integration", func(f map[string][]string) {
			f["platform"], f["environment"] = []string{"franceconnect"}, []string{"integration"}
		}, "environment", "espace partenaires"},
		{"not applicable", func(f map[string][]string) {
			f["platform"] = []string{"franceconnect"}
			delete(f, "encryption")
		}, "jwks-uri", "ne s'applique pas à cette demande (FranceConnect+ seulement"},
		{"editor name without other", func(f map[string][]string) { f["editor-name"] = []string{"X"} }, "editor-name", "ne s'applique pas"},
		{"wrong eidas", func(f map[string][]string) { f["eidas"] = []string{"eidas1"} }, "eidas", "sur FranceConnect+, indiquez eidas2 ou eidas3"},
		{"unknown option value", func(f map[string][]string) { f["signature"] = []string{"HS256"} }, "signature", "doit valoir ES256 ou RS256"},
		{"reuse subs from the client id", func(f map[string][]string) {
			f["reuse-subs-client-id"] = []string{"211286433e39cce01db448d80181bdfd005554b19cd51b3fe7943f6b3b86ab6e"}
		}, "", ""},
		{"reuse subs from alone", func(f map[string][]string) { f["reuse-subs-from"] = []string{"franceconnect"} },
			"reuse-subs-client-id", "champ obligatoire manquant"},
		{"reuse subs from v1 on FranceConnect+", func(f map[string][]string) {
			f["reuse-subs-from"] = []string{"franceconnect-v1"}
			f["reuse-subs-client-id"] = []string{"211286433e39cce01db448d80181bdfd"}
		}, "reuse-subs-from", "un FS FranceConnect+ ne reprend que les subs d'un FS FranceConnect"},
		{"editor pattern filled", func(f map[string][]string) {
			f["editor"], f["editor-version"], f["display-name"] = []string{"waigeo"}, []string{"3"}, []string{"Lille"}
		}, "", ""},
		{"phone number in notes", func(f map[string][]string) { f["notes"] = []string{"appelez le 06 12 34 56 78"} }, "notes", "téléphone"},
		{"bad name", func(f map[string][]string) { f["name"] = []string{"---"} }, "name", "réponse obligatoire"},
		{"two URLs on one host", func(f map[string][]string) {
			f["redirect-uri"] = append(f["redirect-uri"], "https://demarches.lille.fr/callback2")
		}, "", ""},
		{"two hosts without sector identifier", func(f map[string][]string) {
			f["redirect-uri"] = append(f["redirect-uri"], "https://app.lille.fr/callback")
		}, "sector-identifier-uri", "les URL de redirection sont sur 2 hôtes"},
		{"two hosts with sector identifier", func(f map[string][]string) {
			f["redirect-uri"] = append(f["redirect-uri"], "https://app.lille.fr/callback")
			f["sector-identifier-uri"] = []string{"https://demarches.lille.fr/sector.json"}
		}, "", ""},
		{"sector identifier with one host", func(f map[string][]string) {
			f["sector-identifier-uri"] = []string{"https://demarches.lille.fr/sector.json"}
		}, "sector-identifier-uri", "ne s'applique pas à cette demande (quand les URL de redirection sont sur plusieurs noms de domaine)"},
		{"warning only", func(f map[string][]string) { f["planned-date"] = []string{"2026-12-05"} }, "", "dans 4 jours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := flags()
			tt.change(f)
			w := newWizard(t, Config{})
			warnings, err := w.FromFlags(f)
			if tt.flag == "" {
				if err != nil {
					t.Fatal(err)
				}
				if errs := errorsOf(t, w); len(errs) > 0 {
					t.Errorf("accepted answers that do not validate: %+v", errs)
				}
				if tt.msg != "" && !slices.ContainsFunc(warnings, func(m string) bool { return strings.Contains(m, tt.msg) }) {
					t.Errorf("warnings %q do not contain %q", warnings, tt.msg)
				}
				return
			}
			var fe *FlagError
			if !errors.As(err, &fe) {
				t.Fatalf("want a *FlagError on --%s, got %v", tt.flag, err)
			}
			if fe.Flag != tt.flag || !strings.Contains(fe.Message, tt.msg) {
				t.Errorf("got %v, want --%s : …%s…", fe, tt.flag, tt.msg)
			}
			if strings.Contains(fe.Error(), "\n") || !strings.HasPrefix(fe.Error(), "--"+tt.flag+" : ") {
				t.Errorf("the error must be one line naming the flag: %q", fe.Error())
			}
		})
	}
}

func TestFromFlagsFile(t *testing.T) {
	w := newWizard(t, Config{})
	f := flags()
	f["editor"], f["editor-version"], f["display-name"] = []string{"waigeo"}, []string{"3"}, []string{"Lille"}
	if _, err := w.FromFlags(f); err != nil {
		t.Fatal(err)
	}
	got, err := w.File()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"  name: myperischool-lille\n",
		"  displayName: MyPérischool - Lille\n",
		"  editor:\n    id: waigeo\n    version: \"3\"\n",
		"  qualification: 4242\n  plannedProductionDate: 2027-06-01\n",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("file does not contain %q:\n%s", want, got)
		}
	}
}

// TestSameRulesAsValidate checks that an answer is judged by the registry's
// rule itself: the wizard's message is the rule's, word for word.
func TestSameRulesAsValidate(t *testing.T) {
	w := newWizard(t, Config{})
	f := flags()
	f["datapass"] = []string{"H777"}
	_, err := w.FromFlags(f)
	var fe *FlagError
	if !errors.As(err, &fe) {
		t.Fatal(err)
	}
	src := []byte("apiVersion: fsgate/v1\nkind: ServiceProvider\nmetadata: {name: x}\nspec: {datapass: H777}\n")
	doc, _ := load.Parse(src)
	file := &rules.File{Path: "x.yaml", Source: src, Root: doc.Root, Request: request.FromValue(doc.Value)}
	got := rules.Lookup("datapass-number").Check(&rules.Context{}, file)
	if len(got) != 1 || got[0].Message.FR != fe.Message {
		t.Errorf("wizard says %q, the rule says %+v", fe.Message, got)
	}
}

func TestCrossFileRules(t *testing.T) {
	src := []byte("apiVersion: fsgate/v1\nkind: ServiceProvider\nmetadata: {name: autre}\n" +
		"spec: {platform: franceconnect-plus, environment: production, datapass: D55555}\n")
	doc, _ := load.Parse(src)
	other := &rules.File{Path: "providers/franceconnect-plus/production/autre.yaml", Source: src, Root: doc.Root,
		Request: request.FromValue(doc.Value)}
	w := newWizard(t, Config{Others: []*rules.File{other}})
	warnings, err := w.FromFlags(flags())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(warnings, func(m string) bool {
		return strings.HasPrefix(m, "--datapass : ") && strings.Contains(m, "autre.yaml")
	}) {
		t.Errorf("the duplicate DataPass number is not reported: %q", warnings)
	}
}

func TestExistingFileRefused(t *testing.T) {
	w := newWizard(t, Config{Exists: func(p string) bool {
		return p == "providers/franceconnect-plus/production/lille-demarches.yaml"
	}})
	_, err := w.FromFlags(flags())
	var fe *FlagError
	if !errors.As(err, &fe) || fe.Flag != "name" || !strings.Contains(fe.Message, "existe déjà") {
		t.Fatalf("got %v", err)
	}
	f := flags()
	f["name"] = []string{"Lille Démarches 2"}
	w = newWizard(t, Config{Exists: func(p string) bool { return strings.HasSuffix(p, "/lille-demarches.yaml") }})
	if _, err := w.FromFlags(f); err != nil || w.Answers.Name != "lille-demarches-2" {
		t.Errorf("another name must be accepted, slugified: %v %q", err, w.Answers.Name)
	}
}

func TestQuestions(t *testing.T) {
	var ids, flagNames []string
	for _, q := range Questions() {
		ids = append(ids, q.ID)
		if q.Flag != "" {
			flagNames = append(flagNames, q.Flag)
		}
		if q.store == nil || len(q.pointers) == 0 && q.Kind != YesNo {
			t.Errorf("question %s: no store or no pointer", q.ID)
		}
		if q.Flag == "" && q.computed == nil && (q.derive == nil || q.blame == "") {
			t.Errorf("question %s: no flag and no derivation", q.ID)
		}
		if q.Applies != nil && q.When == "" && q.Flag != "" {
			t.Errorf("question %s: conditional without When", q.ID)
		}
	}
	// The form's order.
	wantOrder := []string{"platform", "environment", "planned-date", "editor", "editor-name", "editor-version", "qualification",
		"datapass", "api-habilitation", "api-datapass", "organisation", "display-name", "site", "redirect-uris",
		"same-host", "sector-identifier-uri", "post-logout-uris", "jwks-uri", "ip-addresses", "signature", "encryption", "eidas",
		"scopes", "reuse-subs", "reuse-subs-from", "reuse-subs-client-id", "contacts", "notes", "name"}
	if !slices.Equal(ids, wantOrder) {
		t.Errorf("questions:\n%q\nwant\n%q", ids, wantOrder)
	}
	// Every flag of the command line contract.
	for _, f := range []string{"platform", "environment", "organisation", "display-name", "site", "datapass", "api-datapass",
		"editor", "editor-name", "editor-version", "qualification", "planned-date", "redirect-uri", "post-logout-uri",
		"sector-identifier-uri", "jwks-uri", "ip", "signature", "encryption", "eidas", "scope", "reuse-subs-from",
		"reuse-subs-client-id", "contact", "notes", "name"} {
		if !slices.Contains(flagNames, f) {
			t.Errorf("no question answers --%s", f)
		}
	}
	if len(Flags()) != len(flagNames) {
		t.Errorf("Flags() has %d flags, want %d", len(Flags()), len(flagNames))
	}
	if Lookup("datapass") == nil || Lookup("nope") != nil {
		t.Error("Lookup")
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Lyon - Portail Famille":                  "lyon-portail-famille",
		"Démarches en ligne à Évry-Courcouronnes": "demarches-en-ligne-a-evry-courcouronnes",
		"Commune d'Œuilly":                        "commune-d-oeuilly",
		"  --  ":                                  "",
		"MyPérischool - Saint-Étienne":            "myperischool-saint-etienne",
		strings.Repeat("abc ", 30):                "abc-abc-abc-abc-abc-abc-abc-abc-abc-abc-abc-abc-abc-abc-abc-abc",
	}
	for in, want := range tests {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
		if got := Slug(in); len(got) > maxName {
			t.Errorf("Slug(%q) too long", in)
		}
	}
}

func TestCollectivite(t *testing.T) {
	tests := map[string]string{
		"Ville de Lyon":         "Lyon",
		"Commune d'Annecy":      "Annecy",
		"Mairie de  Saint-Malo": "Saint-Malo",
		"Département du Rhône":  "Département du Rhône",
	}
	for in, want := range tests {
		if got := Collectivite(in); got != want {
			t.Errorf("Collectivite(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolve(t *testing.T) {
	w := newWizard(t, Config{})
	w.Answers.Platform = "franceconnect"
	tests := []struct {
		id      string
		in      []string
		want    []string
		problem string
	}{
		{"platform", []string{"2"}, []string{"franceconnect-plus"}, ""},
		{"platform", []string{"FRANCECONNECT"}, []string{"franceconnect"}, ""},
		{"platform", []string{"3"}, nil, "un numéro de 1 à 2"},
		{"platform", []string{"autre"}, []string{"autre"}, ""}, // the schema explains
		{"environment", []string{"Intégration"}, []string{"integration"}, ""},
		{"api-habilitation", []string{"O"}, []string{"oui"}, ""},
		{"api-habilitation", []string{"peut-être"}, nil, "oui ou non"},
		{"scopes", []string{"1, 2;2 email"}, []string{"given_name", "family_name", "email"}, ""},
		{"scopes", []string{"0"}, nil, "n'est pas dans la liste"},
		{"redirect-uris", []string{" a ", "", "b"}, []string{"a", "b"}, ""},
		{"planned-date", []string{"1/3/2027"}, []string{"2027-03-01"}, ""},
		{"datapass", []string{" d 123 "}, []string{"D123"}, ""},
		{"qualification", []string{"n° 123 456"}, []string{"123456"}, ""},
		{"notes", []string{"   "}, nil, ""},
		{"notes", []string{"D\xe9marches"}, nil, "UTF-8"},
	}
	for _, tt := range tests {
		got, problem := Lookup(tt.id).resolve(&w.Answers, tt.in)
		if !slices.Equal(got, tt.want) || !strings.Contains(problem, tt.problem) || (tt.problem == "") != (problem == "") {
			t.Errorf("%s %q: got %q %q, want %q %q", tt.id, tt.in, got, problem, tt.want, tt.problem)
		}
	}
}

func TestWrap(t *testing.T) {
	var b bytes.Buffer
	wrap(&b, "  ", strings.Repeat("mot ", 30)+"« <collectivité> - Portail Famille » : fin")
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if len([]rune(line)) > width {
			t.Errorf("line longer than %d: %q", width, line)
		}
		if strings.HasSuffix(line, "«") || strings.HasPrefix(strings.TrimSpace(line), "»") || strings.HasPrefix(strings.TrimSpace(line), ":") {
			t.Errorf("punctuation cut from its word: %q", line)
		}
	}
}

package fcimport

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/export"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/validate"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const fixtures = "testdata/franceconnect/"

var testToday = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(fixtures + name + "-clients.json")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func importFixture(t *testing.T, name, env string) []*Outcome {
	t.Helper()
	outs, err := Import(readFixture(t, name), Options{Environment: env, Today: testToday})
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

// expected is what becomes of each real FranceConnect document: skipped
// (part of the reason) or imported, with the client fields whose export
// differs from the document because the format cannot carry them.
type expected struct {
	skip    string
	changed []string
}

var fixtureOutcomes = map[string]map[string]expected{
	"core-fcp-high": {
		"FSP - FSP1-HIGH":                        {changed: []string{"title", "site", "allowedPrompts"}},
		"FSP - FSP2v2":                           {skip: "no post_logout_redirect_uris"},
		"Service Provider Example 3 deactivated": {skip: "deactivated SP (active: false)"},
		"SP 4 - deactivated - Only openid and birthdate scopes authorized": {changed: []string{"title", "site", "eidas"}},
		"FSP - FSP5-HIGH": {changed: []string{"title", "site", "type", "identityConsent", "idpFilterExclude", "idpFilterList"}},
		"FSP - FSP6v2":    {skip: "no signup_id"},
		"FSP - FSP7v2":    {skip: "no signup_id"},
		"Eidas bridge FS": {skip: "encryption algorithm “RSA-OAEP” is outside the format"},
		"IMPORTED-FS-LOW": {changed: []string{"title", "scopes", "claims", "idpFilterExclude", "idpFilterList"}},
	},
	"core-fcp-low": {
		"fsp1-low":       {changed: []string{"title", "eidas", "idpFilterList", "allowedPrompts"}},
		"fsp2-low":       {changed: []string{"title", "eidas", "scopes", "claims", "idpFilterExclude", "idpFilterList", "allowedIdpHints"}},
		"fsp3-low":       {changed: []string{"title", "scopes", "type", "identityConsent", "idpFilterList", "rep_scope"}},
		"fsp4-low":       {changed: []string{"title", "scopes", "idpFilterExclude", "idpFilterList"}},
		"fsp5-low":       {skip: "entityId cannot be written"},
		"User Dashboard": {changed: []string{"title", "jwks_uri", "scopes"}},
	},
}

func changedFields(o *Outcome) []string {
	var out []string
	for _, n := range o.Notes {
		if n.Kind == Changed {
			for _, f := range n.Fields {
				if !slices.Contains(out, f) {
					out = append(out, f)
				}
			}
		}
	}
	return out
}

// TestFixtureOutcomes: every real document is imported or skipped as
// expected, with the notes expected: the list of what the format cannot
// express is asserted, not empty by accident.
func TestFixtureOutcomes(t *testing.T) {
	for fixture, want := range fixtureOutcomes {
		outs := importFixture(t, fixture, request.Production)
		if len(outs) != len(want) {
			t.Fatalf("%s: %d documents, want %d", fixture, len(outs), len(want))
		}
		imported := 0
		for _, o := range outs {
			w, ok := want[o.Name]
			if !ok {
				t.Errorf("%s: unexpected document %q", fixture, o.Name)
				continue
			}
			switch {
			case w.skip != "" && o.Skipped == nil:
				t.Errorf("%s %q: imported, want skipped (%s)", fixture, o.Name, w.skip)
			case w.skip != "" && !strings.Contains(o.Skipped.EN, w.skip):
				t.Errorf("%s %q: skipped for %q, want %q", fixture, o.Name, o.Skipped.EN, w.skip)
			case w.skip == "" && o.Skipped != nil:
				t.Errorf("%s %q: skipped (%s)", fixture, o.Name, o.Skipped.EN)
			case w.skip == "":
				imported++
				if got := changedFields(o); !slices.Equal(got, w.changed) {
					t.Errorf("%s %q: changed fields %v, want %v", fixture, o.Name, got, w.changed)
				}
				if o.Skipped == nil && (o.Path == "" || len(o.File) == 0) {
					t.Errorf("%s %q: no file", fixture, o.Name)
				}
			}
		}
		if imported < 4 {
			t.Errorf("%s: only %d documents imported", fixture, imported)
		}
	}
}

// comparedDefaults are FranceConnect's values of fields a document may
// leave out (franceconnect.md: the defaults of its creation paths).
var comparedDefaults = map[string]any{
	"IPServerAddressesAndRanges": []string{}, "claims": []string{"amr"}, "type": "public",
	"identityConsent": false, "idpFilterExclude": true, "idpFilterList": []string{}, "rep_scope": []string{},
	"jwks_uri": "", "sector_identifier_uri": "", "platform": "", "eidas": 0,
}

// fixtureValue is the document's value of a client field, typed as the
// export types it.
func fixtureValue(t *testing.T, doc map[string]any, field string) any {
	t.Helper()
	v, ok := doc[field]
	if !ok {
		if field == "entityId" {
			return doc["key"] // entityId defaults to the client_id
		}
		return comparedDefaults[field]
	}
	switch v := v.(type) {
	case []any:
		out := make([]string, len(v))
		for i, s := range v {
			out[i] = s.(string)
		}
		return out
	case json.Number:
		n, err := v.Int64()
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	return v
}

// TestRoundTrip: for every document of core-fcp-high and core-fcp-low that
// is imported, parsing the request file written and exporting it gives
// back the document's value of every client field, except exactly the
// fields the import reported as changed.
func TestRoundTrip(t *testing.T) {
	compared := 0
	for _, fixture := range []string{"core-fcp-high", "core-fcp-low"} {
		data := readFixture(t, fixture)
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var docs []map[string]any
		if err := dec.Decode(&docs); err != nil {
			t.Fatal(err)
		}
		for i, o := range importFixture(t, fixture, request.Production) {
			if o.Skipped != nil {
				continue
			}
			doc := docs[o.Index]
			if o.Index != i || doc["name"] != o.Name {
				t.Fatalf("outcome %d is document %d", i, o.Index)
			}
			parsed, problems := load.Parse(o.File)
			if !parsed.Valid {
				t.Fatalf("%s %q: the request does not load: %v", fixture, o.Name, problems)
			}
			r := request.FromValue(parsed.Value)
			if !reflect.DeepEqual(r, o.Request) {
				t.Errorf("%s %q: the file does not hold the request built:\n%+v\n%+v", fixture, o.Name, r, o.Request)
			}
			client := export.ClientOf(r)
			var differ []string
			for _, field := range export.FieldNames() {
				got, _ := client.Field(field)
				if field == "entityId" && got == "" {
					got = doc["key"]
				}
				if !reflect.DeepEqual(got, fixtureValue(t, doc, field)) {
					differ = append(differ, field)
				}
			}
			want := fixtureOutcomes[fixture][o.Name].changed
			var wantCompared []string
			for _, f := range want {
				if slices.Contains(export.FieldNames(), f) {
					wantCompared = append(wantCompared, f)
				}
			}
			slices.Sort(differ)
			slices.Sort(wantCompared)
			if !slices.Equal(differ, wantCompared) {
				t.Errorf("%s %q: the export differs from the document on %v; the import reported %v", fixture, o.Name, differ, wantCompared)
			}
			compared++
		}
	}
	if compared != 9 {
		t.Errorf("%d documents compared, want 9", compared)
	}
}

// explainedBy maps the error rules an imported request may still break to
// the Complete note that announces it.
var explainedBy = map[string]string{
	"production-qualification": "spec.qualification",
	"scope-api-habilitation":   "spec.apiDatapass",
	"scope-platform":           "spec.scopes",
}

// TestImportedFilesValidate: the files imported from the real documents,
// written into a repository, pass fsgate validate but for the errors the
// import announced in its notes (a value the documents do not hold).
func TestImportedFilesValidate(t *testing.T) {
	root := t.TempDir()
	providers := filepath.Join(root, "providers")
	notes := map[string]*Outcome{} // by request path
	runs := []struct {
		fixture, env string
		skippedFC    bool
	}{
		{"core-fcp-high", request.Production, false},
		{"core-fcp-low", request.Production, false},
		{"core-fcp-high", request.Integration, true},
	}
	for _, run := range runs {
		for _, o := range importFixture(t, run.fixture, run.env) {
			if run.skippedFC && o.Skipped == nil && o.Request.Platform == request.FranceConnect {
				t.Errorf("%q: FranceConnect imported in integration", o.Name)
			}
			if o.Skipped != nil {
				continue
			}
			if err := Write(providers, o, false); err != nil {
				t.Fatal(err)
			}
			notes["providers/"+o.Path] = o
		}
	}
	res, err := validate.Run(validate.Options{Root: root, Today: testToday})
	if err != nil {
		t.Fatal(err)
	}
	withErrors := map[string]bool{}
	for _, f := range res.Findings {
		if f.Severity != finding.Error {
			continue
		}
		withErrors[f.Path] = true
		o := notes[f.Path]
		field, known := explainedBy[f.Rule]
		announced := false
		if o != nil && known {
			for _, n := range o.Notes {
				announced = announced || (n.Kind == Complete && slices.Contains(n.Fields, field))
			}
		}
		if !announced {
			t.Errorf("%s:%d: unannounced error [%s] %s", f.Path, f.Line, f.Rule, f.Message.EN)
		}
	}
	clean := 0
	for p := range notes {
		if !withErrors[p] {
			clean++
		}
	}
	// SP 4 and FSP5-HIGH in integration: no qualification, no data
	// provider: nothing to complete for validate.
	if clean < 2 {
		t.Errorf("only %d imported files pass validate as they are", clean)
	}
}

// TestSecretsNeverWritten: key and client_secret reach neither the file
// nor the notes; the client_secret is reported as ignored.
func TestSecretsNeverWritten(t *testing.T) {
	const secret = "3f9a7c21d4e85b60a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4"
	var docs []map[string]any
	if err := json.Unmarshal(readFixture(t, "core-fcp-high"), &docs); err != nil {
		t.Fatal(err)
	}
	doc := docs[0]
	doc["client_secret"] = secret
	key := doc["key"].(string)
	data, _ := json.Marshal([]any{doc})
	outs, err := Import(data, Options{Environment: request.Production, Today: testToday})
	if err != nil {
		t.Fatal(err)
	}
	o := outs[0]
	if o.Skipped != nil {
		t.Fatalf("skipped: %s", o.Skipped.EN)
	}
	for _, s := range []string{secret, key, "client_secret:", "key:"} {
		if bytes.Contains(o.File, []byte(s)) {
			t.Errorf("the request file holds %q:\n%s", s, o.File)
		}
	}
	reported := false
	for _, n := range o.Notes {
		if strings.Contains(n.Message.FR+n.Message.EN, secret) || strings.Contains(n.Message.FR+n.Message.EN, key) {
			t.Errorf("a note shows a secret: %v", n.Message)
		}
		reported = reported || slices.Contains(n.Fields, "client_secret")
	}
	if !reported {
		t.Error("the client_secret is not reported as ignored")
	}
	root := t.TempDir()
	if err := Write(filepath.Join(root, "providers"), o, false); err != nil {
		t.Fatal(err)
	}
	res, err := validate.Run(validate.Options{Root: root, Today: testToday})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		if f.Rule == "secret" {
			t.Errorf("the secret rule fires on the imported file: %s", f.Message.EN)
		}
	}
}

func TestRenderGolden(t *testing.T) {
	outs := importFixture(t, "core-fcp-high", request.Production)
	for _, o := range outs {
		if o.Skipped != nil {
			continue
		}
		golden := filepath.Join("testdata", filepath.Base(o.Path))
		if *update {
			if err := os.WriteFile(golden, o.File, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(o.File, want) {
			t.Errorf("%s differs from the golden file (go test -update to accept):\n%s", golden, o.File)
		}
		if !bytes.HasPrefix(o.File, []byte(Modeline+"\n")) {
			t.Errorf("%s: no modeline first", o.Path)
		}
	}
}

func TestImportEdgeCases(t *testing.T) {
	base := map[string]any{
		"name": "Ville de Saint-Étienne — Démarches", "title": "Ville de Saint-Étienne — Démarches",
		"site": []any{"https://demarches.saint-etienne.fr/"}, "redirect_uris": []any{"https://demarches.saint-etienne.fr/cb"},
		"post_logout_redirect_uris": []any{"https://demarches.saint-etienne.fr/logout"},
		"key":                       "6925fb8143c76eded44d32b40c0cb1006065f7f003de52712b78985704f39950",
		"email":                     "dsi@saint-etienne.fr", "active": true, "type": "public", "platform": "CORE_FCP",
		"scopes": []any{"openid", "family_name"}, "claims": []any{"amr"}, "eidas": 1,
		"id_token_signed_response_alg": "ES256", "userinfo_signed_response_alg": "ES256",
		"id_token_encrypted_response_alg": "", "id_token_encrypted_response_enc": "",
		"userinfo_encrypted_response_alg": "", "userinfo_encrypted_response_enc": "",
		"idpFilterExclude": true, "idpFilterList": []any{}, "identityConsent": false, "signup_id": "4242",
	}
	with := func(changes map[string]any) map[string]any {
		d := map[string]any{}
		for k, v := range base {
			d[k] = v
		}
		for k, v := range changes {
			if v == nil {
				delete(d, k)
			} else {
				d[k] = v
			}
		}
		return d
	}
	tests := []struct {
		name    string
		doc     any
		skip    string   // part of the reason
		changed []string // fields
		check   func(t *testing.T, o *Outcome)
	}{
		{name: "clean document", doc: base, check: func(t *testing.T, o *Outcome) {
			if o.Path != "franceconnect/production/ville-de-saint-etienne-demarches.yaml" {
				t.Errorf("path %s", o.Path)
			}
			if len(changedFields(o)) != 0 {
				t.Errorf("notes %+v", o.Notes)
			}
		}},
		{name: "not an object", doc: "x", skip: "not a JSON object"},
		{name: "numbers as numbers", doc: with(map[string]any{"signup_id": 4242, "name": "東京"}), check: func(t *testing.T, o *Outcome) {
			if o.Request.Datapass != "D4242" || o.Request.Name != "fs-4242" {
				t.Errorf("datapass %s name %s", o.Request.Datapass, o.Request.Name)
			}
		}},
		{name: "field of the wrong type", doc: with(map[string]any{"redirect_uris": "https://x.fr/cb"}), skip: "unexpected type: redirect_uris"},
		{name: "legacy platform", doc: with(map[string]any{"platform": "CORE_LEGACY"}), skip: "platform “CORE_LEGACY”"},
		{name: "no active", doc: with(map[string]any{"active": nil}), skip: "no “active”"},
		{name: "HS256", doc: with(map[string]any{"id_token_signed_response_alg": "HS256"}), skip: "signature algorithm “HS256”"},
		{name: "signup_id too long", doc: with(map[string]any{"signup_id": "12345678"}), skip: "not a DataPass request number"},
		{name: "no email", doc: with(map[string]any{"email": " , "}), skip: "no email"},
		{name: "FC+ without jwks_uri", doc: with(map[string]any{"platform": nil, "eidas": 2, "id_token_encrypted_response_alg": "ECDH-ES",
			"id_token_encrypted_response_enc": "A256GCM", "userinfo_encrypted_response_alg": "ECDH-ES", "userinfo_encrypted_response_enc": "A256GCM"}),
			skip: "no jwks_uri"},
		{name: "FC+ without encryption", doc: with(map[string]any{"platform": nil, "eidas": 2, "jwks_uri": "https://x.fr/jwks"}),
			skip: "encryption algorithm “”"},
		{name: "several sites, emails with spaces", doc: with(map[string]any{
			"site": []any{"https://a.fr/", "https://b.fr/"}, "email": "a@x.fr, b@x.fr"}),
			changed: []string{"site", "email"}},
		{name: "reused subs", doc: with(map[string]any{"entityId": "eae74592cc68b8451d2621035b30dbf1"}), check: func(t *testing.T, o *Outcome) {
			if rs := o.Request.ReuseSubs; rs == nil || rs.From != "franceconnect-v1" || rs.ClientID != "eae74592cc68b8451d2621035b30dbf1" {
				t.Errorf("reuseSubs %+v", rs)
			}
		}},
		{name: "entityId = key: no reuseSubs", doc: with(map[string]any{"entityId": base["key"]}), check: func(t *testing.T, o *Outcome) {
			if o.Request.ReuseSubs != nil {
				t.Errorf("reuseSubs %+v", o.Request.ReuseSubs)
			}
		}},
		{name: "unknown fields and features", doc: with(map[string]any{
			"logo": "x.png", "featureHandlers": map[string]any{"coreVerify": "core-fcp-default-verify"},
			"credentialsFlow": true, "client_secret": "s3cr3t"}),
			changed: []string{"featureHandlers", "credentialsFlow", "client_secret", "logo"}},
		{name: "featureHandlers none is the default", doc: with(map[string]any{"featureHandlers": map[string]any{"none": ""}})},
		{name: "hostile name and keys", doc: with(map[string]any{
			"name": "Evil\nspec:\n  platform: x # @team", "title": nil, "a\nb: c": true}),
			changed: []string{"a\nb: c"}, check: func(t *testing.T, o *Outcome) {
				doc, problems := load.Parse(o.File)
				if !doc.Valid {
					t.Fatalf("the file does not load: %v\n%s", problems, o.File)
				}
				if r := request.FromValue(doc.Value); r.DisplayName != "Evil\nspec:\n  platform: x # @team" || r.Platform != request.FranceConnect {
					t.Errorf("request %+v", r)
				}
				if !bytes.Contains(o.File, []byte("Non repris tel quel du document FranceConnect : ….")) {
					t.Errorf("header:\n%s", o.File)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := json.Marshal([]any{tt.doc})
			if err != nil {
				t.Fatal(err)
			}
			outs, err := Import(data, Options{Environment: request.Production, Organisation: "Ville", Today: testToday})
			if err != nil {
				t.Fatal(err)
			}
			o := outs[0]
			if tt.skip != "" {
				if o.Skipped == nil || !strings.Contains(o.Skipped.EN, tt.skip) {
					t.Fatalf("outcome %+v, want skipped for %q", o.Skipped, tt.skip)
				}
				return
			}
			if o.Skipped != nil {
				t.Fatalf("skipped: %s", o.Skipped.EN)
			}
			if got := changedFields(o); tt.changed != nil && !slices.Equal(got, tt.changed) {
				t.Errorf("changed %v, want %v", got, tt.changed)
			}
			if tt.check != nil {
				tt.check(t, o)
			}
		})
	}
}

func TestImportInput(t *testing.T) {
	for _, in := range []string{"", "{}", "[1] [2]", "nul"} {
		if _, err := Import([]byte(in), Options{Environment: request.Production}); err == nil {
			t.Errorf("Import(%q) succeeded", in)
		}
	}
	if _, err := Import([]byte("[]"), Options{Environment: "staging"}); err == nil {
		t.Error("an unknown environment is accepted")
	}
}

func TestUniqueNames(t *testing.T) {
	var docs []map[string]any
	if err := json.Unmarshal(readFixture(t, "core-fcp-low"), &docs); err != nil {
		t.Fatal(err)
	}
	one := docs[0]
	data, _ := json.Marshal([]any{one, one, one})
	outs, err := Import(data, Options{Environment: request.Production, Today: testToday})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range outs {
		names = append(names, o.Request.Name)
	}
	if want := []string{"fsp1-low", "fsp1-low-2", "fsp1-low-3"}; !slices.Equal(names, want) {
		t.Errorf("names %v, want %v", names, want)
	}
}

func TestSlug(t *testing.T) {
	tests := []struct{ name, signup, want string }{
		{"Lyon - Portail Famille", "1", "lyon-portail-famille"},
		{"Mairie de Saint-Étienne : Œuvres & Démarches", "1", "mairie-de-saint-etienne-oeuvres-demarches"},
		{"  --FSP1--  ", "1", "fsp1"},
		{"東京", "1234", "fs-1234"},
		{"東京", "", "fs"},
		{strings.Repeat("abcdefghij", 10), "1", "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc"},
		{strings.Repeat("a", 62) + " b", "1", strings.Repeat("a", 62)},
	}
	for _, tt := range tests {
		if got := slug(tt.name, tt.signup); got != tt.want {
			t.Errorf("slug(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestWriteNoOverwrite(t *testing.T) {
	outs := importFixture(t, "core-fcp-low", request.Production)
	o := outs[0]
	dir := t.TempDir()
	if err := Write(dir, o, false); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(dir, filepath.FromSlash(o.Path))
	if err := os.WriteFile(name, []byte("edited by hand\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, o, false); err != ErrExists {
		t.Errorf("Write over an existing file: %v, want ErrExists", err)
	}
	if data, _ := os.ReadFile(name); string(data) != "edited by hand\n" {
		t.Error("the existing file was changed")
	}
	if err := Write(dir, o, true); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(name); !bytes.Equal(data, o.File) {
		t.Error("--force did not replace the file")
	}
	entries, _ := os.ReadDir(filepath.Dir(name))
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestLegacySkipped: FranceConnect v1 documents are outside the format;
// each is skipped, with the reason.
func TestLegacySkipped(t *testing.T) {
	outs := importFixture(t, "core-legacy", request.Production)
	if len(outs) == 0 {
		t.Fatal("no document")
	}
	for _, o := range outs {
		if o.Skipped == nil || !strings.Contains(o.Skipped.EN, "platform “CORE_LEGACY”") {
			t.Errorf("%q: %+v", o.Name, o.Skipped)
		}
	}
}

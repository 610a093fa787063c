package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/finding"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// Run `go test ./internal/report -update` to rewrite the golden files, then
// read the diff.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run with -update and read the diff)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// render writes in with the named format and fails the test on error.
func render(t *testing.T, format string, in *Input) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, format, in); err != nil {
		t.Fatalf("Write(%s): %v", format, err)
	}
	return buf.String()
}

const (
	lyon  = "providers/franceconnect-plus/production/lyon-portail-famille.yaml"
	paris = "providers/franceconnect/integration/paris-demarches.yaml"
	nice  = "providers/franceconnect/integration/nice-cantine.yaml"
	brest = "providers/franceconnect/production/brest-mediatheque.yaml"
	tours = "providers/franceconnect-plus/integration/tours-stationnement.yaml"
)

// sample is a realistic result: three files with findings (errors,
// warnings, a whole-file finding without a line) and two clean files.
func sample(lang finding.Lang) *Input {
	fs := []finding.Finding{
		{
			Path: lyon, Line: 9, Column: 13, Pointer: "/spec/datapass", Rule: "datapass-number", Severity: finding.Error,
			Message: finding.T(
				"`spec.datapass` doit être un numéro de demande DataPass (D…), pas d'habilitation (reçu : H12345)",
				"`spec.datapass` must be a DataPass request number (D…), not a habilitation (got: H12345)"),
			Suggestion: "D12345",
		},
		{
			Path: lyon, Line: 17, Column: 7, Pointer: "/spec/redirectUris/0", Rule: "redirect-uri-fragment", Severity: finding.Error,
			Message: finding.T(
				"l'URI de redirection contient « # » : FranceConnect refuse les fragments",
				"the redirect URI contains “#”: FranceConnect rejects fragments"),
			Suggestion: "https://famille.lyon.fr/oidc/callback",
		},
		{
			Path: lyon, Line: 22, Column: 17, Pointer: "/spec/ipAddresses/1", Rule: "ip-range-wide", Severity: finding.Warning,
			Message: finding.T(
				"la plage `198.51.100.0/16` est plus large qu'un /24 : vérifiez qu'elle ne couvre que vos serveurs",
				"the range `198.51.100.0/16` is wider than a /24: check that it covers only your servers"),
		},
		{
			Path: lyon, Line: 24, Column: 14, Pointer: "/spec/signature", Rule: "schema", Severity: finding.Error,
			Message: finding.T(
				"`spec.signature` doit valoir ES256 ou RS256 (reçu : HS256)",
				"`spec.signature` must be ES256 or RS256 (got: HS256)"),
			Suggestion: "ES256",
		},
		{
			Path: nice, Line: 0, Rule: "yaml", Severity: finding.Error,
			Message: finding.T(
				"le fichier n'est pas en UTF-8 valide : enregistrez-le en UTF-8",
				"the file is not valid UTF-8: save it as UTF-8"),
		},
		{
			Path: paris, Line: 8, Column: 16, Pointer: "/spec/displayName", Rule: "display-name", Severity: finding.Warning,
			Message: finding.T(
				"`spec.displayName` se termine par une espace : elle serait affichée aux usagers",
				"`spec.displayName` ends with a space: citizens would see it"),
			Suggestion: "Paris - Démarches",
		},
	}
	finding.Sort(fs)
	return &Input{
		Findings: fs,
		Files:    []string{brest, nice, paris, tours, lyon},
		Lang:     lang,
	}
}

// clean is a result without any finding.
func clean(lang finding.Lang) *Input {
	return &Input{Files: []string{brest, paris}, Lang: lang}
}

// withLinks sets the link prefixes the action passes.
func withLinks(in *Input) *Input {
	in.BlobURL = "https://github.com/fsgate/providers/blob/0123456789abcdef0123456789abcdef01234567/"
	in.DocURL = "https://github.com/fsgate/fsgate/blob/main/"
	return in
}

func TestGoldenTextAndJSON(t *testing.T) {
	src := map[string][]byte{
		lyon: []byte(strings.Repeat("# ligne\n", 8) +
			"  datapass: H12345\n" +
			strings.Repeat("# ligne\n", 7) +
			"    - https://famille.lyon.fr/oidc/callback#\n" +
			strings.Repeat("# ligne\n", 4) +
			"  ipAddresses: [203.0.113.10, 198.51.100.0/16]\n" +
			"# ligne\n" +
			"  signature: HS256\n"),
	}
	for _, tc := range []struct {
		format string
		lang   finding.Lang
	}{{"text", finding.FR}, {"text", finding.EN}, {"json", finding.FR}} {
		t.Run(tc.format+"-"+string(tc.lang), func(t *testing.T) {
			in := sample(tc.lang)
			in.Source = func(p string) []byte { return src[p] }
			checkGolden(t, tc.format+"-"+string(tc.lang), []byte(render(t, tc.format, in)))
		})
	}
}

func TestFormatsAreAllImplemented(t *testing.T) {
	for _, f := range Formats {
		for _, in := range []*Input{sample(finding.FR), clean(finding.EN), {}} {
			var buf bytes.Buffer
			if err := Write(&buf, f, in); err != nil {
				t.Errorf("Write(%s): %v", f, err)
			}
		}
	}
	if err := Write(&bytes.Buffer{}, "xml", sample(finding.FR)); err == nil {
		t.Error("Write(xml): want an error")
	}
}

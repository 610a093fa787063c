package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// runIn runs the command line with stdin and, when terminal, as if stdout
// were a terminal.
func runIn(t *testing.T, dir, stdin string, terminal bool, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Main(args, Env{
		Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr,
		Getenv:     func(k string) string { return map[string]string{"FSGATE_TODAY": "2026-12-01", "NO_COLOR": "1"}[k] },
		Getwd:      func() (string, error) { return dir, nil },
		Now:        func() time.Time { return time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC) },
		IsTerminal: terminal,
	})
	return code, stdout.String(), stderr.String()
}

// newFlags is a complete set of answers for a FranceConnect production
// request made with a certified editor.
var newArgs = []string{"new",
	"--platform", "franceconnect", "--environment", "production", "--planned-date", "2027-03-15",
	"--editor", "aiga", "--editor-version", "4.2",
	"--datapass", "D48213", "--organisation", "Ville de Villeurbanne",
	"--site", "https://portail-famille.villeurbanne.fr/",
	"--redirect-uri", "https://portail-famille.villeurbanne.fr/oidc/callback",
	"--post-logout-uri", "https://portail-famille.villeurbanne.fr/oidc/logout",
	"--ip", "203.0.113.24", "--scope", "given_name", "--scope", "family_name",
	"--contact", "dsi-portail-famille@villeurbanne.fr",
}

const newPath = "providers/franceconnect/production/villeurbanne-portail-famille.yaml"

func TestNewFromFlags(t *testing.T) {
	root := tree(t, nil)
	// --display-name with the collectivité only: the editor's pattern
	// completes it, as the form does.
	args := append(append([]string{}, newArgs...), "--display-name", "Villeurbanne")
	code, stdout, stderr := runIn(t, root, "", false, args...)
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	for _, want := range []string{"Fichier écrit : " + newPath, "1 fichier vérifié : aucun problème", "pull request"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout does not contain %q:\n%s", want, stdout)
		}
	}
	got, err := os.ReadFile(filepath.Join(root, newPath))
	if err != nil {
		t.Fatal(err)
	}
	want := `# yaml-language-server: $schema=../../../schema/service-provider.draft-07.schema.json
apiVersion: fsgate/v1
kind: ServiceProvider
metadata:
  name: villeurbanne-portail-famille
spec:
  platform: franceconnect
  environment: production
  organisation: Ville de Villeurbanne
  displayName: Villeurbanne - Portail Famille
  site: https://portail-famille.villeurbanne.fr/
  datapass: D48213
  editor:
    id: aiga
    version: "4.2"
  plannedProductionDate: 2027-03-15
  redirectUris:
    - https://portail-famille.villeurbanne.fr/oidc/callback
  postLogoutRedirectUris:
    - https://portail-famille.villeurbanne.fr/oidc/logout
  ipAddresses:
    - 203.0.113.24
  signature: ES256
  scopes:
    - openid
    - given_name
    - family_name
  contacts:
    - dsi-portail-famille@villeurbanne.fr
`
	if string(got) != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	// The file is canonical and validates, as CI will check.
	if code, stdout, _ := runIn(t, root, "", false, "fmt", "--check"); code != ExitOK {
		t.Errorf("the file written is not canonical:\n%s", stdout)
	}
	if code, stdout, _ := runIn(t, root, "", false, "validate"); code != ExitOK {
		t.Errorf("the file written does not validate:\n%s", stdout)
	}
	// Never over an existing file.
	code, _, stderr = runIn(t, root, "", false, append(args, "--datapass", "D48214")...)
	if code != ExitUsage || !strings.Contains(stderr, "--name : "+newPath+" existe déjà") {
		t.Errorf("second run: exit %d, stderr %q", code, stderr)
	}
}

func TestNewErrors(t *testing.T) {
	without := func(flag string) []string {
		var out []string
		for i := 0; i < len(newArgs); i++ {
			if newArgs[i] == flag {
				i++
				continue
			}
			out = append(out, newArgs[i])
		}
		return out
	}
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"missing flag", without("--datapass"), ExitUsage, "fsgate: --datapass : champ obligatoire manquant : `spec.datapass`"},
		{"missing display name", newArgs, ExitUsage, "fsgate: --display-name : champ obligatoire manquant"},
		{"habilitation number", append(without("--datapass"), "--display-name", "X", "--datapass", "H48213"), ExitUsage,
			"fsgate: --datapass : `spec.datapass` vaut « H48213 », un numéro d'habilitation"},
		{"FranceConnect integration", []string{"new", "--platform", "franceconnect", "--environment", "integration"}, ExitUsage,
			"espace partenaires https://espace.partenaires.franceconnect.gouv.fr"},
		{"both modes", []string{"new", "--interactive", "--non-interactive"}, ExitUsage, "s'excluent"},
		{"argument", []string{"new", "lyon.yaml"}, ExitUsage, "n'attend pas d'argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := tree(t, nil)
			code, stdout, stderr := runIn(t, root, "", false, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.err) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)\nstdout: %s", code, tt.code, stderr, tt.err, stdout)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("a usage error is one line:\n%s", stderr)
			}
			if entries, _ := os.ReadDir(filepath.Join(root, "providers")); len(entries) > 0 {
				t.Error("a file was written")
			}
		})
	}
}

// TestNewInteractive is a terminal session: the answers come through stdin,
// one per line, with a habilitation number and a wrong URL typed again.
func TestNewInteractive(t *testing.T) {
	root := tree(t, map[string]string{goodPath: valid(t)})
	answers := []string{
		"1",          // FranceConnect
		"",           // production
		"15/03/2027", // planned date
		"2",          // AIGA - certifié v2
		"4.2",        // version
		"",           // no individual qualification
		"H48213",     // refused: a habilitation
		"D48213",
		"non", // no API habilitation
		"Ville de Villeurbanne",
		"", // Villeurbanne - Portail Famille, proposed
		"https://portail-famille.villeurbanne.fr/",
		"https://portail-famille.villeurbanne.fr/oidc/callback#top", // refused: fragment
		"https://portail-famille.villeurbanne.fr/oidc/callback",
		"",
		"https://portail-famille.villeurbanne.fr/oidc/logout",
		"",
		"203.0.113.24",
		"",
		"",    // ES256
		"1 2", // given_name family_name
		"",    // no reuse of subs
		"dsi-portail-famille@villeurbanne.fr",
		"",
		"", // no notes
		"", // villeurbanne-portail-famille
	}
	code, stdout, stderr := runIn(t, root, strings.Join(answers, "\n")+"\n", true, "new")
	if code != ExitOK {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	flat := strings.Join(strings.Fields(stdout), " ")
	for _, want := range []string{
		"FranceConnect ou FranceConnect+ ?",
		"Refusé : `spec.datapass` vaut « H48213 », un numéro d'habilitation",
		"Refusé : `spec.redirectUris[0]` contient « # »",
		"Réponse [Villeurbanne - Portail Famille] :",
		"Fichier écrit : " + newPath,
		"1 fichier vérifié : aucun problème",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the session does not show %q:\n%s", want, stdout)
		}
	}
	got, err := os.ReadFile(filepath.Join(root, newPath))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  datapass: D48213\n", "    - https://portail-famille.villeurbanne.fr/oidc/callback\n  postLogout"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("file does not contain %q:\n%s", want, got)
		}
	}
}

func TestNewInteractiveEnds(t *testing.T) {
	tests := []struct {
		name, stdin string
		args        []string
		code        int
		out, err    string
	}{
		{"FranceConnect integration stops", "1\n2\n", []string{"new"}, ExitFindings, "Aucun fichier écrit.", ""},
		{"end of input", "1\n", []string{"new"}, ExitUsage, "", "saisie interrompue : aucun fichier écrit"},
		{"forced without a terminal", "1\n", []string{"new", "--interactive"}, ExitUsage, "FranceConnect ou FranceConnect+ ?", "saisie interrompue"},
		{"preset by flag", "\n", []string{"new", "--platform", "franceconnect", "--environment", "integration"}, ExitFindings, "Arrêt : ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := tree(t, nil)
			terminal := !strings.Contains(tt.name, "without")
			code, stdout, stderr := runIn(t, root, tt.stdin, terminal, tt.args...)
			if code != tt.code || !strings.Contains(stdout, tt.out) || !strings.Contains(stderr, tt.err) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			if entries, _ := os.ReadDir(filepath.Join(root, "providers")); len(entries) > 0 {
				t.Error("a file was written")
			}
		})
	}
}

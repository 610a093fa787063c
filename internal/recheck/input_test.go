package recheck

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/report"
)

// fixture reads testdata/findings.json, a report of fsgate validate
// --online --format json on five requests.
func fixture(t *testing.T) *report.JSONReport {
	t.Helper()
	f, err := os.Open("testdata/findings.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The writer and the reader agree: what fsgate validate writes, recheck
// reads, with nothing lost.
func TestReadWhatValidateWrites(t *testing.T) {
	want := fixture(t)
	in := &report.Input{Findings: nil, Files: []string{"providers/a.yaml"}}
	for _, f := range want.Findings {
		in.Findings = append(in.Findings, toFinding(f))
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, "json", in); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Findings, want.Findings) {
		t.Errorf("findings differ after a round trip:\n%v\n%v", got.Findings, want.Findings)
	}
}

func TestReadRefuses(t *testing.T) {
	valid := `{"version":1,"findings":[{"path":"providers/a.yaml","line":3,"column":1,"pointer":"/spec/jwksUri","rule":"jwks-content","severity":"error","message":"m","doc":"docs/rules/jwks-content.md"}],"files":[{"path":"providers/a.yaml","errors":1,"warnings":0}],"summary":{"files":1,"errors":1,"warnings":0}}`
	if _, err := Read(strings.NewReader(valid)); err != nil {
		t.Fatalf("valid report refused: %v", err)
	}
	tests := map[string]string{
		"empty":              ``,
		"not JSON":           `<html>`,
		"unknown field":      strings.Replace(valid, `"version":1`, `"version":1,"extra":true`, 1),
		"unknown in finding": strings.Replace(valid, `"line":3`, `"line":3,"body":"x"`, 1),
		"trailing data":      valid + `{}`,
		"two documents":      valid + "\n" + valid,
		"version":            strings.Replace(valid, `"version":1`, `"version":2`, 1),
		"no findings array":  `{"version":1,"files":[],"summary":{"files":0,"errors":0,"warnings":0}}`,
		"null findings":      `{"version":1,"findings":null,"files":[],"summary":{"files":0,"errors":0,"warnings":0}}`,
		"absolute path":      strings.Replace(valid, `"path":"providers/a.yaml","line"`, `"path":"/etc/passwd","line"`, 1),
		"dot-dot path":       strings.Replace(valid, `"path":"providers/a.yaml","line"`, `"path":"../a.yaml","line"`, 1),
		"unclean path":       strings.Replace(valid, `"path":"providers/a.yaml","line"`, `"path":"providers//a.yaml","line"`, 1),
		"newline in path":    strings.Replace(valid, `"path":"providers/a.yaml","line"`, `"path":"providers/a\n.yaml","line"`, 1),
		"bad file path":      strings.Replace(valid, `"path":"providers/a.yaml","errors"`, `"path":"","errors"`, 1),
		"rule with a slash":  strings.Replace(strings.Replace(valid, `"rule":"jwks-content"`, `"rule":"../x"`, 1), `jwks-content.md`, `../x.md`, 1),
		"rule in uppercase":  strings.Replace(strings.Replace(valid, `"rule":"jwks-content"`, `"rule":"JWKS"`, 1), `jwks-content.md`, `JWKS.md`, 1),
		"doc elsewhere":      strings.Replace(valid, `docs/rules/jwks-content.md`, `https://evil.example/`, 1),
		"severity":           strings.Replace(valid, `"severity":"error"`, `"severity":"fatal"`, 1),
		"negative line":      strings.Replace(valid, `"line":3`, `"line":-1`, 1),
		"empty message":      strings.Replace(valid, `"message":"m"`, `"message":""`, 1),
		"huge message":       strings.Replace(valid, `"message":"m"`, `"message":"`+strings.Repeat("é", maxText+1)+`"`, 1),
		"not UTF-8":          strings.Replace(valid, `"message":"m"`, "\"message\":\"\xff\"", 1),
	}
	for name, in := range tests {
		if _, err := Read(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestReadBounded(t *testing.T) {
	// A valid start followed by more than MaxSize bytes: refused without
	// reading the rest.
	big := `{"version":1,"findings":[],"files":[],"summary":{"files":0,"errors":0,"warnings":0}}` + strings.Repeat(" ", MaxSize)
	if _, err := Read(strings.NewReader(big)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("err = %v, want larger than", err)
	}
}

// Online findings of any severity and errors of any rule are breakage;
// warnings of the offline rules (planned-date) are not.
func TestBroken(t *testing.T) {
	got := Broken(fixture(t))
	var rules []string
	for _, f := range got {
		rules = append(rules, f.Path[strings.LastIndex(f.Path, "/")+1:]+" "+f.Rule)
	}
	want := []string{
		"caf-simulateur-aides.yaml fetch-failed",
		"lyon-portail-famille.yaml jwks-content",
		"mutuelle-sante-espace-adherent.yaml datapass-number",
		"villeurbanne-portail-famille.yaml sector-identifier-content",
	}
	if !slices.Equal(rules, want) {
		t.Errorf("Broken = %q, want %q", rules, want)
	}
	if got := Broken(&report.JSONReport{Version: 1, Findings: []report.JSONFinding{}}); len(got) != 0 {
		t.Errorf("Broken(no findings) = %v", got)
	}
}

func TestLooksLikeOutage(t *testing.T) {
	failed := report.JSONFinding{Rule: "fetch-failed"}
	content := report.JSONFinding{Rule: "jwks-content"}
	tests := []struct {
		broken []report.JSONFinding
		want   bool
	}{
		{nil, false},
		{[]report.JSONFinding{failed, failed}, false},
		{[]report.JSONFinding{failed, failed, failed}, true},
		{[]report.JSONFinding{failed, failed, failed, content}, false},
	}
	for i, tt := range tests {
		if got := LooksLikeOutage(tt.broken); got != tt.want {
			t.Errorf("case %d: %v, want %v", i, got, tt.want)
		}
	}
}

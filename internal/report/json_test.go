package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/fsgate/fsgate/internal/finding"
)

// encodingJSON is how the json format was first written, and the
// reference for appendJSONReport: JSONReport through json.Encoder with a
// two-space indent.
func encodingJSON(t testing.TB, in *Input) []byte {
	out := JSONReport{Version: JSONVersion, Findings: []JSONFinding{}, Files: fileCounts(in)}
	for _, f := range in.Findings {
		out.Findings = append(out.Findings, JSONFinding{
			Path: f.Path, Line: f.Line, Column: f.Column, Pointer: f.Pointer, Rule: f.Rule,
			Severity: string(f.Severity), Message: f.Message.In(in.Lang), Suggestion: f.Suggestion, Doc: f.Doc(),
		})
	}
	out.Summary.Files = len(out.Files)
	out.Summary.Errors, out.Summary.Warnings = finding.Count(in.Findings)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func writtenJSON(t testing.TB, in *Input) []byte {
	var buf bytes.Buffer
	if err := writeJSON(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestJSONAsEncodingJSON: the json format is byte for byte what
// encoding/json writes, empty lists, omitted suggestions, HTML characters,
// control characters, U+2028 and invalid UTF-8 included.
func TestJSONAsEncodingJSON(t *testing.T) {
	hostile := "<a href=\"x\">&amp;</a>\u2028\u2029\x00\x1f\t\n\\ é 😀 \xff\xfe fin"
	one := func(path, msg, suggestion string, sev finding.Severity) finding.Finding {
		return finding.Finding{Path: path, Line: 3, Column: 7, Pointer: "/spec/a~1b", Rule: "uri-https", Severity: sev,
			Message: finding.Text{FR: msg, EN: "en: " + msg}, Suggestion: suggestion}
	}
	tests := []struct {
		name string
		in   Input
	}{
		{"nothing", Input{}},
		{"files only", Input{Files: []string{"providers/a.yaml", "providers/b.yaml"}}},
		{"findings only", Input{Findings: []finding.Finding{one("x.yaml", "m", "", finding.Error)}}},
		{"both", Input{Files: []string{"a.yaml", "b.yaml"}, Findings: []finding.Finding{
			one("a.yaml", "premier", "https://x.fr/", finding.Error),
			one("a.yaml", "second", "", finding.Warning),
			one("gone.yaml", "supprimé", "", finding.Error),
		}}},
		{"hostile", Input{Files: []string{hostile}, Findings: []finding.Finding{one(hostile, hostile, hostile, finding.Error)}}},
		{"english", Input{Lang: finding.EN, Files: []string{"a.yaml"}, Findings: []finding.Finding{one("a.yaml", "m", "", finding.Warning)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, want := writtenJSON(t, &tt.in), encodingJSON(t, &tt.in); !bytes.Equal(got, want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

// FuzzJSONReport holds the json format to encoding/json on any text.
func FuzzJSONReport(f *testing.F) {
	f.Add("providers/a.yaml", "message <&>", "https://x.fr/?a=1&b=2", "/spec/x", 2)
	f.Add("\xff", "\u2028", "", "", 0)
	f.Fuzz(func(t *testing.T, path, msg, suggestion, pointer string, n int) {
		in := &Input{Files: []string{path, path + "2"}}
		for i := range n % 4 {
			in.Findings = append(in.Findings, finding.Finding{Path: path, Line: i, Column: n, Pointer: pointer,
				Rule: "schema", Severity: finding.Error, Message: finding.T(msg, msg), Suggestion: suggestion})
		}
		if got, want := writtenJSON(t, in), encodingJSON(t, in); !bytes.Equal(got, want) {
			t.Errorf("got:\n%q\nwant:\n%q", got, want)
		}
	})
}

// BenchmarkJSON10000 writes the report of a 10,000-file run with 1,000
// findings (docs/performance.md: the part of a run on one core).
func BenchmarkJSON10000(b *testing.B) {
	in := &Input{}
	for i := range 10000 {
		p := fmt.Sprintf("providers/franceconnect-plus/production/service-%05d.yaml", i)
		in.Files = append(in.Files, p)
		if i%10 == 0 {
			in.Findings = append(in.Findings, finding.Finding{Path: p, Line: 12, Column: 7, Pointer: "/spec/redirectUris/0",
				Rule: "uri-https", Severity: finding.Error, Suggestion: "https://exemple.fr/oidc/callback",
				Message: finding.T("`spec.redirectUris[0]` utilise http:// : écrivez https://", "uses http://")})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := writeJSON(discard{}, in); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

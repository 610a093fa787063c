package report

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/finding"
)

func TestGoldenSARIF(t *testing.T) {
	for name, in := range map[string]*Input{
		"fr":    sample(finding.FR),
		"links": withLinks(sample(finding.EN)),
		"clean": clean(finding.FR),
	} {
		t.Run(name, func(t *testing.T) {
			checkGolden(t, "sarif-"+name, []byte(render(t, "sarif", in)))
		})
	}
}

// sarifDoc is what a consumer reads back; fields are decoded independently
// of the writer's types so that a renamed tag shows up here.
type sarifDoc struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID                   string `json:"id"`
					Name                 string `json:"name"`
					HelpURI              string `json:"helpUri"`
					DefaultConfiguration struct {
						Level string `json:"level"`
					} `json:"defaultConfiguration"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		ColumnKind string `json:"columnKind"`
		Results    []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex *int   `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
		} `json:"results"`
	} `json:"runs"`
}

func decodeSARIF(t *testing.T, out string) sarifDoc {
	t.Helper()
	var doc sarifDoc
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatal("more than one JSON value")
	}
	return doc
}

func TestSARIFStructure(t *testing.T) {
	in := sample(finding.FR)
	out := render(t, "sarif", in)
	if !strings.HasSuffix(out, "}\n") || !strings.HasPrefix(out, "{\n  \"$schema\"") {
		t.Errorf("want indented JSON ending with a newline, got %q…", out[:min(len(out), 40)])
	}
	doc := decodeSARIF(t, out)
	if doc.Schema != "https://json.schemastore.org/sarif-2.1.0.json" || doc.Version != "2.1.0" {
		t.Errorf("$schema %q, version %q", doc.Schema, doc.Version)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	run := doc.Runs[0]
	d := run.Tool.Driver
	if d.Name != "fsgate" || d.InformationURI != "https://github.com/fsgate/fsgate" {
		t.Errorf("driver %q %q", d.Name, d.InformationURI)
	}
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind %q", run.ColumnKind)
	}

	var ids []string
	for _, r := range d.Rules {
		ids = append(ids, r.ID)
	}
	wantIDs := []string{"datapass-number", "display-name", "ip-range-wide", "redirect-uri-fragment", "schema", "yaml"}
	if !slices.Equal(ids, wantIDs) {
		t.Errorf("rules %v, want %v (one per rule id present, sorted)", ids, wantIDs)
	}
	for _, r := range d.Rules {
		if r.HelpURI != "docs/rules/"+r.ID+".md" {
			t.Errorf("rule %s: helpUri %q", r.ID, r.HelpURI)
		}
		want := "error"
		if r.ID == "ip-range-wide" || r.ID == "display-name" {
			want = "warning"
		}
		if r.DefaultConfiguration.Level != want {
			t.Errorf("rule %s: level %q, want %q", r.ID, r.DefaultConfiguration.Level, want)
		}
		if r.Name == "" || strings.Contains(r.Name, "-") {
			t.Errorf("rule %s: name %q", r.ID, r.Name)
		}
	}

	if len(run.Results) != len(in.Findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(in.Findings))
	}
	seen := map[string]bool{}
	for i, r := range run.Results {
		f := in.Findings[i]
		if r.RuleID != f.Rule || r.RuleIndex == nil || d.Rules[*r.RuleIndex].ID != f.Rule {
			t.Errorf("result %d: ruleId %q, ruleIndex %v, want %s", i, r.RuleID, r.RuleIndex, f.Rule)
		}
		if r.Level != string(f.Severity) {
			t.Errorf("result %d: level %q, want %q", i, r.Level, f.Severity)
		}
		if !strings.HasPrefix(r.Message.Text, f.Message.FR) {
			t.Errorf("result %d: message %q", i, r.Message.Text)
		}
		if f.Suggestion != "" && !strings.HasSuffix(r.Message.Text, "\nSuggestion : "+f.Suggestion) {
			t.Errorf("result %d: no suggestion in %q", i, r.Message.Text)
		}
		if len(r.Locations) != 1 {
			t.Fatalf("result %d: %d locations", i, len(r.Locations))
		}
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != f.Path || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" {
			t.Errorf("result %d: artifact %+v", i, loc.ArtifactLocation)
		}
		switch {
		case f.Line == 0 && loc.Region != nil:
			t.Errorf("result %d: a whole-file finding has a region %+v", i, *loc.Region)
		case f.Line > 0 && (loc.Region == nil || loc.Region.StartLine != f.Line || loc.Region.StartColumn != f.Column):
			t.Errorf("result %d: region %+v, want %d:%d", i, loc.Region, f.Line, f.Column)
		}
		fp := r.PartialFingerprints["fsgateFinding/v1"]
		if len(fp) != 32 || seen[fp] {
			t.Errorf("result %d: fingerprint %q (missing, malformed or repeated)", i, fp)
		}
		seen[fp] = true
	}
}

func TestSARIFLinksAndLanguage(t *testing.T) {
	in := withLinks(sample(finding.EN))
	doc := decodeSARIF(t, render(t, "sarif", in))
	for _, r := range doc.Runs[0].Tool.Driver.Rules {
		if want := in.DocURL + "docs/rules/" + r.ID + ".md"; r.HelpURI != want {
			t.Errorf("helpUri %q, want %q", r.HelpURI, want)
		}
	}
	if got := doc.Runs[0].Results[0].Message.Text; !strings.HasPrefix(got, "`spec.datapass` must be") || !strings.HasSuffix(got, "\nSuggestion: D12345") {
		t.Errorf("message %q, want English", got)
	}
}

func TestSARIFEmptyAndDeterministic(t *testing.T) {
	out := render(t, "sarif", clean(finding.FR))
	if !strings.Contains(out, `"results": []`) || !strings.Contains(out, `"rules": []`) {
		t.Errorf("an empty run must still list results and rules as arrays:\n%s", out)
	}
	if a, b := render(t, "sarif", sample(finding.FR)), render(t, "sarif", sample(finding.FR)); a != b {
		t.Error("two renderings of the same input differ")
	}
}

// A rule that reports both errors and warnings defaults to error, whatever
// the order of its findings; a line without a column has no startColumn;
// an odd path is percent-encoded in the URI.
func TestSARIFEdgeCases(t *testing.T) {
	in := &Input{Lang: finding.FR, Findings: []finding.Finding{
		{Path: "providers/a b#c.yaml", Line: 2, Rule: "jwks", Severity: finding.Warning, Message: finding.T("injoignable", "unreachable")},
		{Path: "providers/a b#c.yaml", Line: 3, Column: 1, Rule: "jwks", Severity: finding.Error, Message: finding.T("clé privée", "private key")},
	}}
	out := render(t, "sarif", in)
	doc := decodeSARIF(t, out)
	if lvl := doc.Runs[0].Tool.Driver.Rules[0].DefaultConfiguration.Level; lvl != "error" {
		t.Errorf("default level %q, want error", lvl)
	}
	r := doc.Runs[0].Results[0]
	if uri := r.Locations[0].PhysicalLocation.ArtifactLocation.URI; uri != "providers/a%20b%23c.yaml" {
		t.Errorf("uri %q", uri)
	}
	if strings.Contains(out, `"startColumn": 0`) {
		t.Errorf("startColumn 0 written:\n%s", out)
	}
}

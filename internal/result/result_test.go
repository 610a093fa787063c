package result

import (
	"bytes"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/finding"
)

const sha = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"

func valid() *Result {
	return New("Codertocat/Hello-World", 2, sha, sha, []string{"providers/a/b/c.yaml"}, []string{"providers/a/b/c.yaml"},
		[]finding.Finding{{Path: "providers/a/b/c.yaml", Line: 3, Column: 5, Rule: "schema", Severity: finding.Error, Message: finding.T("m", "m")}})
}

func encode(t *testing.T, r *Result) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestRoundTrip(t *testing.T) {
	r, err := Read(strings.NewReader(encode(t, valid())))
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Errors != 1 || r.Summary.Files != 1 {
		t.Errorf("summary %+v", r.Summary)
	}
}

// TestReadRefuses: the artifact comes from a job the pull request
// controls; anything out of shape is refused.
func TestReadRefuses(t *testing.T) {
	good := encode(t, valid())
	tests := []struct{ name, old, new string }{
		{"unknown field", `"version": 1,`, `"version": 1, "extra": true,`},
		{"other version", `"version": 1`, `"version": 2`},
		{"bad repository", `"Codertocat/Hello-World"`, `"a/b/c"`},
		{"bad sha", `"headSha": "` + sha, `"headSha": "HEAD`},
		{"path escapes", `"path": "providers/a/b/c.yaml"`, `"path": "../x"`},
		{"absolute path", `"path": "providers/a/b/c.yaml"`, `"path": "/etc/passwd"`},
		{"unknown rule", `"rule": "schema"`, `"rule": "nope"`},
		{"bad severity", `"severity": "error"`, `"severity": "fatal"`},
		{"negative line", `"line": 3`, `"line": -3`},
		{"bad doc", `"doc": "docs/rules/schema.md"`, `"doc": "https://evil.example/"`},
		{"empty message", `"message": "m"`, `"message": ""`},
		{"trailing data", "}\n", "}\n{}"},
		{"not json", `{`, `[`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forged := strings.Replace(good, tt.old, tt.new, 1)
			if forged == good {
				t.Fatalf("the test did not change anything (%q not found)", tt.old)
			}
			if _, err := Read(strings.NewReader(forged)); err == nil {
				t.Errorf("accepted:\n%s", forged)
			}
		})
	}
}

func TestReadBounds(t *testing.T) {
	huge := strings.Repeat(" ", MaxSize) + encode(t, valid())
	if _, err := Read(strings.NewReader(huge)); err == nil || !strings.Contains(err.Error(), "larger") {
		t.Errorf("oversized artifact: %v", err)
	}
	if _, err := Read(strings.NewReader("\xff")); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}

func TestSummaryIsRecomputed(t *testing.T) {
	forged := strings.Replace(encode(t, valid()), `"errors": 1`, `"errors": 0`, 1)
	r, err := Read(strings.NewReader(forged))
	if err != nil {
		t.Fatal(err)
	}
	if r.Summary.Errors != 1 {
		t.Errorf("the artifact's summary was trusted: %+v", r.Summary)
	}
}

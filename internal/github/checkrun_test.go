package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fsgate/fsgate/internal/finding"
)

// checkRunRequest is the body of a create or update request.
type checkRunRequest struct {
	Name       string  `json:"name"`
	HeadSHA    *string `json:"head_sha"`
	Status     *string `json:"status"`
	Conclusion *string `json:"conclusion"`
	Completed  *string `json:"completed_at"`
	Output     struct {
		Title       string           `json:"title"`
		Summary     string           `json:"summary"`
		Text        *string          `json:"text"`
		Annotations []map[string]any `json:"annotations"`
	} `json:"output"`
}

func annotations(n int) []Annotation {
	as := make([]Annotation, n)
	for i := range as {
		as[i] = Annotation{
			Path:        fmt.Sprintf("providers/franceconnect/integration/fs-%03d.yaml", i),
			StartLine:   i + 1,
			StartColumn: 3,
			Level:       LevelFailure,
			Title:       "fsgate [schema]",
			Message:     "valeur invalide",
		}
	}
	return as
}

// 120 annotations: one create with 50, two updates with 50 and 20.
func TestPublishCheckRunBatches(t *testing.T) {
	h := setup(t)
	var requests []checkRunRequest
	h.handle(t, "POST", "/repos/Codertocat/Hello-World/check-runs", func(w http.ResponseWriter, r *http.Request) {
		var req checkRunRequest
		decodeBody(t, r, &req)
		requests = append(requests, req)
		run := fixture(t, "check_run.json")
		run["id"] = 4242
		writeJSON(t, w, http.StatusCreated, run)
	})
	h.handle(t, "PATCH", "/repos/Codertocat/Hello-World/check-runs/4242", func(w http.ResponseWriter, r *http.Request) {
		var req checkRunRequest
		decodeBody(t, r, &req)
		requests = append(requests, req)
		run := fixture(t, "check_run.json")
		run["id"] = 4242
		writeJSON(t, w, http.StatusOK, run)
	})

	err := PublishCheckRun(context.Background(), h.client, helloWorld, headSHA, CheckRun{
		Conclusion:  Failure,
		Title:       "120 erreurs",
		Summary:     "fsgate a trouvé 120 erreurs.",
		Text:        "détails",
		Annotations: annotations(120),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(requests) != 3 {
		t.Fatalf("%d requests, want 3", len(requests))
	}
	create := requests[0]
	if create.Name != "fsgate" || create.HeadSHA == nil || *create.HeadSHA != headSHA ||
		create.Status == nil || *create.Status != "completed" || create.Conclusion == nil || *create.Conclusion != "failure" ||
		create.Completed == nil || *create.Completed != "2026-03-02T10:00:00Z" {
		t.Errorf("create = %+v", create)
	}
	for i, want := range []int{50, 50, 20} {
		req := requests[i]
		if req.Output.Title != "120 erreurs" || req.Output.Summary != "fsgate a trouvé 120 erreurs." || req.Output.Text == nil || *req.Output.Text != "détails" {
			t.Errorf("request %d: output %+v", i+1, req.Output)
		}
		if got := len(req.Output.Annotations); got != want {
			t.Errorf("request %d: %d annotations, want %d", i+1, got, want)
		}
		if i > 0 && (req.Name != "fsgate" || req.HeadSHA != nil || req.Status != nil || req.Conclusion != nil || req.Completed != nil) {
			t.Errorf("update %d = %+v: want the name and the output only", i, req)
		}
		// In order, none lost, none twice.
		if first := req.Output.Annotations[0]["path"]; first != fmt.Sprintf("providers/franceconnect/integration/fs-%03d.yaml", i*50) {
			t.Errorf("request %d starts with %v", i+1, first)
		}
	}
	want := map[string]any{
		"path":             "providers/franceconnect/integration/fs-000.yaml",
		"start_line":       1.0,
		"end_line":         1.0,
		"start_column":     3.0,
		"end_column":       3.0,
		"annotation_level": "failure",
		"title":            "fsgate [schema]",
		"message":          "valeur invalide",
	}
	if got := requests[0].Output.Annotations[0]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("annotation = %v, want %v", got, want)
	}
}

// fakeChecks records what PublishCheckRun asks for.
type fakeChecks struct {
	created   []CheckRun
	updated   []CheckRun
	updateErr error
}

func (f *fakeChecks) CreateCheckRun(ctx context.Context, repo Repo, headSHA string, run CheckRun) (int64, error) {
	f.created = append(f.created, run)
	return 7, nil
}

func (f *fakeChecks) UpdateCheckRun(ctx context.Context, repo Repo, id int64, run CheckRun) error {
	if id != 7 {
		return fmt.Errorf("update of run %d", id)
	}
	f.updated = append(f.updated, run)
	return f.updateErr
}

func TestPublishCheckRunCounts(t *testing.T) {
	tests := []struct {
		n           int
		wantUpdates int
		wantLast    int
	}{
		{0, 0, 0},
		{1, 0, 1},
		{50, 0, 50},
		{51, 1, 1},
		{100, 1, 50},
		{MaxAnnotations + 500, MaxAnnotations/MaxAnnotationsPerRequest - 1, 50},
	}
	for _, tt := range tests {
		f := &fakeChecks{}
		if err := PublishCheckRun(context.Background(), f, helloWorld, headSHA, CheckRun{Conclusion: Success, Annotations: annotations(tt.n)}); err != nil {
			t.Fatalf("%d annotations: %v", tt.n, err)
		}
		if len(f.created) != 1 || len(f.updated) != tt.wantUpdates {
			t.Errorf("%d annotations: %d creates and %d updates, want 1 and %d", tt.n, len(f.created), len(f.updated), tt.wantUpdates)
			continue
		}
		last := f.created[0]
		if len(f.updated) > 0 {
			last = f.updated[len(f.updated)-1]
		}
		if len(last.Annotations) != tt.wantLast {
			t.Errorf("%d annotations: last request has %d, want %d", tt.n, len(last.Annotations), tt.wantLast)
		}
		// Defaults: the name, the title from the name, the summary from the
		// title.
		if c := f.created[0]; c.Name != "fsgate" || c.Title != "fsgate" || !strings.HasPrefix(c.Summary, "fsgate") {
			t.Errorf("defaults: %+v", c)
		}
		if tt.n > MaxAnnotations && !strings.HasSuffix(f.created[0].Summary, "500 annotations sur 1500 ne sont pas publiées ici.") {
			t.Errorf("summary %q does not say annotations are missing", f.created[0].Summary)
		}
	}
}

func TestPublishCheckRunUpdateError(t *testing.T) {
	f := &fakeChecks{updateErr: &APIError{Op: "update", Status: 403, kind: ErrForbidden}}
	err := PublishCheckRun(context.Background(), f, helloWorld, headSHA, CheckRun{Conclusion: Failure, Annotations: annotations(120)})
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "annotations 51 to 100 of 120") {
		t.Errorf("err = %v", err)
	}
	if len(f.updated) != 1 {
		t.Errorf("%d updates after a failure, want 1", len(f.updated))
	}
}

func TestPublishCheckRunRefuses(t *testing.T) {
	valid := func() CheckRun { return CheckRun{Conclusion: Failure, Annotations: annotations(2)} }
	tests := []struct {
		name string
		sha  string
		edit func(*CheckRun)
	}{
		{"short SHA", "ec26c3e", func(*CheckRun) {}},
		{"uppercase SHA", strings.ToUpper(headSHA), func(*CheckRun) {}},
		{"path in SHA", "../../../../user/keys" + headSHA[:19], func(*CheckRun) {}},
		{"no conclusion", headSHA, func(r *CheckRun) { r.Conclusion = "" }},
		{"unknown conclusion", headSHA, func(r *CheckRun) { r.Conclusion = "maybe" }},
		{"unknown level", headSHA, func(r *CheckRun) { r.Annotations[1].Level = "error" }},
		{"no path", headSHA, func(r *CheckRun) { r.Annotations[1].Path = "" }},
		{"no message", headSHA, func(r *CheckRun) { r.Annotations[1].Message = "" }},
	}
	for _, tt := range tests {
		run := valid()
		tt.edit(&run)
		f := &fakeChecks{}
		if err := PublishCheckRun(context.Background(), f, helloWorld, tt.sha, run); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
		if len(f.created)+len(f.updated) != 0 {
			t.Errorf("%s: requests made before refusing", tt.name)
		}
	}
}

func TestNormalizeAnnotation(t *testing.T) {
	base := Annotation{Path: "p.yaml", Level: LevelWarning, Message: "m"}
	with := func(f func(*Annotation)) Annotation { a := base; f(&a); return a }
	tests := []struct {
		name string
		in   Annotation
		want Annotation
	}{
		{"whole-file finding on line 1", with(func(a *Annotation) {}),
			with(func(a *Annotation) { a.StartLine, a.EndLine = 1, 1 })},
		{"end line defaults to start", with(func(a *Annotation) { a.StartLine = 4 }),
			with(func(a *Annotation) { a.StartLine, a.EndLine = 4, 4 })},
		{"end before start", with(func(a *Annotation) { a.StartLine, a.EndLine = 9, 2 }),
			with(func(a *Annotation) { a.StartLine, a.EndLine = 9, 9 })},
		{"column on one line", with(func(a *Annotation) { a.StartLine, a.StartColumn = 4, 7 }),
			with(func(a *Annotation) { a.StartLine, a.EndLine, a.StartColumn, a.EndColumn = 4, 4, 7, 7 })},
		{"column range on one line", with(func(a *Annotation) { a.StartLine, a.StartColumn, a.EndColumn = 4, 7, 12 }),
			with(func(a *Annotation) { a.StartLine, a.EndLine, a.StartColumn, a.EndColumn = 4, 4, 7, 12 })},
		{"columns dropped on several lines", with(func(a *Annotation) { a.StartLine, a.EndLine, a.StartColumn, a.EndColumn = 4, 6, 7, 2 }),
			with(func(a *Annotation) { a.StartLine, a.EndLine = 4, 6 })},
		{"end column alone dropped", with(func(a *Annotation) { a.StartLine, a.EndColumn = 4, 9 }),
			with(func(a *Annotation) { a.StartLine, a.EndLine = 4, 4 })},
	}
	for _, tt := range tests {
		got, err := normalizeAnnotation(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("%s: got %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
	}
}

func TestCheckRunLimits(t *testing.T) {
	big := strings.Repeat("é", maxOutputBytes) // twice the limit in bytes, within it in characters
	run, err := normalizeCheckRun(CheckRun{
		Conclusion: Neutral,
		Title:      strings.Repeat("t", 300),
		Summary:    big,
		Text:       big,
		Annotations: []Annotation{{
			Path: "p.yaml", Level: LevelNotice,
			Title:      strings.Repeat("ü", 200),
			Message:    big,
			RawDetails: big,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	a := run.Annotations[0]
	for _, f := range []struct {
		name  string
		value string
		limit int
	}{
		{"title", run.Title, maxTitleBytes},
		{"summary", run.Summary, maxOutputBytes},
		{"text", run.Text, maxOutputBytes},
		{"annotation title", a.Title, maxTitleBytes},
		{"message", a.Message, maxMessageBytes},
		{"raw details", a.RawDetails, maxMessageBytes},
	} {
		if len(f.value) > f.limit || len(f.value) < f.limit-8 || !utf8.ValidString(f.value) {
			t.Errorf("%s: %d bytes (limit %d), valid UTF-8 %v", f.name, len(f.value), f.limit, utf8.ValidString(f.value))
		}
	}
	if !strings.HasSuffix(run.Summary, truncationNotice) {
		t.Errorf("summary does not say it was cut")
	}
}

func TestTruncateBytes(t *testing.T) {
	tests := []struct {
		s      string
		limit  int
		suffix string
		want   string
	}{
		{"abc", 3, "…", "abc"},
		{"abcd", 3, "!", "ab!"},
		{"éé", 3, "", "é"},
		{"aé", 2, "", "a"},
		{"🇫🇷", 5, "", "🇫"},
		{"abcdef", 2, "…", "…"},
	}
	for _, tt := range tests {
		if got := truncateBytes(tt.s, tt.limit, tt.suffix); got != tt.want {
			t.Errorf("truncateBytes(%q, %d, %q) = %q, want %q", tt.s, tt.limit, tt.suffix, got, tt.want)
		}
	}
}

func TestAnnotationFor(t *testing.T) {
	f := finding.Finding{
		Path:       "providers/franceconnect/integration/lyon.yaml",
		Line:       12,
		Column:     5,
		Rule:       "redirect-uri-https",
		Severity:   finding.Error,
		Message:    finding.T("l'adresse doit être en https", "the address must use https"),
		Suggestion: "https://famille.lyon.fr/callback",
	}
	got := AnnotationFor(f, finding.FR)
	want := Annotation{
		Path:        f.Path,
		StartLine:   12,
		StartColumn: 5,
		Level:       LevelFailure,
		Title:       "fsgate [redirect-uri-https]",
		Message:     "l'adresse doit être en https\nSuggestion : https://famille.lyon.fr/callback\nDocumentation : docs/rules/redirect-uri-https.md",
	}
	if got != want {
		t.Errorf("AnnotationFor = %+v, want %+v", got, want)
	}
	f.Severity, f.Suggestion = finding.Warning, ""
	if got := AnnotationFor(f, finding.EN); got.Level != LevelWarning || got.Message != "the address must use https\nDocumentation: docs/rules/redirect-uri-https.md" {
		t.Errorf("AnnotationFor(warning, en) = %+v", got)
	}
}

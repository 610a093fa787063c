package recheck

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/github"
	"github.com/fsgate/fsgate/internal/report"
)

var repo = github.Repo{Owner: "fsgate", Name: "fsgate"}

// fakeIssues is the issues of a repository, open and closed, behind the
// github.Issues interface.
type fakeIssues struct {
	issues []github.Issue
	calls  []string
	// Errors returned by the next calls of each kind, in order.
	listErr, createErr, editErr []error
	// createLands stores the issue even when createErr fails the call (a
	// 502 after GitHub opened it).
	createLands bool
	// dropLabels opens issues without their labels, as GitHub does when
	// the token may not set them.
	dropLabels bool
}

func pop(errs *[]error) error {
	if len(*errs) == 0 {
		return nil
	}
	err := (*errs)[0]
	*errs = (*errs)[1:]
	return err
}

func (f *fakeIssues) ListOpenIssues(ctx context.Context, r github.Repo, label string) ([]github.Issue, error) {
	f.calls = append(f.calls, "list")
	if err := pop(&f.listErr); err != nil {
		return nil, err
	}
	var out []github.Issue
	// Newest first, as the API lists them.
	for i := len(f.issues) - 1; i >= 0; i-- {
		if is := f.issues[i]; is.State == "open" && slices.Contains(is.Labels, label) {
			out = append(out, is)
		}
	}
	return out, nil
}

func (f *fakeIssues) CreateIssue(ctx context.Context, r github.Repo, n github.NewIssue) (github.Issue, error) {
	f.calls = append(f.calls, "create")
	is := github.Issue{Number: len(f.issues) + 1, Title: n.Title, Body: n.Body, State: "open", Labels: n.Labels,
		URL: fmt.Sprintf("https://github.com/fsgate/fsgate/issues/%d", len(f.issues)+1)}
	if f.dropLabels {
		is.Labels = nil
	}
	if err := pop(&f.createErr); err != nil {
		if f.createLands {
			f.issues = append(f.issues, is)
		}
		return github.Issue{}, err
	}
	f.issues = append(f.issues, is)
	return is, nil
}

func (f *fakeIssues) EditIssue(ctx context.Context, r github.Repo, number int, e github.IssueEdit) (github.Issue, error) {
	f.calls = append(f.calls, fmt.Sprintf("edit #%d", number))
	if err := pop(&f.editErr); err != nil {
		return github.Issue{}, err
	}
	is := &f.issues[number-1]
	if e.Title != "" {
		is.Title = e.Title
	}
	if e.Body != "" {
		is.Body = e.Body
	}
	if e.Close {
		is.State = "closed"
	}
	return *is, nil
}

// open returns the open issues.
func (f *fakeIssues) open() []github.Issue {
	var out []github.Issue
	for _, is := range f.issues {
		if is.State == "open" {
			out = append(out, is)
		}
	}
	return out
}

// testLog records what Run logs.
type testLog struct{ infos, warnings []string }

func (l *testLog) Infof(format string, args ...any) {
	l.infos = append(l.infos, fmt.Sprintf(format, args...))
}
func (l *testLog) Warningf(format string, args ...any) {
	l.warnings = append(l.warnings, fmt.Sprintf(format, args...))
}

func options(t *testing.T, week int) Options {
	o := Options{Repo: repo, Body: bodyOptions(t)}
	o.Body.Date = monday.AddDate(0, 0, 7*week)
	o.Body.RunURL = fmt.Sprintf("https://github.com/fsgate/fsgate/actions/runs/%d", 13453312345+week)
	return o
}

// Week after week: the first run opens the issue, the same list leaves it
// alone, a changed list edits it, an empty one closes it, then nothing
// until something breaks again, which opens a new issue.
func TestLifecycle(t *testing.T) {
	all := Broken(fixture(t))
	fewer := all[1:] // the integration request was fixed
	f := &fakeIssues{}
	weeks := []struct {
		broken    []report.JSONFinding
		want      Outcome
		wantCalls []string
		wantOpen  []int
		wantTitle string
	}{
		{all, Created, []string{"list", "create"}, []int{1}, "fsgate : 4 fournisseurs de service en anomalie"},
		{all, Unchanged, []string{"list"}, []int{1}, "fsgate : 4 fournisseurs de service en anomalie"},
		{fewer, Updated, []string{"list", "edit #1"}, []int{1}, "fsgate : 3 fournisseurs de service en anomalie"},
		{fewer, Unchanged, []string{"list"}, []int{1}, "fsgate : 3 fournisseurs de service en anomalie"},
		{nil, Closed, []string{"list", "edit #1"}, nil, ""},
		{nil, Nothing, []string{"list"}, nil, ""},
		{fewer[:1], Created, []string{"list", "create"}, []int{2}, "fsgate : 1 fournisseur de service en anomalie"},
	}
	for i, w := range weeks {
		f.calls = nil
		log := &testLog{}
		got, err := Run(context.Background(), f, w.broken, options(t, i), log)
		if err != nil {
			t.Fatalf("week %d: %v", i+1, err)
		}
		if got != w.want || !slices.Equal(f.calls, w.wantCalls) {
			t.Fatalf("week %d: %v with calls %v, want %v with %v", i+1, got, f.calls, w.want, w.wantCalls)
		}
		var open []int
		for _, is := range f.open() {
			open = append(open, is.Number)
			if is.Title != w.wantTitle {
				t.Errorf("week %d: title %q, want %q", i+1, is.Title, w.wantTitle)
			}
			if !slices.Equal(is.Labels, []string{DefaultLabel}) || !strings.HasPrefix(is.Body, Marker) {
				t.Errorf("week %d: issue #%d lost its label or marker", i+1, is.Number)
			}
			if want, _ := Render(w.broken, options(t, i).Body); w.want != Unchanged && is.Body != want.Body {
				t.Errorf("week %d: body is not this week's rendering", i+1)
			}
		}
		if !slices.Equal(open, w.wantOpen) {
			t.Errorf("week %d: open issues %v, want %v", i+1, open, w.wantOpen)
		}
		if len(log.warnings) != 0 || len(log.infos) != 1 {
			t.Errorf("week %d: log %v, warnings %v; want one line, no warning", i+1, log.infos, log.warnings)
		}
	}
	// The closed issue says why, with the date and the run.
	closed := f.issues[0]
	if closed.State != "closed" || closed.Body != Resolved(options(t, 4).Body) {
		t.Errorf("issue #1: %s, body %q", closed.State, closed.Body)
	}
	if !strings.Contains(closed.Body, "2026-03-30") || !strings.Contains(closed.Body, "runs/13453312349") {
		t.Errorf("closing body without the date or the run: %q", closed.Body)
	}
}

// A token without issues: write warns and gives Refused at every step,
// never an error: the workflow stays green.
func TestForbidden(t *testing.T) {
	forbidden := &github.APIError{Op: "x", Status: 403, Message: "Resource not accessible by integration"}
	// An *APIError built here has no kind: wrap ErrForbidden as the
	// client's errors match it.
	errForbidden := fmt.Errorf("%w: %w", forbidden, github.ErrForbidden)
	all := Broken(fixture(t))
	tests := []struct {
		name   string
		fake   func() *fakeIssues
		broken []report.JSONFinding
	}{
		{"listing", func() *fakeIssues { return &fakeIssues{listErr: []error{errForbidden}} }, all},
		{"creating", func() *fakeIssues { return &fakeIssues{createErr: []error{errForbidden}} }, all},
		{"editing", func() *fakeIssues {
			f := &fakeIssues{editErr: []error{errForbidden}}
			_, _ = Run(context.Background(), f, all[:1], options(t, 0), &testLog{})
			return f
		}, all},
		{"closing", func() *fakeIssues {
			f := &fakeIssues{editErr: []error{errForbidden}}
			_, _ = Run(context.Background(), f, all, options(t, 0), &testLog{})
			return f
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.fake()
			log := &testLog{}
			got, err := Run(context.Background(), f, tt.broken, options(t, 1), log)
			if err != nil || got != Refused {
				t.Fatalf("got %v, %v; want Refused, no error", got, err)
			}
			if len(log.warnings) != 1 || !strings.Contains(log.warnings[0], "issues: write") {
				t.Errorf("warnings %q, want one naming the permission", log.warnings)
			}
		})
	}
}

// Any other failure is an error: the maintainers must see it.
func TestOtherErrors(t *testing.T) {
	f := &fakeIssues{listErr: []error{&github.APIError{Op: "list", Status: 404}}}
	if got, err := Run(context.Background(), f, Broken(fixture(t)), options(t, 0), &testLog{}); err == nil {
		t.Errorf("got %v, want an error", got)
	}
	f = &fakeIssues{createErr: []error{&github.APIError{Op: "create", Status: 422, Message: "Validation Failed"}}}
	if got, err := Run(context.Background(), f, Broken(fixture(t)), options(t, 0), &testLog{}); err == nil || !slices.Equal(f.calls, []string{"list", "create"}) {
		t.Errorf("got %v, %v with calls %v; want an error after one create", got, err, f.calls)
	}
}

// A create that fails with a server error may have landed: Run lists
// again before trying once more, and never opens two issues.
func TestCreateMayHaveLanded(t *testing.T) {
	bad := &github.APIError{Op: "create", Status: 502}
	tests := []struct {
		name      string
		errs      []error
		lands     bool
		wantErr   bool
		wantCalls []string
		wantOpen  int
	}{
		{"landed despite the 502", []error{bad}, true, false, []string{"list", "create", "list"}, 1},
		{"not landed: created on the second try", []error{bad}, false, false, []string{"list", "create", "list", "create"}, 1},
		{"no answer at all", []error{errors.New("connection reset by peer")}, false, false, []string{"list", "create", "list", "create"}, 1},
		{"failed twice", []error{bad, bad}, false, true, []string{"list", "create", "list", "create"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeIssues{createErr: tt.errs, createLands: tt.lands}
			got, err := Run(context.Background(), f, Broken(fixture(t)), options(t, 0), &testLog{})
			if (err != nil) != tt.wantErr || (!tt.wantErr && got != Created) {
				t.Errorf("got %v, %v", got, err)
			}
			if !slices.Equal(f.calls, tt.wantCalls) || len(f.open()) != tt.wantOpen {
				t.Errorf("calls %v with %d open; want %v with %d", f.calls, len(f.open()), tt.wantCalls, tt.wantOpen)
			}
		})
	}
	// A cancelled job does not look again.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := &fakeIssues{createErr: []error{context.Canceled}}
	if _, err := Run(ctx, f, Broken(fixture(t)), options(t, 0), &testLog{}); err == nil || !slices.Equal(f.calls, []string{"list", "create"}) {
		t.Errorf("cancelled: %v with calls %v", err, f.calls)
	}
}

// A labelled issue written by someone else is never edited; of two of
// ours, the oldest is kept up to date.
func TestWhichIssue(t *testing.T) {
	all := Broken(fixture(t))
	f := &fakeIssues{issues: []github.Issue{
		{Number: 1, Title: "Discussion", Body: "La vérification doit-elle aussi tester le JWKS ?", State: "open", Labels: []string{DefaultLabel}},
	}}
	log := &testLog{}
	got, err := Run(context.Background(), f, all, options(t, 0), log)
	if err != nil || got != Created || len(f.issues) != 2 || f.issues[0].Body != "La vérification doit-elle aussi tester le JWKS ?" {
		t.Fatalf("got %v, %v with %d issues", got, err, len(f.issues))
	}
	if len(log.warnings) != 1 || !strings.Contains(log.warnings[0], "#1") {
		t.Errorf("warnings %q, want one about #1", log.warnings)
	}

	// A past race left #2 and #3: #2 is edited, #3 named in the log.
	third := f.issues[1]
	third.Number = 3
	f.issues = append(f.issues, third)
	f.calls = nil
	log = &testLog{}
	got, err = Run(context.Background(), f, all[1:], options(t, 1), log)
	if err != nil || got != Updated || !slices.Equal(f.calls, []string{"list", "edit #2"}) {
		t.Fatalf("got %v, %v with calls %v", got, err, f.calls)
	}
	if len(log.warnings) != 2 || !strings.Contains(log.warnings[1], "#2 est tenu à jour, #3") {
		t.Errorf("warnings %q", log.warnings)
	}
}

// GitHub dropped the label: the issue is open, the log says the next run
// will not find it.
func TestLabelDropped(t *testing.T) {
	f := &fakeIssues{dropLabels: true}
	log := &testLog{}
	got, err := Run(context.Background(), f, Broken(fixture(t)), options(t, 0), log)
	if err != nil || got != Created {
		t.Fatalf("got %v, %v", got, err)
	}
	if len(log.warnings) != 1 || !strings.Contains(log.warnings[0], "sans le libellé") {
		t.Errorf("warnings %q", log.warnings)
	}
}

func TestRunRefusesBadOptions(t *testing.T) {
	f := &fakeIssues{}
	o := options(t, 0)
	o.Label = "a,b"
	if _, err := Run(context.Background(), f, nil, o, &testLog{}); err == nil {
		t.Error("label a,b accepted")
	}
	o = options(t, 0)
	o.Body.ServerURL = "http://github.com"
	if _, err := Run(context.Background(), f, nil, o, &testLog{}); err == nil {
		t.Error("http server accepted")
	}
	if len(f.calls) != 0 {
		t.Errorf("calls %v before refusing", f.calls)
	}
}

func TestOutcomeString(t *testing.T) {
	for o, want := range map[Outcome]string{Nothing: "nothing", Created: "created", Updated: "updated",
		Unchanged: "unchanged", Closed: "closed", Refused: "refused", 0: "none"} {
		if o.String() != want {
			t.Errorf("%d: %q, want %q", o, o.String(), want)
		}
	}
}

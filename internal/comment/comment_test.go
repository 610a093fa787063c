package comment

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/codeowners"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/github"
	"github.com/fsgate/fsgate/internal/result"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const (
	head = "ec26c3e57ca3a959ca5aad62de7213c562f8c821"
	base = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e"
	repo = "Codertocat/Hello-World"
)

func owners(t *testing.T) *codeowners.File {
	t.Helper()
	src, err := os.ReadFile("../../CODEOWNERS")
	if err != nil {
		t.Fatal(err)
	}
	f, err := codeowners.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func errorsOnTwoFiles() []finding.Finding {
	return []finding.Finding{
		{Path: "providers/franceconnect-plus/production/lyon-portail-famille.yaml", Line: 21, Column: 14, Rule: "schema", Severity: finding.Error,
			Message: finding.T("`spec.signature` doit valoir ES256 ou RS256 (reçu : HS256)", ""), Suggestion: "ES256"},
		{Path: "providers/franceconnect-plus/production/lyon-portail-famille.yaml", Line: 16, Column: 7, Rule: "uri-fragment", Severity: finding.Error,
			Message: finding.T("`spec.redirectUris[0]` contient « # » : retirez le fragment", ""), Suggestion: "https://famille.lyon.fr/oidc/callback"},
		{Path: "providers/franceconnect/production/villeurbanne-portail-famille.yaml", Line: 14, Column: 16, Rule: "planned-date", Severity: finding.Warning,
			Message: finding.T("mise en production prévue dans 9 jours : la qualification se demande trois semaines avant", "")},
		{Path: "providers/franceconnect/production/villeurbanne-portail-famille.yaml", Line: 10, Column: 16, Rule: "editor-display-name", Severity: finding.Error,
			Message:    finding.T("`spec.displayName` doit suivre la forme « <collectivité> - Portail Famille » (reçu : @fc-team <b>Portail</b>)", ""),
			Suggestion: "Villeurbanne - Portail Famille"},
	}
}

func TestBodyGolden(t *testing.T) {
	many := make([]finding.Finding, 3000)
	for i := range many {
		many[i] = finding.Finding{Path: fmt.Sprintf("providers/franceconnect-plus/production/commune-%04d.yaml", i), Line: 12, Column: 13,
			Rule: "datapass-number", Severity: finding.Error,
			Message: finding.T("`spec.datapass` vaut « H12345 », un numéro d'habilitation : indiquez le numéro de la demande DataPass, qui commence par D", "")}
	}
	tests := []struct {
		name     string
		files    []string
		changed  []string
		findings []finding.Finding
	}{
		{"valid", []string{"providers/franceconnect-plus/integration/caf-simulateur-aides.yaml"},
			[]string{"providers/franceconnect-plus/integration/caf-simulateur-aides.yaml"}, nil},
		{"errors-two-files", []string{"providers/franceconnect-plus/production/lyon-portail-famille.yaml", "providers/franceconnect/production/villeurbanne-portail-famille.yaml"},
			[]string{"providers/franceconnect-plus/production/lyon-portail-famille.yaml", "providers/franceconnect/production/villeurbanne-portail-famille.yaml", "README.md"},
			errorsOnTwoFiles()},
		{"no-request", nil, []string{"README.md"}, nil},
		{"truncated", nil, nil, many},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := result.New(repo, 2, base, head, tt.files, tt.changed, tt.findings)
			body, err := Body(r, BodyOptions{ServerURL: "https://github.com", RunURL: "https://github.com/" + repo + "/actions/runs/1", Owners: owners(t)})
			if err != nil {
				t.Fatal(err)
			}
			if len([]rune(body)) > MaxBody {
				t.Errorf("body of %d characters", len([]rune(body)))
			}
			if !strings.HasPrefix(body, result.CommentMarker+"\n") {
				t.Error("no marker")
			}
			if tt.name == "truncated" && !strings.Contains(body, "non affichés") {
				t.Error("a cut report must say so")
			}
			golden := filepath.Join("testdata", tt.name+".md")
			if tt.name == "truncated" {
				// 60 KB of rows: keep only the head and the tail.
				body = body[:2000] + "\n[…]\n" + body[len(body)-1500:]
			}
			if *update {
				os.MkdirAll("testdata", 0o755)
				os.WriteFile(golden, []byte(body), 0o644)
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if body != string(want) {
				t.Errorf("body differs from %s (run -update):\n%s", golden, body)
			}
		})
	}
}

// fakeAPI answers like GitHub for one open pull request.
type fakeAPI struct {
	commentErr error
	checkErr   error
	comments   []github.Comment
	runs       int
}

func (f *fakeAPI) ListComments(context.Context, github.Repo, int) ([]github.Comment, error) {
	return f.comments, nil
}
func (f *fakeAPI) CreateComment(_ context.Context, _ github.Repo, _ int, body string) (github.Comment, error) {
	if f.commentErr != nil {
		return github.Comment{}, f.commentErr
	}
	c := github.Comment{ID: 1, Body: body, Author: "github-actions[bot]"}
	f.comments = append(f.comments, c)
	return c, nil
}
func (f *fakeAPI) EditComment(context.Context, github.Repo, int64, string) (github.Comment, error) {
	return github.Comment{}, nil
}
func (f *fakeAPI) CreateCheckRun(context.Context, github.Repo, string, github.CheckRun) (int64, error) {
	f.runs++
	return 1, f.checkErr
}
func (f *fakeAPI) UpdateCheckRun(context.Context, github.Repo, int64, github.CheckRun) error {
	return f.checkErr
}
func (f *fakeAPI) ListPullRequestsWithCommit(context.Context, github.Repo, string) ([]github.PullRequest, error) {
	return []github.PullRequest{{Number: 2, State: "open", HeadSHA: head, BaseRepo: repo}}, nil
}
func (f *fakeAPI) ListOpenPullRequests(context.Context, github.Repo) ([]github.PullRequest, error) {
	return nil, nil
}
func (f *fakeAPI) ListFiles(context.Context, github.Repo, int) ([]github.File, error) {
	return nil, nil
}

func writeResult(t *testing.T, r *result.Result) string {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "result.json")
	os.WriteFile(p, buf.Bytes(), 0o644)
	return p
}

type recordLog struct{ infos, warnings []string }

func (l *recordLog) Infof(f string, a ...any) { l.infos = append(l.infos, fmt.Sprintf(f, a...)) }
func (l *recordLog) Warningf(f string, a ...any) {
	l.warnings = append(l.warnings, fmt.Sprintf(f, a...))
}

func TestRun(t *testing.T) {
	r := result.New(repo, 2, base, head, []string{"providers/franceconnect-plus/production/lyon-portail-famille.yaml"}, nil, errorsOnTwoFiles())
	path := writeResult(t, r)
	gh, _ := github.ParseRepo(repo)
	forbidden := fmt.Errorf("create comment: 403 Resource not accessible by integration: %w", github.ErrForbidden)
	tests := []struct {
		name     string
		api      *fakeAPI
		opts     Options
		wantErr  string
		warnings int
		comments int
	}{
		{"publishes", &fakeAPI{}, Options{ResultPath: path, Repo: gh, HeadSHA: head}, "", 0, 1},
		{"other commit refused", &fakeAPI{}, Options{ResultPath: path, Repo: gh, HeadSHA: base}, "refused", 0, 0},
		{"other repository refused", &fakeAPI{}, Options{ResultPath: path, Repo: github.Repo{Owner: "x", Name: "y"}, HeadSHA: head}, "another repository", 0, 0},
		{"read-only token degrades", &fakeAPI{commentErr: forbidden, checkErr: forbidden}, Options{ResultPath: path, Repo: gh, HeadSHA: head}, "", 2, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := &recordLog{}
			code, err := Run(context.Background(), tt.api, tt.opts, log)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || code != 0 {
				t.Fatalf("exit %d, %v", code, err)
			}
			if len(log.warnings) != tt.warnings || len(tt.api.comments) != tt.comments {
				t.Errorf("warnings %v, comments %d", log.warnings, len(tt.api.comments))
			}
		})
	}
}

func TestRunRefusesForgedArtifact(t *testing.T) {
	path := filepath.Join(t.TempDir(), "result.json")
	os.WriteFile(path, []byte(`{"version":1,"repository":"`+repo+`","headSha":"`+head+`","findings":[{"path":"../../etc/passwd","line":1,"column":1,"pointer":"","rule":"schema","severity":"error","message":"x","doc":"docs/rules/schema.md"}],"files":[],"changed":[],"summary":{}}`), 0o644)
	gh, _ := github.ParseRepo(repo)
	if _, err := Run(context.Background(), &fakeAPI{}, Options{ResultPath: path, Repo: gh, HeadSHA: head}, &recordLog{}); err == nil {
		t.Fatal("a path outside the repository was accepted")
	}
}

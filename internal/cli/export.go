package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsgate/fsgate/internal/export"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/git"
	"github.com/fsgate/fsgate/internal/github"
	"github.com/fsgate/fsgate/internal/report"
	"github.com/fsgate/fsgate/internal/validate"
)

const exportUsage = "--out DIR [--previous DIR] [--root DIR] | --announce --out DIR [--commit SHA]"

func runExport(env Env, args []string) int {
	fs := newFlags(env, "export", exportUsage)
	out := fs.String("out", "", "directory of the export, replaced atomically")
	previous := fs.String("previous", "", "a previous export: also write changes.json (a missing or empty directory: everything is created)")
	root := fs.String("root", "", "repository root (default: the nearest directory holding providers/)")
	todayFlag := fs.String("today", "", "date used by date rules, YYYY-MM-DD (default: $FSGATE_TODAY, then today)")
	lang := fs.String("lang", "", "language of messages: fr (default) or en")
	announce := fs.Bool("announce", false, "instead of exporting, comment the changes.json of the export in --out on the pull request merged by --commit")
	commit := fs.String("commit", "", "with --announce: the merge commit (default: the commit in the export's manifest)")
	rest, err := parse(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(rest) > 0 {
		return usageError(env, "export takes no arguments (got %q)", rest[0])
	}
	if *out == "" {
		return usageError(env, "export needs --out DIR")
	}
	st, err := readSettings(env, *lang, *todayFlag, *root)
	if err != nil {
		return usageError(env, "%v", err)
	}
	l, day, wd, rootDir := st.lang, st.today, st.wd, st.root
	outDir := resolve(wd, *out)
	if *announce {
		return runAnnounce(env, outDir, *commit)
	}
	if within(outDir, filepath.Join(rootDir, validate.ProvidersDir)) || within(rootDir, outDir) {
		return usageError(env, "--out %s: the export cannot go inside providers/ nor contain the repository", *out)
	}

	// A full validation, never served by a cache: what is provisioned
	// must not depend on the state of a cache.
	res, err := validate.Run(validate.Options{Root: rootDir, Today: day})
	if err != nil {
		return usageError(env, "%v", err)
	}
	if errs, _ := finding.Count(res.Findings); errs > 0 {
		printErrors(env.Stderr, res, l)
		fmt.Fprintln(env.Stderr, msg(l, "fsgate export : export refusé, rien n'est écrit ; corrigez les erreurs ci-dessus",
			"fsgate export: export refused, nothing written; fix the errors above"))
		return ExitFindings
	}
	// The export builds each document from the typed request and the bytes
	// the validation read (which let go of the YAML trees): no file is read
	// or parsed twice.
	x, skipped := export.Build(res.All, export.Options{})
	if len(skipped) > 0 {
		for _, s := range skipped {
			fmt.Fprintf(env.Stderr, "%s: %s\n", s.Path, s.Reason.In(l))
		}
		fmt.Fprintln(env.Stderr, msg(l, "fsgate export : export refusé, rien n'est écrit", "fsgate export: export refused, nothing written"))
		return ExitFindings
	}
	x.Commit = headCommit(rootDir)

	var (
		changes *export.Changes
		prev    *export.Previous
	)
	if *previous != "" {
		if prev, err = x.ReadPrevious(resolve(wd, *previous), 0); err != nil {
			return usageError(env, "%v", err)
		}
		if changes, err = export.Diff(prev, x); err != nil {
			return usageError(env, "%v", err)
		}
	}
	if err := export.Write(outDir, x.Files(changes, prev), export.WriteOptions{}); err != nil {
		return usageError(env, "%v", err)
	}
	fmt.Fprintln(env.Stdout, exportSummary(l, len(x.Entries), *out, changes))
	return ExitOK
}

// printErrors prints the error findings of a run (not its warnings: an
// export is refused for its errors) in the text format.
func printErrors(w io.Writer, res *validate.Result, l finding.Lang) {
	var errs []finding.Finding
	for _, f := range res.Findings {
		if f.Severity == finding.Error {
			errs = append(errs, f)
		}
	}
	sources := make(map[string][]byte, len(res.All))
	for _, f := range res.All {
		sources[f.Path] = f.Source
	}
	_ = report.Write(w, "text", &report.Input{
		Findings: errs, Files: res.Files, Lang: l,
		Source: func(p string) []byte { return sources[p] },
	})
}

// within reports whether path is dir or inside it (both clean and
// absolute).
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && (rel == "." || (rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))))
}

// headCommit is the commit checked out at root, "" outside a git checkout.
func headCommit(root string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sha, err := git.Repo{Dir: root}.ResolveCommit(ctx, "HEAD")
	if err != nil {
		return ""
	}
	return sha
}

func exportSummary(l finding.Lang, n int, out string, c *export.Changes) string {
	if l == finding.EN {
		s := fmt.Sprintf("fsgate export: %d document%s in %s", n, enPlural(n), out)
		if c != nil {
			s += fmt.Sprintf(" (%d created, %d updated, %d deleted, %d unchanged)", c.Summary.Created, c.Summary.Updated, c.Summary.Deleted, c.Summary.Unchanged)
		}
		return s
	}
	s := fmt.Sprintf("fsgate export : %d document%s dans %s", n, frPlural(n), out)
	if c != nil {
		sm := c.Summary
		s += fmt.Sprintf(" (%d créé%s, %d modifié%s, %d supprimé%s, %d inchangé%s)", sm.Created, frPlural(sm.Created),
			sm.Updated, frPlural(sm.Updated), sm.Deleted, frPlural(sm.Deleted), sm.Unchanged, frPlural(sm.Unchanged))
	}
	return s
}

// frPlural is the plural mark in French, where 0 and 1 are singular.
func frPlural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

func enPlural(n int) string {
	if n != 1 {
		return "s"
	}
	return ""
}

func msg(l finding.Lang, fr, en string) string {
	if l == finding.EN {
		return en
	}
	return fr
}

// ExportMarker is the hidden marker of the export's comment on a merged
// pull request (not the validation report's).
const ExportMarker = "<!-- fsgate:export -->"

// maxChangesSize bounds the changes.json read by --announce.
const maxChangesSize = 32 << 20

// announceAPI is what --announce needs of GitHub.
type announceAPI interface {
	github.Comments
	github.PullRequests
}

// runAnnounce comments the export in dir on the pull request merged by
// commit. The export is done and pushed by then: a refusal of the token
// (403) or no merged pull request (a direct push) is a warning, exit 0.
func runAnnounce(env Env, dir, commit string) int {
	changes, manifestCommit, err := readExport(dir)
	if err != nil {
		return usageError(env, "%v", err)
	}
	if commit == "" {
		commit = manifestCommit
	}
	if commit == "" {
		return usageError(env, "--announce needs --commit SHA (the export's manifest has no commit)")
	}
	repo, err := github.ParseRepo(env.Getenv("GITHUB_REPOSITORY"))
	if err != nil {
		return usageError(env, "GITHUB_REPOSITORY: %v", err)
	}
	client, err := github.New(&http.Client{Timeout: 30 * time.Second}, env.Getenv("GITHUB_API_URL"), env.Getenv("GITHUB_TOKEN"))
	if err != nil {
		return usageError(env, "%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	body := announceBody(changes, commit, runURL(env))
	return announce(ctx, env, client, repo, env.Getenv("GITHUB_REF_NAME"), commit, body)
}

func announce(ctx context.Context, env Env, api announceAPI, repo github.Repo, branch, commit, body string) int {
	log := func(format string, args ...any) { fmt.Fprintf(env.Stdout, format+"\n", args...) }
	warn := func(format string, args ...any) { fmt.Fprintf(env.Stdout, "::warning::"+format+"\n", args...) }
	prs, err := api.ListPullRequestsWithCommit(ctx, repo, commit)
	if errors.Is(err, github.ErrForbidden) {
		warn("fsgate: listing the pull requests of %s was refused (%v); the export is published, without comment", commit, err)
		return ExitOK
	}
	if err != nil {
		return usageError(env, "%v", err)
	}
	merged := mergedPullRequests(prs, repo, branch)
	switch len(merged) {
	case 0:
		log("fsgate: no merged pull request has commit %s (a direct push?): nothing to comment", commit)
		return ExitOK
	case 1:
	default:
		numbers := make([]string, len(merged))
		for i, pr := range merged {
			numbers[i] = fmt.Sprintf("#%d", pr.Number)
		}
		warn("fsgate: several merged pull requests have commit %s (%s): no comment rather than a guess", commit, strings.Join(numbers, ", "))
		return ExitOK
	}
	action, err := github.Sticky{Marker: ExportMarker}.Upsert(ctx, api, repo, merged[0].Number, body)
	if errors.Is(err, github.ErrForbidden) {
		warn("fsgate: commenting on #%d was refused (%v); the export is published, without comment", merged[0].Number, err)
		return ExitOK
	}
	if err != nil {
		return usageError(env, "%v", err)
	}
	log("fsgate: export comment on #%d %s", merged[0].Number, action)
	return ExitOK
}

// mergedPullRequests keeps the closed pull requests of repo merged into
// branch ("" for any). For a commit of the default branch GitHub lists only
// the pull request that merged it; github.PullRequest carries no merge
// state, so "closed and based on the pushed branch of this repository"
// stands for it.
func mergedPullRequests(prs []github.PullRequest, repo github.Repo, branch string) []github.PullRequest {
	var out []github.PullRequest
	seen := map[int]bool{}
	for _, pr := range prs {
		if pr.State != "closed" || pr.Number <= 0 || seen[pr.Number] ||
			!strings.EqualFold(pr.BaseRepo, repo.String()) || (branch != "" && pr.BaseRef != branch) {
			continue
		}
		seen[pr.Number] = true
		out = append(out, pr)
	}
	return out
}

// announceBody is the comment: always in French, like the validation
// comment of the pull request.
func announceBody(c *export.Changes, commit, run string) string {
	var b strings.Builder
	b.WriteString(ExportMarker + "\n")
	b.WriteString("### Export pour FranceConnect\n\n")
	fmt.Fprintf(&b, "Fusion %s exportée", "`"+shortSHA(commit)+"`")
	if run != "" {
		fmt.Fprintf(&b, " ([exécution et documents](%s))", run)
	}
	b.WriteString(" : l'équipe FranceConnect provisionnera ces changements.\n\n")
	b.WriteString(c.MarkdownLimit(finding.FR, 60_000))
	return b.String()
}

// runURL is the link to the workflow run, "" outside GitHub Actions. Every
// part comes from the runner's environment and is checked.
func runURL(env Env) string {
	server, repo, id := env.Getenv("GITHUB_SERVER_URL"), env.Getenv("GITHUB_REPOSITORY"), env.Getenv("GITHUB_RUN_ID")
	if server == "" || repo == "" || id == "" || strings.ContainsAny(server+repo+id, " ()<>[]\"'`\n") ||
		!strings.HasPrefix(server, "https://") || strings.Trim(id, "0123456789") != "" {
		return ""
	}
	return strings.TrimSuffix(server, "/") + "/" + repo + "/actions/runs/" + id
}

func shortSHA(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// readExport reads the changes.json of an export and the commit it was
// made at.
func readExport(dir string) (*export.Changes, string, error) {
	data, err := readLimited(filepath.Join(dir, export.ChangesFile), maxChangesSize)
	if err != nil {
		return nil, "", fmt.Errorf("--announce: %w", err)
	}
	var c export.Changes
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, "", fmt.Errorf("--announce: %s: %w", export.ChangesFile, err)
	}
	if c.Version != export.Version {
		return nil, "", fmt.Errorf("--announce: %s: version %d, want %d", export.ChangesFile, c.Version, export.Version)
	}
	return &c, c.Commit, nil
}

func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", filepath.Base(name), limit)
	}
	return data, nil
}

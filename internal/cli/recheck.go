package cli

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/fsgate/fsgate/internal/codeowners"
	"github.com/fsgate/fsgate/internal/comment"
	"github.com/fsgate/fsgate/internal/github"
	"github.com/fsgate/fsgate/internal/recheck"
	"github.com/fsgate/fsgate/internal/report"
)

// recheckTimeout bounds the whole GitHub side of the weekly re-check, a
// handful of requests with their retries.
const recheckTimeout = 5 * time.Minute

var runIDRE = regexp.MustCompile(`^[0-9]{1,20}$`)

// runRecheck keeps the re-check issue in step with the report of
// `fsgate validate --online --format json` on the default branch.
//
// Exit 0 whatever the report holds (the issue is the output: a
// publisher's server must not turn the workflow red) and when GitHub
// refuses the token (a warning); 2 for what a maintainer must look at: a
// bad invocation, an unreadable report, an API failure.
func runRecheck(env Env, args []string) int {
	const usageLine = "--result findings.json [--label fsgate-recheck]"
	fs := newFlags(env, "recheck", usageLine)
	resultPath := fs.String("result", "", "the report of fsgate validate --online --format json")
	label := fs.String("label", recheck.DefaultLabel, "label that identifies the re-check issue")
	rest, err := parse(fs, args)
	if err != nil {
		return ExitUsage
	}
	switch {
	case len(rest) > 0:
		return usageError(env, "recheck takes no argument (got %q)", rest[0])
	case *resultPath == "":
		return usageError(env, "recheck needs --result findings.json")
	}
	if err := github.CheckLabel(*label); err != nil {
		return usageError(env, "--label: %v", err)
	}
	repo, err := github.ParseRepo(env.Getenv("GITHUB_REPOSITORY"))
	if err != nil {
		return usageError(env, "GITHUB_REPOSITORY: %v", err)
	}
	serverURL := env.Getenv("GITHUB_SERVER_URL")
	if serverURL == "" {
		serverURL = "https://github.com"
	}
	opts := recheck.BodyOptions{
		ServerURL: serverURL, Repo: repo.String(),
		// A scheduled run is on the default branch: the files and the
		// rule pages are linked there.
		Branch: env.Getenv("GITHUB_REF_NAME"),
		Date:   env.Now(),
	}
	if id := env.Getenv("GITHUB_RUN_ID"); runIDRE.MatchString(id) {
		opts.RunURL = serverURL + "/" + repo.String() + "/actions/runs/" + id
	}
	if opts.Branch == "" {
		return usageError(env, "GITHUB_REF_NAME (the branch checked) is not set")
	}
	if err := opts.Check(); err != nil {
		return usageError(env, "%v", err)
	}
	wd, err := env.Getwd()
	if err != nil {
		return usageError(env, "working directory: %v", err)
	}
	// CODEOWNERS of the checkout, the default branch: trusted. Without
	// one, nobody is mentioned.
	if src, err := os.ReadFile(filepath.Join(findRoot(wd), "CODEOWNERS")); err == nil {
		if opts.Owners, err = codeowners.Parse(src); err != nil {
			return usageError(env, "%v", err)
		}
	}

	f, err := os.Open(resolve(wd, *resultPath))
	if err != nil {
		return usageError(env, "%v", err)
	}
	rep, err := recheck.Read(f)
	f.Close()
	if err != nil {
		return usageError(env, "%s: %v", *resultPath, err)
	}
	broken := recheck.Broken(rep)
	fmt.Fprintf(env.Stdout, "fsgate : %d problème(s) sur %d constat(s) de la vérification.\n", len(broken), len(rep.Findings))
	for _, b := range broken {
		fmt.Fprintln(env.Stdout, recheck.LogLine(b))
	}
	log := comment.WriterLog{W: env.Stdout}
	// The job summary holds the full list, which the issue points to when
	// it is cut: written before GitHub is asked anything.
	if p := env.Getenv("GITHUB_STEP_SUMMARY"); p != "" {
		if err := appendSummary(p, broken, opts); err != nil {
			log.Warningf("fsgate : résumé du job non écrit : %v", err)
		}
	}

	if recheck.LooksLikeOutage(broken) {
		log.Warningf("fsgate : les %d téléchargements ont tous échoué et rien d'autre n'est signalé : panne réseau du runner probable, ticket laissé tel quel (relancez le workflow)", len(broken))
		return ExitOK
	}

	client, err := github.New(&http.Client{Timeout: 30 * time.Second}, env.Getenv("GITHUB_API_URL"), env.Getenv("GITHUB_TOKEN"))
	if err != nil {
		return usageError(env, "%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), recheckTimeout)
	defer cancel()
	if _, err := recheck.Run(ctx, client, broken, recheck.Options{Repo: repo, Label: *label, Body: opts}, log); err != nil {
		return usageError(env, "%v", err)
	}
	return ExitOK
}

func appendSummary(path string, broken []report.JSONFinding, opts recheck.BodyOptions) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if err := recheck.WriteSummary(f, broken, opts); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/fsgate/fsgate/internal/export"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/git"
	"github.com/fsgate/fsgate/internal/validate"
)

const planUsage = "--base GIT-REF [--root DIR] [--format text|markdown|json] [--lang fr|en]"

// runPlan prints what the export of the working tree changes compared
// with the export of --base: what merging changes for FranceConnect when
// the working tree is the merge result (the checkout of a pull request in
// CI is its merge commit; locally, rebase on --base first, or changes made
// on --base since the branch started show as reverted). Exit 1 when the
// working tree has error findings: the export would then be refused,
// whatever the plan says.
func runPlan(env Env, args []string) int {
	fs := newFlags(env, "plan", planUsage)
	base := fs.String("base", "", "git revision to compare with, e.g. origin/main (the working tree should be the merge result)")
	root := fs.String("root", "", "repository root (default: the nearest directory holding providers/)")
	format := fs.String("format", "text", "output format: text, markdown or json")
	lang := fs.String("lang", "", "language of messages: fr (default) or en")
	todayFlag := fs.String("today", "", "date used by date rules, YYYY-MM-DD (default: $FSGATE_TODAY, then today)")
	rest, err := parse(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(rest) > 0 {
		return usageError(env, "plan takes no arguments (got %q)", rest[0])
	}
	if *base == "" {
		return usageError(env, "plan needs --base GIT-REF")
	}
	switch *format {
	case "text", "markdown", "json":
	default:
		return usageError(env, "unknown format %q (want text, markdown or json)", *format)
	}
	st, err := readSettings(env, *lang, *todayFlag, *root)
	if err != nil {
		return usageError(env, "%v", err)
	}
	l, day, rootDir := st.lang, st.today, st.root

	head, err := validate.Run(validate.Options{Root: rootDir, Today: day})
	if err != nil {
		return usageError(env, "%v", err)
	}
	baseRes, err := validateAt(rootDir, *base, day)
	if err != nil {
		return usageError(env, "--base: %v", err)
	}
	changes := export.Plan(baseRes.All, head.All)
	switch *format {
	case "json":
		_, err = env.Stdout.Write(changes.JSON())
	case "markdown":
		_, err = fmt.Fprint(env.Stdout, changes.Markdown(l))
	default:
		_, err = fmt.Fprint(env.Stdout, changes.Text(l))
	}
	if err != nil {
		return usageError(env, "%v", err)
	}
	if errs, _ := finding.Count(head.Findings); errs > 0 {
		fmt.Fprintln(env.Stderr, msg(l,
			fmt.Sprintf("fsgate plan : %d erreur(s) dans les demandes : l'export serait refusé en l'état (fsgate validate les détaille)", errs),
			fmt.Sprintf("fsgate plan: %d error(s) in the requests: the export would be refused as it is (fsgate validate details them)", errs)))
		return ExitFindings
	}
	return ExitOK
}

// validateAt loads the requests as they are at rev, from a temporary copy
// of their directory; its findings do not matter, only what loads.
func validateAt(root, rev string, day time.Time) (*validate.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	repo := git.Repo{Dir: root}
	if _, err := repo.ResolveCommit(ctx, rev); err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "fsgate-plan-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if err := repo.Extract(ctx, rev, validate.ProvidersDir, tmp); err != nil {
		return nil, err
	}
	return validate.Run(validate.Options{Root: tmp, Today: day})
}

package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/fsgate/fsgate/docs"
	"github.com/fsgate/fsgate/internal/rules"
)

func runRules(env Env, args []string) int {
	fs := newFlags(env, "rules", "[--lang fr|en]")
	lang := fs.String("lang", "", "language: fr (default) or en")
	if _, err := parse(fs, args); err != nil {
		return ExitUsage
	}
	l, err := langFlag(env, *lang)
	if err != nil {
		return usageError(env, "%v", err)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 0, 2, ' ', 0)
	for _, r := range rules.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity.Label(l), r.Summary.In(l))
	}
	tw.Flush()
	return ExitOK
}

func runExplain(env Env, args []string) int {
	if len(args) != 1 {
		return usageError(env, "usage: fsgate explain RULE (see fsgate rules)")
	}
	page, err := docs.RulePage(args[0])
	if err != nil || rules.Lookup(args[0]) == nil {
		return usageError(env, "unknown rule %q (see fsgate rules)", args[0])
	}
	env.Stdout.Write(page)
	return ExitOK
}

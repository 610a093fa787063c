package cli

import (
	"fmt"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/report"
	"github.com/fsgate/fsgate/internal/validate"
)

func runValidate(env Env, args []string) int {
	fs := newFlags(env, "validate", commands()[0].usage)
	format := fs.String("format", "text", "output format: text, json, sarif, github or markdown")
	lang := fs.String("lang", "", "language of messages: fr (default) or en")
	todayFlag := fs.String("today", "", "date used by date rules, YYYY-MM-DD (default: $FSGATE_TODAY, then today)")
	root := fs.String("root", "", "repository root (default: the nearest directory holding providers/)")
	onlineFlag := fs.Bool("online", false, "also fetch and check each request's JWKS and sector identifier document")
	base := fs.String("base", "", "git revision to compare with: adds the change rules (immutable fields, removals, redirect domains)")
	paths, err := parse(fs, args)
	if err != nil {
		return ExitUsage
	}
	if !report.Valid(*format) {
		return usageError(env, "unknown format %q (want text, json, sarif, github or markdown)", *format)
	}
	l, err := langFlag(env, *lang)
	if err != nil {
		return usageError(env, "%v", err)
	}
	day, err := today(env, *todayFlag)
	if err != nil {
		return usageError(env, "%v", err)
	}
	wd, err := env.Getwd()
	if err != nil {
		return usageError(env, "working directory: %v", err)
	}
	if *root == "" {
		*root = findRoot(wd)
	}
	*root = resolve(wd, *root)
	for i, p := range paths {
		paths[i] = resolve(wd, p)
	}

	res, err := validate.Run(validate.Options{Root: *root, Paths: paths, Today: day, Base: *base, Online: *onlineFlag})
	if err != nil {
		return usageError(env, "%v", err)
	}
	sources := make(map[string][]byte, len(res.All))
	for _, f := range res.All {
		sources[f.Path] = f.Source
	}
	in := &report.Input{
		Findings: res.Findings, Files: res.Files, Lang: l,
		Color:  env.IsTerminal && *format == "text" && env.Getenv("NO_COLOR") == "",
		Source: func(p string) []byte { return sources[p] },
	}
	if err := report.Write(env.Stdout, *format, in); err != nil {
		return usageError(env, "%v", err)
	}
	if errs, _ := finding.Count(res.Findings); errs > 0 {
		return ExitFindings
	}
	return ExitOK
}

func runVersion(env Env, args []string) int {
	fmt.Fprintln(env.Stdout, "fsgate", Version())
	return ExitOK
}

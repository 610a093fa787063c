package cli

import (
	"context"

	"github.com/sethvargo/go-githubactions"

	"github.com/fsgate/fsgate/internal/action"
	"github.com/fsgate/fsgate/internal/cache"
	"github.com/fsgate/fsgate/internal/git"
)

func runAction(env Env, args []string) int {
	fs := newFlags(env, "action", "--root DIR --result-dir DIR")
	root := fs.String("root", ".", "checkout of the pull request")
	resultDir := fs.String("result-dir", "", "directory for result.json and comment.md")
	todayFlag := fs.String("today", "", "date used by date rules, YYYY-MM-DD")
	onlineFlag := fs.Bool("online", false, "also check the JWKS and sector identifier documents of the changed requests")
	cacheDir := fs.String("cache", "", "reuse the results of unchanged files from this cache directory (default: none)")
	if _, err := parse(fs, args); err != nil {
		return ExitUsage
	}
	day, err := today(env, *todayFlag)
	if err != nil {
		return usageError(env, "%v", err)
	}
	wd, err := env.Getwd()
	if err != nil {
		return usageError(env, "working directory: %v", err)
	}
	rootDir := resolve(wd, *root)
	dir := ""
	if *resultDir != "" {
		dir = resolve(wd, *resultDir)
	}
	var c *cache.Cache
	if *cacheDir != "" {
		c = &cache.Cache{Dir: resolve(wd, *cacheDir)}
	}
	gh := githubactions.New(githubactions.WithGetenv(env.Getenv), githubactions.WithWriter(env.Stdout))
	code, err := action.Run(context.Background(), gh, env.Getenv, git.Repo{Dir: rootDir}, env.Stdout,
		action.Options{Root: rootDir, ResultDir: dir, Today: day, Online: *onlineFlag, Cache: c})
	if err != nil {
		return usageError(env, "%v", err)
	}
	return code
}

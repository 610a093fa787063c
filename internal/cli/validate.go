package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/fsgate/fsgate/internal/cache"
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
	cacheDir := fs.String("cache", "", "directory of the content cache, which skips the files validated before (default: the user cache directory's fsgate/)")
	noCache := fs.Bool("no-cache", false, "validate every file from scratch, without reading or writing the cache (wins over --cache)")
	paths, err := parse(fs, args)
	if err != nil {
		return ExitUsage
	}
	if !report.Valid(*format) {
		return usageError(env, "unknown format %q (want text, json, sarif, github or markdown)", *format)
	}
	st, err := readSettings(env, *lang, *todayFlag, *root)
	if err != nil {
		return usageError(env, "%v", err)
	}
	l, day, wd := st.lang, st.today, st.wd
	*root = st.root
	for i, p := range paths {
		paths[i] = resolve(wd, p)
	}

	var c *cache.Cache
	switch {
	case *noCache:
	case *cacheDir != "":
		c = &cache.Cache{Dir: resolve(wd, *cacheDir)}
	default:
		// No usable default (no home directory): no cache, silently; the
		// results are the same.
		if dir, err := userCacheDir(env); err == nil {
			c = &cache.Cache{Dir: filepath.Join(dir, "fsgate")}
		}
	}

	res, err := validate.Run(validate.Options{Root: *root, Paths: paths, Today: day, Base: *base, Online: *onlineFlag, Cache: c})
	if err != nil {
		return usageError(env, "%v", err)
	}
	if *cacheDir != "" && res.Cache.Err != nil {
		// Asked for by name, a cache that does not work deserves a word;
		// the run's results stand.
		fmt.Fprintf(env.Stderr, "fsgate: --cache: %v\n", res.Cache.Err)
	}
	in := &report.Input{
		Findings: res.Findings, Files: res.Files, Lang: l,
		Color: env.IsTerminal && *format == "text" && env.Getenv("NO_COLOR") == "",
		// Not res.All's Source: the files the cache took on their stat data
		// were not read, and only those with findings shown are, here.
		Source: res.Source,
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

// userCacheDir is os.UserCacheDir, reading the environment through env like
// the rest of the command line (tests run in-process and hermetic: without
// HOME in their environment they have no default cache).
func userCacheDir(env Env) (string, error) {
	var dir string
	switch runtime.GOOS {
	case "windows":
		dir = env.Getenv("LocalAppData")
	case "darwin", "ios":
		if home := env.Getenv("HOME"); home != "" {
			dir = filepath.Join(home, "Library", "Caches")
		}
	case "plan9":
		if home := env.Getenv("home"); home != "" {
			dir = filepath.Join(home, "lib", "cache")
		}
	default:
		dir = env.Getenv("XDG_CACHE_HOME")
		if home := env.Getenv("HOME"); dir == "" && home != "" {
			dir = filepath.Join(home, ".cache")
		}
	}
	if !filepath.IsAbs(dir) { // unset, or relative: refused like os.UserCacheDir does
		return "", errors.New("no user cache directory")
	}
	return dir, nil
}

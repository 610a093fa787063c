// Package cli is the fsgate command line: it parses arguments, calls the
// library and returns the exit code. Everything it touches of the outside
// world (streams, environment, clock, working directory) is injected, so the
// whole command line is tested in-process.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsgate/fsgate/internal/finding"
)

// Exit codes (design §4).
const (
	ExitOK       = 0 // no error finding (warnings allowed)
	ExitFindings = 1 // at least one error finding
	ExitUsage    = 2 // usage or I/O error
)

// Env is the outside world as the command sees it.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Getwd          func() (string, error)
	Now            func() time.Time
	// IsTerminal says whether Stdout is a terminal (colours, prompts).
	IsTerminal bool
}

// OSEnv is the real environment of the process.
func OSEnv() Env {
	info, err := os.Stdout.Stat()
	return Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv, Getwd: os.Getwd, Now: time.Now,
		IsTerminal: err == nil && info.Mode()&os.ModeCharDevice != 0,
	}
}

type command struct {
	name, usage, summary string
	run                  func(env Env, args []string) int
}

func commands() []command {
	return []command{
		{"validate", "[--format text|json|sarif|github|markdown] [--lang fr|en] [--today YYYY-MM-DD] [--base GIT-REF] [--online] [--cache DIR | --no-cache] [--root DIR] [PATH...]",
			"validate request files (default: providers/)", runValidate},
		{"action", "--root DIR --result-dir DIR",
			"GitHub Actions entry point: validate a pull request's changes, annotate, summarise", runAction},
		{"comment", "--result result.json [--head-sha SHA]",
			"privileged half of the PR flow: sticky comment and check run from a result artifact", runComment},
		{"recheck", "--result findings.json [--label fsgate-recheck]", "weekly re-check: keep one issue listing the merged requests whose online documents broke", runRecheck},
		{"export", exportUsage, "write the provisioning documents of every request, atomically (exit 1: refused)", runExport},
		{"plan", planUsage, "show what merging onto --base would change in the export", runPlan},
		{"import", importUsage, "turn FranceConnect client documents into request files", runImport},
		{"new", newUsage, "create a request file from the form's questions (on a terminal, or from flags)", runNew},
		{"fmt", fmtUsage, "rewrite request files in canonical form (key order, indentation, block lists)", runFmt},
		{"rules", "", "list every rule with its severity", runRules},
		{"explain", "RULE", "show the documentation page of a rule", runExplain},
		{"version", "", "print the version", runVersion},
	}
}

// Main runs the command line args (without the program name).
func Main(args []string, env Env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stdout)
		if len(args) == 0 {
			return ExitUsage
		}
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(env, args[1:])
		}
	}
	fmt.Fprintf(env.Stderr, "fsgate: unknown command %q (see fsgate --help)\n", args[0])
	return ExitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "fsgate checks FranceConnect service provider requests (one YAML file each under providers/).")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  fsgate %-9s %s\n            %s\n", c.name, c.usage, c.summary)
	}
	fmt.Fprintln(w, "\nExit codes: 0 no error, 1 error findings, 2 usage or I/O error.")
}

// newFlags returns a flag set that reports to stderr and never exits.
func newFlags(env Env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: fsgate %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags anywhere among the arguments ("validate providers/
// --format json" works as well as flags first) and returns the positional
// arguments. A lone "--" ends the flags.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if rest[0] == "--" {
			return append(positional, rest[1:]...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// usageError prints a one-line error and returns the usage exit code.
func usageError(env Env, format string, args ...any) int {
	fmt.Fprintf(env.Stderr, "fsgate: "+format+"\n", args...)
	return ExitUsage
}

// findRoot returns the nearest ancestor of dir holding providers/, or dir.
func findRoot(dir string) string {
	for d := dir; ; {
		if info, err := os.Stat(filepath.Join(d, "providers")); err == nil && info.IsDir() {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// resolve makes a path from the command line absolute, relative to the
// working directory the command was given (not the process's: tests run
// commands in-process from many directories).
func resolve(wd, p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(wd, p)
}

// settings is what the flags most commands share say, once read.
type settings struct {
	lang  finding.Lang
	today time.Time
	wd    string // the working directory the command was given
	root  string // the repository root, absolute
}

// readSettings reads --lang, --today and --root (their values as given;
// "" for a flag the command does not take) the same way for every command:
// the language and the date from the flag, then the environment; the root
// from the flag, else the nearest directory holding providers/. An error
// is a usage error.
func readSettings(env Env, lang, day, root string) (settings, error) {
	var s settings
	var err error
	if s.lang, err = langFlag(env, lang); err != nil {
		return s, err
	}
	if s.today, err = today(env, day); err != nil {
		return s, err
	}
	if s.wd, err = env.Getwd(); err != nil {
		return s, fmt.Errorf("working directory: %w", err)
	}
	if root == "" {
		root = findRoot(s.wd)
	}
	s.root = resolve(s.wd, root)
	return s, nil
}

// langFlag reads --lang, defaulting to FSGATE_LANG then French.
func langFlag(env Env, value string) (finding.Lang, error) {
	if value == "" {
		value = env.Getenv("FSGATE_LANG")
	}
	if value == "" {
		return finding.FR, nil
	}
	return finding.ParseLang(strings.ToLower(value))
}

// today reads --today, then FSGATE_TODAY, then the clock.
func today(env Env, value string) (time.Time, error) {
	if value == "" {
		value = env.Getenv("FSGATE_TODAY")
	}
	if value == "" {
		now := env.Now()
		return time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	t, err := time.Parse(time.DateOnly, value)
	if err != nil {
		return time.Time{}, errors.New("--today wants a date YYYY-MM-DD")
	}
	return t, nil
}

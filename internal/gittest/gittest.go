// Package gittest runs git for tests: in a given directory, with a fixed
// identity and no user configuration, failing the test on error. It is
// imported by tests only.
package gittest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Env is the environment git runs with in tests: a fixed identity, and no
// global configuration of the machine (signing, hooks, default branch…).
func Env() []string {
	return append(os.Environ(),
		"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.invalid",
		"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.invalid",
		"GIT_CONFIG_GLOBAL=/dev/null")
}

// Require skips the test when git is not installed.
func Require(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
}

// Run runs git with args in dir and returns its trimmed output.
func Run(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = Env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// Commit stages everything in dir, commits it and returns the commit id;
// it initialises the repository (branch main) first if needed.
func Commit(t testing.TB, dir, message string) string {
	t.Helper()
	if _, err := os.Stat(dir + "/.git"); err != nil {
		Run(t, dir, "init", "-q", "-b", "main")
	}
	Run(t, dir, "add", "-A")
	Run(t, dir, "commit", "-q", "--allow-empty", "-m", message)
	return Run(t, dir, "rev-parse", "HEAD")
}

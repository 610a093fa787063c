package action

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fsgate/fsgate/internal/gittest"

	"github.com/sethvargo/go-githubactions"

	"github.com/fsgate/fsgate/internal/gen"
	"github.com/fsgate/fsgate/internal/git"
)

// BenchmarkPullRequestOneFileIn1000: the PR action on a pull request that
// changes one request in a tree of 1,000 (git diff, load of the whole tree,
// schema, every rule, cross-file rules, annotations, summary, artifact).
// Target: under 0.5 s per run.
func BenchmarkPullRequestOneFileIn1000(b *testing.B) {
	dir := b.TempDir()
	if err := gen.Tree(dir, 1000, 1); err != nil {
		b.Fatal(err)
	}
	run := func(args ...string) string { return gittest.Run(b, dir, args...) }
	run("init", "-q", "-b", "main")
	run("add", ".")
	run("commit", "-q", "-m", "base")
	base := run("rev-parse", "HEAD")
	matches, _ := filepath.Glob(filepath.Join(dir, "providers", "*", "*", "commune-00500-portail.yaml"))
	src, _ := os.ReadFile(matches[0])
	os.WriteFile(matches[0], bytes.Replace(src, []byte("Portail citoyen"), []byte("Portail des démarches"), 1), 0o644)
	run("commit", "-q", "-am", "pr")
	head := run("rev-parse", "HEAD")

	eventPath := filepath.Join(b.TempDir(), "event.json")
	os.WriteFile(eventPath, []byte(`{"number":7,"pull_request":{"base":{"sha":"`+base+`"},"head":{"sha":"`+head+`"}}}`), 0o644)
	env := map[string]string{"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": eventPath, "GITHUB_REPOSITORY": "o/r"}
	getenv := func(k string) string { return env[k] }
	resultDir := b.TempDir()
	b.ResetTimer()
	for b.Loop() {
		var out bytes.Buffer
		gh := githubactions.New(githubactions.WithGetenv(getenv), githubactions.WithWriter(&out))
		code, err := Run(context.Background(), gh, getenv, git.Repo{Dir: dir}, &out, Options{Root: dir, ResultDir: resultDir, Today: today})
		if err != nil || code != 0 {
			b.Fatalf("exit %d, %v\n%s", code, err, out.String())
		}
	}
}

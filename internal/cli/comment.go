package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/fsgate/fsgate/internal/codeowners"
	"github.com/fsgate/fsgate/internal/comment"
	"github.com/fsgate/fsgate/internal/github"
)

func runComment(env Env, args []string) int {
	fs := newFlags(env, "comment", "--result result.json [--head-sha SHA]")
	resultPath := fs.String("result", "", "the result.json artifact of the validate run")
	headSHA := fs.String("head-sha", "", "head commit of the validate run (default: from the workflow_run event)")
	if _, err := parse(fs, args); err != nil {
		return ExitUsage
	}
	if *resultPath == "" {
		return usageError(env, "comment needs --result result.json")
	}
	repo, err := github.ParseRepo(env.Getenv("GITHUB_REPOSITORY"))
	if err != nil {
		return usageError(env, "GITHUB_REPOSITORY: %v", err)
	}
	ev := workflowRunEvent(env.Getenv("GITHUB_EVENT_PATH"))
	if *headSHA == "" {
		*headSHA = ev.WorkflowRun.HeadSHA
	}
	if *headSHA == "" {
		return usageError(env, "no head commit: pass --head-sha or run from a workflow_run event")
	}
	wd, err := env.Getwd()
	if err != nil {
		return usageError(env, "working directory: %v", err)
	}
	// CODEOWNERS of the checkout: the default branch, trusted.
	var owners *codeowners.File
	if src, err := os.ReadFile(filepath.Join(wd, "CODEOWNERS")); err == nil {
		if owners, err = codeowners.Parse(src); err != nil {
			return usageError(env, "%v", err)
		}
	}
	client, err := github.New(&http.Client{Timeout: 30 * time.Second}, env.Getenv("GITHUB_API_URL"), env.Getenv("GITHUB_TOKEN"))
	if err != nil {
		return usageError(env, "%v", err)
	}
	serverURL := env.Getenv("GITHUB_SERVER_URL")
	if serverURL == "" {
		serverURL = "https://github.com"
	}
	code, err := comment.Run(context.Background(), client, comment.Options{
		ResultPath: resolve(wd, *resultPath), Repo: repo, HeadSHA: *headSHA,
		ServerURL: serverURL, RunURL: ev.WorkflowRun.HTMLURL, Owners: owners,
	}, comment.WriterLog{W: env.Stdout})
	if err != nil {
		return usageError(env, "%v", err)
	}
	return code
}

// workflowRunEvent reads what the comment needs of the triggering event;
// a missing or unreadable event gives zero values.
func workflowRunEvent(path string) (ev struct {
	WorkflowRun struct {
		HeadSHA string `json:"head_sha"`
		HTMLURL string `json:"html_url"`
	} `json:"workflow_run"`
}) {
	if path == "" {
		return ev
	}
	if data, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(data, &ev)
	}
	return ev
}

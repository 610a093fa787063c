// Package git reads what a pull request changes from the git repository:
// the changed paths between two commits and the content of a file at a
// commit. It runs the git command with a bounded output, never a shell.
package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// Status is how a path changed.
type Status byte

const (
	Added    Status = 'A'
	Modified Status = 'M'
	Deleted  Status = 'D'
	// TypeChanged covers a file turned into a symlink or back.
	TypeChanged Status = 'T'
)

// Change is one changed path, relative to the repository root with '/'.
type Change struct {
	Status Status
	Path   string
}

// ErrNotFound is returned by ReadFile when the path does not exist at rev.
var ErrNotFound = errors.New("not found at that revision")

// maxOutput bounds what one git command may return: a request file is at
// most 64 KiB, a list of changed paths a few KiB.
const maxOutput = 8 << 20

// Repo is a git working tree.
type Repo struct {
	Dir string
}

// ChangedFiles lists the paths that differ between the merge base of base
// and head, and head: what a pull request changes. Renames are reported as
// a deletion plus an addition, on purpose: for fsgate a moved request is a
// deleted service provider and a new one.
func (r Repo) ChangedFiles(ctx context.Context, base, head string) ([]Change, error) {
	if err := checkRev(base); err != nil {
		return nil, err
	}
	if err := checkRev(head); err != nil {
		return nil, err
	}
	out, err := r.run(ctx, "diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", base+"..."+head, "--")
	if err != nil {
		return nil, err
	}
	return parseNameStatus(out)
}

// ReadFile returns the content of path at rev, or ErrNotFound.
func (r Repo) ReadFile(ctx context.Context, rev, path string) ([]byte, error) {
	if err := checkRev(rev); err != nil {
		return nil, err
	}
	if path == "" || strings.HasPrefix(path, "/") || strings.Contains(path, "..") {
		return nil, fmt.Errorf("invalid path %q", path)
	}
	// cat-file -e first: a missing path is an expected answer, not an error.
	if _, err := r.run(ctx, "cat-file", "-e", rev+":"+path); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return r.run(ctx, "cat-file", "blob", rev+":"+path)
}

// ResolveCommit returns the full SHA of a revision.
func (r Repo) ResolveCommit(ctx context.Context, rev string) (string, error) {
	if err := checkRev(rev); err != nil {
		return "", err
	}
	out, err := r.run(ctx, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		return "", fmt.Errorf("unknown revision %q", rev)
	}
	return strings.TrimSpace(string(out)), nil
}

// checkRev refuses revisions that git could read as options.
func checkRev(rev string) error {
	if rev == "" || strings.HasPrefix(rev, "-") || strings.ContainsAny(rev, " \t\n\x00") {
		return fmt.Errorf("invalid revision %q", rev)
	}
	return nil
}

func (r Repo) run(ctx context.Context, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", r.Dir, "-c", "core.quotepath=off"}, args...)...)
	var stdout limitedBuffer
	var stderr bytes.Buffer
	stdout.limit = maxOutput
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if stdout.overflow {
			return nil, fmt.Errorf("git %s: output larger than %d bytes", args[0], maxOutput)
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return nil, &commandError{args: args[0], stderr: firstLine(stderr.String()), err: err}
		}
		return nil, fmt.Errorf("git %s: %w", args[0], err)
	}
	if stdout.overflow {
		return nil, fmt.Errorf("git %s: output larger than %d bytes", args[0], maxOutput)
	}
	return stdout.Bytes(), nil
}

type commandError struct {
	args, stderr string
	err          error
}

func (e *commandError) Error() string { return "git " + e.args + ": " + e.stderr }
func (e *commandError) Unwrap() error { return e.err }

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// limitedBuffer keeps at most limit bytes and remembers it overflowed.
type limitedBuffer struct {
	bytes.Buffer
	limit    int
	overflow bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > b.limit {
		b.overflow = true
		return 0, errors.New("output too large")
	}
	return b.Buffer.Write(p)
}

// parseNameStatus reads `git diff --name-status -z`: STATUS NUL PATH NUL …
func parseNameStatus(out []byte) ([]Change, error) {
	fields := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(fields) == 1 && fields[0] == "" {
		return nil, nil
	}
	var changes []Change
	for i := 0; i+1 < len(fields); i += 2 {
		status, path := fields[i], fields[i+1]
		if status == "" {
			return nil, fmt.Errorf("unexpected git diff output")
		}
		changes = append(changes, Change{Status: Status(status[0]), Path: path})
	}
	if len(fields)%2 != 0 {
		return nil, fmt.Errorf("unexpected git diff output")
	}
	return changes, nil
}

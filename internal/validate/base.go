package validate

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/git"
	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/rules"
)

// comparison is what compareBase found.
type comparison struct {
	findings   []finding.Finding
	deleted    map[string]bool // paths deleted since base
	base, head []*rules.File   // the versions of the changed paths
}

// compareBase runs the change rules: each request of the working tree is
// compared with its version at base (a git revision of the repository at
// root).
func compareBase(root, base string, head []*rules.File, ctx *rules.Context) (*comparison, error) {
	tmp, err := os.MkdirTemp("", "fsgate-base-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	repo := git.Repo{Dir: root}
	if _, err := repo.ResolveCommit(context.Background(), base); err != nil {
		return nil, errorf("--base: %v", err)
	}
	if err := repo.Extract(context.Background(), base, ProvidersDir, tmp); err != nil {
		return nil, errorf("--base: %v", err)
	}
	entries, err := discover(tmp, nil)
	if err != nil {
		return nil, err
	}
	after := make(map[string]*rules.File, len(head))
	for _, f := range head {
		after[f.Path] = f
	}
	// Only what changed is parsed: in a pull request nearly every base file
	// equals its head version, and parsing them all would cost as much as
	// validating the tree without the cache.
	before := make(map[string]*rules.File, len(entries))
	for _, e := range entries {
		f, err := parseOnly(tmp, e, after[e.path])
		if err != nil {
			return nil, err
		}
		before[f.Path] = f
	}

	paths := make([]string, 0, len(before)+len(after))
	for p := range before {
		paths = append(paths, p)
	}
	for p := range after {
		if before[p] == nil {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)

	out := &comparison{deleted: map[string]bool{}}
	for _, p := range paths {
		b, h := before[p], after[p]
		if b != nil && h != nil && bytes.Equal(b.Source, h.Source) {
			continue
		}
		if h == nil {
			out.deleted[p] = true
		} else {
			out.head = append(out.head, h)
		}
		if b != nil {
			out.base = append(out.base, b)
		}
		for _, r := range rules.All() {
			if r.CheckChange == nil {
				continue
			}
			for _, fd := range r.CheckChange(ctx, b, h) {
				if fd.Path == "" {
					fd.Path = p
				}
				// Positions are in the new version; a deleted file has none.
				out.findings = append(out.findings, complete(fd, r, h))
			}
		}
	}
	return out, nil
}

// parseOnly loads a file of the base tree: no schema, no rules — the base
// was checked when it was merged, and only its values are compared.
// A file whose bytes equal its head version is not parsed: only its bytes
// are kept, which is all the comparison needs.
func parseOnly(root string, e entry, head *rules.File) (*rules.File, error) {
	f := &rules.File{Path: e.path, Mode: e.mode}
	if !e.mode.IsRegular() {
		return f, nil
	}
	src, err := readBounded(filepath.Join(root, filepath.FromSlash(e.path)))
	if err != nil {
		return nil, errorf("%s at base: %v", e.path, err)
	}
	f.Source = src
	if head != nil && bytes.Equal(src, head.Source) {
		return f, nil
	}
	doc, _ := load.Parse(src)
	f.Root = doc.Root
	if doc.Valid {
		f.Request = request.FromValue(doc.Value)
	}
	return f, nil
}

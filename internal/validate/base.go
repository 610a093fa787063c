package validate

import (
	"bytes"
	"context"
	"io/fs"
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
	// settled holds, by path, the rules whose findings on the working
	// tree's file the base already settled (Rule.SettledAt).
	settled map[string][]*rules.Rule
}

// unsettled drops the findings that the base settled.
func (c *comparison) unsettled(found []finding.Finding) []finding.Finding {
	if len(c.settled) == 0 {
		return found
	}
	return slices.DeleteFunc(found, func(fd finding.Finding) bool {
		return slices.ContainsFunc(c.settled[fd.Path], func(r *rules.Rule) bool { return r.ID == fd.Rule })
	})
}

// compareBase runs the change rules: each request of the working tree is
// compared with its version at base (a git revision of the repository at
// root).
func compareBase(root, base string, head []*rules.File, ctx *rules.Context) (*comparison, error) {
	repo := git.Repo{Dir: root}
	bg := context.Background()
	if _, err := repo.ResolveCommit(bg, base); err != nil {
		return nil, errorf("--base: %v", err)
	}
	// One git ls-tree gives every base file with its blob id; a head file
	// whose bytes hash to the same id is unchanged and never read from git.
	// Only the changed files are read and parsed: in a pull request, a few.
	entries, err := repo.ListTree(bg, base, ProvidersDir)
	if err != nil {
		return nil, errorf("--base: %v", err)
	}
	after := make(map[string]*rules.File, len(head))
	for _, f := range head {
		after[f.Path] = f
	}
	before := make(map[string]*rules.File, len(entries))
	for _, e := range entries {
		h := after[e.Path]
		if h != nil && h.Mode.IsRegular() && !e.Symlink() && git.BlobID(h.Source, e.Blob) == e.Blob {
			before[e.Path] = h // same bytes: the comparison skips it
			continue
		}
		f, err := baseFile(bg, repo, base, e)
		if err != nil {
			return nil, err
		}
		before[e.Path] = f
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

	var settling []*rules.Rule // the rules a base can settle
	for _, r := range rules.All() {
		if r.SettledAt != nil {
			settling = append(settling, r)
		}
	}
	out := &comparison{deleted: map[string]bool{}, settled: map[string][]*rules.Rule{}}
	for _, p := range paths {
		b, h := before[p], after[p]
		if b != nil && h != nil {
			for _, r := range settling {
				if r.SettledAt(b, h) {
					out.settled[p] = append(out.settled[p], r)
				}
			}
		}
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

// baseFile loads a changed file of the base tree: no schema, no rules —
// the base was checked when it was merged, and only its values are
// compared.
func baseFile(ctx context.Context, repo git.Repo, base string, e git.TreeEntry) (*rules.File, error) {
	f := &rules.File{Path: e.Path, Mode: fs.ModeSymlink}
	if e.Symlink() {
		return f, nil
	}
	f.Mode = 0
	src, err := repo.ReadFile(ctx, base, e.Path)
	if err != nil {
		return nil, errorf("%s at base: %v", e.Path, err)
	}
	if len(src) > load.MaxSize+1 {
		src = src[:load.MaxSize+1] // as the working tree's are read
	}
	f.Source = src
	doc, _ := load.Parse(src)
	f.Root = doc.Root
	if doc.Valid {
		f.Request = request.FromValue(doc.Value)
	}
	return f, nil
}

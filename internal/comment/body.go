// Package comment is the privileged half of the pull request flow
// (`fsgate comment`): from a checked result artifact it renders the sticky
// comment with fsgate's own renderer (never the artifact's comment.md, which
// the pull request could have forged), says which review the change needs,
// and publishes the comment and the check run.
package comment

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/fsgate/fsgate/internal/codeowners"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/report"
	"github.com/fsgate/fsgate/internal/result"
)

// MaxBody is GitHub's limit on a comment body, in characters.
const MaxBody = 65_536

// BodyOptions are the trusted facts the comment links to.
type BodyOptions struct {
	ServerURL string // https://github.com
	RunURL    string // the validate run, for the full report
	Owners    *codeowners.File
}

// Body renders the sticky comment for a result. It is always under MaxBody.
func Body(r *result.Result, opts BodyOptions) (string, error) {
	var head, tail strings.Builder
	head.WriteString(result.CommentMarker + "\n")
	fmt.Fprintf(&head, "### fsgate · commit `%s`\n\n", short(r.HeadSHA))

	if r.Plan != nil && !r.Plan.Empty() {
		// The plan gets at most a third of the comment; the findings come
		// first, and the job summary has everything.
		tail.WriteString("\n#### À la fusion\n\n" + r.Plan.MarkdownLimit(finding.FR, MaxBody/3) + "\n")
	}
	if review := reviewSection(r, opts.Owners); review != "" {
		tail.WriteString("\n" + review)
	}
	if opts.RunURL != "" {
		fmt.Fprintf(&tail, "\n<sub>Détails et annotations : [exécution de la vérification](%s) · "+
			"chaque règle est expliquée dans `docs/rules/` (`fsgate explain <règle>`).</sub>\n", opts.RunURL)
	}

	base := ""
	if opts.ServerURL != "" {
		base = opts.ServerURL + "/" + r.Repository + "/blob/" + r.HeadSHA + "/"
	}
	in := &report.Input{
		Findings: r.FindingValues(), Files: r.Files, Lang: finding.FR,
		BlobURL: base, DocURL: base,
		// Leave room for the heading and the review section; the
		// markdown format itself ends a cut report with a pointer.
		MarkdownLimit: MaxBody - 1_000 - len(head.String()) - len(tail.String()),
	}
	var md bytes.Buffer
	if len(r.Files) == 0 && len(r.Findings) == 0 {
		md.WriteString("Cette pull request ne modifie aucune demande de `providers/` : rien à vérifier ici.\n")
	} else if err := report.Write(&md, "markdown", in); err != nil {
		return "", err
	}
	body := head.String() + md.String() + tail.String()
	if len(body) > MaxBody {
		return "", fmt.Errorf("comment body of %d bytes exceeds the limit", len(body))
	}
	return body, nil
}

// reviewSection says who must approve, from CODEOWNERS: production
// requests need the FranceConnect reviewers, tooling the maintainers.
// Teams are written in code spans: the comment must not notify them on
// every push (GitHub requests their review itself).
func reviewSection(r *result.Result, owners *codeowners.File) string {
	if owners == nil || len(r.Changed) == 0 {
		return ""
	}
	counts := map[string]int{}
	var order []string
	for _, p := range r.Changed {
		key := strings.Join(owners.Owners(p), " ")
		if key == "" {
			continue
		}
		if counts[key] == 0 {
			order = append(order, key)
		}
		counts[key]++
	}
	if len(order) == 0 {
		return ""
	}
	slices.Sort(order)
	var b strings.Builder
	b.WriteString("**Relecture requise** (CODEOWNERS) :\n")
	for _, key := range order {
		var spans []string
		for _, o := range strings.Fields(key) {
			spans = append(spans, "`"+o+"`")
		}
		n := counts[key]
		plural := "s"
		if n == 1 {
			plural = ""
		}
		fmt.Fprintf(&b, "- %s — %d fichier%s\n", strings.Join(spans, ", "), n, plural)
	}
	return b.String()
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

package recheck

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/markdown"
	"github.com/fsgate/fsgate/internal/report"
)

// summaryLimit bounds the job summary: GitHub keeps at most 1 MiB per
// step; a little is left for the heading.
const summaryLimit = 1<<20 - 1024

// WriteSummary writes the full list in Markdown, for the job summary of
// the run: the issue is cut at GitHub's limit and points there. It uses
// the markdown format of fsgate validate, which escapes what it quotes.
func WriteSummary(w io.Writer, broken []report.JSONFinding, opts BodyOptions) error {
	if err := opts.Check(); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "## fsgate recheck : documents en ligne\n\n"); err != nil {
		return err
	}
	if len(broken) == 0 {
		_, err := io.WriteString(w, "✅ Aucune anomalie dans les demandes de la branche principale.\n")
		return err
	}
	fs := make([]finding.Finding, len(broken))
	files := 0
	for i, f := range broken {
		fs[i] = toFinding(f)
		if i == 0 || f.Path != broken[i-1].Path {
			files++
		}
	}
	var md bytes.Buffer
	if err := report.Write(&md, "markdown", &report.Input{
		Findings: fs, Lang: finding.FR, BlobURL: opts.blob(), DocURL: opts.blob(), MarkdownLimit: summaryLimit,
	}); err != nil {
		return err
	}
	// The format's first line is a pull request's verdict ("prêt pour la
	// revue"), which means nothing here: replaced by the count.
	_, tables, _ := strings.Cut(md.String(), "\n")
	_, err := io.WriteString(w, "**"+plural(len(broken), "problème", "problèmes")+" dans "+plural(files, "demande", "demandes")+"**\n"+tables)
	return err
}

// LogLine is a finding as one line of the job log. Control characters are
// replaced and the line starts with "- ", so that nothing quoted (not even
// a path) can start a workflow command (::error::…), which GitHub only
// reads at the start of a line.
func LogLine(f report.JSONFinding) string {
	s := fmt.Sprintf("- %s:%d: %s [%s] %s", f.Path, f.Line, finding.Severity(f.Severity).Label(finding.FR), f.Rule, f.Message)
	if f.Suggestion != "" {
		s += " (suggestion : " + f.Suggestion + ")"
	}
	return markdown.Neutralize(markdown.Clip(s, 2*maxText))
}

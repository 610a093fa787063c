package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/markdown"
)

// markdownLimit bounds the markdown output, in bytes (so in characters
// too): a GitHub comment body holds at most 65,536 characters, and the
// caller may add a hidden marker and a heading.
const markdownLimit = 65_000

// Bounds on one untrusted string, in characters, so that one huge value
// cannot fill the whole comment.
const (
	maxPathLen       = 300
	maxMessageLen    = 1000
	maxSuggestionLen = 500
)

// writeMarkdown renders the result for a job summary or a PR comment: a
// verdict line, then one table per file with findings, then the number of
// files without any. See writeMarkdownLimited for the size bound.
func writeMarkdown(w io.Writer, in *Input) error {
	limit := markdownLimit
	if in.MarkdownLimit > 0 {
		limit = in.MarkdownLimit
	}
	return writeMarkdownLimited(w, in, limit)
}

// writeMarkdownLimited writes at most limit bytes. When the whole report
// would be longer, it stops at a table row and ends with a line saying how
// many findings were left out and where to read them all.
//
// Every string that comes from a request file (paths, messages that quote
// values, suggestions) is rendered inert: no HTML, no Markdown link or
// image, no emphasis, no mention or issue reference, no table cell break,
// no line break; see mdText and mdCode. (GitHub still turns a bare URL in
// a message into a link, whose text is then its target.)
func writeMarkdownLimited(w io.Writer, in *Input, limit int) error {
	verdict := "**" + markdownVerdict(in) + "**\n"
	clean := ""
	if n := cleanFiles(in); n > 0 {
		clean = "\n" + cleanLine(n, in.Lang) + "\n"
	}

	// Blocks in output order: a file's heading and table head go with
	// its first row, so that a cut never leaves a table without rows.
	type block struct{ head, row string }
	var blocks []block
	total := len(verdict) + len(clean)
	prev := ""
	for i, f := range in.Findings {
		b := block{row: markdownRow(f, in)}
		if i == 0 || f.Path != prev {
			b.head = markdownFileHead(f.Path, in.Lang)
		}
		prev = f.Path
		blocks = append(blocks, b)
		total += len(b.head) + len(b.row)
	}

	var out strings.Builder
	out.Grow(min(total, limit))
	out.WriteString(verdict)
	if total <= limit {
		for _, b := range blocks {
			out.WriteString(b.head)
			out.WriteString(b.row)
		}
		out.WriteString(clean)
		_, err := io.WriteString(w, out.String())
		return err
	}

	// Room for the end, counted with the largest possible number.
	reserve := len(clean) + len(omittedLine(len(in.Findings), in.Lang)) + 1
	if len(verdict)+reserve > limit {
		return fmt.Errorf("markdown: a limit of %d bytes leaves no room for the report", limit)
	}
	shown := 0
	for _, b := range blocks {
		if out.Len()+len(b.head)+len(b.row)+reserve > limit {
			break
		}
		out.WriteString(b.head)
		out.WriteString(b.row)
		shown++
	}
	out.WriteString(clean)
	out.WriteString("\n" + omittedLine(len(in.Findings)-shown, in.Lang))
	_, err := io.WriteString(w, out.String())
	return err
}

// markdownVerdict is the first line: can the request go to review?
func markdownVerdict(in *Input) string {
	errs, warns := finding.Count(in.Findings)
	if in.Lang == finding.EN {
		switch {
		case errs > 0 && warns > 0:
			return "❌ " + plural(errs, "error", "errors") + " to fix, " + plural(warns, "warning", "warnings")
		case errs > 0:
			return "❌ " + plural(errs, "error", "errors") + " to fix"
		case warns > 0:
			return "⚠️ No errors, " + plural(warns, "warning", "warnings") + " to check: ready for review"
		}
		return "✅ No problems: ready for review"
	}
	switch {
	case errs > 0 && warns > 0:
		return "❌ " + plural(errs, "erreur", "erreurs") + " à corriger, " + plural(warns, "avertissement", "avertissements")
	case errs > 0:
		return "❌ " + plural(errs, "erreur", "erreurs") + " à corriger"
	case warns > 0:
		return "⚠️ Aucune erreur, " + plural(warns, "avertissement", "avertissements") + " à examiner : prêt pour la revue"
	}
	return "✅ Aucun problème : prêt pour la revue"
}

// cleanFiles counts the checked files without any finding.
func cleanFiles(in *Input) int {
	n := 0
	for _, c := range fileCounts(in) {
		if c.Errors+c.Warnings == 0 {
			n++
		}
	}
	return n
}

func cleanLine(n int, lang finding.Lang) string {
	if lang == finding.EN {
		return "✅ " + plural(n, "file with no problems", "files with no problems")
	}
	return "✅ " + plural(n, "fichier sans problème", "fichiers sans problème")
}

// omittedLine closes a cut report.
func omittedLine(n int, lang finding.Lang) string {
	if lang == finding.EN {
		return "⚠️ " + plural(n, "more finding", "more findings") +
			" not shown here (GitHub size limit): read the job summary of the GitHub Actions run, or run `fsgate validate` locally, for the full list.\n"
	}
	return "⚠️ " + plural(n, "autre problème non affiché", "autres problèmes non affichés") +
		" ici (limite de taille de GitHub) : lisez le résumé du job GitHub Actions, ou lancez `fsgate validate` en local, pour la liste complète.\n"
}

// markdownFileHead opens a file's section: its heading and table head.
func markdownFileHead(path string, lang finding.Lang) string {
	head := "| Ligne | Règle | Message | Suggestion |"
	if lang == finding.EN {
		head = "| Line | Rule | Message | Suggestion |"
	}
	return "\n### " + markdown.Code(markdown.Clip(path, maxPathLen), false) + "\n\n" + head + "\n| ---: | --- | --- | --- |\n"
}

// markdownRow is one finding as a table row.
func markdownRow(f finding.Finding, in *Input) string {
	icon := "⚠️"
	if f.Severity == finding.Error {
		icon = "❌"
	}
	line := "—"
	if f.Line > 0 {
		line = strconv.Itoa(f.Line)
		if in.BlobURL != "" {
			line = "[" + line + "](" + markdown.LinkDest(in.BlobURL+markdown.EscapePath(f.Path)+"#L"+line) + ")"
		}
	}
	rule := "[" + markdown.Code(f.Rule, true) + "](" + markdown.LinkDest(docLink(in.DocURL, f.Rule)) + ")"
	suggestion := ""
	if f.Suggestion != "" {
		suggestion = markdown.Code(markdown.Clip(f.Suggestion, maxSuggestionLen), true)
	}
	return "| " + icon + " " + line + " | " + rule + " | " + markdown.Message(markdown.Clip(f.Message.In(in.Lang), maxMessageLen)) + " | " + suggestion + " |\n"
}

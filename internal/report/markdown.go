package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fsgate/fsgate/internal/finding"
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
	return "\n### " + mdCode(clip(path, maxPathLen), false) + "\n\n" + head + "\n| ---: | --- | --- | --- |\n"
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
			line = "[" + line + "](" + linkDest(in.BlobURL+escapePath(f.Path)+"#L"+line) + ")"
		}
	}
	rule := "[" + mdCode(f.Rule, true) + "](" + linkDest(docLink(in.DocURL, f.Rule)) + ")"
	suggestion := ""
	if f.Suggestion != "" {
		suggestion = mdCode(clip(f.Suggestion, maxSuggestionLen), true)
	}
	return "| " + icon + " " + line + " | " + rule + " | " + mdMessage(clip(f.Message.In(in.Lang), maxMessageLen)) + " | " + suggestion + " |\n"
}

// mdMessage renders a message, which marks field names as code spans with
// backticks ("`spec.signature` doit valoir …") but may also quote a value
// holding backticks of its own. Backticks are paired from the left: each
// pair delimits a code span rendered by mdCode, the text between by
// mdText, and an unpaired backtick is literal. A value can thus at worst
// change which words look like code; it can never leave the cell nor
// become markup.
func mdMessage(msg string) string {
	parts := strings.Split(msg, "`")
	var b strings.Builder
	for i := 0; i < len(parts); i++ {
		if i%2 == 0 {
			if parts[i] == "" && i > 0 && i < len(parts)-1 {
				// Two code spans side by side: their fences would
				// merge into one longer run and no longer match.
				b.WriteByte(' ')
			}
			b.WriteString(mdText(parts[i]))
			continue
		}
		if i == len(parts)-1 || parts[i] == "" { // unpaired or empty: literal backticks
			b.WriteString("\\`" + mdText(parts[i]))
			if i < len(parts)-1 {
				b.WriteString("\\`")
			}
			continue
		}
		b.WriteString(mdCode(parts[i], true))
	}
	return b.String()
}

// mdText renders untrusted text as literal Markdown inline text, fit for a
// table cell:
//   - control and format characters (line breaks, bidi overrides,
//     zero-width characters) become U+FFFD: a line break would end the
//     table row, a bidi override would reorder what reviewers read;
//   - '&', '<', '>' become entities: no HTML tag, no entity of the
//     attacker's;
//   - the characters that start inline Markdown are backslash-escaped:
//     emphasis, code, links, strikethrough, math ('$'), and '|', which
//     would otherwise start a new cell;
//   - a zero-width space follows '@' and '#' when a name or a number
//     follows, so that no user or team is mentioned and no issue is
//     cross-referenced (GitHub ignores escapes for both).
func mdText(s string) string {
	s = neutralizeMarkdown(s)
	var b strings.Builder
	for i, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '\\', '`', '*', '_', '[', ']', '|', '~', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '@', '#':
			b.WriteRune(r)
			if next, _ := utf8.DecodeRuneInString(s[i+1:]); unicode.IsLetter(next) || unicode.IsDigit(next) {
				b.WriteString("&#8203;")
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCode renders untrusted text as one code span, inside which Markdown,
// HTML, mentions and references are inert. The fence is one backtick
// longer than the longest run of backticks in s, and a space pads s when
// it starts or ends with a backtick or a space (CommonMark strips one from
// each end of a span that is not all spaces).
// In a table cell, '|' is escaped as "\|", which GitHub turns back into
// '|' even inside code. Control and format characters become U+FFFD.
func mdCode(s string, inTable bool) string {
	s = neutralizeMarkdown(s)
	if s == "" {
		return ""
	}
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	edge := func(c byte) bool { return c == '`' || c == ' ' }
	if strings.Trim(s, " ") != "" && (edge(s[0]) || edge(s[len(s)-1])) {
		s = " " + s + " "
	}
	return fence + s + fence
}

// neutralizeMarkdown replaces every control and format character, line
// breaks included, by U+FFFD, and tabs by spaces.
func neutralizeMarkdown(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029':
			return '\uFFFD'
		}
		return r
	}, s)
}

// linkDest makes a URL safe as a Markdown link destination: the
// characters that would end it or break the table are percent-encoded.
// The prefixes (BlobURL, DocURL) come from the configuration and the path
// is already escaped; this is a second line of defence.
func linkDest(u string) string {
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c <= ' ', c >= 0x7f, strings.IndexByte("()<>|`\\\"'[]", c) >= 0:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// clip shortens s to at most n characters, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

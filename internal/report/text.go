package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/fsgate/fsgate/internal/finding"
)

// ANSI colours, used only on a terminal.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiGray   = "\x1b[90m"
)

// writeText prints each finding as "path:line:col: severity: message [rule]"
// followed by the source line with a caret under the column, the suggestion
// and the documentation page, then one summary line.
func writeText(w io.Writer, in *Input) error {
	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !in.Color {
			return s
		}
		return code + s + ansiReset
	}
	lines := map[string][]string{}
	// A line holding a secret or personal data is never printed, whichever
	// finding points at it.
	type place struct {
		path string
		line int
	}
	sensitive := map[place]bool{}
	for _, f := range in.Findings {
		if f.Sensitive {
			sensitive[place{f.Path, f.Line}] = true
		}
	}
	for _, f := range in.Findings {
		sevColor := ansiRed
		if f.Severity == finding.Warning {
			sevColor = ansiYellow
		}
		where := f.Path
		if f.Line > 0 {
			where = fmt.Sprintf("%s:%d:%d", f.Path, f.Line, f.Column)
		}
		fmt.Fprintf(bw, "%s: %s: %s %s\n",
			paint(ansiBold, where),
			paint(sevColor, f.Severity.Label(in.Lang)),
			f.Message.In(in.Lang),
			paint(ansiGray, "["+f.Rule+"]"))
		if in.Source != nil && f.Line > 0 {
			src, ok := lines[f.Path]
			if !ok {
				src = splitLines(in.Source(f.Path))
				lines[f.Path] = src
			}
			if f.Line <= len(src) && sensitive[place{f.Path, f.Line}] {
				gutter := fmt.Sprintf("%d", f.Line)
				hidden := "(extrait masqué : donnée sensible)"
				if in.Lang == finding.EN {
					hidden = "(excerpt hidden: sensitive data)"
				}
				fmt.Fprintf(bw, "%s %s %s\n", paint(ansiGray, gutter), paint(ansiGray, "|"), hidden)
			} else if f.Line <= len(src) {
				text, col := window(src[f.Line-1], f.Column)
				gutter := fmt.Sprintf("%d", f.Line)
				pad := strings.Repeat(" ", len(gutter))
				fmt.Fprintf(bw, "%s %s %s\n", paint(ansiGray, gutter), paint(ansiGray, "|"), sanitizeLine(text))
				fmt.Fprintf(bw, "%s %s %s\n", pad, paint(ansiGray, "|"), paint(ansiCyan, caret(text, col)))
			}
		}
		// French puts a space before a colon; English does not.
		colon := " :"
		if in.Lang == finding.EN {
			colon = ":"
		}
		if f.Suggestion != "" {
			fmt.Fprintf(bw, "  = suggestion%s %s\n", colon, sanitizeLine(f.Suggestion))
		}
		fmt.Fprintf(bw, "  = doc%s %s\n", colon, f.Doc())
	}
	errs, warns := finding.Count(in.Findings)
	fmt.Fprintln(bw, summaryLine(len(in.Files), errs, warns, in.Lang))
	return bw.Flush()
}

// summaryLine is the one-line verdict closing the text output.
func summaryLine(files, errs, warns int, lang finding.Lang) string {
	if lang == finding.EN {
		head := plural(files, "file checked", "files checked")
		if errs+warns == 0 {
			return head + ": no problem"
		}
		return head + ": " + plural(errs, "error", "errors") + ", " + plural(warns, "warning", "warnings")
	}
	head := plural(files, "fichier vérifié", "fichiers vérifiés")
	if errs+warns == 0 {
		return head + " : aucun problème"
	}
	return head + " : " + plural(errs, "erreur", "erreurs") + ", " + plural(warns, "avertissement", "avertissements")
}

func splitLines(src []byte) []string {
	if src == nil {
		return nil
	}
	src = bytes.TrimSuffix(src, []byte("\n"))
	lines := strings.Split(string(src), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines
}

// sanitizeLine makes a source line safe to print on a terminal and in CI
// logs: control and format characters (escape sequences, bidi overrides)
// are shown as visible placeholders instead of acting on the terminal, and
// secret-looking tokens are masked.
func sanitizeLine(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return r
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return '�'
		}
		return r
	}, finding.MaskSecrets(s))
}

// caret draws "^~~~" under the column (1-based, in characters) and the rest
// of the token that starts there. Tabs before the column are kept so the
// caret lines up whatever the terminal's tab width.
func caret(line string, col int) string {
	runes := []rune(line)
	var b strings.Builder
	for i := 0; i < col-1 && i < len(runes); i++ {
		if runes[i] == '\t' {
			b.WriteByte('\t')
		} else {
			b.WriteByte(' ')
		}
	}
	b.WriteByte('^')
	for i := col; i < len(runes) && !unicode.IsSpace(runes[i]) && i-col < 80; i++ {
		b.WriteByte('~')
	}
	return b.String()
}

// window cuts a long line to the part around the column, so that a
// 40,000-character line prints as one readable line; it returns the
// excerpt and the column within it.
func window(line string, col int) (string, int) {
	const before, after = 40, 80
	runes := []rune(line)
	if len(runes) <= before+after {
		return line, col
	}
	start := max(0, min(col-1-before, len(runes)))
	end := min(len(runes), start+before+after)
	excerpt := string(runes[start:end])
	if end < len(runes) {
		excerpt += "…"
	}
	if start > 0 {
		return "…" + excerpt, col - start + 1
	}
	return excerpt, col
}

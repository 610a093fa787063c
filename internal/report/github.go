package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/markdown"
)

// writeGitHub prints one GitHub Actions workflow command per finding,
//
//	::error file=PATH,line=L,col=C,title=fsgate [rule]::MESSAGE
//
// (::warning for warnings), then the summary line as plain text. The
// message carries the suggestion and the documentation page on following
// lines (escaped newlines). Everything that comes from a request file is
// escaped as the runner expects, so that a value can neither end the
// command nor start a new one: the runner only recognises a command at the
// start of a line, and no raw line break ever leaves this function inside
// a finding.
func writeGitHub(w io.Writer, in *Input) error {
	bw := bufio.NewWriter(w)
	for _, f := range in.Findings {
		cmd := "warning"
		if f.Severity == finding.Error {
			cmd = "error"
		}
		props := []string{"file=" + escapeProperty(f.Path)}
		if f.Line > 0 {
			props = append(props, "line="+strconv.Itoa(f.Line))
			if f.Column > 0 {
				props = append(props, "col="+strconv.Itoa(f.Column))
			}
		}
		props = append(props, "title="+escapeProperty("fsgate ["+f.Rule+"]"))
		fmt.Fprintf(bw, "::%s %s::%s\n", cmd, strings.Join(props, ","), escapeData(annotationMessage(f, in)))
	}
	errs, warns := finding.Count(in.Findings)
	fmt.Fprintln(bw, summaryLine(len(in.Files), errs, warns, in.Lang))
	return bw.Flush()
}

// annotationMessage is the text of an annotation: the message, then the
// suggestion and the rule's page on lines of their own.
func annotationMessage(f finding.Finding, in *Input) string {
	sep := " : "
	if in.Lang == finding.EN {
		sep = ": "
	}
	lines := []string{f.Message.In(in.Lang)}
	if f.Suggestion != "" {
		lines = append(lines, "Suggestion"+sep+f.Suggestion)
	}
	lines = append(lines, "Documentation"+sep+docLink(in.DocURL, f.Rule))
	return strings.Join(lines, "\n")
}

// docLink is the address of a rule's page: absolute under base when base
// is set, else relative to the repository root.
func docLink(base, rule string) string {
	if base == "" {
		return finding.DocPath(rule)
	}
	return base + markdown.EscapePath(finding.DocPath(rule))
}

// escapeData escapes the message part of a workflow command the way
// @actions/core does (escapeData), after neutralising the other control
// and format characters (terminal escapes, bidi overrides) that would act
// on the log viewer.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(neutralizeControls(s))
}

// escapeProperty escapes a property value of a workflow command: as data,
// plus ':' (which would end the properties) and ',' (which would start
// another property).
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(neutralizeControls(s))
}

// neutralizeControls replaces control and format characters other than
// line breaks and tabs by U+FFFD, which shows that something was there
// without letting it act.
func neutralizeControls(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			return r
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029':
			return '\uFFFD'
		}
		return r
	}, s)
}

package recheck

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The escaping below is internal/report's (markdown.go), which this
// package cannot call: the issue needs its own layout (a linked heading
// and the owners between it and the table). Same rules: every string that
// comes from a request file or a fetched answer is rendered inert — no
// HTML, no link or image, no emphasis, no mention or issue reference, no
// table cell or line break. Keep the two in step.

// mdMessage renders a message, whose field names are code spans between
// backticks but which may also quote a value holding backticks of its
// own. Backticks are paired from the left: each pair delimits a code span
// (mdCode), the text between is mdText, an unpaired backtick is literal.
// A value can at worst change which words look like code.
func mdMessage(msg string) string {
	parts := strings.Split(msg, "`")
	var b strings.Builder
	for i := 0; i < len(parts); i++ {
		if i%2 == 0 {
			if parts[i] == "" && i > 0 && i < len(parts)-1 {
				// Two code spans side by side: their fences would merge.
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

// mdText renders untrusted text as literal inline Markdown fit for a table
// cell: control and format characters become U+FFFD; '&', '<', '>' become
// entities; the characters that start inline Markdown, and '|', are
// backslash-escaped; a zero-width space follows '@' and '#' before a name
// or a number, and one splits "GH-123", which GitHub also takes for a
// reference (internal/report does not guard against that one yet), since
// GitHub ignores backslashes for mentions and references.
func mdText(s string) string {
	s = neutralize(s)
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
		case '-':
			if next, _ := utf8.DecodeRuneInString(s[i+1:]); isGHPrefix(s[:i]) && unicode.IsDigit(next) {
				b.WriteString("&#8203;")
			}
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isGHPrefix says whether s ends with the word "GH", in any case.
func isGHPrefix(s string) bool {
	if len(s) < 2 || !strings.EqualFold(s[len(s)-2:], "gh") {
		return false
	}
	prev, _ := utf8.DecodeLastRuneInString(s[:len(s)-2])
	return len(s) == 2 || !(unicode.IsLetter(prev) || unicode.IsDigit(prev) || prev == '_')
}

// mdCode renders untrusted text as one code span, inside which Markdown,
// HTML, mentions and references are inert: the fence is one backtick
// longer than the longest run in s, padded with spaces when s starts or
// ends with a backtick or a space. In a table, '|' is written "\|", which
// GitHub turns back into '|' even inside code.
func mdCode(s string, inTable bool) string {
	s = neutralize(s)
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

// neutralize replaces control and format characters (line breaks, bidi
// overrides, zero-width characters) by U+FFFD, and tabs by spaces. The job
// log gets the same treatment: a line break in a message must not start a
// workflow command (::error::…) there.
func neutralize(s string) string {
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

// linkDest makes a URL safe as a Markdown link destination: what would end
// it or break a table is percent-encoded. The prefixes come from the
// workflow's environment and the path is escaped already: a second line of
// defence.
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

// escapePath escapes each segment of a path for a URL, keeping the '/'.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// clip shortens s to at most n characters, marking the cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Owners that GitHub turns into a notification, and nothing else: a user
// (@login; underscores for Enterprise Managed Users) or a team
// (@org/team-slug). Anything else in CODEOWNERS — an email, a typo — is
// shown in a code span, unmentioned.
var (
	userMentionRE = regexp.MustCompile(`^@[A-Za-z0-9][A-Za-z0-9_-]{0,99}$`)
	teamMentionRE = regexp.MustCompile(`^@[A-Za-z0-9][A-Za-z0-9_-]{0,99}/[A-Za-z0-9][A-Za-z0-9_-]{0,99}$`)
)

// mention renders a CODEOWNERS owner: plain when it is a user or a team,
// so that the issue notifies it; in a code span otherwise.
func mention(owner string) string {
	if userMentionRE.MatchString(owner) || teamMentionRE.MatchString(owner) {
		return owner
	}
	return mdCode(clip(owner, 100), false)
}

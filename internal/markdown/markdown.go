// Package markdown renders untrusted text (values from request files,
// fetched answers, file paths) safely inside GitHub-flavoured Markdown: in
// comments, job summaries and issues, such text must stay inert — no HTML,
// no link or image, no emphasis, no mention or issue reference, no table
// cell or line break. Every renderer of fsgate goes through it.
package markdown

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Message renders a message, whose field names are code spans between
// backticks but which may also quote a value holding backticks of its
// own. Backticks are paired from the left: each pair delimits a code span
// (Code), the text between is Text, an unpaired backtick is literal.
// A value can at worst change which words look like code.
func Message(msg string) string {
	parts := strings.Split(msg, "`")
	var b strings.Builder
	for i := 0; i < len(parts); i++ {
		if i%2 == 0 {
			if parts[i] == "" && i > 0 && i < len(parts)-1 {
				// Two code spans side by side: their fences would merge.
				b.WriteByte(' ')
			}
			b.WriteString(Text(parts[i]))
			continue
		}
		if i == len(parts)-1 || parts[i] == "" { // unpaired or empty: literal backticks
			b.WriteString("\\`" + Text(parts[i]))
			if i < len(parts)-1 {
				b.WriteString("\\`")
			}
			continue
		}
		b.WriteString(Code(parts[i], true))
	}
	return b.String()
}

// Text renders untrusted text as literal inline Markdown fit for a table
// cell: control and format characters become U+FFFD; '&', '<', '>' become
// entities; the characters that start inline Markdown, and '|', are
// backslash-escaped; a zero-width space follows '@' and '#' before a name
// or a number, and one splits "GH-123", which GitHub also takes for a
// reference since
// GitHub ignores backslashes for mentions and references.
func Text(s string) string {
	s = Neutralize(s)
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

// Code renders untrusted text as one code span, inside which Markdown,
// HTML, mentions and references are inert: the fence is one backtick
// longer than the longest run in s, padded with spaces when s starts or
// ends with a backtick or a space. In a table, '|' is written "\|", which
// GitHub turns back into '|' even inside code.
func Code(s string, inTable bool) string {
	s = Neutralize(s)
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

// Neutralize replaces control and format characters (line breaks, bidi
// overrides, zero-width characters) by U+FFFD, and tabs by spaces. The job
// log gets the same treatment: a line break in a message must not start a
// workflow command (::error::…) there.
func Neutralize(s string) string {
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

// LinkDest makes a URL safe as a Markdown link destination: what would end
// it or break a table is percent-encoded. The prefixes come from the
// workflow's environment and the path is escaped already: a second line of
// defence.
func LinkDest(u string) string {
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

// EscapePath percent-encodes a repository path for use in a URL: every
// byte but the unreserved characters of RFC 3986 and '/'. A path from a
// pull request can then neither end a Markdown link nor add a query or a
// fragment.
func EscapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~', c == '/':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xF])
		}
	}
	return b.String()
}

// Clip shortens s to at most n characters, marking the cut with "…".
func Clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// Owners that GitHub turns into a notification, and nothing else: a user
// (@login; underscores for Enterprise Managed Users) or a team
// (@org/team-slug). Anything else in CODEOWNERS — an email, a typo — is
// shown in a code span, unmentioned.

package finding

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Show renders a value for a message: short, on one line, and never a
// secret (a secret-looking value is shown as "•••"). Strings are shown as written (not quoted); the caller decides on
// code spans.
func Show(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return showString(v)
	case map[string]any:
		return "{…}"
	case []any:
		return "[…]"
	default:
		return showString(fmt.Sprint(v))
	}
}

func showString(s string) string {
	if LooksSecret(s) {
		return "•••"
	}
	// One line: a newline would break every line-oriented output.
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '␣'
		}
		return r
	}, s)
	const limit = 60
	if utf8.RuneCountInString(s) > limit {
		return string([]rune(s)[:limit]) + "…"
	}
	return s
}

// LooksSecret reports whether a token looks like a key or a secret: 32 or
// more hexadecimal digits (a FranceConnect secret is 64), or a long token in
// a base64 alphabet mixing capitals, small letters and digits. A URL is
// never one: URLs are what messages and excerpts are about.
func LooksSecret(s string) bool {
	if len(s) < 24 || strings.Contains(s, "://") || strings.HasPrefix(s, "/") || strings.Count(s, "/") > 2 {
		return false
	}
	var hex, upper, lower, digit, other bool
	hex = true
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F':
			upper = upper || r <= 'F'
			lower = lower || r >= 'a'
		case r >= 'a' && r <= 'z':
			lower, hex = true, false
		case r >= 'A' && r <= 'Z':
			upper, hex = true, false
		case strings.ContainsRune("+/=_-", r):
			hex = false
		default:
			other = true
		}
	}
	switch {
	case other:
		return false
	case hex:
		return len(s) >= 32 && digit
	}
	return upper && lower && digit
}

// secretToken finds the candidates for masking in a line.
var secretToken = regexp.MustCompile(`[A-Za-z0-9+/=_-]{24,}`)

// MaskSecrets replaces every secret-looking token of a line by bullets of
// the same length, so that an excerpt keeps its layout but not the secret.
func MaskSecrets(line string) string {
	return secretToken.ReplaceAllStringFunc(line, func(tok string) string {
		if !LooksSecret(tok) {
			return tok
		}
		return strings.Repeat("•", utf8.RuneCountInString(tok))
	})
}

package finding

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// secretLike matches a long token of the alphabets secrets are written in
// (hex, base64, base64url): such a value is masked rather than echoed, since
// messages end up in public PR comments and CI logs.
var secretLike = regexp.MustCompile(`^[A-Za-z0-9+/=_.-]{20,}$`)

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

// LooksSecret reports whether a token looks like a key or a secret: long,
// in a secret's alphabet, with both letters and digits.
func LooksSecret(s string) bool {
	return secretLike.MatchString(s) && strings.ContainsAny(s, "0123456789") &&
		strings.ContainsFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' })
}

var secretToken = regexp.MustCompile(`[A-Za-z0-9+/=_.-]{20,}`)

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

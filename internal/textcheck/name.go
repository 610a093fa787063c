// Package textcheck scans text that people read or that ends up public: the
// names shown to citizens (invisible characters, look-alike letters,
// normalisation) and the raw request file (secrets, phone numbers). It is
// pure and never panics, whatever the input, valid UTF-8 or not.
package textcheck

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// NameKind is a kind of problem in a displayed name.
type NameKind int

const (
	// Invisible: a control or format character (Cc, Cf, line and paragraph
	// separators): bidi overrides reorder what citizens see (Trojan Source,
	// CVE-2021-42574), zero-width characters make two names look equal.
	Invisible NameKind = iota
	// Script: a character outside the Latin script (Common and Inherited
	// characters, digits and punctuation, are fine): a Cyrillic "і" among
	// Latin letters is the classic homograph.
	Script
	// NotNFC: the name is not in Unicode normalisation form C, so the same
	// visible name has two spellings.
	NotNFC
	// EdgeSpace: the name starts or ends with a space.
	EdgeSpace
	// DoubleSpace: two spaces in a row.
	DoubleSpace
)

// NameIssue is one kind of problem, located at its first occurrence.
type NameIssue struct {
	Kind  NameKind
	Rune  rune // the first offending character (Invisible, Script, DoubleSpace)
	Pos   int  // 1-based position of that character, counted in characters
	Count int  // how many characters have this problem
	// Leading is set for an EdgeSpace issue at the start of the name; an
	// issue at the end is reported separately.
	Leading bool
}

// CheckName returns the problems of a name shown to people, one issue per
// kind (two for spaces at both ends), in the order of NameKind.
func CheckName(s string) []NameIssue {
	var invisible, script, double NameIssue
	pos, prevSpace := 0, false
	for _, r := range s {
		pos++
		switch {
		case r >= ' ' && r <= '~':
			// Printable ASCII: Latin or common to all scripts, visible.
			// Nearly every character of a name; the Unicode tables cost a
			// search each.
		case IsInvisible(r):
			note(&invisible, Invisible, r, pos)
		case !IsLatin(r):
			note(&script, Script, r, pos)
		}
		space := r == ' ' || (r < ' ' || r > '~') && unicode.IsSpace(r)
		if space && prevSpace {
			note(&double, DoubleSpace, r, pos)
		}
		prevSpace = space
	}
	var out []NameIssue
	for _, is := range []NameIssue{invisible, script} {
		if is.Count > 0 {
			out = append(out, is)
		}
	}
	if utf8.ValidString(s) && !norm.NFC.IsNormalString(s) {
		n := norm.NFC.QuickSpanString(s)
		out = append(out, NameIssue{Kind: NotNFC, Pos: utf8.RuneCountInString(s[:n]) + 1, Count: 1})
	}
	if first, size := utf8.DecodeRuneInString(s); size > 0 && unicode.IsSpace(first) {
		out = append(out, NameIssue{Kind: EdgeSpace, Rune: first, Pos: 1, Count: 1, Leading: true})
	}
	if last, size := utf8.DecodeLastRuneInString(s); size > 0 && unicode.IsSpace(last) && pos > 1 {
		out = append(out, NameIssue{Kind: EdgeSpace, Rune: last, Pos: pos, Count: 1})
	}
	if double.Count > 0 {
		out = append(out, double)
	}
	return out
}

func note(is *NameIssue, kind NameKind, r rune, pos int) {
	if is.Count == 0 {
		*is = NameIssue{Kind: kind, Rune: r, Pos: pos}
	}
	is.Count++
}

// IsInvisible reports whether r is a control or format character, or a line
// or paragraph separator: none has a place in a one-line name.
func IsInvisible(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// IsLatin reports whether r may appear in a Latin-script name: a Latin
// letter, or a character common to every script (digits, punctuation,
// spaces, symbols) or inheriting its script (combining accents). A private
// use or unassigned code point belongs to no script (Unknown) and is
// refused.
func IsLatin(r rune) bool {
	return unicode.In(r, unicode.Latin, unicode.Common, unicode.Inherited)
}

// CleanName is the name with every mechanical fix applied: invisible
// characters removed (controls become spaces), known look-alike letters
// replaced by their Latin twin, NFC, spaces collapsed and trimmed. ok is
// false when a character of another script has no Latin twin: the result is
// then not a complete fix.
func CleanName(s string) (clean string, ok bool) {
	ok = true
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "") {
		switch {
		case unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp):
			b.WriteByte(' ')
		case IsInvisible(r):
			// A format character has no width: drop it.
		case !IsLatin(r):
			if twin, found := LatinTwin(r); found {
				b.WriteRune(twin)
			} else {
				b.WriteRune(r)
				ok = false
			}
		default:
			b.WriteRune(r)
		}
	}
	clean = norm.NFC.String(b.String())
	// Collapse runs of spaces into their first character (a no-break space
	// before ":" stays a no-break space) and trim both ends.
	b.Reset()
	prevSpace := true
	for _, r := range clean {
		space := unicode.IsSpace(r)
		if !(space && prevSpace) {
			b.WriteRune(r)
		}
		prevSpace = space
	}
	return strings.TrimRightFunc(b.String(), unicode.IsSpace), ok
}

// LatinTwin returns the Latin letter that r is drawn like, for the
// look-alikes seen in homograph attacks (Cyrillic, Greek, Armenian).
func LatinTwin(r rune) (rune, bool) {
	twin, ok := latinTwins[r]
	return twin, ok
}

var latinTwins = map[rune]rune{
	// Cyrillic
	'а': 'a', 'с': 'c', 'ԁ': 'd', 'е': 'e', 'һ': 'h', 'і': 'i', 'ј': 'j', 'ӏ': 'l', 'о': 'o',
	'р': 'p', 'ԛ': 'q', 'ѕ': 's', 'ԝ': 'w', 'х': 'x', 'у': 'y',
	'А': 'A', 'В': 'B', 'С': 'C', 'Е': 'E', 'Н': 'H', 'І': 'I', 'Ј': 'J', 'К': 'K', 'М': 'M',
	'О': 'O', 'Р': 'P', 'Ѕ': 'S', 'Т': 'T', 'Х': 'X', 'Ү': 'Y', 'Ԛ': 'Q', 'Ԝ': 'W', 'Ӏ': 'I',
	// Greek
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N',
	'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X', 'ο': 'o', 'ν': 'v', 'α': 'a', 'ρ': 'p',
	// Armenian
	'օ': 'o', 'հ': 'h', 'ս': 'u', 'ց': 'g',
}

// CodePoint writes r as U+XXXX.
func CodePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }

// CharName names an invisible character in French and English, or returns
// generic words; never the character itself.
func CharName(r rune) (fr, en string) {
	if n, ok := invisibleNames[r]; ok {
		return n[0], n[1]
	}
	switch {
	case r >= 0xE0000 && r <= 0xE007F:
		return "étiquette Unicode", "TAG character"
	case unicode.IsControl(r):
		return "caractère de contrôle", "control character"
	}
	return "caractère de formatage invisible", "invisible format character"
}

var invisibleNames = map[rune][2]string{
	'\t':   {"tabulation", "TAB"},
	'\n':   {"saut de ligne", "LINE FEED"},
	'\r':   {"retour chariot", "CARRIAGE RETURN"},
	0x00AD: {"trait d'union conditionnel", "SOFT HYPHEN"},
	0x061C: {"marque de lettre arabe", "ARABIC LETTER MARK"},
	0x180E: {"séparateur de voyelles mongol", "MONGOLIAN VOWEL SEPARATOR"},
	0x200B: {"espace sans chasse", "ZERO WIDTH SPACE"},
	0x200C: {"antiliant sans chasse", "ZERO WIDTH NON-JOINER"},
	0x200D: {"liant sans chasse", "ZERO WIDTH JOINER"},
	0x200E: {"marque gauche-à-droite", "LEFT-TO-RIGHT MARK"},
	0x200F: {"marque droite-à-gauche", "RIGHT-TO-LEFT MARK"},
	0x2028: {"séparateur de ligne", "LINE SEPARATOR"},
	0x2029: {"séparateur de paragraphe", "PARAGRAPH SEPARATOR"},
	0x202A: {"enchâssement gauche-à-droite", "LEFT-TO-RIGHT EMBEDDING"},
	0x202B: {"enchâssement droite-à-gauche", "RIGHT-TO-LEFT EMBEDDING"},
	0x202C: {"fin de formatage directionnel", "POP DIRECTIONAL FORMATTING"},
	0x202D: {"forçage gauche-à-droite", "LEFT-TO-RIGHT OVERRIDE"},
	0x202E: {"forçage droite-à-gauche", "RIGHT-TO-LEFT OVERRIDE"},
	0x2060: {"gluon de mots", "WORD JOINER"},
	0x2066: {"isolat gauche-à-droite", "LEFT-TO-RIGHT ISOLATE"},
	0x2067: {"isolat droite-à-gauche", "RIGHT-TO-LEFT ISOLATE"},
	0x2068: {"isolat de première force", "FIRST STRONG ISOLATE"},
	0x2069: {"fin d'isolat", "POP DIRECTIONAL ISOLATE"},
	0xFEFF: {"indicateur d'ordre des octets", "BYTE ORDER MARK"},
}

// ScriptName names the script of r in French and English ("cyrillique",
// "Cyrillic"); a code point of no script is "no script".
func ScriptName(r rune) (fr, en string) {
	for _, s := range knownScripts {
		if unicode.Is(s.table, r) {
			return s.fr, s.en
		}
	}
	for name, table := range unicode.Scripts {
		// A code point belongs to one script at most, so the map's random
		// order does not matter.
		if name != "Common" && name != "Inherited" && unicode.Is(table, r) {
			return "« " + name + " »", name
		}
	}
	return "aucune (usage privé ou non attribué)", "none (private use or unassigned)"
}

var knownScripts = []struct {
	table  *unicode.RangeTable
	fr, en string
}{
	{unicode.Cyrillic, "cyrillique", "Cyrillic"},
	{unicode.Greek, "grecque", "Greek"},
	{unicode.Armenian, "arménienne", "Armenian"},
	{unicode.Cherokee, "cherokee", "Cherokee"},
	{unicode.Arabic, "arabe", "Arabic"},
	{unicode.Hebrew, "hébraïque", "Hebrew"},
	{unicode.Han, "chinoise (han)", "Han"},
	{unicode.Hangul, "coréenne (hangûl)", "Hangul"},
	{unicode.Hiragana, "japonaise (hiragana)", "Hiragana"},
	{unicode.Katakana, "japonaise (katakana)", "Katakana"},
	{unicode.Georgian, "géorgienne", "Georgian"},
	{unicode.Braille, "braille", "Braille"},
}

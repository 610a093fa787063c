// Package finding defines the value every check produces: a located,
// bilingual description of one problem in one file.
package finding

import (
	"cmp"
	"fmt"
	"slices"
)

// Severity says whether a finding blocks the merge.
type Severity string

const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Label is the severity as a publisher reads it.
func (s Severity) Label(lang Lang) string {
	switch {
	case s == Error && lang == FR:
		return "erreur"
	case s == Warning && lang == FR:
		return "avertissement"
	}
	return string(s)
}

// Lang is the language of messages shown to people.
type Lang string

const (
	FR Lang = "fr"
	EN Lang = "en"
)

// ParseLang accepts "fr" and "en".
func ParseLang(s string) (Lang, error) {
	switch Lang(s) {
	case FR, EN:
		return Lang(s), nil
	}
	return "", fmt.Errorf("unknown language %q (want fr or en)", s)
}

// Text is a message in both languages. Checks write both at once so that a
// result can be rendered later in either (the PR comment is always French,
// the CLI follows --lang).
type Text struct {
	FR string `json:"fr"`
	EN string `json:"en"`
}

// T builds a Text.
func T(fr, en string) Text { return Text{FR: fr, EN: en} }

// Tf builds a Text from two format strings sharing the same arguments.
func Tf(fr, en string, args ...any) Text {
	return Text{FR: fmt.Sprintf(fr, args...), EN: fmt.Sprintf(en, args...)}
}

// In returns the message in lang, falling back to French.
func (t Text) In(lang Lang) string {
	if lang == EN && t.EN != "" {
		return t.EN
	}
	return t.FR
}

// Finding is one problem at one place of one file.
type Finding struct {
	Path       string   // relative to the repository root, with '/'
	Line       int      // 1-based; 0 when the problem concerns the whole file
	Column     int      // 1-based
	Pointer    string   // JSON pointer into the document ("" = the document)
	Rule       string   // stable rule id
	Severity   Severity //
	Message    Text     //
	Suggestion string   // what to write instead, when the fix is mechanical
	// Sensitive marks a finding about a secret or personal data: outputs
	// that show the source line (text excerpts) must not show this one,
	// since CI logs and PR comments are public.
	Sensitive bool
}

// DocPath is the documentation page of a rule, relative to the repository root.
func DocPath(rule string) string { return "docs/rules/" + rule + ".md" }

// Doc is the documentation page of the finding's rule.
func (f Finding) Doc() string { return DocPath(f.Rule) }

// Compare orders findings by path, line, column, rule, then message, which
// makes every output deterministic.
func Compare(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.Path, b.Path),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Column, b.Column),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Pointer, b.Pointer),
		cmp.Compare(a.Message.FR, b.Message.FR),
	)
}

// Sort sorts findings in place in the order of Compare.
func Sort(fs []Finding) { slices.SortFunc(fs, Compare) }

// Count returns the number of errors and warnings.
func Count(fs []Finding) (errors, warnings int) {
	for _, f := range fs {
		if f.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

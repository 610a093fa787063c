package wizard

import (
	"slices"
	"strings"
)

// Flag is a flag of `fsgate new` that answers a question.
type Flag struct {
	Name       string
	Usage      string
	Repeatable bool // one value per flag: --redirect-uri a --redirect-uri b
}

// Flags returns the flags that answer the questions, in the form's order.
func Flags() []Flag {
	var out []Flag
	for _, q := range questions {
		if q.Flag == "" {
			continue
		}
		usage := q.Title(&Answers{})
		switch q.Kind {
		case Choice:
			if opts := q.options(&Answers{Platform: "franceconnect-plus"}); len(opts) > 0 {
				usage += " : " + optionValues(opts)
			}
		case List, Multi:
			usage += " (répétable)"
		}
		if q.When != "" {
			usage += " ; " + q.When
		}
		out = append(out, Flag{Name: q.Flag, Usage: usage, Repeatable: q.Kind == List || q.Kind == Multi})
	}
	return out
}

// FlagError is an answer from the flags that is missing or refused.
type FlagError struct {
	Flag    string
	Message string
}

func (e *FlagError) Error() string { return "--" + e.Flag + " : " + e.Message }

// FromFlags answers every question that applies from given (the values of
// each flag, by name), with the same checks as Interview, and returns the
// warnings. The first missing or refused answer is a *FlagError naming its
// flag, as is a flag given where its question does not apply.
func (w *Wizard) FromFlags(given map[string][]string) (warnings []string, err error) {
	used := map[string]bool{}
	for _, q := range questions {
		if !q.applies(&w.Answers) {
			continue
		}
		if q.computed != nil {
			w.Answer(q, []string{q.computed(&w.Answers)})
			continue
		}
		flag := q.Flag
		values, ok := given[flag]
		if flag == "" {
			flag, values, ok = q.blame, []string{q.derive(given)}, true
		}
		used[flag] = true
		if !ok || firstNonEmpty(values) == "" {
			if d := q.def(&w.Answers); d != "" {
				values = []string{d}
			}
		}
		if q.FlagOnly && firstNonEmpty(values) == "" {
			continue
		}
		v := w.Answer(q, values)
		if v.Stop != "" {
			return warnings, &FlagError{flag, v.Stop}
		}
		if !v.OK() {
			return warnings, &FlagError{flag, strings.Join(v.Errors, " ; ")}
		}
		for _, m := range v.Warnings {
			warnings = append(warnings, "--"+flag+" : "+m)
		}
	}
	for _, q := range questions {
		if _, ok := given[q.Flag]; ok && q.Flag != "" && !used[q.Flag] {
			return warnings, &FlagError{q.Flag, "ne s'applique pas à cette demande (" + q.When + ")"}
		}
	}
	// Anything given that no question reads is a programming error of the
	// caller; say it rather than drop an answer.
	for name := range given {
		if !slices.ContainsFunc(questions, func(q *Question) bool { return q.Flag == name }) {
			return warnings, &FlagError{name, "option inconnue"}
		}
	}
	return warnings, nil
}

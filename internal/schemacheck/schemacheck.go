// Package schemacheck validates a loaded request against the JSON Schema and
// turns each violation into a located finding with a sentence a publisher
// can act on: the field's name, what is expected, what was written. No
// message is the library's own text.
package schemacheck

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/locate"
	"github.com/fsgate/fsgate/schema"
)

// Rule is the rule id of every schema finding.
const Rule = "schema"

// Check validates value and returns the findings, located in root, with
// Path left empty.
func Check(s *schema.Schema, root *yaml.Node, value any) []finding.Finding {
	err := s.Validate(value)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []finding.Finding{{Line: 1, Column: 1, Rule: Rule, Severity: finding.Error,
			Message: finding.T("le document n'a pas pu être validé", "the document could not be validated")}}
	}
	t := translator{doc: s.Document, id: s.ID, root: root}
	t.walk(verr)
	return t.findings
}

type translator struct {
	doc      any
	id       string
	root     *yaml.Node
	findings []finding.Finding
}

// walk collects the leaves of the error tree: the wrappers (the schema,
// $ref, allOf, property groups) say nothing a publisher needs.
func (t *translator) walk(e *jsonschema.ValidationError) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			t.walk(c)
		}
		return
	}
	t.leaf(e)
}

func (t *translator) leaf(e *jsonschema.ValidationError) {
	pointer := locate.Join(e.InstanceLocation...)
	field := "`" + locate.Field(pointer) + "`"
	keyword := t.schemaAt(e.SchemaURL)
	add := func(pointer string, target locate.Target, msg finding.Text, suggestion string) {
		line, col := locate.Position(t.root, pointer, target)
		t.findings = append(t.findings, finding.Finding{
			Line: line, Column: col, Pointer: pointer, Rule: Rule, Severity: finding.Error,
			Message: msg, Suggestion: suggestion,
		})
	}

	switch k := e.ErrorKind.(type) {
	case *kind.Required:
		reason := text(keyword, "x-reason")
		for _, name := range k.Missing {
			child := pointer + "/" + locate.Escape(name)
			what := "`" + locate.Field(child) + "`"
			if title := t.title(child); title != "" {
				what += " — " + title
			}
			msg := finding.Tf("champ obligatoire manquant : %s", "missing required field: %s", what)
			if reason.FR != "" {
				msg.FR += " ; " + reason.FR
				msg.EN += "; " + reason.EN
			}
			add(child, locate.AtValue, msg, "")
		}
	case *kind.AdditionalProperties:
		known := t.propertyNames(keyword)
		for _, name := range k.Properties {
			child := pointer + "/" + locate.Escape(name)
			msg := finding.Tf("champ inconnu : %s", "unknown field: %s", "`"+locate.Field(child)+"`")
			suggestion := closest(name, known)
			if suggestion != "" {
				msg.FR += fmt.Sprintf(" ; vouliez-vous dire `%s` ?", suggestion)
				msg.EN += fmt.Sprintf("; did you mean `%s`?", suggestion)
			} else if len(known) > 0 && len(known) <= 8 {
				msg.FR += " ; champs possibles ici : " + strings.Join(known, ", ")
				msg.EN += "; fields allowed here: " + strings.Join(known, ", ")
			}
			add(child, locate.AtKey, msg, suggestion)
		}
	case *kind.Type:
		if pointer == "" {
			// A file that is a list or a single word: nothing to name.
			add(pointer, locate.AtValue, finding.Text{
				FR: "le fichier doit être un bloc de champs « clé: valeur » commençant par « apiVersion: fsgate/v1 » (reçu : " + typeName(k.Got, finding.FR) + ")",
				EN: "the file must be a block of “key: value” fields starting with “apiVersion: fsgate/v1” (got: " + typeName(k.Got, finding.EN) + ")",
			}, "")
			break
		}
		msg := finding.Text{
			FR: fmt.Sprintf("%s doit être %s (reçu : %s)", field, typeNames(k.Want, finding.FR), typeName(k.Got, finding.FR)),
			EN: fmt.Sprintf("%s must be %s (got: %s)", field, typeNames(k.Want, finding.EN), typeName(k.Got, finding.EN)),
		}
		if slices.Contains(k.Want, "string") && (k.Got == "number" || k.Got == "integer" || k.Got == "boolean") {
			msg.FR += " ; mettez la valeur entre guillemets"
			msg.EN += "; put the value in quotes"
		}
		add(pointer, locate.AtValue, msg, "")
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		msg := finding.Text{
			FR: fmt.Sprintf("%s doit valoir %s (reçu : %s)", field, orList(want, "ou"), finding.Show(k.Got)),
			EN: fmt.Sprintf("%s must be %s (got: %s)", field, orList(want, "or"), finding.Show(k.Got)),
		}
		got, _ := k.Got.(string)
		add(pointer, locate.AtValue, msg, closest(got, want))
	case *kind.Const:
		want := fmt.Sprint(k.Want)
		add(pointer, locate.AtValue, finding.Tf("%s doit valoir %s (reçu : %s)", "%s must be %s (got: %s)",
			field, want, finding.Show(k.Got)), want)
	case *kind.Format:
		if k.Got == "" {
			// The library reports an empty string as a bad format only.
			add(pointer, locate.AtValue, finding.Tf("%s est vide : donnez une valeur ou retirez l'élément", "%s is empty: give a value or remove the item", field), "")
			break
		}
		expected := text(keyword, "x-expected")
		if expected.FR == "" {
			expected = finding.Tf("au format %s", "in %s format", k.Want)
		}
		add(pointer, locate.AtValue, finding.Text{
			FR: fmt.Sprintf("%s n'est pas valide : attendu %s (reçu : %s)", field, expected.FR, finding.Show(k.Got)),
			EN: fmt.Sprintf("%s is not valid: expected %s (got: %s)", field, expected.EN, finding.Show(k.Got)),
		}, "")
	case *kind.Pattern:
		expected := text(keyword, "x-expected")
		if expected.FR == "" {
			expected = finding.Tf("la forme %s", "the form %s", k.Want)
		}
		add(pointer, locate.AtValue, finding.Text{
			FR: fmt.Sprintf("%s n'a pas la forme attendue : %s (reçu : %s)", field, expected.FR, finding.Show(k.Got)),
			EN: fmt.Sprintf("%s does not have the expected form: %s (got: %s)", field, expected.EN, finding.Show(k.Got)),
		}, "")
	case *kind.MinLength:
		if k.Got == 0 {
			add(pointer, locate.AtValue, finding.Tf("%s est vide : donnez une valeur ou retirez le champ", "%s is empty: give a value or remove the field", field), "")
		} else {
			add(pointer, locate.AtValue, finding.Tf("%s est trop court : %d caractères, %d au moins", "%s is too short: %d characters, at least %d", field, k.Got, k.Want), "")
		}
	case *kind.MaxLength:
		add(pointer, locate.AtValue, finding.Tf("%s est trop long : %d caractères, %d au plus", "%s is too long: %d characters, at most %d", field, k.Got, k.Want), "")
	case *kind.MinItems:
		if k.Got == 0 {
			add(pointer, locate.AtValue, finding.Tf("la liste %s est vide : ajoutez au moins %d élément", "the list %s is empty: add at least %d item", field, k.Want), "")
		} else {
			add(pointer, locate.AtValue, finding.Tf("la liste %s a %d éléments, %d au moins", "the list %s has %d items, at least %d", field, k.Got, k.Want), "")
		}
	case *kind.MaxItems:
		add(pointer, locate.AtValue, finding.Tf("la liste %s a %d éléments, %d au plus", "the list %s has %d items, at most %d", field, k.Got, k.Want), "")
	case *kind.UniqueItems:
		first := pointer + fmt.Sprintf("/%d", k.Duplicates[0])
		second := pointer + fmt.Sprintf("/%d", k.Duplicates[1])
		add(second, locate.AtValue, finding.Tf("%s répète %s : retirez le doublon", "%s repeats %s: remove the duplicate",
			"`"+locate.Field(second)+"`", "`"+locate.Field(first)+"`"), "")
	case *kind.Minimum:
		add(pointer, locate.AtValue, finding.Tf("%s doit valoir au moins %v (reçu : %v)", "%s must be at least %v (got: %v)", field, k.Want, k.Got), "")
	case *kind.Maximum:
		add(pointer, locate.AtValue, finding.Tf("%s doit valoir au plus %v (reçu : %v)", "%s must be at most %v (got: %v)", field, k.Want, k.Got), "")
	case *kind.Not, *kind.FalseSchema:
		msg := text(keyword, "x-message")
		if msg.FR == "" {
			msg = finding.T("champ non permis ici", "field not allowed here")
		}
		add(pointer, locate.AtKey, finding.Text{FR: field + " : " + msg.FR, EN: field + ": " + msg.EN}, "")
	default:
		keywordName := strings.Join(e.ErrorKind.KeywordPath(), "/")
		add(pointer, locate.AtValue, finding.Tf("%s ne respecte pas la règle « %s » du schéma", "%s breaks the schema's “%s” constraint", field, keywordName), "")
	}
}

// schemaAt returns the schema object a schema URL designates.
func (t *translator) schemaAt(url string) map[string]any {
	_, fragment, _ := strings.Cut(url, "#")
	node := t.doc
	for _, token := range split(fragment) {
		switch n := node.(type) {
		case map[string]any:
			node = n[token]
		case []any:
			var i int
			if _, err := fmt.Sscan(token, &i); err != nil || i < 0 || i >= len(n) {
				return nil
			}
			node = n[i]
		default:
			return nil
		}
	}
	m, _ := node.(map[string]any)
	return m
}

// propertySchema follows an instance pointer through the schema's
// properties and items, resolving local $refs.
func (t *translator) propertySchema(pointer string) map[string]any {
	node, _ := t.doc.(map[string]any)
	for _, token := range split(pointer) {
		node = t.deref(node)
		if node == nil {
			return nil
		}
		if props, ok := node["properties"].(map[string]any); ok {
			if child, ok := props[token].(map[string]any); ok {
				node = child
				continue
			}
		}
		items, _ := node["items"].(map[string]any)
		node = items
	}
	return t.deref(node)
}

// deref resolves a local $ref, keeping the referring object's own title.
func (t *translator) deref(node map[string]any) map[string]any {
	for range 8 { // bounded: the schema is ours, but a cycle must not hang
		ref, ok := node["$ref"].(string)
		if !ok {
			return node
		}
		target := t.schemaAt(ref)
		if target == nil {
			return node
		}
		merged := make(map[string]any, len(target)+2)
		for k, v := range target {
			merged[k] = v
		}
		for _, k := range []string{"title", "description"} {
			if v, ok := node[k]; ok {
				merged[k] = v
			}
		}
		node = merged
	}
	return node
}

func (t *translator) title(pointer string) string {
	s, _ := t.propertySchema(pointer)["title"].(string)
	return s
}

func (t *translator) propertyNames(s map[string]any) []string {
	props, _ := s["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// text reads a bilingual annotation (x-expected, x-message, x-reason).
func text(s map[string]any, key string) finding.Text {
	m, _ := s[key].(map[string]any)
	fr, _ := m["fr"].(string)
	en, _ := m["en"].(string)
	return finding.Text{FR: fr, EN: en}
}

func split(fragment string) []string {
	fragment = strings.TrimPrefix(fragment, "/")
	if fragment == "" {
		return nil
	}
	tokens := strings.Split(fragment, "/")
	for i, tok := range tokens {
		tokens[i] = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
	}
	return tokens
}

var typeLabels = map[string][2]string{
	"string":  {"du texte", "text"},
	"integer": {"un nombre entier", "a whole number"},
	"number":  {"un nombre", "a number"},
	"boolean": {"true ou false", "true or false"},
	"object":  {"un bloc de champs « clé: valeur »", "a block of “key: value” fields"},
	"array":   {"une liste", "a list"},
	"null":    {"vide", "empty"},
}

func typeName(t string, lang finding.Lang) string {
	l, ok := typeLabels[t]
	if !ok {
		return t
	}
	if lang == finding.EN {
		return l[1]
	}
	return l[0]
}

func typeNames(ts []string, lang finding.Lang) string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = typeName(t, lang)
	}
	if lang == finding.EN {
		return orList(names, "or")
	}
	return orList(names, "ou")
}

// orList joins "a, b or c".
func orList(items []string, or string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + or + " " + items[len(items)-1]
}

// closest returns the candidate a mistyped word most likely meant: equal
// ignoring case, or within two edits. "" when nothing is close.
func closest(word string, candidates []string) string {
	if word == "" {
		return ""
	}
	best, bestDist := "", 3
	for _, c := range candidates {
		if strings.EqualFold(c, word) {
			return c
		}
		if d := distance(strings.ToLower(word), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance, bounded to short words.
func distance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 30
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

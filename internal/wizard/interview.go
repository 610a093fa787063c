package wizard

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/locate"
)

// ErrAborted is the end of the input before the end of the interview.
var ErrAborted = errors.New("saisie interrompue : aucun fichier écrit")

// Stopped ends an interview whose request does not go through this
// repository; Reason says where it goes.
type Stopped struct{ Reason string }

func (s *Stopped) Error() string { return s.Reason }

// width is where help text wraps.
const width = 78

// Interview asks every question that applies, in order, on out, and reads
// the answers from in, one line each (several for lists). Answers given
// beforehand by flag (preset, by flag name) are checked like typed ones
// and not asked again once accepted. It returns ErrAborted when in ends,
// *Stopped when the request cannot be made here.
func (w *Wizard) Interview(in io.Reader, out io.Writer, preset map[string][]string) error {
	r := bufio.NewReader(in)
	fmt.Fprintln(out, "Demande de création d'un fournisseur de service FranceConnect ou FranceConnect+")
	wrap(out, "", "Ces questions sont celles du formulaire de FranceConnect. Votre demande DataPass doit avoir été validée ; "+
		"pour la production, votre intégration doit avoir fait l'objet d'une recette qualifiée par l'équipe FranceConnect. "+
		"Entrée accepte la proposition entre crochets ; Ctrl-D abandonne sans rien écrire.")
	used := map[string]bool{}
	for _, q := range Questions() {
		if !q.applies(&w.Answers) {
			continue
		}
		used[q.Flag] = true
		if q.computed != nil {
			answer := q.computed(&w.Answers)
			w.Answer(q, []string{answer})
			fmt.Fprintf(out, "\n%s\n", q.Title(&w.Answers))
			say(out, "Réponse", answer+" (d'après vos URL)")
			continue
		}
		values, given := preset[q.Flag]
		if q.Flag == "" && q.derive != nil && q.derive(preset) == Yes {
			values, given = []string{Yes}, true
		}
		if given {
			v := w.Answer(q, values)
			if v.Stop != "" {
				say(out, "Arrêt", v.Stop)
				return &Stopped{v.Stop}
			}
			if v.OK() {
				fmt.Fprintf(out, "\n%s : %s\n", q.Title(&w.Answers), w.shown(q))
				sayAll(out, "Attention", v.Warnings)
				continue
			}
			fmt.Fprintf(out, "\n%s\n", q.Title(&w.Answers))
			sayAll(out, "Refusé", v.Errors)
		} else if q.FlagOnly {
			continue
		}
		if err := w.ask(r, out, q); err != nil {
			return err
		}
	}
	for _, q := range Questions() {
		if _, ok := preset[q.Flag]; ok && q.Flag != "" && !used[q.Flag] {
			say(out, "Attention", "--"+q.Flag+" ne s'applique pas à cette demande ("+q.When+") : ignoré")
		}
	}
	return nil
}

// ask asks q until its answer is accepted.
func (w *Wizard) ask(r *bufio.Reader, out io.Writer, q *Question) error {
	a := &w.Answers
	fmt.Fprintf(out, "\n%s\n", q.Title(a))
	if h := q.help(a); h != "" {
		wrap(out, "  ", h)
	}
	opts := q.options(a)
	if q.Kind == Choice || q.Kind == Multi {
		for i, o := range opts {
			fmt.Fprintf(out, "  %2d) %s\n", i+1, o.Label)
		}
	}
	if q.Kind == List {
		return w.askList(r, out, q)
	}
	suggestion := ""
	for {
		def := suggestion
		if def == "" {
			def = q.proposal(a)
		}
		fmt.Fprint(out, prompt(q, opts, def))
		line, err := readLine(r)
		if err != nil {
			return err
		}
		if line == "" {
			line = def
		}
		v := w.Answer(q, []string{line})
		if v.Stop != "" {
			say(out, "Arrêt", v.Stop)
			return &Stopped{v.Stop}
		}
		if v.OK() {
			sayAll(out, "Attention", v.Warnings)
			return nil
		}
		sayAll(out, "Refusé", v.Errors)
		suggestion = v.Suggestion
		if suggestion != "" {
			say(out, "Proposition", suggestion+" (Entrée pour l'accepter)")
		}
	}
}

// askList reads one item per line, each checked as it is typed, until an
// empty line; then the whole list is checked.
func (w *Wizard) askList(r *bufio.Reader, out io.Writer, q *Question) error {
	var items []string
	suggestion := ""
	// A warning about an item is said when the item is typed, not again
	// when the list is done.
	warned := map[string]bool{}
	for {
		fmt.Fprintf(out, "  n°%d", len(items)+1)
		if suggestion != "" {
			fmt.Fprintf(out, " [%s]", suggestion)
		}
		fmt.Fprint(out, " : ")
		line, err := readLine(r)
		if err != nil {
			return err
		}
		if line == "" && suggestion != "" {
			line = suggestion
		}
		suggestion = ""
		if line == "" {
			v := w.Answer(q, items)
			if v.OK() {
				for _, m := range v.Warnings {
					if !warned[m] {
						say(out, "Attention", m)
					}
				}
				return nil
			}
			sayAll(out, "Refusé", v.Errors)
			continue
		}
		item, v := w.AnswerItem(q, items, line)
		if !v.OK() {
			sayAll(out, "Refusé", v.Errors)
			if suggestion = v.Suggestion; suggestion != "" {
				say(out, "Proposition", suggestion+" (Entrée pour l'accepter)")
			}
			continue
		}
		for _, m := range v.Warnings {
			warned[m] = true
			say(out, "Attention", m)
		}
		items = append(items, item)
	}
}

// prompt is the line the answer is typed on, with the default.
func prompt(q *Question, opts []Option, def string) string {
	label := "Réponse"
	switch q.Kind {
	case Choice:
		label = "Votre choix"
		for i, o := range opts {
			if o.Value == def {
				def = strconv.Itoa(i + 1)
			}
		}
	case Multi:
		label = "Vos choix"
	case YesNo:
		label = "oui / non"
	}
	if def != "" {
		return fmt.Sprintf("%s [%s] : ", label, def)
	}
	return label + " : "
}

// shown is the answer to q as the publisher reads it: read back from the
// file the answers make, so that it shows what will be written.
func (w *Wizard) shown(q *Question) string {
	switch q.ID {
	case "reuse-subs":
		return yesNo(w.Answers.ReuseSubs)
	case "api-habilitation":
		return yesNo(w.Answers.APIHabilitation)
	}
	n := locate.Node(w.document(w.name()).Content[0], q.pointers[0])
	text := ""
	switch {
	case n == nil:
	case n.Kind == yaml.ScalarNode:
		text = n.Value
	case n.Kind == yaml.SequenceNode:
		var items []string
		for _, item := range n.Content {
			items = append(items, item.Value)
		}
		text = strings.Join(items, ", ")
	}
	if q.Kind == Choice {
		if text == "" && q.ID == "editor" {
			text = NoEditor
		}
		for _, o := range q.options(&w.Answers) {
			if o.Value == text {
				return o.Label
			}
		}
	}
	if text == "" {
		return "(aucune réponse)"
	}
	return text
}

func yesNo(b bool) string {
	if b {
		return Yes
	}
	return No
}

// readLine reads one line without its line ending; ErrAborted at the end
// of the input.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		return "", ErrAborted
	}
	return strings.TrimSpace(strings.TrimRight(line, "\r\n")), nil
}

func say(out io.Writer, what, msg string) { wrapIndent(out, "  ", "    ", what+" : "+msg) }

func sayAll(out io.Writer, what string, msgs []string) {
	for _, m := range msgs {
		say(out, what, m)
	}
}

// wrap writes text in lines of at most width runes after indent.
func wrap(out io.Writer, indent, text string) { wrapIndent(out, indent, indent, text) }

// wrapIndent wraps text, with first before the first line and rest before
// the others. French punctuation stays with its word: no line starts with
// "»" or ":", none ends with "«".
func wrapIndent(out io.Writer, first, rest, text string) {
	line, empty := first, true
	for _, word := range words(text) {
		if !empty && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width {
			fmt.Fprintln(out, line)
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	if !empty {
		fmt.Fprintln(out, line)
	}
}

// words splits text on spaces, gluing "«" to the next word and the
// punctuation French writes after a space (» : ; ? !) to the previous one.
func words(text string) []string {
	var out []string
	glue := false
	for _, w := range strings.Fields(text) {
		switch {
		case glue && len(out) > 0:
			out[len(out)-1] += " " + w
		case len(out) > 0 && utf8.RuneCountInString(w) <= 2 && strings.ContainsRune("»:;?!", firstRune(w)):
			out[len(out)-1] += " " + w
		default:
			out = append(out, w)
		}
		glue = w == "«"
	}
	return out
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

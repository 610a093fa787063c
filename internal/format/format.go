// Package format writes request files in their canonical layout: the key
// order of the design (apiVersion, kind, metadata, spec, and inside spec the
// order of the form), two-space indentation and lists in block style, so
// that two requests read alike and a pull request's diff shows only what
// changed.
//
// The formatter works on the YAML node tree, never on the decoded value: the
// comments (the yaml-language-server modeline first), the quoting of each
// scalar and the unknown keys all live in the tree and survive. It refuses a
// file the strict loader refuses, and it refuses its own output when that
// output would not load to the very same value or would lose a comment: the
// YAML library's comment handling has corner cases, and a formatter that
// silently changed a request would be worse than none. Its output is a fixed
// point: formatting it again changes nothing.
//
// What the canonical form does not keep: blank lines, the spacing before an
// end-of-line comment (one space), "---" and "..." markers, CRLF line
// endings, flow style ([a, b] and {a: b}, except empty ones).
package format

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/load"
)

// Indent is the indentation of the canonical form.
const Indent = 2

// Key orders of the canonical form (design §2, the schema's order, which a
// test checks). Keys absent from an order keep their relative order after
// the known ones.
var (
	rootOrder     = []string{"apiVersion", "kind", "metadata", "spec"}
	metadataOrder = []string{"name"}
	specOrder     = []string{
		"platform", "environment", "organisation", "displayName", "site", "datapass", "apiDatapass",
		"editor", "qualification", "plannedProductionDate", "redirectUris", "postLogoutRedirectUris",
		"sectorIdentifierUri", "jwksUri", "ipAddresses", "signature", "encryption", "eidas", "scopes",
		"reuseSubs", "contacts", "notes",
	}
	editorOrder    = []string{"id", "name", "version"}
	reuseSubsOrder = []string{"from", "clientId"}
)

// Error says why a file was left as it is. Line and Column locate the
// problem when it is in the file (1-based; 0 when not known).
type Error struct {
	Line, Column int
	Message      finding.Text
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Message.FR)
	}
	return e.Message.FR
}

// maxPasses bounds the passes Source makes to reach a fixed point.
const maxPasses = 4

// Source returns src in canonical form. It fails with an *Error when src
// does not load (the loader's first error finding says why) or when the
// canonical form would change the file's value or comments.
//
// The result is a fixed point: formatting it again changes nothing. The
// YAML library attaches a comment to a node by where it stands, and one
// pass may move a comment to a place where the next parse attaches it to
// another node; passes are repeated until the output no longer moves, each
// checked against the original value and comments.
func Source(src []byte) ([]byte, error) {
	doc, problems := load.Parse(src)
	if !doc.Valid {
		return nil, loadError(problems)
	}
	var before []string
	for cur, pass := src, 0; pass < maxPasses; pass++ {
		// load keeps the document's content only; the document node
		// itself holds the comments above and below it.
		var tree yaml.Node
		if err := yaml.Unmarshal(cur, &tree); err != nil {
			return nil, internal(err.Error(), err.Error())
		}
		if pass == 0 {
			before = comments(&tree)
		}
		out, err := encode(&tree)
		if err != nil {
			return nil, err
		}
		// The emitter ends a file whose last value is a folded or literal
		// block with an empty line; it goes unless it is the block's
		// content ("|+" keeps final line breaks), which same tells.
		if trimmed := bytes.TrimRight(out, "\n"); len(trimmed)+1 < len(out) {
			trimmed = append(trimmed, '\n')
			if same(doc.Value, before, trimmed) == nil {
				out = trimmed
			}
		}
		if err := same(doc.Value, before, out); err != nil {
			return nil, err
		}
		if bytes.Equal(out, cur) {
			return out, nil
		}
		cur = out
	}
	return nil, internal("la mise en forme ne se stabilise pas", "the layout does not settle")
}

// Encode returns the canonical form of a document built in memory (fsgate
// new): the same layout as Source, checked the same way.
func Encode(doc *yaml.Node) ([]byte, error) {
	src, err := encode(doc)
	if err != nil {
		return nil, err
	}
	// The node tree may hold what the canonical form cannot keep (an
	// anchor, a tag): Source refuses it then.
	return Source(src)
}

// Changed reports whether src differs from its canonical form, and returns
// that form.
func Changed(src []byte) (bool, []byte, error) {
	out, err := Source(src)
	if err != nil {
		return false, nil, err
	}
	return !bytes.Equal(out, src), out, nil
}

func loadError(problems []finding.Finding) error {
	for _, p := range problems {
		if p.Severity == finding.Error || p.Severity == "" {
			return &Error{Line: p.Line, Column: p.Column, Message: p.Message}
		}
	}
	return &Error{Message: finding.T("le fichier n'a pas pu être lu", "the file could not be read")}
}

// encode canonicalizes the tree in place and writes it.
func encode(doc *yaml.Node) (out []byte, err error) {
	defer func() {
		// The emitter panics on trees it cannot write; that is a refusal
		// of this file, not a crash of the whole run.
		if r := recover(); r != nil {
			out, err = nil, internal(fmt.Sprint(r), fmt.Sprint(r))
		}
	}()
	canonicalize(doc)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(Indent)
	if err := enc.Encode(doc); err != nil {
		return nil, internal(err.Error(), err.Error())
	}
	if err := enc.Close(); err != nil {
		return nil, internal(err.Error(), err.Error())
	}
	return b.Bytes(), nil
}

// internal is a refusal of the formatter's own making, with a detail in
// each language.
func internal(fr, en string) *Error {
	return &Error{Message: finding.T("mise en forme impossible : "+fr, "cannot format: "+en)}
}

// canonicalize orders the keys and turns every flow collection into block
// style.
func canonicalize(doc *yaml.Node) {
	prepare(doc)
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return
	}
	reorder(root, rootOrder, true)
	if n := value(root, "metadata"); n != nil {
		reorder(n, metadataOrder, false)
	}
	spec := value(root, "spec")
	if spec == nil {
		return
	}
	reorder(spec, specOrder, false)
	if n := value(spec, "editor"); n != nil {
		reorder(n, editorOrder, false)
	}
	if n := value(spec, "reuseSubs"); n != nil {
		reorder(n, reuseSubsOrder, false)
	}
}

// prepare readies the tree for the emitter: every collection in block
// style (one item per line is what makes a diff show the one scope or URL
// added), and every comment where the emitter keeps it.
//
// A line has room for one end-of-line comment. The comment after a flow
// collection ("scopes: [a, b] # note") belongs to the collection node,
// which the emitter misplaces once the collection is a block: it moves to
// the key of the collection ("scopes: # note"). The comment after a key
// whose value was on the next line moves after the value, which the
// canonical form puts on the key's line. When the place is taken, the
// comment goes on its own line above. A comment on its own line between a
// key and its value goes above the key.
func prepare(n *yaml.Node) {
	for i, c := range n.Content {
		var key *yaml.Node
		if n.Kind == yaml.MappingNode && i%2 == 1 {
			key = n.Content[i-1]
		}
		switch {
		case isCollection(c) && len(c.Content) > 0 && c.LineComment != "":
			target := firstScalar(c)
			if key != nil {
				target = key
			}
			if target != nil {
				moveLine(c, target, firstScalar(c))
			}
		case key != nil && key.LineComment != "" && (c.Kind == yaml.ScalarNode || isCollection(c) && len(c.Content) == 0):
			moveLine(key, c, key)
		}
		if key != nil && c.HeadComment != "" {
			// A comment between a key and its value, on its own line: the
			// emitter has no place for it there. It goes above the key, or
			// above the first line of a block value.
			target := key
			if first := firstScalar(c); isCollection(c) && first != nil {
				target = first
			}
			target.HeadComment = joinComments(target.HeadComment, c.HeadComment)
			c.HeadComment = ""
		}
		prepare(c)
	}
	if isCollection(n) && len(n.Content) > 0 {
		n.Style &^= yaml.FlowStyle
	}
	if n.Kind == yaml.ScalarNode && n.Style&yaml.FoldedStyle != 0 && moreIndented(n.Value) {
		// The emitter folds "more indented" lines of a folded block (">")
		// wrongly, changing the text; a literal block ("|") keeps it.
		n.Style = n.Style&^yaml.FoldedStyle | yaml.LiteralStyle
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!merge" {
		// A plain "<<" value is text to the loader, but the emitter would
		// write it "!!merge <<", a tag the loader refuses: quoted, it
		// stays the same text.
		n.Tag = "!!str"
	}
}

// moreIndented reports whether a line of s starts with a space or a tab.
func moreIndented(s string) bool {
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
			return true
		}
	}
	return false
}

// moveLine moves the end-of-line comment of from to the end of to's line,
// or, when to has one already, above above.
func moveLine(from, to, above *yaml.Node) {
	switch {
	case to.LineComment == "":
		to.LineComment = from.LineComment
	case above != nil:
		above.HeadComment = joinComments(above.HeadComment, from.LineComment)
	default:
		return
	}
	from.LineComment = ""
}

func isCollection(n *yaml.Node) bool {
	return n.Kind == yaml.SequenceNode || n.Kind == yaml.MappingNode
}

// firstScalar returns the scalar a block collection starts its first line
// with: the first key of a mapping, the first item of a list.
func firstScalar(n *yaml.Node) *yaml.Node {
	for n != nil && isCollection(n) {
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
	}
	if n != nil && n.Kind != yaml.ScalarNode {
		return nil
	}
	return n
}

// value returns the value of key in mapping m when it is a mapping.
func value(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.MappingNode {
			return m.Content[i+1]
		}
	}
	return nil
}

// reorder sorts the pairs of mapping m: the keys of order first, in that
// order, then the others in their original order.
//
// At the top of the file, the comment above the first key is the file's
// header (the yaml-language-server modeline, a description of the request):
// it stays at the top whatever key comes first. Everywhere, the foot
// comment of the last pair closes the block and stays last.
func reorder(m *yaml.Node, order []string, header bool) {
	type pair struct{ key, value *yaml.Node }
	pairs := make([]pair, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		pairs = append(pairs, pair{m.Content[i], m.Content[i+1]})
	}
	if len(pairs) < 2 {
		return
	}
	rank := func(p pair) int {
		if i := slices.Index(order, p.key.Value); i >= 0 {
			return i
		}
		return len(order)
	}
	sorted := slices.Clone(pairs)
	slices.SortStableFunc(sorted, func(a, b pair) int { return rank(a) - rank(b) })
	if sorted[0] != pairs[0] && header && pairs[0].key.HeadComment != "" {
		sorted[0].key.HeadComment = joinComments(pairs[0].key.HeadComment, sorted[0].key.HeadComment)
		pairs[0].key.HeadComment = ""
	}
	if last := pairs[len(pairs)-1]; sorted[len(sorted)-1] != last {
		newLast := sorted[len(sorted)-1]
		for _, n := range []*yaml.Node{last.key, last.value} {
			if n.FootComment != "" {
				newLast.key.FootComment = joinComments(newLast.key.FootComment, n.FootComment)
				n.FootComment = ""
			}
		}
	}
	for i, p := range sorted {
		m.Content[2*i], m.Content[2*i+1] = p.key, p.value
	}
}

func joinComments(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n" + b
}

// comments returns every comment line of the tree, sorted: the formatter
// moves comments, it never adds or drops one.
func comments(n *yaml.Node) []string {
	var out []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
			for _, line := range strings.Split(c, "\n") {
				if line = strings.TrimSpace(line); line != "" {
					out = append(out, line)
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	slices.Sort(out)
	return out
}

// same checks that out loads to value and holds the comments before.
func same(value any, before []string, out []byte) error {
	doc, _ := load.Parse(out)
	if !doc.Valid || !reflect.DeepEqual(doc.Value, value) {
		return internal("la forme canonique changerait la valeur du fichier", "the canonical form would change the file's value")
	}
	var tree yaml.Node
	if err := yaml.Unmarshal(out, &tree); err != nil || !slices.Equal(comments(&tree), before) {
		return internal("la forme canonique perdrait un commentaire ; placez chaque commentaire sur sa propre ligne",
			"the canonical form would lose a comment; put each comment on a line of its own")
	}
	return nil
}

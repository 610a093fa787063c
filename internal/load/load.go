// Package load turns the bytes of a request file into a YAML node tree and
// the JSON value the schema validates, strictly: a request file is data from
// an untrusted pull request, so every YAML feature it has no use for
// (anchors, aliases, merge keys, tags, several documents) is refused with a
// located finding instead of being interpreted.
package load

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/locate"
)

const (
	// Rule is the rule id of every loading finding.
	Rule = "yaml"
	// MaxSize bounds a request file: a real one is about 1 KiB.
	MaxSize = 64 << 10
	// MaxDepth bounds the nesting of mappings and sequences: the format needs 3.
	MaxDepth = 16
	// MaxItems bounds the entries of one list or mapping: the schema
	// allows 100 items per list and some 25 keys per mapping. Past it, a
	// file is refused before the schema and the rules, which would give a
	// finding per item (a 64 KiB list holds 15,000) and compare every
	// item with every other (uniqueItems).
	MaxItems = 1000
)

// Document is a loaded request file.
type Document struct {
	Source []byte
	// Root is the top node of the document (a mapping for any sensible
	// file); nil when the file could not be parsed.
	Root *yaml.Node
	// Value is the JSON value of the document: map[string]any, []any,
	// string, json.Number, bool or nil. It is nil when a structural problem
	// makes the content untrustworthy; the findings then say why.
	Value any
	// Valid reports whether Value was built (the file parsed and has no
	// structural problem).
	Valid bool

	slabs *slabs // what Root is cut from, when the fast parser read it
}

// Release hands the memory of the tree back for the next file's: Root,
// and every node reached from it, must no longer be used by anyone (the
// strings in Value and in findings stay valid). A run that keeps no tree
// calls it once a file is checked.
func (d *Document) Release() {
	d.Root = nil
	d.slabs.release()
	d.slabs = nil
}

// Parse loads src. It never panics: whatever the input, the result is a
// document and the findings (rule "yaml", Path left empty) that explain what
// was refused.
func Parse(src []byte) (doc *Document, problems []finding.Finding) {
	doc = &Document{Source: src}
	defer func() {
		// The YAML library is third-party code fed with hostile input: a
		// panic in it must become a finding, not a crash of the whole run.
		if r := recover(); r != nil {
			doc.Root, doc.Value, doc.Valid = nil, nil, false
			problems = append(problems, fileProblem(finding.T(
				"le fichier n'a pas pu être lu comme du YAML (erreur interne de l'analyseur)",
				"the file could not be read as YAML (internal parser error)")))
		}
	}()
	if len(src) > MaxSize {
		return doc, []finding.Finding{fileProblem(finding.T(
			"fichier trop grand : 64 Kio au plus (une demande fait environ 1 Kio)",
			"file too large: 64 KiB at most (a request is about 1 KiB)"))}
	}
	if line, col, ok := invalidUTF8(src); !ok {
		return doc, []finding.Finding{at(line, col, "", finding.T(
			"texte non UTF-8 : enregistrez le fichier en UTF-8",
			"text is not UTF-8: save the file as UTF-8"))}
	}

	root, slabs, err := parseSingle(src)
	doc.slabs = slabs
	if err != nil {
		if err.detail != "" {
			err.line, err.column = locateSyntaxError(src, err)
		}
		return doc, []finding.Finding{err.finding(src)}
	}
	doc.Root = root
	b := builder{}
	value := b.value(root, 1)
	b.finish()
	if len(b.problems) > 0 && b.fatal {
		return doc, b.problems
	}
	doc.Value, doc.Valid = value, true
	return doc, b.problems
}

// parseError is a problem found while parsing the stream.
type parseError struct {
	line, column int
	msg          finding.Text
	detail       string // the library's own words, for syntax errors
}

func (e *parseError) finding(src []byte) finding.Finding {
	col := e.column
	if e.line > 0 && col == 0 {
		col = firstColumn(src, e.line)
	}
	return at(e.line, col, "", e.msg)
}

// parseSingle parses exactly one non-empty document. A file with no
// document marker after its content (every real request) is parsed
// straight from its bytes, which the profile shows is cheaper than the
// stream decoder; any other file takes the stream path, which sees every
// document.
func parseSingle(src []byte) (*yaml.Node, *slabs, *parseError) {
	if root, slabs := parseFast(src); root != nil {
		return root, slabs, nil
	}
	if !hasLaterDocumentMarker(src) {
		var doc yaml.Node
		if err := yaml.Unmarshal(src, &doc); err != nil {
			return nil, nil, syntaxError(err)
		}
		root, perr := documentRoot(&doc)
		// Only a block mapping starting at column 1 runs to the end of the
		// file: after a scalar, a list or a flow mapping, the first
		// document may end early, and Unmarshal would not look at what
		// follows. Those take the stream path, which does. A tag or an
		// anchor gives the node its own position, so a mapping indented
		// under "!tag" at column 1 would pass for one at column 1 (found
		// by FuzzParse): those take the stream path too.
		if perr == nil && root.Kind == yaml.MappingNode && root.Style&(yaml.FlowStyle|yaml.TaggedStyle) == 0 &&
			root.Anchor == "" && root.Column == 1 {
			return root, nil, nil
		}
	}
	root, perr := parseStream(src)
	return root, nil, perr
}

// hasLaterDocumentMarker reports whether a line after the first content
// line starts with a document marker ("---" or "..."): only then can the
// file hold more than one document. Markers cannot occur inside scalars at
// column 0 (YAML forbids it), so the scan cannot be fooled into the fast
// path; at worst a harmless file takes the slower one.
func hasLaterDocumentMarker(src []byte) bool {
	content := false
	for len(src) > 0 {
		line := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		if bytes.HasPrefix(line, []byte("---")) || bytes.HasPrefix(line, []byte("...")) {
			if content {
				return true
			}
			content = true // an explicit start counts as the first document
			continue
		}
		if t := bytes.TrimLeft(line, " \t"); len(t) > 0 && t[0] != '#' {
			content = true
		}
	}
	return false
}

// documentRoot returns the content of a parsed document, refusing an empty
// one.
func documentRoot(doc *yaml.Node) (*yaml.Node, *parseError) {
	if doc.Kind == 0 {
		return nil, &parseError{line: 1, column: 1, msg: finding.T(
			"fichier vide : une demande commence par « apiVersion: fsgate/v1 »",
			"empty file: a request starts with “apiVersion: fsgate/v1”")}
	}
	var root *yaml.Node
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		root = doc.Content[0]
	}
	if root == nil || (root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" && root.Style == 0) {
		return nil, &parseError{line: 1, column: 1, msg: finding.T(
			"document vide : une demande commence par « apiVersion: fsgate/v1 »",
			"empty document: a request starts with “apiVersion: fsgate/v1”")}
	}
	return root, nil
}

// parseStream parses a stream and refuses a second document.
func parseStream(src []byte) (*yaml.Node, *parseError) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &parseError{line: 1, column: 1, msg: finding.T(
				"fichier vide : une demande commence par « apiVersion: fsgate/v1 »",
				"empty file: a request starts with “apiVersion: fsgate/v1”")}
		}
		return nil, syntaxError(err)
	}
	root, perr := documentRoot(&doc)
	if perr != nil {
		return nil, perr
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
		return root, nil
	case err != nil:
		return nil, syntaxError(err)
	default:
		line := next.Line
		if len(next.Content) > 0 {
			line = next.Content[0].Line
		}
		return nil, &parseError{line: max(line-1, 1), msg: finding.T(
			"plusieurs documents dans un fichier : une demande par fichier, retirez « --- » et ce qui suit",
			"several documents in one file: one request per file, remove “---” and what follows")}
	}
}

var lineInError = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError translates the YAML library's error into a located finding.
// The library's wording is kept as a detail after a French explanation of
// the usual causes.
func syntaxError(err error) *parseError {
	text := err.Error()
	line, detail := 0, strings.TrimPrefix(text, "yaml: ")
	if m := lineInError.FindStringSubmatch(text); m != nil {
		line, _ = strconv.Atoi(m[1])
		detail = m[2]
	}
	fr, en := "syntaxe YAML invalide", "invalid YAML syntax"
	switch {
	case strings.Contains(detail, "mapping values are not allowed"):
		fr += " : un « : » inattendu ; mettez entre guillemets une valeur qui contient « : »"
		en += ": unexpected “:”; quote a value that contains “:”"
	case strings.Contains(detail, "found character that cannot start any token"),
		strings.Contains(detail, "found a tab character"):
		fr += " : caractère interdit ici (une tabulation ? indentez avec des espaces)"
		en += ": character not allowed here (a tab? indent with spaces)"
	case strings.Contains(detail, "did not find expected key"),
		strings.Contains(detail, "did not find expected '-' indicator"):
		fr += " : indentation incohérente ; alignez les clés d'un même bloc"
		en += ": inconsistent indentation; align the keys of a block"
	case strings.Contains(detail, "could not find expected ':'"):
		fr += " : il manque « : » après une clé"
		en += ": a key is missing its “:”"
	case strings.Contains(detail, "found unexpected end of stream"),
		strings.Contains(detail, "did not find expected node content"),
		strings.Contains(detail, "did not find expected ',' or"):
		fr += " : guillemet ou crochet non fermé"
		en += ": unclosed quote or bracket"
	case strings.Contains(detail, "exceeded max depth"):
		fr += " : imbrication trop profonde"
		en += ": nesting too deep"
	case strings.Contains(detail, "control characters are not allowed"):
		fr += " : caractère de contrôle interdit"
		en += ": control character not allowed"
	}
	// The library's detail is about syntax, never about the file's values,
	// so it cannot leak a secret; it helps the reader who knows YAML.
	return &parseError{line: max(line, 1), detail: detail, msg: finding.Tf(fr+" (%s)", en+" (%s)", detail)}
}

// locateSyntaxError finds the line where a syntax error really is. The
// library reports the line where the enclosing block starts, 0-based for
// parser errors, so "line 6" may mean a problem on line 21. The shortest
// prefix of the file that fails with the same error ends on the line to
// fix. It is found by binary search from the reported line (the problem is
// never before it), so a hostile 64 KiB file of short lines costs a few
// parses, not one per line.
func locateSyntaxError(src []byte, e *parseError) (line, col int) {
	ends := lineEnds(src)
	same := func(k int) bool { // does the prefix of lines [0, k] fail the same way?
		var n yaml.Node
		err := yaml.Unmarshal(src[:ends[k]], &n)
		if err == nil {
			return false
		}
		if m := lineInError.FindStringSubmatch(err.Error()); m != nil {
			return m[2] == e.detail
		}
		return strings.TrimPrefix(err.Error(), "yaml: ") == e.detail
	}
	line = e.line
	lo, hi := max(e.line-2, 0), len(ends)-1 // 0-based indexes of lines
	if hi >= lo && same(hi) {
		for lo < hi {
			mid := (lo + hi) / 2
			if same(mid) {
				hi = mid
			} else {
				lo = mid + 1
			}
		}
		line = lo + 1
	}
	text := lineText(src, line)
	if strings.Contains(e.detail, "mapping values are not allowed") {
		// The culprit is the second ": " of the line, after the key's own.
		if first := strings.Index(text, ": "); first >= 0 {
			if second := strings.Index(text[first+2:], ": "); second >= 0 {
				return line, utf8.RuneCountInString(text[:first+2+second]) + 1
			}
		}
	}
	return line, firstColumn(src, line)
}

// lineEnds returns the offset just past each line of src.
func lineEnds(src []byte) []int {
	var ends []int
	for i, c := range src {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(src) > 0 && src[len(src)-1] != '\n' {
		ends = append(ends, len(src))
	}
	return ends
}

// builder converts a node tree into a JSON value, collecting problems.
type builder struct {
	problems []finding.Finding
	fatal    bool
	// path holds the tokens of the JSON pointer to the node being built:
	// the pointer itself is only written out for a finding, which keeps
	// the common case (no finding) free of string building.
	path []string
	// repeats counts the occurrences of a kind of refusal (anchor, alias,
	// tag) beyond the first, which alone gets a finding: an alias bomb must
	// give one clear line, not thousands.
	repeats map[string]*repeat
}

type repeat struct {
	index int // of the first finding in problems
	count int
}

// pointer is the JSON pointer of the node being built.
func (b *builder) pointer() string { return locate.Join(b.path...) }

func (b *builder) refuse(n *yaml.Node, msg finding.Text) {
	b.problems = append(b.problems, at(n.Line, n.Column, b.pointer(), msg))
	b.fatal = true
}

// refuseOnce reports the first occurrence of a kind and counts the others.
func (b *builder) refuseOnce(kind string, n *yaml.Node, msg finding.Text) {
	if r, ok := b.repeats[kind]; ok {
		r.count++
		return
	}
	if b.repeats == nil {
		b.repeats = map[string]*repeat{}
	}
	b.repeats[kind] = &repeat{index: len(b.problems)}
	b.refuse(n, msg)
}

// finish appends the count of repeated refusals to their first finding.
func (b *builder) finish() {
	for _, r := range b.repeats {
		if r.count > 0 {
			p := &b.problems[r.index]
			p.Message.FR += fmt.Sprintf(" (et %d autres plus loin)", r.count)
			p.Message.EN += fmt.Sprintf(" (and %d more further down)", r.count)
		}
	}
}

func (b *builder) value(n *yaml.Node, depth int) any {
	if n.Anchor != "" {
		b.refuseOnce("anchor", n, finding.Tf(
			"ancre « &%s » interdite : écrivez la valeur en entier",
			"anchor “&%s” not allowed: write the value in full", truncate(n.Anchor)))
	}
	if n.Style&yaml.TaggedStyle != 0 {
		b.refuseOnce("tag", n, finding.Tf(
			"étiquette YAML « %s » interdite : écrivez une valeur simple",
			"YAML tag “%s” not allowed: write a plain value", truncate(n.Tag)))
	}
	switch n.Kind {
	case yaml.AliasNode:
		b.refuseOnce("alias", n, finding.Tf(
			"alias « *%s » interdit : écrivez la valeur en entier",
			"alias “*%s” not allowed: write the value in full", truncate(n.Value)))
		return nil
	case yaml.MappingNode:
		if depth > MaxDepth {
			b.refuse(n, finding.Tf("imbrication trop profonde (plus de %d niveaux)", "nesting too deep (more than %d levels)", MaxDepth))
			return nil
		}
		if len(n.Content)/2 > MaxItems {
			b.refuse(n, finding.Tf("%d clés dans un même bloc : %d au plus (une demande en a une vingtaine)",
				"%d keys in one block: %d at most (a request has about twenty)", len(n.Content)/2, MaxItems))
			return nil
		}
		obj := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				b.refuse(k, finding.T("clé complexe interdite : une clé est un simple mot", "complex key not allowed: a key is a plain word"))
				continue
			}
			if k.Tag == "!!merge" {
				b.refuse(k, finding.T("clé de fusion « << » interdite : écrivez chaque champ", "merge key “<<” not allowed: write each field"))
				continue
			}
			b.path = append(b.path, k.Value)
			if k.Anchor != "" || k.Style&yaml.TaggedStyle != 0 {
				b.value(k, depth+1) // reports the anchor or tag
			}
			if _, dup := obj[k.Value]; dup {
				b.refuse(k, finding.Tf(
					"clé « %s » en double (déjà définie ligne %d) : gardez-en une seule",
					"duplicate key “%s” (already defined on line %d): keep only one", truncate(k.Value), firstLine(n, i)))
			} else {
				obj[k.Value] = b.value(v, depth+1)
			}
			b.path = b.path[:len(b.path)-1]
		}
		return obj
	case yaml.SequenceNode:
		if depth > MaxDepth {
			b.refuse(n, finding.Tf("imbrication trop profonde (plus de %d niveaux)", "nesting too deep (more than %d levels)", MaxDepth))
			return nil
		}
		if len(n.Content) > MaxItems {
			b.refuse(n, finding.Tf("liste de %d éléments : %d au plus (une liste d'une demande en compte 100 au plus)",
				"list of %d items: %d at most (a list of a request holds 100 at most)", len(n.Content), MaxItems))
			return nil
		}
		arr := make([]any, len(n.Content))
		for i, item := range n.Content {
			b.path = append(b.path, strconv.Itoa(i))
			arr[i] = b.value(item, depth+1)
			b.path = b.path[:len(b.path)-1]
		}
		return arr
	case yaml.ScalarNode:
		return b.scalar(n)
	}
	b.refuse(n, finding.T("élément YAML inattendu", "unexpected YAML element"))
	return nil
}

// firstLine is the line of the first key of mapping m equal to its i-th
// key (a key found again).
func firstLine(m *yaml.Node, i int) int {
	for j := 0; j < i; j += 2 {
		if k := m.Content[j]; k.Kind == yaml.ScalarNode && k.Value == m.Content[i].Value {
			return k.Line
		}
	}
	return m.Content[i].Line
}

// jsonNumber is the grammar of a JSON number: anything else YAML would read
// as a number is ambiguous (01000 is octal in YAML 1.1, 1_000 is 1000…).
var jsonNumber = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

func (b *builder) scalar(n *yaml.Node) any {
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return n.Value
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		// YAML 1.2 reads only true/false as booleans; True and TRUE too.
		return strings.EqualFold(n.Value, "true")
	case "!!int", "!!float":
		if jsonNumber.MatchString(n.Value) {
			return json.Number(n.Value)
		}
		// 01000, 0x1F, +33612345678, 1_000, .inf: YAML gives these a
		// meaning the author rarely intended. Keep the text and ask for
		// quotes, so the value is never silently changed.
		b.problems = append(b.problems, at(n.Line, n.Column, b.pointer(), finding.Tf(
			"nombre ambigu « %s » : mettez-le entre guillemets si c'est du texte, ou écrivez un nombre décimal simple",
			"ambiguous number “%s”: quote it if it is text, or write a plain decimal number", truncate(n.Value))))
		return n.Value
	}
	// Strings, and timestamps: an unquoted date stays the text written.
	return n.Value
}

func at(line, col int, pointer string, msg finding.Text) finding.Finding {
	return finding.Finding{Line: line, Column: col, Pointer: pointer, Rule: Rule, Severity: finding.Error, Message: msg}
}

func fileProblem(msg finding.Text) finding.Finding { return at(1, 1, "", msg) }

// invalidUTF8 returns the position of the first byte that is not UTF-8.
func invalidUTF8(src []byte) (line, col int, ok bool) {
	if utf8.Valid(src) {
		return 0, 0, true
	}
	line, col = 1, 1
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return line, col, false
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return line, col, false
}

// firstColumn is the column of the first tab, or else of the first
// non-blank character, of a 1-based line: the YAML library gives a line but
// no column for syntax errors, and this is where the eye should go.
func firstColumn(src []byte, line int) int {
	text := lineText(src, line)
	if i := strings.IndexByte(text, '\t'); i >= 0 {
		return utf8.RuneCountInString(text[:i]) + 1
	}
	trimmed := strings.TrimLeft(text, " ")
	return len(text) - len(trimmed) + 1
}

// lineText returns a 1-based line of src without its line ending.
func lineText(src []byte, line int) string {
	for i := 1; i < line; i++ {
		j := bytes.IndexByte(src, '\n')
		if j < 0 {
			return ""
		}
		src = src[j+1:]
	}
	if j := bytes.IndexByte(src, '\n'); j >= 0 {
		src = src[:j]
	}
	return strings.TrimSuffix(string(src), "\r")
}

// truncate shortens a value quoted in a message.
func truncate(s string) string { return finding.Show(s) }

// Reparse locates pointers in a file whose tree was let go, by parsing the
// file again the first time it is asked (safe for concurrent use). A tree
// costs some 15 KiB per request against 1 KiB for its bytes: a run over
// 10,000 files keeps the bytes, and the few files that get a finding after
// their own checks (cross-file rules) are parsed a second time.
type Reparse struct {
	src  []byte
	once sync.Once
	root *yaml.Node
}

// NewReparse returns a locator for the file whose bytes are src.
func NewReparse(src []byte) *Reparse { return &Reparse{src: src} }

// Position answers what locate.Position answers on the file's tree.
func (r *Reparse) Position(pointer string, target locate.Target) (line, col int) {
	r.once.Do(func() {
		doc, _ := Parse(r.src)
		r.root = doc.Root
	})
	return locate.Position(r.root, pointer, target)
}

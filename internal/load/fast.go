package load

import (
	"encoding/binary"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// parseFast reads the plain subset of YAML that request files are written
// in, and builds the node tree yaml.v3 would build for it, node for node:
// same kinds, tags, styles, values, lines and columns (comments are not
// kept: the loader does not use them, and fsgate fmt reads them with
// yaml.v3 itself).
//
// The profile of a cold run puts yaml.v3's parse first, at about 60 % of
// loading and schema validation together; a request file uses a sliver of
// YAML, which this reads several times faster. It returns nil as soon as
// the file steps outside that sliver, and the caller falls back to yaml.v3:
// this parser never has to be right about anything but the easy case, and
// never reports an error of its own. TestFastParserAgrees and
// FuzzFastParser hold it to yaml.v3's result on every file it accepts.
//
// The subset: UTF-8 text without tabs, carriage returns or control
// characters; block mappings whose keys are words (a letter, then letters,
// digits, '_' or '-'); block sequences, indented or not under a key;
// sequence items that are scalars or mappings ("- key: value"); scalars on
// one line: plain, single-quoted, or double-quoted without escapes; flow
// sequences on one line of such scalars; comments. Everything else (block
// scalars, multi-line scalars, empty values, flow mappings, anchors, tags,
// document markers, directives, escapes…) is left to yaml.v3.
func parseFast(src []byte) (*yaml.Node, *slabs) {
	if !plainText(src) {
		return nil, nil
	}
	p := fastParser{text: string(src), slabs: slabPool.Get().(*slabs)}
	p.split()
	if len(p.lines) == 0 || p.lines[0].indent != 0 {
		p.slabs.release()
		return nil, nil
	}
	root := p.mapping(0)
	if p.failed || p.next != len(p.lines) {
		p.slabs.release()
		return nil, nil
	}
	return root, p.slabs
}

// slabs are the memory a tree is cut from. A run over 10,000 files parses
// 10,000 trees of some 60 nodes, each let go once its file is checked: the
// engine hands the slabs back (Document.Release) for the next file, which
// spares allocating, clearing and collecting 10 KiB per file.
type slabs struct {
	lines    []fastLine
	nodes    []yaml.Node
	children []*yaml.Node
	pending  []*yaml.Node
}

var slabPool = sync.Pool{New: func() any { return new(slabs) }}

// release hands the slabs back for another tree: nothing may point into
// them any more.
func (s *slabs) release() {
	if s != nil {
		s.lines, s.nodes, s.children, s.pending = s.lines[:0], s.nodes[:0], s.children[:0], s.pending[:0]
		slabPool.Put(s)
	}
}

// fastLine is a line holding content (not blank, not only a comment).
type fastLine struct {
	text   string // without its line break
	num    int    // 1-based
	indent int    // bytes before the content; moved past "- " for an item
}

type fastParser struct {
	text string
	// slabs: lines are the content lines; nodes and children are where
	// the tree's nodes and Content slices are cut from (a few allocations
	// per file instead of one per node); pending holds the children of
	// the collections being read, innermost last, until each is complete
	// and gets its exact Content.
	*slabs
	next   int // index in lines of the next line to read
	failed bool
	// The last column worked out: line number, byte and characters
	// before it.
	colLine, colByte, colRunes int
}

// split cuts the text into content lines.
func (p *fastParser) split() {
	p.lines = grow(p.lines, strings.Count(p.text, "\n")+1)
	rest := p.text
	for num := 1; rest != ""; num++ {
		line := rest
		if i := strings.IndexByte(rest, '\n'); i >= 0 {
			line, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		indent := 0
		for indent < len(line) && line[indent] == ' ' {
			indent++
		}
		if indent == len(line) || line[indent] == '#' {
			continue
		}
		p.lines = append(p.lines, fastLine{text: line, num: num, indent: indent})
	}
	// A line holds a key and its value, or an item: two nodes, three for
	// "- key: value"; a flow sequence asks for another slab.
	p.nodes = grow(p.nodes, 2*len(p.lines)+8)
	p.children = grow(p.children, 2*len(p.lines)+8)
	p.pending = grow(p.pending, 64)
}

// grow returns s emptied, with room for n elements.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, 0, n)
	}
	return s[:0]
}

// content gives a collection the children pending since start.
func (p *fastParser) content(start int) []*yaml.Node {
	items := p.pending[start:]
	p.pending = p.pending[:start]
	if len(items) == 0 {
		return nil
	}
	if len(p.children)+len(items) > cap(p.children) {
		p.children = make([]*yaml.Node, 0, max(len(items), 64))
	}
	at := len(p.children)
	p.children = append(p.children, items...)
	return p.children[at:len(p.children):len(p.children)]
}

func (p *fastParser) node(kind yaml.Kind, tag string, style yaml.Style, value string, line, column int) *yaml.Node {
	if len(p.nodes) == cap(p.nodes) {
		p.nodes = make([]yaml.Node, 0, 16)
	}
	p.nodes = append(p.nodes, yaml.Node{Kind: kind, Tag: tag, Style: style, Value: value, Line: line, Column: column})
	return &p.nodes[len(p.nodes)-1]
}

func (p *fastParser) fail() *yaml.Node {
	p.failed = true
	return nil
}

// mapping reads a block mapping whose keys start at byte indent of their
// lines.
func (p *fastParser) mapping(indent int) *yaml.Node {
	first := p.lines[p.next]
	m := p.node(yaml.MappingNode, "!!map", 0, "", first.num, indent+1)
	start := len(p.pending)
	for p.next < len(p.lines) && !p.failed {
		l := p.lines[p.next]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			return p.fail()
		}
		key, ok := keyAt(l.text, indent)
		if !ok {
			return p.fail()
		}
		k := p.node(yaml.ScalarNode, plainTag(key), 0, key, l.num, indent+1)
		p.next++
		var v *yaml.Node
		rest := skipSpaces(l.text, indent+len(key)+1)
		if rest < len(l.text) && l.text[rest] != '#' {
			v = p.inline(l, rest)
		} else {
			v = p.block(indent)
		}
		if p.failed {
			return nil
		}
		p.pending = append(p.pending, k, v)
	}
	m.Content = p.content(start)
	return m
}

// block reads the value of a key written on the lines below it, under a
// key at byte indent.
func (p *fastParser) block(indent int) *yaml.Node {
	if p.next == len(p.lines) {
		return p.fail() // an empty value: yaml.v3 knows where it stands
	}
	l := p.lines[p.next]
	switch {
	case l.indent > indent && isItem(l):
		return p.sequence(l.indent)
	case l.indent > indent:
		return p.mapping(l.indent)
	case l.indent == indent && isItem(l):
		return p.sequence(indent) // "key:" then "- item" at the key's column
	}
	return p.fail()
}

// sequence reads a block sequence whose "-" stand at byte indent.
func (p *fastParser) sequence(indent int) *yaml.Node {
	first := p.lines[p.next]
	s := p.node(yaml.SequenceNode, "!!seq", 0, "", first.num, indent+1)
	start := len(p.pending)
	for p.next < len(p.lines) && !p.failed {
		l := &p.lines[p.next]
		if l.indent < indent || l.indent == indent && !isItem(*l) {
			break
		}
		if l.indent > indent {
			return p.fail()
		}
		at := skipSpaces(l.text, indent+1)
		if at == len(l.text) || l.text[at] == '#' {
			return p.fail() // an empty item, or a block below it
		}
		var item *yaml.Node
		if _, ok := keyAt(l.text, at); ok {
			// "- key: value": the mapping's keys align on this one, as if
			// the dash were a space.
			l.indent = at
			item = p.mapping(at)
		} else {
			item = p.inline(*l, at)
			p.next++
		}
		if p.failed {
			return nil
		}
		p.pending = append(p.pending, item)
	}
	s.Content = p.content(start)
	return s
}

// inline reads the value that starts at byte at of line l and runs to the
// end of the line (but for a comment).
func (p *fastParser) inline(l fastLine, at int) *yaml.Node {
	text := l.text[at:]
	switch text[0] {
	case '"', '\'':
		value, size, ok := quoted(text)
		if !ok || !onlyComment(text[size:]) {
			return p.fail()
		}
		return p.node(yaml.ScalarNode, "!!str", quoteStyle(text[0]), value, l.num, p.column(l, at))
	case '[':
		return p.flowSequence(l, at)
	}
	if isIndicator(text[0]) && !negativeNumber(text) {
		return p.fail()
	}
	value := text
	if i := strings.Index(value, " #"); i >= 0 {
		value = value[:i]
	}
	value = strings.TrimRight(value, " ")
	if strings.Contains(value, ": ") || strings.HasSuffix(value, ":") {
		return p.fail() // a mapping in a value: a syntax error for yaml.v3
	}
	return p.node(yaml.ScalarNode, plainTag(value), 0, value, l.num, p.column(l, at))
}

// flowSequence reads "[a, b, c]" on one line, starting at byte at of l.
func (p *fastParser) flowSequence(l fastLine, at int) *yaml.Node {
	s := p.node(yaml.SequenceNode, "!!seq", yaml.FlowStyle, "", l.num, p.column(l, at))
	start := len(p.pending)
	text := l.text
	i := skipSpaces(text, at+1)
	if i < len(text) && text[i] == ']' {
		if !onlyComment(text[i+1:]) {
			return p.fail()
		}
		return s
	}
	for {
		if i == len(text) {
			return p.fail() // continues on the next line
		}
		var item *yaml.Node
		switch c := text[i]; {
		case c == '"' || c == '\'':
			value, size, ok := quoted(text[i:])
			if !ok {
				return p.fail()
			}
			item = p.node(yaml.ScalarNode, "!!str", quoteStyle(c), value, l.num, p.column(l, i))
			i += size
		case isIndicator(c):
			return p.fail()
		default:
			end := i
			for end < len(text) && text[end] != ',' && text[end] != ']' {
				// yaml.v3 ends a plain scalar in a flow at '?' too (it
				// then reads a key): found by FuzzFastParser.
				switch text[end] {
				case ':', '#', '?', '[', '{', '}', '"', '\'':
					return p.fail()
				}
				end++
			}
			value := strings.TrimRight(text[i:end], " ")
			item = p.node(yaml.ScalarNode, plainTag(value), 0, value, l.num, p.column(l, i))
			i = end
		}
		p.pending = append(p.pending, item)
		i = skipSpaces(text, i)
		if i == len(text) {
			return p.fail()
		}
		switch text[i] {
		case ']':
			if !onlyComment(text[i+1:]) {
				return p.fail()
			}
			s.Content = p.content(start)
			return s
		case ',':
			i = skipSpaces(text, i+1)
			if i < len(text) && (text[i] == ']' || text[i] == ',') {
				return p.fail() // "[a, ]" or "[a,,b]"
			}
		default:
			return p.fail()
		}
	}
}

// keyAt returns the word before ": " (or ":" ending the line) at byte at.
func keyAt(line string, at int) (string, bool) {
	i := at
	if i == len(line) || !isLetter(line[i]) {
		return "", false
	}
	for i < len(line) && (isLetter(line[i]) || line[i] >= '0' && line[i] <= '9' || line[i] == '_' || line[i] == '-') {
		i++
	}
	if i == len(line) || line[i] != ':' || i+1 < len(line) && line[i+1] != ' ' || i-at > 128 {
		return "", false
	}
	return line[at:i], true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// isItem reports whether a line is a sequence item ("-" then a space).
func isItem(l fastLine) bool {
	return l.text[l.indent] == '-' && l.indent+1 < len(l.text) && l.text[l.indent+1] == ' '
}

// isIndicator reports whether a plain scalar may not start with c (or may,
// in cases too rare to be worth telling apart).
func isIndicator(c byte) bool {
	return strings.IndexByte("-?:,[]{}#&*!|>'\"%@`", c) >= 0
}

// negativeNumber reports whether text starts like a negative number, the
// one plain scalar starting with an indicator that a request may hold.
func negativeNumber(text string) bool {
	return len(text) > 1 && text[0] == '-' && (text[1] >= '0' && text[1] <= '9' || text[1] == '.')
}

// quoted reads a quoted scalar at the start of text: single-quoted with ”
// for a quote, or double-quoted without any escape. It returns the value
// and the bytes read.
func quoted(text string) (value string, size int, ok bool) {
	q := text[0]
	if q == '"' {
		end := strings.IndexByte(text[1:], '"')
		if end < 0 || strings.IndexByte(text[1:1+end], '\\') >= 0 {
			return "", 0, false
		}
		return text[1 : 1+end], end + 2, true
	}
	escaped := false
	for i := 1; i < len(text); i++ {
		if text[i] != '\'' {
			continue
		}
		if i+1 < len(text) && text[i+1] == '\'' {
			escaped = true
			i++
			continue
		}
		value = text[1:i]
		if escaped {
			value = strings.ReplaceAll(value, "''", "'")
		}
		return value, i + 1, true
	}
	return "", 0, false
}

func quoteStyle(q byte) yaml.Style {
	if q == '"' {
		return yaml.DoubleQuotedStyle
	}
	return yaml.SingleQuotedStyle
}

// onlyComment reports whether what follows a value is blank or a comment
// (which needs a space before its '#').
func onlyComment(rest string) bool {
	trimmed := strings.TrimLeft(rest, " ")
	return trimmed == "" || trimmed[0] == '#' && len(trimmed) < len(rest)
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// column is the 1-based column of byte at of line l, counted in characters
// as yaml.v3 counts them. Columns are asked for left to right along a line:
// counting on from the last one keeps a 64 KiB line of accented flow items
// linear (counting from the line's start took over a second).
func (p *fastParser) column(l fastLine, at int) int {
	if l.num != p.colLine || at < p.colByte {
		p.colLine, p.colByte, p.colRunes = l.num, 0, 0
	}
	p.colRunes += utf8.RuneCountInString(l.text[p.colByte:at])
	p.colByte = at
	return p.colRunes + 1
}

// plainText reports whether src holds only characters the fast parser
// reads like yaml.v3: printable characters and line feeds, without tabs,
// carriage returns, the byte order mark, or the characters YAML counts as
// line breaks (U+0085, U+2028, U+2029), nor invalid UTF-8.
//
// Eight bytes of printable ASCII are checked at once (every byte of the
// word in 0x20–0x7e): the loop runs over every byte of every file, and a
// byte at a time it was 3 % of a run's instructions. A word with a line
// feed or a multibyte character goes byte by byte.
func plainText(src []byte) bool {
	for i := 0; i < len(src); {
		if i+8 <= len(src) {
			w := binary.LittleEndian.Uint64(src[i:])
			// A byte ≥ 0x80 has its high bit set; a byte < 0x20 sets it
			// in w-0x20…; a byte 0x7f is 0 in w^0x7f… and sets it in
			// that minus 0x01…. Borrows may only add false alarms, which
			// go byte by byte.
			if (w|(w-0x2020202020202020)|((w^0x7f7f7f7f7f7f7f7f)-0x0101010101010101))&0x8080808080808080 == 0 {
				i += 8
				continue
			}
		}
		if c := src[i]; c < utf8.RuneSelf { // inline: a line feed stops most words
			if !plainASCII(c) {
				return false
			}
			i++
			continue
		}
		size, ok := plainChar(src[i:])
		if !ok {
			return false
		}
		i += size
	}
	return true
}

// plainChar judges the character src starts with (see plainText) and
// returns its size.
func plainChar(src []byte) (size int, ok bool) {
	if c := src[0]; c < utf8.RuneSelf {
		return 1, plainASCII(c)
	}
	r, size := utf8.DecodeRune(src)
	switch {
	case r == utf8.RuneError && size == 1,
		r == 0x85, r == 0x2028, r == 0x2029, r == 0xFEFF,
		r < 0xA0, r >= 0xD800 && r < 0xE000, r > 0xFFFD && r < 0x10000:
		return size, false
	}
	return size, true
}

func plainASCII(c byte) bool { return c >= ' ' && c != 0x7f || c == '\n' }

// plainTag is the tag yaml.v3 resolves for a plain scalar (its resolve
// function, tag part only).
func plainTag(s string) string {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return "!!null"
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool"
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return "!!float"
	case "<<":
		return "!!merge"
	}
	switch c := s[0]; {
	case c == '.':
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return "!!float"
		}
	case c == '+' || c == '-' || c >= '0' && c <= '9':
		return numericTag(s)
	}
	return "!!str"
}

var yamlStyleFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// numericTag resolves a plain scalar starting with a digit or a sign, in
// yaml.v3's order: timestamp, integer, float, binary and octal integers.
func numericTag(s string) string {
	if isTimestamp(s) {
		return "!!timestamp"
	}
	// Shortcuts for the two common cases, which would otherwise cost the
	// failed parses below an error allocation each: digits only (an
	// integer: ParseInt takes 18 digits, but for a leading zero, which
	// makes them octal), and text that
	// no number syntax admits (an IP address, a CIDR range, a URL).
	if len(s) <= 18 && (s[0] != '0' || len(s) == 1) && strings.TrimLeft(s, "0123456789") == "" {
		return "!!int"
	}
	if strings.ContainsAny(s, "/:") || strings.Count(s, ".") > 1 {
		return "!!str"
	}
	plain := strings.ReplaceAll(s, "_", "")
	if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return "!!int"
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return "!!int"
	}
	if yamlStyleFloat.MatchString(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			return "!!float"
		}
	}
	for _, base := range []struct {
		prefix string
		base   int
	}{{"0b", 2}, {"0o", 8}} {
		if digits, ok := strings.CutPrefix(plain, base.prefix); ok {
			if _, err := strconv.ParseInt(digits, base.base, 64); err == nil {
				return "!!int"
			}
			if _, err := strconv.ParseUint(digits, base.base, 64); err == nil {
				return "!!int"
			}
		} else if digits, ok := strings.CutPrefix(plain, "-"+base.prefix); ok {
			if _, err := strconv.ParseInt("-"+digits, base.base, 64); err == nil {
				return "!!int"
			}
		}
	}
	return "!!str"
}

// timestampFormats are yaml.v3's layouts, the date alone first: any that
// parses makes a timestamp, and a request's dates are dates.
var timestampFormats = []string{
	"2006-1-2",
	"2006-1-2T15:4:5.999999999Z07:00",
	"2006-1-2t15:4:5.999999999Z07:00",
	"2006-1-2 15:4:5.999999999",
}

// isTimestamp is yaml.v3's parseTimestamp: four digits and a dash, then
// one of its layouts.
func isTimestamp(s string) bool {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, layout := range timestampFormats {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}

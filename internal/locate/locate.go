// Package locate maps a JSON pointer into a document back to the line and
// column of the YAML node it designates, so that every finding, whatever
// produced it, lands on the line the publisher must change.
package locate

import (
	"iter"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Target says which part of a mapping entry a position should designate.
type Target int

const (
	// AtValue designates the value (the default: "this value is wrong").
	AtValue Target = iota
	// AtKey designates the key of the entry ("this field is unknown").
	AtKey
)

// Position returns the 1-based line and column of the node at pointer. When
// the pointer goes further than the tree (a missing property), it returns
// the position of the deepest existing node's key, or of the node itself at
// the top: the place where the missing field must be added.
func Position(root *yaml.Node, pointer string, target Target) (line, col int) {
	if root == nil {
		return 1, 1
	}
	node, key := root, (*yaml.Node)(nil)
	for token := range tokens(pointer) {
		child, childKey := step(node, token)
		if child == nil {
			return pos(node, key)
		}
		node, key = child, childKey
	}
	if target == AtKey && key != nil {
		return key.Line, key.Column
	}
	return node.Line, node.Column
}

// Node returns the node at pointer, or nil.
func Node(root *yaml.Node, pointer string) *yaml.Node {
	node := root
	for token := range tokens(pointer) {
		if node == nil {
			return nil
		}
		node, _ = step(node, token)
	}
	return node
}

// pos prefers the key of an entry (where the eye looks for "spec is missing
// X") over its value.
func pos(node, key *yaml.Node) (int, int) {
	if key != nil {
		return key.Line, key.Column
	}
	return node.Line, node.Column
}

func step(node *yaml.Node, token string) (child, key *yaml.Node) {
	switch node.Kind {
	case yaml.MappingNode:
		// Last occurrence wins, like the loader's duplicate report would
		// point at; duplicates never reach the schema anyway.
		for i := len(node.Content) - 2; i >= 0; i -= 2 {
			if node.Content[i].Value == token {
				return node.Content[i+1], node.Content[i]
			}
		}
	case yaml.SequenceNode:
		i, err := strconv.Atoi(token)
		if err == nil && i >= 0 && i < len(node.Content) {
			return node.Content[i], nil
		}
	}
	return nil, nil
}

// tokens yields the unescaped reference tokens of a JSON pointer. It is an
// iterator, not a slice: the rules look up a few pointers in every file,
// and a slice per lookup was most of what locating allocated.
func tokens(pointer string) iter.Seq[string] {
	return func(yield func(string) bool) {
		if pointer == "" {
			return
		}
		for t := range strings.SplitSeq(strings.TrimPrefix(pointer, "/"), "/") {
			if strings.Contains(t, "~") {
				t = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
			}
			if !yield(t) {
				return
			}
		}
	}
}

// Escape escapes one reference token of a JSON pointer (RFC 6901).
func Escape(token string) string {
	if !strings.ContainsAny(token, "~/") {
		return token
	}
	return strings.ReplaceAll(strings.ReplaceAll(token, "~", "~0"), "/", "~1")
}

// Join builds a JSON pointer from unescaped tokens.
func Join(tokens ...string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(Escape(t))
	}
	return b.String()
}

// Field renders a pointer the way publishers read their file:
// /spec/redirectUris/0 → spec.redirectUris[0].
func Field(pointer string) string {
	var b strings.Builder
	for t := range tokens(pointer) {
		if _, err := strconv.Atoi(t); err == nil {
			b.WriteString("[" + t + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(t)
	}
	if b.Len() == 0 {
		return "(document)"
	}
	return b.String()
}

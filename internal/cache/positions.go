package cache

import (
	"errors"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/locate"
)

// A cached file has no YAML tree (parsing it is what the cache saves), yet
// the findings computed after the cache (cross-file and change rules, the
// date rules, online checks) need the position of their pointers. The entry
// keeps the shape of the tree instead: every node that a pointer can reach,
// with its position and, in a mapping, its key's text and position; no
// scalar value. Rebuilt as a skeleton of yaml.Node, it is located by
// locate.Position itself, so a cached file's positions are the parsed
// file's by construction (value position; for a missing pointer, the
// deepest existing key), and a test compares them on every node.

// Node kinds of the shape: only mappings and sequences have children a
// pointer can step into (see locate.step); every other node is a leaf.
const (
	shapeLeaf     = 0
	shapeMapping  = 1
	shapeSequence = 2
)

// maxShapeDepth bounds the nesting stored: a request needs 3 levels and the
// loader refuses more than load.MaxDepth; a deeper (refused) document is
// simply not cached, so no recursion depends on hostile input.
const maxShapeDepth = 64

var errTooDeep = errors.New("cache: document too deep to store")

// encodeShape appends the shape of n.
func encodeShape(w *writer, n *yaml.Node, depth int) error {
	if depth > maxShapeDepth {
		return errTooDeep
	}
	switch n.Kind {
	case yaml.MappingNode:
		w.buf = append(w.buf, shapeMapping)
		w.varint(int64(n.Line))
		w.varint(int64(n.Column))
		// The pairs locate can visit, from the last: it searches from the
		// end (the last duplicate key wins) in steps of two.
		w.uvarint(uint64(len(n.Content) / 2))
		for i := len(n.Content) - 2; i >= 0; i -= 2 {
			key := n.Content[i]
			w.string(key.Value)
			w.varint(int64(key.Line))
			w.varint(int64(key.Column))
			if err := encodeShape(w, n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		w.buf = append(w.buf, shapeSequence)
		w.varint(int64(n.Line))
		w.varint(int64(n.Column))
		w.uvarint(uint64(len(n.Content)))
		for _, c := range n.Content {
			if err := encodeShape(w, c, depth+1); err != nil {
				return err
			}
		}
	default:
		// Scalars, aliases (never followed: locate does not either) and
		// anything else: a position, no children.
		w.buf = append(w.buf, shapeLeaf)
		w.varint(int64(n.Line))
		w.varint(int64(n.Column))
	}
	return nil
}

// decodeShape rebuilds the skeleton, or with build false only checks the
// bytes (tests).
func decodeShape(r *reader, depth int, build bool) *yaml.Node {
	if depth > maxShapeDepth {
		r.fail()
		return nil
	}
	kind := r.byte()
	var n *yaml.Node
	if build {
		n = &yaml.Node{Kind: yaml.ScalarNode}
	}
	line, col := r.int(), r.int()
	if build {
		n.Line, n.Column = line, col
	}
	switch kind {
	case shapeLeaf:
	case shapeMapping:
		pairs := r.count()
		if build {
			n.Kind = yaml.MappingNode
			n.Content = make([]*yaml.Node, 2*pairs)
		}
		for i := pairs - 1; i >= 0 && r.err == nil; i-- {
			value := r.string()
			kl, kc := r.int(), r.int()
			child := decodeShape(r, depth+1, build)
			if build {
				n.Content[2*i] = &yaml.Node{Kind: yaml.ScalarNode, Value: value, Line: kl, Column: kc}
				n.Content[2*i+1] = child
			}
		}
	case shapeSequence:
		items := r.count()
		if build {
			n.Kind = yaml.SequenceNode
			n.Content = make([]*yaml.Node, items)
		}
		for i := 0; i < items && r.err == nil; i++ {
			child := decodeShape(r, depth+1, build)
			if build {
				n.Content[i] = child
			}
		}
	default:
		r.fail()
	}
	if r.err != nil {
		return nil
	}
	return n
}

// Positions locates pointers in a cached file. It implements
// rules.Locator.
type Positions struct {
	shape string // encoded
	once  sync.Once
	root  *yaml.Node
}

// Position answers exactly what locate.Position answers on the file's tree.
func (p *Positions) Position(pointer string, target locate.Target) (line, col int) {
	p.once.Do(func() {
		r := &reader{s: p.shape}
		p.root = decodeShape(r, 0, true)
		if r.s != "" {
			// Cannot happen with an index that passed its CRC check (see
			// decodeEntry); if it did, 1:1 like an unparsed file.
			p.root = nil
		}
	})
	return locate.Position(p.root, pointer, target)
}

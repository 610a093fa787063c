package locate

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

const doc = `apiVersion: fsgate/v1
metadata:
  name: x
spec:
  a/b: 1
  list:
    - first
    - second
  empty: {}
`

func TestPosition(t *testing.T) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
		t.Fatal(err)
	}
	root := n.Content[0]
	tests := []struct {
		pointer   string
		target    Target
		line, col int
	}{
		{"", AtValue, 1, 1},
		{"/apiVersion", AtValue, 1, 13},
		{"/apiVersion", AtKey, 1, 1},
		{"/metadata/name", AtValue, 3, 9},
		{"/spec/a~1b", AtValue, 5, 8},    // escaped '/'
		{"/spec/list/1", AtValue, 8, 7},  // second item
		{"/spec/list/9", AtValue, 6, 3},  // missing item: the list's key
		{"/spec/missing", AtValue, 4, 1}, // missing field: the parent's key
		{"/spec/empty/x", AtValue, 9, 3},
		{"/nope/deeper", AtValue, 1, 1}, // missing at the top: the document
	}
	for _, tt := range tests {
		line, col := Position(root, tt.pointer, tt.target)
		if line != tt.line || col != tt.col {
			t.Errorf("Position(%q) = %d:%d, want %d:%d", tt.pointer, line, col, tt.line, tt.col)
		}
	}
	if line, col := Position(nil, "/x", AtValue); line != 1 || col != 1 {
		t.Errorf("no tree: %d:%d, want 1:1", line, col)
	}
}

func TestFieldAndJoin(t *testing.T) {
	if got := Field("/spec/redirectUris/0"); got != "spec.redirectUris[0]" {
		t.Errorf("Field = %s", got)
	}
	if got := Join("spec", "a/b", "c~d"); got != "/spec/a~1b/c~0d" {
		t.Errorf("Join = %s", got)
	}
	if got := Field(Join("spec", "a/b")); got != "spec.a/b" {
		t.Errorf("round trip = %s", got)
	}
}

func TestNode(t *testing.T) {
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
		t.Fatal(err)
	}
	root := n.Content[0]
	tests := []struct{ pointer, want string }{
		{"/spec/list/1", "second"},
		{"/spec/a~1b", "1"},
		{"/metadata/name", "x"},
		{"/spec/list/1/deeper", ""},
		{"/spec/list/2", ""},
		{"/nope", ""},
	}
	for _, tt := range tests {
		got := ""
		if node := Node(root, tt.pointer); node != nil {
			got = node.Value
		}
		if got != tt.want {
			t.Errorf("Node(%q) = %q, want %q", tt.pointer, got, tt.want)
		}
	}
	if Node(root, "") != root {
		t.Error("the empty pointer is not the root")
	}
}

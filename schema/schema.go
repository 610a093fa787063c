// Package schema embeds the JSON Schema of a request file and compiles it
// once per process.
package schema

import (
	"bytes"
	_ "embed"
	"errors"
	"net/netip"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// File is the schema's file name, as referenced by the modeline of request
// files.
const File = "service-provider.schema.json"

//go:embed service-provider.schema.json
var source []byte

// Source returns the schema document as written.
func Source() []byte { return bytes.Clone(source) }

// Formats are the custom formats the schema uses beside the library's own;
// the library silently ignores a format it does not know, so every format
// the schema names must be either here or built in (a test checks it).
var Formats = []*jsonschema.Format{
	{Name: "ip-or-cidr", Validate: validateIPOrCIDR},
}

// validateIPOrCIDR accepts an IPv4 or IPv6 address or a CIDR range. Whether
// it is canonical and public is the ip-address rule's business.
func validateIPOrCIDR(v any) error {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	if strings.Contains(s, "/") {
		if _, err := netip.ParsePrefix(s); err != nil {
			return errors.New("not a CIDR range")
		}
		return nil
	}
	if _, err := netip.ParseAddr(s); err != nil {
		return errors.New("not an IP address")
	}
	return nil
}

// Compiled returns the compiled schema and the parsed document. Compiling
// happens once per process; the result is safe for concurrent use.
var Compiled = sync.OnceValues(func() (*Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(source))
	if err != nil {
		return nil, err
	}
	doc = inlineRefs(doc, doc)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, f := range Formats {
		c.RegisterFormat(f)
	}
	id, _ := doc.(map[string]any)["$id"].(string)
	if err := c.AddResource(id, doc); err != nil {
		return nil, err
	}
	s, err := c.Compile(id)
	if err != nil {
		return nil, err
	}
	return &Schema{Schema: s, Document: doc, ID: id}, nil
})

// Schema is the compiled schema with the document it came from, which
// carries the titles and hints that messages quote.
type Schema struct {
	*jsonschema.Schema
	Document any
	ID       string
}

// inlineRefs returns a copy of the schema document where each local
// reference to a definition ({"$ref": "#/$defs/uri", "title": …}) is
// replaced by the definition's keywords merged with its siblings. The
// schema means the same (in draft 2020-12, $ref applies beside its
// siblings), but the validator no longer follows a reference for every
// URI of every file, which the profile showed as a sixth of its work. A
// reference whose target shares a keyword with its siblings is kept.
func inlineRefs(node, root any) any {
	switch n := node.(type) {
	case map[string]any:
		out := make(map[string]any, len(n))
		for k, v := range n {
			out[k] = inlineRefs(v, root)
		}
		ref, _ := n["$ref"].(string)
		name, ok := strings.CutPrefix(ref, "#/$defs/")
		if !ok {
			return out
		}
		defs, _ := root.(map[string]any)["$defs"].(map[string]any)
		def, ok := inlineRefs(defs[name], root).(map[string]any)
		if !ok {
			return out
		}
		for k := range def {
			if _, clash := out[k]; clash {
				return out
			}
		}
		delete(out, "$ref")
		for k, v := range def {
			out[k] = v
		}
		return out
	case []any:
		out := make([]any, len(n))
		for i, v := range n {
			out[i] = inlineRefs(v, root)
		}
		return out
	}
	return node
}

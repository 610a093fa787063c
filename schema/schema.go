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
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
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
	// The library gets a copy without the conditionals Validate evaluates;
	// Document keeps them for the messages (x-reason, x-message).
	stripped := inlineRefs(doc, doc)
	lifted := liftConditionals(stripped)
	id, _ := doc.(map[string]any)["$id"].(string)
	s, err := compile(id, stripped)
	if err != nil {
		return nil, err
	}
	out := &Schema{Schema: s, Document: doc, ID: id}
	for _, c := range lifted {
		sub := s
		for _, name := range c.at {
			sub = sub.Properties[name]
		}
		out.conditionals = append(out.conditionals, locatedConditional{c, sub.Location})
	}
	return out, nil
})

// compile compiles a schema document with the formats fsgate asserts.
func compile(id string, doc any) (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, f := range Formats {
		c.RegisterFormat(f)
	}
	if err := c.AddResource(id, doc); err != nil {
		return nil, err
	}
	return c.Compile(id)
}

// Schema is the compiled schema with the document it came from, which
// carries the titles and hints that messages quote.
type Schema struct {
	*jsonschema.Schema
	Document any
	ID       string

	conditionals []locatedConditional
}

// locatedConditional is a lifted conditional with the library's location
// of the schema that holds it, which its errors' locations start with.
type locatedConditional struct {
	conditional
	location string
}

// Validate validates v as the library would with the whole schema: the
// library with every keyword but the lifted conditionals, which are
// evaluated here (conditional.go). The errors have the library's shape: a
// tree whose leaves are the violations.
func (s *Schema) Validate(v any) error {
	err := s.Schema.Validate(v)
	var errs []*jsonschema.ValidationError
	for i := range s.conditionals {
		errs = append(errs, s.conditionals[i].evaluate(v)...)
	}
	if len(errs) == 0 {
		return err
	}
	if err == nil {
		return &jsonschema.ValidationError{
			SchemaURL:        s.Location,
			InstanceLocation: nil,
			ErrorKind:        &kind.Schema{Location: s.Location},
			Causes:           errs,
		}
	}
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return err
	}
	verr.Causes = append(verr.Causes, errs...)
	return verr
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

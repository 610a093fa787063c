package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// EditorFile is the draft-07 copy of the schema that request files name in
// their modeline: yaml-language-server (the YAML extension of VS Code and
// others) understands draft-07 only, so completion and hover texts need
// this copy. fsgate itself validates with the 2020-12 source; a test keeps
// the copy generated from it.
const EditorFile = "service-provider.draft-07.schema.json"

// Modeline is the first line of a request file: it points editors at the
// schema, from providers/<platform>/<environment>/.
const Modeline = "# yaml-language-server: $schema=../../../schema/" + EditorFile

// Draft07 derives the editors' copy from the source schema: $defs become
// definitions, and a $ref with sibling keywords (a field's title and
// description next to a shared definition) is inlined, since draft-07
// ignores the siblings of $ref and editors would lose the French texts.
func Draft07() ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(source, &doc); err != nil {
		return nil, err
	}
	defs, _ := doc["$defs"].(map[string]any)
	var convert func(v any, depth int) (any, error)
	convert = func(v any, depth int) (any, error) {
		if depth > 32 {
			return nil, fmt.Errorf("schema too deep (a $ref cycle?)")
		}
		switch v := v.(type) {
		case map[string]any:
			out := map[string]any{}
			if ref, ok := v["$ref"].(string); ok && len(v) > 1 {
				name, found := strings.CutPrefix(ref, "#/$defs/")
				def, ok := defs[name].(map[string]any)
				if !found || !ok {
					return nil, fmt.Errorf("unknown $ref %q", ref)
				}
				inlined, err := convert(def, depth+1)
				if err != nil {
					return nil, err
				}
				for k, x := range inlined.(map[string]any) {
					out[k] = x
				}
			}
			for k, x := range v {
				if k == "$ref" && len(v) > 1 {
					continue
				}
				c, err := convert(x, depth+1)
				if err != nil {
					return nil, err
				}
				switch k {
				case "$defs":
					k = "definitions"
				case "$ref":
					c = strings.Replace(c.(string), "#/$defs/", "#/definitions/", 1)
				}
				out[k] = c
			}
			return out, nil
		case []any:
			out := make([]any, len(v))
			for i, x := range v {
				c, err := convert(x, depth+1)
				if err != nil {
					return nil, err
				}
				out[i] = c
			}
			return out, nil
		}
		return v, nil
	}
	converted, err := convert(doc, 0)
	if err != nil {
		return nil, err
	}
	out := converted.(map[string]any)
	out["$schema"] = "http://json-schema.org/draft-07/schema#"
	if id, ok := out["$id"].(string); ok {
		out["$id"] = strings.TrimSuffix(id, File) + EditorFile
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

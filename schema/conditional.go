package schema

import (
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// The schema's if/then/else say which fields a value of another field
// requires (FranceConnect+ requires jwksUri, production a date, an "other"
// editor its name). The library evaluates each one by validating the whole
// object three more times (the allOf branch, the if, the then), walking
// every property each time: a sixth of its time over a request, for three
// lookups. Validate evaluates the conditionals of that one shape itself,
// from the same document, and produces the errors the library would:
// same schema location, same instance location, same kind. The library
// still evaluates every other keyword, and any conditional of another
// shape (TestConditionalsAgree holds the two ways equal).

// conditional is a lifted if/then/else: "if the object at at has prop
// equal to value, then …, else …".
type conditional struct {
	at          []string // the object's instance location: property names from the root
	prop, value string
	then, els   *branch // nil when absent
}

// branch is a then or an else: fields the object must have, fields it
// must not have ({"properties": {name: {"not": {}}}}).
type branch struct {
	keywords  string // the branch's location in the document, "/allOf/0/then"
	required  []string
	forbidden []string
}

// liftConditionals removes from doc, in place, the conditionals Validate
// can evaluate and returns them. It follows "properties" from the root
// only, so that every conditional applies to one instance location. An
// allOf is lifted only whole: removing some of its items would move the
// others.
func liftConditionals(doc any) []conditional {
	var lifted []conditional
	var visit func(sch map[string]any, at []string)
	visit = func(sch map[string]any, at []string) {
		if !appliedToObjects(sch) {
			return
		}
		if c, ok := parseConditional(sch, "", at); ok {
			delete(sch, "if")
			delete(sch, "then")
			delete(sch, "else")
			lifted = append(lifted, c)
		}
		if all, ok := sch["allOf"].([]any); ok {
			var cs []conditional
			for i, item := range all {
				item, _ := item.(map[string]any)
				c, ok := parseConditional(item, "/allOf/"+strconv.Itoa(i), at)
				if !ok || !onlyKeys(item, "if", "then", "else") {
					cs = nil
					break
				}
				cs = append(cs, c)
			}
			if len(cs) > 0 {
				delete(sch, "allOf")
				lifted = append(lifted, cs...)
			}
		}
		props, _ := sch["properties"].(map[string]any)
		for name, p := range props {
			if p, ok := p.(map[string]any); ok && plainName(name) {
				visit(p, append(slices.Clip(at), name))
			}
		}
	}
	if root, ok := doc.(map[string]any); ok {
		visit(root, nil)
	}
	return lifted
}

// appliedToObjects reports whether the library goes on to an object's
// conditionals under sch: it stops at the first failed type, const, enum
// or format, before them.
func appliedToObjects(sch map[string]any) bool {
	for _, k := range []string{"const", "enum", "format"} {
		if _, ok := sch[k]; ok {
			return false
		}
	}
	switch t := sch["type"].(type) {
	case nil:
		return true
	case string:
		return t == "object"
	case []any:
		return slices.Contains(t, any("object"))
	}
	return false
}

// parseConditional reads sch's if/then/else when they have the shape
// Validate evaluates:
//
//	"if":   {"properties": {P: {"const": "…"}}, "required": [P]}
//	"then": {"required": […], "properties": {Q: {"not": {}}}}   (either, both)
//	"else": same as then, or absent
//
// with any "x-" annotation beside the keywords.
func parseConditional(sch map[string]any, base string, at []string) (conditional, bool) {
	cond, ok := sch["if"].(map[string]any)
	if !ok || !onlyKeys(cond, "properties", "required") {
		return conditional{}, false
	}
	props, _ := cond["properties"].(map[string]any)
	required, _ := cond["required"].([]any)
	if len(props) != 1 || len(required) != 1 {
		return conditional{}, false
	}
	prop, _ := required[0].(string)
	test, _ := props[prop].(map[string]any)
	value, isString := test["const"].(string)
	if !isString || !onlyKeys(test, "const") {
		return conditional{}, false
	}
	c := conditional{at: at, prop: prop, value: value}
	then, thenOK := parseBranch(sch, "then", base)
	els, elseOK := parseBranch(sch, "else", base)
	if !thenOK || !elseOK || then == nil && els == nil {
		return conditional{}, false
	}
	c.then, c.els = then, els
	return c, true
}

// parseBranch reads the then or else (key) of parent, whose keywords are
// at base in the document: nil and true when there is none.
func parseBranch(parent map[string]any, key, base string) (*branch, bool) {
	v, present := parent[key]
	if !present {
		return nil, true
	}
	sch, ok := v.(map[string]any)
	if !ok || !onlyKeys(sch, "required", "properties") {
		return nil, false
	}
	b := &branch{keywords: base + "/" + key}
	if req, present := sch["required"]; present {
		list, ok := req.([]any)
		if !ok {
			return nil, false
		}
		for _, name := range list {
			name, ok := name.(string)
			if !ok || slices.Contains(b.required, name) {
				return nil, false
			}
			b.required = append(b.required, name)
		}
	}
	if props, present := sch["properties"]; present {
		props, ok := props.(map[string]any)
		if !ok {
			return nil, false
		}
		for name, p := range props {
			p, ok := p.(map[string]any)
			not, isObject := p["not"].(map[string]any)
			if !ok || !isObject || len(not) != 0 || !onlyKeys(p, "not") || !plainName(name) {
				return nil, false
			}
			b.forbidden = append(b.forbidden, name)
		}
		slices.Sort(b.forbidden)
	}
	return b, true
}

// onlyKeys reports whether m has no keyword but those, "x-" annotations
// aside.
func onlyKeys(m map[string]any, keys ...string) bool {
	for k := range m {
		if !strings.HasPrefix(k, "x-") && !slices.Contains(keys, k) {
			return false
		}
	}
	return true
}

// plainName reports whether a property name needs no escaping in a JSON
// pointer or a URL fragment, so that locations can be written by
// concatenation.
func plainName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// evaluate returns the errors the library would report for c on the
// document v. The library reaches an object through "properties" whatever
// else is wrong, and applies if/then/else to objects only (on anything
// else, "properties" and "required" hold), so a missing or non-object
// value on the way means no error.
func (c *locatedConditional) evaluate(v any) []*jsonschema.ValidationError {
	obj, _ := v.(map[string]any)
	for _, name := range c.at {
		obj, _ = obj[name].(map[string]any)
	}
	if obj == nil {
		return nil
	}
	got, present := obj[c.prop]
	b := c.els
	if s, ok := got.(string); present && ok && s == c.value {
		b = c.then
	}
	if b == nil {
		return nil
	}
	var errs []*jsonschema.ValidationError
	var missing []string
	for _, name := range b.required {
		if _, ok := obj[name]; !ok {
			missing = append(missing, name)
		}
	}
	if missing != nil {
		errs = append(errs, &jsonschema.ValidationError{
			SchemaURL:        c.location + b.keywords,
			InstanceLocation: slices.Clone(c.at),
			ErrorKind:        &kind.Required{Missing: missing},
		})
	}
	for _, name := range b.forbidden {
		if _, ok := obj[name]; ok {
			errs = append(errs, &jsonschema.ValidationError{
				SchemaURL:        c.location + b.keywords + "/properties/" + name,
				InstanceLocation: append(slices.Clone(c.at), name),
				ErrorKind:        &kind.Not{},
			})
		}
	}
	return errs
}

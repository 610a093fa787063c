package schema

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// walk calls fn on every object of the schema document with its location.
func walk(t *testing.T, fn func(loc string, obj map[string]any)) {
	t.Helper()
	var doc any
	if err := json.Unmarshal(source, &doc); err != nil {
		t.Fatal(err)
	}
	var rec func(loc string, v any)
	rec = func(loc string, v any) {
		switch v := v.(type) {
		case map[string]any:
			fn(loc, v)
			for k, child := range v {
				rec(loc+"/"+k, child)
			}
		case []any:
			for i, child := range v {
				rec(loc+"/"+string(rune('0'+i)), child)
			}
		}
	}
	rec("#", doc)
}

func TestCompiles(t *testing.T) {
	s, err := Compiled()
	if err != nil {
		t.Fatal(err)
	}
	if s.ID == "" || !strings.HasSuffix(s.ID, "/"+File) {
		t.Errorf("$id %q does not end with the file name", s.ID)
	}
}

// TestFormatsAsserted: the library ignores a format it does not know, so a
// typo ("e-mail") would silently disable a check. Every format the schema
// names must be built in or registered, and must reject a bad value.
func TestFormatsAsserted(t *testing.T) {
	builtin := []string{"uri", "date", "email", "ipv4", "ipv6"}
	var used []string
	walk(t, func(_ string, obj map[string]any) {
		if f, ok := obj["format"].(string); ok && !slices.Contains(used, f) {
			used = append(used, f)
		}
	})
	slices.Sort(used)
	if len(used) == 0 {
		t.Fatal("the schema uses no format: the walk is broken")
	}
	bad := map[string]string{
		"uri": "pas une url", "date": "2027-02-30", "email": "personne", "ip-or-cidr": "10.0.0.300",
	}
	for _, name := range used {
		registered := slices.ContainsFunc(Formats, func(f *jsonschema.Format) bool { return f.Name == name })
		if !registered && !slices.Contains(builtin, name) {
			t.Errorf("format %q is neither built in nor registered: it would be ignored", name)
			continue
		}
		value, ok := bad[name]
		if !ok {
			t.Errorf("format %q has no bad example in this test", name)
			continue
		}
		if assertsFormat(t, name, value) {
			continue
		}
		t.Errorf("format %q accepted the bad value %q: assertion is off", name, value)
	}
}

// assertsFormat compiles a one-keyword schema with the same compiler
// settings and reports whether value is rejected.
func assertsFormat(t *testing.T, format, value string) bool {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, f := range Formats {
		c.RegisterFormat(f)
	}
	if err := c.AddResource("mem://f.json", map[string]any{
		"$schema": "https://json-schema.org/draft/2020-12/schema", "format": format,
	}); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("mem://f.json")
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(value) != nil
}

// TestEveryPropertyDocumented: editors show title and description on hover,
// in French.
func TestEveryPropertyDocumented(t *testing.T) {
	count := 0
	walk(t, func(loc string, obj map[string]any) {
		props, ok := obj["properties"].(map[string]any)
		if !ok || strings.Contains(loc, "/if") || strings.Contains(loc, "/else") {
			return // conditionals restate properties, they do not define them
		}
		for name, p := range props {
			count++
			p, _ := p.(map[string]any)
			title, _ := p["title"].(string)
			desc, _ := p["description"].(string)
			if title == "" || desc == "" {
				t.Errorf("%s/properties/%s: missing title or description", loc, name)
			}
		}
	})
	if count < 30 {
		t.Errorf("only %d properties documented: the walk is broken", count)
	}
}

func TestObjectsAreClosed(t *testing.T) {
	walk(t, func(loc string, obj map[string]any) {
		if obj["type"] != "object" {
			return
		}
		if obj["additionalProperties"] != false {
			t.Errorf("%s: object without additionalProperties: false", loc)
		}
	})
}

// TestInlineRefs: references to definitions are replaced by their keywords,
// except where a keyword would clash with a sibling of the reference.
func TestInlineRefs(t *testing.T) {
	doc := map[string]any{
		"$defs": map[string]any{
			"uri":  map[string]any{"type": "string", "format": "uri"},
			"list": map[string]any{"type": "array", "items": map[string]any{"$ref": "#/$defs/uri"}},
		},
		"properties": map[string]any{
			"site":  map[string]any{"title": "Site", "$ref": "#/$defs/uri"},
			"uris":  map[string]any{"$ref": "#/$defs/list"},
			"clash": map[string]any{"type": "number", "$ref": "#/$defs/uri"},
			"other": map[string]any{"$ref": "https://example.org/x.json"},
		},
	}
	got := inlineRefs(doc, doc).(map[string]any)["properties"].(map[string]any)
	want := map[string]any{
		"site":  map[string]any{"title": "Site", "type": "string", "format": "uri"},
		"uris":  map[string]any{"type": "array", "items": map[string]any{"type": "string", "format": "uri"}},
		"clash": map[string]any{"type": "number", "$ref": "#/$defs/uri"},
		"other": map[string]any{"$ref": "https://example.org/x.json"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("inlined:\n%v\nwant\n%v", got, want)
	}
	if _, ok := doc["properties"].(map[string]any)["site"].(map[string]any)["$ref"]; !ok {
		t.Error("the document itself was changed")
	}
}

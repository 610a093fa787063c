package schema

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"

	"github.com/fsgate/fsgate/internal/gen"
	"github.com/fsgate/fsgate/internal/load"
)

// whole compiles the schema as written, conditionals included: the oracle
// that Validate must agree with.
func whole(t testing.TB) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(source))
	if err != nil {
		t.Fatal(err)
	}
	doc = inlineRefs(doc, doc)
	s, err := compile(doc.(map[string]any)["$id"].(string), doc)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// leaves lists the violations of a validation error, one line each,
// sorted: the library's order follows map iteration.
func leaves(err error) []string {
	if err == nil {
		return nil
	}
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		return []string{"not a validation error: " + err.Error()}
	}
	var out []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			k := e.ErrorKind
			if a, ok := k.(*kind.AdditionalProperties); ok {
				// Listed in the order of the instance's map.
				k = &kind.AdditionalProperties{Properties: slices.Sorted(slices.Values(a.Properties))}
			}
			out = append(out, fmt.Sprintf("%s at /%s: %T %v", e.SchemaURL, strings.Join(e.InstanceLocation, "/"), k, k))
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(verr)
	slices.Sort(out)
	return out
}

// conditionalCases are the documents around the three conditionals: each
// trigger with and without what it requires, triggers of the wrong type,
// and objects that are not objects.
var conditionalCases = []string{
	"spec: {platform: franceconnect-plus}",
	"spec: {platform: franceconnect-plus, jwksUri: x}",
	"spec: {platform: franceconnect-plus, jwksUri: x, encryption: {}}",
	"spec: {platform: franceconnect}",
	"spec: {platform: [franceconnect-plus]}",
	"spec: {platform: 1}",
	"spec: {environment: production}",
	"spec: {environment: production, plannedProductionDate: 2027-01-01}",
	"spec: {environment: integration}",
	"spec: {platform: franceconnect-plus, environment: production}",
	"spec: {editor: {id: other}}",
	"spec: {editor: {id: other, name: X}}",
	"spec: {editor: {id: arpege, name: X}}",
	"spec: {editor: {id: arpege}}",
	"spec: {editor: {name: X}}",
	"spec: {editor: {id: null, name: X}}",
	"spec: {editor: [id, other]}",
	"spec: {editor: other}",
	"spec: [platform, franceconnect-plus]",
	"spec: franceconnect-plus",
	"- spec: {platform: franceconnect-plus}",
	"platform: franceconnect-plus",
	"{}",
}

// TestConditionalsAgree: Validate reports what the library reports with
// the conditionals left in, violation for violation, over every test
// file, the examples, generated requests and documents made to trigger
// each conditional.
func TestConditionalsAgree(t *testing.T) {
	s, err := Compiled()
	if err != nil {
		t.Fatal(err)
	}
	if len(s.conditionals) != 3 {
		t.Errorf("%d conditionals lifted, want the schema's 3", len(s.conditionals))
	}
	oracle := whole(t)
	var docs [][]byte
	files, _ := filepath.Glob("../internal/validate/testdata/*/*.yaml")
	examples, _ := filepath.Glob("../providers/*/*/*.yaml")
	for _, p := range append(files, examples...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, data)
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 300 {
		_, data := gen.Request(rng, i)
		docs = append(docs, data)
	}
	for _, c := range conditionalCases {
		docs = append(docs, []byte(c))
	}
	compared := 0
	for _, data := range docs {
		d, _ := load.Parse(data)
		if !d.Valid {
			continue
		}
		compared++
		got, want := leaves(s.Validate(d.Value)), leaves(oracle.Validate(d.Value))
		if !slices.Equal(got, want) {
			t.Errorf("%.60q:\ngot  %q\nwant %q", data, got, want)
		}
	}
	if compared < 400 {
		t.Errorf("only %d documents compared", compared)
	}
}

// FuzzConditionals holds Validate to the library on any document.
func FuzzConditionals(f *testing.F) {
	for _, c := range conditionalCases {
		f.Add([]byte(c))
	}
	examples, _ := filepath.Glob("../providers/*/*/*.yaml")
	for _, p := range examples {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	s, err := Compiled()
	if err != nil {
		f.Fatal(err)
	}
	oracle := whole(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, _ := load.Parse(data)
		if !d.Valid {
			return
		}
		got, want := leaves(s.Validate(d.Value)), leaves(oracle.Validate(d.Value))
		if !slices.Equal(got, want) {
			t.Errorf("got  %q\nwant %q", got, want)
		}
	})
}

// TestLiftConditionals: only the shape Validate evaluates is lifted, and
// only where the library is sure to reach it.
func TestLiftConditionals(t *testing.T) {
	cond := func() map[string]any {
		return map[string]any{
			"if":   map[string]any{"properties": map[string]any{"p": map[string]any{"const": "v"}}, "required": []any{"p"}},
			"then": map[string]any{"required": []any{"a"}, "x-reason": "…"},
		}
	}
	with := func(edit func(c map[string]any)) map[string]any {
		c := cond()
		edit(c)
		return c
	}
	tests := []struct {
		name   string
		schema map[string]any
		lifted int
	}{
		{"at the root", cond(), 1},
		{"in allOf", map[string]any{"allOf": []any{cond(), cond()}}, 2},
		{"allOf with another item", map[string]any{"allOf": []any{cond(), map[string]any{"required": []any{"b"}}}}, 0},
		{"under properties", map[string]any{"properties": map[string]any{"o": cond()}}, 1},
		{"under a string type", map[string]any{"type": "string", "if": cond()["if"], "then": cond()["then"]}, 0},
		{"under an enum", map[string]any{"properties": map[string]any{"o": with(func(c map[string]any) { c["enum"] = []any{1} })}}, 0},
		{"under items", map[string]any{"items": cond()}, 0},
		{"a property name to escape", map[string]any{"properties": map[string]any{"a/b": cond()}}, 0},
		{"if with a number", with(func(c map[string]any) {
			c["if"].(map[string]any)["properties"].(map[string]any)["p"] = map[string]any{"const": 1.0}
		}), 0},
		{"if without required", with(func(c map[string]any) { delete(c["if"].(map[string]any), "required") }), 0},
		{"then with minProperties", with(func(c map[string]any) { c["then"].(map[string]any)["minProperties"] = 1.0 }), 0},
		{"else forbidding", with(func(c map[string]any) {
			c["else"] = map[string]any{"properties": map[string]any{"n": map[string]any{"not": map[string]any{}, "x-message": "…"}}}
		}), 1},
		{"else with a type", with(func(c map[string]any) {
			c["else"] = map[string]any{"properties": map[string]any{"n": map[string]any{"type": "string"}}}
		}), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fmt.Sprint(tt.schema)
			lifted := liftConditionals(tt.schema)
			if len(lifted) != tt.lifted {
				t.Fatalf("lifted %d, want %d", len(lifted), tt.lifted)
			}
			if tt.lifted == 0 && fmt.Sprint(tt.schema) != before {
				t.Errorf("schema changed though nothing was lifted:\n%s\n%s", before, fmt.Sprint(tt.schema))
			}
		})
	}
}

package schema

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fsgate/fsgate/internal/load"
)

var update = flag.Bool("update", false, "regenerate the draft-07 copy")

// TestDraft07InSync: the editors' copy is what Draft07 makes of the source
// (regenerate with go test ./schema -update).
func TestDraft07InSync(t *testing.T) {
	want, err := Draft07()
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(EditorFile, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(EditorFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date: run go test ./schema -update", EditorFile)
	}
}

// TestDraft07JudgesAlike: a draft-07 consumer (the library in draft-07
// mode, as an editor would read the copy) accepts and refuses the same
// documents as the source, over every test file that loads.
func TestDraft07JudgesAlike(t *testing.T) {
	copy07, err := Draft07()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(copy07))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, f := range Formats {
		c.RegisterFormat(f)
	}
	if err := c.AddResource("mem://draft07.json", doc); err != nil {
		t.Fatal(err)
	}
	s07, err := c.Compile("mem://draft07.json")
	if err != nil {
		t.Fatal(err)
	}
	if s07.DraftVersion != 7 {
		t.Fatalf("compiled as draft %d", s07.DraftVersion)
	}
	src, err := Compiled()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../internal/validate/testdata/*/*.yaml")
	examples, _ := filepath.Glob("../providers/*/*/*.yaml")
	n := 0
	for _, p := range append(files, examples...) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := load.Parse(data)
		if !d.Valid {
			continue
		}
		n++
		if (src.Validate(d.Value) == nil) != (s07.Validate(d.Value) == nil) {
			t.Errorf("%s: the source and the draft-07 copy disagree", p)
		}
	}
	if n < 100 {
		t.Errorf("only %d documents compared", n)
	}
}

// TestDraft07KeepsTexts: every property of the copy keeps its title and
// description (the point of inlining the $refs).
func TestDraft07KeepsTexts(t *testing.T) {
	copy07, _ := Draft07()
	if bytes.Contains(copy07, []byte(`"$defs"`)) {
		t.Error("the copy still uses $defs")
	}
	for _, title := range []string{"URL de votre service", "URL de redirection de connexion", "Numéro de la demande DataPass"} {
		if !bytes.Contains(copy07, []byte(title)) {
			t.Errorf("title %q lost", title)
		}
	}
}

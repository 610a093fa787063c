package rules

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/schema"
)

// TestValidNameIsTheSchemaPattern: validName, written by hand because it
// runs on every file, accepts exactly what the schema's pattern for
// metadata.name accepts.
func TestValidNameIsTheSchemaPattern(t *testing.T) {
	var doc struct {
		Properties struct {
			Metadata struct {
				Properties struct {
					Name struct {
						Pattern string `json:"pattern"`
					} `json:"name"`
				} `json:"properties"`
			} `json:"metadata"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(schema.Source(), &doc); err != nil {
		t.Fatal(err)
	}
	pattern := regexp.MustCompile(doc.Properties.Metadata.Properties.Name.Pattern)
	names := []string{
		"", "a", "-", "a-", "-a", "a-b", "lyon-portail-famille", "Lyon", "a_b", "a.b", "é", "0", "00-0",
		strings.Repeat("a", 63), strings.Repeat("a", 64), "a" + strings.Repeat("-", 61) + "a",
		"a\n", "a b", "commune-03025-portail",
	}
	// Every string of up to three characters over an alphabet that
	// crosses each boundary of the pattern.
	alphabet := []string{"a", "z", "0", "9", "-", "A", "_", "é"}
	var grow func(prefix string, depth int)
	grow = func(prefix string, depth int) {
		names = append(names, prefix)
		if depth == 3 {
			return
		}
		for _, c := range alphabet {
			grow(prefix+c, depth+1)
		}
	}
	grow("", 0)
	for _, name := range names {
		if got, want := validName(name), pattern.MatchString(name); got != want {
			t.Errorf("validName(%q) = %v, the schema's pattern says %v", name, got, want)
		}
	}
}

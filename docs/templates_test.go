package docs_test

import (
	"encoding/json"
	"os"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/schema"
)

// TestIssueFormAsksEveryField: the issue form is the form's questions for
// publishers who do not write YAML; each field of the request has its
// question (the field id is the property name).
func TestIssueFormAsksEveryField(t *testing.T) {
	data, err := os.ReadFile("../.github/ISSUE_TEMPLATE/demande-fournisseur-de-service.yml")
	if err != nil {
		t.Fatal(err)
	}
	var form struct {
		Body []struct {
			Type string `yaml:"type"`
			ID   string `yaml:"id"`
		} `yaml:"body"`
	}
	if err := yaml.Unmarshal(data, &form); err != nil {
		t.Fatal(err)
	}
	asked := map[string]bool{}
	for _, b := range form.Body {
		if b.Type != "markdown" && b.ID == "" {
			t.Errorf("a %s question has no id", b.Type)
		}
		if asked[b.ID] && b.ID != "" {
			t.Errorf("id %q used twice", b.ID)
		}
		asked[b.ID] = true
	}
	var doc struct {
		Properties struct {
			Spec struct {
				Properties map[string]any `json:"properties"`
			} `json:"spec"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(schema.Source(), &doc); err != nil {
		t.Fatal(err)
	}
	for field := range doc.Properties.Spec.Properties {
		if !asked[field] {
			t.Errorf("the issue form does not ask for spec.%s", field)
		}
	}
}

package codeowners

import (
	"os"
	"slices"
	"testing"
)

func TestRepositoryCodeowners(t *testing.T) {
	src, err := os.ReadFile("../../CODEOWNERS")
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path  string
		owner string
	}{
		{"providers/franceconnect-plus/production/lyon.yaml", "@fsgate/franceconnect-reviewers"},
		{"providers/franceconnect/production/x.yaml", "@fsgate/franceconnect-reviewers"},
		{"providers/franceconnect-plus/integration/x.yaml", "@fsgate/fc-integration-reviewers"},
		{"internal/rules/uri.go", "@fsgate/maintainers"},
		{"schema/service-provider.schema.json", "@fsgate/maintainers"},
		{".github/workflows/validate.yml", "@fsgate/maintainers"},
		{"CODEOWNERS", "@fsgate/maintainers"},
		{"README.md", "@fsgate/maintainers"},
	}
	for _, tt := range tests {
		if got := f.Owners(tt.path); !slices.Contains(got, tt.owner) {
			t.Errorf("Owners(%s) = %v, want %s", tt.path, got, tt.owner)
		}
	}
}

func TestPatterns(t *testing.T) {
	tests := []struct {
		pattern, path string
		match         bool
	}{
		{"*", "a/b/c", true},
		{"*.go", "internal/x.go", true},
		{"*.go", "internal/x.golden", false},
		{"/docs/", "docs/rules/x.md", true},
		{"/docs/", "internal/docs/x.md", false},
		{"docs/", "docs/x.md", true},
		{"apps/", "src/apps/x", true}, // GitHub: an apps directory anywhere
		{"/build/logs/", "build/logs/a/b.log", true},
		{"providers/**/production/", "providers/franceconnect/production/a.yaml", true},
		{"providers/**/production/", "providers/production/a.yaml", true},
		{"providers/**/production/", "providers/x/integration/a.yaml", false},
		{"/go.mod", "go.mod", true},
		{"/go.mod", "sub/go.mod", false},
		{"docs/*", "docs/a.md", true},
		{"docs/*", "docs/rules/a.md", false},
		{"README.md", "sub/README.md", true},
	}
	for _, tt := range tests {
		re, err := compile(tt.pattern)
		if err != nil {
			t.Fatalf("%s: %v", tt.pattern, err)
		}
		if got := re.MatchString(tt.path); got != tt.match {
			t.Errorf("%q ~ %q = %v, want %v (%s)", tt.pattern, tt.path, got, tt.match, re)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{"!/x @a", "x notanowner", "[ab] @a"} {
		if _, err := Parse([]byte(src)); err == nil {
			t.Errorf("%q accepted", src)
		}
	}
	f, err := Parse([]byte("# comment\n\n*.md @docs # trailing\n/providers/ \n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Owners("a.md"); !slices.Equal(got, []string{"@docs"}) {
		t.Errorf("a.md: %v", got)
	}
	if got := f.Owners("providers/x.yaml"); len(got) != 0 {
		t.Errorf("a rule without owners must mean nobody: %v", got)
	}
}

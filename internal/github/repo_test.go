package github

import (
	"strings"
	"testing"
)

func TestParseRepo(t *testing.T) {
	valid := []string{"octo-org/octo-repo", "Codertocat/Hello-World", "fsgate/.github", "a/b.c_d-e", "o/r", "user_corp/repo", strings.Repeat("a", 39) + "/" + strings.Repeat("b", 100)}
	for _, s := range valid {
		r, err := ParseRepo(s)
		if err != nil {
			t.Errorf("ParseRepo(%q): %v", s, err)
			continue
		}
		if r.String() != s {
			t.Errorf("ParseRepo(%q).String() = %q", s, r.String())
		}
	}
	invalid := []string{"", "a", "a/", "/b", "a/b/c", "a/..", "a/.", "../b", "a b/c", "a/b?x=1", "a/b#c", "-a/b", "_a/b", "a/b%2F", "a/" + strings.Repeat("b", 101), strings.Repeat("a", 101) + "/b", "https://github.com/a/b", "a/é"}
	for _, s := range invalid {
		if r, err := ParseRepo(s); err == nil {
			t.Errorf("ParseRepo(%q) = %+v, want an error", s, r)
		}
	}
}

package docs_test

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/docs"
	"github.com/fsgate/fsgate/internal/rules"
)

// TestEveryRuleHasAPage: every finding links to docs/rules/<rule>.md, so a
// rule without its page is a broken link in every PR comment.
func TestEveryRuleHasAPage(t *testing.T) {
	ids := map[string]bool{}
	for _, r := range rules.All() {
		ids[r.ID] = true
		page, err := docs.RulePage(r.ID)
		if err != nil {
			t.Errorf("rule %s has no page docs/rules/%s.md", r.ID, r.ID)
			continue
		}
		text := string(page)
		if !strings.HasPrefix(text, "# `"+r.ID+"`") {
			t.Errorf("docs/rules/%s.md must start with \"# `%s`\"", r.ID, r.ID)
		}
		for _, section := range []string{"## Ce que la règle vérifie", "## Pourquoi", "## Exemple accepté"} {
			if !strings.Contains(text, section) {
				t.Errorf("docs/rules/%s.md lacks the section %q", r.ID, section)
			}
		}
		// A warning's bad example is "signalé" (flagged), an error's "refusé".
		if !strings.Contains(text, "## Exemple refusé") && !strings.Contains(text, "## Exemple signalé") {
			t.Errorf("docs/rules/%s.md lacks the section \"## Exemple refusé\" (or \"signalé\" for a warning)", r.ID)
		}
	}
	// And no page for a rule that does not exist (a renamed rule).
	pages, _ := fs.Glob(docs.Rules, "*.md")
	for _, p := range pages {
		if id := strings.TrimSuffix(p, ".md"); !ids[id] {
			t.Errorf("docs/rules/%s has no rule %q", p, id)
		}
	}
}

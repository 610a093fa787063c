package export

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/rules"
)

// fileOf loads a request as validate would, without the rules: the plan
// does not need the files to be valid.
func fileOf(path, src string) *rules.File {
	f := &rules.File{Path: path, Source: []byte(src)}
	doc, _ := load.Parse(f.Source)
	f.Root = doc.Root
	if doc.Valid {
		f.Request = request.FromValue(doc.Value)
	}
	return f
}

func requestYAML(platform, env, name, displayName, scopes, redirect, extra string) string {
	enc := ""
	if platform == request.FranceConnectPlus {
		enc = "  jwksUri: https://" + name + ".example.fr/jwks.json\n  encryption: ECDH-ES\n"
	}
	return fmt.Sprintf(`apiVersion: fsgate/v1
kind: ServiceProvider
metadata:
  name: %s
spec:
  platform: %s
  environment: %s
  organisation: Organisation
  displayName: %s
  site: https://%s.example.fr/
  datapass: D42
  redirectUris: [%s]
  postLogoutRedirectUris: [https://%s.example.fr/logout]
%s  signature: ES256
  scopes: [%s]
  contacts: [fs@example.fr]
%s`, name, platform, env, displayName, name, redirect, name, enc, scopes, extra)
}

func reqPath(platform, env, name string) string {
	return "providers/" + platform + "/" + env + "/" + name + ".yaml"
}

// planFixture is a pull request that: adds scopes to an existing FS and
// changes its redirect URI; leaves one FS alone; deletes one; breaks one
// (skipped, not deleted); creates one whose name is hostile Markdown.
func planFixture() (base, head []*rules.File) {
	const fcp, fc, prod, integ = request.FranceConnectPlus, request.FranceConnect, request.Production, request.Integration
	lyonBase := requestYAML(fcp, prod, "lyon", "Lyon - Portail", "openid, given_name, birthdate", "https://lyon.example.fr/cb", "")
	lyonHead := requestYAML(fcp, prod, "lyon", "Lyon - Portail", "openid, given_name, email, gender", "https://lyon.example.fr/callback",
		"  sectorIdentifierUri: https://lyon.example.fr/sector.json\n")
	same := requestYAML(fc, prod, "stable", "Stable", "openid, family_name", "https://stable.example.fr/cb", "")
	gone := requestYAML(fcp, integ, "ancien", "Ancien service", "openid", "https://ancien.example.fr/cb", "")
	broken := requestYAML(fc, prod, "casse", "Cassé", "openid", "https://casse.example.fr/cb", "")
	hostile := requestYAML(fcp, prod, "nouveau", "\"Evil `x` @fsgate/team <img src=x onerror=alert(1)> | [lien](https://evil.example) **gras** \\u202e #12\"",
		"openid, given_name, \"rnipp_`birth`\"", "https://nouveau.example.fr/cb", "")
	base = []*rules.File{
		fileOf(reqPath(fcp, prod, "lyon"), lyonBase),
		fileOf(reqPath(fc, prod, "stable"), same),
		fileOf(reqPath(fcp, integ, "ancien"), gone),
		fileOf(reqPath(fc, prod, "casse"), broken),
	}
	head = []*rules.File{
		fileOf(reqPath(fcp, prod, "lyon"), lyonHead),
		fileOf(reqPath(fc, prod, "stable"), same),
		fileOf(reqPath(fc, prod, "casse"), "spec: [\n"),
		fileOf(reqPath(fcp, prod, "nouveau"), hostile),
	}
	return base, head
}

func TestPlan(t *testing.T) {
	c := Plan(planFixture())
	if got := strings.Join(c.Created, " "); got != "franceconnect-plus/production/nouveau" {
		t.Errorf("created %s", got)
	}
	if got := strings.Join(c.Deleted, " "); got != "franceconnect-plus/integration/ancien" {
		t.Errorf("deleted %s (a file broken in the head must not be deleted)", got)
	}
	if len(c.Updated) != 1 || strings.Join(c.Updated[0].ScopesAdded, " ") != "email gender" ||
		strings.Join(c.Updated[0].ScopesRemoved, " ") != "birthdate" {
		t.Errorf("updated %+v", c.Updated)
	}
	if c.Summary.Unchanged != 1 || len(c.Skipped) != 1 || c.Skipped[0].Side != "head" {
		t.Errorf("summary %+v skipped %+v", c.Summary, c.Skipped)
	}
}

func TestPlanGolden(t *testing.T) {
	c := Plan(planFixture())
	outputs := map[string]string{
		"plan-fr.md":       c.Markdown(finding.FR),
		"plan-en.md":       c.Markdown(finding.EN),
		"plan-fr.txt":      c.Text(finding.FR),
		"plan-en.txt":      c.Text(finding.EN),
		"plan.json":        string(c.JSON()),
		"plan-empty-fr.md": Plan(nil, nil).Markdown(finding.FR),
	}
	for name, got := range outputs {
		golden := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s differs from the golden file (go test -update to accept):\n%s", name, got)
		}
		if strings.HasSuffix(name, ".json") {
			checkSortedKeys(t, name, []byte(got))
		}
	}
}

// TestPlanMarkdownInert: no value from a request becomes markup, a
// mention, a link or a line break: outside code spans, none of it is left.
func TestPlanMarkdownInert(t *testing.T) {
	md := Plan(planFixture()).Markdown(finding.FR)
	for _, line := range strings.Split(md, "\n") {
		rest := stripCodeSpans(line)
		for _, bad := range []string{"<img", "@fsgate", "](https://evil", "**gras**", "#12", "\u202e"} {
			if strings.Contains(rest, bad) {
				t.Errorf("%q outside a code span in line %q", bad, line)
			}
		}
	}
	if strings.Contains(md, "\u202e") {
		t.Error("a bidi override reached the markdown")
	}
	if txt := Plan(planFixture()).Text(finding.FR); strings.Contains(txt, "\u202e") {
		t.Error("a bidi override reached the text output")
	}
}

// stripCodeSpans removes the inline code spans of a line, as CommonMark
// reads them: a run of n backticks opens a span that the next run of
// exactly n backticks closes.
func stripCodeSpans(line string) string {
	var out strings.Builder
	for i := 0; i < len(line); {
		if line[i] != '`' {
			out.WriteByte(line[i])
			i++
			continue
		}
		n := 0
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		closed := -1
		for j := i + n; j < len(line); {
			if line[j] != '`' {
				j++
				continue
			}
			m := 0
			for j+m < len(line) && line[j+m] == '`' {
				m++
			}
			if m == n {
				closed = j + m
				break
			}
			j += m
		}
		if closed < 0 {
			out.WriteString(line[i : i+n])
			i += n
			continue
		}
		i = closed
	}
	return out.String()
}

func TestMarkdownLimit(t *testing.T) {
	clients := map[string]Client{}
	for i := range 500 {
		clients[fmt.Sprintf("franceconnect/production/fs-%03d", i)] = sample()
	}
	c := mustDiff(t, exportOf(nil).Clients(), exportOf(clients))
	for _, limit := range []int{1000, 5000, DefaultMarkdownLimit} {
		md := c.MarkdownLimit(finding.FR, limit)
		if len(md) > limit {
			t.Errorf("limit %d: %d bytes", limit, len(md))
		}
		if !strings.Contains(md, "autres éléments non affichés") {
			t.Errorf("limit %d: no line saying items were left out", limit)
		}
		if strings.Count(md, "\n- ") < 3 {
			t.Errorf("limit %d: almost nothing shown:\n%s", limit, md)
		}
	}
	if md := c.MarkdownLimit(finding.FR, 1<<20); strings.Contains(md, "non affichés") || strings.Count(md, "\n- ") != 500 {
		t.Error("a large limit must show every item")
	}
}

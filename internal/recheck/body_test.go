package recheck

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fsgate/fsgate/internal/codeowners"
	"github.com/fsgate/fsgate/internal/report"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

// monday is the date of the first scheduled run of the tests.
var monday = time.Date(2026, 3, 2, 6, 4, 0, 0, time.UTC)

func owners(t *testing.T) *codeowners.File {
	t.Helper()
	src, err := os.ReadFile("testdata/CODEOWNERS")
	if err != nil {
		t.Fatal(err)
	}
	f, err := codeowners.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func bodyOptions(t *testing.T) BodyOptions {
	return BodyOptions{
		ServerURL: "https://github.com", Repo: "fsgate/fsgate", Branch: "main",
		RunURL: "https://github.com/fsgate/fsgate/actions/runs/13453312345",
		Date:   monday, Owners: owners(t),
	}
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update and review the diff):\n%s", name, got)
	}
}

func TestIssueGolden(t *testing.T) {
	r, err := Render(Broken(fixture(t)), bodyOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	if r.Title != "fsgate : 4 fournisseurs de service en anomalie" {
		t.Errorf("title = %q", r.Title)
	}
	golden(t, "issue.md", r.Body)
	golden(t, "resolved.md", Resolved(bodyOptions(t)))

	var summary bytes.Buffer
	if err := WriteSummary(&summary, Broken(fixture(t)), bodyOptions(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "summary.md", summary.String())
}

func TestTitle(t *testing.T) {
	for n, want := range map[int]string{
		1:  "fsgate : 1 fournisseur de service en anomalie",
		2:  "fsgate : 2 fournisseurs de service en anomalie",
		40: "fsgate : 40 fournisseurs de service en anomalie",
	} {
		if got := Title(n); got != want {
			t.Errorf("Title(%d) = %q, want %q", n, got, want)
		}
	}
}

// The owners of each file are mentioned when they are a user or a team,
// shown inert otherwise; a file nobody owns says so.
func TestMentions(t *testing.T) {
	r, err := Render(Broken(fixture(t)), bodyOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Propriétaires (CODEOWNERS) : @fsgate/franceconnect-reviewers @marie-dupont\n",
		"Propriétaires (CODEOWNERS) : @fsgate/franceconnect-reviewers `securite@villeurbanne.fr` `@bad!owner`\n",
		"Propriétaires (CODEOWNERS) : aucun\n",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("body lacks %q", want)
		}
	}
	// Without CODEOWNERS, nobody.
	opts := bodyOptions(t)
	opts.Owners = nil
	r, err = Render(Broken(fixture(t)), opts)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(r.Body, "Propriétaires (CODEOWNERS) : aucun\n") != 4 || mentions(r.Body) != nil {
		t.Errorf("without CODEOWNERS: mentions %v", mentions(r.Body))
	}
}

func TestMention(t *testing.T) {
	for owner, want := range map[string]string{
		"@marie-dupont":                "@marie-dupont",
		"@jdupont_acme":                "@jdupont_acme",
		"@fsgate/maintainers":          "@fsgate/maintainers",
		"securite@mairie.fr":           "`securite@mairie.fr`",
		"@fsgate/a/b":                  "`@fsgate/a/b`",
		"@-dash":                       "`@-dash`",
		"@x<img>":                      "`@x<img>`",
		"@org/team`code`":              "`` @org/team`code` ``",
		"@everyone\u202e":              "`@everyone\uFFFD`",
		"@" + strings.Repeat("a", 101): "`@" + strings.Repeat("a", 98) + "…`",
	} {
		if got := mention(owner); got != want {
			t.Errorf("mention(%q) = %q, want %q", owner, got, want)
		}
	}
}

// mentionRE finds what GitHub would take for a mention: an '@' not
// preceded by a word character, followed by a login or org/team.
var mentionRE = regexp.MustCompile(`(?:^|[^A-Za-z0-9_\x60])@([A-Za-z0-9][A-Za-z0-9_-]*(?:/[A-Za-z0-9][A-Za-z0-9_-]*)?)`)

// codeSpanRE matches the code spans mdCode writes: a fence of n
// backticks, text, the same fence (the longest run inside is shorter).
var codeSpanRE = regexp.MustCompile("(?:````[^`].*?````|```[^`].*?```|``[^`].*?``|`[^`]+`)")

// mentions lists the mentions of body outside code spans, roughly: the
// code spans of this body never span lines, so removing them line by line
// is enough for the tests.
func mentions(body string) []string {
	var out []string
	for _, line := range strings.Split(body, "\n") {
		line = codeSpanRE.ReplaceAllString(line, "")
		for _, m := range mentionRE.FindAllStringSubmatch(line, -1) {
			out = append(out, m[1])
		}
	}
	return out
}

// hostile are findings whose texts try every way out of a table cell.
func hostile() []report.JSONFinding {
	const p = "providers/franceconnect-plus/production/lyon-portail-famille.yaml"
	mk := func(line int, rule, msg, sugg string) report.JSONFinding {
		return report.JSONFinding{Path: p, Line: line, Rule: rule, Severity: "error", Message: msg, Suggestion: sugg, Doc: "docs/rules/" + rule + ".md"}
	}
	return []report.JSONFinding{
		mk(3, "jwks-content", "@everyone @fsgate/maintainers regardez #1 et GH-2", "@everyone"),
		mk(4, "jwks-content", `<img src=x onerror=alert(1)> <!-- <script>alert(1)</script> &amp;`, "<b>gras</b>"),
		mk(5, "fetch-failed", "`spec.jwksUri` : ``` fin de bloc ``` et ` seul", "```\n| a | b |"),
		mk(6, "fetch-failed", "cellule | cassée | \\| encore", "a|b"),
		mk(7, "sector-identifier-content", "ligne 1\nligne 2\r\n| ❌ 1 | faux | faux | |\n## titre", "x\ny"),
		mk(8, "sector-identifier-content", "[clic](javascript:alert(1)) ![img](https://evil.example/x.png) **gras** _it_ ~~barré~~ $x$", "[a](b)"),
		mk(9, "sector-identifier-content", "bidi \u202eevil\u202c zéro\u200blargeur", "\u2028"),
	}
}

func TestHostileText(t *testing.T) {
	fs := hostile()
	r, err := Render(fs, bodyOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "hostile.md", r.Body)

	// Mentions: only the owners of CODEOWNERS, never a text's.
	for _, m := range mentions(r.Body) {
		if m != "fsgate/franceconnect-reviewers" && m != "marie-dupont" {
			t.Errorf("body mentions @%s", m)
		}
	}
	// No raw control or format character anywhere.
	for _, bad := range []string{"\r", "\u202e", "\u202c", "\u200b", "\u2028"} {
		if strings.Contains(r.Body, bad) {
			t.Errorf("body holds %q", bad)
		}
	}
	// Outside code spans (where everything is inert): no HTML but the
	// hidden markers, no issue reference, no link or image of a text's.
	for _, line := range strings.Split(r.Body, "\n") {
		if line == Marker || digestRE.MatchString(line) {
			continue
		}
		text := codeSpanRE.ReplaceAllString(line, "")
		for _, bad := range []string{"<", "#1 ", "GH-2", "](javascript:", "![img]("} {
			if strings.Contains(strings.ReplaceAll(text, "\\]", ""), bad) {
				t.Errorf("outside code spans, %q in %q", bad, line)
			}
		}
	}
	// One table row per finding, each with its five cell borders: no text
	// broke out of its cell or its row.
	var rows []string
	for _, line := range strings.Split(r.Body, "\n") {
		if strings.HasPrefix(line, "| ❌") {
			rows = append(rows, line)
		}
	}
	if len(rows) != len(fs) {
		t.Fatalf("%d rows, want %d:\n%s", len(rows), len(fs), r.Body)
	}
	for _, row := range rows {
		if n := unescapedPipes(row); n != 5 {
			t.Errorf("row with %d cell borders: %s", n, row)
		}
	}
}

// unescapedPipes counts the '|' of a row that end a cell: not preceded by
// a backslash (GitHub splits cells before it parses code spans).
func unescapedPipes(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n
}

// Thousands of findings: the body stays under GitHub's limit, cut at a
// row, with a notice that points to the run and mentions the owners of
// what was left out.
func TestSizeBound(t *testing.T) {
	var fs []report.JSONFinding
	for i := range 1500 {
		dir := "franceconnect-plus/production"
		if i%2 == 1 {
			dir = "franceconnect/production"
		}
		p := fmt.Sprintf("providers/%s/commune-%04d.yaml", dir, i)
		for j := range 3 {
			fs = append(fs, report.JSONFinding{Path: p, Line: 10 + j, Rule: "jwks-content", Severity: "error",
				Message:    "`spec.jwksUri` → JWKS : aucune clé utilisable pour le chiffrement ECDH-ES : " + strings.Repeat("é|@x ", 40),
				Suggestion: strings.Repeat("`", 3), Doc: "docs/rules/jwks-content.md"})
		}
	}
	opts := bodyOptions(t)
	r, err := Render(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Body) > MaxBody || utf8.RuneCountInString(r.Body) > MaxBody {
		t.Errorf("body of %d bytes, %d characters: over %d", len(r.Body), utf8.RuneCountInString(r.Body), MaxBody)
	}
	if len(r.Body) < MaxBody-3000 {
		t.Errorf("body of %d bytes: the cut wastes room", len(r.Body))
	}
	if r.Title != "fsgate : 1500 fournisseurs de service en anomalie" {
		t.Errorf("title = %q", r.Title)
	}
	if !utf8.ValidString(r.Body) || !strings.HasPrefix(r.Body, Marker+"\n") || digestOf(r.Body) != r.Digest {
		t.Error("body is not valid UTF-8, or lost its marker or its digest")
	}
	notice := regexp.MustCompile(`\n⚠️ (\d+) autres problèmes non affichés \(dans (\d+) demandes\) : limite de taille de GitHub\. La liste complète est dans le résumé de \[l'exécution de la vérification\]\(https://github\.com/fsgate/fsgate/actions/runs/13453312345\)\.`)
	m := notice.FindStringSubmatch(r.Body)
	if m == nil {
		t.Fatalf("no notice at the end:\n%s", r.Body[len(r.Body)-2000:])
	}
	rows := strings.Count(r.Body, "\n| ❌")
	if shown, left := rows, m[1]; fmt.Sprint(len(fs)-shown) != left {
		t.Errorf("%d rows shown, notice says %s left of %d", shown, left, len(fs))
	}
	// The rows before the notice are whole.
	before := r.Body[:strings.LastIndex(r.Body, "\n⚠️")]
	if !strings.HasSuffix(before, " |\n") {
		t.Errorf("the cut left a partial row: %q", before[len(before)-200:])
	}
	// Both teams own files left out: both are mentioned in the notice.
	if !strings.Contains(r.Body, "Propriétaires des demandes non affichées : @fsgate/franceconnect-reviewers @marie-dupont `securite@villeurbanne.fr` `@bad!owner`\n") {
		t.Errorf("notice does not mention the owners of what it leaves out:\n%s", r.Body[len(r.Body)-600:])
	}

	// A limit too small for anything is an error, not a broken body.
	opts.Limit = 500
	if _, err := Render(fs, opts); err == nil {
		t.Error("a 500-byte limit was accepted")
	}
}

// The digest ignores the date and the run, nothing else.
func TestDigest(t *testing.T) {
	fs := Broken(fixture(t))
	a, _ := Render(fs, bodyOptions(t))
	later := bodyOptions(t)
	later.Date = monday.AddDate(0, 0, 7)
	later.RunURL = "https://github.com/fsgate/fsgate/actions/runs/13999999999"
	b, _ := Render(fs, later)
	if a.Body == b.Body || a.Digest != b.Digest {
		t.Errorf("a week later: same body %v, same digest %v; want a new date and the same digest", a.Body == b.Body, a.Digest == b.Digest)
	}
	changed := append([]report.JSONFinding(nil), fs...)
	changed[0].Message += " (autre)"
	c, _ := Render(changed, bodyOptions(t))
	if c.Digest == a.Digest {
		t.Error("another message, same digest")
	}
	if digestOf(a.Body) != a.Digest || digestOf("sans empreinte") != "" {
		t.Error("digestOf does not read back the digest")
	}
}

func TestBodyOptionsCheck(t *testing.T) {
	good := BodyOptions{ServerURL: "https://github.com", Repo: "o/r", Branch: "main"}
	if err := good.Check(); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*BodyOptions){
		"http server":       func(o *BodyOptions) { o.ServerURL = "http://github.com" },
		"trailing slash":    func(o *BodyOptions) { o.ServerURL = "https://github.com/" },
		"server with query": func(o *BodyOptions) { o.ServerURL = "https://github.com?x=1" },
		"no branch":         func(o *BodyOptions) { o.Branch = "" },
		"branch with space": func(o *BodyOptions) { o.Branch = "a b" },
		"branch with ..":    func(o *BodyOptions) { o.Branch = "../x" },
		"bad repository":    func(o *BodyOptions) { o.Repo = "o" },
		"run URL elsewhere": func(o *BodyOptions) { o.RunURL = "https://evil.example/runs/1" },
		"run URL lookalike": func(o *BodyOptions) { o.RunURL = "https://github.com.evil.example/runs/1" },
	} {
		o := good
		change(&o)
		if err := o.Check(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// A branch with a slash is linked segment by segment.
	o := good
	o.Branch = "release/2026 été"
	if err := o.Check(); err == nil {
		t.Error("branch with a space accepted")
	}
	o.Branch = "release/été"
	if got, want := o.blob(), "https://github.com/o/r/blob/release/%C3%A9t%C3%A9/"; got != want {
		t.Errorf("blob = %q, want %q", got, want)
	}
}

func TestLogLine(t *testing.T) {
	f := report.JSONFinding{Path: "providers/a.yaml", Line: 3, Rule: "fetch-failed", Severity: "warning",
		Message: "x\n::error::injecté\r\n::add-mask::y", Suggestion: "s"}
	got := LogLine(f)
	want := "- providers/a.yaml:3: avertissement [fetch-failed] x\uFFFD::error::injecté\uFFFD\uFFFD::add-mask::y (suggestion : s)"
	if got != want {
		t.Errorf("LogLine = %q, want %q", got, want)
	}
}

// The notice of a cut body names at most maxNoticeOwners owners.
func TestOmittedOwnersBounded(t *testing.T) {
	var owners []string
	for i := range 60 {
		owners = append(owners, fmt.Sprintf("@org/team-%02d", i))
	}
	got := omitted(900, 60, owners, "")
	if !strings.Contains(got, "@org/team-49 et 10 autres (voir CODEOWNERS)") || strings.Contains(got, "@org/team-50") {
		t.Errorf("notice: %s", got)
	}
	if !strings.Contains(got, "La liste complète est dans le résumé du job de la vérification.") {
		t.Errorf("notice without a run URL: %s", got)
	}
}

package report

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/markdown"
)

func TestGoldenMarkdown(t *testing.T) {
	for name, in := range map[string]*Input{
		"fr":       sample(finding.FR),
		"en":       sample(finding.EN),
		"links":    withLinks(sample(finding.FR)),
		"clean":    clean(finding.FR),
		"clean-en": clean(finding.EN),
		"hostile":  withLinks(hostileInput()),
	} {
		t.Run(name, func(t *testing.T) {
			checkGolden(t, "markdown-"+name, []byte(render(t, "markdown", in)))
		})
	}
}

func TestMarkdownVerdict(t *testing.T) {
	warnOnly := &Input{Lang: finding.FR, Files: []string{paris}, Findings: []finding.Finding{
		{Path: paris, Line: 1, Column: 1, Rule: "r", Severity: finding.Warning, Message: finding.T("m", "m")},
	}}
	oneErr := &Input{Lang: finding.EN, Files: []string{paris}, Findings: []finding.Finding{
		{Path: paris, Line: 1, Column: 1, Rule: "r", Severity: finding.Error, Message: finding.T("m", "m")},
	}}
	for _, tc := range []struct {
		in   *Input
		want string
	}{
		{sample(finding.FR), "**❌ 4 erreurs à corriger, 2 avertissements**\n"},
		{sample(finding.EN), "**❌ 4 errors to fix, 2 warnings**\n"},
		{clean(finding.FR), "**✅ Aucun problème : prêt pour la revue**\n"},
		{clean(finding.EN), "**✅ No problems: ready for review**\n"},
		{warnOnly, "**⚠️ Aucune erreur, 1 avertissement à examiner : prêt pour la revue**\n"},
		{oneErr, "**❌ 1 error to fix**\n"},
	} {
		out := render(t, "markdown", tc.in)
		if first, _, _ := strings.Cut(out, "\n"); first+"\n" != tc.want {
			t.Errorf("verdict %q, want %q", first, tc.want)
		}
	}
	if out := render(t, "markdown", sample(finding.FR)); !strings.HasSuffix(out, "\n✅ 2 fichiers sans problème\n") {
		t.Errorf("the report must end with the clean files:\n%s", out)
	}
	if out := render(t, "markdown", oneErr); strings.Contains(out, "✅") {
		t.Errorf("no clean file, yet:\n%s", out)
	}
}

func TestMarkdownLinks(t *testing.T) {
	in := withLinks(sample(finding.FR))
	out := render(t, "markdown", in)
	for _, want := range []string{
		"### `" + lyon + "`\n",
		"| ❌ [9](" + in.BlobURL + lyon + "#L9) | [`datapass-number`](" + in.DocURL + "docs/rules/datapass-number.md) |",
		"| ❌ — | [`yaml`](" + in.DocURL + "docs/rules/yaml.md) |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	out = render(t, "markdown", sample(finding.FR))
	if want := "| ❌ 9 | [`datapass-number`](docs/rules/datapass-number.md) |"; !strings.Contains(out, want) {
		t.Errorf("without prefixes: no %q in\n%s", want, out)
	}
}

// hostileInput carries values a pull request controls, each trying to
// escape its place: mentions, HTML, table breaks, backticks, line breaks,
// links, math, references, bidi overrides.
func hostileInput() *Input {
	const p = "providers/franceconnect/integration/x`|<b>@fc-team\n## titre.yaml"
	return &Input{Lang: finding.FR, Files: []string{p}, Findings: []finding.Finding{
		{Path: p, Line: 3, Column: 9, Rule: "schema", Severity: finding.Error,
			Message: finding.T("`metadata.name` vaut « @fc-team <script>alert(1)</script> » : cc @octocat/admins #12 fsgate/fsgate#3", "x")},
		{Path: p, Line: 4, Column: 9, Rule: "schema", Severity: finding.Error,
			Message:    finding.T("`spec.displayName` vaut « a | b || c » puis \\| d", "x"),
			Suggestion: "x | y"},
		{Path: p, Line: 5, Column: 9, Rule: "schema", Severity: finding.Warning,
			Message:    finding.T("`spec.notes` vaut « `` ` ``` ``code`` fin", "x"),
			Suggestion: "`a`` b"},
		{Path: p, Line: 6, Column: 9, Rule: "schema", Severity: finding.Error,
			Message:    finding.T("ligne 1\nligne 2\r\n| ❌ 1 | [`x`](https://evil.example) | faux | |\n\n# Approuvé", "x"),
			Suggestion: "a\n\n<img src=x onerror=alert(1)>"},
		{Path: p, Line: 7, Column: 9, Rule: "schema", Severity: finding.Error,
			Message: finding.T("**gras** _it_ ~~barré~~ $\\href{https://evil.example}{x}$ [lien](https://evil.example) ![i](https://evil.example/i.png) &lt;b&gt; &amp; \u202eevil\u200b", "x")},
		{Path: p, Line: 8, Column: 9, Rule: "schema", Severity: finding.Error,
			Message: finding.T("`<script>` et `@fc-team` restent du code ; `x|y`", "x")},
	}}
}

// cell is one segment of a rendered table cell.
type segment struct {
	code bool
	s    string // code: the code span's content; text: the text, escapes resolved
	bare string // text only: the characters not escaped by a backslash
}

// splitRow splits a table row into cells the way GitHub's cmark-gfm does:
// at every '|' not preceded by a backslash, whatever the code spans; then
// "\|" becomes "|" in each cell.
func splitRow(line string) []string {
	var cells []string
	start := 0
	for i := 0; i < len(line); i++ {
		if line[i] == '|' && (i == 0 || line[i-1] != '\\') {
			cells = append(cells, line[start:i])
			start = i + 1
		}
	}
	cells = append(cells, line[start:])
	for i, c := range cells {
		cells[i] = strings.ReplaceAll(c, `\|`, "|")
	}
	return cells
}

// scanInline reads code spans and backslash escapes as CommonMark does;
// everything else is text.
func scanInline(s string) []segment {
	var out []segment
	var text, bare strings.Builder
	flush := func() {
		if text.Len() > 0 {
			out = append(out, segment{s: text.String(), bare: bare.String()})
			text.Reset()
			bare.Reset()
		}
	}
	run := func(i int) int {
		n := 0
		for i+n < len(s) && s[i+n] == '`' {
			n++
		}
		return n
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", s[i+1]) >= 0:
			text.WriteByte(s[i+1])
			bare.WriteByte(' ')
			i += 2
		case c == '`':
			n := run(i)
			end := -1
			for j := i + n; j < len(s); {
				if s[j] != '`' {
					j++
					continue
				}
				if m := run(j); m == n {
					end = j
					break
				} else {
					j += m
				}
			}
			if end < 0 {
				text.WriteString(s[i : i+n])
				bare.WriteString(s[i : i+n])
				i += n
				continue
			}
			flush()
			content := s[i+n : end]
			if len(content) >= 2 && content[0] == ' ' && content[len(content)-1] == ' ' && strings.Trim(content, " ") != "" {
				content = content[1 : len(content)-1]
			}
			out = append(out, segment{code: true, s: content})
			i = end + n
		default:
			text.WriteByte(c)
			bare.WriteByte(c)
			i++
		}
	}
	flush()
	return out
}

// mentionOrRef matches what GitHub would turn into a mention or an issue
// reference in rendered text.
var mentionOrRef = regexp.MustCompile(`@[A-Za-z0-9]|#[0-9]`)

// checkInert fails when the bare text of a cell could become markup: HTML,
// emphasis, links, images, strikethrough, math, a mention or a reference.
func checkInert(t *testing.T, where string, segs []segment) {
	t.Helper()
	for _, g := range segs {
		if g.code {
			continue
		}
		if i := strings.IndexAny(g.bare, "<>*_[]~$`\\"); i >= 0 {
			t.Errorf("%s: unescaped %q in text %q", where, g.bare[i], g.s)
		}
		if m := mentionOrRef.FindString(html.UnescapeString(g.s)); m != "" {
			t.Errorf("%s: %q would be a mention or a reference in %q", where, m, g.s)
		}
	}
}

// plainText reassembles what a reader sees in a cell: text with entities
// decoded and zero-width spaces removed, code spans between backticks.
func plainText(segs []segment) string {
	var b strings.Builder
	for _, g := range segs {
		if g.code {
			b.WriteString("`" + g.s + "`")
		} else {
			b.WriteString(strings.ReplaceAll(html.UnescapeString(g.s), "\u200b", ""))
		}
	}
	return b.String()
}

// rows returns the finding rows of a markdown report.
func rows(out string) []string {
	var rs []string
	for l := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(l, "| ❌") || strings.HasPrefix(l, "| ⚠️") {
			rs = append(rs, l)
		}
	}
	return rs
}

func TestMarkdownHostile(t *testing.T) {
	in := withLinks(hostileInput())
	out := render(t, "markdown", in)
	rs := rows(out)
	if len(rs) != len(in.Findings) {
		t.Fatalf("%d rows for %d findings: a value broke a row\n%s", len(rs), len(in.Findings), out)
	}
	if strings.Count(out, "\n### ") != 1 {
		t.Errorf("a value added a heading:\n%s", out)
	}
	for i, f := range in.Findings {
		cells := splitRow(rs[i])
		if len(cells) != 6 || cells[0] != "" || cells[5] != "" {
			t.Fatalf("row %d has %d cells, want 4: %q", i+1, len(cells)-2, rs[i])
		}
		// Line and rule: our links, with the path percent-encoded.
		if want := fmt.Sprintf(" %s [%d](%s%s#L%d) ", map[finding.Severity]string{finding.Error: "❌", finding.Warning: "⚠️"}[f.Severity],
			f.Line, in.BlobURL, markdown.EscapePath(f.Path), f.Line); cells[1] != want {
			t.Errorf("row %d: line cell %q, want %q", i+1, cells[1], want)
		}
		if want := " [`schema`](" + in.DocURL + "docs/rules/schema.md) "; cells[2] != want {
			t.Errorf("row %d: rule cell %q, want %q", i+1, cells[2], want)
		}
		// Message and suggestion: no markup of their own.
		for j, c := range cells[3:5] {
			checkInert(t, fmt.Sprintf("row %d cell %d", i+1, j+3), scanInline(strings.TrimSpace(c)))
		}
		msg, want := plainText(scanInline(strings.TrimSpace(cells[3]))), markdown.Neutralize(f.Message.FR)
		if strings.Contains(want, "``") {
			// Adjacent or empty spans get a space or stay literal: the
			// reader sees the same characters but for backticks and spaces.
			strip := strings.NewReplacer("`", "", " ", "")
			msg, want = strip.Replace(msg), strip.Replace(want)
		}
		if msg != want {
			t.Errorf("row %d: message reads\n%q, want\n%q", i+1, msg, want)
		}
		sug := scanInline(strings.TrimSpace(cells[4]))
		if f.Suggestion != "" && (len(sug) != 1 || !sug[0].code || sug[0].s != markdown.Neutralize(f.Suggestion)) {
			t.Errorf("row %d: suggestion reads %+v, want code %q", i+1, sug, markdown.Neutralize(f.Suggestion))
		}
	}
	// The heading's code span holds the whole path, on one line.
	for l := range strings.SplitSeq(out, "\n") {
		if h, ok := strings.CutPrefix(l, "### "); ok {
			segs := scanInline(h)
			if len(segs) != 1 || !segs[0].code || segs[0].s != markdown.Neutralize(in.Files[0]) {
				t.Errorf("heading reads %+v", segs)
			}
		}
	}
	// Links carry the path percent-encoded.
	if want := "](" + in.BlobURL + "providers/franceconnect/integration/x%60%7C%3Cb%3E%40fc-team%0A%23%23%20titre.yaml#L3)"; !strings.Contains(out, want) {
		t.Errorf("no %q in\n%s", want, out)
	}
	for _, bad := range []string{"<script", "<img", "\u202e", "\u200b", "\r"} {
		if strings.Contains(out, bad) && !insideCode(out, bad) {
			t.Errorf("%q outside code in\n%s", bad, out)
		}
	}
}

// insideCode reports whether every occurrence of s in out is within a code
// span of a row or a heading.
func insideCode(out, s string) bool {
	for l := range strings.SplitSeq(out, "\n") {
		if !strings.Contains(l, s) {
			continue
		}
		for _, c := range splitRow(l) {
			for _, g := range scanInline(c) {
				if !g.code && strings.Contains(g.s, s) {
					return false
				}
			}
		}
	}
	return true
}

// FuzzMarkdownCell checks that no message or suggestion, whatever it
// holds, adds or removes a cell or a row, or leaves markup outside code.
func FuzzMarkdownCell(f *testing.F) {
	for _, s := range []string{
		"", "`", "``", "a`b", "`a`", "` a `", "   ", "a | b", `a \| b`, `\`, "x\\", "`x\\`|",
		"@fc-team", "<script>", "&amp;", "$x$", "[a](b)", "line\nbreak", "a\r\nb", "#1",
		"`spec.signature` doit valoir ES256 (reçu : `HS`256`)", "```` ` `` ```", "\u202e\u200b",
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, msg, sug string) {
		if !utf8.ValidString(msg) || !utf8.ValidString(sug) {
			t.Skip()
		}
		in := &Input{Lang: finding.FR, Findings: []finding.Finding{{
			Path: "providers/a.yaml", Line: 1, Column: 1, Rule: "schema", Severity: finding.Error,
			Message: finding.T(msg, msg), Suggestion: sug,
		}}}
		row := markdownRow(in.Findings[0], in)
		if strings.Count(row, "\n") != 1 || !strings.HasSuffix(row, "\n") {
			t.Fatalf("row spans several lines: %q", row)
		}
		cells := splitRow(strings.TrimSuffix(row, "\n"))
		if len(cells) != 6 {
			t.Fatalf("%d cells: %q", len(cells)-2, row)
		}
		for j, c := range cells[3:5] {
			checkInert(t, fmt.Sprintf("cell %d", j+3), scanInline(strings.TrimSpace(c)))
		}
		if markdown.Clip(msg, maxMessageLen) == msg && !strings.Contains(msg, "``") && strings.Count(msg, "`")%2 == 0 {
			// Backticks pair as in the message: the reader sees it whole
			// (but for the spaces a table cell trims).
			got, want := plainText(scanInline(strings.TrimSpace(cells[3]))), strings.TrimSpace(markdown.Neutralize(msg))
			if got != want {
				t.Errorf("message reads %q, want %q", got, want)
			}
		}
		if s := strings.TrimSpace(cells[4]); sug != "" && markdown.Clip(sug, maxSuggestionLen) == sug {
			segs := scanInline(s)
			if len(segs) != 1 || !segs[0].code || segs[0].s != markdown.Neutralize(sug) {
				t.Errorf("suggestion %q reads %+v", sug, segs)
			}
		}
	})
}

// many builds n findings spread over files, errors and warnings.
func many(n int) *Input {
	in := &Input{Lang: finding.FR}
	for i := range 50 {
		in.Files = append(in.Files, fmt.Sprintf("providers/franceconnect/integration/fs-%03d.yaml", i))
	}
	for i := range n {
		sev := finding.Error
		if i%3 == 0 {
			sev = finding.Warning
		}
		in.Findings = append(in.Findings, finding.Finding{
			Path: in.Files[i%40], Line: i + 1, Column: 3, Rule: "redirect-uri-canonical", Severity: sev,
			Message:    finding.Tf("l'URI `https://FS-%d.example.fr:443/cb` n'est pas sous forme canonique", "URI %d not canonical", i),
			Suggestion: fmt.Sprintf("https://fs-%d.example.fr/cb", i),
		})
	}
	finding.Sort(in.Findings)
	return in
}

// checkCut checks a cut report: within limit, valid UTF-8, every table with
// a row, and a last line that counts exactly the findings left out.
func checkCut(t *testing.T, out string, in *Input, limit int) {
	t.Helper()
	if len(out) > limit {
		t.Fatalf("%d bytes, limit %d", len(out), limit)
	}
	if !utf8.ValidString(out) {
		t.Fatal("invalid UTF-8")
	}
	if !strings.HasSuffix(out, "en local, pour la liste complète.\n") {
		t.Fatalf("does not end with the pointer to the full list:\n…%s", out[max(0, len(out)-300):])
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	last := lines[len(lines)-1]
	m := regexp.MustCompile(`^⚠️ (\d+) autres? problèmes? non affichés? ici `).FindStringSubmatch(last)
	if m == nil {
		t.Fatalf("last line %q", last)
	}
	omitted, _ := strconv.Atoi(m[1])
	if shown := len(rows(out)); shown+omitted != len(in.Findings) {
		t.Errorf("%d rows shown + %d said omitted != %d findings", shown, omitted, len(in.Findings))
	}
	for i, l := range lines {
		if strings.HasPrefix(l, "| ---: |") && (i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "| ")) {
			t.Errorf("a table without rows at line %d", i+1)
		}
	}
	if !strings.Contains(out, "\n✅ 10 fichiers sans problème\n") {
		t.Error("the clean files line is missing")
	}
}

func TestMarkdownLimit(t *testing.T) {
	in := many(5000)
	var full bytes.Buffer
	if err := writeMarkdownLimited(&full, in, 1<<30); err != nil {
		t.Fatal(err)
	}
	if full.Len() <= markdownLimit || strings.Contains(full.String(), "non affiché") {
		t.Fatalf("the full report (%d bytes) should exceed the limit and be whole", full.Len())
	}
	out := render(t, "markdown", in)
	checkCut(t, out, in, markdownLimit)
	if !strings.HasPrefix(out, "**❌ 3333 erreurs à corriger, 1667 avertissements**\n") {
		t.Errorf("the verdict must count every finding, shown or not:\n%s", out[:200])
	}
	if len(out) < markdownLimit-1000 {
		t.Errorf("only %d bytes used of %d", len(out), markdownLimit)
	}
	if !strings.HasPrefix(full.String(), out[:len(out)/2]) {
		t.Error("the cut report is not a prefix of the full one")
	}
	for _, limit := range []int{1000, 1500, 4096, 20000, full.Len() - 1} {
		var buf bytes.Buffer
		if err := writeMarkdownLimited(&buf, in, limit); err != nil {
			t.Fatalf("limit %d: %v", limit, err)
		}
		checkCut(t, buf.String(), in, limit)
	}
	var buf bytes.Buffer
	if err := writeMarkdownLimited(&buf, in, full.Len()); err != nil || buf.String() != full.String() {
		t.Errorf("a report that fits exactly must be whole (err %v)", err)
	}
	if err := writeMarkdownLimited(&bytes.Buffer{}, in, 100); err == nil {
		t.Error("a limit too small for the verdict and the pointer: want an error")
	}
}

func TestMarkdownLimitEnglish(t *testing.T) {
	in := many(3000)
	in.Lang = finding.EN
	out := render(t, "markdown", in)
	if len(out) > markdownLimit {
		t.Fatalf("%d bytes", len(out))
	}
	omitted := len(in.Findings) - len(rows(out))
	if want := fmt.Sprintf("\n⚠️ %d more findings not shown here (GitHub size limit): read the job summary of the GitHub Actions run, or run `fsgate validate` locally, for the full list.\n", omitted); !strings.HasSuffix(out, want) {
		t.Errorf("does not end with %q:\n…%s", want, out[len(out)-300:])
	}
}

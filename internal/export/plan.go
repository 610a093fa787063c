package export

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/markdown"
)

// mdCode renders an untrusted value as an inline code span (outside a
// table): Markdown, HTML, mentions and references are inert there.
func mdCode(s string) string { return markdown.Code(s, false) }

// DefaultMarkdownLimit bounds the plan's Markdown, in bytes: a section of
// a pull request comment (65,536 characters in all) that leaves room for
// the validation report.
const DefaultMarkdownLimit = 20_000

// maxValueLen bounds one value shown in a plan, in characters.
const maxValueLen = 300

// Markdown renders the changes for a pull request comment or a job
// summary, in at most DefaultMarkdownLimit bytes.
func (c *Changes) Markdown(lang finding.Lang) string {
	return c.MarkdownLimit(lang, DefaultMarkdownLimit)
}

// MarkdownLimit renders the changes in at most limit bytes (at least
// 1,000): the summary line, the scopes added to existing service providers
// first (data minimisation: what reviewers must check against the DataPass
// habilitation), then the service providers created, updated and deleted,
// and the files skipped. When it does not fit, whole items are left out
// and a last line says how many. Every value from a request goes through
// internal/markdown: in code spans, or escaped text.
func (c *Changes) MarkdownLimit(lang finding.Lang, limit int) string {
	limit = max(limit, 1000)
	t := texts(lang)
	// Blocks in output order; a section title goes with its first item,
	// so that a cut never leaves a title without items.
	type block struct {
		text string
		item bool
	}
	var blocks []block
	title := ""
	section := func(name string, n int) {
		if n > 0 {
			title = "\n**" + name + "**\n\n"
		}
	}
	item := func(text string) {
		blocks = append(blocks, block{title + text, true})
		title = ""
	}
	blocks = append(blocks, block{"**" + c.summaryLine(t) + "**\n", false})

	var added []Update
	for _, u := range c.Updated {
		if len(u.ScopesAdded) > 0 {
			added = append(added, u)
		}
	}
	if len(added) > 0 {
		title = "\n> ⚠️ " + t.moreDataMD + "\n>\n"
		for _, u := range added {
			item("> - " + mdCode(u.ID) + t.colon + codeList(u.ScopesAdded, "+ ") + "\n")
		}
	}

	section(t.createdTitle, len(c.Created))
	for _, id := range c.Created {
		line := "- " + mdCode(id)
		if cl := c.clients[id]; cl != nil {
			line += " — " + mdCode(markdown.Clip(cl.Name, maxValueLen)) + " — " + t.scopes + " " + codeList(cl.Scopes, "")
		}
		item(line + "\n")
	}

	section(t.updatedTitle, len(c.Updated))
	for _, u := range c.Updated {
		var b strings.Builder
		b.WriteString("- " + mdCode(u.ID) + "\n")
		if len(u.ScopesAdded) > 0 {
			b.WriteString("  - ⚠️ **" + t.scopesAdded + "**" + t.colon + codeList(u.ScopesAdded, "+ ") + "\n")
		}
		if len(u.ScopesRemoved) > 0 {
			b.WriteString("  - " + t.scopesRemoved + t.colon + codeList(u.ScopesRemoved, "− ") + "\n")
		}
		for _, f := range u.Fields {
			if f.Field == ScopesField && len(u.ScopesAdded)+len(u.ScopesRemoved) > 0 {
				continue
			}
			b.WriteString("  - " + mdCode(f.Field) + t.colon + mdValue(f.Old, t) + " → " + mdValue(f.New, t) + "\n")
		}
		item(b.String())
	}

	section(t.deletedTitle, len(c.Deleted))
	for _, id := range c.Deleted {
		line := "- " + mdCode(id)
		if cl := c.clients[id]; cl != nil {
			line += " — " + mdCode(markdown.Clip(cl.Name, maxValueLen))
		}
		item(line + "\n")
	}

	section(t.skippedTitle, len(c.Skipped))
	for _, s := range c.Skipped {
		side := ""
		switch s.Side {
		case "base":
			side = " (" + t.base + ")"
		case "head":
			side = " (" + t.head + ")"
		}
		item("- " + mdCode(markdown.Clip(s.Path, maxValueLen)) + side + t.colon + markdown.Text(s.Reason.In(lang)) + "\n")
	}

	items := 0
	for _, b := range blocks {
		if b.item {
			items++
		}
	}
	var out strings.Builder
	shown := 0
	for _, b := range blocks {
		if out.Len()+len(b.text)+len(t.omitted(items))+1 > limit {
			out.WriteString("\n" + t.omitted(items-shown))
			break
		}
		out.WriteString(b.text)
		if b.item {
			shown++
		}
	}
	return out.String()
}

// Text renders the changes for a terminal, like a Terraform plan: "+"
// created, "~" updated, "-" deleted. Values are shown as JSON, with
// control and format characters neutralised.
func (c *Changes) Text(lang finding.Lang) string {
	t := texts(lang)
	var b strings.Builder
	b.WriteString(c.summaryLine(t) + "\n")
	var added []Update
	for _, u := range c.Updated {
		if len(u.ScopesAdded) > 0 {
			added = append(added, u)
		}
	}
	if len(added) > 0 {
		b.WriteString("\n! " + t.moreData + "\n")
		for _, u := range added {
			b.WriteString("!   " + u.ID + t.colon + "+ " + markdown.Neutralize(strings.Join(u.ScopesAdded, ", + ")) + "\n")
		}
	}
	if !c.Empty() {
		b.WriteString("\n")
	}
	for _, id := range c.Created {
		b.WriteString("+ " + id + "\n")
		if cl := c.clients[id]; cl != nil {
			b.WriteString("    name   = " + textValue(cl.Name) + "\n")
			b.WriteString("    scopes = " + textValue(cl.Scopes) + "\n")
		}
	}
	for _, u := range c.Updated {
		b.WriteString("~ " + u.ID + "\n")
		if len(u.ScopesAdded) > 0 {
			b.WriteString("    " + t.scopesAdded + t.colon + "+ " + markdown.Neutralize(strings.Join(u.ScopesAdded, ", + ")) + "   ← " + t.moreDataShort + "\n")
		}
		if len(u.ScopesRemoved) > 0 {
			b.WriteString("    " + t.scopesRemoved + t.colon + "− " + markdown.Neutralize(strings.Join(u.ScopesRemoved, ", − ")) + "\n")
		}
		for _, f := range u.Fields {
			if f.Field == ScopesField && len(u.ScopesAdded)+len(u.ScopesRemoved) > 0 {
				continue
			}
			b.WriteString("    " + f.Field + t.colon + textRaw(f.Old, t) + " → " + textRaw(f.New, t) + "\n")
		}
	}
	for _, id := range c.Deleted {
		b.WriteString("- " + id + " (" + t.deactivate + ")\n")
	}
	if len(c.Skipped) > 0 {
		b.WriteString("\n" + t.skippedTitle + strings.TrimRight(t.colon, " ") + "\n")
		for _, s := range c.Skipped {
			side := t.head
			if s.Side == "base" {
				side = t.base
			}
			b.WriteString("  " + markdown.Neutralize(s.Path) + " (" + side + ")" + t.colon + markdown.Neutralize(s.Reason.In(lang)) + "\n")
		}
	}
	return b.String()
}

func (c *Changes) summaryLine(t *planTexts) string {
	if c.Empty() {
		return t.noChange(c.Summary.Unchanged)
	}
	return t.summary(c.Summary)
}

// codeList renders items as code spans separated by commas, each after
// prefix.
func codeList(items []string, prefix string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = prefix + mdCode(markdown.Clip(s, maxValueLen))
	}
	return strings.Join(parts, ", ")
}

func mdValue(v json.RawMessage, t *planTexts) string {
	if v == nil {
		return "*" + t.absent + "*"
	}
	return mdCode(markdown.Clip(string(v), maxValueLen))
}

func textRaw(v json.RawMessage, t *planTexts) string {
	if v == nil {
		return "(" + t.absent + ")"
	}
	return markdown.Neutralize(markdown.Clip(string(v), maxValueLen))
}

func textValue(v any) string {
	return markdown.Neutralize(markdown.Clip(string(encodeCompact(v)), maxValueLen))
}

// planTexts are the words of a plan in one language.
type planTexts struct {
	createdTitle, updatedTitle, deletedTitle, skippedTitle string
	moreDataMD, moreData, moreDataShort                    string
	scopes, scopesAdded, scopesRemoved                     string
	absent, base, head, deactivate, colon                  string
	summary                                                func(Summary) string
	noChange                                               func(unchanged int) string
	omitted                                                func(n int) string
}

func texts(lang finding.Lang) *planTexts {
	if lang == finding.EN {
		return &planTexts{
			createdTitle: "➕ To create", updatedTitle: "✏️ To update",
			deletedTitle: "➖ To delete (deactivate)", skippedTitle: "⏭️ Skipped (cannot be exported as they are)",
			moreDataMD:    "**More personal data** requested by existing service providers: check that their DataPass habilitation covers it.",
			moreData:      "More personal data requested by existing service providers (check the DataPass habilitation):",
			moreDataShort: "more personal data",
			scopes:        "scopes", scopesAdded: "scopes added", scopesRemoved: "scopes removed",
			absent: "absent", base: "base", head: "head", deactivate: "deactivated", colon: ": ",
			summary: func(s Summary) string {
				return fmt.Sprintf("Export: %d to create, %d to update, %d to delete (deactivate), %d unchanged",
					s.Created, s.Updated, s.Deleted, s.Unchanged)
			},
			noChange: func(n int) string {
				return "Export: no change (" + countEN(n, "service provider", "service providers") + " unchanged)"
			},
			omitted: func(n int) string {
				return "⚠️ " + countEN(n, "more item", "more items") + " not shown here (size limit): `fsgate plan --format json` gives them all.\n"
			},
		}
	}
	return &planTexts{
		createdTitle: "➕ À créer", updatedTitle: "✏️ À modifier",
		deletedTitle: "➖ À supprimer (désactiver)", skippedTitle: "⏭️ Ignorés (ne peuvent pas être exportés en l'état)",
		moreDataMD:    "**Données personnelles supplémentaires** demandées par des FS existants : vérifiez que leur habilitation DataPass les couvre.",
		moreData:      "Données personnelles supplémentaires demandées par des FS existants (vérifiez l'habilitation DataPass) :",
		moreDataShort: "données supplémentaires",
		scopes:        "scopes", scopesAdded: "scopes ajoutés", scopesRemoved: "scopes retirés",
		absent: "absent", base: "base", head: "tête", deactivate: "désactivé", colon: " : ",
		summary: func(s Summary) string {
			return fmt.Sprintf("Export : %d à créer, %d à modifier, %d à supprimer (désactiver), %d inchangé%s",
				s.Created, s.Updated, s.Deleted, s.Unchanged, pluralS(s.Unchanged))
		},
		noChange: func(n int) string {
			return "Export : aucun changement (" + count(n, "FS inchangé", "FS inchangés") + ")"
		},
		omitted: func(n int) string {
			return "⚠️ " + count(n, "autre élément non affiché", "autres éléments non affichés") +
				" ici (limite de taille) : `fsgate plan --format json` les donne tous.\n"
		},
	}
}

// count is "n thing(s)": French puts 0 and 1 in the singular.
func count(n int, one, many string) string {
	if n == 1 || n == 0 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// countEN is count in English, where only 1 is singular.
func countEN(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func pluralS(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

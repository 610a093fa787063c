package recheck

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/fsgate/fsgate/internal/codeowners"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/markdown"
	"github.com/fsgate/fsgate/internal/report"
)

const (
	// Marker identifies fsgate's issue among those carrying the label: a
	// maintainer may put the label on another issue, whose body fsgate
	// must not overwrite.
	Marker = "<!-- fsgate:recheck -->"
	// MaxBody is GitHub's limit on an issue body, in characters. The body
	// is bounded in bytes, which are never fewer.
	MaxBody = 65_536
)

// Bounds on one untrusted string, in characters, so that one huge value
// cannot fill the issue (as in internal/report).
const (
	maxMessageLen    = 1000
	maxSuggestionLen = 500
	maxNoticeOwners  = 50 // owners named in the notice of a cut body
)

// digestRE finds the digest fsgate wrote at the end of its body.
var digestRE = regexp.MustCompile(`<!-- fsgate:recheck-digest:([0-9a-f]{64}) -->`)

// BodyOptions are the trusted facts of the run, from the workflow's
// environment and the checkout.
type BodyOptions struct {
	ServerURL string // https://github.com, without a trailing slash
	Repo      string // owner/name
	Branch    string // the default branch: files and rule pages are linked there
	RunURL    string // this run, whose job summary holds the full list; "" when unknown
	Date      time.Time
	Owners    *codeowners.File // nil: nobody to mention
	// Limit bounds the body in bytes; 0 means MaxBody. For tests.
	Limit int
}

// Check refuses options that would make broken or unsafe links.
func (o BodyOptions) Check() error {
	u, err := url.Parse(o.ServerURL)
	switch {
	case err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(o.ServerURL, "/"):
		return fmt.Errorf("invalid server URL %q: want https://host[/path] without a trailing slash", o.ServerURL)
	case o.Branch == "" || strings.ContainsFunc(o.Branch, func(r rune) bool { return r <= ' ' || r == 0x7f }) ||
		strings.HasPrefix(o.Branch, "/") || strings.Contains(o.Branch, ".."):
		return fmt.Errorf("invalid branch %q", o.Branch)
	case o.Repo == "" || strings.Count(o.Repo, "/") != 1:
		return fmt.Errorf("invalid repository %q", o.Repo)
	case o.RunURL != "" && !strings.HasPrefix(o.RunURL, o.ServerURL+"/"):
		return fmt.Errorf("run URL %q is not on %s", o.RunURL, o.ServerURL)
	}
	return nil
}

// blob is the prefix of a link to a file on the default branch.
func (o BodyOptions) blob() string {
	return o.ServerURL + "/" + o.Repo + "/blob/" + markdown.EscapePath(o.Branch) + "/"
}

func (o BodyOptions) limit() int {
	if o.Limit > 0 {
		return o.Limit
	}
	return MaxBody
}

// Rendered is the issue for a list of problems.
type Rendered struct {
	Title string
	Body  string
	// Digest identifies what the body says, leaving out the date and the
	// run: the same problems rendered a week later have the same digest,
	// and the issue is left alone.
	Digest string
}

// Title is the title for problems in n request files (n
// service providers).
func Title(n int) string {
	if n == 1 {
		return "fsgate : 1 fournisseur de service en anomalie"
	}
	return fmt.Sprintf("fsgate : %d fournisseurs de service en anomalie", n)
}

// fileSection is one request file's part of the body.
type fileSection struct {
	path   string
	owners []string
	head   string   // heading, owners, table head
	rows   []string // one per finding
}

// Render renders the issue for broken (sorted by path, as Broken returns
// them), at most opts' limit in bytes.
//
// The body explains why it exists, then gives for each request file a
// link to it on the default branch, its owners from CODEOWNERS (mentioned,
// so that they are notified) and a table of its problems. When it would
// be too long, it stops at a table row and says how many problems are left
// out, which owners they concern (mentioned too) and where the full list
// is: the job summary of the run.
func Render(broken []report.JSONFinding, opts BodyOptions) (Rendered, error) {
	if len(broken) == 0 {
		return Rendered{}, errors.New("no problem to render")
	}
	if err := opts.Check(); err != nil {
		return Rendered{}, err
	}
	sections := sectionsOf(broken, opts)
	title := Title(len(sections))

	head := Marker + "\n## Documents en ligne des fournisseurs de service\n\n" + explanation +
		"**" + plural(len(broken), "problème", "problèmes") + " dans " +
		plural(len(sections), "demande", "demandes") + ".** " +
		"Les propriétaires de chaque demande (CODEOWNERS) sont mentionnés ci-dessous : corrigez le " +
		"document publié par le serveur, ou la demande par une pull request. Chaque règle est " +
		"expliquée par son lien.\n\n"
	run := "_Vérification du " + opts.Date.UTC().Format(time.DateOnly)
	if opts.RunURL != "" {
		run += " ([exécution](" + markdown.LinkDest(opts.RunURL) + "))"
	}
	run += ". Ce ticket n'est modifié que lorsque la liste change, et il est fermé quand tout est corrigé._\n"

	// The digest covers everything but the date and the run, uncut.
	h := sha256.New()
	h.Write([]byte(title + "\x00" + head))
	for _, s := range sections {
		h.Write([]byte(s.head))
		for _, r := range s.rows {
			h.Write([]byte(r))
		}
	}
	digest := hex.EncodeToString(h.Sum(nil))
	tail := "\n<!-- fsgate:recheck-digest:" + digest + " -->\n"

	var b strings.Builder
	b.WriteString(head)
	b.WriteString(run)
	total := b.Len() + len(tail)
	for _, s := range sections {
		total += len(s.head)
		for _, r := range s.rows {
			total += len(r)
		}
	}
	limit := opts.limit()
	if total <= limit {
		for _, s := range sections {
			b.WriteString(s.head)
			for _, r := range s.rows {
				b.WriteString(r)
			}
		}
		b.WriteString(tail)
		return Rendered{Title: title, Body: b.String(), Digest: digest}, nil
	}

	// Too long: room is kept for the largest possible notice, which
	// mentions the owners of every file (in case none is shown).
	reserve := len(tail) + len(omitted(len(broken), len(sections), sectionOwners(sections), opts.RunURL))
	if b.Len()+reserve > limit {
		return Rendered{}, fmt.Errorf("a limit of %d bytes leaves no room for the issue", limit)
	}
	shown := 0               // findings shown
	partial := len(sections) // the first file not shown whole
	headShown := false       // whether that file's heading is shown
	for i, s := range sections {
		n := 0
		for j, r := range s.rows {
			need := len(r)
			if j == 0 {
				// A heading never goes without its first row.
				need += len(s.head)
			}
			if b.Len()+need+reserve > limit {
				break
			}
			if j == 0 {
				b.WriteString(s.head)
			}
			b.WriteString(r)
			n++
		}
		shown += n
		if n < len(s.rows) {
			partial, headShown = i, n > 0
			break
		}
	}
	// Owners of a file whose heading is shown are mentioned there.
	rest := sections[partial:]
	if headShown {
		rest = rest[1:]
	}
	b.WriteString(omitted(len(broken)-shown, len(sections)-partial, sectionOwners(rest), opts.RunURL))
	b.WriteString(tail)
	return Rendered{Title: title, Body: b.String(), Digest: digest}, nil
}

// explanation says why the issue exists.
const explanation = "FranceConnect télécharge lui-même, lors des connexions, le document " +
	"d'identifiant de secteur (`sectorIdentifierUri`) et les clés publiques (`jwksUri`) déclarés " +
	"dans chaque demande. Le serveur qui les publie peut les casser après la fusion de la demande : " +
	"quand le document de secteur est faux ou injoignable, la connexion échoue et les usagers " +
	"voient l'erreur **Y04A8220**. La vérification hebdomadaire les télécharge à nouveau pour " +
	"toutes les demandes de la branche principale, et signale aussi toute erreur d'une autre " +
	"règle qui s'y trouverait.\n\n"

// omitted ends a cut body: how much is left out, whom it concerns, where
// to read it all.
func omitted(findings, files int, owners []string, runURL string) string {
	var b strings.Builder
	b.WriteString("\n⚠️ " + plural(findings, "autre problème non affiché", "autres problèmes non affichés") +
		" (dans " + plural(files, "demande", "demandes") + ") : limite de taille de GitHub. ")
	if runURL != "" {
		b.WriteString("La liste complète est dans le résumé de [l'exécution de la vérification](" + markdown.LinkDest(runURL) + ").")
	} else {
		b.WriteString("La liste complète est dans le résumé du job de la vérification.")
	}
	if len(owners) > 0 {
		// Bounded, so that the notice (whose largest form is reserved
		// before the cut) cannot eat the room of the tables.
		shown := owners[:min(len(owners), maxNoticeOwners)]
		ms := make([]string, len(shown))
		for i, o := range shown {
			ms[i] = mention(o)
		}
		b.WriteString("\n\nPropriétaires des demandes non affichées : " + strings.Join(ms, " "))
		if n := len(owners) - len(shown); n > 0 {
			b.WriteString(" et " + plural(n, "autre", "autres") + " (voir CODEOWNERS)")
		}
	}
	b.WriteString("\n")
	return b.String()
}

// sectionsOf groups the findings by file and renders each part.
func sectionsOf(broken []report.JSONFinding, opts BodyOptions) []fileSection {
	var out []fileSection
	for _, f := range broken {
		if len(out) == 0 || out[len(out)-1].path != f.Path {
			s := fileSection{path: f.Path}
			if opts.Owners != nil {
				s.owners = opts.Owners.Owners(f.Path)
			}
			s.head = sectionHead(s.path, s.owners, opts)
			out = append(out, s)
		}
		last := &out[len(out)-1]
		last.rows = append(last.rows, row(f, opts))
	}
	return out
}

// sectionOwners lists the owners of sections once each, in order.
func sectionOwners(sections []fileSection) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range sections {
		for _, o := range s.owners {
			if !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	}
	return out
}

func sectionHead(path string, owners []string, opts BodyOptions) string {
	var b strings.Builder
	b.WriteString("\n### [" + markdown.Code(path, false) + "](" + markdown.LinkDest(opts.blob()+markdown.EscapePath(path)) + ")\n\n")
	b.WriteString("Propriétaires (CODEOWNERS) : ")
	if len(owners) == 0 {
		b.WriteString("aucun")
	}
	for i, o := range owners {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(mention(o))
	}
	b.WriteString("\n\n| Ligne | Règle | Message | Suggestion |\n| ---: | --- | --- | --- |\n")
	return b.String()
}

// row is one finding as a table row: the line linked to the file, the
// rule to its page, the message and the suggestion escaped.
func row(f report.JSONFinding, opts BodyOptions) string {
	icon := "⚠️"
	if f.Severity == string(finding.Error) {
		icon = "❌"
	}
	line := "—"
	if f.Line > 0 {
		line = strconv.Itoa(f.Line)
		line = "[" + line + "](" + markdown.LinkDest(opts.blob()+markdown.EscapePath(f.Path)+"#L"+line) + ")"
	}
	rule := "[" + markdown.Code(f.Rule, true) + "](" + markdown.LinkDest(opts.blob()+finding.DocPath(f.Rule)) + ")"
	suggestion := ""
	if f.Suggestion != "" {
		suggestion = markdown.Code(markdown.Clip(f.Suggestion, maxSuggestionLen), true)
	}
	return "| " + icon + " " + line + " | " + rule + " | " + markdown.Message(markdown.Clip(f.Message, maxMessageLen)) + " | " + suggestion + " |\n"
}

// Resolved is the body of the issue once nothing is broken any more; the
// issue is closed with it in the same request.
func Resolved(opts BodyOptions) string {
	var b strings.Builder
	b.WriteString(Marker + "\n## Documents en ligne des fournisseurs de service : tout est corrigé\n\n")
	b.WriteString("✅ La vérification du " + opts.Date.UTC().Format(time.DateOnly))
	if opts.RunURL != "" {
		b.WriteString(" ([exécution](" + markdown.LinkDest(opts.RunURL) + "))")
	}
	b.WriteString(" ne trouve plus aucune anomalie : ce ticket est fermé. " +
		"L'historique des modifications de ce ticket garde la dernière liste signalée ; " +
		"si un problème réapparaît, la vérification suivante ouvrira un nouveau ticket.\n")
	return b.String()
}

// digestOf returns the digest fsgate wrote in body, "" when none.
func digestOf(body string) string {
	m := digestRE.FindAllStringSubmatch(body, -1)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1][1]
}

// plural picks the singular or the plural form for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

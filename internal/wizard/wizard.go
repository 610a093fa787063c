// Package wizard holds the questions of `fsgate new`: the questions of the
// FranceConnect form, in the form's order, each with when it applies and how
// its answer goes into the request file, and the on-the-spot check of every
// answer.
//
// An answer is checked with the validator's own code, never with a copy of
// its rules: the answers so far are written as a request file, loaded,
// checked against the schema and every rule of the registry (cross-file
// rules included, against the repository's other requests), and the findings
// that concern the question just answered are its verdict. A publisher who
// gets through the questions therefore has a file that validates, and a rule
// changed in internal/rules changes the questions' checks with it.
//
// The package knows nothing of terminals: Interview reads answers from an
// io.Reader, FromFlags takes them from the command line's flags.
package wizard

import (
	"errors"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/format"
	"github.com/fsgate/fsgate/internal/load"
	"github.com/fsgate/fsgate/internal/locate"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/rules"
	"github.com/fsgate/fsgate/internal/schemacheck"
	"github.com/fsgate/fsgate/schema"
)

// Modeline is the first line of every request file: it gives editors
// (VS Code's YAML extension) the schema, hence completion and French help.
const Modeline = schema.Modeline

// NoEditor is the answer "--PAS DE SOLUTION EDITEUR--".
const NoEditor = "none"

// provisionalName names the file while the publisher has not chosen its
// name: the rules need one.
const provisionalName = "nouvelle-demande"

// Answers are the answers given so far, as the request file will hold them.
// An empty field is a question not answered (or answered with nothing).
type Answers struct {
	Platform, Environment string
	PlannedDate           string
	Editor                string // editor id, or "" for none
	EditorName            string
	EditorVersion         string
	Qualification         string
	Datapass              string
	APIHabilitation       bool
	APIDatapass           string
	Organisation          string
	DisplayName           string
	Site                  string
	RedirectURIs          []string
	SectorIdentifierURI   string
	PostLogoutURIs        []string
	JWKSURI               string
	IPAddresses           []string
	Signature             string
	Encryption            string
	Eidas                 string
	Scopes                []string
	ReuseSubs             bool
	ReuseSubsFrom         string
	ReuseSubsClientID     string
	Contacts              []string
	Notes                 string
	Name                  string
}

// Config is what the wizard needs to know of the world.
type Config struct {
	// Today is the date the date rules compare with.
	Today time.Time
	// Others are the requests already in the repository (validate.Run's
	// All): the cross-file rules compare the new request with them.
	Others []*rules.File
	// Exists reports whether a file exists at a path relative to the
	// repository root: fsgate new never replaces a file. Nil means never.
	Exists func(path string) bool
}

// Wizard asks the questions and keeps the answers.
type Wizard struct {
	Answers Answers
	cfg     Config
	schema  *schema.Schema
}

// New returns a wizard with no answer yet.
func New(cfg Config) (*Wizard, error) {
	s, err := schema.Compiled()
	if err != nil {
		return nil, err
	}
	if cfg.Exists == nil {
		cfg.Exists = func(string) bool { return false }
	}
	return &Wizard{cfg: cfg, schema: s}, nil
}

// Verdict is the outcome of one answer.
type Verdict struct {
	// Errors refuse the answer: the question is asked again.
	Errors []string
	// Warnings accept the answer but deserve to be read.
	Warnings []string
	// Suggestion is what to answer instead, when a rule knows it.
	Suggestion string
	// Stop ends the interview: the request does not go through this
	// repository (FranceConnect's integration environment); it says why.
	Stop string
}

// OK reports whether the answer was accepted.
func (v Verdict) OK() bool { return len(v.Errors) == 0 && v.Stop == "" }

// Answer records the answer to q and checks it: values holds one answer
// (Choice, YesNo, Text) or every item (List, Multi), as typed. A refused
// answer leaves the previous answers as they were.
func (w *Wizard) Answer(q *Question, values []string) Verdict {
	resolved, problem := q.resolve(&w.Answers, values)
	if problem != "" {
		return Verdict{Errors: []string{problem}}
	}
	before := w.Answers
	q.set(&w.Answers, resolved)
	v := w.verdict(q, func(fd finding.Finding) bool { return q.concerns(fd) })
	if q.Required && len(resolved) == 0 {
		v.Errors = append(v.Errors, "réponse obligatoire")
	}
	if q.extra != nil {
		v.Errors = append(v.Errors, q.extra(w)...)
	}
	if !v.OK() && v.Stop == "" {
		w.Answers = before
	}
	return v
}

// AnswerItem checks one more item of a List question before it is added to
// items, the items already accepted: a wrong URI is refused as soon as it is
// typed, and typed again. It returns the item as it would be stored; the
// answers are left as they were (Answer records the whole list).
func (w *Wizard) AnswerItem(q *Question, items []string, item string) (string, Verdict) {
	item = q.normalizeOne(&w.Answers, item)
	before := w.Answers
	defer func() { w.Answers = before }()
	q.set(&w.Answers, append(slices.Clone(items), item))
	pointer := q.pointers[0] + "/" + strconv.Itoa(len(items))
	return item, w.verdict(q, func(fd finding.Finding) bool {
		return fd.Rule == rules.YAML.ID || fd.Pointer == pointer || strings.HasPrefix(fd.Pointer, pointer+"/")
	})
}

// verdict checks the answers and sorts the findings that concern the
// answer just given into refusals, warnings and a stop.
func (w *Wizard) verdict(q *Question, concerns func(finding.Finding) bool) Verdict {
	var v Verdict
	for _, fd := range w.Check() {
		if !concerns(fd) {
			continue
		}
		switch {
		case slices.Contains(q.stop, fd.Rule) && fd.Severity == finding.Error:
			v.Stop = fd.Message.FR
		case fd.Severity == finding.Error:
			v.Errors = append(v.Errors, fd.Message.FR)
			if v.Suggestion == "" {
				v.Suggestion = fd.Suggestion
			}
		default:
			v.Warnings = append(v.Warnings, fd.Message.FR)
		}
	}
	return v
}

// Check validates the answers so far exactly as `fsgate validate` would
// validate the file they make, and returns every finding, with its rule,
// severity and pointer.
func (w *Wizard) Check() []finding.Finding {
	src, err := format.Encode(w.document(w.name()))
	if err != nil {
		// The answers always make a loadable tree; say so if not.
		return []finding.Finding{{Rule: rules.YAML.ID, Severity: finding.Error, Message: finding.T(err.Error(), err.Error())}}
	}
	doc, problems := load.Parse(src)
	out := problems
	f := &rules.File{Path: w.Path(), Mode: fs.FileMode(0), Source: src, Root: doc.Root}
	if doc.Valid {
		out = append(out, schemacheck.Check(w.schema, doc.Root, doc.Value)...)
		f.Request = request.FromValue(doc.Value)
	}
	ctx := &rules.Context{Today: w.cfg.Today}
	complete := func(fd finding.Finding, r *rules.Rule) finding.Finding {
		if fd.Rule == "" {
			fd.Rule = r.ID
		}
		if fd.Severity == "" {
			fd.Severity = r.Severity
		}
		if fd.Pointer == "" && fd.Line > 0 {
			// Rules that scan the raw text (phone numbers, secrets) give a
			// line: the value on that line is the answer they concern.
			fd.Pointer = pointerAt(doc.Root, "", fd.Line)
		}
		return fd
	}
	all := rules.All()
	for _, r := range all {
		if r.Check == nil || (!f.Loaded() && !r.OnUnloaded) {
			continue
		}
		for _, fd := range r.Check(ctx, f) {
			out = append(out, complete(fd, r))
		}
	}
	if f.Loaded() {
		files := []*rules.File{f}
		for _, o := range w.cfg.Others {
			if o.Path != f.Path && o.Loaded() {
				files = append(files, o)
			}
		}
		for _, r := range all {
			if r.CheckAll == nil {
				continue
			}
			for _, fd := range r.CheckAll(ctx, files) {
				if fd.Path == f.Path {
					out = append(out, complete(fd, r))
				}
			}
		}
	}
	return dedup(out)
}

// dedup drops a schema finding on a value a rule reports on, as the
// validator does (internal/validate): the rule explains the problem better
// (a DataPass number in H, a URL that is not absolute).
func dedup(fs []finding.Finding) []finding.Finding {
	owned := map[string]bool{}
	for _, f := range fs {
		if f.Rule != schemacheck.Rule && f.Pointer != "" {
			owned[f.Pointer] = true
		}
	}
	return slices.DeleteFunc(fs, func(f finding.Finding) bool { return f.Rule == schemacheck.Rule && owned[f.Pointer] })
}

// pointerAt returns the pointer of the deepest value on line, or "".
func pointerAt(n *yaml.Node, pointer string, line int) string {
	if n == nil {
		return ""
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			child := pointer + "/" + locate.Escape(k.Value)
			if p := pointerAt(v, child, line); p != "" {
				return p
			}
			if k.Line == line {
				return child
			}
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			if p := pointerAt(item, pointer+"/"+strconv.Itoa(i), line); p != "" {
				return p
			}
		}
	case yaml.ScalarNode:
		// A block scalar spans several lines: its text starts on the next.
		last := n.Line + strings.Count(n.Value, "\n")
		if line >= n.Line && line <= last {
			return pointer
		}
	}
	return ""
}

// name is the file's name: the answer, or a provisional one.
func (w *Wizard) name() string {
	if w.Answers.Name != "" {
		return w.Answers.Name
	}
	if s := Slug(w.Answers.DisplayName); s != "" {
		return s
	}
	return provisionalName
}

// Path is where the request goes, relative to the repository root.
func (w *Wizard) Path() string {
	return "providers/" + w.Answers.Platform + "/" + w.Answers.Environment + "/" + w.name() + ".yaml"
}

// File returns the request file of the answers, in canonical form, with the
// modeline.
func (w *Wizard) File() ([]byte, error) {
	if w.Answers.Platform == "" || w.Answers.Environment == "" || w.Answers.Name == "" {
		return nil, errors.New("wizard: the interview is not finished")
	}
	return format.Encode(w.document(w.Answers.Name))
}

// document builds the request's node tree, in the canonical order.
func (w *Wizard) document(name string) *yaml.Node {
	a := &w.Answers
	spec := &mapping{}
	spec.str("platform", a.Platform)
	spec.str("environment", a.Environment)
	spec.str("organisation", a.Organisation)
	spec.str("displayName", a.DisplayName)
	spec.str("site", a.Site)
	spec.str("datapass", a.Datapass)
	spec.str("apiDatapass", a.APIDatapass)
	if a.Editor != "" {
		editor := &mapping{}
		editor.str("id", a.Editor)
		editor.str("name", a.EditorName)
		editor.str("version", a.EditorVersion)
		spec.add("editor", editor.node())
	}
	if a.Qualification != "" {
		spec.add("qualification", scalar(a.Qualification, qualificationTag(a.Qualification)))
	}
	if a.PlannedDate != "" {
		spec.add("plannedProductionDate", scalar(a.PlannedDate, dateTag(a.PlannedDate)))
	}
	spec.list("redirectUris", a.RedirectURIs)
	spec.list("postLogoutRedirectUris", a.PostLogoutURIs)
	spec.str("sectorIdentifierUri", a.SectorIdentifierURI)
	spec.str("jwksUri", a.JWKSURI)
	spec.list("ipAddresses", a.IPAddresses)
	spec.str("signature", a.Signature)
	spec.str("encryption", a.Encryption)
	spec.str("eidas", a.Eidas)
	spec.list("scopes", a.Scopes)
	if a.ReuseSubs {
		reuse := &mapping{}
		reuse.str("from", a.ReuseSubsFrom)
		reuse.str("clientId", a.ReuseSubsClientID)
		spec.add("reuseSubs", reuse.node())
	}
	spec.list("contacts", a.Contacts)
	spec.str("notes", a.Notes)

	metadata := &mapping{}
	metadata.str("name", name)
	root := &mapping{}
	root.str("apiVersion", "fsgate/v1")
	root.str("kind", "ServiceProvider")
	root.add("metadata", metadata.node())
	root.add("spec", spec.node())
	top := root.node()
	top.Content[0].HeadComment = Modeline
	return &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{top}}
}

// mapping builds a mapping node, skipping empty values.
type mapping struct{ content []*yaml.Node }

func (m *mapping) add(key string, value *yaml.Node) {
	m.content = append(m.content, scalar(key, "!!str"), value)
}

func (m *mapping) str(key, value string) {
	if value != "" {
		// The !!str tag makes the encoder quote what YAML would read as
		// another type ("4.2", "0123", "yes"): a string stays a string.
		m.add(key, scalar(value, "!!str"))
	}
}

func (m *mapping) list(key string, values []string) {
	if len(values) == 0 {
		return
	}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, v := range values {
		seq.Content = append(seq.Content, scalar(v, "!!str"))
	}
	m.add(key, seq)
}

func (m *mapping) node() *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: m.content}
}

func scalar(value, tag string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// qualificationTag writes a dossier number as the integer the schema wants,
// and anything else as text, which the schema then refuses with its own
// words.
func qualificationTag(v string) string {
	if len(v) <= 9 && v[0] != '0' && !strings.ContainsFunc(v, func(r rune) bool { return r < '0' || r > '9' }) {
		return "!!int"
	}
	return "!!str"
}

// dateTag writes a date unquoted, as the examples do (the loader reads it
// as its text), and anything else as quoted text.
func dateTag(v string) string {
	if _, err := time.Parse(time.DateOnly, v); err == nil {
		return "!!timestamp"
	}
	return "!!str"
}

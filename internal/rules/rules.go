// Package rules holds every named check of a request: the business rules of
// the FranceConnect form and the security rules on URIs, addresses and text.
// A rule is a value (id, severity, summary, check); the registry below is the
// data that `fsgate rules`, the documentation test and the engine all read.
package rules

import (
	"io/fs"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/locate"
	"github.com/fsgate/fsgate/internal/request"
)

// File is what a rule sees of one request file.
type File struct {
	Path    string      // relative to the repository root, with '/'
	Mode    fs.FileMode // type bits from Lstat: a symlink is never read
	Source  []byte      // raw bytes (nil when not read)
	Root    *yaml.Node  // nil when the file did not parse, or came from the cache
	Request *request.Request
	// Positions stand in for Root when the file's results came from the
	// engine's cache, which keeps the shape of the tree, not the tree.
	Positions Locator

	uris  *[]checkedURI // the URIs checked once for every uri-* rule
	cross *crossPrep    // what the cross-file rules compare (PrepareCross)
}

// Settle lets go of what only the per-file rules use (the tree, the
// checked URIs) once they have run, keeping loc to locate pointers for the
// rules that come after. A run over 10,000 files keeps them all until the
// cross-file rules are done, and the trees would be most of its memory.
func (f *File) Settle(loc Locator) {
	f.Root, f.Positions, f.uris = nil, loc, nil
}

// Loaded reports whether the file parsed into a request.
func (f *File) Loaded() bool { return f.Request != nil }

// Locator locates pointers in a file whose tree is not at hand.
type Locator interface {
	// Position answers exactly what locate.Position answers on the tree.
	Position(pointer string, target locate.Target) (line, col int)
}

// Position is the position of pointer in the file (see locate.Position):
// from Root, else from Positions; 1:1 when the file did not parse.
func (f *File) Position(pointer string, target locate.Target) (line, col int) {
	if f.Root == nil && f.Positions != nil {
		return f.Positions.Position(pointer, target)
	}
	return locate.Position(f.Root, pointer, target)
}

// KeyPosition is the position of the key of the entry at pointer (for "this
// field should not be here").
func (f *File) KeyPosition(pointer string) (line, col int) {
	return f.Position(pointer, locate.AtKey)
}

// Context is what rules may know beyond the files.
type Context struct {
	// Today is the date the date rules compare with (--today).
	Today time.Time
}

// Rule is one named check.
type Rule struct {
	ID       string
	Severity finding.Severity // the usual severity; a check may lower it per finding
	Summary  finding.Text     // one line, for `fsgate rules` and SARIF

	// Check looks at one file. It runs only on files that loaded, unless
	// OnUnloaded is set (rules about the path itself).
	Check      func(ctx *Context, f *File) []finding.Finding
	OnUnloaded bool
	// CheckAll looks at every loaded file at once (cross-file rules). Each
	// finding must set its Path. The engine runs the cross-file rules side
	// by side: CheckAll only reads the files.
	CheckAll func(ctx *Context, files []*File) []finding.Finding
	// CheckChange compares one path at the base of a change (--base) with
	// its new version; base or head is nil for a created or deleted file.
	// A finding on a deleted file sets its Path.
	CheckChange func(ctx *Context, base, head *File) []finding.Finding
	// SettledAt reports, for a rule whose Check judges what a request
	// asks for at the time it is asked, whether the base of a change
	// (--base) already settled it: its findings on head are then dropped.
	// base is never nil (a created file has nothing settled).
	SettledAt func(base, head *File) bool
}

// DependsOnToday reports whether the rule's findings on a file depend on
// Context.Today and not on the file alone. The engine's content cache never
// stores them: it reruns these rules on every run, on the cached request
// (a cached file has Request, Source and Positions, no Root). Every rule
// that reads ctx.Today must be listed here; a test in internal/validate
// checks that the other rules' findings do not move with the date.
func (r *Rule) DependsOnToday() bool { return r == plannedDate }

// Builtin rules have no check function here: the loader and the schema
// produce their findings.
var (
	YAML = &Rule{ID: "yaml", Severity: finding.Error, Summary: finding.T(
		"le fichier est du YAML simple : un document, sans ancre, alias, étiquette ni clé en double",
		"the file is plain YAML: one document, no anchor, alias, tag or duplicate key")}
	Schema = &Rule{ID: "schema", Severity: finding.Error, Summary: finding.T(
		"le contenu respecte le schéma : champs connus, types, valeurs permises",
		"the content follows the schema: known fields, types, allowed values")}
	// MixedChange is produced by the pull request action, which alone
	// knows every path a pull request changes.
	MixedChange = &Rule{ID: "mixed-change", Severity: finding.Error, Summary: finding.T(
		"une pull request change soit des demandes (providers/), soit l'outil, jamais les deux",
		"a pull request changes either requests (providers/) or the tooling, never both")}
)

// All returns every rule, in a stable order: builtin ones first, then each
// family in the order a publisher meets the problems.
func All() []*Rule {
	return registry()
}

var registry = func() func() []*Rule {
	var all []*Rule
	all = append(all, YAML, Schema, fileLocation, MixedChange)
	all = append(all, formRules()...)
	all = append(all, uriRules()...)
	all = append(all, ipRules()...)
	all = append(all, textRules()...)
	all = append(all, crossFileRules()...)
	all = append(all, changeRules()...)
	all = append(all, onlineRules()...)
	return func() []*Rule { return all }
}()

// Lookup returns the rule with id, or nil.
func Lookup(id string) *Rule {
	i := slices.IndexFunc(registry(), func(r *Rule) bool { return r.ID == id })
	if i < 0 {
		return nil
	}
	return registry()[i]
}

// At builds a finding at the value of pointer; the engine fills the path,
// rule, severity and position.
func At(pointer string, msg finding.Text) finding.Finding {
	return finding.Finding{Pointer: pointer, Message: msg}
}

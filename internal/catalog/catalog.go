// Package catalog is the FranceConnect data the rules and the export read:
// the editors of the form (certification, display-name patterns), the two
// platforms (eIDAS levels, algorithms, origin of reused subs) and their
// scopes. The data is catalog.yaml, embedded and parsed once; Go code here
// only indexes it and answers questions about it.
package catalog

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/request"
)

//go:embed catalog.yaml
var source []byte

// Get returns the embedded catalogue, parsed once per process. The file is
// part of the binary: a parse error is a programming error, which
// TestEmbeddedCatalog catches, so Get panics on it.
var Get = sync.OnceValue(func() *Catalog {
	c, err := Parse(source)
	if err != nil {
		panic("catalog.yaml: " + err.Error())
	}
	return c
})

// Catalog is the whole catalogue.
type Catalog struct {
	Editors     []*Editor     `yaml:"editors"`
	Platforms   []*Platform   `yaml:"platforms"`
	ScopeGroups []*ScopeGroup `yaml:"scopeGroups"`

	editors   map[string]*Editor
	platforms map[string]*Platform
}

// OtherEditor is the id of an editor absent from the form's list.
const OtherEditor = "other"

// Editor is one entry of the form's list of editors.
type Editor struct {
	ID          string `yaml:"id"`
	Label       string `yaml:"label"` // as the form writes it
	CertifiedV2 bool   `yaml:"certifiedV2"`
	// Pattern is the display name the form imposes on the editor's service
	// providers, with one placeholder ({collectivite} or {hopital}); "" when
	// the form imposes none.
	Pattern string `yaml:"pattern"`
	// PatternConfirmed is false when no public source ties Pattern to this
	// editor: a mismatch is then only a warning.
	PatternConfirmed bool `yaml:"patternConfirmed"`

	prefix, suffix, placeholder string
}

// Placeholders of a naming pattern.
const (
	Collectivite = "collectivite" // the local authority (commune, département, région…)
	Hopital      = "hopital"      // the hospital
)

var placeholders = []string{Collectivite, Hopital}

// Placeholder returns the placeholder of the editor's pattern, or "".
func (e *Editor) Placeholder() string { return e.placeholder }

// DisplayName fills the editor's pattern with value.
func (e *Editor) DisplayName(value string) string { return e.prefix + value + e.suffix }

// Matches reports whether displayName follows the editor's pattern: its
// fixed text, exactly, around a non-empty value without surrounding spaces.
// An editor without a pattern matches every name.
func (e *Editor) Matches(displayName string) bool {
	if e.Pattern == "" {
		return true
	}
	if len(displayName) <= len(e.prefix)+len(e.suffix) ||
		!strings.HasPrefix(displayName, e.prefix) || !strings.HasSuffix(displayName, e.suffix) {
		return false
	}
	value := displayName[len(e.prefix) : len(displayName)-len(e.suffix)]
	return value == strings.TrimSpace(value) && value != ""
}

// FixedParts returns the fixed words of the pattern, split on " - ":
// "Plateforme de Transparence - codoc Transparency - {hopital}" gives
// "Plateforme de Transparence" and "codoc Transparency".
func (e *Editor) FixedParts() []string {
	var out []string
	for _, side := range []string{e.prefix, e.suffix} {
		for _, part := range strings.Split(side, " - ") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// Platform is FranceConnect or FranceConnect+.
type Platform struct {
	ID    string `yaml:"id"`
	Label string `yaml:"label"`
	// Environments are those requested through this repository; the others
	// are self-service at SelfServiceURL.
	Environments   []string `yaml:"environments"`
	SelfServiceURL string   `yaml:"selfServiceURL"`
	Eidas          struct {
		Allowed []string `yaml:"allowed"`
		Default string   `yaml:"default"`
	} `yaml:"eidas"`
	Signature struct {
		Accepted []string `yaml:"accepted"` // offered by the form
		Enabled  []string `yaml:"enabled"`  // enabled by the platform's core
	} `yaml:"signature"`
	Encryption struct {
		Algs []string `yaml:"algs"` // empty: the platform never encrypts
		Enc  string   `yaml:"enc"`
	} `yaml:"encryption"`
	ReuseSubsFrom      string `yaml:"reuseSubsFrom"`
	ReuseSubsFromLabel string `yaml:"reuseSubsFromLabel"`
	// CertifiedEditorQualifies: in production, an editor certified v2
	// stands for the individual qualification.
	CertifiedEditorQualifies bool `yaml:"certifiedEditorQualifies"`

	scopes     map[string]*Scope
	prefixes   []*Scope
	names      []string // exact scope names, sorted
	composites []*Scope // in catalogue order
}

// Encrypts reports whether the platform encrypts tokens.
func (p *Platform) Encrypts() bool { return len(p.Encryption.Algs) > 0 }

// RequestedHere reports whether a service provider of this platform in env
// is requested through this repository.
func (p *Platform) RequestedHere(env string) bool { return slices.Contains(p.Environments, env) }

// ScopeGroup is the scopes of one source of data.
type ScopeGroup struct {
	ID    string `yaml:"id"`
	Label string `yaml:"label"`
	// DataProvider marks the data of a data provider (DGFIP, CNAM…): it
	// needs an API habilitation.
	DataProvider bool         `yaml:"dataProvider"`
	Platforms    []string     `yaml:"platforms"`
	Scopes       []string     `yaml:"scopes"`
	Composites   []*Composite `yaml:"composites"`
	// Prefixes name families of scopes: the prefix followed by at least
	// one character.
	Prefixes []string `yaml:"prefixes"`
}

// Composite is a scope that stands for all its members.
type Composite struct {
	Name    string   `yaml:"name"`
	Members []string `yaml:"members"`
}

// Scope is one scope of one platform.
type Scope struct {
	Name    string // for a family of scopes, its prefix
	Group   *ScopeGroup
	Members []string // a composite's members
	Prefix  bool     // Name is a prefix
}

// Editor returns the editor with id, or nil.
func (c *Catalog) Editor(id string) *Editor { return c.editors[id] }

// EditorIDs returns the ids of every editor, in the form's order.
func (c *Catalog) EditorIDs() []string {
	ids := make([]string, len(c.Editors))
	for i, e := range c.Editors {
		ids[i] = e.ID
	}
	return ids
}

// Platform returns the platform with id, or nil.
func (c *Catalog) Platform(id string) *Platform { return c.platforms[id] }

// Scope returns the scope name on p, or nil when p does not know it.
func (p *Platform) Scope(name string) *Scope {
	if s := p.scopes[name]; s != nil {
		return s
	}
	for _, s := range p.prefixes {
		if len(name) > len(s.Name) && strings.HasPrefix(name, s.Name) {
			return s
		}
	}
	return nil
}

// ScopePlatforms returns the platforms that know the scope name, in
// catalogue order.
func (c *Catalog) ScopePlatforms(name string) []*Platform {
	var out []*Platform
	for _, p := range c.Platforms {
		if p.Scope(name) != nil {
			out = append(out, p)
		}
	}
	return out
}

// ClosestScope returns the scope of p nearest to name when name looks like
// a typo of it (a few letters apart, or another case), else "".
func (p *Platform) ClosestScope(name string) string {
	lower := strings.ToLower(name)
	best, bestDist := "", -1
	for _, candidate := range p.names {
		d := editDistance(lower, candidate)
		if bestDist < 0 || d < bestDist {
			best, bestDist = candidate, d
		}
	}
	limit := 1
	switch n := len([]rune(name)); {
	case n >= 12:
		limit = 3
	case n >= 5:
		limit = 2
	}
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// Granted returns the scopes that scopes grant on p: each one, and the
// members of each composite among them.
func (p *Platform) Granted(scopes []string) map[string]bool {
	granted := make(map[string]bool, len(scopes))
	for _, s := range scopes {
		if s == "" {
			continue
		}
		granted[s] = true
		if sc := p.scopes[s]; sc != nil {
			for _, m := range sc.Members {
				granted[m] = true
			}
		}
	}
	return granted
}

// NormalizeScopes returns the scopes as FranceConnect stores them for
// platform (csmr-import-core normalizeScopes): openid first, then the
// scopes given (without duplicates or empty items), then every composite
// of the platform whose members are all granted, directly or through a
// composite given, in catalogue order. The plain scopes a composite implies
// are not added.
func (c *Catalog) NormalizeScopes(platform string, scopes []string) []string {
	out := []string{"openid"}
	seen := map[string]bool{"openid": true}
	for _, s := range scopes {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	p := c.Platform(platform)
	if p == nil {
		return out
	}
	granted := p.Granted(out)
	for _, comp := range p.composites {
		if !seen[comp.Name] && !slices.ContainsFunc(comp.Members, func(m string) bool { return !granted[m] }) {
			seen[comp.Name] = true
			out = append(out, comp.Name)
		}
	}
	return out
}

// Parse reads and checks a catalogue.
func Parse(data []byte) (*Catalog, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	if err := c.index(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Environments a platform may list.
var environments = []string{request.Integration, request.Production}

func (c *Catalog) index() error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	c.editors = map[string]*Editor{}
	for _, e := range c.Editors {
		switch {
		case e.ID == "" || e.Label == "":
			fail("editor %q: id and label are required", e.ID)
		case c.editors[e.ID] != nil:
			fail("editor %q: duplicate id", e.ID)
		}
		c.editors[e.ID] = e
		if e.Pattern == "" {
			if e.PatternConfirmed {
				fail("editor %q: patternConfirmed without a pattern", e.ID)
			}
			continue
		}
		if err := e.compile(); err != nil {
			fail("editor %q: %v", e.ID, err)
		}
	}
	if c.editors[OtherEditor] == nil {
		fail("no editor %q", OtherEditor)
	}

	c.platforms = map[string]*Platform{}
	if len(c.Platforms) == 0 || len(c.ScopeGroups) == 0 {
		fail("no platform or no scope group")
	}
	for _, p := range c.Platforms {
		switch {
		case p.ID == "" || p.Label == "":
			fail("platform %q: id and label are required", p.ID)
		case c.platforms[p.ID] != nil:
			fail("platform %q: duplicate id", p.ID)
		}
		c.platforms[p.ID] = p
		p.scopes = map[string]*Scope{}
		if len(p.Environments) == 0 || slices.ContainsFunc(p.Environments, func(e string) bool { return !slices.Contains(environments, e) }) {
			fail("platform %q: environments must be among %v", p.ID, environments)
		}
		if len(p.Environments) < len(environments) && p.SelfServiceURL == "" {
			fail("platform %q: selfServiceURL is required when an environment is not requested here", p.ID)
		}
		if !slices.Contains(p.Eidas.Allowed, p.Eidas.Default) {
			fail("platform %q: default eidas %q is not allowed", p.ID, p.Eidas.Default)
		}
		if len(p.Signature.Enabled) == 0 || slices.ContainsFunc(p.Signature.Enabled, func(a string) bool { return !slices.Contains(p.Signature.Accepted, a) }) {
			fail("platform %q: enabled signature algorithms must be accepted ones", p.ID)
		}
		if p.Encrypts() != (p.Encryption.Enc != "") {
			fail("platform %q: encryption algs and enc go together", p.ID)
		}
		if p.ReuseSubsFrom == "" || p.ReuseSubsFromLabel == "" {
			fail("platform %q: reuseSubsFrom and its label are required", p.ID)
		}
	}

	groups := map[string]bool{}
	for _, g := range c.ScopeGroups {
		if g.ID == "" || g.Label == "" || groups[g.ID] {
			fail("scope group %q: missing or duplicate id, or no label", g.ID)
		}
		groups[g.ID] = true
		if len(g.Platforms) == 0 {
			fail("scope group %q: no platform", g.ID)
		}
		for _, pid := range g.Platforms {
			p := c.platforms[pid]
			if p == nil {
				fail("scope group %q: unknown platform %q", g.ID, pid)
				continue
			}
			add := func(s *Scope) {
				if p.scopes[s.Name] != nil {
					fail("scope %q: twice on platform %q", s.Name, pid)
				}
				p.scopes[s.Name] = s
				p.names = append(p.names, s.Name)
			}
			for _, name := range g.Scopes {
				add(&Scope{Name: name, Group: g})
			}
			for _, comp := range g.Composites {
				s := &Scope{Name: comp.Name, Group: g, Members: comp.Members}
				add(s)
				p.composites = append(p.composites, s)
			}
			for _, prefix := range g.Prefixes {
				if prefix == "" {
					fail("scope group %q: empty prefix", g.ID)
				}
				p.prefixes = append(p.prefixes, &Scope{Name: prefix, Group: g, Prefix: true})
			}
		}
	}
	for _, p := range c.Platforms {
		slices.Sort(p.names)
		for _, comp := range p.composites {
			if len(comp.Members) < 2 {
				fail("composite %q: fewer than two members", comp.Name)
			}
			for _, m := range comp.Members {
				if s := p.scopes[m]; s == nil || s.Members != nil {
					fail("composite %q: member %q is not a plain scope of %q", comp.Name, m, p.ID)
				}
			}
		}
	}
	return errors.Join(errs...)
}

// compile splits the pattern around its placeholder.
func (e *Editor) compile() error {
	found := 0
	for _, ph := range placeholders {
		token := "{" + ph + "}"
		if n := strings.Count(e.Pattern, token); n > 0 {
			found += n
			e.placeholder = ph
			e.prefix, e.suffix, _ = strings.Cut(e.Pattern, token)
		}
	}
	if found != 1 {
		return fmt.Errorf("pattern %q must hold exactly one placeholder among %v", e.Pattern, placeholders)
	}
	if strings.ContainsAny(e.prefix+e.suffix, "{}") {
		return fmt.Errorf("pattern %q: unknown placeholder", e.Pattern)
	}
	return nil
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

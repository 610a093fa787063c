package export

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/fsgate/fsgate/internal/rules"
)

// Changes is what an export changes compared with the previous one:
// DIR/changes.json, and the plan of a pull request.
type Changes struct {
	// Commit is the commit of the new export, PreviousCommit the previous
	// one's; each absent when unknown.
	Commit string `json:"commit,omitempty"`
	// Created are the ids of the service providers to create.
	Created []string `json:"created"`
	// Deleted are the ids of the service providers that no longer have a
	// request: FranceConnect deactivates them.
	Deleted        []string `json:"deleted"`
	PreviousCommit string   `json:"previousCommit,omitempty"`
	// Skipped are the request files that could not be exported (a plan
	// only; an export with errors is refused as a whole).
	Skipped []Skipped `json:"skipped,omitempty"`
	Summary Summary   `json:"summary"`
	// Updated are the service providers whose client document changes.
	Updated []Update `json:"updated"`
	Version int      `json:"version"`

	// clients holds the new client of each created id and the old client
	// of each deleted id, for rendering; nil for changes read from a file.
	clients map[string]*Client
}

// Summary counts the changes.
type Summary struct {
	Created   int `json:"created"`
	Deleted   int `json:"deleted"`
	Unchanged int `json:"unchanged"`
	Updated   int `json:"updated"`
}

// Update is one service provider whose client document changes.
type Update struct {
	// Fields are the changed fields of the client, in document order.
	Fields []FieldChange `json:"fields"`
	ID     string        `json:"id"`
	// ScopesAdded are the scopes the service provider gains: data it
	// will receive that it did not before. ScopesRemoved, those it loses.
	ScopesAdded   []string `json:"scopesAdded,omitempty"`
	ScopesRemoved []string `json:"scopesRemoved,omitempty"`
}

// FieldChange is one changed field of a client document. Old or New is
// absent when the field is absent from that document.
type FieldChange struct {
	Field string          `json:"field"`
	New   json.RawMessage `json:"new,omitempty"`
	Old   json.RawMessage `json:"old,omitempty"`
}

// ScopesField is the name of the scopes field.
const ScopesField = "scopes"

// omitted are the fields absent from a document when empty.
var omitted = map[string]bool{"entityId": true, "jwks_uri": true, "platform": true, "sector_identifier_uri": true}

// Clients returns the export as a previous export, in memory.
func (x *Export) Clients() *Previous {
	p := &Previous{Commit: x.Commit, docs: make(map[string]*prevDoc, len(x.Entries))}
	for _, e := range x.Entries {
		p.docs[e.ID] = &prevDoc{sha256: e.SHA256, client: &e.Client}
	}
	return p
}

// Diff compares the export cur with the previous export prev. Its error
// is a document of prev that does not parse.
func Diff(prev *Previous, cur *Export) (*Changes, error) {
	return diff(prev, cur.Clients())
}

func diff(prev, cur *Previous) (*Changes, error) {
	c := &Changes{
		Commit: cur.Commit, PreviousCommit: prev.Commit, Version: Version,
		Created: []string{}, Deleted: []string{}, Updated: []Update{},
		clients: map[string]*Client{},
	}
	ids := make([]string, 0, len(cur.docs)+len(prev.docs))
	for id := range cur.docs {
		ids = append(ids, id)
	}
	for id := range prev.docs {
		if cur.docs[id] == nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		before, after := prev.docs[id], cur.docs[id]
		switch {
		case before == nil:
			c.Created = append(c.Created, id)
			c.clients[id] = after.client
			continue
		case after != nil && before.sha256 != "" && before.sha256 == after.sha256:
			// The same bytes: the same client, no need to parse.
			c.Summary.Unchanged++
			continue
		}
		old, err := prev.Client(id)
		if err != nil {
			return nil, err
		}
		if after == nil {
			c.Deleted = append(c.Deleted, id)
			c.clients[id] = old
			continue
		}
		if u, changed := compare(id, old, after.client); changed {
			c.Updated = append(c.Updated, u)
		} else {
			c.Summary.Unchanged++
		}
	}
	c.Summary.Created, c.Summary.Deleted, c.Summary.Updated = len(c.Created), len(c.Deleted), len(c.Updated)
	return c, nil
}

// compare lists the fields that differ between two clients.
func compare(id string, before, after *Client) (Update, bool) {
	u := Update{ID: id}
	for _, f := range clientFields {
		old, cur := f.get(before), f.get(after)
		if equalValue(old, cur) {
			continue
		}
		u.Fields = append(u.Fields, FieldChange{Field: f.name, Old: raw(f.name, old), New: raw(f.name, cur)})
	}
	if len(u.Fields) == 0 {
		return u, false
	}
	u.ScopesAdded = missingFrom(after.Scopes, before.Scopes)
	u.ScopesRemoved = missingFrom(before.Scopes, after.Scopes)
	return u, true
}

// raw is the JSON of a field's value, nil when the field is absent.
func raw(name string, v any) json.RawMessage {
	if s, ok := v.(string); ok && s == "" && omitted[name] {
		return nil
	}
	return json.RawMessage(encodeCompact(v))
}

// encodeCompact is v as one line of JSON, without HTML escaping (like the
// documents), without the trailing newline.
func encodeCompact(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("export: encode: " + err.Error())
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// missingFrom returns the items of a absent from b, in a's order.
func missingFrom(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Plan is the change set that exporting head would give after an export
// of base: what merging a pull request changes for FranceConnect. Neither
// side needs to be free of errors: every request that can be built is,
// and the others are listed in Skipped; a service provider whose file is
// skipped on either side is left out of the comparison rather than shown
// as created or deleted.
func Plan(base, head []*rules.File) *Changes {
	b, bskip := Build(base, Options{})
	h, hskip := Build(head, Options{})
	before, after := b.Clients(), h.Clients()
	var skipped []Skipped
	for _, side := range []struct {
		name string
		list []Skipped
	}{{"base", bskip}, {"head", hskip}} {
		for _, s := range side.list {
			s.Side = side.name
			skipped = append(skipped, s)
			if id, ok := idOfPath(s.Path); ok {
				delete(before.docs, id)
				delete(after.docs, id)
			}
		}
	}
	// Both sides are in memory, parsed: diff cannot fail.
	c, _ := diff(before, after)
	c.Commit, c.PreviousCommit = "", ""
	slices.SortStableFunc(skipped, func(a, b Skipped) int {
		return strings.Compare(a.Path, b.Path)
	})
	c.Skipped = skipped
	return c
}

// idOfPath returns the id a request path stands for
// (providers/<platform>/<environment>/<name>.yaml), if it has that shape.
func idOfPath(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, ProvidersDir+"/")
	if !ok {
		return "", false
	}
	id, ok := strings.CutSuffix(rest, ".yaml")
	if !ok || strings.Count(id, "/") != 2 {
		return "", false
	}
	return id, true
}

// Empty reports whether nothing changes.
func (c *Changes) Empty() bool {
	return len(c.Created)+len(c.Updated)+len(c.Deleted) == 0
}

// JSON returns the changes as the export writes them.
func (c *Changes) JSON() []byte { return encode(c) }

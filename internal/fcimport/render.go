package fcimport

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/fsgate/fsgate/internal/request"
)

// Modeline is the first line of every request file: editors that run the
// yaml-language-server validate the file against the schema as it is typed.
const Modeline = "# yaml-language-server: $schema=../../../schema/service-provider.schema.json"

// slug derives metadata.name from a display name: lowercase ASCII letters
// and digits, other characters as single hyphens, accents dropped, at most
// 63 characters. A name with nothing left gives "fs-<signup_id>".
func slug(name, signupID string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		if plain, ok := foldings[r]; ok {
			b.WriteString(plain)
			hyphen = false
			continue
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			hyphen = false
			continue
		}
		if !hyphen && b.Len() > 0 {
			b.WriteByte('-')
			hyphen = true
		}
	}
	s := b.String()
	if len(s) > maxName {
		s = s[:maxName]
	}
	s = strings.Trim(s, "-")
	if s == "" {
		s = "fs"
		if signupPattern.MatchString(signupID) {
			s += "-" + signupID
		}
	}
	return s
}

// foldings spell the letters of French (and a few neighbours) in ASCII.
var foldings = map[rune]string{
	'à': "a", 'â': "a", 'ä': "a", 'á': "a", 'ã': "a", 'å': "a",
	'é': "e", 'è': "e", 'ê': "e", 'ë': "e",
	'î': "i", 'ï': "i", 'í': "i", 'ì': "i",
	'ô': "o", 'ö': "o", 'ó': "o", 'ò': "o", 'õ': "o", 'ø': "o",
	'ù': "u", 'û': "u", 'ü': "u", 'ú': "u",
	'ç': "c", 'ÿ': "y", 'ñ': "n", 'œ': "oe", 'æ': "ae", 'ß': "ss",
}

// safeName is a field name that can be written in a YAML comment as it is.
var safeName = regexp.MustCompile(`^[A-Za-z0-9_.]{1,64}$`)

// render writes the request file: the modeline, a comment listing what to
// complete and what the export will not carry, then the request in the
// order of the format (design §2).
func render(r *request.Request, notes []Note) []byte {
	var b bytes.Buffer
	b.WriteString(Modeline + "\n")
	b.WriteString("# Importé d'un document client FranceConnect (fsgate import) : relisez-le avant la pull request.\n")
	var complete, changed []string
	for _, n := range notes {
		for _, f := range n.Fields {
			if !safeName.MatchString(f) {
				f = "…"
			}
			switch n.Kind {
			case Complete:
				if !slices.Contains(complete, f) {
					complete = append(complete, f)
				}
			case Changed:
				if !slices.Contains(changed, f) {
					changed = append(changed, f)
				}
			}
		}
	}
	if len(complete) > 0 {
		b.WriteString("# À compléter ou vérifier : " + strings.Join(complete, ", ") + ".\n")
	}
	if len(changed) > 0 {
		b.WriteString("# Non repris tel quel du document FranceConnect : " + strings.Join(changed, ", ") + ".\n")
	}

	spec := mapping()
	spec.add("platform", str(r.Platform))
	spec.add("environment", str(r.Environment))
	spec.add("organisation", str(r.Organisation))
	spec.add("displayName", str(r.DisplayName))
	spec.add("site", str(r.Site))
	spec.add("datapass", str(r.Datapass))
	if r.PlannedProductionDate != "" {
		spec.add("plannedProductionDate", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!timestamp", Value: r.PlannedProductionDate})
	}
	spec.add("redirectUris", seq(r.RedirectURIs, 0))
	spec.add("postLogoutRedirectUris", seq(r.PostLogoutURIs, 0))
	if r.SectorIdentifierURI != "" {
		spec.add("sectorIdentifierUri", str(r.SectorIdentifierURI))
	}
	if r.JWKSURI != "" {
		spec.add("jwksUri", str(r.JWKSURI))
	}
	if len(r.IPAddresses) > 0 {
		spec.add("ipAddresses", seq(r.IPAddresses, yaml.FlowStyle))
	}
	spec.add("signature", str(r.Signature))
	if r.Encryption != "" {
		spec.add("encryption", str(r.Encryption))
	}
	if r.Eidas != "" {
		spec.add("eidas", str(r.Eidas))
	}
	spec.add("scopes", seq(r.Scopes, yaml.FlowStyle))
	if r.ReuseSubs != nil {
		rs := mapping()
		rs.add("from", str(r.ReuseSubs.From))
		rs.add("clientId", str(r.ReuseSubs.ClientID))
		spec.add("reuseSubs", rs.Node)
	}
	spec.add("contacts", seq(r.Contacts, yaml.FlowStyle))

	meta := mapping()
	meta.add("name", str(r.Name))
	top := mapping()
	top.add("apiVersion", str(r.APIVersion))
	top.add("kind", str(r.Kind))
	top.add("metadata", meta.Node)
	top.add("spec", spec.Node)

	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{top.Node}}); err != nil {
		panic("fcimport: encode: " + err.Error()) // strings only: cannot fail
	}
	enc.Close()
	return b.Bytes()
}

type mappingNode struct{ *yaml.Node }

func mapping() mappingNode { return mappingNode{&yaml.Node{Kind: yaml.MappingNode}} }

func (m mappingNode) add(key string, value *yaml.Node) {
	m.Content = append(m.Content, str(key), value)
}

func str(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

func seq(items []string, style yaml.Style) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: style}
	for _, s := range items {
		n.Content = append(n.Content, str(s))
	}
	return n
}

// ErrExists is returned by Write for a file that exists already.
var ErrExists = errors.New("file exists")

// Write writes the request of o under dir (the providers directory). An
// existing file is replaced only with force, and then atomically.
func Write(dir string, o *Outcome, force bool) error {
	if o.Skipped != nil || o.Path == "" {
		return fmt.Errorf("document %d was not imported", o.Index+1)
	}
	name := filepath.Join(dir, filepath.FromSlash(o.Path))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	if !force {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			return ErrExists
		}
		if err != nil {
			return err
		}
		_, err = f.Write(o.File)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(name)
		}
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp-")
	if err != nil {
		return err
	}
	_, err = tmp.Write(o.File)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

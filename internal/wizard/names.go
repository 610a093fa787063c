package wizard

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/fsgate/fsgate/internal/catalog"
)

// maxName is the longest metadata.name the schema accepts.
const maxName = 63

// Slug turns a display name into a file name the schema accepts:
// "Lyon - Portail Famille" gives "lyon-portail-famille". Accents go
// ("Démarches" gives "demarches"), every other character becomes a hyphen.
func Slug(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue // the accent of a decomposed letter
		}
		r = unicode.ToLower(r)
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			hyphen = false
		case ligatures[r] != "":
			b.WriteString(ligatures[r])
			hyphen = false
		case !hyphen && b.Len() > 0:
			b.WriteByte('-')
			hyphen = true
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if len(out) > maxName {
		out = strings.TrimRight(out[:maxName], "-")
	}
	return out
}

// fold lowers s and drops its accents, to compare what was typed with an
// option.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.TrimSpace(s)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

var ligatures = map[rune]string{'œ': "oe", 'æ': "ae", 'ß': "ss"}

// collectivitePrefixes are what an organisation's name has before the
// collectivité's: "Ville de Lyon" is "Lyon" in a display name.
var collectivitePrefixes = []string{
	"commune de ", "commune d'", "commune d’", "mairie de ", "mairie d'", "mairie d’",
	"ville de ", "ville d'", "ville d’",
}

// Collectivite guesses the collectivité an editor's naming pattern wants
// from the organisation's name (as DataPass knows it): the proposal is
// shown, and the publisher may type another.
func Collectivite(organisation string) string {
	s := strings.Join(strings.Fields(organisation), " ")
	lower := strings.ToLower(s)
	for _, p := range collectivitePrefixes {
		if strings.HasPrefix(lower, p) {
			return strings.TrimSpace(s[len(p):])
		}
	}
	return s
}

// scopeLabels name the identity scopes in French, for the numbered list.
var scopeLabels = map[string]string{
	"openid":             "identifiant technique (toujours inclus)",
	"given_name":         "prénoms",
	"family_name":        "nom de naissance",
	"birthdate":          "date de naissance",
	"gender":             "sexe",
	"birthplace":         "lieu de naissance",
	"birthcountry":       "pays de naissance",
	"email":              "adresse électronique",
	"preferred_username": "nom d'usage (avec le nom de naissance)",
	"amr":                "méthodes d'authentification utilisées",
	"idp_birthdate":      "date de naissance transmise par le fournisseur d'identité",
	"idp_id":             "identifiant du fournisseur d'identité",
}

// scopeLabel names a scope: its French label, "certifié RNIPP" for the
// RNIPP variants, the members of a composite.
func scopeLabel(name string, members []string) string {
	if len(members) > 0 {
		return "ensemble : " + strings.Join(members, ", ")
	}
	if base, ok := strings.CutPrefix(name, "rnipp_"); ok && scopeLabels[base] != "" {
		return scopeLabels[base] + " (certifié RNIPP)"
	}
	return scopeLabels[name]
}

// identityScopes are the scopes a publisher picks in the numbered list:
// those of the platform's identity groups (the data providers' scopes need
// an API habilitation and are typed by name). openid is always included,
// so it is not offered.
func identityScopes(a *Answers) []Option {
	var opts []Option
	for _, g := range catalog.Get().ScopeGroups {
		if g.DataProvider || !slices.Contains(g.Platforms, a.Platform) {
			continue
		}
		for _, s := range g.Scopes {
			if s != "openid" {
				opts = append(opts, Option{s, s + " : " + scopeLabel(s, nil)})
			}
		}
		for _, c := range g.Composites {
			opts = append(opts, Option{c.Name, c.Name + " : " + scopeLabel(c.Name, c.Members)})
		}
	}
	for i := range opts {
		opts[i].Label = strings.TrimSuffix(opts[i].Label, " : ")
	}
	return opts
}

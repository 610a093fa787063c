package jwks

import (
	"encoding/json"
	"fmt"
)

// ParseSector checks a sector identifier document against the request's
// redirect URIs: it must be a non-empty JSON array of strings containing
// every redirect URI, compared as raw strings as FranceConnect does. Empty
// strings in redirectURIs (items that were not strings in the request file)
// are skipped: the offline rules report them.
func ParseSector(body []byte, redirectURIs []string) []Problem {
	v, ps := readJSON(body, docSector)
	if v == nil {
		return ps
	}
	if v[0] != '[' {
		k := valueKind(v[0])
		return append(ps, errorp(NotArray, -1, docSector.says(
			"un tableau JSON de chaînes est attendu, pas "+k.fr,
			"a JSON array of strings is expected, not "+k.en)))
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(v, &elems); err != nil {
		return append(ps, errorp(NotArray, -1, docSector.says("tableau illisible", "unreadable array")))
	}
	if len(elems) == 0 {
		return append(ps, errorp(EmptySector, -1, docSector.says(
			"le tableau est vide, il doit contenir chaque URI de redirection",
			"the array is empty, it must list every redirect URI")))
	}
	listed := make(map[string]bool, len(elems))
	for i, e := range elems {
		var s string
		if e[0] != '"' || json.Unmarshal(e, &s) != nil {
			k := valueKind(e[0])
			ps = append(ps, errorp(NotString, i, docSector.says(
				fmt.Sprintf("l'élément %d n'est pas une chaîne (%s)", i, k.fr),
				fmt.Sprintf("element %d is not a string (%s)", i, k.en))))
			continue
		}
		listed[s] = true
	}
	for i, u := range redirectURIs {
		if u != "" && !listed[u] {
			// u comes from the request file, not from the document.
			ps = append(ps, errorp(MissingRedirectURI, i, docSector.says(
				fmt.Sprintf("l'URI de redirection %s (redirectUris[%d]) n'y figure pas, or FranceConnect exige qu'il contienne chaque URI de redirection", u, i),
				fmt.Sprintf("the redirect URI %s (redirectUris[%d]) is not listed, and FranceConnect requires every redirect URI in it", u, i))))
		}
	}
	return limit(ps)
}

// valueKind names a JSON value by its first byte, never by its content.
func valueKind(b byte) doc {
	switch b {
	case '{':
		return doc{"un objet", "an object"}
	case '[':
		return doc{"un tableau", "an array"}
	case '"':
		return doc{"une chaîne", "a string"}
	case 't', 'f':
		return doc{"un booléen", "a boolean"}
	case 'n':
		return doc{"null", "null"}
	}
	return doc{"un nombre", "a number"}
}

package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/locate"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/uri"
)

// uriRules returns the checks of every URI (redirect, post-logout, site, sector identifier, JWKS).
//
// One URI value gets at most one error from the uri-* rules: uri.Check runs
// its checks in a fixed order (syntax, fragment, https, host, canonical,
// query) and stops at the first that fails, because fixing the most
// fundamental problem changes the others. Each rule below reports the
// problems of its own kind only, so the precedence holds across rules.
// uri-open-redirect (a warning) comes only for a URI without error.
// uri-duplicate and sector-identifier-required look at lists and are
// independent of the rest.
func uriRules() []*Rule {
	return []*Rule{uriSyntax, uriFragment, uriHTTPS, uriHost, uriCanonical, uriQuery, uriOpenRedirect,
		uriDuplicate, sectorIdentifierRequired}
}

// One rule per kind of problem of package uri, in its order of precedence.
var (
	uriSyntax = kindRule("uri-syntax", finding.Error, uri.Syntax, finding.T(
		"chaque URL est absolue, en caractères ASCII permis, sans identifiants, joker, espace ni schéma dangereux, 1024 caractères au plus",
		"every URL is absolute, in allowed ASCII characters, without credentials, wildcard, space or dangerous scheme, at most 1024 characters"))
	uriFragment = kindRule("uri-fragment", finding.Error, uri.Fragment, finding.T(
		"aucune URL ne contient « # »",
		"no URL contains “#”"))
	uriHTTPS = kindRule("uri-https", finding.Error, uri.Scheme, finding.T(
		"chaque URL est en https (http://localhost seulement en intégration, pour la redirection et la déconnexion)",
		"every URL is https (http://localhost only in integration, for redirect and logout)"))
	uriHost = kindRule("uri-host", finding.Error, uri.Host, finding.T(
		"chaque URL désigne un nom de domaine public valide, pas une adresse IP ni un nom réservé",
		"every URL names a valid public domain name, not an IP address or a reserved name"))
	uriCanonical = kindRule("uri-canonical", finding.Error, uri.NotCanonical, finding.T(
		"chaque URL est écrite sous forme canonique (minuscules, sans port par défaut, chemin non vide, sans . ni ..)",
		"every URL is written in canonical form (lowercase, no default port, non-empty path, no . or ..)"))
	uriQuery = kindRule("uri-query", finding.Error, uri.Query, finding.T(
		"les URL de redirection et de déconnexion ne portent pas les paramètres code, state, iss, error, session_state",
		"redirect and logout URLs do not carry the parameters code, state, iss, error, session_state"))
	uriOpenRedirect = kindRule("uri-open-redirect", finding.Warning, uri.OpenRedirect, finding.T(
		"les URL de redirection et de déconnexion n'ont pas d'URL en paramètre (redirection ouverte)",
		"redirect and logout URLs have no URL as a parameter (open redirect)"))
)

// uriField is one URI of a request and how it may be used.
type uriField struct {
	pointer string
	value   string
	opts    uri.Options
}

// uriFields lists the URIs of a request. An empty value is skipped: it is
// either empty (the schema says so) or not a string (the schema again).
func uriFields(r *request.Request) []uriField {
	// An unknown environment is treated as production: the stricter.
	production := r.Environment != request.Integration
	page := uri.Options{Production: production}
	redirect := uri.Options{Production: production, Localhost: !production, Redirect: true}
	var out []uriField
	add := func(pointer, value string, opts uri.Options) {
		if value != "" {
			out = append(out, uriField{pointer, value, opts})
		}
	}
	for i, v := range r.RedirectURIs {
		add(itemPointer(request.PtrRedirectURIs, i), v, redirect)
	}
	for i, v := range r.PostLogoutURIs {
		add(itemPointer(request.PtrPostLogoutURIs, i), v, redirect)
	}
	add(request.PtrSite, r.Site, page)
	add(request.PtrSectorIdentifierURI, r.SectorIdentifierURI, page)
	add(request.PtrJWKSURI, r.JWKSURI, page)
	return out
}

// The pointers of the first items of the URI lists, written once: every
// file has a few, and building them cost a string each per file.
var redirectItems, logoutItems = itemPointers(request.PtrRedirectURIs), itemPointers(request.PtrPostLogoutURIs)

func itemPointers(list string) (out [8]string) {
	for i := range out {
		out[i] = list + "/" + strconv.Itoa(i)
	}
	return out
}

// itemPointer is the pointer of item i of the list at pointer list.
func itemPointer(list string, i int) string {
	if i < len(redirectItems) {
		switch list {
		case request.PtrRedirectURIs:
			return redirectItems[i]
		case request.PtrPostLogoutURIs:
			return logoutItems[i]
		}
	}
	return list + "/" + strconv.Itoa(i)
}

// checkedURI is a URI of a file with its problems, and its components
// when it has any (uri.Parse's result).
type checkedURI struct {
	field    uriField
	problems []uri.Problem
	parsed   *uri.URI
}

// checkedURIs checks every URI of a file once: each uri-* rule reports one
// kind of problem, and checking each URI once per rule cost seven times the
// work (the profile showed it at a fifth of the whole validation). The
// rules of one file run in one goroutine, so the memo needs no lock.
func checkedURIs(f *File) []checkedURI {
	if f.uris == nil {
		fields := uriFields(f.Request)
		list := make([]checkedURI, len(fields))
		for i, fl := range fields {
			problems, parsed := uri.CheckParsed(fl.value, fl.opts)
			list[i] = checkedURI{fl, problems, parsed}
		}
		f.uris = &list
	}
	return *f.uris
}

// kindRule is the rule that reports the problems of one kind.
func kindRule(id string, severity finding.Severity, kind uri.Kind, summary finding.Text) *Rule {
	return &Rule{
		ID:       id,
		Severity: severity,
		Summary:  summary,
		Check: func(_ *Context, f *File) []finding.Finding {
			var out []finding.Finding
			for _, c := range checkedURIs(f) {
				fl := c.field
				for _, p := range c.problems {
					if p.Kind == kind {
						fd := At(fl.pointer, uriMessage(fl, p))
						fd.Suggestion = p.Fix
						out = append(out, fd)
					}
				}
			}
			return out
		},
	}
}

// uriMessage words a problem for the publisher: the field, what is wrong,
// what to write instead.
func uriMessage(fl uriField, p uri.Problem) finding.Text {
	field := locate.Field(fl.pointer)
	d := finding.Show(p.Detail)
	switch p.Reason {
	case uri.TooLong:
		return finding.Tf(
			"`%s` fait %s caractères : FranceConnect accepte 1024 caractères au plus ; raccourcissez l'URL",
			"`%s` is %s characters long: FranceConnect accepts at most 1024; shorten the URL", field, d)
	case uri.NonASCII:
		return finding.Tf(
			"`%s` contient le caractère non ASCII %s : écrivez le nom de domaine en punycode (xn--…) et encodez le reste (%%XX)",
			"`%s` contains the non-ASCII character %s: write the domain name in punycode (xn--…) and percent-encode the rest (%%XX)", field, d)
	case uri.Control:
		return finding.Tf(
			"`%s` contient un caractère de contrôle invisible (%s) : retirez-le",
			"`%s` contains an invisible control character (%s): remove it", field, d)
	case uri.Whitespace:
		return finding.Tf(
			"`%s` contient une espace : retirez-la, ou encodez-la en %%20 si elle fait partie de l'adresse",
			"`%s` contains a space: remove it, or encode it as %%20 if it is part of the address", field)
	case uri.EncodedControl:
		return finding.Tf(
			"`%s` contient %s, un caractère de contrôle encodé : retirez-le",
			"`%s` contains %s, an encoded control character: remove it", field, d)
	case uri.Backslash:
		return finding.Tf(
			"`%s` contient une barre oblique inverse « \\ », que les navigateurs lisent comme « / » : écrivez « / »",
			"`%s` contains a backslash “\\”, which browsers read as “/”: write “/”", field)
	case uri.Wildcard:
		return finding.Tf(
			"`%s` contient « * » : FranceConnect n'accepte pas de joker ; déclarez chaque URL en entier",
			"`%s` contains “*”: FranceConnect accepts no wildcard; declare each URL in full", field)
	case uri.BadChar:
		return finding.Tf(
			"`%s` contient le caractère « %s », interdit dans une URL : encodez-le (%%XX) ou retirez-le",
			"`%s` contains the character “%s”, which is not allowed in a URL: percent-encode it (%%XX) or remove it", field, d)
	case uri.BadPercent:
		return finding.Tf(
			"`%s` contient « %s », un encodage invalide : « %% » est suivi de deux chiffres hexadécimaux (écrivez %%25 pour « %% » lui-même)",
			"`%s` contains “%s”, an invalid escape: “%%” is followed by two hexadecimal digits (write %%25 for “%%” itself)", field, d)
	case uri.NotAbsolute:
		return finding.Tf(
			"`%s` n'est pas une URL absolue : écrivez l'adresse complète, https://nom-de-domaine/chemin",
			"`%s` is not an absolute URL: write the full address, https://domain-name/path", field)
	case uri.ForbiddenScheme:
		return finding.Tf(
			"`%s` utilise le schéma « %s: », interdit : il exécute ou lit du contenu au lieu d'ouvrir une page ; écrivez une URL https://",
			"`%s` uses the “%s:” scheme, which is forbidden: it runs or reads content instead of opening a page; write an https:// URL", field, d)
	case uri.NoAuthority:
		return finding.Tf(
			"`%s` : « %s: » doit être suivi de « // » puis du nom de domaine (https://nom-de-domaine/chemin)",
			"`%s`: “%s:” must be followed by “//” and the domain name (https://domain-name/path)", field, d)
	case uri.Userinfo:
		if p.Detail == "" {
			return finding.Tf(
				"`%s` contient « @ » avant le nom de domaine : retirez tout ce qui précède « @ » et écrivez le nom de domaine du service",
				"`%s` contains “@” before the domain name: remove everything before “@” and write the service's domain name", field)
		}
		return finding.Tf(
			"`%s` contient « @ » avant le nom de domaine : le navigateur irait en réalité sur « %s » ; retirez tout ce qui précède « @ »",
			"`%s` contains “@” before the domain name: the browser would actually go to “%s”; remove everything before “@”", field, d)
	case uri.EmptyHost:
		return finding.Tf(
			"`%s` n'a pas de nom de domaine après « // » : écrivez https://nom-de-domaine/chemin",
			"`%s` has no domain name after “//”: write https://domain-name/path", field)
	case uri.BadPort:
		return finding.Tf(
			"`%s` a le port « %s », invalide : un port est un nombre de 1 à 65535 (sans port, c'est 443)",
			"`%s` has the port “%s”, which is invalid: a port is a number from 1 to 65535 (without a port, 443 is used)", field, d)
	case uri.HasFragment:
		return finding.Tf(
			"`%s` contient « # » : FranceConnect refuse les fragments dans les URL déclarées ; retirez « # » et tout ce qui suit",
			"`%s` contains “#”: FranceConnect refuses fragments in declared URLs; remove the “#” and everything after it", field)
	case uri.NotHTTPS:
		if fl.opts.Localhost && !fl.opts.Production {
			return finding.Tf(
				"`%s` utilise le schéma « %s » : écrivez une URL https:// (http n'est permis que pour http://localhost en intégration)",
				"`%s` uses the “%s” scheme: write an https:// URL (http is allowed only for http://localhost in integration)", field, d)
		}
		return finding.Tf(
			"`%s` utilise le schéma « %s » : seules les URL https:// sont acceptées",
			"`%s` uses the “%s” scheme: only https:// URLs are accepted", field, d)
	case uri.IPLiteral:
		return finding.Tf(
			"`%s` utilise l'adresse IP « %s » : déclarez le nom de domaine du service",
			"`%s` uses the IP address “%s”: declare the service's domain name", field, d)
	case uri.NumericHost:
		return finding.Tf(
			"`%s` : l'hôte « %s » se termine par un nombre, que les navigateurs lisent comme une adresse IP : déclarez le nom de domaine du service",
			"`%s`: the host “%s” ends with a number, which browsers read as an IP address: declare the service's domain name", field, d)
	case uri.TrailingDot:
		return finding.Tf(
			"`%s` : l'hôte « %s » se termine par un point : retirez-le, FranceConnect compare les URL caractère par caractère",
			"`%s`: the host “%s” ends with a dot: remove it, FranceConnect compares URLs character by character", field, d)
	case uri.EmptyLabel:
		return finding.Tf(
			"`%s` : l'hôte « %s » contient un point en trop (au début ou deux à la suite) : retirez-le",
			"`%s`: the host “%s” has a stray dot (at the start or two in a row): remove it", field, d)
	case uri.HostTooLong:
		return finding.Tf(
			"`%s` : le nom de domaine fait %s caractères, 253 au plus",
			"`%s`: the domain name is %s characters long, at most 253", field, d)
	case uri.LabelTooLong:
		return finding.Tf(
			"`%s` : la partie « %s » du nom de domaine dépasse 63 caractères",
			"`%s`: the part “%s” of the domain name is longer than 63 characters", field, d)
	case uri.BadLabel:
		return finding.Tf(
			"`%s` : la partie « %s » du nom de domaine n'est pas valide : lettres a-z, chiffres et tirets seulement, sans tiret au début ni à la fin",
			"`%s`: the part “%s” of the domain name is not valid: letters a-z, digits and hyphens only, no hyphen at either end", field, d)
	case uri.SingleLabel:
		return finding.Tf(
			"`%s` : « %s » n'est pas un nom de domaine complet : écrivez le nom entier (ex. demarches.ville.fr)",
			"`%s`: “%s” is not a full domain name: write the whole name (e.g. demarches.ville.fr)", field, d)
	case uri.Localhost:
		if fl.opts.Production {
			return finding.Tf(
				"`%s` : « %s » désigne l'ordinateur de l'usager, pas votre service : en production, déclarez le nom de domaine public du service",
				"`%s`: “%s” names the user's own computer, not your service: in production, declare the service's public domain name", field, d)
		}
		return finding.Tf(
			"`%s` : « %s » n'est permis qu'en intégration, pour les URL de redirection et de déconnexion : déclarez le nom de domaine public du service",
			"`%s`: “%s” is allowed only in integration, for redirect and logout URLs: declare the service's public domain name", field, d)
	case uri.SpecialUse:
		return finding.Tf(
			"`%s` : les noms en « %s » sont réservés (réseau local, tests) et inconnus du DNS public : en production, déclarez le nom de domaine public du service",
			"`%s`: names under “%s” are reserved (local network, tests) and unknown to the public DNS: in production, declare the service's public domain name", field, d)
	case uri.BadPunycode:
		return finding.Tf(
			"`%s` : la partie « %s » n'est pas un punycode valide : reprenez le nom en xn--… donné par votre registraire",
			"`%s`: the part “%s” is not valid punycode: use the xn--… name given by your registrar", field, d)
	case uri.MixedScript:
		return finding.Tf(
			"`%s` : la partie « %s » mélange plusieurs écritures (par exemple latin et cyrillique), procédé d'usurpation : n'utilisez qu'une écriture",
			"`%s`: the part “%s” mixes scripts (for example Latin and Cyrillic), a spoofing technique: use a single script", field, d)
	case uri.UpperCase, uri.DefaultPort, uri.PortForm, uri.EmptyPath, uri.DotSegment:
		why, fix := canonicalWhy(p), finding.Show(p.Fix)
		return finding.Text{
			FR: fmt.Sprintf("`%s` n'est pas sous forme canonique (%s) : FranceConnect compare les URL caractère par caractère ; écrivez %s", field, why.FR, fix),
			EN: fmt.Sprintf("`%s` is not in canonical form (%s): FranceConnect compares URLs character by character; write %s", field, why.EN, fix),
		}
	case uri.ReservedParam:
		return finding.Tf(
			"`%s` contient le paramètre « %s » : FranceConnect l'ajoute lui-même au retour, un second exemplaire crée une ambiguïté ; retirez-le",
			"`%s` carries the parameter “%s”: FranceConnect adds it itself on return, a second copy is ambiguous; remove it", field, d)
	case uri.URLInQuery:
		return finding.Tf(
			"`%s` : le paramètre « %s » contient une URL ; si la page redirige vers cette valeur, elle peut servir de redirection ouverte : préférez une URL de retour sans URL en paramètre",
			"`%s`: the parameter “%s” holds a URL; if the page redirects to it, it can serve as an open redirect: prefer a return URL without a URL parameter", field, d)
	}
	// Unparsable, and any reason added later without wording.
	return finding.Tf(
		"`%s` n'est pas une URL valide : écrivez https://nom-de-domaine/chemin",
		"`%s` is not a valid URL: write https://domain-name/path", field)
}

// canonicalWhy says what makes a URI not canonical.
func canonicalWhy(p uri.Problem) finding.Text {
	switch p.Reason {
	case uri.UpperCase:
		return finding.T("majuscules dans le schéma ou le nom de domaine", "capitals in the scheme or the domain name")
	case uri.DefaultPort:
		return finding.Tf("port par défaut « :%s » inutile", "needless default port “:%s”", finding.Show(p.Detail))
	case uri.PortForm:
		return finding.T("port vide ou avec des zéros en tête", "empty port or leading zeros")
	case uri.EmptyPath:
		return finding.T("chemin vide : il faut au moins « / » après le nom de domaine", "empty path: at least “/” is needed after the domain name")
	}
	return finding.T("segments « . » ou « .. » dans le chemin", "“.” or “..” segments in the path")
}

// uriDuplicate finds the same URI twice in one list, once canonical: the
// second copy is useless, and two spellings of one URI hide a typo.
var uriDuplicate = &Rule{
	ID:       "uri-duplicate",
	Severity: finding.Error,
	Summary: finding.T(
		"une liste d'URL ne contient pas deux fois la même URL",
		"a list of URLs does not hold the same URL twice"),
	Check: func(_ *Context, f *File) []finding.Finding {
		// The URIs as checked (and parsed) once for the file.
		parsed := map[string]*uri.URI{}
		for _, c := range checkedURIs(f) {
			parsed[c.field.pointer] = c.parsed
		}
		var out []finding.Finding
		out = append(out, duplicates(request.PtrRedirectURIs, f.Request.RedirectURIs, parsed)...)
		out = append(out, duplicates(request.PtrPostLogoutURIs, f.Request.PostLogoutURIs, parsed)...)
		return out
	},
}

// duplicates reports the values of the list at pointer that repeat an
// earlier one, compared in canonical form; parsed holds, by pointer, the
// values as uri.Parse reads them (nil where it fails).
func duplicates(pointer string, values []string, parsed map[string]*uri.URI) []finding.Finding {
	var out []finding.Finding
	first := map[string]int{}
	for i, v := range values {
		if v == "" {
			continue
		}
		// A URI with no canonical form (a fragment, a bad syntax) is
		// compared as written; its own finding says what is wrong.
		key := v
		if u := parsed[itemPointer(pointer, i)]; u != nil && !u.WrittenAs(v) {
			if c, err := u.Canonical(); err == nil {
				key = c
			}
		}
		j, seen := first[key]
		if !seen {
			first[key] = i
			continue
		}
		here := locate.Field(pointer + "/" + strconv.Itoa(i))
		earlier := locate.Field(pointer + "/" + strconv.Itoa(j))
		msg := finding.Tf(
			"`%s` est la même URL que `%s` : retirez ce doublon",
			"`%s` is the same URL as `%s`: remove this duplicate", here, earlier)
		if values[j] != v {
			msg = finding.Tf(
				"`%s` est la même URL que `%s`, écrite autrement : retirez ce doublon",
				"`%s` is the same URL as `%s`, written differently: remove this duplicate", here, earlier)
		}
		out = append(out, At(pointer+"/"+strconv.Itoa(i), msg))
	}
	return out
}

// sectorIdentifierRequired: with redirect URIs on several hosts, the users'
// pairwise identifiers are computed from the sector identifier document,
// which FranceConnect requires then (OIDC Core §8.1). The host includes the
// port.
var sectorIdentifierRequired = &Rule{
	ID:       "sector-identifier-required",
	Severity: finding.Error,
	Summary: finding.T(
		"des URL de redirection sur plusieurs hôtes exigent `spec.sectorIdentifierUri`",
		"redirect URLs on several hosts require `spec.sectorIdentifierUri`"),
	Check: checkSectorIdentifierRequired,
}

func checkSectorIdentifierRequired(_ *Context, f *File) []finding.Finding {
	// Present but not a string is the schema's to report, not a missing
	// sector identifier.
	if f.Request.SectorIdentifierURI != "" || locate.Node(f.Root, request.PtrSectorIdentifierURI) != nil {
		return nil
	}
	var hosts []string
	for _, c := range checkedURIs(f) {
		if !strings.HasPrefix(c.field.pointer, request.PtrRedirectURIs+"/") || c.parsed == nil {
			continue
		}
		if h := c.parsed.HostPort(); !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) < 2 {
		return nil
	}
	shown := make([]string, 0, 3)
	for _, h := range hosts[:min(len(hosts), 3)] {
		shown = append(shown, finding.Show(h))
	}
	list := strings.Join(shown, ", ")
	if len(hosts) > 3 {
		list += ", …"
	}
	return []finding.Finding{At(request.PtrRedirectURIs, finding.Tf(
		"les URL de redirection sont sur %d hôtes (%s) : ajoutez `spec.sectorIdentifierUri`, l'URL https d'un document JSON qui les liste toutes, ou gardez un seul hôte",
		"the redirect URLs are on %d hosts (%s): add `spec.sectorIdentifierUri`, the https URL of a JSON document listing them all, or keep a single host",
		len(hosts), list))}
}

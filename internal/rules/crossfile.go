package rules

import (
	"slices"
	"strings"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
)

// crossFileRules returns the rules that compare a request with every other one.
func crossFileRules() []*Rule {
	return []*Rule{duplicateDatapass, duplicateDisplayName, duplicateRedirectURI, duplicateReuseSubs}
}

// Every cross-file rule compares the requests of one platform and one
// environment (FranceConnect keeps one client collection per platform and
// environment). A value held by several requests is reported on EVERY file
// that holds it, each naming another holder: a pull request that adds a
// duplicate of an existing request must see the finding on its own file,
// and the existing file is told too. Files are visited in path order, so
// the output does not depend on the order they were loaded, and one index
// per rule keeps the work linear in the number of values.

// crossValue is one value of a request that must not repeat elsewhere.
type crossValue struct {
	pointer string // where to report it
	key     string // what is compared ("" = nothing to compare)
	shown   string // the value as a message shows it
}

// crossDuplicates reports, through report, every value whose key another
// file of the same platform and environment holds. A value repeated inside
// one file is not its business.
func crossDuplicates(files []*File, values func(r *request.Request) []crossValue,
	report func(r *request.Request, v crossValue, other string) finding.Finding) []finding.Finding {
	type key struct{ platform, environment, value string }
	type holding struct {
		file *File
		v    crossValue
	}
	sorted := slices.Clone(files)
	slices.SortFunc(sorted, func(a, b *File) int { return strings.Compare(a.Path, b.Path) })
	groups := map[key][]holding{}
	var order []key
	for _, f := range sorted {
		r := f.Request
		if r == nil || !slices.Contains(platformDirs, r.Platform) || !slices.Contains(environmentDirs, r.Environment) {
			continue
		}
		for _, v := range values(r) {
			if v.key == "" {
				continue
			}
			k := key{r.Platform, r.Environment, v.key}
			g := groups[k]
			if len(g) > 0 && g[len(g)-1].file == f {
				continue // repeated inside one file
			}
			if len(g) == 0 {
				order = append(order, k)
			}
			groups[k] = append(g, holding{f, v})
		}
	}
	var out []finding.Finding
	for _, k := range order {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		for i, h := range g {
			other := g[0].file.Path
			if i == 0 {
				other = g[1].file.Path
			}
			fd := report(h.file.Request, h.v, other)
			fd.Path = h.file.Path
			out = append(out, fd)
		}
	}
	return out
}

var duplicateDatapass = &Rule{
	ID:       "duplicate-datapass",
	Severity: finding.Error,
	Summary: finding.T(
		"une demande DataPass par FS sur une plateforme et un environnement (FranceConnect : erreur ; FranceConnect+ : avertissement)",
		"one DataPass request per FS on a platform and environment (FranceConnect: error; FranceConnect+: warning)"),
	CheckAll: func(_ *Context, files []*File) []finding.Finding {
		return crossDuplicates(files, func(r *request.Request) []crossValue {
			// FranceConnect stores the digits only: D12345 and H12345 collide.
			if !isDatapassNumber(r.Datapass) {
				return nil
			}
			return []crossValue{{request.PtrDatapass, request.DatapassDigits(r.Datapass), r.Datapass}}
		}, func(r *request.Request, v crossValue, other string) finding.Finding {
			if r.IsPlus() {
				fd := At(v.pointer, finding.Tf(
					"même numéro DataPass (%s) que %s, sur la même plateforme et le même environnement : chaque FS a normalement sa propre demande DataPass ; vérifiez le numéro",
					"same DataPass number (%s) as %s, on the same platform and environment: each FS normally has its own DataPass request; check the number",
					finding.Show(v.shown), other))
				fd.Severity = finding.Warning
				return fd
			}
			return At(v.pointer, finding.Tf(
				"même numéro DataPass (%s) que %s, sur la même plateforme et le même environnement : l'import FranceConnect refuse deux FS d'une même demande ; indiquez la demande DataPass propre à ce FS",
				"same DataPass number (%s) as %s, on the same platform and environment: the FranceConnect import refuses two FS of one request; give this FS's own DataPass request",
				finding.Show(v.shown), other))
		})
	},
}

var duplicateDisplayName = &Rule{
	ID:       "duplicate-display-name",
	Severity: finding.Warning,
	Summary: finding.T(
		"deux FS d'une même plateforme et d'un même environnement n'ont pas le même nom affiché",
		"two FS of one platform and environment do not share a display name"),
	CheckAll: func(_ *Context, files []*File) []finding.Finding {
		return crossDuplicates(files, func(r *request.Request) []crossValue {
			// Names differing only in case or spacing look the same to users.
			key := strings.ToLower(strings.Join(strings.Fields(r.DisplayName), " "))
			return []crossValue{{request.PtrDisplayName, key, r.DisplayName}}
		}, func(_ *request.Request, v crossValue, other string) finding.Finding {
			return At(v.pointer, finding.Tf(
				"même nom affiché que %s (%s), sur la même plateforme et le même environnement : les usagers ne distingueront pas les deux services ; précisez le nom",
				"same display name as %s (%s), on the same platform and environment: users will not tell the two services apart; make the name more specific",
				other, finding.Show(v.shown)))
		})
	},
}

var duplicateRedirectURI = &Rule{
	ID:       "duplicate-redirect-uri",
	Severity: finding.Warning,
	Summary: finding.T(
		"une URL de redirection n'est déclarée que par un FS d'une même plateforme et d'un même environnement",
		"a redirect URI is declared by one FS only on a platform and environment"),
	CheckAll: func(_ *Context, files []*File) []finding.Finding {
		return crossDuplicates(files, func(r *request.Request) []crossValue {
			out := make([]crossValue, len(r.RedirectURIs))
			for i, u := range r.RedirectURIs {
				// FranceConnect compares redirect URIs as raw strings.
				out[i] = crossValue{formItem(request.PtrRedirectURIs, i), u, u}
			}
			return out
		}, func(_ *request.Request, v crossValue, other string) finding.Finding {
			return At(v.pointer, finding.Tf(
				"%s : URL de redirection aussi déclarée par %s, sur la même plateforme et le même environnement : vérifiez qu'elle n'a pas été recopiée d'une autre demande",
				"%s: redirect URI also declared by %s, on the same platform and environment: check it was not copied from another request",
				formField(v.pointer), other))
		})
	},
}

var duplicateReuseSubs = &Rule{
	ID:       "duplicate-reuse-subs",
	Severity: finding.Warning,
	Summary: finding.T(
		"deux FS d'une même plateforme et d'un même environnement ne reprennent pas les subs du même FS",
		"two FS of one platform and environment do not reuse the subs of the same FS"),
	CheckAll: func(_ *Context, files []*File) []finding.Finding {
		return crossDuplicates(files, func(r *request.Request) []crossValue {
			if r.ReuseSubs == nil {
				return nil
			}
			return []crossValue{{request.PtrReuseSubsClientID, strings.ToLower(r.ReuseSubs.ClientID), r.ReuseSubs.ClientID}}
		}, func(_ *request.Request, v crossValue, other string) finding.Finding {
			return At(v.pointer, finding.Tf(
				"`spec.reuseSubs.clientId` : %s reprend aussi les subs de ce FS, sur la même plateforme et le même environnement : deux FS donneraient les mêmes identifiants (sub) aux mêmes usagers ; vérifiez le client ID",
				"`spec.reuseSubs.clientId`: %s also reuses the subs of this FS, on the same platform and environment: two FS would give the same users the same identifiers (sub); check the client ID",
				other))
		})
	},
}

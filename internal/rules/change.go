package rules

import (
	"slices"
	"strings"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/uri"
)

// changeRules compare a request with its version at the base of a pull
// request (validate --base). They see the base and the new version of one
// path; either may be nil (a created or a deleted request).
func changeRules() []*Rule {
	return []*Rule{immutableField, providerRemoved, redirectHostChange}
}

var immutableField = &Rule{
	ID:       "immutable-field",
	Severity: finding.Error,
	Summary: finding.T(
		"une demande existante ne change ni de plateforme, ni d'environnement, ni de nom, ni de reprise des subs",
		"an existing request changes neither platform, environment, name nor reused subs"),
	CheckChange: func(_ *Context, base, head *File) []finding.Finding {
		if base == nil || head == nil || !base.Loaded() || !head.Loaded() {
			return nil
		}
		b, h := base.Request, head.Request
		var out []finding.Finding
		changed := func(pointer, field, nounFR, nounEN, old, new string) {
			out = append(out, At(pointer, finding.Text{
				FR: "`" + field + "` ne peut pas changer pour une demande existante (" + finding.Show(old) + " → " + finding.Show(new) +
					") : un FS garde sa " + nounFR + " ; pour en changer, supprimez cette demande et créez-en une nouvelle",
				EN: "`" + field + "` cannot change for an existing request (" + finding.Show(old) + " → " + finding.Show(new) +
					"): a service provider keeps its " + nounEN + "; to change it, delete this request and create a new one",
			}))
		}
		if b.Platform != h.Platform && b.Platform != "" && h.Platform != "" {
			changed(request.PtrPlatform, "spec.platform", "plateforme", "platform", b.Platform, h.Platform)
		}
		if b.Environment != h.Environment && b.Environment != "" && h.Environment != "" {
			changed(request.PtrEnvironment, "spec.environment", "valeur d'environnement", "environment", b.Environment, h.Environment)
		}
		if b.Name != h.Name && b.Name != "" && h.Name != "" {
			changed(request.PtrName, "metadata.name", "nom technique", "name", b.Name, h.Name)
		}
		if !sameReuse(b.ReuseSubs, h.ReuseSubs) {
			pointer := request.PtrReuseSubs
			if h.ReuseSubs == nil {
				pointer = "/spec" // removed: point at the block it left
			}
			out = append(out, At(pointer, finding.T(
				"`spec.reuseSubs` ne peut pas changer une fois le FS créé : le sub de chaque usager dépend du client ID repris, le changer donnerait un nouvel identifiant à tous les usagers ; remettez la valeur d'origine",
				"`spec.reuseSubs` cannot change once the service provider exists: every user's sub depends on the reused client ID, changing it would give every user a new identifier; restore the original value")))
		}
		return out
	},
}

func sameReuse(a, b *request.ReuseSubs) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.From == b.From && strings.EqualFold(a.ClientID, b.ClientID)
}

var providerRemoved = &Rule{
	ID:       "provider-removed",
	Severity: finding.Warning,
	Summary: finding.T(
		"une demande supprimée sera désactivée chez FranceConnect à la fusion",
		"a deleted request will be deactivated at FranceConnect on merge"),
	CheckChange: func(_ *Context, base, head *File) []finding.Finding {
		if base == nil || head != nil {
			return nil
		}
		whatFR, whatEN := "ce fournisseur de service", "this service provider"
		if base.Loaded() && base.Request.DisplayName != "" {
			name := finding.Show(base.Request.DisplayName)
			whatFR, whatEN = "« "+name+" »", "“"+name+"”"
		}
		return []finding.Finding{{Path: base.Path, Message: finding.Text{
			FR: "demande supprimée : à la fusion, l'export désactivera " + whatFR +
				" chez FranceConnect et ses usagers ne pourront plus s'y connecter avec FranceConnect ; vérifiez que c'est voulu",
			EN: "request deleted: on merge, the export will deactivate " + whatEN +
				" at FranceConnect and its users will no longer be able to log in to it with FranceConnect; check this is intended",
		}}}
	},
}

var redirectHostChange = &Rule{
	ID:       "redirect-host-change",
	Severity: finding.Warning,
	Summary: finding.T(
		"en production, un changement des domaines de redirection est vérifié par les relecteurs",
		"in production, a change of redirect domains is checked by the reviewers"),
	CheckChange: func(_ *Context, base, head *File) []finding.Finding {
		if base == nil || head == nil || !base.Loaded() || !head.Loaded() || !head.Request.IsProduction() {
			return nil
		}
		before, after := redirectHosts(base.Request), redirectHosts(head.Request)
		var added, removed []string
		for _, h := range after {
			if !slices.Contains(before, h) {
				added = append(added, h)
			}
		}
		for _, h := range before {
			if !slices.Contains(after, h) {
				removed = append(removed, h)
			}
		}
		if len(added) == 0 && len(removed) == 0 {
			return nil
		}
		list := func(hosts []string) string {
			if len(hosts) == 0 {
				return "—"
			}
			return strings.Join(hosts, ", ")
		}
		return []finding.Finding{At(request.PtrRedirectURIs, finding.Tf(
			"les domaines de redirection changent (ajoutés : %s ; retirés : %s) : les relecteurs vérifient que l'organisation détient les domaines ajoutés avant d'approuver",
			"the redirect domains change (added: %s; removed: %s): reviewers check that the organisation owns the added domains before approving",
			list(added), list(removed)))}
	},
}

// redirectHosts returns the sorted distinct hosts (with port) of the
// redirect URIs that parse.
func redirectHosts(r *request.Request) []string {
	var hosts []string
	for _, raw := range r.RedirectURIs {
		u, err := uri.Parse(raw)
		if err != nil {
			continue
		}
		if h := strings.ToLower(u.HostPort()); !slices.Contains(hosts, h) {
			hosts = append(hosts, h)
		}
	}
	slices.Sort(hosts)
	return hosts
}

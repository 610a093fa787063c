package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/fsgate/fsgate/internal/catalog"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/locate"
	"github.com/fsgate/fsgate/internal/request"
)

// formRules returns the form's business rules: platform, environment, editor, DataPass, scopes, dates.
func formRules() []*Rule {
	return []*Rule{
		fcIntegrationForm,
		productionQualification,
		editorVersion,
		editorDisplayName,
		datapassNumber,
		encryptionPlatform,
		signaturePlatform,
		eidasPlatform,
		scopePlatform,
		scopePreferredUsername,
		scopeAPIHabilitation,
		reuseSubsSource,
		plannedDate,
	}
}

// The form rules read the typed request. A field of the wrong type is ""
// there and the schema reports it; a rule that needs to tell "absent" from
// "wrong type" asks the YAML tree (formHas).

var fcIntegrationForm = &Rule{
	ID:       "fc-integration-form",
	Severity: finding.Error,
	Summary: finding.T(
		"le bac à sable FranceConnect (intégration) se crée dans l'espace partenaires, pas ici",
		"the FranceConnect sandbox (integration) is created in the partner space, not here"),
	Check: checkFCIntegrationForm,
}

func checkFCIntegrationForm(_ *Context, f *File) []finding.Finding {
	r := f.Request
	p := formPlatform(r)
	if p == nil || !slices.Contains(environmentDirs, r.Environment) || p.RequestedHere(r.Environment) {
		return nil
	}
	return []finding.Finding{At(request.PtrEnvironment, finding.Tf(
		"`spec.environment` vaut « %s » : cet environnement %s ne se demande pas ici, créez-le vous-même dans l'espace partenaires %s ; %s ne passe par ce dépôt qu'en %s",
		"`spec.environment` is “%s”: this %s environment is not requested here, create it yourself in the partner space %s; %s goes through this repository only for %s",
		r.Environment, p.Label, p.SelfServiceURL, p.Label, strings.Join(p.Environments, ", ")))}
}

var productionQualification = &Rule{
	ID:       "production-qualification",
	Severity: finding.Error,
	Summary: finding.T(
		"en production, une recette qualifiée : dossier de qualification, ou éditeur certifié v2 sur FranceConnect",
		"in production, a qualified integration: qualification dossier, or an editor certified v2 on FranceConnect"),
	Check: checkProductionQualification,
}

func checkProductionQualification(_ *Context, f *File) []finding.Finding {
	r := f.Request
	p := formPlatform(r)
	if p == nil || !r.IsProduction() || formHas(f, request.PtrQualification) {
		return nil
	}
	e := formEditor(r)
	var msg finding.Text
	switch {
	case !p.CertifiedEditorQualifies:
		msg = finding.Tf(
			"production %s : indiquez dans `spec.qualification` le numéro du dossier de recette validée par l'équipe FranceConnect ; sur %s, il est exigé même avec un éditeur certifié",
			"%s production: give in `spec.qualification` the number of the test dossier validated by the FranceConnect team; on %s it is required even with a certified editor",
			p.Label, p.Label)
	case e == nil:
		msg = finding.Tf(
			"production %s : indiquez dans `spec.qualification` le numéro du dossier de recette validée par l'équipe FranceConnect, ou dans `spec.editor` votre éditeur s'il est certifié v2",
			"%s production: give in `spec.qualification` the number of the test dossier validated by the FranceConnect team, or in `spec.editor` your editor if it is certified v2",
			p.Label)
	case e.CertifiedV2:
		return nil
	default:
		msg = finding.Tf(
			"l'éditeur %s n'est pas certifié v2 : en production, indiquez dans `spec.qualification` le numéro du dossier de recette validée par l'équipe FranceConnect",
			"editor %s is not certified v2: in production, give in `spec.qualification` the number of the test dossier validated by the FranceConnect team",
			formEditorName(r, e))
	}
	return []finding.Finding{At(request.PtrQualification, msg)}
}

var editorVersion = &Rule{
	ID:       "editor-version",
	Severity: finding.Error,
	Summary: finding.T(
		"en production avec un éditeur certifié v2, la version de sa solution est indiquée",
		"in production with an editor certified v2, the version of its solution is given"),
	Check: checkEditorVersion,
}

func checkEditorVersion(_ *Context, f *File) []finding.Finding {
	r := f.Request
	e := formEditor(r)
	if !r.IsProduction() || e == nil || !e.CertifiedV2 || formHas(f, request.PtrEditorVersion) {
		return nil
	}
	return []finding.Finding{At(request.PtrEditorVersion, finding.Tf(
		"l'éditeur %s est certifié v2 : en production, indiquez dans `spec.editor.version` la version de sa solution que vous utilisez, entre guillemets (ex. \"4.2\")",
		"editor %s is certified v2: in production, give in `spec.editor.version` the version of its solution you use, in quotes (e.g. \"4.2\")",
		e.Label))}
}

var editorDisplayName = &Rule{
	ID:       "editor-display-name",
	Severity: finding.Error,
	Summary: finding.T(
		"le nom affiché suit la forme que le formulaire impose pour l'éditeur (ex. « MyPérischool - <collectivité> »)",
		"the display name follows the shape the form imposes for the editor (e.g. “MyPérischool - <local authority>”)"),
	Check: checkEditorDisplayName,
}

// placeholderLabels name a pattern's placeholder in messages.
var placeholderLabels = map[string]finding.Text{
	catalog.Collectivite: finding.T("<collectivité>", "<local authority>"),
	catalog.Hopital:      finding.T("<hôpital>", "<hospital>"),
}

func checkEditorDisplayName(_ *Context, f *File) []finding.Finding {
	r := f.Request
	e := formEditor(r)
	if e == nil || e.Pattern == "" || r.DisplayName == "" || e.Matches(r.DisplayName) {
		return nil
	}
	ph := placeholderLabels[e.Placeholder()]
	msg := finding.Text{
		FR: fmt.Sprintf("`spec.displayName` doit suivre la forme imposée pour l'éditeur %s : « %s » (reçu : %s)",
			e.Label, e.DisplayName(ph.FR), finding.Show(r.DisplayName)),
		EN: fmt.Sprintf("`spec.displayName` must follow the shape imposed for editor %s: “%s” (got: %s)",
			e.Label, e.DisplayName(ph.EN), finding.Show(r.DisplayName)),
	}
	fd := At(request.PtrDisplayName, msg)
	fd.Suggestion = e.DisplayName(ph.FR)
	if guess := guessCollectivite(r.DisplayName, r.Organisation, e); guess != "" {
		fd.Suggestion = e.DisplayName(guess)
	}
	if !e.PatternConfirmed {
		fd.Severity = finding.Warning
		fd.Message.FR += " ; forme donnée par le formulaire, qu'aucune source publique ne rattache à cet éditeur : vérifiez-la avec l'équipe FranceConnect"
		fd.Message.EN += "; shape given by the form, which no public source ties to this editor: check it with the FranceConnect team"
	}
	return []finding.Finding{fd}
}

// nameSeparators turns the separators people put between the parts of a
// display name into the form's " - ".
var nameSeparators = strings.NewReplacer(" – ", " - ", " — ", " - ", " | ", " - ", " : ", " - ", ": ", " - ")

// collectivitePrefixes are dropped from the front of a guessed collectivité
// (compared folded, see foldName): "Ville de Lyon" is "Lyon" in a display
// name, "Portail Famille de Lyon" leaves "de Lyon".
var collectivitePrefixes = []string{
	"commune de ", "commune d'", "commune d’", "mairie de ", "mairie d'", "mairie d’",
	"ville de ", "ville d'", "ville d’", "de ", "d'", "d’",
}

// guessCollectivite guesses the value of an editor's placeholder from the
// display name written and the organisation. The display name is split on
// separators and loses the words of the pattern's fixed text; the
// collectivité of the organisation ("Ville de Lyon" → "Lyon") wins when
// nothing is left or when a part contains it (its spelling is DataPass's);
// else the first part left, which names the collectivité more precisely
// than an organisation such as "CCAS de Villeurbanne". "" when nothing is
// known.
func guessCollectivite(displayName, organisation string, e *catalog.Editor) string {
	fixed := map[string]bool{}
	for _, part := range e.FixedParts() {
		for _, w := range strings.Fields(part) {
			if len([]rune(w)) >= 4 { // not "de", "des"…
				fixed[foldName(w)] = true
			}
		}
	}
	var parts []string
	for _, part := range strings.Split(nameSeparators.Replace(displayName), " - ") {
		words := strings.Fields(part)
		words = slices.DeleteFunc(words, func(w string) bool { return fixed[foldName(strings.Trim(w, nameTrim))] })
		if part = cleanCollectivite(strings.Join(words, " ")); part != "" {
			parts = append(parts, part)
		}
	}
	fromOrg := cleanCollectivite(organisation)
	if fromOrg != "" && (len(parts) == 0 || slices.ContainsFunc(parts, func(p string) bool {
		return strings.Contains(foldName(p), foldName(fromOrg))
	})) {
		return fromOrg
	}
	if len(parts) > 0 {
		return parts[0]
	}
	return ""
}

// nameTrim is the punctuation around the words and parts of a name.
const nameTrim = " -–—|:,.;()"

// connectors alone are no name: what is left of "Plateforme de
// Transparence" without its fixed words.
var connectors = []string{"de", "du", "des", "d'", "d’", "la", "le", "les", "l'", "l’"}

func cleanCollectivite(s string) string {
	s = strings.Trim(strings.Join(strings.Fields(s), " "), nameTrim)
	folded := foldName(s)
	if slices.Contains(connectors, folded) {
		return ""
	}
	for _, p := range collectivitePrefixes {
		if strings.HasPrefix(folded, p) {
			s = string([]rune(s)[len([]rune(p)):])
			break
		}
	}
	return strings.TrimSpace(s)
}

// foldName lowers a name and strips the accents of French letters, rune
// for rune: the result has as many runes as s, so that a prefix found in it
// has the length of the prefix in s.
func foldName(s string) string {
	return strings.Map(func(r rune) rune {
		r = unicode.ToLower(r)
		if plain, ok := plainLetters[r]; ok {
			return plain
		}
		return r
	}, s)
}

var plainLetters = map[rune]rune{
	'à': 'a', 'â': 'a', 'ä': 'a', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e', 'î': 'i', 'ï': 'i',
	'ô': 'o', 'ö': 'o', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ç': 'c', 'ÿ': 'y',
}

var datapassNumber = &Rule{
	ID:       "datapass-number",
	Severity: finding.Error,
	Summary: finding.T(
		"les numéros DataPass sont ceux de la demande (D…), pas d'une habilitation (H…)",
		"DataPass numbers are those of the request (D…), not of a habilitation (H…)"),
	Check: checkDatapassNumber,
}

func checkDatapassNumber(_ *Context, f *File) []finding.Finding {
	r := f.Request
	var out []finding.Finding
	for _, v := range []struct{ pointer, value string }{
		{request.PtrDatapass, r.Datapass},
		{request.PtrAPIDatapass, r.APIDatapass},
	} {
		if !isHabilitationNumber(v.value) {
			continue
		}
		out = append(out, At(v.pointer, finding.Tf(
			"%s vaut « %s », un numéro d'habilitation : indiquez le numéro de la demande DataPass, qui commence par D ; chaque version validée d'une demande D… est une habilitation H…, retrouvez le numéro D sur la page de la demande dans DataPass",
			"%s is “%s”, a habilitation number: give the number of the DataPass request, which starts with D; each validated version of a D… request is an H… habilitation, find the D number on the request's page in DataPass",
			formField(v.pointer), finding.Show(v.value))))
	}
	return out
}

// isDatapassNumber reports whether s is D or H followed by 1 to 7 digits,
// the schema's pattern; anything else is the schema's to report.
func isDatapassNumber(s string) bool {
	return len(s) >= 2 && len(s) <= 8 && (s[0] == 'D' || s[0] == 'H') &&
		!strings.ContainsFunc(s[1:], func(r rune) bool { return r < '0' || r > '9' })
}

// isHabilitationNumber reports whether s is a habilitation number (H…) of
// the shape the schema accepts, so that this rule can explain it.
func isHabilitationNumber(s string) bool { return isDatapassNumber(s) && s[0] == 'H' }

var encryptionPlatform = &Rule{
	ID:       "encryption-platform",
	Severity: finding.Error,
	Summary: finding.T(
		"FranceConnect+ chiffre les jetons (jwksUri et encryption obligatoires) ; FranceConnect ne les chiffre pas",
		"FranceConnect+ encrypts tokens (jwksUri and encryption required); FranceConnect does not"),
	Check: checkEncryptionPlatform,
}

func checkEncryptionPlatform(_ *Context, f *File) []finding.Finding {
	p := formPlatform(f.Request)
	if p == nil {
		return nil
	}
	var out []finding.Finding
	hasJWKS, hasEnc := formHas(f, request.PtrJWKSURI), formHas(f, request.PtrEncryption)
	if p.Encrypts() {
		if !hasJWKS {
			out = append(out, At(request.PtrJWKSURI, finding.Tf(
				"%s chiffre toujours les jetons : indiquez dans `spec.jwksUri` l'URL https qui expose les clés publiques de chiffrement de votre FS",
				"%s always encrypts tokens: give in `spec.jwksUri` the https URL that exposes your FS's public encryption keys",
				p.Label)))
		}
		if !hasEnc {
			algs := formOr(p.Encryption.Algs)
			out = append(out, At(request.PtrEncryption, finding.Text{
				FR: fmt.Sprintf("%s chiffre toujours les jetons : indiquez dans `spec.encryption` l'algorithme, %s (contenu chiffré en %s)",
					p.Label, algs.FR, p.Encryption.Enc),
				EN: fmt.Sprintf("%s always encrypts tokens: give in `spec.encryption` the algorithm, %s (content encrypted with %s)",
					p.Label, algs.EN, p.Encryption.Enc),
			}))
		}
		return out
	}
	for _, v := range []struct {
		pointer string
		present bool
	}{{request.PtrJWKSURI, hasJWKS}, {request.PtrEncryption, hasEnc}} {
		if v.present {
			out = append(out, At(v.pointer, finding.Tf(
				"%s ne chiffre pas les jetons : retirez %s (seul %s les chiffre)",
				"%s does not encrypt tokens: remove %s (only %s encrypts them)",
				p.Label, formField(v.pointer), formEncryptingPlatforms())))
		}
	}
	return out
}

func formEncryptingPlatforms() string {
	var labels []string
	for _, p := range catalog.Get().Platforms {
		if p.Encrypts() {
			labels = append(labels, p.Label)
		}
	}
	return strings.Join(labels, ", ")
}

var signaturePlatform = &Rule{
	ID:       "signature-platform",
	Severity: finding.Warning,
	Summary: finding.T(
		"l'algorithme de signature est activé par la plateforme (FranceConnect+ : ES256 seulement)",
		"the signature algorithm is enabled by the platform (FranceConnect+: ES256 only)"),
	Check: checkSignaturePlatform,
}

func checkSignaturePlatform(_ *Context, f *File) []finding.Finding {
	r := f.Request
	p := formPlatform(r)
	if p == nil || !slices.Contains(p.Signature.Accepted, r.Signature) || slices.Contains(p.Signature.Enabled, r.Signature) {
		return nil
	}
	fd := At(request.PtrSignature, finding.Tf(
		"`spec.signature` vaut « %s » : le formulaire le propose, mais %s n'active que %s ; choisissez %s",
		"`spec.signature` is “%s”: the form offers it, but %s enables only %s; choose %s",
		r.Signature, p.Label, strings.Join(p.Signature.Enabled, ", "), p.Signature.Enabled[0]))
	fd.Suggestion = p.Signature.Enabled[0]
	return []finding.Finding{fd}
}

var eidasPlatform = &Rule{
	ID:       "eidas-platform",
	Severity: finding.Error,
	Summary: finding.T(
		"le niveau eIDAS est celui de la plateforme : eidas1 sur FranceConnect, eidas2 ou eidas3 sur FranceConnect+",
		"the eIDAS level is the platform's: eidas1 on FranceConnect, eidas2 or eidas3 on FranceConnect+"),
	Check: checkEidasPlatform,
}

func checkEidasPlatform(_ *Context, f *File) []finding.Finding {
	r := f.Request
	p := formPlatform(r)
	if p == nil || r.Eidas == "" || slices.Contains(p.Eidas.Allowed, r.Eidas) {
		return nil
	}
	var of []string
	for _, other := range catalog.Get().Platforms {
		if slices.Contains(other.Eidas.Allowed, r.Eidas) {
			of = append(of, other.Label)
		}
	}
	if of == nil {
		return nil // not a level at all: the schema's
	}
	allowed := formOr(p.Eidas.Allowed)
	fd := At(request.PtrEidas, finding.Text{
		FR: fmt.Sprintf("`spec.eidas` vaut « %s », niveau de %s : sur %s, indiquez %s",
			r.Eidas, strings.Join(of, ", "), p.Label, allowed.FR),
		EN: fmt.Sprintf("`spec.eidas` is “%s”, a level of %s: on %s, write %s",
			r.Eidas, strings.Join(of, ", "), p.Label, allowed.EN),
	})
	if len(p.Eidas.Allowed) == 1 {
		fd.Suggestion = p.Eidas.Allowed[0]
	}
	return []finding.Finding{fd}
}

var scopePlatform = &Rule{
	ID:       "scope-platform",
	Severity: finding.Error,
	Summary: finding.T(
		"chaque scope existe sur la plateforme demandée",
		"every scope exists on the platform requested"),
	Check: checkScopePlatform,
}

func checkScopePlatform(_ *Context, f *File) []finding.Finding {
	r := f.Request
	p := formPlatform(r)
	if p == nil {
		return nil
	}
	var out []finding.Finding
	for i, s := range r.Scopes {
		if s == "" || p.Scope(s) != nil {
			continue
		}
		pointer := formItem(request.PtrScopes, i)
		if elsewhere := catalog.Get().ScopePlatforms(s); len(elsewhere) > 0 {
			var labels []string
			for _, o := range elsewhere {
				labels = append(labels, o.Label)
			}
			out = append(out, At(pointer, finding.Tf(
				"%s : le scope « %s » n'existe que sur %s, pas sur %s : retirez-le",
				"%s: scope “%s” exists only on %s, not on %s: remove it",
				formField(pointer), finding.Show(s), strings.Join(labels, ", "), p.Label)))
			continue
		}
		if closest := p.ClosestScope(s); closest != "" {
			fd := At(pointer, finding.Tf(
				"%s : scope « %s » inconnu sur %s ; vouliez-vous dire %s ?",
				"%s: unknown scope “%s” on %s; did you mean %s?",
				formField(pointer), finding.Show(s), p.Label, closest))
			fd.Suggestion = closest
			out = append(out, fd)
			continue
		}
		out = append(out, At(pointer, finding.Tf(
			"%s : scope « %s » inconnu sur %s : n'indiquez que des scopes de %s accordés par votre habilitation DataPass (liste dans la documentation de la règle)",
			"%s: unknown scope “%s” on %s: list only %s scopes granted by your DataPass habilitation (list in the rule's documentation)",
			formField(pointer), finding.Show(s), p.Label, p.Label)))
	}
	return out
}

var scopePreferredUsername = &Rule{
	ID:       "scope-preferred-username",
	Severity: finding.Error,
	Summary: finding.T(
		"le nom d'usage (preferred_username) s'accompagne du nom de naissance (family_name)",
		"the usage name (preferred_username) comes with the birth name (family_name)"),
	Check: checkScopePreferredUsername,
}

func checkScopePreferredUsername(_ *Context, f *File) []finding.Finding {
	r := f.Request
	p := formPlatform(r)
	i := slices.Index(r.Scopes, "preferred_username")
	if p == nil || i < 0 {
		return nil
	}
	// rnipp_family_name (FranceConnect+) carries the birth name too.
	if granted := p.Granted(r.Scopes); granted["family_name"] || granted["rnipp_family_name"] {
		return nil
	}
	pointer := formItem(request.PtrScopes, i)
	return []finding.Finding{At(pointer, finding.Tf(
		"%s : preferred_username (nom d'usage) demande aussi family_name (nom de naissance), car le nom d'usage n'existe pas toujours : ajoutez family_name à `spec.scopes`",
		"%s: preferred_username (usage name) also needs family_name (birth name), since the usage name does not always exist: add family_name to `spec.scopes`",
		formField(pointer)))}
}

var scopeAPIHabilitation = &Rule{
	ID:       "scope-api-habilitation",
	Severity: finding.Error,
	Summary: finding.T(
		"les scopes d'un fournisseur de données (DGFIP, CNAM…) demandent une habilitation API (apiDatapass)",
		"the scopes of a data provider (DGFIP, CNAM…) need an API habilitation (apiDatapass)"),
	Check: checkScopeAPIHabilitation,
}

func checkScopeAPIHabilitation(_ *Context, f *File) []finding.Finding {
	r := f.Request
	p := formPlatform(r)
	if p == nil || formHas(f, request.PtrAPIDatapass) {
		return nil
	}
	first := -1
	var providers []string
	for i, s := range r.Scopes {
		sc := p.Scope(s)
		if sc == nil || !sc.Group.DataProvider {
			continue
		}
		if first < 0 {
			first = i
		}
		if !slices.Contains(providers, sc.Group.Label) {
			providers = append(providers, sc.Group.Label)
		}
	}
	if first < 0 {
		return nil
	}
	pointer := formItem(request.PtrScopes, first)
	return []finding.Finding{At(pointer, finding.Tf(
		"%s : les données %s (dont « %s ») demandent une habilitation API : indiquez dans `spec.apiDatapass` le numéro (D…) de la demande DataPass de cette habilitation",
		"%s: %s data (such as “%s”) needs an API habilitation: give in `spec.apiDatapass` the number (D…) of that habilitation's DataPass request",
		formField(pointer), strings.Join(providers, ", "), r.Scopes[first]))}
}

var reuseSubsSource = &Rule{
	ID:       "reuse-subs-source",
	Severity: finding.Error,
	Summary: finding.T(
		"les subs se reprennent de FranceConnect v1 pour un FS FranceConnect, de FranceConnect pour un FS FranceConnect+",
		"subs are reused from FranceConnect v1 for a FranceConnect FS, from FranceConnect for a FranceConnect+ FS"),
	Check: checkReuseSubsSource,
}

func checkReuseSubsSource(_ *Context, f *File) []finding.Finding {
	r := f.Request
	p := formPlatform(r)
	if p == nil || r.ReuseSubs == nil || r.ReuseSubs.From == "" || r.ReuseSubs.From == p.ReuseSubsFrom {
		return nil
	}
	if !slices.ContainsFunc(catalog.Get().Platforms, func(o *catalog.Platform) bool { return o.ReuseSubsFrom == r.ReuseSubs.From }) {
		return nil // not an origin at all: the schema's
	}
	fd := At(request.PtrReuseSubsFrom, finding.Tf(
		"`spec.reuseSubs.from` vaut « %s » : un FS %s ne reprend que les subs d'un FS %s ; écrivez %s",
		"`spec.reuseSubs.from` is “%s”: a %s FS can only reuse the subs of a %s FS; write %s",
		r.ReuseSubs.From, p.Label, p.ReuseSubsFromLabel, p.ReuseSubsFrom))
	fd.Suggestion = p.ReuseSubsFrom
	return []finding.Finding{fd}
}

var plannedDate = &Rule{
	ID:       "planned-date",
	Severity: finding.Warning,
	Summary: finding.T(
		"la mise en production est prévue au moins trois semaines plus tard (délai de qualification)",
		"go-live is planned at least three weeks ahead (qualification delay)"),
	Check: checkPlannedDate,
	// A request merged with its date keeps it after going live: a later
	// change (a contact, a URI) must not be told that the date has passed.
	SettledAt: func(base, head *File) bool {
		return base.Request != nil && head.Request != nil &&
			base.Request.PlannedProductionDate == head.Request.PlannedProductionDate
	},
}

// qualificationDelay is how long before go-live the qualification must be
// asked for (the form: "au minimum trois semaines").
const qualificationDelay = 21

func checkPlannedDate(ctx *Context, f *File) []finding.Finding {
	r := f.Request
	if !r.IsProduction() || ctx == nil || ctx.Today.IsZero() {
		return nil
	}
	planned, err := time.Parse(time.DateOnly, r.PlannedProductionDate)
	if err != nil {
		return nil // absent or not a date: the schema's
	}
	y, m, d := ctx.Today.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	earliest := today.AddDate(0, 0, qualificationDelay)
	if !planned.Before(earliest) {
		return nil
	}
	var msg finding.Text
	if planned.Before(today) {
		msg = finding.Tf(
			"la date de mise en production prévue (%s) est passée : indiquez une date à venir, au plus tôt le %s (la qualification se demande trois semaines avant)",
			"the planned go-live date (%s) is past: give a date to come, %s at the earliest (qualification is asked for three weeks before)",
			r.PlannedProductionDate, earliest.Format(time.DateOnly))
	} else {
		days := int(planned.Sub(today).Hours() / 24)
		msg = finding.Tf(
			"mise en production prévue le %s, dans %d jours : la qualification se demande au moins trois semaines avant ; prévoyez le %s au plus tôt",
			"go-live planned on %s, in %d days: qualification is asked for at least three weeks before; plan %s at the earliest",
			r.PlannedProductionDate, days, earliest.Format(time.DateOnly))
	}
	fd := At(request.PtrPlannedProductionDate, msg)
	fd.Suggestion = earliest.Format(time.DateOnly)
	return []finding.Finding{fd}
}

// formPlatform returns the catalogue's platform of the request, or nil when
// the platform is not valid (the schema reports it).
func formPlatform(r *request.Request) *catalog.Platform {
	return catalog.Get().Platform(r.Platform)
}

// formEditor returns the catalogue's editor of the request, or nil.
func formEditor(r *request.Request) *catalog.Editor {
	if r.Editor == nil {
		return nil
	}
	return catalog.Get().Editor(r.Editor.ID)
}

// formEditorName names the editor of the request for a message: the form's
// label, or the name given with id: other.
func formEditorName(r *request.Request, e *catalog.Editor) string {
	if e.ID == catalog.OtherEditor && r.Editor.Name != "" {
		return finding.Show(r.Editor.Name) + " (id: other)"
	}
	return e.Label
}

// formOr lists values as alternatives: "a, b ou c" / "a, b or c".
func formOr(values []string) finding.Text {
	if len(values) < 2 {
		v := strings.Join(values, "")
		return finding.T(v, v)
	}
	head := strings.Join(values[:len(values)-1], ", ")
	last := values[len(values)-1]
	return finding.T(head+" ou "+last, head+" or "+last)
}

// formHas reports whether the file has a value at pointer, whatever its
// type.
func formHas(f *File, pointer string) bool { return locate.Node(f.Root, pointer) != nil }

// formField names the field at pointer as publishers read it, in a code
// span: `spec.scopes[3]`.
func formField(pointer string) string { return "`" + locate.Field(pointer) + "`" }

// formItem is the pointer of item i of the list at pointer.
func formItem(pointer string, i int) string { return pointer + "/" + strconv.Itoa(i) }

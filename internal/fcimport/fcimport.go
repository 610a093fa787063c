// Package fcimport turns FranceConnect client documents (the `client`
// collection, as in ../shared/fixtures/franceconnect) into request files,
// to move existing service providers into the repository.
//
// Nothing is dropped silently: every value the format cannot carry, and
// every value the request needs but the document lacks, is a note on the
// document; a document that cannot become a request at all is skipped with
// its reason. The secrets FranceConnect generates (key, client_secret)
// never reach a file.
package fcimport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fsgate/fsgate/internal/catalog"
	"github.com/fsgate/fsgate/internal/export"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/uri"
)

// Kind is what a note asks of the person importing.
type Kind string

const (
	// Changed: the export of the request will differ from the document
	// (a value the format cannot carry, or carries differently).
	Changed Kind = "changed"
	// Complete: the request needs a value the document does not hold, or
	// holds one fsgate validate will refuse; filled provisionally or left
	// out, to complete before the pull request.
	Complete Kind = "complete"
)

// Note is one remark on an imported document.
type Note struct {
	Kind Kind
	// Fields are the document's fields (Changed) or the request's fields
	// (Complete) concerned.
	Fields  []string
	Message finding.Text
}

// Outcome is what became of one document.
type Outcome struct {
	Index int    // position in the array, from 0
	Name  string // the document's name, "" when it has none
	// Path is the request file, relative to the providers directory:
	// <platform>/<environment>/<name>.yaml; "" when skipped.
	Path string
	File []byte // the request file
	// Request is the request the file holds.
	Request *request.Request
	Notes   []Note
	// Skipped says why the document was not imported; nil when it was.
	Skipped *finding.Text
}

// Options configure an import.
type Options struct {
	// Environment of every request: request.Production or
	// request.Integration.
	Environment string
	// Organisation is spec.organisation of every request; "" puts the
	// service provider's name there, to correct (a Complete note).
	Organisation string
	// Today is the planned production date of a document without
	// createdAt.
	Today time.Time
}

// MaxInput bounds the JSON read by Import.
const MaxInput = 64 << 20

// Import reads a JSON array of client documents. Its error concerns the
// input as a whole (not JSON, not an array); each document's problems are
// in its Outcome.
func Import(data []byte, opts Options) ([]*Outcome, error) {
	if opts.Environment != request.Production && opts.Environment != request.Integration {
		return nil, fmt.Errorf("environment %q: want %s or %s", opts.Environment, request.Production, request.Integration)
	}
	if len(data) > MaxInput {
		return nil, fmt.Errorf("input larger than %d bytes", MaxInput)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var items []any
	if err := dec.Decode(&items); err != nil {
		return nil, fmt.Errorf("not a JSON array of client documents: %w", err)
	}
	if dec.More() {
		return nil, errors.New("not a JSON array of client documents: data after the array")
	}
	used := map[string]bool{} // request paths already given
	out := make([]*Outcome, len(items))
	for i, it := range items {
		o := importOne(it, opts)
		o.Index = i
		if o.Skipped == nil {
			o.Path = uniquePath(o.Request, used)
			o.File = render(o.Request, o.Notes)
		}
		out[i] = o
	}
	return out, nil
}

// uniquePath names the request after its display name, unique in its
// platform and environment ("-2", "-3"… on a clash).
func uniquePath(r *request.Request, used map[string]bool) string {
	base := r.Name
	for n := 1; ; n++ {
		name := base
		if n > 1 {
			suffix := "-" + strconv.Itoa(n)
			name = strings.TrimRight(base[:min(len(base), maxName-len(suffix))], "-") + suffix
		}
		p := r.Platform + "/" + r.Environment + "/" + name + ".yaml"
		if !used[p] {
			used[p] = true
			r.Name = name
			return p
		}
	}
}

// Fields of a client document the import reads. The bookkeeping fields of
// FranceConnect (dates, authors, versions) are ignored; key and
// client_secret are never copied.
var (
	readFields = []string{
		"name", "title", "site", "redirect_uris", "post_logout_redirect_uris", "sector_identifier_uri",
		"jwks_uri", "entityId", "email", "IPServerAddressesAndRanges", "active", "type", "scopes", "claims",
		"id_token_signed_response_alg", "id_token_encrypted_response_alg", "id_token_encrypted_response_enc",
		"userinfo_signed_response_alg", "userinfo_encrypted_response_alg", "userinfo_encrypted_response_enc",
		"idpFilterExclude", "idpFilterList", "eidas", "identityConsent", "signup_id", "allowedPrompts",
		"allowedIdpHints", "platform", "rep_scope", "featureHandlers", "credentialsFlow",
	}
	secretFields      = []string{"key", "client_secret"}
	bookkeepingFields = []string{
		"_id", "__v", "createdAt", "createdBy", "createdVia", "updatedAt", "updatedBy",
		"secretCreatedAt", "secretUpdatedAt", "secretUpdatedBy",
	}
)

var (
	signupPattern   = regexp.MustCompile(`^[0-9]{1,7}$`)
	clientIDPattern = regexp.MustCompile(`^([0-9a-f]{32}|[0-9a-f]{64})$`)
)

// importer builds one request and its notes.
type importer struct {
	d     *doc
	r     *request.Request
	notes []Note
	skip  *finding.Text
}

func (im *importer) changed(msg finding.Text, fields ...string) {
	im.notes = append(im.notes, Note{Kind: Changed, Fields: fields, Message: msg})
}

func (im *importer) complete(msg finding.Text, fields ...string) {
	im.notes = append(im.notes, Note{Kind: Complete, Fields: fields, Message: msg})
}

func (im *importer) refuse(msg finding.Text) {
	if im.skip == nil {
		im.skip = &msg
	}
}

func importOne(v any, opts Options) *Outcome {
	m, ok := v.(map[string]any)
	if !ok {
		t := finding.T("ce n'est pas un objet JSON", "not a JSON object")
		return &Outcome{Skipped: &t}
	}
	d := &doc{m: m}
	im := &importer{d: d, r: &request.Request{
		APIVersion: "fsgate/v1", Kind: "ServiceProvider", Environment: opts.Environment,
	}}
	name := d.str("name")
	im.run(opts)
	if len(d.bad) > 0 {
		t := finding.Tf("champs d'un type inattendu : %s", "fields of an unexpected type: %s", strings.Join(d.bad, ", "))
		im.skip = &t
	}
	o := &Outcome{Name: name, Notes: im.notes, Skipped: im.skip}
	if o.Skipped == nil {
		o.Request = im.r
	} else {
		o.Notes = nil
	}
	return o
}

// run maps the document, in the order of the request's fields.
func (im *importer) run(opts Options) {
	d, r := im.d, im.r
	cat := catalog.Get()

	// Platform: the FranceConnect core keeps only CORE_FCP documents; the
	// FranceConnect+ documents have no platform.
	switch pf := d.str("platform"); pf {
	case export.CorePlatform:
		r.Platform = request.FranceConnect
	case "":
		r.Platform = request.FranceConnectPlus
	default:
		im.refuse(finding.Tf(
			"plateforme « %s » hors du format : seuls les documents FranceConnect (platform CORE_FCP) et FranceConnect+ (sans platform) s'importent",
			"platform “%s” is outside the format: only FranceConnect (platform CORE_FCP) and FranceConnect+ (no platform) documents are imported",
			finding.Show(pf)))
		return
	}
	p := cat.Platform(r.Platform)
	if !p.RequestedHere(r.Environment) {
		im.refuse(finding.Tf(
			"%s en %s ne passe pas par ce dépôt (espace partenaires) : importez-le en %s",
			"%s in %s does not go through this repository (partner space): import it in %s",
			p.Label, r.Environment, strings.Join(p.Environments, ", ")))
		return
	}
	switch active, present := d.boolean("active"); {
	case !present:
		im.refuse(finding.T(
			"sans « active » : FranceConnect ne charge pas ce FS, l'importer l'activerait à l'export",
			"no “active”: FranceConnect does not load this SP, importing it would activate it on export"))
	case !active:
		im.refuse(finding.T(
			"FS désactivé (active: false) : l'importer le réactiverait à l'export",
			"deactivated SP (active: false): importing it would reactivate it on export"))
	}

	im.names(opts)
	im.urls()
	im.algorithms(p)
	im.eidas(p)
	im.scopes(p)
	im.identity(p)
	im.contacts()
	im.defaults()
	im.leftovers()
	if r.IsProduction() {
		im.complete(finding.T(
			"`spec.qualification` absent du document : indiquez le numéro du dossier de recette (fsgate validate l'exige en production, sauf éditeur certifié v2 sur FranceConnect)",
			"`spec.qualification` is not in the document: give the number of the test dossier (fsgate validate requires it in production, unless an editor certified v2 on FranceConnect)"),
			"spec.qualification")
		if day := d.date("createdAt"); day != "" {
			r.PlannedProductionDate = day
			im.complete(finding.T(
				"`spec.plannedProductionDate` = date de création du document FranceConnect (createdAt) : vérifiez-la",
				"`spec.plannedProductionDate` = creation date of the FranceConnect document (createdAt): check it"),
				"spec.plannedProductionDate")
		} else {
			r.PlannedProductionDate = opts.Today.Format(time.DateOnly)
			im.complete(finding.T(
				"`spec.plannedProductionDate` = date du jour (le document n'a pas de createdAt) : vérifiez-la",
				"`spec.plannedProductionDate` = today (the document has no createdAt): check it"),
				"spec.plannedProductionDate")
		}
	}
}

// maxName is the longest metadata.name.
const maxName = 63

func (im *importer) names(opts Options) {
	d, r := im.d, im.r
	name := d.str("name")
	switch {
	case strings.TrimSpace(name) == "":
		im.refuse(finding.T("sans nom (name)", "no name"))
		return
	case len([]rune(name)) > 256:
		im.refuse(finding.T("nom (name) de plus de 256 caractères", "name longer than 256 characters"))
		return
	}
	r.DisplayName = name
	r.Name = slug(name, d.number("signup_id"))
	if title := d.str("title"); d.has("title") && title != name {
		im.changed(finding.Tf(
			"title « %s » différent de name : l'export enverra title = name",
			"title “%s” differs from name: the export will send title = name",
			finding.Show(title)), "title")
	}
	if opts.Organisation != "" {
		r.Organisation = opts.Organisation
		return
	}
	r.Organisation = name
	im.complete(finding.T(
		"`spec.organisation` provisoire (le nom du FS, absent des documents FranceConnect) : indiquez l'organisation déclarée dans DataPass",
		"`spec.organisation` is provisional (the SP's name; FranceConnect documents do not hold it): give the organisation declared in DataPass"),
		"spec.organisation")
}

func (im *importer) urls() {
	d, r := im.d, im.r
	sites := d.strs("site")
	if len(sites) == 0 || sites[0] == "" {
		im.refuse(finding.T("sans site", "no site"))
		return
	}
	if len(sites) > 1 {
		im.changed(finding.Tf(
			"%d sites : le format n'en a qu'un, seul le premier est repris",
			"%d sites: the format has one, only the first is kept", len(sites)), "site")
	}
	r.Site = sites[0]
	// The site is only shown, never compared by FranceConnect: its
	// canonical form passes the URI rules without changing the service.
	if c, err := uri.Canonical(r.Site); err == nil && c != r.Site {
		r.Site = c
		im.changed(finding.Tf("site écrit sous forme canonique : %s", "site written in canonical form: %s", finding.Show(c)), "site")
	}
	r.RedirectURIs = d.strs("redirect_uris")
	if len(r.RedirectURIs) == 0 {
		im.refuse(finding.T("sans redirect_uris : le format en exige au moins une", "no redirect_uris: the format requires at least one"))
	}
	r.PostLogoutURIs = d.strs("post_logout_redirect_uris")
	if len(r.PostLogoutURIs) == 0 {
		im.refuse(finding.T("sans post_logout_redirect_uris : le format en exige au moins une",
			"no post_logout_redirect_uris: the format requires at least one"))
	}
	r.SectorIdentifierURI = d.str("sector_identifier_uri")
	r.IPAddresses = d.strs("IPServerAddressesAndRanges")
}

func (im *importer) algorithms(p *catalog.Platform) {
	d, r := im.d, im.r
	sig := d.str("id_token_signed_response_alg")
	if !slices.Contains(p.Signature.Accepted, sig) {
		im.refuse(finding.Tf(
			"algorithme de signature « %s » hors du format (%s) : le FS ne validerait plus ses jetons",
			"signature algorithm “%s” is outside the format (%s): the SP would no longer validate its tokens",
			finding.Show(sig), strings.Join(p.Signature.Accepted, ", ")))
		return
	}
	r.Signature = sig
	if ui := d.str("userinfo_signed_response_alg"); ui != sig {
		im.changed(finding.Tf(
			"userinfo_signed_response_alg « %s » différent de id_token_signed_response_alg : l'export envoie %s pour les deux",
			"userinfo_signed_response_alg “%s” differs from id_token_signed_response_alg: the export sends %s for both",
			finding.Show(ui), sig), "userinfo_signed_response_alg")
	}

	encFields := []string{"id_token_encrypted_response_alg", "id_token_encrypted_response_enc",
		"userinfo_encrypted_response_alg", "userinfo_encrypted_response_enc"}
	jwks := d.str("jwks_uri")
	if !p.Encrypts() {
		var set []string
		for _, f := range encFields {
			if d.str(f) != "" {
				set = append(set, f)
			}
		}
		if len(set) > 0 {
			im.changed(finding.Tf(
				"chiffrement (%s) sur %s, qui ne chiffre pas : non repris, l'export envoie \"\"",
				"encryption (%s) on %s, which does not encrypt: not kept, the export sends \"\"",
				strings.Join(set, ", "), p.Label), set...)
		}
		if jwks != "" {
			im.changed(finding.Tf(
				"jwks_uri sur %s, qui ne chiffre pas : non repris (fsgate validate le refuserait)",
				"jwks_uri on %s, which does not encrypt: not kept (fsgate validate would refuse it)", p.Label), "jwks_uri")
		}
		return
	}
	alg := d.str("id_token_encrypted_response_alg")
	if !slices.Contains(p.Encryption.Algs, alg) {
		im.refuse(finding.Tf(
			"algorithme de chiffrement « %s » hors du format (%s) : le FS ne déchiffrerait plus ses jetons",
			"encryption algorithm “%s” is outside the format (%s): the SP would no longer decrypt its tokens",
			finding.Show(alg), strings.Join(p.Encryption.Algs, ", ")))
		return
	}
	r.Encryption = alg
	if jwks == "" {
		im.refuse(finding.Tf("sans jwks_uri : %s chiffre les jetons, le format l'exige",
			"no jwks_uri: %s encrypts tokens, the format requires it", p.Label))
		return
	}
	r.JWKSURI = jwks
	if ui := d.str("userinfo_encrypted_response_alg"); ui != alg {
		im.changed(finding.Tf(
			"userinfo_encrypted_response_alg « %s » différent de id_token_encrypted_response_alg : l'export envoie %s pour les deux",
			"userinfo_encrypted_response_alg “%s” differs from id_token_encrypted_response_alg: the export sends %s for both",
			finding.Show(ui), alg), "userinfo_encrypted_response_alg")
	}
	for _, f := range []string{"id_token_encrypted_response_enc", "userinfo_encrypted_response_enc"} {
		if v := d.str(f); v != p.Encryption.Enc {
			im.changed(finding.Tf("%s « %s » : l'export envoie %s", "%s “%s”: the export sends %s",
				f, finding.Show(v), p.Encryption.Enc), f)
		}
	}
}

func (im *importer) eidas(p *catalog.Platform) {
	d, r := im.d, im.r
	level := d.number("eidas")
	def := export.EidasLevel(p.Eidas.Default)
	if level == "" {
		im.changed(finding.Tf(
			"eidas absent : l'export envoie %d, le niveau par défaut de %s",
			"no eidas: the export sends %d, the default level of %s", def, p.Label), "eidas")
		return
	}
	if name := "eidas" + level; slices.Contains(p.Eidas.Allowed, name) {
		r.Eidas = name
		return
	}
	im.changed(finding.Tf(
		"eidas %s hors de %s (%s) : l'export envoie %d, le niveau par défaut",
		"eidas %s is not a level of %s (%s): the export sends %d, the default level",
		finding.Show(level), p.Label, strings.Join(p.Eidas.Allowed, ", "), def), "eidas")
}

func (im *importer) scopes(p *catalog.Platform) {
	d, r := im.d, im.r
	cat := catalog.Get()
	given := d.strs("scopes")
	var scopes, dups []string
	for _, s := range given {
		switch {
		case s == "":
		case slices.Contains(scopes, s):
			if !slices.Contains(dups, s) {
				dups = append(dups, s)
			}
		default:
			scopes = append(scopes, s)
		}
	}
	if len(dups) > 0 {
		im.changed(finding.Tf("scopes en double, repris une fois : %s", "duplicate scopes, kept once: %s",
			strings.Join(dups, ", ")), "scopes")
	}
	if len(scopes) == 0 {
		scopes = []string{"openid"}
	}
	r.Scopes = scopes
	normalized := cat.NormalizeScopes(r.Platform, scopes)
	if added := missing(normalized, scopes); len(added) > 0 {
		im.changed(finding.Tf(
			"FranceConnect normalise les scopes : l'export ajoute %s",
			"FranceConnect normalises scopes: the export adds %s", strings.Join(added, ", ")), "scopes")
	} else if len(dups) == 0 && !slices.Equal(normalized, given) {
		im.changed(finding.T("scopes remis dans l'ordre de FranceConnect (openid en premier)",
			"scopes put in FranceConnect's order (openid first)"), "scopes")
	}
	var unknown, providers []string
	for _, s := range scopes {
		sc := p.Scope(s)
		switch {
		case sc == nil:
			unknown = append(unknown, s)
		case sc.Group.DataProvider && !slices.Contains(providers, sc.Group.Label):
			providers = append(providers, sc.Group.Label)
		}
	}
	if len(unknown) > 0 {
		im.complete(finding.Tf(
			"scopes inconnus de %s : %s (fsgate validate les refusera)",
			"scopes unknown to %s: %s (fsgate validate will refuse them)",
			p.Label, strings.Join(unknown, ", ")), "spec.scopes")
	}
	if len(providers) > 0 {
		im.complete(finding.Tf(
			"données de %s : indiquez dans `spec.apiDatapass` la demande DataPass de l'habilitation API (absente du document)",
			"%s data: give in `spec.apiDatapass` the DataPass request of the API habilitation (not in the document)",
			strings.Join(providers, ", ")), "spec.apiDatapass")
	}
}

func missing(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// identity maps the DataPass number and the users' subs.
func (im *importer) identity(p *catalog.Platform) {
	d, r := im.d, im.r
	switch id := d.number("signup_id"); {
	case id == "":
		im.refuse(finding.T(
			"sans signup_id : le numéro de la demande DataPass (spec.datapass) est requis",
			"no signup_id: the number of the DataPass request (spec.datapass) is required"))
	case !signupPattern.MatchString(id):
		im.refuse(finding.Tf(
			"signup_id « %s » n'est pas un numéro de demande DataPass (1 à 7 chiffres)",
			"signup_id “%s” is not a DataPass request number (1 to 7 digits)", finding.Show(id)))
	default:
		r.Datapass = "D" + id
	}

	// entityId is what the users' subs derive from; it defaults to the
	// client_id (key). Another value is the client id of the service
	// provider whose subs this one reuses.
	entity, key := d.str("entityId"), d.str("key")
	if entity == "" || entity == key {
		return
	}
	if !clientIDPattern.MatchString(entity) {
		im.refuse(finding.T(
			"entityId ne peut pas s'écrire dans `spec.reuseSubs.clientId` (32 ou 64 caractères hexadécimaux minuscules) : l'écarter changerait le sub de chaque usager",
			"entityId cannot be written in `spec.reuseSubs.clientId` (32 or 64 lowercase hexadecimal characters): dropping it would change every user's sub"))
		return
	}
	r.ReuseSubs = &request.ReuseSubs{From: p.ReuseSubsFrom, ClientID: entity}
	if key == "" {
		im.complete(finding.Tf(
			"entityId repris dans `spec.reuseSubs` (from: %s) sans client_id (key) pour le comparer : vérifiez que ce FS reprend bien les subs d'un autre",
			"entityId kept in `spec.reuseSubs` (from: %s) with no client_id (key) to compare it with: check that this SP does reuse another one's subs",
			p.ReuseSubsFrom), "spec.reuseSubs")
	}
}

func (im *importer) contacts() {
	d, r := im.d, im.r
	email := d.str("email")
	for _, c := range strings.Split(email, ",") {
		if c = strings.TrimSpace(c); c != "" {
			r.Contacts = append(r.Contacts, c)
		}
	}
	if len(r.Contacts) == 0 {
		im.refuse(finding.T("sans email : le format exige au moins une adresse de contact",
			"no email: the format requires at least one contact address"))
		return
	}
	if joined := strings.Join(r.Contacts, ","); joined != email {
		im.changed(finding.Tf("email réécrit : %s", "email rewritten: %s", finding.Show(joined)), "email")
	}
}

// defaults notes every setting that differs from the defaults the export
// sends (FranceConnect's own defaults).
func (im *importer) defaults() {
	d := im.d
	if claims := d.strs("claims"); d.has("claims") && !slices.Equal(claims, []string{"amr"}) {
		im.changed(finding.Tf("claims %s : l'export envoie [\"amr\"]", "claims %s: the export sends [\"amr\"]",
			showList(claims)), "claims")
	}
	typ := d.str("type")
	consent, _ := d.boolean("identityConsent")
	var consentFields []string
	if typ != "" && typ != "public" {
		consentFields = append(consentFields, "type")
	}
	if consent {
		consentFields = append(consentFields, "identityConsent")
	}
	if len(consentFields) > 0 {
		im.changed(finding.Tf(
			"écran de consentement (type « %s », identityConsent %t) non repris : l'export envoie type public, sans consentement",
			"consent screen (type “%s”, identityConsent %t) not kept: the export sends type public, without consent",
			finding.Show(typ), consent), consentFields...)
	}
	exclude, present := d.boolean("idpFilterExclude")
	list := d.strs("idpFilterList")
	var filterFields []string
	if present && !exclude {
		filterFields = append(filterFields, "idpFilterExclude")
	}
	if len(list) > 0 {
		filterFields = append(filterFields, "idpFilterList")
	}
	if len(filterFields) > 0 {
		im.changed(finding.Tf(
			"filtre des fournisseurs d'identité (idpFilterExclude %t, idpFilterList de %d entrée(s)) non repris : l'export les autorise tous",
			"identity provider filter (idpFilterExclude %t, idpFilterList of %d item(s)) not kept: the export allows them all",
			exclude || !present, len(list)), filterFields...)
	}
	for _, f := range []string{"rep_scope", "allowedPrompts", "allowedIdpHints"} {
		if v := d.strs(f); len(v) > 0 {
			im.changed(finding.Tf("%s %s non repris : le format ne le porte pas", "%s %s not kept: the format does not carry it",
				f, showList(v)), f)
		}
	}
	if d.nonEmptyValues("featureHandlers") {
		im.changed(finding.T("featureHandlers non repris : le format ne les porte pas", "featureHandlers not kept: the format does not carry them"),
			"featureHandlers")
	}
	if flow, _ := d.boolean("credentialsFlow"); flow {
		im.changed(finding.T("credentialsFlow non repris : le format ne le porte pas", "credentialsFlow not kept: the format does not carry it"),
			"credentialsFlow")
	}
}

// leftovers notes the secrets ignored and every field the import does not
// know.
func (im *importer) leftovers() {
	d := im.d
	if d.has("client_secret") {
		im.changed(finding.T(
			"client_secret ignoré : un secret n'entre jamais dans le dépôt, FranceConnect garde le sien",
			"client_secret ignored: a secret never enters the repository, FranceConnect keeps its own"), "client_secret")
	}
	var unknown []string
	for k := range d.m {
		if !slices.Contains(readFields, k) && !slices.Contains(secretFields, k) && !slices.Contains(bookkeepingFields, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		shown := make([]string, len(unknown))
		for i, k := range unknown {
			shown[i] = finding.Show(k)
		}
		im.changed(finding.Tf("champs non repris par le format : %s", "fields the format does not carry: %s",
			strings.Join(shown, ", ")), unknown...)
	}
}

func showList(items []string) string {
	shown := make([]string, len(items))
	for i, s := range items {
		shown[i] = finding.Show(s)
	}
	return "[" + strings.Join(shown, ", ") + "]"
}

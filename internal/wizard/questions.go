package wizard

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fsgate/fsgate/internal/catalog"
	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/rules"
	"github.com/fsgate/fsgate/internal/uri"
)

// Kind is the shape of an answer.
type Kind int

const (
	Choice Kind = iota // one option of a numbered list
	YesNo              // oui or non
	Text               // one line
	List               // one value per line, an empty line ends the list
	Multi              // several options of a numbered list, on one line
)

// Yes and No are the answers of a YesNo question.
const (
	Yes = "oui"
	No  = "non"
)

// Option is one answer of a Choice or Multi question.
type Option struct {
	Value string // as the file (and the flag) writes it
	Label string // as the form shows it
}

// Question is one question of the form.
type Question struct {
	// ID names the question in tests.
	ID string
	// Flag is the flag of `fsgate new` that answers the question without
	// a terminal; "" for a yes/no question that the flags answer by their
	// presence (see derive).
	Flag string
	Kind Kind
	// Title is the question; Help explains it, with the form's words.
	Title, Help func(a *Answers) string
	// Options are the answers of a Choice or Multi question, in the
	// form's order.
	Options func(a *Answers) []Option
	// Default is the answer an empty line (or an absent flag) gives.
	// Propose is a proposal on a terminal only, where the publisher sees
	// it before accepting it: without a terminal, a name shown to citizens
	// is never made up.
	Default, Propose func(a *Answers) string
	// Applies says whether the question is asked, given the answers
	// before it; nil means always. When says it in words, for the error
	// on a flag given where it does not apply.
	Applies func(a *Answers) bool
	When    string
	// FlagOnly questions are not asked on a terminal, because the form
	// does not ask them (eidas), or because the answer follows from an
	// earlier one (reuse-subs-from); a flag may still give them.
	FlagOnly bool
	// Required refuses an empty answer where the schema does not (the
	// API habilitation's number, once the publisher said they have one).
	Required bool

	// pointers are where the findings about the answer are: exactly
	// there, or below for lists.
	pointers []string
	// rules' findings concern the answer wherever they point; ignore's
	// never do here (a later question settles them); stop's errors end
	// the interview instead of asking again.
	rules, ignore, stop []string
	// derive answers a yes/no question from the presence of other flags.
	derive func(given map[string][]string) string
	// computed answers a question of the form from the answers before it:
	// it is shown with its answer, never asked.
	computed func(a *Answers) string
	// blame is the flag named when a derived answer is refused.
	blame     string
	normalize func(a *Answers, v string) string
	store     func(a *Answers, values []string)
	// extra checks what no rule can know (an existing file).
	extra func(w *Wizard) []string
}

func (q *Question) applies(a *Answers) bool { return q.Applies == nil || q.Applies(a) }

func (q *Question) def(a *Answers) string {
	if q.Default == nil {
		return ""
	}
	return q.Default(a)
}

// proposal is the answer an empty line gives on a terminal.
func (q *Question) proposal(a *Answers) string {
	if q.Propose != nil {
		return q.Propose(a)
	}
	return q.def(a)
}

func (q *Question) help(a *Answers) string {
	if q.Help == nil {
		return ""
	}
	return q.Help(a)
}

func (q *Question) options(a *Answers) []Option {
	if q.Options == nil {
		return nil
	}
	return q.Options(a)
}

func (q *Question) set(a *Answers, values []string) { q.store(a, values) }

func (q *Question) normalizeOne(a *Answers, v string) string {
	v = strings.TrimSpace(v)
	if q.normalize != nil && v != "" {
		v = q.normalize(a, v)
	}
	return v
}

// concerns reports whether a finding is about this question's answer.
func (q *Question) concerns(fd finding.Finding) bool {
	if fd.Rule == rules.YAML.ID {
		// The answers before this one made a file that loaded.
		return true
	}
	if slices.Contains(q.ignore, fd.Rule) {
		return false
	}
	if slices.Contains(q.rules, fd.Rule) {
		return true
	}
	for _, p := range q.pointers {
		if fd.Pointer == p || (q.Kind == List || q.Kind == Multi) && strings.HasPrefix(fd.Pointer, p+"/") {
			return true
		}
	}
	return false
}

// resolve turns what was typed into the values stored: an option's value
// for a number, a label or a value; trimmed and normalized text; the items
// of a list without empty lines. It returns a problem when the input
// cannot be an answer at all (a number out of the list).
func (q *Question) resolve(a *Answers, values []string) ([]string, string) {
	for _, v := range values {
		if !utf8.ValidString(v) {
			return nil, "texte illisible : réglez votre terminal en UTF-8"
		}
	}
	var out []string
	switch q.Kind {
	case Choice:
		v := firstNonEmpty(values)
		if v == "" {
			return nil, ""
		}
		opts := q.options(a)
		o, ok := pick(opts, v)
		if !ok && isNumber(v) {
			return nil, fmt.Sprintf("réponse attendue : un numéro de 1 à %d", len(opts))
		}
		if !ok {
			// Not an option: the schema and the rules say why, better
			// than a list would (eidas1 is a level of FranceConnect…).
			o = v
		}
		return []string{o}, ""
	case YesNo:
		switch strings.ToLower(firstNonEmpty(values)) {
		case "":
			return nil, ""
		case "oui", "o", "yes", "y", "true":
			return []string{Yes}, ""
		case "non", "n", "no", "false":
			return []string{No}, ""
		}
		return nil, "répondez oui ou non"
	case Text:
		if v := q.normalizeOne(a, firstNonEmpty(values)); v != "" {
			out = []string{v}
		}
	case List:
		for _, v := range values {
			if v = q.normalizeOne(a, v); v != "" {
				out = append(out, v)
			}
		}
	case Multi:
		opts := q.options(a)
		for _, v := range values {
			for _, token := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' }) {
				if o, ok := pick(opts, token); ok {
					token = o
				} else if isNumber(token) {
					return nil, fmt.Sprintf("« %s » n'est pas dans la liste : numéros de 1 à %d", token, len(opts))
				}
				if !slices.Contains(out, token) {
					out = append(out, token)
				}
			}
		}
	}
	return out, ""
}

func firstNonEmpty(values []string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// pick finds an option by its 1-based number, its value or its label,
// whatever the case and accents ("intégration" is integration).
func pick(opts []Option, v string) (string, bool) {
	if isNumber(v) {
		n, err := strconv.Atoi(v)
		if err == nil && n >= 1 && n <= len(opts) {
			return opts[n-1].Value, true
		}
		return "", false
	}
	for _, o := range opts {
		if fold(o.Value) == fold(v) || fold(o.Label) == fold(v) {
			return o.Value, true
		}
	}
	return "", false
}

func isNumber(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}

func optionValues(opts []Option) string {
	vs := make([]string, len(opts))
	for i, o := range opts {
		vs[i] = o.Value
	}
	return strings.Join(vs, ", ")
}

func one(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

// platform returns the catalogue's platform of the answers, or nil.
func platform(a *Answers) *catalog.Platform { return catalog.Get().Platform(a.Platform) }

func platformLabel(a *Answers) string {
	if p := platform(a); p != nil {
		return p.Label
	}
	return "FranceConnect"
}

func editor(a *Answers) *catalog.Editor {
	if a.Editor == "" {
		return nil
	}
	return catalog.Get().Editor(a.Editor)
}

func production(a *Answers) bool { return a.Environment == request.Production }

func encrypts(a *Answers) bool { p := platform(a); return p != nil && p.Encrypts() }

// redirectHosts lists the hosts (with port) of the redirect URIs, as the
// rule sector-identifier-required counts them.
func redirectHosts(a *Answers) []string {
	var hosts []string
	for _, v := range a.RedirectURIs {
		if u, err := uri.Parse(v); err == nil && !slices.Contains(hosts, u.HostPort()) {
			hosts = append(hosts, u.HostPort())
		}
	}
	return hosts
}

func fixed(s string) func(*Answers) string { return func(*Answers) string { return s } }

var frenchDate = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)

var questions = []*Question{
	{
		ID: "platform", Flag: "platform", Kind: Choice,
		Title: fixed("FranceConnect ou FranceConnect+ ?"),
		Help:  fixed("Indiquez si votre fournisseur de service doit être créé sur FranceConnect ou sur FranceConnect+."),
		Options: func(*Answers) []Option {
			var opts []Option
			for _, p := range catalog.Get().Platforms {
				opts = append(opts, Option{p.ID, p.Label})
			}
			return opts
		},
		pointers: []string{request.PtrPlatform},
		store:    func(a *Answers, v []string) { a.Platform = one(v) },
	},
	{
		ID: "environment", Flag: "environment", Kind: Choice,
		Title: fixed("Intégration ou production ?"),
		Help: func(a *Answers) string {
			p := platform(a)
			if p != nil && !p.RequestedHere(request.Integration) {
				return fmt.Sprintf("Seules les demandes de production se font ici pour %s. Pour créer votre bac à sable (intégration), "+
					"rendez-vous sur l'espace partenaires : %s", p.Label, p.SelfServiceURL)
			}
			return "Votre demande concerne-t-elle l'environnement d'intégration (bac à sable) ou de production ? " +
				"En production, votre intégration doit avoir fait l'objet d'une recette qualifiée par l'équipe FranceConnect."
		},
		Options: fixedOptions([]Option{{request.Production, "Production"}, {request.Integration, "Intégration (bac à sable)"}}),
		Default: func(a *Answers) string {
			// Where one environment only is requested here, it is the answer.
			if p := platform(a); p != nil && len(p.Environments) == 1 {
				return p.Environments[0]
			}
			return ""
		},
		pointers: []string{request.PtrEnvironment},
		stop:     []string{"fc-integration-form"},
		store:    func(a *Answers, v []string) { a.Environment = one(v) },
	},
	{
		ID: "planned-date", Flag: "planned-date", Kind: Text,
		Title: fixed("Date de mise en production prévisionnelle (AAAA-MM-JJ ou JJ/MM/AAAA)"),
		Help: func(a *Answers) string {
			how := "votre intégration doit avoir fait l'objet d'une recette et avoir été qualifiée par l'équipe FranceConnect"
			if p := platform(a); p != nil && p.CertifiedEditorQualifies {
				how += ", soit par une qualification individuelle, soit via votre éditeur si sa solution a été certifiée"
			}
			return "Pour une demande en production, " + how + ". Déposez votre demande de qualification au minimum " +
				"trois semaines avant la date de mise en production prévisionnelle. Cette date est donnée à titre d'information : " +
				"ce n'est en aucun cas un engagement de l'équipe FranceConnect sur le délai de traitement de votre dossier."
		},
		Applies: production, When: "en production seulement",
		normalize: func(_ *Answers, v string) string {
			if m := frenchDate.FindStringSubmatch(v); m != nil {
				d, _ := strconv.Atoi(m[1])
				mo, _ := strconv.Atoi(m[2])
				return fmt.Sprintf("%s-%02d-%02d", m[3], mo, d)
			}
			return v
		},
		pointers: []string{request.PtrPlannedProductionDate},
		store:    func(a *Answers, v []string) { a.PlannedDate = one(v) },
	},
	{
		ID: "editor", Flag: "editor", Kind: Choice,
		Title: func(a *Answers) string {
			return "Votre intégration de " + platformLabel(a) + " a-t-elle été gérée par un éditeur ?"
		},
		Help: fixed("Si ce n'est pas le cas, choisissez --PAS DE SOLUTION EDITEUR-- ; si votre éditeur n'est pas dans la liste, " +
			"choisissez « Entrer une autre option »."),
		Options: func(*Answers) []Option {
			opts := []Option{{NoEditor, "--PAS DE SOLUTION EDITEUR--"}}
			for _, e := range catalog.Get().Editors {
				if e.ID == catalog.OtherEditor {
					continue
				}
				label := e.Label
				if e.CertifiedV2 {
					label += " - certifié v2"
				}
				opts = append(opts, Option{e.ID, label})
			}
			return append(opts, Option{catalog.OtherEditor, "Entrer une autre option"})
		},
		Default:  fixed(NoEditor),
		pointers: []string{request.PtrEditorID, request.PtrEditor},
		store: func(a *Answers, v []string) {
			id := one(v)
			if id == NoEditor {
				id = ""
			}
			if id != a.Editor {
				a.EditorName, a.EditorVersion = "", ""
			}
			a.Editor = id
		},
	},
	{
		ID: "editor-name", Flag: "editor-name", Kind: Text,
		Title:   fixed("Nom de votre éditeur"),
		Applies: func(a *Answers) bool { return a.Editor == catalog.OtherEditor }, When: "avec --editor other seulement",
		pointers: []string{request.PtrEditorName},
		store:    func(a *Answers, v []string) { a.EditorName = one(v) },
	},
	{
		ID: "editor-version", Flag: "editor-version", Kind: Text,
		Title: fixed("Version de la solution de votre éditeur certifié v2"),
		Help: func(a *Answers) string {
			h := "Indiquez la version de la solution implémentée par votre éditeur pour votre fournisseur de service sur la v2 (ex. 4.2)."
			if !production(a) {
				h += " Facultatif hors production : Entrée pour passer."
			}
			return h
		},
		Applies: func(a *Answers) bool { e := editor(a); return e != nil && e.CertifiedV2 }, When: "avec un éditeur certifié v2 seulement",
		pointers: []string{request.PtrEditorVersion},
		store:    func(a *Answers, v []string) { a.EditorVersion = one(v) },
	},
	{
		ID: "qualification", Flag: "qualification", Kind: Text,
		Title: func(a *Answers) string { return "Dossier de qualification " + platformLabel(a) },
		Help: func(a *Answers) string {
			h := "Indiquez le numéro de dossier de la recette validée vous permettant d'obtenir les clés de production"
			p, e := platform(a), editor(a)
			if p != nil && p.CertifiedEditorQualifies {
				h += " v2"
			}
			h += "."
			if p != nil && p.CertifiedEditorQualifies && e != nil && e.CertifiedV2 {
				h += " Votre éditeur est certifié v2 : sans qualification individuelle, Entrée pour passer."
			}
			return h
		},
		Applies: production, When: "en production seulement",
		normalize: func(_ *Answers, v string) string {
			return strings.TrimPrefix(strings.Join(strings.Fields(v), ""), "n°")
		},
		pointers: []string{request.PtrQualification},
		store:    func(a *Answers, v []string) { a.Qualification = one(v) },
	},
	{
		ID: "datapass", Flag: "datapass", Kind: Text,
		Title: fixed("Numéro de la demande DataPass (ex. D12345)"),
		Help: func(a *Answers) string {
			return "Renseignez le numéro de la demande DataPass validée qui vous permet d'utiliser " + platformLabel(a) + ". " +
				"Remarque : le numéro de la demande commence par la lettre D (contrairement aux différentes versions / " +
				"habilitations de cette demande, qui commencent toutes par la lettre H)."
		},
		normalize: datapassNumber,
		pointers:  []string{request.PtrDatapass},
		store:     func(a *Answers, v []string) { a.Datapass = one(v) },
	},
	{
		ID: "api-habilitation", Kind: YesNo,
		Title: fixed("Avez-vous également une habilitation API ?"),
		Help: fixed("DGFIP / CNAM / SIV / CNOUS / France Travail / Sécurité Sociale / CNAF & MSA / MESRI / DSNJ / ANTS : " +
			"une demande DataPass d'habilitation API validée vous permet de récupérer des données supplémentaires."),
		Default: fixed(No),
		derive:  func(given map[string][]string) string { return yesIf(given, "api-datapass") },
		blame:   "api-datapass",
		store: func(a *Answers, v []string) {
			a.APIHabilitation = one(v) == Yes
			if !a.APIHabilitation {
				a.APIDatapass = ""
			}
		},
	},
	{
		ID: "api-datapass", Flag: "api-datapass", Kind: Text,
		Title: fixed("Numéro de la demande d'habilitation API (ex. D67890)"),
		Help: fixed("Renseignez le numéro de la demande d'habilitation API validée qui vous permet de récupérer des données " +
			"API supplémentaires ; il commence lui aussi par D."),
		Applies: func(a *Answers) bool { return a.APIHabilitation }, When: "avec une habilitation API",
		Required:  true,
		normalize: datapassNumber,
		pointers:  []string{request.PtrAPIDatapass},
		store:     func(a *Answers, v []string) { a.APIDatapass = one(v) },
	},
	{
		ID: "organisation", Flag: "organisation", Kind: Text,
		Title:    fixed("Nom de l'organisation"),
		Help:     fixed("Le nom de votre organisation, tel qu'il a été déclaré dans votre demande d'habilitation DataPass."),
		pointers: []string{request.PtrOrganisation},
		store:    func(a *Answers, v []string) { a.Organisation = one(v) },
	},
	{
		ID: "display-name", Flag: "display-name", Kind: Text,
		Title: fixed("Nom du fournisseur de service"),
		Help: func(a *Answers) string {
			h := "Le nom tel que vous souhaitez qu'il s'affiche aux usagers dans la cinématique " + platformLabel(a) + "."
			if e := editor(a); e != nil && e.Pattern != "" {
				what := "de la collectivité (commune, département, région…)"
				shape := e.DisplayName("<collectivité>")
				if e.Placeholder() == catalog.Hopital {
					what, shape = "de l'hôpital", e.DisplayName("<hôpital>")
				}
				h += fmt.Sprintf(" Votre éditeur %s impose la forme « %s » : indiquez le nom %s, ou le nom complet.", e.Label, shape, what)
			}
			return h
		},
		Propose: func(a *Answers) string {
			e := editor(a)
			if e == nil || e.Pattern == "" || e.Placeholder() != catalog.Collectivite {
				return ""
			}
			if c := Collectivite(a.Organisation); c != "" {
				return e.DisplayName(c)
			}
			return ""
		},
		normalize: func(a *Answers, v string) string {
			// As in the form, the collectivité alone is enough: the editor's
			// fixed words are added, unless the answer already has them.
			e := editor(a)
			if e == nil || e.Pattern == "" || e.Matches(v) {
				return v
			}
			for _, part := range e.FixedParts() {
				if strings.Contains(strings.ToLower(v), strings.ToLower(part)) {
					return v
				}
			}
			return e.DisplayName(v)
		},
		pointers: []string{request.PtrDisplayName},
		store:    func(a *Answers, v []string) { a.DisplayName = one(v) },
	},
	{
		ID: "site", Flag: "site", Kind: Text,
		Title: fixed("URL de votre service"),
		Help: func(a *Answers) string {
			return "L'URL de la page de votre fournisseur de service qui affiche le bouton " + platformLabel(a) +
				" (URL globale, ex. https://www.franceconnect.gouv.fr/)."
		},
		pointers: []string{request.PtrSite},
		store:    func(a *Answers, v []string) { a.Site = one(v) },
	},
	{
		ID: "redirect-uris", Flag: "redirect-uri", Kind: List,
		Title: fixed("URL de redirection de connexion"),
		Help: fixed("Les URL vers lesquelles FranceConnect renvoie l'usager après la connexion : une par ligne, ligne vide pour finir. " +
			"Le caractère « # » n'est pas autorisé dans les URL de redirection."),
		pointers: []string{request.PtrRedirectURIs},
		// Several hosts need a sector identifier: the next question.
		ignore: []string{"sector-identifier-required"},
		store:  func(a *Answers, v []string) { a.RedirectURIs = v },
	},
	{
		// The form asks it to know whether to ask the sector identifier;
		// the URLs given answer it.
		ID: "same-host", Kind: YesNo,
		Title: fixed("Le nom de domaine et sous-domaine (entre https:// et le premier /) est-il le même pour l'ensemble " +
			"des URL de redirection de connexion ?"),
		Applies: func(a *Answers) bool { return len(a.RedirectURIs) > 1 },
		computed: func(a *Answers) string {
			if len(redirectHosts(a)) > 1 {
				return No
			}
			return Yes
		},
		store: func(*Answers, []string) {},
	},
	{
		ID: "sector-identifier-uri", Flag: "sector-identifier-uri", Kind: Text,
		Title: fixed("URL du secteur d'identification"),
		Help: func(a *Answers) string {
			return fmt.Sprintf("Le nom de domaine n'est pas le même pour toutes vos URL de redirection (%s) : l'URL du secteur "+
				"d'identification est obligatoire. Elle expose la liste exhaustive des URL de redirection de connexion de votre "+
				"fournisseur de service, qui doivent aussi toutes figurer dans la liste précédente. Documentation : "+
				"https://docs.partenaires.franceconnect.gouv.fr/fs/fs-technique/fs-technique-sector_identifier/",
				strings.Join(redirectHosts(a), ", "))
		},
		Applies:  func(a *Answers) bool { return len(redirectHosts(a)) > 1 },
		When:     "quand les URL de redirection sont sur plusieurs noms de domaine",
		pointers: []string{request.PtrSectorIdentifierURI},
		rules:    []string{"sector-identifier-required"},
		store:    func(a *Answers, v []string) { a.SectorIdentifierURI = one(v) },
	},
	{
		ID: "post-logout-uris", Flag: "post-logout-uri", Kind: List,
		Title:    fixed("URL de redirection de déconnexion"),
		Help:     fixed("Les URL vers lesquelles FranceConnect renvoie l'usager après la déconnexion : une par ligne, ligne vide pour finir."),
		pointers: []string{request.PtrPostLogoutURIs},
		store:    func(a *Answers, v []string) { a.PostLogoutURIs = v },
	},
	{
		ID: "jwks-uri", Flag: "jwks-uri", Kind: Text,
		Title: fixed("URL des clés du client (JWKS)"),
		Help: func(a *Answers) string {
			return "Renseignez l'URL JWKS qui expose les clés publiques de chiffrement de votre fournisseur de service. " +
				"Votre service doit être accessible : " + platformLabel(a) + " y récupère les clés publiques de chiffrement " +
				"de votre environnement. Format attendu : https://auth.integ01.dev-franceconnect.fr/api/v2/client/.well-known/keys"
		},
		Applies: encrypts, When: "FranceConnect+ seulement, qui chiffre les jetons",
		pointers: []string{request.PtrJWKSURI},
		store:    func(a *Answers, v []string) { a.JWKSURI = one(v) },
	},
	{
		ID: "ip-addresses", Flag: "ip", Kind: List,
		Title: fixed("Adresses IP"),
		Help: fixed("Les adresses IP en sortie de votre système, visibles par FranceConnect : une adresse ou plage CIDR par ligne " +
			"(ex. 203.0.113.10 ou 198.51.100.0/28), ligne vide pour finir."),
		pointers: []string{request.PtrIPAddresses},
		store:    func(a *Answers, v []string) { a.IPAddresses = v },
	},
	{
		ID: "signature", Flag: "signature", Kind: Choice,
		Title: fixed("Algorithme de signature des jetons"),
		Help:  fixed("Deux algorithmes sont disponibles : ES256 (recommandé) ou RS256."),
		Options: func(a *Answers) []Option {
			var opts []Option
			if p := platform(a); p != nil {
				for i, alg := range p.Signature.Accepted {
					label := alg
					if i == 0 {
						label += " (recommandé)"
					}
					opts = append(opts, Option{alg, label})
				}
			}
			return opts
		},
		Default: func(a *Answers) string {
			if p := platform(a); p != nil {
				return p.Signature.Enabled[0]
			}
			return ""
		},
		pointers: []string{request.PtrSignature},
		store:    func(a *Answers, v []string) { a.Signature = one(v) },
	},
	{
		ID: "encryption", Flag: "encryption", Kind: Choice,
		Title: fixed("Algorithme de chiffrement des jetons"),
		Help: func(a *Answers) string {
			return "L'algorithme de chiffrement des jetons transmis par " + platformLabel(a) + "."
		},
		Options: func(a *Answers) []Option {
			var opts []Option
			if p := platform(a); p != nil {
				for _, alg := range p.Encryption.Algs {
					opts = append(opts, Option{alg, alg + " + " + p.Encryption.Enc})
				}
			}
			return opts
		},
		Applies: encrypts, When: "FranceConnect+ seulement, qui chiffre les jetons",
		pointers: []string{request.PtrEncryption},
		store:    func(a *Answers, v []string) { a.Encryption = one(v) },
	},
	{
		// The form does not ask it: the platform's default applies unless
		// a flag says otherwise.
		ID: "eidas", Flag: "eidas", Kind: Choice, FlagOnly: true,
		Title: fixed("Niveau eIDAS"),
		Options: func(a *Answers) []Option {
			var opts []Option
			if p := platform(a); p != nil {
				for _, l := range p.Eidas.Allowed {
					opts = append(opts, Option{l, l})
				}
			}
			return opts
		},
		pointers: []string{request.PtrEidas},
		store:    func(a *Answers, v []string) { a.Eidas = one(v) },
	},
	{
		ID: "scopes", Flag: "scope", Kind: Multi,
		Title: fixed("Données demandées (scopes)"),
		Help: fixed("Choisissez les données accordées par votre habilitation DataPass, et elles seules : numéros séparés par des " +
			"espaces (ex. 1 2 3). openid est toujours inclus. Pour les données d'un fournisseur de données (DGFIP, CNAM…), " +
			"tapez le nom du scope."),
		Options:  identityScopes,
		pointers: []string{request.PtrScopes},
		store: func(a *Answers, v []string) {
			a.Scopes = append([]string{"openid"}, slices.DeleteFunc(slices.Clone(v), func(s string) bool { return s == "openid" })...)
		},
	},
	{
		ID: "reuse-subs", Kind: YesNo,
		Title: func(a *Answers) string {
			if p := platform(a); p != nil && p.ReuseSubsFrom == "franceconnect-v1" {
				return "Souhaitez-vous réutiliser les subs de votre Fournisseur de Service FranceConnect v1 ?"
			}
			return "Souhaitez-vous réutiliser les subs d'un de vos Fournisseurs de Service sur FranceConnect ?"
		},
		Help:    reuseSubsHelp,
		Default: fixed(No),
		derive: func(given map[string][]string) string {
			if yesIf(given, "reuse-subs-from") == Yes {
				return Yes
			}
			return yesIf(given, "reuse-subs-client-id")
		},
		blame: "reuse-subs-client-id",
		store: func(a *Answers, v []string) {
			a.ReuseSubs = one(v) == Yes
			a.ReuseSubsFrom, a.ReuseSubsClientID = "", ""
			if p := platform(a); a.ReuseSubs && p != nil {
				a.ReuseSubsFrom = p.ReuseSubsFrom
			}
		},
	},
	{
		// The origin follows from the platform; a flag may still write it,
		// and the rule reuse-subs-source checks it.
		ID: "reuse-subs-from", Flag: "reuse-subs-from", Kind: Choice, FlagOnly: true,
		Title: fixed("Plateforme du fournisseur de service dont les subs sont repris"),
		Options: fixedOptions([]Option{
			{"franceconnect-v1", "FranceConnect v1"},
			{request.FranceConnect, "FranceConnect"},
		}),
		Applies: func(a *Answers) bool { return a.ReuseSubs }, When: "avec --reuse-subs-client-id",
		Default: func(a *Answers) string {
			if p := platform(a); p != nil {
				return p.ReuseSubsFrom
			}
			return ""
		},
		pointers: []string{request.PtrReuseSubsFrom},
		store:    func(a *Answers, v []string) { a.ReuseSubsFrom = one(v) },
	},
	{
		ID: "reuse-subs-client-id", Flag: "reuse-subs-client-id", Kind: Text,
		Title: func(a *Answers) string {
			p := platform(a)
			switch {
			case p != nil && p.ReuseSubsFrom == "franceconnect-v1":
				return "Client ID de production de votre Fournisseur de Service sur FranceConnect v1"
			case a.Environment == request.Integration:
				return "Client ID d'intégration de votre Fournisseur de Service sur FranceConnect"
			}
			return "Client ID de production de votre Fournisseur de Service sur FranceConnect"
		},
		Help:    fixed("Exemple : 211286433e39cce01db448d80181bdfd005554b19cd51b3fe7943f6b3b86ab6e"),
		Applies: func(a *Answers) bool { return a.ReuseSubs }, When: "avec --reuse-subs-from",
		Required:  true,
		normalize: func(_ *Answers, v string) string { return strings.ToLower(v) },
		pointers:  []string{request.PtrReuseSubsClientID, request.PtrReuseSubs},
		store:     func(a *Answers, v []string) { a.ReuseSubsClientID = one(v) },
	},
	{
		ID: "contacts", Flag: "contact", Kind: List,
		Title: fixed("Adresses électroniques de contact"),
		Help: fixed("Des boîtes fonctionnelles de votre organisation (ex. fs-technique@ville.fr) : une par ligne, ligne vide pour finir. " +
			"Le dépôt est public : pas d'adresse personnelle ; les contacts nominatifs sont dans votre demande DataPass."),
		pointers: []string{request.PtrContacts},
		store:    func(a *Answers, v []string) { a.Contacts = v },
	},
	{
		ID: "notes", Flag: "notes", Kind: Text,
		Title:    fixed("Informations supplémentaires (facultatif)"),
		Help:     fixed("Toute information complémentaire utile au traitement de votre demande ; Entrée pour passer."),
		pointers: []string{request.PtrNotes},
		store:    func(a *Answers, v []string) { a.Notes = one(v) },
	},
	{
		ID: "name", Flag: "name", Kind: Text,
		Title: fixed("Nom du fichier de la demande"),
		Help: func(a *Answers) string {
			return "La demande sera enregistrée dans providers/" + a.Platform + "/" + a.Environment +
				"/<nom>.yaml : minuscules, chiffres et tirets."
		},
		Default:   func(a *Answers) string { return Slug(a.DisplayName) },
		Required:  true,
		normalize: func(_ *Answers, v string) string { return Slug(v) },
		pointers:  []string{request.PtrName},
		store:     func(a *Answers, v []string) { a.Name = one(v) },
		extra: func(w *Wizard) []string {
			if w.Answers.Name != "" && w.cfg.Exists(w.Path()) {
				return []string{fmt.Sprintf("%s existe déjà : choisissez un autre nom (fsgate new ne remplace jamais un fichier ; "+
					"pour modifier une demande, modifiez son fichier)", w.Path())}
			}
			return nil
		},
	},
}

func fixedOptions(opts []Option) func(*Answers) []Option {
	return func(*Answers) []Option { return opts }
}

// Questions returns the questions in the form's order.
func Questions() []*Question { return questions }

// Lookup returns the question with id, or nil.
func Lookup(id string) *Question {
	i := slices.IndexFunc(questions, func(q *Question) bool { return q.ID == id })
	if i < 0 {
		return nil
	}
	return questions[i]
}

func yesIf(given map[string][]string, flag string) string {
	if _, ok := given[flag]; ok {
		return Yes
	}
	return No
}

func datapassNumber(_ *Answers, v string) string {
	return strings.ToUpper(strings.Join(strings.Fields(v), ""))
}

func reuseSubsHelp(a *Answers) string {
	if p := platform(a); p != nil && p.ReuseSubsFrom == "franceconnect-v1" {
		return "Ceci ne s'applique qu'aux Fournisseurs de Service existants déjà sur la v1. Si vous migrez un Fournisseur de " +
			"Service de la v1 vers la v2, les subs de vos usagers générés pour votre nouveau Fournisseur de Service v2 peuvent " +
			"être les mêmes que sur la v1 : il suffit d'indiquer le client ID de votre Fournisseur de Service v1. Attention : si " +
			"vous répondez non alors que vous avez un Fournisseur de Service sur la v1, les subs de vos usagers seront " +
			"différents entre vos Fournisseurs de Service v1 et v2."
	}
	return "Ceci ne s'applique qu'aux Fournisseurs de Service existants déjà sur FranceConnect. Les subs de vos usagers générés " +
		"pour votre nouveau Fournisseur de Service FranceConnect+ peuvent être les mêmes que sur FranceConnect : il suffit " +
		"d'indiquer le client ID de votre Fournisseur de Service FranceConnect. Attention : si vous répondez non alors que vous " +
		"avez un Fournisseur de Service sur FranceConnect, les subs de vos usagers seront différents entre vos Fournisseurs de " +
		"Service FranceConnect et FranceConnect+."
}

package rules

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
	"github.com/fsgate/fsgate/internal/textcheck"
)

// textRules returns the checks of free text: display name, secrets, personal data, contact mailboxes.
func textRules() []*Rule { return []*Rule{displayName, secret, personalData, contactMailbox} }

// displayName checks the names citizens read on the FranceConnect screens:
// what they see must be what reviewers approved, so no invisible character,
// no look-alike letter from another script, one Unicode spelling.
var displayName = &Rule{
	ID:       "display-name",
	Severity: finding.Error,
	Summary: finding.T(
		"le nom affiché et l'organisation sont en alphabet latin, en NFC, sans caractère invisible ni espace superflu",
		"the display name and organisation are in Latin script, NFC, without invisible characters or extra spaces"),
	Check: func(_ *Context, f *File) []finding.Finding {
		out := checkName(request.PtrOrganisation, "spec.organisation", f.Request.Organisation)
		return append(out, checkName(request.PtrDisplayName, "spec.displayName", f.Request.DisplayName)...)
	},
}

func checkName(pointer, field, value string) []finding.Finding {
	issues := textcheck.CheckName(value)
	if len(issues) == 0 {
		return nil
	}
	clean, complete := textcheck.CleanName(value)
	if clean == "" {
		// Only spaces and invisible characters: no fix to suggest.
		return []finding.Finding{At(pointer, finding.Tf(
			"`%s` ne contient aucun caractère visible : indiquez le nom",
			"`%s` has no visible character: write the name", field))}
	}
	var out []finding.Finding
	for _, is := range issues {
		var msg finding.Text
		suggestion := clean
		othersFR, othersEN := others(is.Count)
		switch is.Kind {
		case textcheck.Invisible:
			fr, en := textcheck.CharName(is.Rune)
			msg = finding.Text{
				FR: fmt.Sprintf("`%s` : caractère invisible %s (%s) en position %d%s : il modifie l'affichage du nom sans se voir ; supprimez-le",
					field, textcheck.CodePoint(is.Rune), fr, is.Pos, othersFR),
				EN: fmt.Sprintf("`%s`: invisible character %s (%s) at position %d%s: it changes how the name is shown without being seen; remove it",
					field, textcheck.CodePoint(is.Rune), en, is.Pos, othersEN),
			}
		case textcheck.Script:
			fr, en := textcheck.ScriptName(is.Rune)
			glyphFR, glyphEN := "", ""
			// Show a letter so the publisher can find it; never a mark or
			// a code point of no script, which may not render at all.
			if unicode.IsLetter(is.Rune) || unicode.IsNumber(is.Rune) || unicode.IsSymbol(is.Rune) {
				glyphFR, glyphEN = " « "+string(is.Rune)+" »", " “"+string(is.Rune)+"”"
			}
			adviceFR, adviceEN := "le nom s'écrit en alphabet latin", "the name is written in the Latin alphabet"
			if twin, ok := textcheck.LatinTwin(is.Rune); ok {
				adviceFR = "il imite la lettre latine « " + string(twin) + " » ; écrivez celle-ci"
				adviceEN = "it imitates the Latin letter “" + string(twin) + "”; write that letter instead"
			}
			msg = finding.Text{
				FR: fmt.Sprintf("`%s` : le caractère %s%s en position %d%s n'est pas latin (écriture : %s) : %s",
					field, textcheck.CodePoint(is.Rune), glyphFR, is.Pos, othersFR, fr, adviceFR),
				EN: fmt.Sprintf("`%s`: character %s%s at position %d%s is not Latin (script: %s): %s",
					field, textcheck.CodePoint(is.Rune), glyphEN, is.Pos, othersEN, en, adviceEN),
			}
			if !complete {
				suggestion = ""
			}
		case textcheck.NotNFC:
			msg = finding.Tf(
				"`%s` n'est pas en forme normalisée NFC (dès la position %d : caractères à composer, par exemple une lettre suivie d'un accent séparé) : le même nom aurait deux écritures ; enregistrez-le en NFC",
				"`%s` is not in NFC normal form (from position %d: characters to compose, such as a letter followed by a separate accent): the same name would have two spellings; save it in NFC",
				field, is.Pos)
		case textcheck.EdgeSpace:
			if is.Leading {
				msg = finding.Tf("`%s` commence par un espace : supprimez-le", "`%s` starts with a space: remove it", field)
			} else {
				msg = finding.Tf("`%s` se termine par un espace : supprimez-le", "`%s` ends with a space: remove it", field)
			}
		case textcheck.DoubleSpace:
			msg = finding.Text{
				FR: fmt.Sprintf("`%s` : deux espaces de suite en position %d%s : n'en gardez qu'un", field, is.Pos, othersFR),
				EN: fmt.Sprintf("`%s`: two spaces in a row at position %d%s: keep only one", field, is.Pos, othersEN),
			}
		}
		f := At(pointer, msg)
		f.Suggestion = suggestion
		out = append(out, f)
	}
	return out
}

// others says how many more characters share a problem: " (et 2 autres)".
func others(count int) (fr, en string) {
	switch {
	case count == 2:
		return " (et 1 autre)", " (and 1 other)"
	case count > 2:
		return fmt.Sprintf(" (et %d autres)", count-1), fmt.Sprintf(" (and %d others)", count-1)
	}
	return "", ""
}

// secret finds credentials anywhere in the raw file, comments and unknown
// fields included: the repository is public, so a secret pushed even once
// is compromised whatever the next commit does. It runs on files that did
// not load too: a pasted key is a common reason for a file to break.
var secret = &Rule{
	ID:       "secret",
	Severity: finding.Error,
	Summary: finding.T(
		"le fichier ne contient aucun secret : clé privée, secret client, jeton, mot de passe",
		"the file holds no secret: private key, client secret, token, password"),
	OnUnloaded: true,
	Check: func(_ *Context, f *File) []finding.Finding {
		var out []finding.Finding
		for _, s := range textcheck.ScanSecrets(f.Source) {
			kindFR, kindEN := s.Kind.Names()
			switch {
			case s.Kind == textcheck.NamedSecret:
				kindFR, kindEN = "la valeur de `"+finding.Show(s.Key)+"`", "the value of `"+finding.Show(s.Key)+"`"
			case s.Key != "":
				kindFR += " (membre `" + finding.Show(s.Key) + "`)"
				kindEN += " (member `" + finding.Show(s.Key) + "`)"
			}
			renewFR, renewEN := "révoquez-le ou faites-le régénérer", "revoke or regenerate it"
			if s.Kind == textcheck.FCClientSecret {
				renewFR, renewEN = "demandez à FranceConnect d'en générer un nouveau", "ask FranceConnect for a new one"
			}
			line, col := textcheck.Position(f.Source, s.Start)
			out = append(out, finding.Finding{Line: line, Column: col, Sensitive: true, Message: finding.Text{
				FR: kindFR + " dans un dépôt public : retirez ce secret du fichier, puis " + renewFR +
					" : il est compromis, l'historique git le conserve",
				EN: kindEN + " in a public repository: remove this secret from the file, then " + renewEN +
					": it is compromised, git history keeps it",
			}})
		}
		return out
	},
}

// personalData finds phone numbers anywhere in the raw file: the repository
// is public and contacts are personal data (GDPR); FranceConnect gets them
// from the DataPass request.
var personalData = &Rule{
	ID:       "personal-data",
	Severity: finding.Error,
	Summary: finding.T(
		"le fichier ne contient aucun numéro de téléphone : les contacts nominatifs sont dans DataPass",
		"the file holds no phone number: named contacts live in DataPass"),
	OnUnloaded: true,
	Check: func(_ *Context, f *File) []finding.Finding {
		var out []finding.Finding
		for _, m := range textcheck.ScanPhones(f.Source) {
			line, col := textcheck.Position(f.Source, m[0])
			out = append(out, finding.Finding{Line: line, Column: col, Sensitive: true, Message: finding.T(
				"numéro de téléphone dans un dépôt public : supprimez-le ; les numéros et les contacts nominatifs se déclarent dans la demande DataPass, pas ici",
				"phone number in a public repository: remove it; phone numbers and named contacts are given in the DataPass request, not here")})
		}
		return out
	},
}

// contactMailbox warns about personal webmail addresses in spec.contacts:
// the repository is public, and a mailbox that belongs to a person leaves
// with that person. Only the list of webmail domains is checked; guessing
// whether "prenom.nom@ville.fr" is a person would be wrong too often.
var contactMailbox = &Rule{
	ID:       "contact-mailbox",
	Severity: finding.Warning,
	Summary: finding.T(
		"les adresses de contact sont des boîtes fonctionnelles de l'organisation, pas des messageries personnelles",
		"contact addresses are functional mailboxes of the organisation, not personal webmail"),
	Check: func(_ *Context, f *File) []finding.Finding {
		var out []finding.Finding
		for i, c := range f.Request.Contacts {
			at := strings.LastIndexByte(c, '@')
			if at < 0 {
				continue // not an address: the schema says so
			}
			domain := strings.TrimSuffix(strings.ToLower(c[at+1:]), ".")
			if !webmailDomains[domain] {
				continue
			}
			field := "spec.contacts[" + strconv.Itoa(i) + "]"
			out = append(out, At(request.PtrContacts+"/"+strconv.Itoa(i), finding.Tf(
				"`%s` : adresse d'une messagerie personnelle (%s) dans un dépôt public : indiquez une boîte fonctionnelle de votre organisation (ex. fs-technique@ville.fr) ; les contacts nominatifs se déclarent dans DataPass",
				"`%s`: personal webmail address (%s) in a public repository: give a functional mailbox of your organisation (e.g. fs-technique@ville.fr); named contacts are given in DataPass",
				field, domain)))
		}
		return out
	},
}

// webmailDomains are the consumer mail services French publishers use:
// an address there belongs to a person, not to an organisation.
var webmailDomains = map[string]bool{
	"gmail.com": true, "googlemail.com": true,
	"yahoo.fr": true, "yahoo.com": true, "ymail.com": true,
	"hotmail.com": true, "hotmail.fr": true, "outlook.fr": true, "outlook.com": true,
	"live.fr": true, "live.com": true, "msn.com": true,
	"orange.fr": true, "wanadoo.fr": true, "free.fr": true, "sfr.fr": true, "neuf.fr": true,
	"bbox.fr": true, "numericable.fr": true, "club-internet.fr": true, "aliceadsl.fr": true, "cegetel.net": true,
	"laposte.net": true,
	"icloud.com":  true, "me.com": true, "mac.com": true,
	"aol.com": true, "aol.fr": true,
	"gmx.fr": true, "gmx.com": true, "gmx.net": true,
	"protonmail.com": true, "protonmail.ch": true, "proton.me": true, "pm.me": true,
	"tutanota.com": true, "yandex.com": true, "mail.com": true,
}

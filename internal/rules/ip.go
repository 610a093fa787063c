package rules

import (
	"fmt"
	"strconv"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/ipcheck"
	"github.com/fsgate/fsgate/internal/request"
)

// ipRules returns the checks of exit IP addresses and ranges.
func ipRules() []*Rule { return []*Rule{ipAddress, ipRangeWide} }

// ipAddress refuses exit addresses that FranceConnect would store wrongly
// or that could never be the source of a request from the Internet: a
// private or metadata address is a typo at best and, at worst, an attempt
// to get an internal address allow-listed.
var ipAddress = &Rule{
	ID:       "ip-address",
	Severity: finding.Error,
	Summary: finding.T(
		"chaque adresse IP de sortie est publique, écrite sous forme canonique, sans doublon ni chevauchement",
		"each exit IP address is public, written in canonical form, without duplicate or overlap"),
	Check: func(_ *Context, f *File) []finding.Finding {
		var out []finding.Finding
		for _, e := range analyzeIPs(f.Request.IPAddresses) {
			out = append(out, e.findings...)
		}
		return out
	},
}

// ipRangeWide warns about ranges far wider than a set of exit servers: the
// whole range becomes trusted by FranceConnect.
var ipRangeWide = &Rule{
	ID:       "ip-range-wide",
	Severity: finding.Warning,
	Summary: finding.T(
		"une plage d'adresses de sortie ne dépasse pas /24 en IPv4 ni /48 en IPv6",
		"an exit address range is no wider than /24 in IPv4 nor /48 in IPv6"),
	Check: func(_ *Context, f *File) []finding.Finding {
		var out []finding.Finding
		for i, e := range analyzeIPs(f.Request.IPAddresses) {
			// A refused entry is fixed first; its width is then seen again.
			if e.entry.Form == ipcheck.Invalid || len(e.findings) > 0 || !ipcheck.Wide(e.entry.Prefix) {
				continue
			}
			p := e.entry.Prefix
			limit := 24
			if !p.Addr().Is4() {
				limit = 48
			}
			out = append(out, At(ipPointer(i), finding.Tf(
				"`%s` : la plage %s est plus large que /%d (%s adresses) : FranceConnect ferait confiance à toute la plage ; indiquez seulement les adresses de sortie de vos serveurs",
				"`%s`: range %s is wider than /%d (%s addresses): FranceConnect would trust the whole range; give only the exit addresses of your servers",
				ipField(i), p, limit, addressCount(p.Addr().BitLen()-p.Bits()))))
		}
		return out
	},
}

// ipResult is what the IP rules know of one entry.
type ipResult struct {
	entry    ipcheck.Entry
	public   bool
	findings []finding.Finding // ip-address findings on this entry
}

// analyzeIPs reads every entry once for both rules: an entry is judged on
// its own (public, canonical), then against the earlier public entries
// (duplicate, overlap), so that a finding names the earlier index.
func analyzeIPs(items []string) []ipResult {
	res := make([]ipResult, len(items))
	for i, s := range items {
		r := &res[i]
		r.entry = ipcheck.Parse(s)
		if r.entry.Form == ipcheck.Invalid {
			continue // not an address at all: the schema says so
		}
		if f, ok := notPublic(i, s, r.entry); ok {
			r.findings = append(r.findings, f)
			continue
		}
		r.public = true
		if f, ok := notCanonical(i, s, r.entry); ok {
			r.findings = append(r.findings, f)
		}
		for j := range i {
			if f, ok := overlap(i, j, items, r.entry, res[j]); ok {
				r.findings = append(r.findings, f)
				break
			}
		}
	}
	return res
}

func notPublic(i int, s string, e ipcheck.Entry) (finding.Finding, bool) {
	block, contains := ipcheck.Special(e.Prefix)
	if block == nil {
		return finding.Finding{}, false
	}
	field, shown := ipField(i), finding.Show(s)
	advice := finding.T(
		"indiquez les adresses IP publiques par lesquelles vos serveurs sortent sur Internet",
		"give the public IP addresses your servers use to reach the Internet")
	// Name the block, with its prefix unless the entry is the block itself
	// ("10.0.0.0/8 is not public (private network)").
	whatFR, whatEN := block.FR, block.EN
	if !block.IsCatchAll() && block.Prefix != e.Prefix {
		whatFR, whatEN = block.Prefix.String()+" : "+whatFR, block.Prefix.String()+": "+whatEN
	}
	var msg finding.Text
	switch {
	case e.Prefix.Bits() == 0:
		family := "IPv4"
		if !e.Prefix.Addr().Is4() {
			family = "IPv6"
		}
		msg = finding.Text{
			FR: fmt.Sprintf("`%s` : %s désigne toutes les adresses %s : %s", field, shown, family, advice.FR),
			EN: fmt.Sprintf("`%s`: %s means every %s address: %s", field, shown, family, advice.EN),
		}
	case contains:
		msg = finding.Text{
			FR: fmt.Sprintf("`%s` : la plage %s contient des adresses non publiques (%s) : %s", field, shown, whatFR, advice.FR),
			EN: fmt.Sprintf("`%s`: range %s contains non-public addresses (%s): %s", field, shown, whatEN, advice.EN),
		}
	case e.IsRange:
		msg = finding.Text{
			FR: fmt.Sprintf("`%s` : la plage %s n'est pas publique (%s) : %s", field, shown, whatFR, advice.FR),
			EN: fmt.Sprintf("`%s`: range %s is not public (%s): %s", field, shown, whatEN, advice.EN),
		}
	default:
		msg = finding.Text{
			FR: fmt.Sprintf("`%s` : %s n'est pas une adresse publique (%s) : %s", field, shown, whatFR, advice.FR),
			EN: fmt.Sprintf("`%s`: %s is not a public address (%s): %s", field, shown, whatEN, advice.EN),
		}
	}
	return At(ipPointer(i), msg), true
}

func notCanonical(i int, s string, e ipcheck.Entry) (finding.Finding, bool) {
	if e.Form == ipcheck.Canonical {
		return finding.Finding{}, false
	}
	field, shown, want := ipField(i), finding.Show(s), e.Canonical
	var msg finding.Text
	switch e.Form {
	case ipcheck.LeadingZeros:
		msg = finding.Tf(
			"`%s` : « %s » a des zéros en tête, que certains outils lisent en octal (010 = 8) : écrivez %s",
			"`%s`: “%s” has leading zeros, which some tools read as octal (010 = 8): write %s", field, shown, want)
	case ipcheck.Zone:
		msg = finding.Tf(
			"`%s` : « %s » porte une zone IPv6 (après %%), qui désigne une interface de votre machine : écrivez %s",
			"`%s`: “%s” carries an IPv6 zone (after %%), which names an interface of your machine: write %s", field, shown, want)
	case ipcheck.Mapped:
		msg = finding.Tf(
			"`%s` : « %s » est une adresse IPv4 écrite en IPv6 (::ffff:…) : écrivez-la en IPv4, %s",
			"`%s`: “%s” is an IPv4 address written as IPv6 (::ffff:…): write it as IPv4, %s", field, shown, want)
	case ipcheck.HostBits:
		msg = finding.Tf(
			"`%s` : « %s » n'est pas le début de sa plage : écrivez %s pour la plage, ou %s pour cette seule adresse",
			"`%s`: “%s” is not the start of its range: write %s for the range, or %s for this address alone", field, shown, want, e.Addr)
	default:
		msg = finding.Tf(
			"`%s` : « %s » n'est pas sous forme canonique (RFC 5952 : minuscules, zéros de tête omis, « :: » pour la plus longue suite de zéros) : écrivez %s",
			"`%s`: “%s” is not in canonical form (RFC 5952: lowercase, no leading zeros, “::” for the longest run of zeros): write %s", field, shown, want)
	}
	f := At(ipPointer(i), msg)
	f.Suggestion = want
	return f, true
}

// overlap compares entry i with the earlier entry j, on the ranges they
// designate: "203.0.113.0/24" and "203.0.113.7/24" are the same range.
func overlap(i, j int, items []string, e ipcheck.Entry, earlier ipResult) (finding.Finding, bool) {
	if !earlier.public {
		return finding.Finding{}, false
	}
	how := ipcheck.Compare(e.Prefix, earlier.entry.Prefix)
	if how == ipcheck.Disjoint {
		return finding.Finding{}, false
	}
	field, other := ipField(i), ipField(j)
	// Values as written: "203.0.113.10", not the /32 they stand for.
	a, b := finding.Show(items[i]), finding.Show(items[j])
	var msg finding.Text
	switch how {
	case ipcheck.Same:
		msg = finding.Tf(
			"`%s` : %s figure déjà en `%s` : supprimez ce doublon",
			"`%s`: %s is already listed at `%s`: remove this duplicate", field, a, other)
	case ipcheck.Inside:
		msg = finding.Tf(
			"`%s` : %s est déjà couverte par %s (`%s`) : supprimez l'entrée la plus étroite",
			"`%s`: %s is already covered by %s (`%s`): remove the narrower entry", field, a, b, other)
	default:
		msg = finding.Tf(
			"`%s` : la plage %s contient %s (`%s`) : supprimez l'entrée la plus étroite",
			"`%s`: range %s contains %s (`%s`): remove the narrower entry", field, a, b, other)
	}
	return At(ipPointer(i), msg), true
}

func ipPointer(i int) string { return request.PtrIPAddresses + "/" + strconv.Itoa(i) }

func ipField(i int) string { return "spec.ipAddresses[" + strconv.Itoa(i) + "]" }

// addressCount writes 2^hostBits for a person: exactly up to a few
// million, as a power of two beyond (IPv6 counts are astronomical).
func addressCount(hostBits int) string {
	if hostBits <= 24 {
		n := 1 << hostBits
		s := strconv.Itoa(n)
		// Group thousands with a space (SI style), readable in both languages.
		for i := len(s) - 3; i > 0; i -= 3 {
			s = s[:i] + " " + s[i:]
		}
		return s
	}
	return "2^" + strconv.Itoa(hostBits)
}

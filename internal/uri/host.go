package uri

import (
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/net/idna"
)

// specialUse are the names the public DNS does not resolve for a citizen
// (RFC 6761, RFC 6762 .local, RFC 7686 .onion, RFC 8375 .home.arpa,
// RFC 9476 .alt, ICANN's .internal): fine on a test bench, never in
// production. localhost is handled apart, for its message.
var specialUse = []string{"local", "internal", "test", "invalid", "example", "onion", "alt", "home.arpa"}

func hostProblem(r Reason, detail string) *Problem {
	return &Problem{Kind: Host, Reason: r, Detail: detail}
}

// checkHost wants a DNS name that a citizen's browser resolves to the
// service: not an address (which changes hands and skips TLS name checks),
// not a name a parser could read as an address, not a look-alike.
func checkHost(raw string, p *parts, opts Options, fixes int) *Problem {
	h := strings.ToLower(p.host)
	if strings.HasPrefix(h, "[") {
		return hostProblem(IPLiteral, p.host)
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return hostProblem(IPLiteral, p.host)
	}
	if strings.HasSuffix(h, ".") {
		prob := hostProblem(TrailingDot, p.host)
		if fixes > 0 {
			end := p.hostAt + len(p.host)
			trimmed := strings.TrimRight(p.host, ".")
			prob.Fix = fixFor(raw[:p.hostAt]+trimmed+raw[end:], Host, Host, opts, fixes-1)
		}
		return prob
	}
	// Hosts have a few labels: a buffer on the stack spares this check,
	// which runs on every URI of every file, an allocation.
	var buf [8]string
	labels := buf[:0]
	for l := range strings.SplitSeq(h, ".") {
		labels = append(labels, l)
	}
	if slices.Contains(labels, "") {
		return hostProblem(EmptyLabel, p.host)
	}
	// WHATWG parsers read a host whose last label is a number as an IPv4
	// address in any notation: 2130706433, 0x7f.1 and 127.1 are all
	// 127.0.0.1.
	if numeric(labels[len(labels)-1]) {
		return hostProblem(NumericHost, p.host)
	}
	if len(h) > 253 {
		return hostProblem(HostTooLong, strconv.Itoa(len(h)))
	}
	for _, l := range labels {
		if len(l) > 63 {
			return hostProblem(LabelTooLong, l)
		}
		if !ldh(l) {
			return hostProblem(BadLabel, l)
		}
	}
	if h == "localhost" {
		if allowsLocalhost(opts) {
			return nil
		}
		return hostProblem(Localhost, p.host)
	}
	if len(labels) == 1 {
		return hostProblem(SingleLabel, p.host)
	}
	for _, l := range labels {
		if !strings.HasPrefix(l, "xn--") {
			continue
		}
		u, err := idna.Registration.ToUnicode(l)
		// A label must decode, and encode back to itself: otherwise two
		// spellings would name the same host, or none would.
		if err != nil || !hasNonASCII(u) {
			return hostProblem(BadPunycode, l)
		}
		if a, err := idna.Registration.ToASCII(u); err != nil || a != l {
			return hostProblem(BadPunycode, l)
		}
		if mixedScript(u) {
			return hostProblem(MixedScript, l)
		}
	}
	if opts.Production {
		if strings.HasSuffix(h, ".localhost") {
			return hostProblem(Localhost, p.host)
		}
		for _, s := range specialUse {
			if h == s || strings.HasSuffix(h, s) && h[len(h)-len(s)-1] == '.' {
				return hostProblem(SpecialUse, "."+s)
			}
		}
	}
	return nil
}

// numeric reports whether a label is a number as IPv4 parsers read it:
// decimal, octal (leading 0) or hexadecimal (0x).
func numeric(l string) bool {
	if rest, ok := strings.CutPrefix(l, "0x"); ok {
		for i := 0; i < len(rest); i++ {
			if !isHex(rest[i]) {
				return false
			}
		}
		return true
	}
	for i := 0; i < len(l); i++ {
		if !isDigit(l[i]) {
			return false
		}
	}
	return l != ""
}

// ldh reports whether a lowercase label is made of letters, digits and
// hyphens, without a hyphen at either end (RFC 1123, RFC 5890).
func ldh(l string) bool {
	if l == "" || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		if c := l[i]; !('a' <= c && c <= 'z' || isDigit(c) || c == '-') {
			return false
		}
	}
	return true
}

func hasNonASCII(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= 0x80 })
}

// scriptTables are the Unicode scripts, sorted by name so that the result
// never depends on map order. Common and Inherited (digits, hyphen,
// combining marks) belong to every script and are left out.
var scriptTables = sync.OnceValue(func() []*unicode.RangeTable {
	names := make([]string, 0, len(unicode.Scripts))
	for name := range unicode.Scripts {
		if name != "Common" && name != "Inherited" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	tables := make([]*unicode.RangeTable, len(names))
	for i, n := range names {
		tables[i] = unicode.Scripts[n]
	}
	return tables
})

// allowedMixes are the script mixes of UTS #39's "highly restrictive"
// level: the writing systems that really combine scripts (Japanese,
// Chinese with Bopomofo, Korean), each with Latin.
var allowedMixes = [][]*unicode.RangeTable{
	{unicode.Latin, unicode.Han, unicode.Hiragana, unicode.Katakana},
	{unicode.Latin, unicode.Han, unicode.Bopomofo},
	{unicode.Latin, unicode.Han, unicode.Hangul},
}

// mixedScript reports whether a label mixes scripts the way homograph
// attacks do (a Cyrillic "а" among Latin letters).
func mixedScript(label string) bool {
	var used []*unicode.RangeTable
	for _, r := range label {
		for _, t := range scriptTables() {
			if unicode.Is(t, r) {
				if !slices.Contains(used, t) {
					used = append(used, t)
				}
				break
			}
		}
	}
	if len(used) <= 1 {
		return false
	}
	for _, mix := range allowedMixes {
		if !slices.ContainsFunc(used, func(t *unicode.RangeTable) bool { return !slices.Contains(mix, t) }) {
			return false
		}
	}
	return true
}

// Package ipcheck reads IP addresses and CIDR ranges as publishers write
// them and says whether they are canonical and publicly routable. It is pure
// (no I/O, no DNS) so that the exit-address rules and a future SSRF-safe
// dialer can share one list of special-purpose ranges.
package ipcheck

import (
	"net/netip"
	"strconv"
	"strings"
)

// Form says how an entry is written, from worst to best. Parse reports the
// first problem met; Entry.Canonical fixes all of them at once.
type Form int

const (
	// Canonical: written exactly as Entry.Canonical.
	Canonical Form = iota
	// Invalid: not an address or range at all (the schema reports it).
	Invalid
	// LeadingZeros: "010.0.0.1" or "/024"; some parsers read 010 as octal 8.
	LeadingZeros
	// Zone: an IPv6 zone ("%eth0") names an interface of the writer's
	// machine and means nothing to FranceConnect.
	Zone
	// Mapped: an IPv4 address written as IPv4-mapped IPv6 ("::ffff:…").
	Mapped
	// HostBits: a range whose address has bits set past the prefix length
	// ("203.0.113.7/24"): the writer may have meant the single address.
	HostBits
	// NotCanonical: any other difference (IPv6 case or compression, RFC 5952).
	NotCanonical
)

// Entry is one address or range as read.
type Entry struct {
	// Prefix is the masked range the entry designates (a single address is a
	// /32 or /128), with IPv4-mapped IPv6 unmapped. Not valid when Form is
	// Invalid.
	Prefix netip.Prefix
	// Addr is the address as written, unmapped and without zone or bits
	// ("203.0.113.7" for "203.0.113.7/24"). Not valid when Form is Invalid.
	Addr netip.Addr
	// IsRange reports whether the entry was written with a "/bits" suffix.
	IsRange bool
	// Form is the first writing problem found.
	Form Form
	// Canonical is how the entry should be written ("" when Invalid).
	Canonical string
}

// Parse reads one entry. It never fails: an unreadable entry has Form
// Invalid.
func Parse(s string) Entry {
	form := Canonical
	note := func(f Form) {
		if form == Canonical {
			form = f
		}
	}
	addrPart, bitsPart, isRange := strings.Cut(s, "/")
	if i := strings.IndexByte(addrPart, '%'); i >= 0 {
		note(Zone)
		addrPart = addrPart[:i]
	}
	addr, err := netip.ParseAddr(addrPart)
	if err != nil {
		a, ok := parseZeroPaddedIPv4(addrPart)
		if !ok {
			return Entry{Form: Invalid}
		}
		note(LeadingZeros)
		addr = a
	}
	bits := addr.BitLen()
	if isRange {
		n, zeros, ok := parseBits(bitsPart)
		if !ok || n > addr.BitLen() {
			return Entry{Form: Invalid}
		}
		if zeros {
			note(LeadingZeros)
		}
		bits = n
	}
	if addr.Is4In6() && bits >= 96 {
		// Below /96 the range is not made of mapped addresses only: leave it
		// IPv6, where it is refused as reserved space.
		note(Mapped)
		addr, bits = addr.Unmap(), bits-96
	}
	prefix := netip.PrefixFrom(addr, bits).Masked()
	if prefix.Addr() != addr {
		note(HostBits)
	}
	canonical := prefix.Addr().String()
	if isRange {
		canonical = prefix.String()
	}
	if canonical != s {
		note(NotCanonical)
	}
	return Entry{Prefix: prefix, Addr: addr, IsRange: isRange, Form: form, Canonical: canonical}
}

// parseBits reads a decimal prefix length of at most three digits, noting
// leading zeros ("024"), which netip refuses.
func parseBits(s string) (n int, zeros, ok bool) {
	if s == "" || len(s) > 3 {
		return 0, false, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false, false
		}
	}
	n, _ = strconv.Atoi(s)
	return n, len(s) > 1 && s[0] == '0', true
}

// parseZeroPaddedIPv4 reads a dotted quad whose octets have leading zeros
// ("203.000.113.010"), as decimal: netip refuses it because inet_aton would
// read 010 as octal, which is exactly why the writing must change.
func parseZeroPaddedIPv4(s string) (netip.Addr, bool) {
	var b [4]byte
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return netip.Addr{}, false
	}
	for i, p := range parts {
		if p == "" || len(p) > 3 {
			return netip.Addr{}, false
		}
		n := 0
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return netip.Addr{}, false
			}
			n = n*10 + int(p[j]-'0')
		}
		if n > 255 {
			return netip.Addr{}, false
		}
		b[i] = byte(n)
	}
	return netip.AddrFrom4(b), true
}

// Wide reports whether a range is wider than an exit range needs to be:
// shorter than /24 in IPv4, /48 in IPv6 (a whole site allocation).
func Wide(p netip.Prefix) bool {
	if p.Addr().Is4() {
		return p.Bits() < 24
	}
	return p.Bits() < 48
}

// Overlap says how two ranges relate.
type Overlap int

const (
	Disjoint Overlap = iota
	Same             // the same range
	Inside           // a is inside b
	Contains         // a contains b
)

// Compare says how a relates to b.
func Compare(a, b netip.Prefix) Overlap {
	switch {
	case !a.Overlaps(b):
		return Disjoint
	case a == b:
		return Same
	case a.Bits() > b.Bits():
		return Inside
	default:
		return Contains
	}
}

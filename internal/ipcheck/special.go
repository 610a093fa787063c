package ipcheck

import "net/netip"

// Range is a special-purpose block: addresses that FranceConnect can never
// see as the source of a request from the Internet, or that a server must
// never be made to contact (the cloud metadata services).
type Range struct {
	Prefix netip.Prefix
	FR, EN string // what the block is, a noun phrase for messages
}

// IsCatchAll reports whether r is the "not global unicast" remainder of the
// IPv6 space rather than a named block; messages then omit its prefix.
func (r *Range) IsCatchAll() bool { return r.Prefix.Bits() == 0 }

// special lists the blocks, most specific first so that a message names the
// narrowest one (169.254.169.254 is "cloud metadata" before "link-local").
// Sources: the IANA IPv4 and IPv6 Special-Purpose Address Registries
// (RFC 6890 and updates), RFC 5737 and RFC 3849 / RFC 9637 for the
// documentation blocks, which are deliberately absent: examples use them.
var special = func() []Range {
	r := func(p, fr, en string) Range { return Range{netip.MustParsePrefix(p), fr, en} }
	return []Range{
		// IPv4
		r("169.254.169.254/32", "service de métadonnées cloud", "cloud metadata service"),
		r("168.63.129.16/32", "service de métadonnées Azure", "Azure metadata service"),
		r("255.255.255.255/32", "diffusion générale", "limited broadcast"),
		r("0.0.0.0/8", "« ce réseau », adresses non spécifiées", "“this network”, unspecified addresses"),
		r("10.0.0.0/8", "réseau privé, RFC 1918", "private network, RFC 1918"),
		r("100.64.0.0/10", "espace partagé CGNAT, RFC 6598", "CGNAT shared space, RFC 6598"),
		r("127.0.0.0/8", "bouclage", "loopback"),
		r("169.254.0.0/16", "lien-local", "link-local"),
		r("172.16.0.0/12", "réseau privé, RFC 1918", "private network, RFC 1918"),
		r("192.0.0.0/24", "affectations de protocoles IETF", "IETF protocol assignments"),
		r("192.88.99.0/24", "relais 6to4, obsolète", "6to4 relay, deprecated"),
		r("192.168.0.0/16", "réseau privé, RFC 1918", "private network, RFC 1918"),
		r("198.18.0.0/15", "tests de performance, RFC 2544", "benchmarking, RFC 2544"),
		r("224.0.0.0/4", "multidiffusion, multicast", "multicast"),
		r("240.0.0.0/4", "réservé pour un usage futur", "reserved for future use"),

		// IPv6
		r("::/128", "adresse non spécifiée", "unspecified address"),
		r("::1/128", "bouclage", "loopback"),
		r("::ffff:0:0/96", "IPv4 mappée en IPv6", "IPv4-mapped IPv6"),
		r("64:ff9b::/96", "traduction NAT64", "NAT64 translation"),
		r("64:ff9b:1::/48", "traduction NAT64 locale", "local-use NAT64 translation"),
		r("100::/64", "préfixe de rejet, RFC 6666", "discard-only prefix, RFC 6666"),
		r("2001::/32", "tunnel Teredo", "Teredo tunnel"),
		r("2001:2::/48", "tests de performance, RFC 5180", "benchmarking, RFC 5180"),
		r("2001:10::/28", "ORCHID, obsolète", "ORCHID, deprecated"),
		r("2001:20::/28", "identifiants ORCHIDv2", "ORCHIDv2 identifiers"),
		r("2002::/16", "tunnel 6to4", "6to4 tunnel"),
		r("5f00::/16", "identifiants SRv6, RFC 9602", "SRv6 SIDs, RFC 9602"),
		r("fc00::/7", "adresses locales uniques, ULA", "unique local addresses, ULA"),
		r("fe80::/10", "lien-local", "link-local"),
		r("fec0::/10", "site-local, obsolète", "site-local, deprecated"),
		r("ff00::/8", "multidiffusion, multicast", "multicast"),
		// Last: whatever is left outside global unicast is unallocated or
		// reserved by the IETF (::/8 holds the IPv4-compatible ::/96).
		r("::/0", "hors de l'espace unicast global 2000::/3", "outside the global unicast space 2000::/3"),
	}
}()

var globalUnicast = netip.MustParsePrefix("2000::/3")

// Special returns the special-purpose block that p is inside or that p
// contains, or nil when every address of p is public. contains reports the
// second case ("10.0.0.0/7 contains 10.0.0.0/8"): a range that covers
// private space is as wrong as a private address.
func Special(p netip.Prefix) (r *Range, contains bool) {
	if !p.IsValid() {
		return nil, false
	}
	if p.Bits() == 0 {
		// 0.0.0.0/0 and ::/0 contain every block; say "everything" rather
		// than name the first one.
		return &everything, true
	}
	// A range inside a block: name the narrowest block that holds it.
	for i := range special {
		s := &special[i]
		if s.Prefix.Addr().Is4() != p.Addr().Is4() {
			continue
		}
		if s.Prefix.Bits() == 0 {
			if !globalUnicast.Contains(p.Addr()) || p.Bits() < globalUnicast.Bits() {
				return s, false
			}
			continue
		}
		if s.Prefix.Bits() <= p.Bits() && s.Prefix.Contains(p.Addr()) {
			return s, false
		}
	}
	// A range wider than blocks that it covers: name the widest of them
	// (169.254.0.0/15 covers link-local, not just the metadata address).
	for i := range special {
		s := &special[i]
		if s.Prefix.Bits() > 0 && s.Prefix.Addr().Is4() == p.Addr().Is4() && p.Bits() < s.Prefix.Bits() && p.Contains(s.Prefix.Addr()) {
			if r == nil || s.Prefix.Bits() < r.Prefix.Bits() {
				r = s
			}
		}
	}
	return r, r != nil
}

var everything = Range{FR: "toutes les adresses", EN: "every address"}

// IsPublic reports whether every address of p may be seen on the Internet.
func IsPublic(p netip.Prefix) bool {
	r, _ := Special(p)
	return p.IsValid() && r == nil
}

// IsPublicAddr reports whether a single address is public, for a dialer that
// checks the address it is about to connect to. It is stricter than the
// exit-address rule: an IPv4-mapped address is refused rather than unmapped
// (security.md lists it among the addresses a fetch must never reach), and
// so is a zoned one.
func IsPublicAddr(a netip.Addr) bool {
	if !a.IsValid() || a.Zone() != "" {
		return false
	}
	return IsPublic(netip.PrefixFrom(a, a.BitLen()))
}

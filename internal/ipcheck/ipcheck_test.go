package ipcheck

import (
	"net/netip"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in        string
		form      Form
		canonical string
		isRange   bool
	}{
		{"203.0.113.10", Canonical, "203.0.113.10", false},
		{"198.51.100.0/28", Canonical, "198.51.100.0/28", true},
		{"203.0.113.10/32", Canonical, "203.0.113.10/32", true},
		{"2001:db8::1", Canonical, "2001:db8::1", false},
		{"2001:db8:1234::/48", Canonical, "2001:db8:1234::/48", true},
		{"0.0.0.0/0", Canonical, "0.0.0.0/0", true},

		{"203.0.113.7/24", HostBits, "203.0.113.0/24", true},
		{"2001:db8::1/48", HostBits, "2001:db8::/48", true},
		{"::ffff:203.0.113.7", Mapped, "203.0.113.7", false},
		{"::ffff:203.0.113.7/120", Mapped, "203.0.113.0/24", true},
		{"::FFFF:cb00:7107", Mapped, "203.0.113.7", false},
		{"2001:db8::1%eth0", Zone, "2001:db8::1", false},
		{"2001:db8::%eth0/64", Zone, "2001:db8::/64", true},
		{"203.000.113.010", LeadingZeros, "203.0.113.10", false},
		{"203.0.113.0/024", LeadingZeros, "203.0.113.0/24", true},
		{"2001:DB8::1", NotCanonical, "2001:db8::1", false},
		{"2001:0db8::1", NotCanonical, "2001:db8::1", false},
		{"2001:db8:0:0:0:0:0:1", NotCanonical, "2001:db8::1", false},
		{"2001:db8:0:0:1:0:0:1", NotCanonical, "2001:db8::1:0:0:1", false},
		// The first problem wins; the canonical form fixes every one.
		{"::ffff:203.0.113.7%x/120", Zone, "203.0.113.0/24", true},

		{"", Invalid, "", false},
		{"serveur.lyon.fr", Invalid, "", false},
		{"203.0.113.0/33", Invalid, "", true},
		{"203.0.113.0/", Invalid, "", true},
		{"203.0.113.0/-1", Invalid, "", true},
		{"203.0.113.0/+8", Invalid, "", true},
		{"203.0.113.0/0024", Invalid, "", true},
		{"256.0.0.1", Invalid, "", false},
		{"1.2.3", Invalid, "", false},
		{"1.2.3.4.5", Invalid, "", false},
		{"0x7f.0.0.1", Invalid, "", false},
		{"2130706433", Invalid, "", false},
	}
	for _, tt := range tests {
		e := Parse(tt.in)
		if e.Form != tt.form || e.Canonical != tt.canonical || (e.Form != Invalid && e.IsRange != tt.isRange) {
			t.Errorf("Parse(%q) = form %d, canonical %q, range %v; want %d, %q, %v",
				tt.in, e.Form, e.Canonical, e.IsRange, tt.form, tt.canonical, tt.isRange)
		}
	}
}

func TestParseAddrKeepsHostBits(t *testing.T) {
	e := Parse("203.0.113.7/24")
	if e.Addr != netip.MustParseAddr("203.0.113.7") || e.Prefix != netip.MustParsePrefix("203.0.113.0/24") {
		t.Errorf("Parse: addr %v prefix %v", e.Addr, e.Prefix)
	}
}

func TestSpecial(t *testing.T) {
	tests := []struct {
		in       string
		public   bool
		contains bool
		name     string // part of the English label
	}{
		// The documentation blocks are accepted so that examples can use them.
		{"192.0.2.1", true, false, ""},
		{"198.51.100.0/24", true, false, ""},
		{"203.0.113.0/24", true, false, ""},
		{"2001:db8::/32", true, false, ""},
		{"3fff::/20", true, false, ""},
		{"8.8.8.8", true, false, ""},
		{"2a01:cb00::/32", true, false, ""},
		{"100.63.255.255", true, false, ""},
		{"100.128.0.0", true, false, ""},
		{"172.32.0.1", true, false, ""},
		{"198.20.0.1", true, false, ""},
		{"223.255.255.255", true, false, ""},

		{"0.0.0.0/0", false, true, "every"},
		{"::/0", false, true, "every"},
		{"0.0.0.0", false, false, "unspecified"},
		{"10.0.0.0/8", false, false, "private"},
		{"10.1.2.3", false, false, "private"},
		{"172.16.0.0/12", false, false, "private"},
		{"172.31.255.255", false, false, "private"},
		{"192.168.1.1", false, false, "private"},
		{"127.0.0.1", false, false, "loopback"},
		{"169.254.169.254", false, false, "cloud metadata"},
		{"169.254.0.1", false, false, "link-local"},
		{"168.63.129.16", false, false, "Azure"},
		{"100.64.0.1", false, false, "CGNAT"},
		{"100.127.255.255", false, false, "CGNAT"},
		{"224.0.0.1", false, false, "multicast"},
		{"239.255.255.250", false, false, "multicast"},
		{"240.0.0.1", false, false, "reserved"},
		{"255.255.255.255", false, false, "broadcast"},
		{"198.18.0.1", false, false, "benchmarking"},
		{"198.19.255.255", false, false, "benchmarking"},
		{"192.0.0.8", false, false, "IETF"},
		{"192.88.99.1", false, false, "6to4"},
		{"::", false, false, "unspecified"},
		{"::1", false, false, "loopback"},
		// Every IPv4-mapped address: every IPv4 address once unmapped.
		{"::ffff:0:0/96", false, true, "every"},
		{"::ffff:0:0/95", false, false, "global unicast"},
		{"64:ff9b::cb00:7107", false, false, "NAT64"},
		{"fc00::1", false, false, "ULA"},
		{"fd00:ec2::254", false, false, "ULA"},
		{"fe80::1", false, false, "link-local"},
		{"ff02::1", false, false, "multicast"},
		{"2001::1", false, false, "Teredo"},
		{"2002:cb00:7107::1", false, false, "6to4"},
		{"2001:2::1", false, false, "benchmarking"},
		{"::cb00:7107", false, false, "global unicast"},
		{"4000::1", false, false, "global unicast"},
		// Ranges wider than a block are refused too.
		{"10.0.0.0/7", false, true, "private"},
		{"100.0.0.0/8", false, true, "CGNAT"},
		{"169.254.0.0/15", false, true, "link-local"},
		{"168.63.0.0/16", false, true, "Azure"},
		{"2000::/2", false, false, "global unicast"},
		{"fc00::/6", false, false, "global unicast"},
	}
	for _, tt := range tests {
		e := Parse(tt.in)
		if e.Form == Invalid {
			t.Fatalf("bad test input %q", tt.in)
		}
		r, contains := Special(e.Prefix)
		if (r == nil) != tt.public || contains != tt.contains {
			t.Errorf("Special(%s) = %v, contains %v; want public %v, contains %v", tt.in, r, contains, tt.public, tt.contains)
			continue
		}
		if r != nil && !strings.Contains(r.EN, tt.name) {
			t.Errorf("Special(%s) = %q; want a label with %q", tt.in, r.EN, tt.name)
		}
		if IsPublic(e.Prefix) != tt.public {
			t.Errorf("IsPublic(%s) = %v", tt.in, !tt.public)
		}
	}
}

func TestIsPublicAddr(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"203.0.113.7", true},
		{"2001:db8::1", true},
		{"10.0.0.1", false},
		// A dialer refuses the mapped form even of a public address.
		{"::ffff:203.0.113.7", false},
		{"2001:db8::1%eth0", false},
		{"169.254.169.254", false},
	}
	for _, tt := range tests {
		if got := IsPublicAddr(netip.MustParseAddr(tt.in)); got != tt.want {
			t.Errorf("IsPublicAddr(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if IsPublicAddr(netip.Addr{}) {
		t.Error("the zero Addr is public")
	}
}

func TestWide(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"203.0.113.0/24", false},
		{"203.0.112.0/23", true},
		{"203.0.113.10", false},
		{"2001:db8:1::/48", false},
		{"2001:db8::/47", true},
		{"2001:db8::1", false},
	}
	for _, tt := range tests {
		if got := Wide(Parse(tt.in).Prefix); got != tt.want {
			t.Errorf("Wide(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	p := netip.MustParsePrefix
	tests := []struct {
		a, b string
		want Overlap
	}{
		{"203.0.113.0/24", "203.0.113.0/24", Same},
		{"203.0.113.10/32", "203.0.113.0/24", Inside},
		{"203.0.113.0/24", "203.0.113.128/25", Contains},
		{"203.0.113.0/25", "203.0.113.128/25", Disjoint},
		{"203.0.113.0/24", "2001:db8::/32", Disjoint},
	}
	for _, tt := range tests {
		if got := Compare(p(tt.a), p(tt.b)); got != tt.want {
			t.Errorf("Compare(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// FuzzParse checks that Parse never panics and that what it calls canonical
// is stable: parsing the canonical form again gives the same range, and is
// canonical.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"203.0.113.7/24", "::ffff:203.0.113.7", "fe80::1%eth0/64", "010.0.0.1",
		"0.0.0.0/0", "2001:DB8::1", "::ffff:1.2.3.4/95", "1.2.3.4/", "%", "/", "::/0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Parse(s)
		if e.Form == Invalid {
			if e.Canonical != "" {
				t.Fatalf("Parse(%q): invalid with a canonical form %q", s, e.Canonical)
			}
			return
		}
		if !e.Prefix.IsValid() || e.Prefix != e.Prefix.Masked() {
			t.Fatalf("Parse(%q): prefix %v not valid and masked", s, e.Prefix)
		}
		again := Parse(e.Canonical)
		if again.Form != Canonical || again.Prefix != e.Prefix || again.Canonical != e.Canonical {
			t.Fatalf("Parse(%q) canonical %q reparses as %+v", s, e.Canonical, again)
		}
		if (e.Form == Canonical) != (e.Canonical == s) {
			t.Fatalf("Parse(%q): form %d but canonical %q", s, e.Form, e.Canonical)
		}
		Special(e.Prefix)
		Wide(e.Prefix)
	})
}

package rules

import (
	"strings"
	"testing"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
)

func runIPRule(r *Rule, ips []string) []finding.Finding {
	return r.Check(&Context{}, &File{Request: &request.Request{IPAddresses: ips}})
}

func TestIPAddressRule(t *testing.T) {
	type want struct {
		pointer    string
		contains   []string // in the French message
		suggestion string
	}
	tests := []struct {
		name string
		ips  []string
		want []want
	}{
		{"documentation ranges", []string{"203.0.113.10", "198.51.100.0/28", "192.0.2.0/24", "2001:db8::/48"}, nil},
		{"disjoint halves", []string{"203.0.113.0/25", "203.0.113.128/25"}, nil},
		{"not an address is the schema's", []string{"serveur.lyon.fr", "203.0.113.0/33"}, nil},

		{"every address", []string{"0.0.0.0/0"}, []want{{"/spec/ipAddresses/0", []string{"0.0.0.0/0", "toutes les adresses IPv4"}, ""}}},
		{"every IPv6 address", []string{"::/0"}, []want{{"/spec/ipAddresses/0", []string{"toutes les adresses IPv6"}, ""}}},
		{"private range", []string{"203.0.113.10", "10.0.0.0/8"}, []want{{"/spec/ipAddresses/1", []string{"la plage 10.0.0.0/8 n'est pas publique", "réseau privé"}, ""}}},
		{"private address names its block", []string{"192.168.1.20"}, []want{{"/spec/ipAddresses/0", []string{"192.168.1.20 n'est pas une adresse publique", "192.168.0.0/16 : réseau privé"}, ""}}},
		{"metadata", []string{"169.254.169.254"}, []want{{"/spec/ipAddresses/0", []string{"métadonnées cloud"}, ""}}},
		{"azure metadata", []string{"168.63.129.16"}, []want{{"/spec/ipAddresses/0", []string{"Azure"}, ""}}},
		{"range containing CGNAT", []string{"100.0.0.0/8"}, []want{{"/spec/ipAddresses/0", []string{"contient des adresses non publiques", "100.64.0.0/10"}, ""}}},
		{"mapped private", []string{"::ffff:10.1.2.3"}, []want{{"/spec/ipAddresses/0", []string{"::ffff:10.1.2.3 n'est pas une adresse publique"}, ""}}},
		{"outside global unicast", []string{"::1.2.3.4"}, []want{{"/spec/ipAddresses/0", []string{"hors de l'espace unicast global"}, ""}}},
		{"host bits", []string{"203.0.113.7/24"}, []want{{"/spec/ipAddresses/0", []string{"n'est pas le début de sa plage", "203.0.113.0/24", "203.0.113.7 pour"}, "203.0.113.0/24"}}},
		{"mapped", []string{"::ffff:203.0.113.7"}, []want{{"/spec/ipAddresses/0", []string{"IPv4 écrite en IPv6"}, "203.0.113.7"}}},
		{"zone", []string{"2001:db8::10%eth0"}, []want{{"/spec/ipAddresses/0", []string{"zone IPv6"}, "2001:db8::10"}}},
		{"leading zeros", []string{"203.0.113.010"}, []want{{"/spec/ipAddresses/0", []string{"zéros en tête", "octal"}, "203.0.113.10"}}},
		{"IPv6 case", []string{"2001:DB8::1"}, []want{{"/spec/ipAddresses/0", []string{"RFC 5952"}, "2001:db8::1"}}},
		{"duplicate", []string{"203.0.113.10", "198.51.100.0/28", "203.0.113.10"},
			[]want{{"/spec/ipAddresses/2", []string{"203.0.113.10 figure déjà en `spec.ipAddresses[0]`"}, ""}}},
		{"duplicate as /32", []string{"203.0.113.10", "203.0.113.10/32"}, []want{{"/spec/ipAddresses/1", []string{"figure déjà en `spec.ipAddresses[0]`"}, ""}}},
		{"inside an earlier range", []string{"198.51.100.0/28", "198.51.100.7"},
			[]want{{"/spec/ipAddresses/1", []string{"198.51.100.7 est déjà couverte par 198.51.100.0/28 (`spec.ipAddresses[0]`)"}, ""}}},
		{"containing an earlier entry", []string{"198.51.100.7", "198.51.100.0/28"},
			[]want{{"/spec/ipAddresses/1", []string{"la plage 198.51.100.0/28 contient 198.51.100.7 (`spec.ipAddresses[0]`)"}, ""}}},
		{"non-canonical duplicate gets both", []string{"203.0.113.0/24", "203.0.113.7/24"}, []want{
			{"/spec/ipAddresses/1", []string{"n'est pas le début de sa plage"}, "203.0.113.0/24"},
			{"/spec/ipAddresses/1", []string{"figure déjà"}, ""}}},
		{"a refused entry is not compared", []string{"10.0.0.1", "10.0.0.1"}, []want{
			{"/spec/ipAddresses/0", []string{"réseau privé"}, ""},
			{"/spec/ipAddresses/1", []string{"réseau privé"}, ""}}},
		{"one overlap finding per entry", []string{"203.0.113.0/24", "203.0.113.0/25", "203.0.113.10"}, []want{
			{"/spec/ipAddresses/1", []string{"couverte par 203.0.113.0/24"}, ""},
			{"/spec/ipAddresses/2", []string{"couverte par 203.0.113.0/24"}, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runIPRule(ipAddress, tt.ips)
			if len(got) != len(tt.want) {
				t.Fatalf("%d findings, want %d: %+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Pointer != w.pointer || g.Suggestion != w.suggestion {
					t.Errorf("finding %d at %s suggesting %q, want %s suggesting %q", i, g.Pointer, g.Suggestion, w.pointer, w.suggestion)
				}
				for _, c := range w.contains {
					if !strings.Contains(g.Message.FR, c) {
						t.Errorf("finding %d: %q lacks %q", i, g.Message.FR, c)
					}
				}
				textIPBilingual(t, g)
			}
		})
	}
}

func TestIPRangeWideRule(t *testing.T) {
	tests := []struct {
		name string
		ips  []string
		want []string // pointers
	}{
		{"narrow", []string{"203.0.113.0/24", "2001:db8:1::/48", "198.51.100.7"}, nil},
		{"IPv4 /23", []string{"203.0.112.0/23"}, []string{"/spec/ipAddresses/0"}},
		{"IPv6 /47", []string{"203.0.113.10", "2001:db8::/47"}, []string{"/spec/ipAddresses/1"}},
		// Already refused by ip-address: fixed first, then seen again.
		{"private and wide", []string{"10.0.0.0/8"}, nil},
		{"every address", []string{"0.0.0.0/0"}, nil},
		{"not canonical and wide", []string{"203.0.113.7/16"}, nil},
		{"overlapping and wide", []string{"203.0.113.0/24", "203.0.0.0/16"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := runIPRule(ipRangeWide, tt.ips)
			var pointers []string
			for _, g := range got {
				pointers = append(pointers, g.Pointer)
				textIPBilingual(t, g)
			}
			if strings.Join(pointers, ",") != strings.Join(tt.want, ",") {
				t.Errorf("findings at %v, want %v", pointers, tt.want)
			}
		})
	}
	got := runIPRule(ipRangeWide, []string{"203.0.112.0/22"})
	if len(got) != 1 || !strings.Contains(got[0].Message.FR, "plus large que /24 (1 024 adresses)") {
		t.Errorf("message: %+v", got)
	}
}

func TestAddressCount(t *testing.T) {
	for bits, want := range map[int]string{0: "1", 8: "256", 10: "1 024", 24: "16 777 216", 25: "2^25", 80: "2^80"} {
		if got := addressCount(bits); got != want {
			t.Errorf("addressCount(%d) = %q, want %q", bits, got, want)
		}
	}
}

// textIPBilingual asserts that a finding speaks both languages and, being
// positioned by the engine or itself, is complete enough to be placed.
func textIPBilingual(t *testing.T, f finding.Finding) {
	t.Helper()
	if f.Message.FR == "" || f.Message.EN == "" || f.Message.FR == f.Message.EN {
		t.Errorf("message not translated: %+v", f.Message)
	}
	if f.Pointer == "" && f.Line == 0 {
		t.Errorf("finding has neither pointer nor line: %+v", f)
	}
}

// FuzzIPRules runs both IP rules on three entries: no panic, every finding
// bilingual and placed on an entry.
func FuzzIPRules(f *testing.F) {
	f.Add("203.0.113.7/24", "::ffff:203.0.113.7", "0.0.0.0/0")
	f.Add("10.0.0.0/8", "10.0.0.0/8", "203.0.113.010")
	f.Add("2001:db8::/32", "2001:db8::1%eth0", "")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ips := []string{a, b, c}
		for _, r := range ipRules() {
			for _, g := range runIPRule(r, ips) {
				textIPBilingual(t, g)
				if !strings.HasPrefix(g.Pointer, "/spec/ipAddresses/") {
					t.Fatalf("%s: finding at %q", r.ID, g.Pointer)
				}
			}
		}
	})
}

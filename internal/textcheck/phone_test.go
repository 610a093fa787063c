package textcheck

import (
	"slices"
	"testing"
)

// phoneCases are ScanPhones' table tests; the differential test
// (equivalence_test.go) runs them through the reference scanner too.
var phoneCases = []struct {
	src  string
	want []string
}{
	{"# tel 0612345678", []string{"0612345678"}},
	{"# 06 12 34 56 78", []string{"06 12 34 56 78"}},
	{"# 06.12.34.56.78", []string{"06.12.34.56.78"}},
	{"# 06-12-34-56-78", []string{"06-12-34-56-78"}},
	{"# 04\u00a072\u00a010\u00a030\u00a030", []string{"04\u00a072\u00a010\u00a030\u00a030"}},
	{"notes: Joindre M. Martin au +33 6 12 34 56 78.", []string{"+33 6 12 34 56 78"}},
	{"+33612345678", []string{"+33612345678"}},
	{"(+33) tel:+33 (0)6 12 34 56 78", []string{"+33 (0)6 12 34 56 78"}},
	{"0033 6 12 34 56 78", []string{"0033 6 12 34 56 78"}},
	{"'+262 262 12 34 56'", []string{"+262 262 12 34 56"}},
	{"a: 01 23 45 67 89, b: 09.87.65.43.21", []string{"01 23 45 67 89", "09.87.65.43.21"}},
	{`{"tel":"0612345678"}`, []string{"0612345678"}},

	// Not phone numbers.
	{"ipAddresses: [203.0.113.10, 198.51.100.0/28, 10.06.12.34.56]", nil},
	{"plannedProductionDate: 2027-03-01 # le 01.03.2027 à 10:30, 01-03-2027", nil},
	{"datapass: D0612345678", nil},
	{"qualification: 123456", nil},
	{"clientId: 211286433e39cce01db448d80181bdfd005554b19cd51b3fe7943f6b3b86ab6e", nil},
	{"clientId: 0612345678abcdef", nil},
	{"version: 4.2.1 v06.12.34.56.78", nil},
	{"SIRET 21690123100011 / 06123456789", nil},
	{"06 12 34 56 78 90", nil},
	{"06.12.34.56.78.90", nil},
	{"06 12.34 56 78", nil},
	{"06 12 34 56", nil},
	{"00 12 34 56 78", nil},
	{"+44 20 7946 0958", nil},
	{"+33 0 12 34 56 78", nil},
	{"2001:db8::0612:3456:7890", nil},
	{"timestamp 20270301123456", nil},
	{"https://famille.lyon.fr/0612345678", nil},
	{"UTC+0100", nil},
	{"+33", nil},
	{"06", nil},
}

func TestScanPhones(t *testing.T) {
	for _, tt := range phoneCases {
		var got []string
		for _, m := range ScanPhones([]byte(tt.src)) {
			got = append(got, tt.src[m[0]:m[1]])
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ScanPhones(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

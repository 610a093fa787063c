package textcheck

import (
	"strings"
	"testing"
)

// Fake credentials are assembled at run time so that this file does not
// itself look like it leaks one to secret scanners.
var (
	hex64     = strings.Repeat("3f9a8b7c", 8)
	clientID  = "211286433e39cce01db448d80181bdfd005554b19cd51b3fe7943f6b3b86ab6e"
	ghToken   = "gh" + "p_" + strings.Repeat("aB3d", 9)
	ghPAT     = "github" + "_pat_" + strings.Repeat("11AbCdEf", 4)
	glToken   = "gl" + "pat-" + strings.Repeat("xY9z", 5)
	awsKey    = "AK" + "IA" + "IOSFODNN7EXAMPLE"
	jwt       = "ey" + "JhbGciOiJIUzI1NiJ9.ey" + "JzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
	slack     = "xo" + "xb-" + "1234567890-abcdefghij"
	stripe    = "sk" + "_live_" + strings.Repeat("4eC39HqLyjWDarjt", 2)
	googleKey = "AI" + "za" + strings.Repeat("SyA1b2C3d4", 3) + "e5f6g"
	npmToken  = "np" + "m_" + strings.Repeat("a1B2c3", 6)
	pemHeader = "-----BEGIN " + "RSA PRIVATE KEY-----"
)

// secretHit is a finding secretCases expect.
type secretHit struct {
	kind SecretKind
	key  string
	text string // the secret's bytes
}

// secretCases are ScanSecrets' table tests; the differential test
// (equivalence_test.go) runs them through the reference scanner too.
var secretCases = []struct {
	name string
	src  string
	want []secretHit
}{
	{"clean request", "spec:\n  displayName: Lyon - Portail Famille\n  reuseSubs:\n    clientId: " + clientID + "\n", nil},
	{"client id with a comment", "    clientId: " + clientID + "  # identifiant public, pas un secret\n", nil},
	{"client_id key", `{"client_id": "` + clientID + `", "note": "secret"}`, nil},
	{"words about secrets", "# Le secret client est généré par FranceConnect : ne pas le mettre ici.\n# token: voir DataPass\n", nil},
	{"placeholders", "# password: ${PASSWORD}\n# secret: <à remplir>\n# token: ********\n# api_key: null\n", nil},
	{"secretariat", "  notes: secretariat: Lyon2024x\n", nil},
	{"token in a longer key", "id_token_signed_response_alg: ES256\ntoken_endpoint: https://x.fr/token\n", nil},
	{"public JWK", `{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}`, nil},
	{"hex without the word", "  notes: " + hex64 + "\n", nil},
	{"hex of 65", "client_secret: " + hex64 + "a\n", []secretHit{{NamedSecret, "client_secret", hex64 + "a"}}},

	{"unknown field client_secret", "  client_secret: " + hex64 + "\n", []secretHit{{FCClientSecret, "", hex64}}},
	{"secret in a comment", "# secret reçu par mail : " + hex64 + "\n", []secretHit{{FCClientSecret, "", hex64}}},
	{"JSON client_secret", `{"client_secret": "` + hex64 + `"}`, []secretHit{{FCClientSecret, "", hex64}}},
	{"PEM", "notes: |\n  " + pemHeader + "\n  MIIEow…\n", []secretHit{{PrivateKeyPEM, "", pemHeader}}},
	{"PEM OpenSSH", "-----BEGIN OPENSSH PRIVATE KEY-----", []secretHit{{PrivateKeyPEM, "", "-----BEGIN OPENSSH PRIVATE KEY-----"}}},
	{"PEM encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----", []secretHit{{PrivateKeyPEM, "", "-----BEGIN ENCRYPTED PRIVATE KEY-----"}}},
	{"PGP", "-----BEGIN PGP PRIVATE KEY BLOCK-----", []secretHit{{PrivateKeyPEM, "", "-----BEGIN PGP PRIVATE KEY BLOCK-----"}}},
	{"PEM public key", "-----BEGIN PUBLIC KEY-----", nil},
	{"JWK d in JSON", `# {"kty":"EC","crv":"P-256","d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}`,
		[]secretHit{{PrivateJWK, "d", "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}}},
	{"JWK d in YAML", "#  kty: RSA\n#  n: abc\n#  d: X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH\n",
		[]secretHit{{PrivateJWK, "d", "X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH"}}},
	{"JWK oct", `{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg"}`, []secretHit{{PrivateJWK, "k", "GawgguFyGrWKav7AX4VKUg"}}},
	{"d without kty", `{"d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"}`, nil},
	{"GitHub token", "# " + ghToken + "\n", []secretHit{{GitHubToken, "", ghToken}}},
	{"GitHub PAT", "token: " + ghPAT, []secretHit{{GitHubToken, "", ghPAT}}},
	{"GitLab token", "x " + glToken, []secretHit{{GitLabToken, "", glToken}}},
	{"AWS key", "aws: " + awsKey, []secretHit{{AWSAccessKey, "", awsKey}}},
	{"AWS key glued", "x" + awsKey, nil},
	{"JWT", "# jeton de test " + jwt + "\n", []secretHit{{JWT, "", jwt}}},
	{"Slack", "- " + slack, []secretHit{{SlackToken, "", slack}}},
	{"Stripe", stripe, []secretHit{{StripeKey, "", stripe}}},
	{"Google", "key " + googleKey, []secretHit{{GoogleAPIKey, "", googleKey}}},
	{"npm", npmToken, []secretHit{{NPMToken, "", npmToken}}},
	{"bearer", "# Authorization: Bearer AbCdEf0123456789xyz\n", []secretHit{{BearerToken, "", "AbCdEf0123456789xyz"}}},
	{"password", "# password: Lyon2024!\n", []secretHit{{NamedSecret, "password", "Lyon2024!"}}},
	{"quoted password", `  "db_password": "Lyon2024!"`, []secretHit{{NamedSecret, "db_password", "Lyon2024!"}}},
	{"mot de passe", "mot_de_passe = Soleil-69\n", []secretHit{{NamedSecret, "mot_de_passe", "Soleil-69"}}},
	{"query token", "https://famille.lyon.fr/cb?access_token=AbC123xyz&x=1", []secretHit{{NamedSecret, "access_token", "AbC123xyz"}}},
	{"long passphrase", "passphrase: correcthorsebatterystaple\n", []secretHit{{NamedSecret, "passphrase", "correcthorsebatterystaple"}}},
	{"specific wins over generic", "token: " + jwt, []secretHit{{JWT, "", jwt}}},
	{"two secrets", "password: Lyon2024!\n# " + awsKey, []secretHit{{NamedSecret, "password", "Lyon2024!"}, {AWSAccessKey, "", awsKey}}},
	{"'=' before ':'", "password=Lyon2024! token: Paris2024!", []secretHit{{NamedSecret, "password", "Lyon2024!"}, {NamedSecret, "token", "Paris2024!"}}},
}

func TestScanSecrets(t *testing.T) {
	for _, tt := range secretCases {
		t.Run(tt.name, func(t *testing.T) {
			got := ScanSecrets([]byte(tt.src))
			if len(got) != len(tt.want) {
				t.Fatalf("ScanSecrets(%q) = %+v, want %+v", tt.src, got, tt.want)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Kind != w.kind || g.Key != w.key || tt.src[g.Start:g.End] != w.text {
					t.Errorf("ScanSecrets(%q)[%d] = %v %q %q, want %v %q %q", tt.src, i, g.Kind, g.Key, tt.src[g.Start:g.End], w.kind, w.key, w.text)
				}
			}
		})
	}
}

func TestSecretNames(t *testing.T) {
	for k := PrivateKeyPEM; k <= NamedSecret; k++ {
		fr, en := k.Names()
		if fr == "" || en == "" || fr == en || fr == "un secret" {
			t.Errorf("kind %d has no name: %q, %q", k, fr, en)
		}
	}
}

func TestPosition(t *testing.T) {
	src := []byte("a: 1\nnom: Édouard x\n")
	tests := []struct{ off, line, col int }{
		{0, 1, 1},
		{3, 1, 4},
		{5, 2, 1},
		{strings.Index(string(src), "x"), 2, 14},
		{-1, 1, 1},
		{len(src) + 5, 3, 1},
	}
	for _, tt := range tests {
		if line, col := Position(src, tt.off); line != tt.line || col != tt.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.off, line, col, tt.line, tt.col)
		}
	}
}

// scanSeeds start FuzzScan and the differential fuzz targets.
var scanSeeds = []string{"client_secret: " + hex64, pemHeader, `{"kty":"EC","d":"jpsQnnGQmL-YBIffH1136cspYG6"}`,
	jwt, "password: Lyon2024!", "# 06 12 34 56 78", "+33 (0)6 12 34 56 78", "0033612345678", "Bearer ", "secret", "kty", "+"}

// FuzzScan checks that the raw-source scanners never panic and return
// ranges inside the source, in order, without overlap.
func FuzzScan(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		end := 0
		for _, s := range ScanSecrets(src) {
			if s.Start < end || s.End <= s.Start || s.End > len(src) {
				t.Fatalf("ScanSecrets(%q): bad range %+v after %d", src, s, end)
			}
			end = s.End
			Position(src, s.Start)
		}
		end = 0
		for _, m := range ScanPhones(src) {
			if m[0] < end || m[1] <= m[0] || m[1] > len(src) {
				t.Fatalf("ScanPhones(%q): bad range %v after %d", src, m, end)
			}
			end = m[1]
		}
	})
}

func TestScanBounded(t *testing.T) {
	// Many findings: the count is capped.
	many := strings.Repeat("password: Lyon2024!\n", 500) + strings.Repeat("# 06 12 34 56 78\n", 500)
	if n := len(ScanSecrets([]byte(many))); n != MaxFindings {
		t.Errorf("ScanSecrets found %d, want the cap %d", n, MaxFindings)
	}
	if n := len(ScanPhones([]byte(many))); n != MaxFindings {
		t.Errorf("ScanPhones found %d, want the cap %d", n, MaxFindings)
	}
	// A Unicode letter whose lowercase has another length must not shift
	// offsets (the Kelvin sign is 3 bytes, k is 1).
	src := "\u212a\u212a\u212a secret: " + hex64
	got := ScanSecrets([]byte(src))
	if len(got) != 1 || src[got[0].Start:got[0].End] != hex64 {
		t.Errorf("ScanSecrets(%q) = %+v", src, got)
	}
}

// hostileUnits repeated over 64 KiB make the scanners work hardest. In the
// last ones, without a value delimiter, the value of every key runs to the
// end of the file.
var hostileUnits = []string{`"kty":"EC",`, "secret ", "bearer ", "password:", "0", ":", "eyJ",
	"#password=", "?token=", "(secret=", "#mdp=é", "kty{d="}

// hostile is unit repeated to fill size bytes.
func hostile(unit string, size int) string { return strings.Repeat(unit, size/len(unit)) }

// BenchmarkScanHostile is a 64 KiB file built to make the scanners work:
// it must stay in the milliseconds.
func BenchmarkScanHostile(b *testing.B) {
	for _, unit := range hostileUnits {
		src := []byte(hostile(unit, 64<<10)) // the largest file the loader reads
		b.Run(strings.TrimSpace(unit), func(b *testing.B) {
			for b.Loop() {
				ScanSecrets(src)
				ScanPhones(src)
			}
		})
	}
}

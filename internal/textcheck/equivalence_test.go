package textcheck

import (
	"bytes"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The differential tests hold ScanSecrets and ScanPhones to the reference
// implementations of reference_test.go: same findings, same order, same
// offsets, for every input.

// corpusDirs are the request files of the repository: real ones and the
// validator's test cases. Paths are relative to this package; a missing
// folder is skipped, so the package can be tested on its own.
var corpusDirs = []string{"../../providers", "../validate/testdata"}

// equivalenceInputs gathers every input worth comparing on: the table
// tests, the fuzz seeds, the bounded and hostile inputs, the repository's
// request files and the fuzz corpora kept under testdata/fuzz.
func equivalenceInputs(tb testing.TB) [][]byte {
	tb.Helper()
	var in [][]byte
	for _, tt := range secretCases {
		in = append(in, []byte(tt.src))
	}
	for _, tt := range phoneCases {
		in = append(in, []byte(tt.src))
	}
	for _, s := range scanSeeds {
		in = append(in, []byte(s))
	}
	// TestScanBounded's inputs.
	in = append(in,
		[]byte(strings.Repeat("password: Lyon2024!\n", 500)+strings.Repeat("# 06 12 34 56 78\n", 500)),
		[]byte("\u212a\u212a\u212a secret: "+hex64))
	// The hostile inputs, smaller than in BenchmarkScanHostile: for some,
	// the reference's work grows with the square of the size.
	for _, unit := range hostileUnits {
		in = append(in, []byte(hostile(unit, 8<<10)))
	}
	in = append(in, requestFiles(tb, corpusDirs, "*")...)
	in = append(in, fuzzCorpus(tb)...)
	return in
}

// requestFiles reads the files under dirs whose name matches pattern
// (filepath.Match syntax), in lexical order.
func requestFiles(tb testing.TB, dirs []string, pattern string) [][]byte {
	tb.Helper()
	var files [][]byte
	for _, dir := range dirs {
		if _, err := os.Stat(dir); err != nil {
			tb.Logf("skipping %s: %v", dir, err)
			continue
		}
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			if ok, err := filepath.Match(pattern, d.Name()); !ok {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files = append(files, b)
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	return files
}

// fuzzCorpus reads the values kept in testdata/fuzz/*/*, in the format of
// "go test fuzz v1" files: one Go literal a line, []byte("…") or
// string("…"). Every value is an input, whichever target it was found by.
func fuzzCorpus(tb testing.TB) [][]byte {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "fuzz", "*", "*"))
	if err != nil {
		tb.Fatal(err)
	}
	var values [][]byte
	for _, path := range paths {
		b, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) == 0 || lines[0] != "go test fuzz v1" {
			tb.Fatalf("%s: not a fuzz corpus file", path)
		}
		for _, line := range lines[1:] {
			var lit string
			switch {
			case strings.HasPrefix(line, "[]byte(") && strings.HasSuffix(line, ")"):
				lit = line[len("[]byte(") : len(line)-1]
			case strings.HasPrefix(line, "string(") && strings.HasSuffix(line, ")"):
				lit = line[len("string(") : len(line)-1]
			default:
				continue // another argument type: not a text input
			}
			v, err := strconv.Unquote(lit)
			if err != nil {
				tb.Fatalf("%s: %v", path, err)
			}
			values = append(values, []byte(v))
		}
	}
	return values
}

// checkSecretsMatch fails the test when ScanSecrets and the reference
// disagree on src, nil and empty told apart.
func checkSecretsMatch(t *testing.T, src []byte) {
	t.Helper()
	got, want := ScanSecrets(src), referenceScanSecrets(src)
	if !slices.Equal(got, want) || (got == nil) != (want == nil) {
		t.Fatalf("ScanSecrets(%q)\n = %+v\nreference %+v", src, got, want)
	}
}

// checkPhonesMatch fails the test when ScanPhones and the reference
// disagree on src, nil and empty told apart.
func checkPhonesMatch(t *testing.T, src []byte) {
	t.Helper()
	got, want := ScanPhones(src), referenceScanPhones(src)
	if !slices.Equal(got, want) || (got == nil) != (want == nil) {
		t.Fatalf("ScanPhones(%q)\n = %v\nreference %v", src, got, want)
	}
}

func TestScansMatchReference(t *testing.T) {
	for _, src := range equivalenceInputs(t) {
		checkSecretsMatch(t, src)
		checkPhonesMatch(t, src)
		// The same file in capitals, and each of its lines alone, take
		// other paths: case-insensitive words, keys at the start of the
		// input, values at its end.
		checkSecretsMatch(t, bytes.ToUpper(src))
		for line := range bytes.Lines(src) {
			checkSecretsMatch(t, line)
			checkPhonesMatch(t, bytes.TrimRight(line, "\n"))
		}
	}
}

// fragments are the pieces the random inputs are made of: every word,
// prefix and delimiter the scanners look for, near misses, and filler.
var fragments = []string{
	// Key names and their parts.
	"secret", "Secret", "SECRET", "password", "passwd", "passphrase", "token", "Token", "apikey", "api_key",
	"api-key", "access_key", "secret_key", "private_key", "privatekey", "mot_de_passe", "mot-de-passe",
	"motdepasse", "mdp", "MDP", "client_", "db_", "id", "Id", "secretariat", "x", "a.b", "key", "pass",
	// JWK members and their neighbourhood.
	"kty", "KTY", "d", "p", "q", "dp", "dq", "qi", "k", "D", "K", "n", "e", `"kty":"EC",`,
	// Separators and delimiters.
	":", "=", ": ", " = ", `"`, "'", " ", "  ", "\t", "\n", "\r\n", "#", "{", "}", "[", "]", ",", "&", "?",
	";", "(", ")", ".", "/", "-", "_", "~", "+", "*", "<", ">", "$", "%", "|", "!", "\\",
	// Values.
	hex64, clientID, "3f9a8b7c", "Lyon2024!", "AbCdEf0123456789xyz", "correcthorsebatterystaple",
	"${TOKEN}", "<à remplir>", "********", "null", "://", "https://x.fr/cb?", "00000000",
	"X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH", "GawgguFyGrWKav7AX4VKUg",
	// Token prefixes, whole tokens and near misses.
	"Bearer ", "bearer ", "BEARER ", "Bearer", "eyJ", "eyJhbGciOiJIUzI1NiJ9", jwt,
	"-----BEGIN ", "PRIVATE KEY", "-----", " BLOCK", "RSA ", "OPENSSH ", pemHeader,
	"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "gh", "github_pat_", "glpat-", "AKIA", "ASIA",
	"xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-", "xox", "sk_live_", "rk_live_", "_live_", "AIza", "npm_",
	ghToken, ghPAT, glToken, awsKey, slack, stripe, googleKey, npmToken,
	"aB3d", "IOSFODNN7EXAMPLE", "SyA1b2C3d4", "1234567890",
	// Phone numbers and their parts.
	"+", "+33", "+262", "+269", "+508", "+590", "+594", "+596", "+681", "+687", "+689", "+44", "0033", "00",
	"0", "06", "01", "1", "12", "34", "56", "78", "(0)", "\u00a0", "\u202f", "06 12 34 56 78", "0612345678",
	"+33 6 12 34 56 78", "2027-03-01", "203.0.113.10", "D12345",
	// Whole entries, so that keys, separators and values meet more often.
	"password: Lyon2024!", "password=Lyon2024!", "# passwd: Soleil-69\n", `"db_password": "Lyon2024!"`,
	"token: AbCdEf0123456789xyz", "&access_token=AbC123xyz", "?token=", "#password=", "(secret=",
	"client_secret: " + hex64, "clientId: " + hex64, "kty: RSA\n", `"kty":"EC",`, `"d":"jpsQnnGQmL-YBIffH1136cspYG6"`,
	"d: X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH\n", "{k=GawgguFyGrWKav7AX4VKUg}", "Bearer AbCdEf0123456789xyz",
	// Non-ASCII and invalid UTF-8.
	"é", "\u212a", "\xff", "\xc3", "\x00",
}

// randomInput strings together a few fragments and, now and then, a run of
// random bytes from the alphabets the scanners read.
func randomInput(r *rand.Rand) []byte {
	const runBytes = "0123456789abcdefABCDEFxyzXYZ-_.:= \n"
	var b []byte
	for range 1 + r.IntN(30) {
		if r.IntN(8) == 0 {
			for range r.IntN(70) {
				b = append(b, runBytes[r.IntN(len(runBytes))])
			}
			continue
		}
		b = append(b, fragments[r.IntN(len(fragments))]...)
	}
	return b
}

// TestScansMatchReferenceRandom compares the scanners on many random
// inputs made of the fragments they look for, so that plain "go test" runs
// explore what the fuzz targets explore.
func TestScansMatchReferenceRandom(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 5_000
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range n {
		src := randomInput(r)
		checkSecretsMatch(t, src)
		checkPhonesMatch(t, src)
	}
}

// addEquivalenceSeeds seeds a differential fuzz target with the inputs of
// TestScansMatchReference up to 4 KiB, request files and more. The larger
// ones (hostile inputs, the validator's 40 and 70 KB cases) are compared
// there; as seeds, they would slow down every mutation made of them, and
// the minimisation of each new input found from them, for little gain.
func addEquivalenceSeeds(f *testing.F) {
	for _, src := range equivalenceInputs(f) {
		if len(src) <= 4<<10 {
			f.Add(src)
		}
	}
}

// FuzzSecretsMatchReference holds ScanSecrets equal to the reference.
func FuzzSecretsMatchReference(f *testing.F) {
	addEquivalenceSeeds(f)
	f.Fuzz(checkSecretsMatch)
}

// FuzzPhonesMatchReference holds ScanPhones equal to the reference.
func FuzzPhonesMatchReference(f *testing.F) {
	addEquivalenceSeeds(f)
	f.Fuzz(checkPhonesMatch)
}

// TestSpanMatchesReference holds valueSpan, which judges every suffix of a
// value in constant time, to the reference's looksLikeCredential and
// isBase64URL, which read the value: for every start in the span, from
// wherever the span was read.
func TestSpanMatchesReference(t *testing.T) {
	values := [][]byte{nil, []byte("Lyon2024!"), []byte("a://b/cdefgh"), []byte("aaaaaaaB"), []byte("${TOKEN}x"),
		[]byte("Ab" + strings.Repeat("x", 30)), []byte("\xffabcdefgh1"), []byte("12345678901234567890")}
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		v := randomInput(r)
		values = append(values, v[:min(len(v), 120)])
	}
	for _, v := range values {
		for _, from := range []int{0, 1, len(v) / 3, len(v) / 2, len(v) - 1} {
			if from < 0 || from > len(v) {
				continue
			}
			sp := readValueSpan(v, from, len(v))
			for start := from; start < len(v); start++ {
				if got, want := sp.looksLikeCredential(v, start), refLooksLikeCredential(v[start:]); got != want {
					t.Fatalf("span(%q, from %d).looksLikeCredential(%d) = %v, reference %v", v, from, start, got, want)
				}
				if got, want := sp.isBase64URL(start), refIsBase64URL(v[start:]); got != want {
					t.Fatalf("span(%q, from %d).isBase64URL(%d) = %v, reference %v", v, from, start, got, want)
				}
			}
		}
	}
}

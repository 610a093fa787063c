package uri

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// Where a URI is used.
var (
	prodRedirect  = Options{Production: true, Redirect: true}
	integRedirect = Options{Localhost: true, Redirect: true}
	prodPage      = Options{Production: true}
	integPage     = Options{}
)

// checkCases covers every bad URI of docs security.md and more. An empty
// reason means the URI is fine.
var checkCases = []struct {
	raw    string
	opts   Options
	reason Reason
	detail string
	fix    string
}{
	// Fine.
	{"https://famille.lyon.fr/oidc/callback", prodRedirect, "", "", ""},
	{"https://famille.lyon.fr/", prodPage, "", "", ""},
	{"https://famille.lyon.fr:8443/oidc/callback?lang=fr", prodRedirect, "", "", ""},
	{"https://famille.lyon.fr/cb?", prodRedirect, "", "", ""},
	{"https://famille.lyon.fr/a%2Fb/c%20d", prodRedirect, "", "", ""},
	{"https://famille.lyon.fr/a//b/", prodRedirect, "", "", ""},
	{"https://famille.lyon.fr/..a/b.../.well-known/jwks.json", prodPage, "", "", ""},
	{"https://www.xn--dmarches-b1a.lyon.fr/", prodRedirect, "", "", ""},
	{"https://xn--80aswg.xn--p1ai/", prodPage, "", "", ""}, // сайт.рф: one script
	{"https://xn--wgv71a119e.jp/", prodPage, "", "", ""},   // 日本語 (Han) .jp
	{"https://a-b.c-d.fr/", prodPage, "", "", ""},
	{"https://x1.fr/", prodPage, "", "", ""},
	{"http://localhost/cb", integRedirect, "", "", ""},
	{"http://localhost:3000/oidc/callback", integRedirect, "", "", ""},
	{"https://localhost:3000/oidc/callback", integRedirect, "", "", ""},
	{"https://app.localhost/cb", integRedirect, "", "", ""},
	{"https://fs.test/cb", integRedirect, "", "", ""},
	{"https://fs.example.fr/cb?code=abc", prodPage, "", "", ""}, // query checked for redirects only

	// Syntax.
	{"https://fs.example.fr/" + strings.Repeat("a", 1003), prodPage, TooLong, "1025", ""},
	{"https://fs.example.fr/" + strings.Repeat("a", 1002), prodPage, "", "", ""},
	{"https://café.fr/", prodPage, NonASCII, "é (U+00E9)", ""},
	{"https://fs.example.fr/cb\u202e", prodPage, NonASCII, "U+202E", ""},
	{"https://fs.example.fr/\u200bcb", prodPage, NonASCII, "U+200B", ""},
	{"https://fs.example.fr/\xff", prodPage, NonASCII, "0xFF", ""},
	{"https://fs.example.fr/a b", prodPage, Whitespace, "", ""},
	{" https://fs.example.fr/", prodPage, Whitespace, "", ""},
	{"https://fs.example.fr/cb\n", prodPage, Control, "U+000A", ""},
	{"https://fs.example.fr/\tcb", prodPage, Control, "U+0009", ""},
	{"https://fs.example.fr/cb\x7f", prodPage, Control, "U+007F", ""},
	{"https://fs.example.fr/cb%0a", prodPage, EncodedControl, "%0a", ""},
	{"https://fs.example.fr/cb%00", prodPage, EncodedControl, "%00", ""},
	{"https://fs.example.fr/cb?x=%1F", prodRedirect, EncodedControl, "%1F", ""},
	{"https://fs.example.fr/cb%7F", prodPage, EncodedControl, "%7F", ""},
	{"https://fs.example.fr/cb%zz", prodPage, BadPercent, "%zz", ""},
	{"https://fs.example.fr/cb%", prodPage, BadPercent, "%", ""},
	{"https://fs.example.fr/cb%4", prodPage, BadPercent, "%4", ""},
	{`https:\\evil.example\cb`, prodRedirect, Backslash, "", ""},
	{`https://fs.example.fr\@evil.example/`, prodRedirect, Backslash, "", ""},
	{"https://*.example.fr/cb", prodRedirect, Wildcard, "", ""},
	{"https://fs.example.fr/*", prodRedirect, Wildcard, "", ""},
	{"https://fs.example.fr/<script>", prodPage, BadChar, "<", ""},
	{"https://fs.example.fr/a|b", prodPage, BadChar, "|", ""},
	{"https://fs.example.fr/a[0]", prodPage, BadChar, "[", ""},
	{"https://fs.example.fr/?a]", prodRedirect, BadChar, "]", ""},
	{"", prodPage, NotAbsolute, "", ""},
	{"/oidc/callback", prodRedirect, NotAbsolute, "", ""},
	{"fs.example.fr/cb", prodRedirect, NotAbsolute, "", "https://fs.example.fr/cb"},
	{"FS.example.fr", prodRedirect, NotAbsolute, "", "https://fs.example.fr/"},
	{"//fs.example.fr/cb", prodRedirect, NotAbsolute, "", "https://fs.example.fr/cb"},
	{"fs.example.fr:8443/cb", prodRedirect, NotAbsolute, "", "https://fs.example.fr:8443/cb"},
	{"localhost:3000/cb", integRedirect, NotAbsolute, "", "https://localhost:3000/cb"},
	{"callback", prodRedirect, NotAbsolute, "", ""},
	{"fs.example.fr/" + strings.Repeat("a", 1005), prodRedirect, NotAbsolute, "", ""},
	{"fs.example.fr/" + strings.Repeat("a", 994), prodRedirect, NotAbsolute, "", "https://fs.example.fr/" + strings.Repeat("a", 994)},
	{"fs." + strings.Repeat("a", 60) + "." + strings.Repeat("b", 60) + ".fr" + strings.Repeat("?", 893), prodRedirect, NotAbsolute, "", ""},
	{"1https://fs.example.fr/", prodRedirect, NotAbsolute, "", ""},
	{"javascript:alert(1)//https://fs.example.fr", prodRedirect, ForbiddenScheme, "javascript", ""},
	{"JavaScript:alert(1)", prodRedirect, ForbiddenScheme, "javascript", ""},
	{"data:text/html,hello", prodRedirect, ForbiddenScheme, "data", ""},
	{"file:///etc/passwd", prodPage, ForbiddenScheme, "file", ""},
	{"blob:https://fs.example.fr/x", prodRedirect, ForbiddenScheme, "blob", ""},
	{"vbscript:msgbox", prodRedirect, ForbiddenScheme, "vbscript", ""},
	{"about:blank", prodRedirect, ForbiddenScheme, "about", ""},
	{"https:/fs.example.fr/cb", prodRedirect, NoAuthority, "https", ""},
	{"https:fs.example.fr/cb", prodRedirect, NoAuthority, "https", ""},
	{"https://fs.example.fr@evil.example/cb", prodRedirect, Userinfo, "evil.example", ""},
	{"https://user:pass@fs.example.fr/cb", prodRedirect, Userinfo, "fs.example.fr", ""},
	{"https://a@b@evil.example:8443/", prodRedirect, Userinfo, "evil.example", ""},
	{"https://@/", prodRedirect, Userinfo, "", ""},
	{"https:///cb", prodRedirect, EmptyHost, "", ""},
	{"https://:443/cb", prodRedirect, EmptyHost, "", ""},
	{"https://fs.example.fr:0/cb", prodRedirect, BadPort, "0", ""},
	{"https://fs.example.fr:000/cb", prodRedirect, BadPort, "000", ""},
	{"https://fs.example.fr:65536/cb", prodRedirect, BadPort, "65536", ""},
	{"https://fs.example.fr:99999999999999999999/", prodRedirect, BadPort, "99999999999999999999", ""},
	{"https://fs.example.fr:https/cb", prodRedirect, BadPort, "https", ""},
	{"https://fs.example.fr:80:90/cb", prodRedirect, BadPort, "80:90", ""},
	{"https://fs.example.fr:-1/cb", prodRedirect, BadPort, "-1", ""},
	{"https://[::1/cb", prodRedirect, BadChar, "[", ""},
	{"https://[::1]x/cb", prodRedirect, BadChar, "]", ""},
	{"https://fs[1].example.fr/", prodRedirect, BadChar, "[", ""},

	// Fragment: any '#', even empty, wins over what follows.
	{"https://fs.example.fr/callback#", prodRedirect, HasFragment, "", "https://fs.example.fr/callback"},
	{"https://fs.example.fr/callback#/admin", prodRedirect, HasFragment, "", "https://fs.example.fr/callback"},
	{"https://fs.example.fr#", prodPage, HasFragment, "", "https://fs.example.fr/"},
	{"https://fs.example.fr/cb?a=1#x", prodRedirect, HasFragment, "", "https://fs.example.fr/cb?a=1"},
	{"HTTP://FS.Example.fr:80/cb#top", prodRedirect, HasFragment, "", "https://fs.example.fr/cb"},
	{"http://localhost:3000/cb#", integRedirect, HasFragment, "", "http://localhost:3000/cb"},
	{"https://127.0.0.1/cb#", prodRedirect, HasFragment, "", "https://127.0.0.1/cb"},
	{"ftp://fs.example.fr/#x", prodRedirect, HasFragment, "", "ftp://fs.example.fr/"},

	// Scheme.
	{"http://fs.example.fr/cb", prodRedirect, NotHTTPS, "http", "https://fs.example.fr/cb"},
	{"http://fs.example.fr/cb", integRedirect, NotHTTPS, "http", "https://fs.example.fr/cb"},
	{"HTTP://FS.example.fr:80/cb", prodRedirect, NotHTTPS, "http", "https://fs.example.fr/cb"},
	{"http://fs.example.fr:8080/cb", prodRedirect, NotHTTPS, "http", "https://fs.example.fr:8080/cb"},
	{"http://fs.example.fr:443/cb", prodRedirect, NotHTTPS, "http", "https://fs.example.fr/cb"},
	{"http://FS.example.fr./cb", prodRedirect, NotHTTPS, "http", "https://fs.example.fr/cb"},
	{"http://localhost:3000/cb", prodRedirect, NotHTTPS, "http", ""},
	{"http://localhost:3000/cb", integPage, NotHTTPS, "http", ""},
	{"http://127.0.0.1:3000/cb", integRedirect, NotHTTPS, "http", ""},
	{"http://app.localhost/cb", integRedirect, NotHTTPS, "http", "https://app.localhost/cb"},
	{"ftp://fs.example.fr/", prodPage, NotHTTPS, "ftp", ""},
	{"mailto:contact@lyon.fr", prodPage, NotHTTPS, "mailto", ""},
	{"com.example.app:/callback", prodRedirect, NotHTTPS, "com.example.app", ""},
	{"wss://fs.example.fr/", prodPage, NotHTTPS, "wss", ""},

	// Host.
	{"https://127.0.0.1/cb", prodRedirect, IPLiteral, "127.0.0.1", ""},
	{"https://203.0.113.10/cb", integPage, IPLiteral, "203.0.113.10", ""},
	{"https://[::1]/cb", prodRedirect, IPLiteral, "[::1]", ""},
	{"https://[2001:db8::1]:8443/cb", prodRedirect, IPLiteral, "[2001:db8::1]", ""},
	{"https://[v1.x]/cb", prodRedirect, IPLiteral, "[v1.x]", ""},
	{"https://127.1/cb", prodRedirect, NumericHost, "127.1", ""},
	{"https://2130706433/cb", prodRedirect, NumericHost, "2130706433", ""},
	{"https://0x7f.1/cb", prodRedirect, NumericHost, "0x7f.1", ""},
	{"https://0x7f000001/cb", prodRedirect, NumericHost, "0x7f000001", ""},
	{"https://0177.0.0.1/cb", prodRedirect, NumericHost, "0177.0.0.1", ""},
	{"https://fs.example.0x1f/cb", prodRedirect, NumericHost, "fs.example.0x1f", ""},
	{"https://fs.example.fr./cb", prodRedirect, TrailingDot, "fs.example.fr.", "https://fs.example.fr/cb"},
	{"https://FS.example.fr../cb", prodRedirect, TrailingDot, "FS.example.fr..", "https://fs.example.fr/cb"},
	{"https://./cb", prodRedirect, TrailingDot, ".", ""},
	{"https://127.1./cb", prodRedirect, TrailingDot, "127.1.", ""},
	{"https://fs..example.fr/cb", prodRedirect, EmptyLabel, "fs..example.fr", ""},
	{"https://.fs.example.fr/cb", prodRedirect, EmptyLabel, ".fs.example.fr", ""},
	{"https://" + strings.Repeat("a", 64) + ".fr/", prodPage, LabelTooLong, strings.Repeat("a", 64), ""},
	{"https://" + strings.Repeat("a.", 127) + "fr/", prodPage, HostTooLong, "256", ""},
	{"https://fs_01.example.fr/", prodPage, BadLabel, "fs_01", ""},
	{"https://-fs.example.fr/", prodPage, BadLabel, "-fs", ""},
	{"https://fs-.example.fr/", prodPage, BadLabel, "fs-", ""},
	{"https://ex%61mple.fr/", prodPage, BadLabel, "ex%61mple", ""},
	{"https://fs!.example.fr/", prodPage, BadLabel, "fs!", ""},
	{"https://intranet/cb", prodRedirect, SingleLabel, "intranet", ""},
	{"https://intranet/cb", integRedirect, SingleLabel, "intranet", ""},
	{"https://fr/", prodPage, SingleLabel, "fr", ""},
	{"https://localhost/cb", prodRedirect, Localhost, "localhost", ""},
	{"https://LOCALHOST:8443/cb", prodRedirect, Localhost, "LOCALHOST", ""},
	{"https://localhost/", integPage, Localhost, "localhost", ""},
	{"https://app.localhost/cb", prodRedirect, Localhost, "app.localhost", ""},
	{"https://fs.local/cb", prodRedirect, SpecialUse, ".local", ""},
	{"https://fs.lyon.internal/cb", prodRedirect, SpecialUse, ".internal", ""},
	{"https://fs.test/cb", prodPage, SpecialUse, ".test", ""},
	{"https://fs.invalid/cb", prodPage, SpecialUse, ".invalid", ""},
	{"https://box.home.arpa/cb", prodPage, SpecialUse, ".home.arpa", ""},
	{"https://fs.example/cb", prodPage, SpecialUse, ".example", ""},
	{"https://xn--abc.fr/", prodPage, BadPunycode, "xn--abc", ""},
	{"https://xn--.fr/", prodPage, BadLabel, "xn--", ""},
	{"https://xn--zz.fr/", prodPage, BadPunycode, "xn--zz", ""},
	{"https://xn--rgion-bva-.fr/", prodPage, BadLabel, "xn--rgion-bva-", ""},
	{"https://xn--lyon-.fr/", prodPage, BadLabel, "xn--lyon-", ""},
	{"https://xn--mairie.fr/", prodPage, BadPunycode, "xn--mairie", ""},
	{"https://famille.xn--lyn-ted.fr/", prodPage, MixedScript, "xn--lyn-ted", ""},
	{"https://xn--pple-43d.com/", prodPage, MixedScript, "xn--pple-43d", ""},

	// Canonical form: the raw string FranceConnect compares.
	{"https://FS.Example.FR/cb", prodRedirect, UpperCase, "", "https://fs.example.fr/cb"},
	{"HTTPS://fs.example.fr/cb", prodRedirect, UpperCase, "", "https://fs.example.fr/cb"},
	{"https://XN--DMARCHES-B1A.lyon.fr/", prodRedirect, UpperCase, "", "https://xn--dmarches-b1a.lyon.fr/"},
	{"https://fs.example.fr/CB", prodRedirect, "", "", ""},
	{"https://fs.example.fr:443/cb", prodRedirect, DefaultPort, "443", "https://fs.example.fr/cb"},
	{"https://fs.example.fr:0443/cb", prodRedirect, DefaultPort, "0443", "https://fs.example.fr/cb"},
	{"http://localhost:80/cb", integRedirect, DefaultPort, "80", "http://localhost/cb"},
	{"https://localhost:80/cb", integRedirect, "", "", ""},
	{"https://fs.example.fr:/cb", prodRedirect, PortForm, "", "https://fs.example.fr/cb"},
	{"https://fs.example.fr:08443/cb", prodRedirect, PortForm, "08443", "https://fs.example.fr:8443/cb"},
	{"https://fs.example.fr", prodPage, EmptyPath, "", "https://fs.example.fr/"},
	{"https://fs.example.fr?" + strings.Repeat("a", 1002), prodPage, EmptyPath, "", ""},
	{"https://fs.example.fr?a=b", prodRedirect, EmptyPath, "", "https://fs.example.fr/?a=b"},
	{"https://fs.example.fr/a/../cb", prodRedirect, DotSegment, "", "https://fs.example.fr/cb"},
	{"https://fs.example.fr/./cb", prodRedirect, DotSegment, "", "https://fs.example.fr/cb"},
	{"https://fs.example.fr/cb/.", prodRedirect, DotSegment, "", "https://fs.example.fr/cb/"},
	{"https://fs.example.fr/a/b/..", prodRedirect, DotSegment, "", "https://fs.example.fr/a/"},
	{"https://fs.example.fr/../../cb", prodRedirect, DotSegment, "", "https://fs.example.fr/cb"},
	{"https://fs.example.fr/%2e%2e/cb", prodRedirect, DotSegment, "", "https://fs.example.fr/cb"},
	{"https://fs.example.fr/a/%2E./cb", prodRedirect, DotSegment, "", "https://fs.example.fr/cb"},
	{"https://fs.example.fr/a/.%2e", prodRedirect, DotSegment, "", "https://fs.example.fr/"},
	{"https://fs.example.fr/a/%2e", prodRedirect, DotSegment, "", "https://fs.example.fr/a/"},
	{"https://fs.example.fr/cb?next=/a/../b", prodRedirect, "", "", ""},

	// Query (redirect and post-logout URIs).
	{"https://fs.example.fr/cb?code=abc&state=xyz", prodRedirect, ReservedParam, "code", ""},
	{"https://fs.example.fr/cb?lang=fr&state", prodRedirect, ReservedParam, "state", ""},
	{"https://fs.example.fr/cb?iss=https://evil.example", prodRedirect, ReservedParam, "iss", ""},
	{"https://fs.example.fr/cb?error=x", integRedirect, ReservedParam, "error", ""},
	{"https://fs.example.fr/cb?session_state=1", prodRedirect, ReservedParam, "session_state", ""},
	{"https://fs.example.fr/cb?%63ode=1", prodRedirect, ReservedParam, "code", ""},
	{"https://fs.example.fr/cb?codes=1&xstate=2", prodRedirect, "", "", ""},
	{"https://FS.example.fr/cb?code=1", prodRedirect, UpperCase, "", "https://fs.example.fr/cb?code=1"},

	// Open redirect (a warning).
	{"https://fs.example.fr/cb?next=https://evil.example/", prodRedirect, URLInQuery, "next", ""},
	{"https://fs.example.fr/cb?next=https%3A%2F%2Fevil.example%2F", prodRedirect, URLInQuery, "next", ""},
	{"https://fs.example.fr/cb?u=https%253A%252F%252Fevil.example", prodRedirect, URLInQuery, "u", ""},
	{"https://fs.example.fr/cb?u=//evil.example", prodRedirect, URLInQuery, "u", ""},
	{"https://fs.example.fr/cb?u=%5C%5Cevil.example", prodRedirect, URLInQuery, "u", ""},
	{"https://fs.example.fr/cb?u=%2F%5Cevil.example", prodRedirect, URLInQuery, "u", ""},
	{"https://fs.example.fr/cb?u=https:evil.example", prodRedirect, URLInQuery, "u", ""},
	{"https://fs.example.fr/cb?u=ht%09tps://evil.example", prodRedirect, EncodedControl, "%09", ""},
	{"https://fs.example.fr/cb?r%65turn=ftp://evil.example", prodRedirect, URLInQuery, "return", ""},
	{"https://fs.example.fr/cb?go=javascript%3Aalert(1)", prodRedirect, URLInQuery, "go", ""},
	{"https://fs.example.fr/cb?next=/mon-compte", prodRedirect, "", "", ""},
	{"https://fs.example.fr/cb?mail=mailto:a@b.fr", prodRedirect, "", "", ""},
	{"https://fs.example.fr/cb?next=https://evil.example/", prodPage, "", "", ""},
	{"https://fs.example.fr/cb?mail=a@b.fr", prodRedirect, "", "", ""},
}

func TestCheck(t *testing.T) {
	for _, c := range checkCases {
		got := Check(c.raw, c.opts)
		if len(got) > 1 {
			t.Errorf("Check(%q) = %+v: more than one problem", c.raw, got)
			continue
		}
		if c.reason == "" {
			if len(got) != 0 {
				t.Errorf("Check(%q, %+v) = %+v, want no problem", c.raw, c.opts, got)
			}
			continue
		}
		if len(got) == 0 {
			t.Errorf("Check(%q, %+v) = nil, want %s", c.raw, c.opts, c.reason)
			continue
		}
		p := got[0]
		if p.Reason != c.reason || p.Detail != c.detail || p.Fix != c.fix {
			t.Errorf("Check(%q, %+v) = %+v\n\twant reason %s, detail %q, fix %q", c.raw, c.opts, p, c.reason, c.detail, c.fix)
		}
		if want := kindOf(c.reason); p.Kind != want {
			t.Errorf("Check(%q): kind %s, want %s", c.raw, p.Kind, want)
		}
	}
}

// kindOf is the kind each reason belongs to.
func kindOf(r Reason) Kind {
	switch r {
	case HasFragment:
		return Fragment
	case NotHTTPS:
		return Scheme
	case IPLiteral, NumericHost, TrailingDot, EmptyLabel, HostTooLong, LabelTooLong, BadLabel,
		SingleLabel, Localhost, SpecialUse, BadPunycode, MixedScript:
		return Host
	case UpperCase, DefaultPort, PortForm, EmptyPath, DotSegment:
		return NotCanonical
	case ReservedParam:
		return Query
	case URLInQuery:
		return OpenRedirect
	}
	return Syntax
}

// TestOneErrorPerURI: a URI that breaks several checks gets one problem, the
// most fundamental.
func TestOneErrorPerURI(t *testing.T) {
	for _, c := range []struct {
		raw  string
		want Reason
	}{
		// fragment, http, capitals, default port
		{"HTTP://Famille.Lyon.fr:80/oidc/callback#top", HasFragment},
		// http, IP address, reserved parameter
		{"http://127.0.0.1/cb?code=1", NotHTTPS},
		// space, fragment, http
		{"http://fs.example.fr/a b#x", Whitespace},
		// IP address, default port, dot segment, reserved parameter
		{"https://127.0.0.1:443/a/../cb?state=1", IPLiteral},
		// capitals, reserved parameter, URL in the query
		{"https://FS.example.fr/cb?state=1&next=https://evil.example", UpperCase},
		// reserved parameter and URL in the query: the warning waits
		{"https://fs.example.fr/cb?state=1&next=https://evil.example", ReservedParam},
	} {
		got := Check(c.raw, prodRedirect)
		if len(got) != 1 || got[0].Reason != c.want {
			t.Errorf("Check(%q) = %+v, want exactly one %s", c.raw, got, c.want)
		}
	}
}

func TestCanonical(t *testing.T) {
	for _, c := range []struct{ raw, want, err string }{
		{"https://fs.example.fr/cb", "https://fs.example.fr/cb", ""},
		{"HTTPS://FS.Example.FR:443", "https://fs.example.fr/", ""},
		{"http://LOCALHOST:80/a/./b/../c?x=%2e%2E", "http://localhost/a/c?x=%2e%2E", ""},
		{"https://fs.example.fr:8443/a/%2E%2e/b?", "https://fs.example.fr:8443/b?", ""},
		{"https://[::1]:443/", "https://[::1]/", ""},
		{"https://fs.example.fr/cb#x", "", "fragment"},
		{"ftp://fs.example.fr/", "", "not-https"},
		{"fs.example.fr/cb", "", "not-absolute"},
		{"https://a@b.fr/", "", "userinfo"},
	} {
		got, err := Canonical(c.raw)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("Canonical(%q) = %q, %v; want an error %q", c.raw, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Canonical(%q) = %q, %v; want %q", c.raw, got, err, c.want)
		}
	}
}

func TestParseHostPort(t *testing.T) {
	for raw, want := range map[string]string{
		"https://fs.example.fr/cb":      "fs.example.fr",
		"https://FS.example.fr:443/cb":  "fs.example.fr",
		"https://fs.example.fr:8443/cb": "fs.example.fr:8443",
		"http://localhost:3000/cb":      "localhost:3000",
		"http://localhost:80/cb":        "localhost",
		"https://fs.example.fr:08443/":  "fs.example.fr:8443",
	} {
		u, err := Parse(raw)
		if err != nil || u.HostPort() != want {
			t.Errorf("Parse(%q).HostPort() = %v, %v; want %q", raw, u, err, want)
		}
	}
}

func TestRemoveDotSegments(t *testing.T) {
	for in, want := range map[string]string{
		"":             "",
		"/":            "/",
		"/a/b":         "/a/b",
		"/.":           "/",
		"/..":          "/",
		"/a/.":         "/a/",
		"/a/..":        "/",
		"/a/../":       "/",
		"/a/./b/../c":  "/a/c",
		"/../a":        "/a",
		"/a//../b":     "/a/b",
		"/a/.b/..c/":   "/a/.b/..c/",
		"/a/%2e%2e%2e": "/a/%2e%2e%2e",
		"/a/%2E/b":     "/a/b",
	} {
		if got := removeDotSegments(in); got != want {
			t.Errorf("removeDotSegments(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMixedScript(t *testing.T) {
	for label, want := range map[string]bool{
		"lyon":      false,
		"démarches": false,
		"ly\u043en": true,  // Cyrillic о
		"сайт":      false, // Cyrillic only
		"日本語":       false,
		"日本go":      false, // Han + Latin: allowed (UTS #39 highly restrictive)
		"ひらがなカタカナ":  false,
		"παρisι":    true,
		"한국abc":     false,
		"한국ひら":      true,
		"a1-b2":     false,
	} {
		if got := mixedScript(label); got != want {
			t.Errorf("mixedScript(%q) = %v, want %v", label, got, want)
		}
	}
}

func TestProblemError(t *testing.T) {
	p := Check("https://a@evil.example/", prodPage)[0]
	if got := p.Error(); got != `uri: syntax: userinfo: "evil.example"` {
		t.Errorf("Error() = %q", got)
	}
	p = Check("https://fs.example.fr/ x", prodPage)[0]
	if got := p.Error(); got != "uri: syntax: whitespace" {
		t.Errorf("Error() = %q", got)
	}
	if got := Kind(0).String(); got != "Kind(0)" {
		t.Errorf("Kind(0) = %q", got)
	}
}

// checkInvariants holds for every input: no panic, at most one problem, a
// fix that does not bring back the problem or an earlier one, agreement
// with net/url on every accepted URI.
func checkInvariants(t *testing.T, raw string, opts Options) {
	t.Helper()
	got := Check(raw, opts)
	// CheckParsed reads raw once for both answers: each must be what
	// Check and Parse give alone.
	problems, parsed := CheckParsed(raw, opts)
	if !reflect.DeepEqual(problems, got) {
		t.Fatalf("CheckParsed(%q) problems %+v, Check %+v", raw, problems, got)
	}
	if u, err := Parse(raw); (err == nil) != (parsed != nil) || err == nil && *u != *parsed {
		t.Fatalf("CheckParsed(%q) URI %+v, Parse %+v, %v", raw, parsed, u, err)
	}
	if parsed != nil {
		if w := parsed.String(); parsed.WrittenAs(raw) != (w == raw) || !parsed.WrittenAs(w) {
			t.Fatalf("%+v written as %q: WrittenAs(%q) = %v, WrittenAs itself = %v", parsed, w, raw, parsed.WrittenAs(raw), parsed.WrittenAs(w))
		}
	}
	if len(got) > 1 {
		t.Fatalf("Check(%q) = %+v: more than one problem", raw, got)
	}
	if len(got) == 1 {
		p := got[0]
		if p.Kind < Syntax || p.Kind > OpenRedirect || p.Reason == "" {
			t.Fatalf("Check(%q) = %+v: no kind or reason", raw, p)
		}
		if strings.Contains(p.Detail, raw) && len(raw) > 8 {
			t.Fatalf("Check(%q): the detail %q echoes the whole URI", raw, p.Detail)
		}
		if p.Fix != "" {
			if e := FirstError(Check(p.Fix, opts)); e != nil && e.Kind <= p.Kind {
				t.Fatalf("Check(%q) fix %q has problem %+v, no later than %s", raw, p.Fix, e, p.Kind)
			}
			if c, err := Canonical(p.Fix); err == nil && c != p.Fix {
				t.Fatalf("Check(%q) fix %q is not canonical (%q)", raw, p.Fix, c)
			}
		}
	}
	if c, err := Canonical(raw); err == nil {
		if c2, err := Canonical(c); err != nil || c2 != c {
			t.Fatalf("Canonical(%q) = %q, but Canonical(%q) = %q, %v", raw, c, c, c2, err)
		}
	}
	if FirstError(got) != nil {
		return
	}
	// Accepted: the URI must be exactly what a browser sends back.
	if len(raw) > MaxLength || strings.ContainsAny(raw, "#*\\ ") || !utf8.ValidString(raw) {
		t.Fatalf("Check accepted %q", raw)
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] < 0x21 || raw[i] >= 0x7f {
			t.Fatalf("Check accepted %q with byte 0x%02x", raw, raw[i])
		}
	}
	if !strings.HasPrefix(raw, "https://") && !(opts.Localhost && !opts.Production && strings.HasPrefix(raw, "http://localhost")) {
		t.Fatalf("Check accepted %q: not https", raw)
	}
	if c, err := Canonical(raw); err != nil || c != raw {
		t.Fatalf("Check accepted %q, whose canonical form is %q (%v)", raw, c, err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("Check accepted %q, which net/url rejects: %v", raw, err)
	}
	pu, err := Parse(raw)
	if err != nil {
		t.Fatalf("Check accepted %q, which Parse rejects: %v", raw, err)
	}
	if u.User != nil || u.Hostname() != pu.Host || u.Port() != pu.Port || u.RawQuery != pu.Query || u.Scheme != pu.Scheme {
		t.Fatalf("Check accepted %q, read as %+v by net/url and %+v here", raw, u, pu)
	}
}

func TestInvariants(t *testing.T) {
	for _, c := range checkCases {
		for _, opts := range []Options{prodRedirect, integRedirect, prodPage, integPage} {
			checkInvariants(t, c.raw, opts)
		}
	}
}

// FuzzCheck runs the invariants on arbitrary strings, starting from every
// case of the table. Run: go test ./internal/uri -fuzz FuzzCheck.
func FuzzCheck(f *testing.F) {
	for _, c := range checkCases {
		f.Add(c.raw, c.opts.Production, c.opts.Localhost, c.opts.Redirect)
	}
	f.Fuzz(func(t *testing.T, raw string, production, localhost, redirect bool) {
		checkInvariants(t, raw, Options{Production: production, Localhost: localhost, Redirect: redirect})
	})
}

func TestWrittenAs(t *testing.T) {
	full := &URI{Scheme: "https", Host: "a.fr", Port: "8443", Path: "/cb", Query: "x=1", HasQuery: true}
	emptyQuery := &URI{Scheme: "https", Host: "a.fr", Path: "/cb", HasQuery: true}
	tests := []struct {
		u    *URI
		s    string
		want bool
	}{
		{full, "https://a.fr:8443/cb?x=1", true},
		{full, "https://a.fr:8443/cb?x=12", false},
		{full, "https://a.fr:844/cb?x=1", false},
		{full, "https://a.fr:84430/cb?x=1", false},
		{full, "https://a.fr:8443/cb", false},
		{full, "https://a.fr:8443/cb?x=1#", false},
		{full, "http://a.fr:8443/cb?x=1", false},
		{full, "https://a.fr:8443", false},
		{emptyQuery, "https://a.fr/cb?", true},
		{emptyQuery, "https://a.fr/cb", false},
		{emptyQuery, "https://a.fr/cb?x", false},
	}
	for _, tt := range tests {
		if got := tt.u.WrittenAs(tt.s); got != tt.want || got != (tt.u.String() == tt.s) {
			t.Errorf("%+v WrittenAs(%q) = %v, want %v", tt.u, tt.s, got, tt.want)
		}
	}
}

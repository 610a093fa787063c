// Package uri checks the URIs of a request (redirect, post-logout, site,
// sector identifier, JWKS) and computes their canonical form.
//
// FranceConnect (node-oidc-provider) compares redirect URIs as raw strings,
// and a request file comes from an untrusted pull request: a URI is accepted
// only when it is an absolute https URI on a public DNS name, written in the
// one form a browser will send back. The package is pure: no network, no
// knowledge of files or findings. Wording for publishers is the caller's.
package uri

import (
	"fmt"
	"strconv"
	"strings"
)

// MaxLength is the longest URI FranceConnect stores (bytes; a valid URI is
// ASCII, so bytes are characters).
const MaxLength = 1024

// Kind is the family of a problem. Kinds are ordered from the most
// fundamental to the most superficial: Check runs them in this order and
// stops at the first one that fails (see Check).
type Kind int

const (
	Syntax       Kind = iota + 1 // not an absolute URI made of the RFC 3986 characters
	Fragment                     // a '#' anywhere
	Scheme                       // not https (nor http://localhost where allowed)
	Host                         // not a public DNS name
	NotCanonical                 // not written in canonical form
	Query                        // an OAuth response parameter in the query
	OpenRedirect                 // a query value that is a URL (the only warning)
)

var kindNames = [...]string{"", "syntax", "fragment", "scheme", "host", "canonical", "query", "open-redirect"}

func (k Kind) String() string {
	if k < Syntax || k > OpenRedirect {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// IsWarning reports whether problems of this kind are a smell rather than an
// error.
func (k Kind) IsWarning() bool { return k == OpenRedirect }

// Reason is the precise cause of a problem within its kind, for callers that
// word a message per cause.
type Reason string

// Reasons, grouped by kind. The comment says what Detail holds.
const (
	// Syntax.
	TooLong         Reason = "too-long"         // the length
	NonASCII        Reason = "non-ascii"        // the character and its code point, "é (U+00E9)"
	Control         Reason = "control"          // the code point, "U+000A"
	Whitespace      Reason = "whitespace"       // (a space)
	EncodedControl  Reason = "encoded-control"  // the escape, "%0A"
	Backslash       Reason = "backslash"        // (a backslash)
	Wildcard        Reason = "wildcard"         // (a '*')
	BadChar         Reason = "bad-char"         // the character
	BadPercent      Reason = "bad-percent"      // the broken escape
	NotAbsolute     Reason = "not-absolute"     // (no scheme)
	ForbiddenScheme Reason = "forbidden-scheme" // the scheme, lowercase
	NoAuthority     Reason = "no-authority"     // the scheme as written (no "//" after it)
	Userinfo        Reason = "userinfo"         // the host a browser would really go to
	EmptyHost       Reason = "empty-host"       // (nothing after "//")
	BadPort         Reason = "bad-port"         // the port as written
	Unparsable      Reason = "unparsable"       // (net/url reads it otherwise; defensive)

	// Fragment.
	HasFragment Reason = "fragment" // (a '#')

	// Scheme.
	NotHTTPS Reason = "not-https" // the scheme, lowercase

	// Host.
	IPLiteral    Reason = "ip-literal"     // the host
	NumericHost  Reason = "numeric-host"   // the host
	TrailingDot  Reason = "trailing-dot"   // the host
	EmptyLabel   Reason = "empty-label"    // the host
	HostTooLong  Reason = "host-too-long"  // the length
	LabelTooLong Reason = "label-too-long" // the label
	BadLabel     Reason = "bad-label"      // the label
	SingleLabel  Reason = "single-label"   // the host
	Localhost    Reason = "localhost"      // the host
	SpecialUse   Reason = "special-use"    // the reserved suffix, ".local"
	BadPunycode  Reason = "bad-punycode"   // the label
	MixedScript  Reason = "mixed-script"   // the label

	// NotCanonical (Fix is always the canonical form).
	UpperCase   Reason = "uppercase"    // (capitals in the scheme or the host)
	DefaultPort Reason = "default-port" // the port as written
	PortForm    Reason = "port-form"    // the port as written (empty, or leading zeros)
	EmptyPath   Reason = "empty-path"   // ("https://x.fr" for "https://x.fr/")
	DotSegment  Reason = "dot-segment"  // (".", ".." or "%2e" segments)

	// Query.
	ReservedParam Reason = "reserved-param" // the parameter name, decoded

	// OpenRedirect.
	URLInQuery Reason = "url-in-query" // the parameter name, decoded
)

// Problem is one thing wrong with a URI.
type Problem struct {
	Kind   Kind
	Reason Reason
	// Detail is the offending part (a character, label, port, parameter…),
	// never the whole URI; "" when the reason says it all.
	Detail string
	// Fix is the value to write instead when the fix is mechanical, else
	// "". It is in canonical form (when it has one), removes this problem
	// and introduces no problem of an earlier kind. It also carries the
	// later mechanical fixes (dropping a fragment from HTTP://X.fr:80/cb#a
	// gives https://x.fr/cb), but may still have a later problem that has
	// none (an IP address), which the next run reports. The https version
	// of an http URI is offered only when its host is acceptable too.
	Fix string
}

// Error describes the problem in English, for callers that only need an
// error (export, online checks).
func (p *Problem) Error() string {
	if p.Detail == "" {
		return fmt.Sprintf("uri: %s: %s", p.Kind, p.Reason)
	}
	return fmt.Sprintf("uri: %s: %s: %q", p.Kind, p.Reason, p.Detail)
}

// Options say where a URI is used, which changes what it may be.
type Options struct {
	// Localhost accepts the host localhost, over http or https, with any
	// port: a developer's machine during integration (redirect and
	// post-logout URIs). Production overrides it.
	Localhost bool
	// Production rejects localhost, *.localhost and the special-use names
	// (.local, .test…) that no citizen's browser can reach.
	Production bool
	// Redirect checks the query for OAuth response parameters and for
	// values that are URLs (redirect and post-logout URIs).
	Redirect bool
}

// Check returns what is wrong with raw, used as opts say.
//
// It returns at most one error: the kinds run in a fixed order (syntax,
// fragment, scheme, host, canonical, query) and the first that fails wins.
// Fixing the most fundamental problem changes the others (removing a
// userinfo changes the host; the https version of a URI has another default
// port), so reporting them together would list problems that are not
// really there and suggestions that contradict each other. Warnings
// (OpenRedirect) are returned only when there is no error. A nil result
// means raw is fine.
func Check(raw string, opts Options) []Problem {
	problems, _ := check(raw, opts, fixDepth)
	return problems
}

// CheckParsed is Check, and also returns what Parse returns for raw (nil
// where Parse fails), from the same reading: the rules that compare hosts
// or canonical forms need not read the URI a second time.
func CheckParsed(raw string, opts Options) ([]Problem, *URI) {
	return check(raw, opts, fixDepth)
}

// fixDepth bounds how many mechanical fixes a Fix chains (a fragment, then
// http, then the canonical form): one per kind that has a fix is enough.
const fixDepth = 4

// check is CheckParsed; fixes is how many more fixes a Fix may chain (0:
// compute no Fix), which bounds the work. The canonical form it returns
// is the one the canonical check works out anyway (parts.canonical keeps
// it).
func check(raw string, opts Options, fixes int) ([]Problem, *URI) {
	p, prob := split(raw)
	var u *URI
	if prob == nil {
		if p.fragAt < 0 && p.web { // what Parse accepts
			u = p.canonical()
		}
		prob = firstError(raw, p, opts, fixes)
	}
	if prob == nil && opts.Redirect {
		prob = checkOpenRedirect(p)
	}
	if prob == nil {
		return nil, u
	}
	return []Problem{*prob}, u
}

// firstError runs the checks after the syntax, in order.
func firstError(raw string, p *parts, opts Options, fixes int) *Problem {
	if prob := checkFragment(raw, p, opts, fixes); prob != nil {
		return prob
	}
	if prob := checkScheme(raw, p, opts, fixes); prob != nil {
		return prob
	}
	if prob := checkHost(raw, p, opts, fixes); prob != nil {
		return prob
	}
	if prob := checkCanonical(raw, p); prob != nil {
		return prob
	}
	if opts.Redirect {
		if prob := checkQuery(p); prob != nil {
			return prob
		}
	}
	return crossCheck(raw, p)
}

// FirstError returns the error among problems (Check returns at most one),
// or nil.
func FirstError(problems []Problem) *Problem {
	for i := range problems {
		if !problems[i].Kind.IsWarning() {
			return &problems[i]
		}
	}
	return nil
}

// URI is an absolute http or https URI split into its canonical components.
type URI struct {
	Scheme   string // "https" or "http"
	Host     string // lowercase; "[…]" for an IPv6 literal
	Port     string // decimal, "" for the scheme's default
	Path     string // starts with "/", without dot segments
	Query    string // as written, without the "?"
	HasQuery bool   // a "?" was written, even with an empty query
}

// Parse splits raw into canonical components. It fails (with a *Problem) only
// when raw is not an http or https URI with an authority, or has a fragment:
// whether the host and scheme are acceptable is Check's business, so that
// http://localhost:8080 or an IP address still have a canonical form.
func Parse(raw string) (*URI, error) {
	p, prob := split(raw)
	if prob != nil {
		return nil, prob
	}
	if p.fragAt >= 0 {
		return nil, &Problem{Kind: Fragment, Reason: HasFragment}
	}
	if !p.web {
		return nil, &Problem{Kind: Scheme, Reason: NotHTTPS, Detail: strings.ToLower(p.scheme)}
	}
	return p.canonical(), nil
}

// Canonical returns the canonical form of raw: lowercase scheme and host, no
// default port, a non-empty path without dot segments. The query is kept as
// written: rewriting it would change what the service's code compares. It
// fails as Parse does, and when the canonical form is over MaxLength.
func Canonical(raw string) (string, error) {
	u, err := Parse(raw)
	if err != nil {
		return "", err
	}
	return u.Canonical()
}

// Canonical is the URI written back in canonical form. It fails when that
// form is over MaxLength: "https://x.fr?…" gains a "/", and a canonical
// form past the limit is no form FranceConnect can store.
func (u *URI) Canonical() (string, error) {
	c := u.String()
	if len(c) > MaxLength {
		return "", syntaxProblem(TooLong, strconv.Itoa(len(c)))
	}
	return c, nil
}

// String writes the URI back.
func (u *URI) String() string {
	var b strings.Builder
	b.Grow(len(u.Scheme) + len(u.Host) + len(u.Port) + len(u.Path) + len(u.Query) + 5)
	b.WriteString(u.Scheme)
	b.WriteString("://")
	b.WriteString(u.Host)
	if u.Port != "" {
		b.WriteByte(':')
		b.WriteString(u.Port)
	}
	b.WriteString(u.Path)
	if u.HasQuery {
		b.WriteByte('?')
		b.WriteString(u.Query)
	}
	return b.String()
}

// WrittenAs reports whether s is the URI written back (u.String() == s),
// without writing it: nearly every URI of a request is canonical already,
// and the canonical check and the duplicate rule compare with it.
func (u *URI) WrittenAs(s string) bool {
	for _, part := range [...]string{u.Scheme, "://", u.Host} {
		if !strings.HasPrefix(s, part) {
			return false
		}
		s = s[len(part):]
	}
	if u.Port != "" {
		if len(s) < 1+len(u.Port) || s[0] != ':' || s[1:1+len(u.Port)] != u.Port {
			return false
		}
		s = s[1+len(u.Port):]
	}
	if !strings.HasPrefix(s, u.Path) {
		return false
	}
	s = s[len(u.Path):]
	if !u.HasQuery {
		return s == ""
	}
	return len(s) == 1+len(u.Query) && s[0] == '?' && s[1:] == u.Query
}

// HostPort is the host with its port when not the default: what OAuth calls
// the host when it decides whether redirect URIs need a sector identifier.
func (u *URI) HostPort() string {
	if u.Port == "" {
		return u.Host
	}
	return u.Host + ":" + u.Port
}

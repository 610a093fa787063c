package uri

import (
	"net/url"
	"slices"
	"strings"
)

// fixFor turns a candidate fix of a problem of kind k into the Fix: the
// candidate in canonical form, offered only if it has no problem of kind
// upTo (≥ k) or earlier: a fix must not be the next finding about the same
// thing. When the candidate still has a later problem with a mechanical
// fix, that fix is applied too, so that the publisher gets one suggestion
// that fixes everything mechanical at once.
func fixFor(candidate string, k, upTo Kind, opts Options, fixes int) string {
	if c, err := Canonical(candidate); err == nil {
		candidate = c
	}
	problems, _ := check(candidate, opts, fixes)
	e := FirstError(problems)
	switch {
	case e == nil:
		return candidate
	case e.Kind > k && e.Fix != "":
		return e.Fix
	case e.Kind <= upTo:
		return ""
	}
	return candidate
}

// checkFragment rejects any '#': FranceConnect refuses a fragment, and an
// empty trailing '#' that net/url drops would still make the raw strings
// differ.
func checkFragment(raw string, p *parts, opts Options, fixes int) *Problem {
	if p.fragAt < 0 {
		return nil
	}
	prob := &Problem{Kind: Fragment, Reason: HasFragment}
	if fixes > 0 {
		prob.Fix = fixFor(raw[:p.fragAt], Fragment, Fragment, opts, fixes-1)
	}
	return prob
}

// checkScheme wants https; http only for localhost where allowed (a
// developer's machine during integration, RFC 8252 §7.3).
func checkScheme(raw string, p *parts, opts Options, fixes int) *Problem {
	scheme := strings.ToLower(p.scheme)
	if scheme == "https" || scheme == "http" && allowsLocalhost(opts) && strings.EqualFold(p.host, "localhost") {
		return nil
	}
	prob := &Problem{Kind: Scheme, Reason: NotHTTPS, Detail: scheme}
	// The https version is a fix only if the host is acceptable too:
	// https://localhost or https://192.0.2.1 would just move the finding.
	if fixes > 0 && scheme == "http" {
		// From the canonical form, so that http's default port :80 goes
		// too: the https service is on https's default port.
		base := raw
		if c, err := Canonical(raw); err == nil {
			base = c
		}
		prob.Fix = fixFor("https"+base[len("http"):], Scheme, Host, opts, fixes-1)
	}
	return prob
}

func allowsLocalhost(opts Options) bool { return opts.Localhost && !opts.Production }

// checkCanonical compares raw with its canonical form: FranceConnect compares
// redirect URIs as raw strings, and a browser sends the canonical form.
func checkCanonical(raw string, p *parts) *Problem {
	u := p.canonical()
	if u.WrittenAs(raw) {
		return nil
	}
	c := u.String()
	prob := &Problem{Kind: NotCanonical, Fix: c}
	// The canonical form can be one character longer ("/" for an empty
	// path): past the limit, it is no fix.
	if len(c) > MaxLength {
		prob.Fix = ""
	}
	switch {
	case p.scheme != u.Scheme || p.host != u.Host:
		prob.Reason = UpperCase
	case p.hasPort && p.port != "" && u.Port == "":
		prob.Reason, prob.Detail = DefaultPort, p.port
	case p.hasPort && (p.port == "" || p.port != u.Port):
		prob.Reason, prob.Detail = PortForm, p.port
	case p.path == "":
		prob.Reason = EmptyPath
	default:
		prob.Reason = DotSegment
	}
	return prob
}

// canonical is the canonical form of the parts of a web URI, worked out
// once: the canonical check and CheckParsed both need it. Callers must not
// change it.
func (p *parts) canonical() *URI {
	if p.canon != nil {
		return p.canon
	}
	u := &URI{
		Scheme:   strings.ToLower(p.scheme),
		Host:     strings.ToLower(p.host),
		Path:     removeDotSegments(p.path),
		Query:    p.query,
		HasQuery: p.hasQuery,
	}
	if port := strings.TrimLeft(p.port, "0"); port != "" && port != defaultPort(u.Scheme) {
		u.Port = port
	}
	if u.Path == "" {
		u.Path = "/"
	}
	p.canon = u
	return u
}

func defaultPort(scheme string) string {
	if scheme == "http" {
		return "80"
	}
	return "443"
}

// removeDotSegments applies RFC 3986 §5.2.4, reading "%2e" as "." as
// browsers do (WHATWG URL), so that "/a/%2e%2e/cb" is seen as "/cb".
func removeDotSegments(path string) string {
	if path == "" {
		return ""
	}
	hasDotSegment := false
	for s := range strings.SplitSeq(path[1:], "/") {
		if dotSegment(s) != "" {
			hasDotSegment = true
			break
		}
	}
	if !hasDotSegment { // nearly every path: no allocation
		return path
	}
	segments := strings.Split(path[1:], "/")
	out := make([]string, 0, len(segments))
	for i, s := range segments {
		last := i == len(segments)-1
		switch dotSegment(s) {
		case ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
			continue
		}
		// "/a/." and "/a/b/.." name a directory: keep the final slash.
		if last {
			out = append(out, "")
		}
	}
	return "/" + strings.Join(out, "/")
}

// dotSegment returns "." or ".." when s is one (possibly percent-encoded),
// else "".
func dotSegment(s string) string {
	if len(s) > 6 {
		return ""
	}
	d := strings.ReplaceAll(strings.ReplaceAll(s, "%2e", "."), "%2E", ".")
	if d == "." || d == ".." {
		return d
	}
	return ""
}

// reservedParams are the parameters FranceConnect adds to the redirect URI
// (RFC 6749 §4.1.2, RFC 9207, OIDC session management): a second copy in
// the registered URI is parameter pollution, and which one the service reads
// depends on its framework.
var reservedParams = []string{"code", "state", "iss", "error", "session_state"}

// checkQuery rejects the parameters of an authorization response.
func checkQuery(p *parts) *Problem {
	if !p.hasQuery {
		return nil
	}
	for pair := range strings.SplitSeq(p.query, "&") {
		name, _, _ := strings.Cut(pair, "=")
		if name = decode(name); slices.Contains(reservedParams, name) {
			return &Problem{Kind: Query, Reason: ReservedParam, Detail: name}
		}
	}
	return nil
}

// checkOpenRedirect warns about a query value that is a URL
// ("?next=https://…"): a callback that redirects to it is an open
// redirector, through which an attacker can route the authorization code
// (RFC 9700 §4.11).
func checkOpenRedirect(p *parts) *Problem {
	if !p.hasQuery {
		return nil
	}
	for pair := range strings.SplitSeq(p.query, "&") {
		name, value, _ := strings.Cut(pair, "=")
		// Up to three decodings: double encoding is the usual way past a
		// naive check.
		for range 3 {
			if looksLikeURL(value) {
				return &Problem{Kind: OpenRedirect, Reason: URLInQuery, Detail: decode(name)}
			}
			d := decode(value)
			if d == value {
				break
			}
			value = d
		}
	}
	return nil
}

// looksLikeURL reports whether a (decoded) value is an absolute or
// scheme-relative URL as a browser would read it: WHATWG parsers drop tabs
// and newlines, trim leading spaces and controls, and read '\' as '/'.
func looksLikeURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		if r == '\\' {
			return '/'
		}
		return r
	}, v)
	v = strings.TrimLeftFunc(v, func(r rune) bool { return r <= ' ' })
	if strings.HasPrefix(v, "//") {
		return true
	}
	scheme, ok := schemeOf(v)
	if !ok {
		return false
	}
	rest := v[len(scheme)+1:]
	lower := strings.ToLower(scheme)
	// "https:evil.example" is read as https://evil.example/ by browsers,
	// and a page that redirects to "javascript:…" runs it.
	return strings.HasPrefix(rest, "//") || lower == "http" || lower == "https" || slices.Contains(forbiddenSchemes, lower)
}

// decode percent-decodes a query component ('+' is a space), leaving it as
// written when it is not valid.
func decode(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

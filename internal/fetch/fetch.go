// Package fetch is the only HTTP client in fsgate that touches a URL written
// in a request file. Those URLs come from untrusted pull requests, so the
// client is built as an SSRF barrier first and an HTTP client second:
//
//   - https on port 443 only, checked before any DNS lookup or dial;
//   - the address actually dialed is checked in net.Dialer.Control against
//     every internal or reserved range (code.dny.dev/ssrf plus the Azure
//     wire server), so a name that resolves — or re-resolves, as in DNS
//     rebinding — to 127.0.0.1 or 169.254.169.254 is refused at the socket;
//   - no proxy (the environment cannot reroute requests), no redirect (a
//     public URL cannot bounce the client to an internal one), no cookies;
//   - every fetch is bounded: 5 s in total, 200 only, 64 KiB of body, 8
//     fetches at once, each distinct URL fetched once per run.
//
// A failure is reported as a typed Failure whose message fsgate writes
// itself: it never carries the response body nor the text of an error that
// the peer could influence, because messages end up in public PR comments.
package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"syscall"
	"testing"
	"time"

	"code.dny.dev/ssrf"
)

const (
	// MaxBody is the largest response body accepted. A sector identifier
	// document or a JWKS is a few KiB; 64 KiB leaves room for many keys while
	// keeping a hostile server from filling memory.
	MaxBody = 64 << 10
	// DefaultTimeout bounds one fetch from the dial to the last body byte.
	DefaultTimeout = 5 * time.Second
	// DefaultConcurrency is how many fetches run at once.
	DefaultConcurrency = 8
	// UserAgent names fsgate so that a publisher reading its logs knows who
	// asked.
	UserAgent = "fsgate (+https://github.com/fsgate/fsgate; FranceConnect request checks)"

	// maxURL bounds the URL fetched; the offline rules already cap URIs at
	// 1024 characters, this only protects the client if it is called alone.
	maxURL = 2048
	// maxHeaderBytes bounds the response headers (net/http allows 1 MiB).
	maxHeaderBytes = 16 << 10
)

// guardian denies every special-purpose range of the IANA registries
// (loopback, RFC 1918, link-local with 169.254.169.254, CGNAT, multicast,
// unspecified, reserved; IPv6 outside 2000::/3, which covers ::1, ULA
// fc00::/7, link-local, multicast, IPv4-mapped ::ffff:0:0/96 and NAT64
// 64:ff9b::/96; inside it Teredo 2001::/32 and 6to4 2002::/16), only tcp4 and
// tcp6, and only port 443. 168.63.129.16, Azure's wire server, is a public
// address that no registry lists, so it is added by hand.
var guardian = ssrf.New(
	ssrf.WithPorts(443),
	ssrf.WithDeniedV4Prefixes(netip.MustParsePrefix("168.63.129.16/32")),
)

// Option configures a Fetcher.
type Option func(*config)

type config struct {
	timeout     time.Duration
	concurrency int
	resolver    *net.Resolver
	roots       *x509.CertPool
	allow       func(netip.AddrPort) bool
}

// WithTimeout replaces the 5 s bound on each fetch (tests use a short one).
func WithTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.timeout = d
		}
	}
}

// WithConcurrency replaces the number of fetches that may run at once.
func WithConcurrency(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.concurrency = n
		}
	}
}

// WithResolver replaces the DNS resolver. The address it returns is still
// checked at dial time, so a resolver cannot open a way to internal hosts;
// tests use it to make a name resolve to 127.0.0.1.
func WithResolver(r *net.Resolver) Option {
	return func(c *config) { c.resolver = r }
}

// WithRootCAs replaces the system roots with pool, so that a test can trust
// an httptest server's certificate. Test binaries only: see WithDialAllowance.
func WithRootCAs(pool *x509.CertPool) Option {
	testOnly("WithRootCAs")
	return func(c *config) { c.roots = pool }
}

// WithDialAllowance lets the client dial the addresses for which allow
// returns true, bypassing the address and port checks for them (https, the
// status, the size and redirect rules still apply). It exists so that tests
// can reach an httptest TLS server on 127.0.0.1 and a random port; an
// IP-literal URL whose address and port allow accepts also passes the
// port-443 rule before dialing.
//
// It can only be set from Go code, never from a flag or the environment, and
// it panics outside a test binary: a production fetcher cannot be told to
// reach internal addresses, even by a future bug in the command line.
func WithDialAllowance(allow func(netip.AddrPort) bool) Option {
	testOnly("WithDialAllowance")
	return func(c *config) { c.allow = allow }
}

func testOnly(name string) {
	if !testing.Testing() {
		panic("fetch." + name + " is reserved to tests")
	}
}

// Result is the outcome of one fetch: Body when Err is nil.
type Result struct {
	URL  string
	Body []byte   // at most MaxBody bytes; nil on failure
	Err  *Failure // nil on success
}

// OK reports whether the fetch succeeded.
func (r Result) OK() bool { return r.Err == nil }

// Fetcher fetches URLs from request files. It remembers every result, so a
// Fetcher is meant to live for one validation run. It is safe for concurrent
// use.
type Fetcher struct {
	client    *http.Client
	transport *http.Transport
	timeout   time.Duration
	allow     func(netip.AddrPort) bool
	sem       chan struct{}

	mu    sync.Mutex
	calls map[string]*call
}

type call struct {
	done chan struct{}
	res  Result
}

// New returns a Fetcher with the defaults of the package constants.
func New(opts ...Option) *Fetcher {
	cfg := config{timeout: DefaultTimeout, concurrency: DefaultConcurrency}
	for _, o := range opts {
		o(&cfg)
	}
	f := &Fetcher{
		timeout: cfg.timeout,
		allow:   cfg.allow,
		sem:     make(chan struct{}, cfg.concurrency),
		calls:   map[string]*call{},
	}
	dialer := &net.Dialer{
		Timeout:  cfg.timeout,
		Resolver: cfg.resolver,
		// Control runs after the name is resolved and before connect(2), on
		// the very address the socket is about to reach: the check cannot be
		// raced by a second DNS answer.
		Control: f.control,
	}
	f.transport = &http.Transport{
		// No proxy: HTTPS_PROXY in the CI environment must not reroute a
		// fetch, and a proxy would dial on our behalf without the check.
		Proxy:       nil,
		DialContext: dialer.DialContext,
		TLSClientConfig: &tls.Config{
			MinVersion: tls.VersionTLS12,
			RootCAs:    cfg.roots,
		},
		// HTTP/1.1 only (a custom dialer and TLS config disable HTTP/2 by
		// default, kept so): one small GET per URL gains nothing from it.
		TLSHandshakeTimeout:    cfg.timeout,
		ResponseHeaderTimeout:  cfg.timeout,
		MaxResponseHeaderBytes: maxHeaderBytes,
		// Identity encoding: the 64 KiB bound then measures what crossed the
		// wire, and no decompressor runs on untrusted input.
		DisableCompression:  true,
		MaxIdleConnsPerHost: cfg.concurrency,
		IdleConnTimeout:     30 * time.Second,
	}
	f.client = &http.Client{
		Transport: f.transport,
		// A redirect is a failure: following it would let a public URL send
		// the client anywhere, and FranceConnect does not follow it either.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return f
}

// refusedError is what control returns for an address it will not dial.
type refusedError struct{ addr netip.AddrPort }

func (e *refusedError) Error() string { return "refused address " + e.addr.String() }

func (f *Fetcher) control(network, address string, raw syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &refusedError{}
	}
	if f.allow != nil && f.allow(ap) {
		return nil
	}
	if guardian.Safe(network, address, raw) != nil {
		return &refusedError{addr: ap}
	}
	return nil
}

// FetchAll fetches every distinct URL of urls, at most the configured number
// at once, and returns the result of each by URL. URLs already fetched by
// this Fetcher are not fetched again.
func (f *Fetcher) FetchAll(ctx context.Context, urls []string) map[string]Result {
	out := make(map[string]Result, len(urls))
	var distinct []string
	for _, u := range urls {
		if _, seen := out[u]; !seen {
			out[u] = Result{}
			distinct = append(distinct, u)
		}
	}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	// One goroutine per distinct URL is cheap; the semaphore inside fetch is
	// what bounds the fetches in flight, for FetchAll and Fetch alike.
	for _, u := range distinct {
		wg.Go(func() {
			r := f.Fetch(ctx, u)
			mu.Lock()
			out[u] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	// The pass is over: do not keep sockets to publishers' servers open.
	f.transport.CloseIdleConnections()
	return out
}

// Fetch fetches one URL, or returns the result of an earlier or concurrent
// fetch of the same URL string.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) Result {
	f.mu.Lock()
	c, ok := f.calls[rawURL]
	if !ok {
		c = &call{done: make(chan struct{})}
		f.calls[rawURL] = c
	}
	f.mu.Unlock()
	if !ok {
		c.res = f.fetch(ctx, rawURL)
		close(c.done)
		return c.res
	}
	select {
	case <-c.done:
		return c.res
	case <-ctx.Done():
		return Result{URL: rawURL, Err: cancelled(hostOf(rawURL), ctx.Err())}
	}
}

func (f *Fetcher) fetch(ctx context.Context, rawURL string) Result {
	res := Result{URL: rawURL}
	u, fail := f.check(rawURL)
	if fail != nil {
		res.Err = fail
		return res
	}
	host := u.Hostname()

	select {
	case f.sem <- struct{}{}:
		defer func() { <-f.sem }()
	case <-ctx.Done():
		res.Err = cancelled(host, ctx.Err())
		return res
	}

	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		res.Err = badURL(host)
		return res
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", UserAgent)

	resp, err := f.client.Do(req)
	if err != nil {
		res.Err = f.classify(ctx, host, err)
		return res
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		res.Err = redirected(host, resp.StatusCode)
		return res
	case resp.StatusCode != http.StatusOK:
		res.Err = badStatus(host, resp.StatusCode)
		return res
	case resp.ContentLength > MaxBody:
		res.Err = tooLarge(host)
		return res
	}
	// Read one byte more than allowed to tell "exactly 64 KiB" from "more".
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		res.Err = f.classify(ctx, host, err)
		return res
	}
	if len(body) > MaxBody {
		res.Err = tooLarge(host)
		return res
	}
	res.Body = body
	return res
}

// check applies the rules that need no network: a readable absolute https
// URL, without credentials, on port 443.
func (f *Fetcher) check(rawURL string) (*url.URL, *Failure) {
	if len(rawURL) > maxURL {
		return nil, badURL("")
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || u.Opaque != "" {
		if err == nil && u.Scheme != "" && u.Scheme != "https" {
			return nil, notHTTPS(u.Hostname())
		}
		return nil, badURL("")
	}
	host := u.Hostname()
	if u.Scheme != "https" {
		return nil, notHTTPS(host)
	}
	if u.User != nil {
		return nil, &Failure{Reason: ReasonBadURL, Host: host, Message: msgUserinfo(host)}
	}
	if port := u.Port(); port != "" && port != "443" {
		if !f.allowedLiteral(host, port) {
			return nil, &Failure{Reason: ReasonBadURL, Host: host, Message: msgPort(host, port)}
		}
	}
	return u, nil
}

// allowedLiteral reports whether a test allowance accepts an IP-literal
// host and port, the only way a URL on another port than 443 gets through.
func (f *Fetcher) allowedLiteral(host, port string) bool {
	if f.allow == nil {
		return false
	}
	ap, err := netip.ParseAddrPort(net.JoinHostPort(host, port))
	return err == nil && f.allow(ap)
}

// classify turns a transport error into a Failure without keeping any of
// its text: errors from the peer's side (TLS alerts, certificate subjects,
// DNS answers) are attacker-controlled.
func (f *Fetcher) classify(ctx context.Context, host string, err error) *Failure {
	var refused *refusedError
	if errors.As(err, &refused) {
		return &Failure{Reason: ReasonRefusedAddress, Host: host, Addr: refused.addr, Message: msgRefused(host, refused.addr)}
	}
	if ctx.Err() == context.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		// The parent context may have expired rather than ours; either way
		// the publisher's server did not answer in time for this run.
		return &Failure{Reason: ReasonTimeout, Host: host, Message: msgTimeout(host, f.timeout)}
	}
	if errors.Is(err, context.Canceled) {
		return cancelled(host, context.Canceled)
	}
	if m, ok := tlsMessage(host, err); ok {
		return &Failure{Reason: ReasonTLS, Host: host, Message: m}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return &Failure{Reason: ReasonUnreachable, Host: host, Message: msgNoSuchHost(host)}
	}
	return &Failure{Reason: ReasonUnreachable, Host: host, Message: msgUnreachable(host)}
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func hostOf(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return u.Hostname()
	}
	return ""
}

func cancelled(host string, err error) *Failure {
	if err == context.DeadlineExceeded {
		return &Failure{Reason: ReasonTimeout, Host: host, Message: msgCancelled(host)}
	}
	return &Failure{Reason: ReasonUnreachable, Host: host, Message: msgCancelled(host)}
}

func badURL(host string) *Failure {
	return &Failure{Reason: ReasonBadURL, Host: host, Message: msgBadURL()}
}

func notHTTPS(host string) *Failure {
	return &Failure{Reason: ReasonNotHTTPS, Host: host, Message: msgNotHTTPS()}
}

func redirected(host string, status int) *Failure {
	return &Failure{Reason: ReasonRedirect, Host: host, Status: status, Message: msgRedirect(host, status)}
}

func badStatus(host string, status int) *Failure {
	return &Failure{Reason: ReasonStatus, Host: host, Status: status, Message: msgStatus(host, status)}
}

func tooLarge(host string) *Failure {
	return &Failure{Reason: ReasonTooLarge, Host: host, Message: msgTooLarge(host)}
}

// String makes a Result readable in test failures without its body.
func (r Result) String() string {
	if r.Err != nil {
		return fmt.Sprintf("%s: %s (%s)", r.URL, r.Err.Reason, r.Err.Message.EN)
	}
	return fmt.Sprintf("%s: ok, %d bytes", r.URL, len(r.Body))
}

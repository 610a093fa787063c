package fetch_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fsgate/fsgate/internal/fetch"
	"github.com/fsgate/fsgate/internal/fetch/fetchtest"
)

// marker is written in every body a test server sends; no failure message
// may contain it.
const marker = "BODY-MARKER-7f3a"

// server is an httptest TLS server on 127.0.0.1 that counts requests by path
// and connections.
type server struct {
	*httptest.Server
	mu    sync.Mutex
	hits  map[string]int
	conns atomic.Int64
}

func newServer(t *testing.T, h http.HandlerFunc) *server {
	t.Helper()
	s := &server{hits: map[string]int{}}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		h(w, r)
	}))
	// Handshakes the tests make fail on purpose would be logged to stderr.
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func (s *server) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *server) fetcher(opts ...fetch.Option) *fetch.Fetcher {
	return fetch.New(append(fetchtest.Options(s.Server), opts...)...)
}

func wantFailure(t *testing.T, r fetch.Result, reason fetch.Reason) *fetch.Failure {
	t.Helper()
	if r.Err == nil {
		t.Fatalf("%s: got success (%d bytes), want %s", r.URL, len(r.Body), reason)
	}
	if r.Err.Reason != reason {
		t.Fatalf("%s: got %s (%s), want %s", r.URL, r.Err.Reason, r.Err.Message.EN, reason)
	}
	if r.Body != nil {
		t.Errorf("%s: a failure carries a body of %d bytes", r.URL, len(r.Body))
	}
	m := r.Err.Message
	if m.FR == "" || m.EN == "" {
		t.Errorf("%s: message missing a language: %+v", r.URL, m)
	}
	if strings.Contains(m.FR+m.EN, marker) {
		t.Errorf("%s: message echoes the body: %+v", r.URL, m)
	}
	return r.Err
}

func TestFetchOK(t *testing.T) {
	var gotAccept, gotUA, gotMethod string
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotAccept, gotUA, gotMethod = r.Header.Get("Accept"), r.Header.Get("User-Agent"), r.Method
		fmt.Fprint(w, `["https://fs.example.fr/callback"]`)
	})
	r := s.fetcher().Fetch(t.Context(), s.URL+"/sector.json")
	if !r.OK() {
		t.Fatal(r)
	}
	if string(r.Body) != `["https://fs.example.fr/callback"]` {
		t.Errorf("body = %q", r.Body)
	}
	if gotMethod != http.MethodGet || gotAccept != "application/json" || !strings.Contains(gotUA, "fsgate") {
		t.Errorf("request: method %q, Accept %q, User-Agent %q", gotMethod, gotAccept, gotUA)
	}
}

func TestFetchStatus(t *testing.T) {
	for _, tc := range []struct {
		status    int
		transient bool
	}{
		{http.StatusNotFound, false},
		{http.StatusForbidden, false},
		{http.StatusNoContent, false},
		{http.StatusServiceUnavailable, true},
		{http.StatusTooManyRequests, true},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			s := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, "<html>"+marker+"</html>")
			})
			f := wantFailure(t, s.fetcher().Fetch(t.Context(), s.URL+"/jwks.json"), fetch.ReasonStatus)
			if f.Status != tc.status || f.Transient() != tc.transient {
				t.Errorf("status %d transient %v, want %d %v", f.Status, f.Transient(), tc.status, tc.transient)
			}
			if !strings.Contains(f.Message.EN, fmt.Sprint(tc.status)) {
				t.Errorf("message does not give the status: %s", f.Message.EN)
			}
		})
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	for _, tc := range []struct{ name, location string }{
		{"same server", "/other"},
		{"cloud metadata", "http://169.254.169.254/latest/meta-data/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/other" {
					fmt.Fprint(w, `{"keys":[]}`)
					return
				}
				w.Header().Set("Location", tc.location)
				w.WriteHeader(http.StatusMovedPermanently)
				fmt.Fprint(w, marker)
			})
			f := wantFailure(t, s.fetcher().Fetch(t.Context(), s.URL+"/jwks.json"), fetch.ReasonRedirect)
			if f.Status != http.StatusMovedPermanently || f.Transient() {
				t.Errorf("status %d transient %v", f.Status, f.Transient())
			}
			if strings.Contains(f.Message.EN, tc.location) {
				t.Errorf("message quotes the Location header: %s", f.Message.EN)
			}
			if n := s.count("/other"); n != 0 {
				t.Errorf("redirect followed: /other requested %d times", n)
			}
		})
	}
}

func TestBodyLimit(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/exact":
			fmt.Fprint(w, strings.Repeat("a", fetch.MaxBody))
		case "/over":
			// Streamed without Content-Length: the reader must stop by itself.
			fmt.Fprint(w, strings.Repeat("a", fetch.MaxBody/2))
			w.(http.Flusher).Flush()
			fmt.Fprint(w, strings.Repeat("a", fetch.MaxBody/2+1))
		case "/declared":
			// Announces more than allowed: refused before reading.
			w.Header().Set("Content-Length", fmt.Sprint(100*fetch.MaxBody))
			w.WriteHeader(http.StatusOK)
		}
	})
	f := s.fetcher()
	if r := f.Fetch(t.Context(), s.URL+"/exact"); !r.OK() || len(r.Body) != fetch.MaxBody {
		t.Errorf("exactly MaxBody: %v", r)
	}
	wantFailure(t, f.Fetch(t.Context(), s.URL+"/over"), fetch.ReasonTooLarge)
	wantFailure(t, f.Fetch(t.Context(), s.URL+"/declared"), fetch.ReasonTooLarge)
}

// blockingServer answers nothing (or half a body) until the test ends: the
// client must give up by itself, on its own timeout.
func blockingServer(t *testing.T, partial bool) *server {
	release := make(chan struct{})
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if partial {
			w.Header().Set("Content-Length", "100")
			fmt.Fprint(w, `{"keys":[`)
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	// Registered after s.Close, so run before it: Close waits for handlers.
	t.Cleanup(func() { close(release) })
	return s
}

func TestTimeout(t *testing.T) {
	for _, partial := range []bool{false, true} {
		t.Run(map[bool]string{false: "headers", true: "body"}[partial], func(t *testing.T) {
			s := blockingServer(t, partial)
			f := wantFailure(t, s.fetcher(fetch.WithTimeout(200*time.Millisecond)).Fetch(t.Context(), s.URL+"/jwks.json"), fetch.ReasonTimeout)
			if !f.Transient() {
				t.Error("a timeout should be transient")
			}
		})
	}
}

func TestCancelledRun(t *testing.T) {
	s := blockingServer(t, false)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	wantFailure(t, s.fetcher().Fetch(ctx, s.URL+"/jwks.json"), fetch.ReasonUnreachable)
}

func TestFetchAllOncePerURL(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.URL.Path)
	})
	f := s.fetcher()
	a, b := s.URL+"/a", s.URL+"/b"
	got := f.FetchAll(t.Context(), []string{a, b, a, a, b})
	if len(got) != 2 || string(got[a].Body) != "/a" || string(got[b].Body) != "/b" {
		t.Fatalf("FetchAll = %v", got)
	}
	// A later fetch in the same run comes from the cache.
	if r := f.Fetch(t.Context(), a); string(r.Body) != "/a" {
		t.Errorf("cached fetch = %v", r)
	}
	f.FetchAll(t.Context(), []string{b})
	if s.count("/a") != 1 || s.count("/b") != 1 {
		t.Errorf("requests: /a %d, /b %d; want 1 each", s.count("/a"), s.count("/b"))
	}
}

func TestFetchAllConcurrencyBound(t *testing.T) {
	const urls = 30
	var inFlight, peak atomic.Int64
	arrived := make(chan struct{}, urls)
	release := make(chan struct{})
	s := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		n := inFlight.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		arrived <- struct{}{}
		<-release
		inFlight.Add(-1)
		fmt.Fprint(w, "[]")
	})
	var list []string
	for i := range urls {
		list = append(list, fmt.Sprintf("%s/%d", s.URL, i))
	}
	done := make(chan map[string]fetch.Result)
	go func() { done <- s.fetcher().FetchAll(t.Context(), list) }()

	// DefaultConcurrency handlers blocked at once proves the fetches run in
	// parallel; the peak, read once everything is released, proves the bound.
	for range fetch.DefaultConcurrency {
		<-arrived
	}
	close(release)
	got := <-done
	for _, u := range list {
		if !got[u].OK() {
			t.Errorf("%v", got[u])
		}
	}
	if p := peak.Load(); p != fetch.DefaultConcurrency {
		t.Errorf("peak of %d fetches in flight, want %d", p, fetch.DefaultConcurrency)
	}
}

func TestWithoutAllowanceTestServerRefused(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "[]") })
	// The server's random port fails the port-443 rule before any dial; the
	// dial-time refusal of its address is tested in control_test.go.
	f := wantFailure(t, fetch.New().Fetch(t.Context(), s.URL+"/jwks.json"), fetch.ReasonBadURL)
	if f.Transient() {
		t.Error("a refused URL is not transient")
	}
	if n := s.conns.Load(); n != 0 {
		t.Errorf("server saw %d connections", n)
	}
}

func TestLoopbackLiteralRefusedAtDial(t *testing.T) {
	for _, tc := range []struct{ url, addr string }{
		{"https://127.0.0.1/jwks.json", "127.0.0.1:443"},
		{"https://[::1]/jwks.json", "[::1]:443"},
		{"https://127.0.0.1:443/jwks.json", "127.0.0.1:443"},
		{"https://[::ffff:127.0.0.1]/jwks.json", "127.0.0.1:443"}, // Go dials it as IPv4
	} {
		t.Run(tc.url, func(t *testing.T) {
			f := wantFailure(t, fetch.New().Fetch(t.Context(), tc.url), fetch.ReasonRefusedAddress)
			if f.Addr.String() != tc.addr {
				t.Errorf("refused %s, want %s", f.Addr, tc.addr)
			}
		})
	}
}

// TestNameToLoopbackRefusedAtDial resolves names through a DNS server of the
// test: the refusal happens after resolution, on the address dialed, which
// is what defeats DNS rebinding. Even an allowance for the test server does
// not open 127.0.0.1:443.
func TestNameToLoopbackRefusedAtDial(t *testing.T) {
	dns := startDNS(t, map[string][]netip.Addr{
		"loop.fsgate.test":   {netip.MustParseAddr("127.0.0.1")},
		"v6.fsgate.test":     {netip.MustParseAddr("::1")},
		"mapped.fsgate.test": {netip.MustParseAddr("::ffff:127.0.0.1")},
		"both.fsgate.test":   {netip.MustParseAddr("127.0.0.2"), netip.MustParseAddr("::1")},
	})
	s := newServer(t, func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "[]") })
	f := s.fetcher(fetch.WithResolver(dns.resolver()))
	for _, name := range []string{"loop", "v6", "mapped", "both"} {
		t.Run(name, func(t *testing.T) {
			before := dns.queries.Load()
			host := name + ".fsgate.test"
			fl := wantFailure(t, f.Fetch(t.Context(), "https://"+host+"/sector.json"), fetch.ReasonRefusedAddress)
			if dns.queries.Load() == before {
				t.Error("refused without resolving: the test proves nothing")
			}
			if fl.Host != host || !strings.Contains(fl.Message.EN, host) || !fl.Addr.Addr().Unmap().IsLoopback() {
				t.Errorf("failure %+v", fl)
			}
		})
	}
	if n := s.conns.Load(); n != 0 {
		t.Errorf("server saw %d connections", n)
	}
}

func TestRefusedBeforeLookup(t *testing.T) {
	dns := startDNS(t, map[string][]netip.Addr{"fs.fsgate.test": {netip.MustParseAddr("127.0.0.1")}})
	f := fetch.New(fetch.WithResolver(dns.resolver()))
	for _, tc := range []struct {
		url    string
		reason fetch.Reason
	}{
		{"http://fs.fsgate.test/jwks.json", fetch.ReasonNotHTTPS},
		{"ftp://fs.fsgate.test/jwks.json", fetch.ReasonNotHTTPS},
		{"javascript:alert(1)//https://fs.fsgate.test", fetch.ReasonNotHTTPS},
		{"https://fs.fsgate.test:8443/jwks.json", fetch.ReasonBadURL},
		{"https://fs.fsgate.test:80/jwks.json", fetch.ReasonBadURL},
		{"https://user:pw@fs.fsgate.test/jwks.json", fetch.ReasonBadURL},
		{"https:///jwks.json", fetch.ReasonBadURL},
		{"/jwks.json", fetch.ReasonBadURL},
		{"", fetch.ReasonBadURL},
		{"https://fs.fsgate.test/" + strings.Repeat("a", 3000), fetch.ReasonBadURL},
		{"https://fs.fsgate.test/%zz", fetch.ReasonBadURL},
	} {
		t.Run(tc.url, func(t *testing.T) {
			wantFailure(t, f.Fetch(t.Context(), tc.url), tc.reason)
		})
	}
	if n := dns.queries.Load(); n != 0 {
		t.Errorf("%d DNS queries for URLs refused before dialing", n)
	}
}

func TestTLSFailure(t *testing.T) {
	s := newServer(t, func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, marker) })
	// The allowance without the server's certificate: the system roots do
	// not trust httptest's certificate.
	ap := s.Listener.Addr().(*net.TCPAddr).AddrPort()
	allow := fetch.WithDialAllowance(func(a netip.AddrPort) bool { return a.Port() == ap.Port() && a.Addr().IsLoopback() })
	f := wantFailure(t, fetch.New(allow).Fetch(t.Context(), s.URL+"/jwks.json"), fetch.ReasonTLS)
	if strings.Contains(f.Message.EN, "x509") || strings.Contains(f.Message.EN, "httptest") {
		t.Errorf("message quotes the TLS error: %s", f.Message.EN)
	}
	if f.Transient() {
		t.Error("a certificate problem is not transient")
	}
}

func TestConcurrentFetchOfOneURL(t *testing.T) {
	arrived := make(chan struct{}, 8)
	release := make(chan struct{})
	s := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		arrived <- struct{}{}
		<-release
		fmt.Fprint(w, "[]")
	})
	f := s.fetcher()
	u := s.URL + "/sector.json"
	var wg sync.WaitGroup
	results := make([]fetch.Result, 5)
	for i := range results {
		wg.Go(func() { results[i] = f.Fetch(t.Context(), u) })
	}
	<-arrived
	close(release)
	wg.Wait()
	for _, r := range results {
		if !r.OK() || string(r.Body) != "[]" {
			t.Errorf("%v", r)
		}
	}
	// Callers that came while the first fetch ran waited for it; later ones
	// read the cache: either way the server answered once.
	if n := s.count("/sector.json"); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

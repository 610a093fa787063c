package fetch

import (
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync/atomic"
	"testing"
)

// TestControl checks the dial-time guard on every kind of address that must
// never be dialed, and on public addresses that must be. It calls the
// Control function directly: nothing is dialed.
func TestControl(t *testing.T) {
	f := New()
	for _, tc := range []struct {
		addr string
		ok   bool
	}{
		{"93.184.215.14:443", true},
		{"[2606:4700:4700::1111]:443", true},
		{"93.184.215.14:80", false}, // only 443
		{"93.184.215.14:8443", false},
		{"127.0.0.1:443", false},
		{"127.255.255.254:443", false},
		{"0.0.0.0:443", false},
		{"10.1.2.3:443", false},
		{"172.16.0.1:443", false},
		{"192.168.1.1:443", false},
		{"169.254.169.254:443", false},
		{"169.254.0.1:443", false},
		{"100.64.0.1:443", false},
		{"224.0.0.1:443", false},
		{"255.255.255.255:443", false},
		{"168.63.129.16:443", false}, // Azure wire server
		{"[::1]:443", false},
		{"[::]:443", false},
		{"[fe80::1]:443", false},
		{"[fc00::1]:443", false},
		{"[fd12:3456::1]:443", false},
		{"[ff02::1]:443", false},
		{"[::ffff:127.0.0.1]:443", false},     // IPv4-mapped
		{"[::ffff:93.184.215.14]:443", false}, // IPv4-mapped, even public
		{"[64:ff9b::7f00:1]:443", false},      // NAT64 of 127.0.0.1
		{"[64:ff9b:1::1]:443", false},         // local NAT64
		{"[2002:7f00:1::]:443", false},        // 6to4 of 127.0.0.1
		{"[2001:0:4136:e378::1]:443", false},  // Teredo
		{"[2001:db8::1]:443", false},          // documentation
	} {
		network := "tcp4"
		if netip.MustParseAddrPort(tc.addr).Addr().Is6() {
			network = "tcp6"
		}
		err := f.control(network, tc.addr, nil)
		if (err == nil) != tc.ok {
			t.Errorf("%s: control = %v, want allowed %v", tc.addr, err, tc.ok)
		}
		var refused *refusedError
		if err != nil && (!errors.As(err, &refused) || refused.addr.String() != tc.addr) {
			t.Errorf("%s: error %v does not name the address", tc.addr, err)
		}
	}
	if f.control("udp4", "93.184.215.14:443", nil) == nil {
		t.Error("udp allowed")
	}
}

// TestDialRefusesTestServer dials the httptest server's own address through
// the fetcher's transport: refused at dial time without the allowance (the
// server sees no connection), connected with it.
func TestDialRefusesTestServer(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the raw dial never shakes hands
	srv.StartTLS()
	defer srv.Close()
	addr := srv.Listener.Addr().String()

	_, err := New().transport.DialContext(t.Context(), "tcp", addr)
	var refused *refusedError
	if !errors.As(err, &refused) {
		t.Fatalf("dial %s without allowance: %v, want a refusal", addr, err)
	}

	want := netip.MustParseAddrPort(addr)
	allowed := New(WithDialAllowance(func(ap netip.AddrPort) bool { return ap == want }))
	c, err := allowed.transport.DialContext(t.Context(), "tcp", addr)
	if err != nil {
		t.Fatalf("dial %s with allowance: %v", addr, err)
	}
	c.Close()
	srv.Close() // waits for the connection to be tracked and closed
	if n := conns.Load(); n != 1 {
		t.Errorf("server saw %d connections, want only the allowed one", n)
	}
}

func TestTransportHardening(t *testing.T) {
	f := New()
	tr := f.transport
	if tr.Proxy != nil {
		t.Error("a proxy function is set: HTTPS_PROXY could reroute fetches")
	}
	if tr.TLSClientConfig.InsecureSkipVerify || tr.TLSClientConfig.MinVersion < 0x0303 {
		t.Error("TLS verification weakened")
	}
	if f.client.Jar != nil || f.client.CheckRedirect == nil {
		t.Error("cookies kept or redirects followed")
	}
}

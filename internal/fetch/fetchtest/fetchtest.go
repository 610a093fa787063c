// Package fetchtest points a fetch.Fetcher at an httptest TLS server. It is
// for tests only: the options it returns panic outside a test binary.
package fetchtest

import (
	"crypto/x509"
	"net"
	"net/http/httptest"
	"net/netip"

	"github.com/fsgate/fsgate/internal/fetch"
)

// Options returns the options that let a Fetcher reach srv, a server
// started with httptest.NewTLSServer: its certificate as the only root, and
// a dial allowance for its exact address and port, nothing else.
func Options(srv *httptest.Server) []fetch.Option {
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	// The listener may report 127.0.0.1 in its 16-byte form; the dialer
	// reports it in 4 bytes.
	ap := srv.Listener.Addr().(*net.TCPAddr).AddrPort()
	addr := netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	return []fetch.Option{
		fetch.WithRootCAs(pool),
		fetch.WithDialAllowance(func(ap netip.AddrPort) bool { return ap == addr }),
	}
}

package fetch

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/fsgate/fsgate/internal/finding"
)

// Reason is the kind of a failed fetch.
type Reason string

const (
	// ReasonNotHTTPS: the URL is not https (refused before any lookup).
	ReasonNotHTTPS Reason = "not-https"
	// ReasonBadURL: unreadable URL, credentials in it, or a port other than
	// 443 (refused before any lookup).
	ReasonBadURL Reason = "bad-url"
	// ReasonRefusedAddress: the host resolved to an internal or reserved
	// address, refused at dial time.
	ReasonRefusedAddress Reason = "refused-address"
	// ReasonUnreachable: the name does not resolve, the connection failed,
	// or the run was cancelled.
	ReasonUnreachable Reason = "unreachable"
	// ReasonTimeout: no complete answer within the time bound.
	ReasonTimeout Reason = "timeout"
	// ReasonTLS: the TLS handshake failed (certificate, version, protocol).
	ReasonTLS Reason = "tls"
	// ReasonRedirect: the server answered 3xx; redirects are not followed.
	ReasonRedirect Reason = "redirect"
	// ReasonStatus: the server answered a status other than 200 and 3xx.
	ReasonStatus Reason = "status"
	// ReasonTooLarge: the body exceeds MaxBody.
	ReasonTooLarge Reason = "too-large"
)

// Failure says why a fetch failed. Message is written by fsgate from the
// fields below and never quotes the response or an error text.
type Failure struct {
	Reason  Reason
	Host    string         // the URL's host, as written in the request file
	Status  int            // the HTTP status, for ReasonStatus and ReasonRedirect
	Addr    netip.AddrPort // the refused address, for ReasonRefusedAddress
	Message finding.Text
}

func (f *Failure) Error() string { return f.Message.EN }

// Transient reports whether the failure may come from the publisher's
// server being down rather than from a wrong configuration. security.md
// asks for a warning, not an error, in that case, so that CI does not go
// red when a publisher's server is unavailable.
func (f *Failure) Transient() bool {
	switch f.Reason {
	case ReasonUnreachable, ReasonTimeout:
		return true
	case ReasonStatus:
		return f.Status >= 500 || f.Status == http.StatusTooManyRequests
	}
	return false
}

func msgBadURL() finding.Text {
	return finding.T("adresse illisible : elle ne peut pas être récupérée", "unreadable URL: it cannot be fetched")
}

func msgNotHTTPS() finding.Text {
	return finding.T("seules les adresses https:// sont récupérées", "only https:// URLs are fetched")
}

func msgUserinfo(host string) finding.Text {
	return finding.Tf("l'adresse de %s contient des identifiants (user@host) : refusée",
		"the URL of %s carries credentials (user@host): refused", host)
}

func msgPort(host, port string) finding.Text {
	return finding.Tf("%s : port %s refusé, seul le port 443 est autorisé",
		"%s: port %s refused, only port 443 is allowed", host, port)
}

func msgRefused(host string, addr netip.AddrPort) finding.Text {
	if !addr.IsValid() {
		return finding.Tf("%s se résout en une adresse non autorisée : récupération refusée",
			"%s resolves to an address that is not allowed: fetch refused", host)
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return finding.Tf("%s est une adresse interne ou réservée : récupération refusée",
			"%s is an internal or reserved address: fetch refused", addr.Addr())
	}
	return finding.Tf("%s se résout en %s, une adresse interne ou réservée : récupération refusée",
		"%s resolves to %s, an internal or reserved address: fetch refused", host, addr.Addr())
}

func msgNoSuchHost(host string) finding.Text {
	return finding.Tf("le nom %s ne se résout pas (DNS)", "the name %s does not resolve (DNS)", host)
}

func msgUnreachable(host string) finding.Text {
	return finding.Tf("%s est injoignable (connexion impossible)", "%s is unreachable (connection failed)", host)
}

func msgCancelled(host string) finding.Text {
	return finding.Tf("récupération depuis %s interrompue", "fetch from %s interrupted", host)
}

func msgTimeout(host string, d time.Duration) finding.Text {
	return finding.Tf("%s n'a pas répondu dans le délai de %s", "%s did not answer within %s", host, d)
}

func msgRedirect(host string, status int) finding.Text {
	return finding.Tf("%s répond par une redirection (HTTP %d) : redirection refusée, indiquez l'adresse finale",
		"%s answers with a redirect (HTTP %d): redirection refused, give the final URL", host, status)
}

func msgStatus(host string, status int) finding.Text {
	return finding.Tf("%s répond HTTP %d au lieu de 200", "%s answers HTTP %d instead of 200", host, status)
}

func msgTooLarge(host string) finding.Text {
	return finding.Tf("la réponse de %s dépasse 64 Kio : trop volumineuse", "the answer of %s exceeds 64 KiB: too large", host)
}

// tlsMessage recognises a TLS failure by the type of its error and describes
// it in fsgate's words: the error texts quote the peer's certificate.
func tlsMessage(host string, err error) (finding.Text, bool) {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		alert    tls.AlertError
		record   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknown):
		return finding.Tf("TLS : le certificat de %s n'est pas émis par une autorité reconnue",
			"TLS: the certificate of %s is not issued by a trusted authority", host), true
	case errors.As(err, &hostname):
		return finding.Tf("TLS : le certificat présenté n'est pas valable pour %s",
			"TLS: the certificate presented is not valid for %s", host), true
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			return finding.Tf("TLS : le certificat de %s est expiré ou pas encore valable",
				"TLS: the certificate of %s is expired or not yet valid", host), true
		}
		return finding.Tf("TLS : le certificat de %s n'est pas valable",
			"TLS: the certificate of %s is not valid", host), true
	case errors.As(err, &verify):
		return finding.Tf("TLS : le certificat de %s n'a pas pu être vérifié",
			"TLS: the certificate of %s could not be verified", host), true
	case errors.As(err, &alert), errors.As(err, &record):
		return handshakeFailed(host), true
	}
	// Other handshake failures (a server offering only TLS 1.0, a malformed
	// handshake) are plain errors of crypto/tls: recognise its prefix, keep
	// nothing of the rest.
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.HasPrefix(e.Error(), "tls: ") {
			return handshakeFailed(host), true
		}
	}
	return finding.Text{}, false
}

func handshakeFailed(host string) finding.Text {
	return finding.Tf("TLS : la négociation avec %s a échoué (TLS 1.2 au moins est exigé)",
		"TLS: the handshake with %s failed (TLS 1.2 or later is required)", host)
}

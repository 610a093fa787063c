package fetch_test

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

// fakeDNS is a DNS server on 127.0.0.1 that answers A and AAAA queries from
// a fixed table, so that tests can make a name resolve to loopback without
// touching the system resolver or the network.
type fakeDNS struct {
	pc      net.PacketConn
	answers map[string][]netip.Addr // lower-case name without the final dot
	queries atomic.Int64
}

func startDNS(t *testing.T, answers map[string][]netip.Addr) *fakeDNS {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &fakeDNS{pc: pc, answers: answers}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			d.queries.Add(1)
			if resp := d.answer(buf[:n]); resp != nil {
				_, _ = pc.WriteTo(resp, from)
			}
		}
	}()
	t.Cleanup(func() {
		pc.Close()
		<-done
	})
	return d
}

// resolver returns a pure-Go resolver whose every query goes to d.
func (d *fakeDNS) resolver() *net.Resolver {
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var dl net.Dialer
			return dl.DialContext(ctx, "udp", d.pc.LocalAddr().String())
		},
	}
}

// answer builds the response to one query: the question copied, then one
// record per address of the asked family (none is a valid, empty answer).
func (d *fakeDNS) answer(q []byte) []byte {
	if len(q) < 12 {
		return nil
	}
	name, end, err := readName(q, 12)
	if err != nil || end+4 > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[end:])
	question := q[12 : end+4]

	var rrs [][]byte
	for _, a := range d.answers[strings.ToLower(name)] {
		switch {
		case qtype == 1 && a.Is4():
			rrs = append(rrs, a.AsSlice())
		case qtype == 28 && a.Is6():
			rrs = append(rrs, a.AsSlice())
		}
	}
	resp := make([]byte, 12, 512)
	copy(resp, q[:2])                                      // ID
	binary.BigEndian.PutUint16(resp[2:], 0x8580)           // QR, AA, RD, RA: an answer Go accepts
	binary.BigEndian.PutUint16(resp[4:], 1)                // QDCOUNT
	binary.BigEndian.PutUint16(resp[6:], uint16(len(rrs))) // ANCOUNT
	resp = append(resp, question...)
	for _, rd := range rrs {
		resp = append(resp, 0xc0, 12) // pointer to the question's name
		resp = binary.BigEndian.AppendUint16(resp, qtype)
		resp = binary.BigEndian.AppendUint16(resp, 1) // IN
		resp = binary.BigEndian.AppendUint32(resp, 0) // TTL 0, as a rebinding server would
		resp = binary.BigEndian.AppendUint16(resp, uint16(len(rd)))
		resp = append(resp, rd...)
	}
	return resp
}

func readName(b []byte, off int) (string, int, error) {
	var labels []string
	for {
		if off >= len(b) {
			return "", 0, errors.New("short name")
		}
		n := int(b[off])
		off++
		if n == 0 {
			return strings.Join(labels, "."), off, nil
		}
		if n > 63 || off+n > len(b) {
			return "", 0, errors.New("bad label")
		}
		labels = append(labels, string(b[off:off+n]))
		off += n
	}
}

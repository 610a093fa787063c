package cache

import (
	"errors"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/request"
)

// The entries are written with a small binary codec rather than gob or
// JSON: a warm run decodes 10,000 requests, which must cost well under a
// millisecond each, and the codec keeps what gob loses (a nil slice is not
// an empty one, a nil pointer is not a pointer to a zero struct), so that a
// cached request is exactly the computed one. Decoding reads from a string:
// the strings of a decoded value are slices of the index, not copies.
//
// The codec is written out field by field; TestEveryFieldIsStored fills
// every field of request.Request and finding.Finding by reflection and
// fails if one does not come back, so a new field cannot be forgotten.

var errCorrupt = errors.New("corrupt cache entry")

// writer appends to buf.
type writer struct{ buf []byte }

func (w *writer) uvarint(u uint64) {
	for u >= 0x80 {
		w.buf = append(w.buf, byte(u)|0x80)
		u >>= 7
	}
	w.buf = append(w.buf, byte(u))
}

// varint is zigzag-encoded so that small negative numbers stay small.
func (w *writer) varint(i int64) { w.uvarint(uint64(i<<1) ^ uint64(i>>63)) }

func (w *writer) string(s string) {
	w.uvarint(uint64(len(s)))
	w.buf = append(w.buf, s...)
}

// reader consumes s. The first error sticks: every later read returns zero
// values, so decoders check err once at the end.
type reader struct {
	s   string
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = errCorrupt
	}
	r.s = ""
}

func (r *reader) byte() byte {
	if len(r.s) == 0 {
		r.fail()
		return 0
	}
	b := r.s[0]
	r.s = r.s[1:]
	return b
}

func (r *reader) uvarint() uint64 {
	if len(r.s) > 0 && r.s[0] < 0x80 { // most numbers: one byte
		b := r.s[0]
		r.s = r.s[1:]
		return uint64(b)
	}
	var u uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if len(r.s) == 0 {
			break
		}
		b := r.s[0]
		r.s = r.s[1:]
		if b < 0x80 {
			if shift == 63 && b > 1 {
				break // overflow
			}
			return u | uint64(b)<<shift
		}
		u |= uint64(b&0x7f) << shift
	}
	r.fail()
	return 0
}

func (r *reader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

// count reads a length and checks that at least that many bytes follow:
// every item (a byte of a string, an item of a list) takes one byte or
// more, so a corrupt length can never make the decoder allocate more than
// the entry's size.
func (r *reader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.s)) {
		r.fail()
		return 0
	}
	return int(n)
}

func (r *reader) string() string {
	n := r.count()
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

// fixed reads n raw bytes.
func (r *reader) fixed(n int) string {
	if n > len(r.s) {
		r.fail()
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

func (w *writer) bool(b bool) {
	if b {
		w.buf = append(w.buf, 1)
	} else {
		w.buf = append(w.buf, 0)
	}
}

func (r *reader) bool() bool {
	switch r.byte() {
	case 0:
		return false
	case 1:
		return true
	}
	r.fail()
	return false
}

// strings: 0 is nil, n+1 a list of n.
func (w *writer) strings(list []string) {
	if list == nil {
		w.uvarint(0)
		return
	}
	w.uvarint(uint64(len(list)) + 1)
	for _, s := range list {
		w.string(s)
	}
}

// strings reads a list into the front of arena, which holds the items of
// every list of an entry (one allocation for all of them, not one per list).
func (r *reader) strings(arena *[]string) []string {
	u := r.uvarint()
	if u == 0 || r.err != nil {
		return nil
	}
	n := u - 1
	if n > uint64(len(*arena)) {
		r.fail()
		return nil
	}
	if n == 0 {
		return []string{} // not nil: see TestNilIsNotEmpty
	}
	list := (*arena)[:n:n] // full: an append by a caller copies, never overwrites the next list
	*arena = (*arena)[n:]
	for i := range list {
		list[i] = r.string()
	}
	return list
}

func (w *writer) request(q *request.Request) {
	if q == nil {
		w.bool(false)
		return
	}
	w.bool(true)
	lists := [][]string{q.RedirectURIs, q.PostLogoutURIs, q.IPAddresses, q.Scopes, q.Contacts}
	items := 0
	for _, l := range lists {
		items += len(l)
	}
	w.uvarint(uint64(items)) // the size of the reader's arena
	for _, s := range []string{q.APIVersion, q.Kind, q.Name, q.Platform, q.Environment,
		q.Organisation, q.DisplayName, q.Site, q.Datapass, q.APIDatapass} {
		w.string(s)
	}
	w.bool(q.Editor != nil)
	if q.Editor != nil {
		w.string(q.Editor.ID)
		w.string(q.Editor.Name)
		w.string(q.Editor.Version)
	}
	w.string(q.Qualification)
	w.string(q.PlannedProductionDate)
	w.strings(q.RedirectURIs)
	w.strings(q.PostLogoutURIs)
	w.string(q.SectorIdentifierURI)
	w.string(q.JWKSURI)
	w.strings(q.IPAddresses)
	w.string(q.Signature)
	w.string(q.Encryption)
	w.string(q.Eidas)
	w.strings(q.Scopes)
	w.bool(q.ReuseSubs != nil)
	if q.ReuseSubs != nil {
		w.string(q.ReuseSubs.From)
		w.string(q.ReuseSubs.ClientID)
	}
	w.strings(q.Contacts)
	w.string(q.Notes)
}

// request decodes into d's request (and its editor and reused subs),
// reporting whether there is one.
func (r *reader) request(d *decoded) bool {
	if !r.bool() {
		return false
	}
	var arena []string
	if items := r.count(); items > 0 { // see count: a damaged number cannot allocate much
		arena = make([]string, items)
	}
	q := &d.request
	for _, s := range []*string{&q.APIVersion, &q.Kind, &q.Name, &q.Platform, &q.Environment,
		&q.Organisation, &q.DisplayName, &q.Site, &q.Datapass, &q.APIDatapass} {
		*s = r.string()
	}
	if r.bool() {
		d.editor = request.Editor{ID: r.string(), Name: r.string(), Version: r.string()}
		q.Editor = &d.editor
	}
	q.Qualification = r.string()
	q.PlannedProductionDate = r.string()
	q.RedirectURIs = r.strings(&arena)
	q.PostLogoutURIs = r.strings(&arena)
	q.SectorIdentifierURI = r.string()
	q.JWKSURI = r.string()
	q.IPAddresses = r.strings(&arena)
	q.Signature = r.string()
	q.Encryption = r.string()
	q.Eidas = r.string()
	q.Scopes = r.strings(&arena)
	if r.bool() {
		d.reuseSubs = request.ReuseSubs{From: r.string(), ClientID: r.string()}
		q.ReuseSubs = &d.reuseSubs
	}
	q.Contacts = r.strings(&arena)
	q.Notes = r.string()
	if len(arena) != 0 {
		r.fail() // not the count this code writes
	}
	return true
}

func (w *writer) finding(f *finding.Finding) {
	w.string(f.Path)
	w.varint(int64(f.Line))
	w.varint(int64(f.Column))
	w.string(f.Pointer)
	w.string(f.Rule)
	w.string(string(f.Severity))
	w.string(f.Message.FR)
	w.string(f.Message.EN)
	w.string(f.Suggestion)
	w.bool(f.Sensitive)
}

func (r *reader) finding() finding.Finding {
	return finding.Finding{
		Path:       r.string(),
		Line:       r.int(),
		Column:     r.int(),
		Pointer:    r.string(),
		Rule:       r.string(),
		Severity:   finding.Severity(r.string()),
		Message:    finding.Text{FR: r.string(), EN: r.string()},
		Suggestion: r.string(),
		Sensitive:  r.bool(),
	}
}

// findings: 0 is nil, n+1 a list of n.
func (w *writer) findings(list []finding.Finding) {
	if list == nil {
		w.uvarint(0)
		return
	}
	w.uvarint(uint64(len(list)) + 1)
	for i := range list {
		w.finding(&list[i])
	}
}

func (r *reader) findings() []finding.Finding {
	u := r.uvarint()
	if u == 0 || r.err != nil {
		return nil
	}
	if u-1 > uint64(len(r.s)) { // see count
		r.fail()
		return nil
	}
	list := make([]finding.Finding, u-1)
	for i := range list {
		list[i] = r.finding()
	}
	return list
}

// int reads a line or column.
func (r *reader) int() int {
	i := r.varint()
	if i < -1<<31 || i > 1<<31-1 {
		r.fail()
		return 0
	}
	return int(i)
}

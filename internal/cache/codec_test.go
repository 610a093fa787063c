package cache

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/fsgate/fsgate/internal/finding"
	"github.com/fsgate/fsgate/internal/locate"
	"github.com/fsgate/fsgate/internal/request"
)

// fill sets every field of the value v points to, recursively, to a value
// that differs from the zero value and from every other field's, so that a
// field the codec forgets, or swaps with another, does not come back equal.
func fill(t *testing.T, v reflect.Value, n *int) {
	t.Helper()
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("value %d é/~", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(t, s.Index(i), n)
		}
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(t, p.Elem(), n)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(t, v.Field(i), n)
		}
	default:
		t.Fatalf("%s: a field of kind %s: teach the cache codec (codec.go) and this test to store it", v.Type(), v.Kind())
	}
}

func roundTrip(t *testing.T, fs []finding.Finding, req *request.Request) *Entry {
	t.Helper()
	body, err := encodeEntry(fs, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := decodeEntry(body)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestEveryFieldIsStored: a field added to request.Request or
// finding.Finding must be added to the codec, or cached files would lose it.
func TestEveryFieldIsStored(t *testing.T) {
	n := 0
	var req request.Request
	fill(t, reflect.ValueOf(&req).Elem(), &n)
	fs := make([]finding.Finding, 3)
	for i := range fs {
		fill(t, reflect.ValueOf(&fs[i]).Elem(), &n)
	}
	fs[1].Line, fs[1].Column = -1, 1<<31-1 // extremes survive too
	e := roundTrip(t, fs, &req)
	if !reflect.DeepEqual(e.Request, &req) {
		t.Errorf("request.Request does not survive the cache (a field missing from codec.go?):\n got %+v\nwant %+v", e.Request, &req)
	}
	if !reflect.DeepEqual(e.Findings, fs) {
		t.Errorf("finding.Finding does not survive the cache (a field missing from codec.go?):\n got %+v\nwant %+v", e.Findings, fs)
	}
}

// TestNilIsNotEmpty: what gob would lose. A request that listed no redirect
// URI (redirectUris: []) is not one without the field.
func TestNilIsNotEmpty(t *testing.T) {
	cases := []*request.Request{
		nil,
		{},
		{RedirectURIs: []string{}, Scopes: []string{}, Contacts: []string{}, IPAddresses: []string{}, PostLogoutURIs: []string{}},
		{RedirectURIs: []string{""}, Editor: &request.Editor{}, ReuseSubs: &request.ReuseSubs{}},
	}
	for i, req := range cases {
		for _, fs := range [][]finding.Finding{nil, {}, {{}}} {
			e := roundTrip(t, fs, req)
			if !reflect.DeepEqual(e.Request, req) || !reflect.DeepEqual(e.Findings, fs) {
				t.Errorf("case %d, findings %#v: got %#v %#v", i, fs, e.Request, e.Findings)
			}
		}
	}
}

// TestDecodeRejectsDamage: every truncation and every single-byte change of
// a body either decodes to exactly what was written or fails; none panics
// or allocates without bound. (The index's CRC stops damage before this;
// this is the second line.)
func TestDecodeRejectsDamage(t *testing.T) {
	n := 0
	var req request.Request
	fill(t, reflect.ValueOf(&req).Elem(), &n)
	fs := []finding.Finding{{Path: "p", Line: 3, Column: 4, Rule: "schema", Message: finding.T("é", "e")}}
	body, err := encodeEntry(fs, &req, parse(t, sampleDoc))
	if err != nil {
		t.Fatal(err)
	}
	for i := range len(body) {
		if _, err := decodeEntry(body[:i]); err == nil && i < len(body)-len(shapeOf(t, body)) {
			t.Errorf("truncated at %d of %d: no error", i, len(body))
		}
		for _, b := range []byte{0x00, 0x01, 0x7f, 0x80, 0xff} {
			damaged := body[:i] + string(b) + body[i+1:]
			if e, err := decodeEntry(damaged); err == nil && e.Positions != nil {
				e.Positions.Position("/spec/redirectUris/1", locate.AtValue) // must not panic
			}
		}
	}
}

// shapeOf is the shape part of a body (decoded lazily: a truncated shape
// is found when a position is asked for, see TestPositionsOfDamagedShape).
func shapeOf(t *testing.T, body string) string {
	t.Helper()
	e, err := decodeEntry(body)
	if err != nil || e.Positions == nil {
		t.Fatalf("no shape in %q: %v", body, err)
	}
	return e.Positions.shape
}

func FuzzDecodeEntry(f *testing.F) {
	req := &request.Request{Name: "n", RedirectURIs: []string{"https://a/", ""}, Editor: &request.Editor{ID: "x"}}
	for _, doc := range []string{sampleDoc, "a: [b, {c: d}]\n", "- x\n"} {
		body, err := encodeEntry([]finding.Finding{{Rule: "r", Line: 1}}, req, parse(f, doc))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		e, err := decodeEntry(body)
		if err != nil || e.Positions == nil {
			return
		}
		for _, p := range []string{"", "/a", "/spec/redirectUris/0", "/0/1/2"} {
			e.Positions.Position(p, locate.AtValue)
		}
	})
}

package fcimport

import (
	"encoding/json"
	"slices"
	"strings"
)

// doc reads the fields of one FranceConnect client document, recording
// those of an unexpected type.
type doc struct {
	m   map[string]any
	bad []string
}

func (d *doc) has(k string) bool {
	_, ok := d.m[k]
	return ok && d.m[k] != nil
}

func (d *doc) fail(k string) {
	if !slices.Contains(d.bad, k) {
		d.bad = append(d.bad, k)
	}
}

// str returns a string field; "" when absent or null.
func (d *doc) str(k string) string {
	v, ok := d.m[k]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.fail(k)
	}
	return s
}

// strs returns a list of strings; nil when absent or null.
func (d *doc) strs(k string) []string {
	v, ok := d.m[k]
	if !ok || v == nil {
		return nil
	}
	items, ok := v.([]any)
	if !ok {
		d.fail(k)
		return nil
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			d.fail(k)
			return nil
		}
		out = append(out, s)
	}
	return out
}

// boolean returns a boolean field and whether it is present.
func (d *doc) boolean(k string) (value, present bool) {
	v, ok := d.m[k]
	if !ok || v == nil {
		return false, false
	}
	b, ok := v.(bool)
	if !ok {
		d.fail(k)
	}
	return b, true
}

// number returns a number (or a string of digits, as some exports write
// them) as text; "" when absent.
func (d *doc) number(k string) string {
	v, ok := d.m[k]
	if !ok || v == nil {
		return ""
	}
	switch v := v.(type) {
	case json.Number:
		return v.String()
	case string:
		return v
	}
	d.fail(k)
	return ""
}

// date returns the day (YYYY-MM-DD) of a date field: an ISO string, or
// MongoDB's extended JSON {"$date": "…"}; "" when absent or unreadable.
func (d *doc) date(k string) string {
	v := d.m[k]
	if m, ok := v.(map[string]any); ok {
		v = m["$date"]
	}
	s, _ := v.(string)
	if len(s) < 10 {
		return ""
	}
	day := s[:10]
	for i, c := range day {
		if (i == 4 || i == 7) != (c == '-') || (c != '-' && (c < '0' || c > '9')) {
			return ""
		}
	}
	return day
}

// nonEmptyValues reports whether an object holds a non-empty value
// (featureHandlers: {"none": ""} is FranceConnect's "no handler").
func (d *doc) nonEmptyValues(k string) bool {
	v, ok := d.m[k]
	if !ok || v == nil {
		return false
	}
	m, ok := v.(map[string]any)
	if !ok {
		d.fail(k)
		return false
	}
	for _, x := range m {
		if s, ok := x.(string); !ok || strings.TrimSpace(s) != "" {
			return true
		}
	}
	return false
}

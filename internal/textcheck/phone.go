package textcheck

import "bytes"

// countryCodes are France's and its overseas territories' calling codes:
// "+33", "+262"…
var countryCodes = [][]byte{[]byte("33"), []byte("262"), []byte("269"), []byte("508"), []byte("590"),
	[]byte("594"), []byte("596"), []byte("681"), []byte("687"), []byte("689")}

// ScanPhones finds French phone numbers in src and returns the byte range
// of each: national numbers (0612345678, 06 12 34 56 78, 06.12.34.56.78,
// 06-12-34-56-78) and international ones (+33 6 12 34 56 78,
// +33612345678, 0033 6…, +33 (0)6…).
//
// To stay clear of the numbers a request legitimately holds, a national
// number needs exactly five pairs with one and the same separator, and a
// number must stand alone: not glued to a letter, a digit or a dot, not
// followed by another group. IP addresses, dates (2027-03-01, 01.03.2027),
// DataPass numbers (D12345), qualification numbers, hex identifiers and
// version strings are therefore not numbers.
func ScanPhones(src []byte) [][2]int {
	var out [][2]int
	// Every number starts with '+' or '0'. Both are rare in a request file,
	// so each is found with bytes.IndexByte rather than by looking at every
	// byte: nextPlus and nextZero are the next of each at or after i
	// (len(src) when there is none), searched again only once i has passed
	// them, so that each byte is searched once.
	nextPlus, nextZero := -1, -1
	for i := 0; i < len(src) && len(out) < MaxFindings; i++ {
		if nextPlus < i {
			nextPlus = indexByteFrom(src, i, '+')
		}
		if nextZero < i {
			nextZero = indexByteFrom(src, i, '0')
		}
		i = min(nextPlus, nextZero)
		if i == len(src) {
			break
		}
		if i > 0 && !isPhoneStart[src[i-1]] {
			continue
		}
		end, ok := international(src, i)
		if !ok {
			end, ok = national(src, i)
		}
		if ok && standsAlone(src, end) {
			out = append(out, [2]int{i, end})
			i = end - 1
		}
	}
	return out
}

// isPhoneStart tells the characters that may come before a phone number:
// a space, a YAML or JSON delimiter, an opening bracket, a comment mark.
var isPhoneStart = byteSet(" \t\r\n:\"'([{,;=>#*")

// indexByteFrom returns the offset of the first c in src at or after i, or
// len(src) if there is none.
func indexByteFrom(src []byte, i int, c byte) int {
	if i < len(src) && src[i] == c {
		return i // a run of zeros ("00000000") would call IndexByte at each
	}
	k := bytes.IndexByte(src[i:], c)
	if k < 0 {
		return len(src)
	}
	return i + k
}

// national reads 0X followed by four pairs of digits, with one separator
// used throughout (or none).
func national(src []byte, i int) (end int, ok bool) {
	if i+1 >= len(src) || src[i] != '0' || src[i+1] < '1' || src[i+1] > '9' {
		return 0, false
	}
	j := i + 2
	var sep []byte
	for k := range 4 {
		n := sepLen(src, j)
		if k == 0 {
			sep = src[j : j+n]
		} else if !bytes.Equal(src[j:j+n], sep) {
			return 0, false
		}
		j += n
		if j+1 >= len(src) || !isDigit(src[j]) || !isDigit(src[j+1]) {
			return 0, false
		}
		j += 2
	}
	return j, true
}

// international reads +CC or 00CC, an optional "(0)", then nine digits with
// at most one separator between two digits: the calling code is evidence
// enough, and overseas numbers group digits differently (+262 262 12 34 56).
func international(src []byte, i int) (end int, ok bool) {
	j := i
	switch {
	case src[j] == '+':
		j++
	case bytes.HasPrefix(src[j:], []byte("00")):
		j += 2
	default:
		return 0, false
	}
	cc := false
	for _, code := range countryCodes {
		if bytes.HasPrefix(src[j:], code) {
			j += len(code)
			cc = true
			break
		}
	}
	if !cc {
		return 0, false
	}
	j += sepLen(src, j)
	if bytes.HasPrefix(src[j:], []byte("(0)")) {
		j += 3
		j += sepLen(src, j)
	}
	if j >= len(src) || src[j] < '1' || src[j] > '9' {
		return 0, false
	}
	j++
	for range 8 {
		j += sepLen(src, j)
		if j >= len(src) || !isDigit(src[j]) {
			return 0, false
		}
		j++
	}
	return j, true
}

// standsAlone reports whether a number ending at end is not the start of
// something longer: a letter or digit, or a separator followed by a digit
// ("06 12 34 56 78 90" is not a phone number, nor "01.02.03.04.05.06").
func standsAlone(src []byte, end int) bool {
	if end >= len(src) {
		return true
	}
	if isAlnum(src[end]) || src[end] == '_' {
		return false
	}
	n := sepLen(src, end)
	if n == 0 && (src[end] == '/' || src[end] == ',') {
		n = 1
	}
	return !(n > 0 && end+n < len(src) && isDigit(src[end+n]))
}

// sepLen is the length of the separator at j: a space, a dot, a hyphen, a
// no-break space or a narrow no-break space (French typography); 0 if none.
func sepLen(src []byte, j int) int {
	switch {
	case j >= len(src):
		return 0
	case src[j] == ' ' || src[j] == '.' || src[j] == '-':
		return 1
	case bytes.HasPrefix(src[j:], []byte("\u00a0")):
		return 2
	case bytes.HasPrefix(src[j:], []byte("\u202f")):
		return 3
	}
	return 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

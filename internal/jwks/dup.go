package jwks

import (
	"bytes"
	"encoding/json"
)

// duplicates calls fn for each member name met a second time in the same
// object, with the depth of that object (1 for the outermost). Go keeps the
// last of two equal members, other readers the first: a JWKS with two
// "keys" (or a key with two "kty") would be read differently by fsgate and
// by FranceConnect, so it is refused rather than interpreted.
//
// data must be valid JSON. The walk is iterative: the depth of the document
// costs heap, not stack.
func duplicates(data []byte, fn func(depth int, name string)) {
	dec := json.NewDecoder(bytes.NewReader(data))
	// Numbers stay text: 1e999 is valid JSON but no float64.
	dec.UseNumber()
	type frame struct {
		object  bool
		wantKey bool
		names   map[string]bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{':
				stack = append(stack, &frame{object: true, wantKey: true, names: map[string]bool{}})
				continue
			case '[':
				stack = append(stack, &frame{})
				continue
			}
			stack = stack[:len(stack)-1] // '}' or ']': a value ends
		} else if len(stack) > 0 {
			if top := stack[len(stack)-1]; top.object && top.wantKey {
				name, _ := tok.(string)
				if top.names[name] {
					fn(len(stack), name)
				}
				top.names[name] = true
				top.wantKey = false
				continue
			}
		}
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].wantKey = true
		}
	}
}

// memberLabel returns how a duplicated member is named in a message: its
// name when it is one of the JWK Set and JWK members, which cannot carry
// anything but the name itself, and a neutral word otherwise.
func memberLabel(name string) (fr, en string) {
	switch name {
	case "keys", "kty", "use", "key_ops", "alg", "kid", "x5u", "x5c", "x5t", "x5t#S256",
		"crv", "x", "y", "d", "n", "e", "p", "q", "dp", "dq", "qi", "oth", "k", "pub", "priv":
		return "le membre « " + name + " »", `member "` + name + `"`
	}
	return "un membre non standard", "a non-standard member"
}

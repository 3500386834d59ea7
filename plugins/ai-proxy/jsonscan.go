package main

import (
	"bytes"

	"github.com/aiwasm/aiwasm/sdkwrap/jsonguard"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// Request bodies are checked and edited at their top level in one pass each. gjson and sjson
// are correct but slow in a Go wasm guest (validating 2 KB costs ~9 µs, and each sjson edit
// rescans the body): a request that only needs its model, stream flag and a few forced
// fields gets them from scanObject's member list, and editObject writes the edited body in
// one copy.

// objMember is one top-level member of a JSON object: its key as written between the quotes
// (escapes kept) and where its value lies.
type objMember struct {
	key        []byte
	start, end int // body[start:end] is the value
}

// maxDepth bounds nesting, as everywhere (sdkwrap/jsonguard): deeper documents are refused.
const maxDepth = jsonguard.MaxDepth

// scanObject checks that body is exactly one valid JSON object (surrounding whitespace
// allowed) and returns its top-level members in order, appended to dst. ok is false for
// anything else. Inside strings only the closing quote is looked for: escapes, raw control
// characters and UTF-8 are left to the provider, which refuses what it cannot read.
func scanObject(body []byte, dst []objMember) ([]objMember, bool) {
	s := scanner{b: body}
	i := s.ws(0)
	if i >= len(body) || body[i] != '{' {
		return dst, false
	}
	end := s.object(i, &dst)
	if end < 0 || s.ws(end) != len(body) {
		return dst, false
	}
	return dst, true
}

type scanner struct {
	b []byte
}

func (s *scanner) ws(i int) int {
	for i < len(s.b) {
		switch s.b[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// value scans the value starting at i (no whitespace before it) and returns where it ends,
// -1 if it is not valid JSON.
func (s *scanner) value(i int) int {
	if i >= len(s.b) {
		return -1
	}
	switch c := s.b[i]; {
	case c == '"':
		return s.str(i)
	case c == '{' || c == '[':
		return s.skip(i)
	case c == 't':
		return s.literal(i, "true")
	case c == 'f':
		return s.literal(i, "false")
	case c == 'n':
		return s.literal(i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number(i)
	}
	return -1
}

// str scans a string whose opening quote is at i: it looks for the closing quote with
// bytes.IndexByte, which is an order of magnitude faster in a Go wasm guest than a loop that
// looks at every byte. A quote preceded by an odd number of backslashes is escaped. Escapes
// and raw control characters are not checked (providers refuse what they cannot read).
func (s *scanner) str(i int) int {
	b := s.b
	for i++; ; {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return -1
		}
		i += q
		n := 0
		for j := i - 1; b[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return i + 1
		}
		i++
	}
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// skip passes over the object or array whose bracket is at i and returns where it ends, -1
// when its brackets do not balance (a '[' closed by '}' included) or a string is not
// closed. It checks structure only: nested members are the provider's to read. Strings are
// crossed with bytes.IndexByte (assembly in the Go wasm runtime, ~20x faster than a Go loop
// over the bytes); only the bytes between strings are looked at one by one.
func (s *scanner) skip(i int) int {
	b := s.b
	var open [maxDepth/64 + 1]uint64 // bit set: that level is an array
	depth := 0
	for {
		q := bytes.IndexByte(b[i:], '"')
		end := len(b)
		if q >= 0 {
			end = i + q
		}
		for ; i < end; i++ {
			switch c := b[i]; c {
			case '{', '[':
				if depth >= maxDepth {
					return -1
				}
				if c == '[' {
					open[depth/64] |= 1 << (depth % 64)
				} else {
					open[depth/64] &^= 1 << (depth % 64)
				}
				depth++
			case '}', ']':
				depth--
				if depth < 0 || (open[depth/64]&(1<<(depth%64)) != 0) != (c == ']') {
					return -1
				}
				if depth == 0 {
					return i + 1
				}
			}
		}
		if q < 0 || depth == 0 {
			return -1
		}
		if i = s.str(i); i < 0 {
			return -1
		}
	}
}

func (s *scanner) literal(i int, lit string) int {
	if len(s.b)-i < len(lit) || string(s.b[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number(i int) int {
	b := s.b
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = s.digits(i)
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		if j := s.digits(i + 1); j > i+1 {
			i = j
		} else {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := s.digits(i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

func (s *scanner) digits(i int) int {
	for i < len(s.b) && s.b[i] >= '0' && s.b[i] <= '9' {
		i++
	}
	return i
}

// object scans an object whose '{' is at i, recording its members in members (when not
// nil): its own level strictly, nested values with skip.
func (s *scanner) object(i int, members *[]objMember) int {
	b := s.b
	i = s.ws(i + 1)
	if i < len(b) && b[i] == '}' {
		return i + 1
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return -1
		}
		keyEnd := s.str(i)
		if keyEnd < 0 {
			return -1
		}
		key := b[i+1 : keyEnd-1]
		i = s.ws(keyEnd)
		if i >= len(b) || b[i] != ':' {
			return -1
		}
		i = s.ws(i + 1)
		end := s.value(i)
		if end < 0 {
			return -1
		}
		if members != nil {
			*members = append(*members, objMember{key: key, start: i, end: end})
		}
		i = s.ws(end)
		if i >= len(b) {
			return -1
		}
		switch b[i] {
		case ',':
			i = s.ws(i + 1)
		case '}':
			return i + 1
		default:
			return -1
		}
	}
}

// findMember is the member called name, or false. Keys written with escapes are decoded first.
func findMember(members []objMember, name string) (objMember, bool) {
	for _, m := range members {
		if keyIs(m.key, name) {
			return m, true
		}
	}
	return objMember{}, false
}

func keyIs(key []byte, name string) bool {
	if bytes.IndexByte(key, '\\') < 0 {
		return string(key) == name
	}
	return gjson.Parse(`"`+string(key)+`"`).Str == name
}

// stringValue is a member's value as a Go string when it is a JSON string.
func stringValue(body []byte, m objMember) (string, bool) {
	v := body[m.start:m.end]
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1]), true
	}
	return gjson.ParseBytes(v).Str, true
}

// edit is one change editObject makes: the member name set to value (raw JSON), or, with
// fill, added only when the object lacks it.
type edit struct {
	name  string
	value string
	fill  bool
}

// editObject writes body (an object scanObject read into members) with edits applied: a
// member that exists is replaced in place (fill edits leave it), one that does not is added
// at the end. Names that need escaping in JSON go through sjson instead.
func editObject(body []byte, members []objMember, edits []edit) ([]byte, error) {
	extra := 0
	for _, e := range edits {
		extra += len(e.name) + len(e.value) + 4
	}
	out := make([]byte, 0, len(body)+extra)
	pos := 0
	done := make([]bool, len(edits))
	var slow []edit
	for ei, e := range edits {
		if needsEscape(e.name) {
			slow, done[ei] = append(slow, e), true
		}
	}
	for _, m := range members {
		for ei, e := range edits {
			if done[ei] || !keyIs(m.key, e.name) {
				continue
			}
			done[ei] = true
			if e.fill {
				continue
			}
			out = append(out, body[pos:m.start]...)
			out = append(out, e.value...)
			pos = m.end
		}
	}
	closing := bytes.LastIndexByte(body, '}')
	out = append(out, body[pos:closing]...)
	empty := len(members) == 0
	for ei, e := range edits {
		if done[ei] {
			continue
		}
		for ej := ei + 1; ej < len(edits); ej++ {
			if edits[ej].name == e.name {
				done[ej] = true // an option and a default of one name: the option
			}
		}
		if !empty {
			out = append(out, ',')
		}
		empty = false
		out = append(out, '"')
		out = append(out, e.name...)
		out = append(out, '"', ':')
		out = append(out, e.value...)
	}
	out = append(out, body[closing:]...)
	var err error
	for _, e := range slow {
		path := escapePath(e.name)
		if e.fill && gjson.GetBytes(out, path).Exists() {
			continue
		}
		if out, err = sjson.SetRawBytes(out, path, []byte(e.value)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// needsEscape reports a name that cannot be written between quotes as it is.
func needsEscape(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; c == '"' || c == '\\' || c < 0x20 {
			return true
		}
	}
	return false
}

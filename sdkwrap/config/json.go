package config

import (
	"fmt"
	"unicode/utf8"
)

// The configuration is parsed by hand into a small tree rather than with encoding/json:
// a syntax error can then name its line, column and JSON path, duplicate keys and broken
// UTF-8 are caught, and no reflection lands in the Wasm module.

// kind is the JSON type of a value.
type kind uint8

const (
	kindNull kind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

func (k kind) String() string {
	switch k {
	case kindBool:
		return "boolean"
	case kindNumber:
		return "number"
	case kindString:
		return "string"
	case kindArray:
		return "array"
	case kindObject:
		return "object"
	}
	return "null"
}

// value is a parsed JSON value.
type value struct {
	kind kind
	// text is the decoded string, the number's literal text, or "true"/"false".
	text    string
	items   []value  // kindArray
	members []member // kindObject, in document order, keys unique
}

type member struct {
	key string
	val value
}

// maxDepth bounds nesting; a configuration never needs more, and the parser recurses.
const maxDepth = 100

// parser reads one JSON document. frames is the path to the value being parsed, kept so a
// syntax error can say where it is.
type parser struct {
	src    []byte
	pos    int
	frames []frame
}

type frame struct {
	key     string
	index   int
	inArray bool
}

// syntaxError is a parse failure at a byte offset, inside the value at path.
type syntaxError struct {
	path string
	off  int
	msg  string
}

// parse reads src as one JSON value, surrounded by optional whitespace only.
func parse(src []byte) (value, *syntaxError) {
	p := &parser{src: src}
	v, err := p.value()
	if err != nil {
		return value{}, err
	}
	p.skipSpace()
	if p.pos < len(p.src) {
		return value{}, p.fail("unexpected %s after the top-level value", p.describe())
	}
	return v, nil
}

func (p *parser) fail(format string, args ...any) *syntaxError {
	path := ""
	for _, f := range p.frames {
		if f.inArray {
			path = JoinIndex(path, f.index)
		} else {
			path = JoinKey(path, f.key)
		}
	}
	return &syntaxError{path: path, off: p.pos, msg: fmt.Sprintf(format, args...)}
}

// describe names the byte at the current position for a message.
func (p *parser) describe() string {
	if p.pos >= len(p.src) {
		return "end of input"
	}
	c := p.src[p.pos]
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("character %q", rune(c))
	}
	return fmt.Sprintf("byte 0x%02X", c)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() (value, *syntaxError) {
	p.skipSpace()
	if p.pos >= len(p.src) {
		return value{}, p.fail("unexpected end of input, want a value")
	}
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.string()
		return value{kind: kindString, text: s}, err
	case c == '-' || ('0' <= c && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", value{kind: kindBool, text: "true"})
	case c == 'f':
		return p.literal("false", value{kind: kindBool, text: "false"})
	case c == 'n':
		return p.literal("null", value{kind: kindNull})
	}
	return value{}, p.fail("unexpected %s, want a value", p.describe())
}

func (p *parser) enter(f frame) *syntaxError {
	if len(p.frames) >= maxDepth {
		return p.fail("nesting deeper than %d levels", maxDepth)
	}
	p.frames = append(p.frames, f)
	return nil
}

func (p *parser) leave() { p.frames = p.frames[:len(p.frames)-1] }

func (p *parser) object() (value, *syntaxError) {
	p.pos++ // '{'
	v := value{kind: kindObject}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		return v, nil
	}
	var seen map[string]bool // built once the object is big enough for it to pay
	for {
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != '"' {
			return value{}, p.fail("unexpected %s, want a string key", p.describe())
		}
		keyPos := p.pos
		key, err := p.string()
		if err != nil {
			return value{}, err
		}
		if isDuplicate(v.members, key, &seen) {
			p.pos = keyPos
			return value{}, p.fail("duplicate key %q", clip(key))
		}
		p.skipSpace()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return value{}, p.fail("unexpected %s, want ':' after a key", p.describe())
		}
		p.pos++
		if err := p.enter(frame{key: key}); err != nil {
			return value{}, err
		}
		val, err := p.value()
		if err != nil {
			return value{}, err
		}
		p.leave()
		v.members = append(v.members, member{key: key, val: val})
		p.skipSpace()
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == '}' {
			p.pos++
			return v, nil
		}
		return value{}, p.fail("unexpected %s, want ',' or '}'", p.describe())
	}
}

// isDuplicate reports whether key is already among members: a linear scan for small
// objects, a set for big ones.
func isDuplicate(members []member, key string, seen *map[string]bool) bool {
	const scanLimit = 16
	if len(members) < scanLimit {
		for _, m := range members {
			if m.key == key {
				return true
			}
		}
		return false
	}
	if *seen == nil {
		*seen = make(map[string]bool, 2*len(members))
		for _, m := range members {
			(*seen)[m.key] = true
		}
	}
	if (*seen)[key] {
		return true
	}
	(*seen)[key] = true
	return false
}

func (p *parser) array() (value, *syntaxError) {
	p.pos++ // '['
	v := value{kind: kindArray}
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		return v, nil
	}
	for i := 0; ; i++ {
		if err := p.enter(frame{index: i, inArray: true}); err != nil {
			return value{}, err
		}
		item, err := p.value()
		if err != nil {
			return value{}, err
		}
		p.leave()
		v.items = append(v.items, item)
		p.skipSpace()
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if p.pos < len(p.src) && p.src[p.pos] == ']' {
			p.pos++
			return v, nil
		}
		return value{}, p.fail("unexpected %s, want ',' or ']'", p.describe())
	}
}

func (p *parser) literal(word string, v value) (value, *syntaxError) {
	if len(p.src)-p.pos < len(word) || string(p.src[p.pos:p.pos+len(word)]) != word {
		return value{}, p.fail("unexpected %s, want a value", p.describe())
	}
	p.pos += len(word)
	return v, nil
}

// number checks the JSON number grammar and keeps the literal: integers are converted
// exactly later, by the accessor that knows what it wants.
func (p *parser) number() (value, *syntaxError) {
	start := p.pos
	if p.src[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(p.src) && p.src[p.pos] == '0':
		p.pos++
		if p.pos < len(p.src) && isDigit(p.src[p.pos]) {
			return value{}, p.fail("invalid number: leading zero")
		}
	case p.pos < len(p.src) && isDigit(p.src[p.pos]):
		p.digits()
	default:
		return value{}, p.fail("invalid number: want a digit, got %s", p.describe())
	}
	if p.pos < len(p.src) && p.src[p.pos] == '.' {
		p.pos++
		if p.pos >= len(p.src) || !isDigit(p.src[p.pos]) {
			return value{}, p.fail("invalid number: want a digit after '.', got %s", p.describe())
		}
		p.digits()
	}
	if p.pos < len(p.src) && (p.src[p.pos] == 'e' || p.src[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.src) && (p.src[p.pos] == '+' || p.src[p.pos] == '-') {
			p.pos++
		}
		if p.pos >= len(p.src) || !isDigit(p.src[p.pos]) {
			return value{}, p.fail("invalid number: want a digit in the exponent, got %s", p.describe())
		}
		p.digits()
	}
	return value{kind: kindNumber, text: string(p.src[start:p.pos])}, nil
}

func (p *parser) digits() {
	for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
		p.pos++
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// string decodes a string token. Raw bytes must be valid UTF-8 and \u escapes must not
// leave half a surrogate pair: JSON text is UTF-8 (RFC 8259), and a plugin comparing
// keys or header values must not see bytes the operator never meant.
func (p *parser) string() (string, *syntaxError) {
	p.pos++ // opening quote
	start := p.pos
	var buf []byte // only when the string has escapes
	for {
		if p.pos >= len(p.src) {
			return "", p.fail("unterminated string")
		}
		c := p.src[p.pos]
		switch {
		case c == '"':
			s := p.src[start:p.pos]
			p.pos++
			if buf != nil {
				return string(append(buf, s...)), nil
			}
			return string(s), nil
		case c == '\\':
			buf = append(buf, p.src[start:p.pos]...)
			var err *syntaxError
			if buf, err = p.escape(buf); err != nil {
				return "", err
			}
			start = p.pos
		case c < 0x20:
			return "", p.fail("control character 0x%02X in string; escape it", c)
		case c < utf8.RuneSelf:
			p.pos++
		default:
			r, size := utf8.DecodeRune(p.src[p.pos:])
			if r == utf8.RuneError && size == 1 {
				return "", p.fail("invalid UTF-8 in string")
			}
			p.pos += size
		}
	}
}

// escape decodes the escape sequence at p.pos (a backslash) onto buf.
func (p *parser) escape(buf []byte) ([]byte, *syntaxError) {
	p.pos++ // backslash
	if p.pos >= len(p.src) {
		return nil, p.fail("unterminated string")
	}
	c := p.src[p.pos]
	p.pos++
	switch c {
	case '"', '\\', '/':
		return append(buf, c), nil
	case 'b':
		return append(buf, '\b'), nil
	case 'f':
		return append(buf, '\f'), nil
	case 'n':
		return append(buf, '\n'), nil
	case 'r':
		return append(buf, '\r'), nil
	case 't':
		return append(buf, '\t'), nil
	case 'u':
		r, err := p.hex4()
		if err != nil {
			return nil, err
		}
		switch {
		case 0xDC00 <= r && r <= 0xDFFF:
			p.pos -= 6
			return nil, p.fail("unpaired surrogate in \\u escape")
		case 0xD800 <= r && r <= 0xDBFF:
			if len(p.src)-p.pos < 2 || p.src[p.pos] != '\\' || p.src[p.pos+1] != 'u' {
				p.pos -= 6
				return nil, p.fail("unpaired surrogate in \\u escape")
			}
			p.pos += 2
			lo, err := p.hex4()
			if err != nil {
				return nil, err
			}
			if lo < 0xDC00 || lo > 0xDFFF {
				p.pos -= 12
				return nil, p.fail("unpaired surrogate in \\u escape")
			}
			r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
		}
		return utf8.AppendRune(buf, r), nil
	}
	p.pos--
	return nil, p.fail("invalid escape %s in string", p.describe())
}

func (p *parser) hex4() (rune, *syntaxError) {
	var r rune
	for i := 0; i < 4; i++ {
		if p.pos >= len(p.src) {
			return 0, p.fail("unterminated \\u escape")
		}
		c := p.src[p.pos]
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, p.fail("invalid \\u escape: want a hex digit, got %s", p.describe())
		}
		p.pos++
	}
	return r, nil
}

// lineColumn turns a byte offset into a 1-based line and byte column.
func lineColumn(src []byte, off int) (line, col int) {
	line, lineStart := 1, 0
	for i := 0; i < off && i < len(src); i++ {
		if src[i] == '\n' {
			line++
			lineStart = i + 1
		}
	}
	return line, off - lineStart + 1
}

package llm

import (
	"strconv"
	"unicode/utf8"
)

// jsonWriter appends JSON to a byte slice. The translators write their output with it instead
// of building values for encoding/json: no reflection, no intermediate maps, one growing
// buffer.
//
// It remembers a single thing, whether the next value needs a comma before it. That is
// enough for objects and arrays alike: opening a container or writing a key clears it,
// finishing a value sets it. Keys are the translators' own constants and are written
// unescaped.
type jsonWriter struct {
	b    []byte
	more bool
}

// mark is a position to roll back to, for output that turns out to be empty.
type mark struct {
	n    int
	more bool
}

func (w *jsonWriter) mark() mark        { return mark{len(w.b), w.more} }
func (w *jsonWriter) reset(m mark)      { w.b, w.more = w.b[:m.n], m.more }
func (w *jsonWriter) since(m mark) bool { return len(w.b) > m.n }

func (w *jsonWriter) comma() {
	if w.more {
		w.b = append(w.b, ',')
	}
}

// open starts an object ('{') or an array ('[').
func (w *jsonWriter) open(c byte) {
	w.comma()
	w.b = append(w.b, c)
	w.more = false
}

// close ends the container open started ('}' or ']').
func (w *jsonWriter) close(c byte) {
	w.b = append(w.b, c)
	w.more = true
}

// key writes an object key; the next call writes its value.
func (w *jsonWriter) key(k string) {
	w.comma()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':')
	w.more = false
}

// rawKey writes an object key already encoded as a JSON string, such as one read from the
// input.
func (w *jsonWriter) rawKey(quoted string) {
	w.comma()
	w.b = append(w.b, quoted...)
	w.b = append(w.b, ':')
	w.more = false
}

// str writes s as a JSON string.
func (w *jsonWriter) str(s string) {
	w.comma()
	w.b = appendJSONString(w.b, s)
	w.more = true
}

// raw writes an encoded JSON value as it is. Translators use it for values read from a
// validated input, which saves decoding and re-encoding them.
func (w *jsonWriter) raw(v string) {
	w.comma()
	w.b = append(w.b, v...)
	w.more = true
}

func (w *jsonWriter) int(n int64) {
	w.comma()
	w.b = strconv.AppendInt(w.b, n, 10)
	w.more = true
}

func (w *jsonWriter) null() { w.raw("null") }

func (w *jsonWriter) boolean(v bool) {
	if v {
		w.raw("true")
	} else {
		w.raw("false")
	}
}

// Shorthands for the common key-value pairs.
func (w *jsonWriter) keyStr(k, v string)       { w.key(k); w.str(v) }
func (w *jsonWriter) keyRaw(k, v string)       { w.key(k); w.raw(v) }
func (w *jsonWriter) keyInt(k string, n int64) { w.key(k); w.int(n) }
func (w *jsonWriter) keyOpen(k string, c byte) { w.key(k); w.open(c) }

// AppendJSONString appends s as a JSON string, quoted and escaped; invalid UTF-8 becomes
// U+FFFD, so the output is valid JSON whatever s holds. For plugins that write JSON by hand.
func AppendJSONString(dst []byte, s string) []byte { return appendJSONString(dst, s) }

// appendJSONString appends s quoted and escaped.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendEscaped(dst, s)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// appendEscaped appends s escaped for the inside of a JSON string. Invalid UTF-8 becomes
// U+FFFD, so the output is always valid JSON text whatever the input.
func appendEscaped(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r != utf8.RuneError || size != 1 {
				i += size
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		i++
		start = i
	}
	return append(dst, s[start:]...)
}

// compactJSON removes the whitespace between the tokens of valid JSON text, such as the
// indentation of Gemini's pretty-printed bodies, so that an arguments string reads as a
// model would write it. Text without such whitespace is returned as it is.
func compactJSON(s string) string {
	var b []byte
	inString, escaped := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if b == nil {
				b = append(make([]byte, 0, len(s)), s[:i]...)
			}
			continue
		}
		if b != nil {
			b = append(b, c)
		}
	}
	if b == nil {
		return s
	}
	return string(b)
}

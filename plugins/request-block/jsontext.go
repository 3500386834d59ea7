package main

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// The content of a JSON string as the prompt scanner hands it over: still encoded, its
// escapes valid (the scanner checked them). Decoding follows Go's encoding/json: a lone
// surrogate is U+FFFD.

// hexValue is the value of four hex digits, or -1.
func hexValue(s string) int {
	v := 0
	for i := 0; i < 4; i++ {
		d := unhex(s[i])
		if d < 0 {
			return -1
		}
		v = v<<4 | d
	}
	return v
}

// nextJSONRune decodes the first character of encoded JSON string content: an escape, or
// a UTF-8 sequence (a byte that is not UTF-8 is U+FFFD, one byte long).
func nextJSONRune(raw string) (rune, int) {
	if raw[0] != '\\' {
		return utf8.DecodeRuneInString(raw)
	}
	return decodeEscape(raw)
}

// decodeEscape decodes the escape raw starts with and returns the rune and its length;
// a surrogate pair of \u escapes is one rune.
func decodeEscape(raw string) (rune, int) {
	if len(raw) < 2 {
		return utf8.RuneError, len(raw)
	}
	switch raw[1] {
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		if len(raw) < 6 {
			return utf8.RuneError, len(raw)
		}
		r := rune(hexValue(raw[2:6]))
		if r < 0 {
			return utf8.RuneError, 6
		}
		if utf16.IsSurrogate(r) {
			if len(raw) >= 12 && raw[6] == '\\' && raw[7] == 'u' {
				if r2 := rune(hexValue(raw[8:12])); r2 >= 0 {
					if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
						return pair, 12
					}
				}
			}
			return utf8.RuneError, 6
		}
		return r, 6
	}
	return rune(raw[1]), 2 // \" \\ \/
}

// unescapeJSON decodes encoded JSON string content.
func unescapeJSON(raw string) string {
	if strings.IndexByte(raw, '\\') < 0 {
		return raw
	}
	out := make([]byte, 0, len(raw))
	for {
		k := strings.IndexByte(raw, '\\')
		if k < 0 {
			out = append(out, raw...)
			break
		}
		out = append(out, raw[:k]...)
		r, n := decodeEscape(raw[k:])
		out = utf8.AppendRune(out, r)
		raw = raw[k+n:]
	}
	return unsafe.String(unsafe.SliceData(out), len(out))
}

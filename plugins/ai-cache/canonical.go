package main

import (
	"strconv"
	"unicode/utf8"

	"github.com/aiwasm/aiwasm/sdkwrap/llm"
)

// The canonical form of JSON, which bodyScan (scan.go) writes so that requests that mean
// the same get the same key whatever their layout: no whitespace, object members sorted by
// key, strings decoded and escaped one way (llm.AppendJSONString's), numbers written one
// way (an integer as its digits, any other number as the shortest form of its float64,
// which is how upstreams read it).

// appendNumber writes the valid JSON number raw: an integer (no fraction or exponent) keeps
// its digits as they are (a float64 would merge large seeds), any other number is the
// shortest form of its float64 - as an integer when it is one (1.0 and 1e3).
func appendNumber(dst, raw []byte, integer bool) []byte {
	if integer {
		if string(raw) == "-0" {
			return append(dst, '0')
		}
		return append(dst, raw...)
	}
	f, _ := strconv.ParseFloat(string(raw), 64) // out of range: ±Inf, as gjson reads it
	if f > -1e15 && f < 1e15 && f == float64(int64(f)) {
		return strconv.AppendInt(dst, int64(f), 10)
	}
	return strconv.AppendFloat(dst, f, 'g', -1, 64)
}

// appendRune writes a character a string escape stood for as llm.AppendJSONString would
// write it: '"', '\\' and control characters escaped, anything else as UTF-8 (a lone
// surrogate as U+FFFD).
func appendRune(dst []byte, r rune) []byte {
	switch {
	case r == '"' || r == '\\':
		return append(dst, '\\', byte(r))
	case r == '\n':
		return append(dst, '\\', 'n')
	case r == '\r':
		return append(dst, '\\', 'r')
	case r == '\t':
		return append(dst, '\\', 't')
	case r < 0x20:
		return append(dst, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
	}
	return utf8.AppendRune(dst, r)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string, in the one form every writer of the key agrees on.
func appendString(dst []byte, s string) []byte { return llm.AppendJSONString(dst, s) }

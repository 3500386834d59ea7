package main

import (
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/tidwall/gjson"
)

// appendCanonical writes v in one canonical form, so that requests that mean the same get
// the same key whatever their layout: no whitespace, object members sorted by key, strings
// decoded and escaped one way, numbers written one way (an integer as its digits, any
// other number as the shortest form of its float64, which is how upstreams read it).
func appendCanonical(dst []byte, v gjson.Result) []byte {
	switch v.Type {
	case gjson.String:
		return appendString(dst, v.Str)
	case gjson.Number:
		return appendNumber(dst, v)
	case gjson.True:
		return append(dst, "true"...)
	case gjson.False:
		return append(dst, "false"...)
	case gjson.Null:
		return append(dst, "null"...)
	}
	if v.IsArray() {
		dst = append(dst, '[')
		first := true
		v.ForEach(func(_, e gjson.Result) bool {
			if !first {
				dst = append(dst, ',')
			}
			first = false
			dst = appendCanonical(dst, e)
			return true
		})
		return append(dst, ']')
	}
	if v.IsObject() {
		type member struct {
			key string
			val gjson.Result
		}
		var members []member
		v.ForEach(func(k, e gjson.Result) bool {
			members = append(members, member{k.Str, e})
			return true
		})
		sort.SliceStable(members, func(i, j int) bool { return members[i].key < members[j].key })
		dst = append(dst, '{')
		for i, m := range members {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendString(dst, m.key)
			dst = append(dst, ':')
			dst = appendCanonical(dst, m.val)
		}
		return append(dst, '}')
	}
	return append(dst, "null"...)
}

// appendNumber keeps an integer's digits as they are (a float64 would merge large seeds)
// and writes any other number as the shortest form of its float64.
func appendNumber(dst []byte, v gjson.Result) []byte {
	raw := v.Raw
	integer := raw != ""
	for i := 0; i < len(raw); i++ {
		if !(raw[i] >= '0' && raw[i] <= '9' || i == 0 && raw[i] == '-') {
			integer = false
			break
		}
	}
	if integer {
		if raw == "-0" {
			raw = "0"
		}
		return append(dst, raw...)
	}
	if v.Num == float64(int64(v.Num)) && v.Num > -1e15 && v.Num < 1e15 {
		return strconv.AppendInt(dst, int64(v.Num), 10) // 1.0 and 1e3 are integers
	}
	return strconv.AppendFloat(dst, v.Num, 'g', -1, 64)
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string. Invalid UTF-8 becomes U+FFFD, so the output is
// always valid JSON.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
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
			dst = append(append(dst, s[start:i]...), `\ufffd`...)
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
	return append(append(dst, s[start:]...), '"')
}

package main

import (
	"sort"
	"strconv"

	"github.com/aiwasm/aiwasm/sdkwrap/llm"
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

// appendString writes s as a JSON string, in the one form every writer of the key agrees on.
func appendString(dst []byte, s string) []byte { return llm.AppendJSONString(dst, s) }

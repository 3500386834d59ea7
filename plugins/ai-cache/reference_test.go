//go:build !wasip1

package main

// The key as gjson computed it before bodyScan: the reference the scanner's tests and
// FuzzKeyScanner compare it with, byte for byte.

import (
	"sort"
	"strconv"

	"github.com/tidwall/gjson"
)

// refCanonical writes v in one canonical form, so that requests that mean the same get
// the same key whatever their layout: no whitespace, object members sorted by key, strings
// decoded and escaped one way, numbers written one way (an integer as its digits, any
// other number as the shortest form of its float64, which is how upstreams read it).
func refCanonical(dst []byte, v gjson.Result) []byte {
	switch v.Type {
	case gjson.String:
		return appendString(dst, v.Str)
	case gjson.Number:
		return refNumber(dst, v)
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
			dst = refCanonical(dst, e)
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
			dst = refCanonical(dst, m.val)
		}
		return append(dst, '}')
	}
	return append(dst, "null"...)
}

// refNumber keeps an integer's digits as they are (a float64 would merge large seeds)
// and writes any other number as the shortest form of its float64.
func refNumber(dst []byte, v gjson.Result) []byte {
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

// refParams writes the answer-changing fields of req (model included), canonical and
// sorted; it is also what semantic matches must share.
func refParams(dst []byte, req gjson.Result) []byte {
	type field struct {
		key string
		val gjson.Result
	}
	var fields []field
	req.ForEach(func(k, v gjson.Result) bool {
		if !notInKey[k.Str] {
			fields = append(fields, field{k.Str, v})
		}
		return true
	})
	for i := 1; i < len(fields); i++ { // insertion sort: a handful of fields
		for j := i; j > 0 && fields[j].key < fields[j-1].key; j-- {
			fields[j], fields[j-1] = fields[j-1], fields[j]
		}
	}
	dst = append(dst, '{')
	for i, f := range fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, f.key)
		dst = append(dst, ':')
		dst = refCanonical(dst, f.val)
	}
	return append(dst, '}')
}

// refMessages writes the messages the strategy keys on; ok is false when there is
// nothing to key on (no user message for the question strategies).
func refMessages(dst []byte, s strategy, messages gjson.Result) ([]byte, bool) {
	switch s {
	case strategyFull:
		return refCanonical(dst, messages), true
	case strategyLastQuestion:
		var last gjson.Result
		messages.ForEach(func(_, m gjson.Result) bool {
			if m.Get("role").Str == "user" {
				last = m.Get("content")
			}
			return true
		})
		if !last.Exists() {
			return dst, false
		}
		return refCanonical(dst, last), true
	}
	n := 0
	dst = append(dst, '[')
	messages.ForEach(func(_, m gjson.Result) bool {
		if m.Get("role").Str == "user" {
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = refCanonical(dst, m.Get("content"))
		}
		return true
	})
	return append(dst, ']'), n > 0
}

// refKeyMaterial is everything that makes two requests the same under the configuration:
// the scope, the strategy, the parameters and the messages it keys on. It never leaves the
// plugin: only its hash is stored.
func refKeyMaterial(dst []byte, c *Config, scope string, req gjson.Result) ([]byte, bool) {
	dst = append(dst, keyVersion...)
	dst = append(dst, scope...)
	dst = append(dst, 0, byte(c.strategy), 0)
	dst = refParams(dst, req)
	dst = append(dst, 0)
	return refMessages(dst, c.strategy, req.Get("messages"))
}

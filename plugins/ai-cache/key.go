package main

import (
	"github.com/aiwasm/aiwasm/sdkwrap/cachestore"
	"github.com/tidwall/gjson"
)

// notInKey are the top-level request fields that do not change the answer: how it is
// delivered (stream, stream_options) and bookkeeping (user, metadata, store, ...). Every
// other field is part of the key - a new parameter an API adds therefore splits the cache
// rather than serving a wrong answer.
var notInKey = map[string]bool{
	"messages": true, // written per strategy
	"stream":   true, "stream_options": true,
	"user": true, "metadata": true, "store": true, "service_tier": true,
	"safety_identifier": true, "prompt_cache_key": true,
}

// keyVersion changes whenever the material of a key changes meaning, so old entries are
// never read under a new reading.
const keyVersion = "ai-cache/1\x00"

// appendParams writes the answer-changing fields of req (model included), canonical and
// sorted; it is also what semantic matches must share.
func appendParams(dst []byte, req gjson.Result) []byte {
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
		dst = appendCanonical(dst, f.val)
	}
	return append(dst, '}')
}

// appendMessages writes the messages the strategy keys on; ok is false when there is
// nothing to key on (no user message for the question strategies).
func appendMessages(dst []byte, s strategy, messages gjson.Result) ([]byte, bool) {
	switch s {
	case strategyFull:
		return appendCanonical(dst, messages), true
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
		return appendCanonical(dst, last), true
	}
	n := 0
	dst = append(dst, '[')
	messages.ForEach(func(_, m gjson.Result) bool {
		if m.Get("role").Str == "user" {
			if n > 0 {
				dst = append(dst, ',')
			}
			n++
			dst = appendCanonical(dst, m.Get("content"))
		}
		return true
	})
	return append(dst, ']'), n > 0
}

// keyMaterial is everything that makes two requests the same under the configuration:
// the scope, the strategy, the parameters and the messages it keys on. It never leaves the
// plugin: only its hash is stored.
func keyMaterial(dst []byte, c *Config, scope string, req gjson.Result) ([]byte, bool) {
	dst = append(dst, keyVersion...)
	dst = append(dst, scope...)
	dst = append(dst, 0, byte(c.strategy), 0)
	dst = appendParams(dst, req)
	dst = append(dst, 0)
	return appendMessages(dst, c.strategy, req.Get("messages"))
}

// cacheKey hashes the material into the store's key.
func cacheKey(h cachestore.Hasher, scope string, material []byte) cachestore.Key {
	return cachestore.Key{Hash: h.Sum(material), Scope: scope}
}

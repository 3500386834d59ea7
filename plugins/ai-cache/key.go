package main

import "github.com/aiwasm/aiwasm/sdkwrap/cachestore"

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

// appendParams writes the answer-changing fields of the scanned request (model included),
// canonical and sorted; it is also what semantic matches must share.
func appendParams(dst []byte, r *bodyScan) []byte {
	dst = append(dst, '{')
	n := 0
	for i := range r.members {
		m := &r.members[i]
		if notInKey[string(r.keyOf(m))] {
			continue
		}
		if n > 0 {
			dst = append(dst, ',')
		}
		n++
		dst = append(dst, r.out[m.start:m.end]...)
	}
	return append(dst, '}')
}

// appendMessages writes the messages the strategy keys on; ok is false when there is
// nothing to key on (no user message for the question strategies, or a last one without
// content).
func appendMessages(dst []byte, s strategy, r *bodyScan) ([]byte, bool) {
	switch s {
	case strategyFull:
		return append(dst, r.out[r.messages.start:r.messages.end]...), true
	case strategyLastQuestion:
		if len(r.users) == 0 || r.users[len(r.users)-1].start < 0 {
			return dst, false
		}
		last := r.users[len(r.users)-1]
		return append(dst, r.out[last.start:last.end]...), true
	}
	dst = append(dst, '[')
	for i, c := range r.users {
		if i > 0 {
			dst = append(dst, ',')
		}
		if c.start < 0 {
			dst = append(dst, "null"...) // as gjson wrote a missing content
		} else {
			dst = append(dst, r.out[c.start:c.end]...)
		}
	}
	return append(dst, ']'), len(r.users) > 0
}

// keyMaterial is everything that makes two requests the same under the configuration:
// the scope, the strategy, the parameters and the messages it keys on. It never leaves the
// plugin: only its hash is stored. r is a scan of a chat request: a top-level object
// whose messages is an array.
func keyMaterial(dst []byte, c *Config, scope string, r *bodyScan) ([]byte, bool) {
	dst = append(dst, keyVersion...)
	dst = append(dst, scope...)
	dst = append(dst, 0, byte(c.strategy), 0)
	dst = appendParams(dst, r)
	dst = append(dst, 0)
	return appendMessages(dst, c.strategy, r)
}

// paramsMaterial is what the semantic index's params hash: the scope, the strategy and
// the parameters.
func paramsMaterial(dst []byte, c *Config, scope string, r *bodyScan) []byte {
	dst = append(dst, keyVersion...)
	dst = append(dst, scope...)
	dst = append(dst, 0, byte(c.strategy))
	return appendParams(dst, r)
}

// keyScratch is the key's buffers, reused from request to request (a VM runs one callback
// at a time, and no buffer is read past onRequestBody), and its hasher.
var keyScratch keyBuffers

type keyBuffers struct {
	scan     bodyScan
	material []byte
	// The last configuration's hasher: the local store's reads its secret from shared
	// data, where, once made, it never changes.
	config *Config
	hasher cachestore.Hasher
}

// hasherOf is c's store's hasher, asked of the store once per configuration.
func (k *keyBuffers) hasherOf(c *Config) (cachestore.Hasher, error) {
	if k.config == c {
		return k.hasher, nil
	}
	h, err := c.store.Hasher()
	if err != nil {
		return nil, err
	}
	k.config, k.hasher = c, h
	return h, nil
}

// buffer is the material's buffer, emptied (dropped after a large body).
func (k *keyBuffers) buffer() []byte {
	if cap(k.material) > maxKept {
		k.material = nil
	}
	return k.material[:0]
}

// cacheKey hashes the material into the store's key.
func cacheKey(h cachestore.Hasher, scope string, material []byte) cachestore.Key {
	return cachestore.Key{Hash: h.Sum(material), Scope: scope}
}

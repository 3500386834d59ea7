package cachestore

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
)

// Key identifies a cached answer: a 128-bit hash of what the plugin decided makes two
// requests the same, and the scope the answer belongs to.
type Key struct {
	Hash  [16]byte
	Scope string
}

// String is the hash in hex (never the material it was made from).
func (k Key) String() string { return hex.EncodeToString(k.Hash[:]) }

// slot is where the key falls in a table of n slots.
func (k Key) slot(n int) int { return int(binary.LittleEndian.Uint64(k.Hash[:8]) % uint64(n)) }

// Hasher turns key material into a Key hash. Local stores hash with SipHash-2-4 under a
// secret of the Envoy process, so nobody can craft a request that collides with another's;
// Redis, shared by gateways that share no secret, with SHA-256.
type Hasher interface {
	Sum(material []byte) [16]byte
}

// SHA256 is the Hasher of stores shared between gateways: the first 16 bytes of SHA-256.
type SHA256 struct{}

func (SHA256) Sum(material []byte) [16]byte {
	full := sha256.Sum256(material)
	var out [16]byte
	copy(out[:], full[:16])
	return out
}

// SipHasher is SipHash-2-4 with 128-bit output (Aumasson and Bernstein) under a secret key:
// a PRF, so without the key no collision can be aimed at, and about ten times faster than
// SHA-256 in a Go wasm guest.
type SipHasher struct{ K0, K1 uint64 }

func (h SipHasher) Sum(material []byte) [16]byte {
	a, b := sipHash128(h.K0, h.K1, material)
	var out [16]byte
	binary.LittleEndian.PutUint64(out[:8], a)
	binary.LittleEndian.PutUint64(out[8:], b)
	return out
}

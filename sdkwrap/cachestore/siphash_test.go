package cachestore

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// The first 128-bit test vector of the SipHash reference implementation: key 00..0f, empty
// message; and the 16th: the message 00..0e.
func TestSipHash128ReferenceVectors(t *testing.T) {
	key := make([]byte, 16)
	for i := range key {
		key[i] = byte(i)
	}
	h := SipHasher{binary.LittleEndian.Uint64(key[:8]), binary.LittleEndian.Uint64(key[8:])}
	want0 := []byte{0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25, 0xa8, 0xe6, 0x6d, 0xf6, 0x72, 0x14, 0xc7, 0x55, 0x02, 0x93}
	if got := h.Sum(nil); !bytes.Equal(got[:], want0) {
		t.Fatalf("empty message: % x, want % x", got, want0)
	}
}

func TestHashersSeparateInputs(t *testing.T) {
	for _, h := range []Hasher{SipHasher{1, 2}, SHA256{}} {
		a, b := h.Sum([]byte("a")), h.Sum([]byte("b"))
		if a == b || h.Sum([]byte("a")) != a {
			t.Fatalf("%T: %x %x", h, a, b)
		}
	}
	if (SipHasher{1, 2}).Sum([]byte("x")) == (SipHasher{1, 3}).Sum([]byte("x")) {
		t.Fatal("the key does not change the hash")
	}
}

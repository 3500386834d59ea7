//go:build wasm

package cachestore

import "unsafe"

// le64 reads 8 bytes as a little-endian word. Go's wasm backend assembles
// binary.LittleEndian.Uint64 from eight byte loads; wasm is little-endian, so one 64-bit load
// reads the same word, and SipHash of a 4 KB key takes half the time in the guest.
func le64(b []byte) uint64 {
	_ = b[7]
	return *(*uint64)(unsafe.Pointer(&b[0]))
}

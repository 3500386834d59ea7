//go:build !wasm

package cachestore

import "encoding/binary"

// le64 reads 8 bytes as a little-endian word (native compilers make it one load).
func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

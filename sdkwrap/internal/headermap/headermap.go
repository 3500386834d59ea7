// Package headermap is the proxy-wasm wire format of a header map, shared by the guest side
// (the bridge) and the host side (wasmhost): a count, each name and value size, then each name
// and value followed by a NUL; every integer a little-endian uint32.
package headermap

import (
	"encoding/binary"
	"errors"
)

// Encode serialises pairs.
func Encode(pairs [][2]string) []byte {
	size := 4
	for _, kv := range pairs {
		size += 8 + len(kv[0]) + len(kv[1]) + 2
	}
	out := make([]byte, 4, size)
	binary.LittleEndian.PutUint32(out, uint32(len(pairs)))
	for _, kv := range pairs {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(kv[0])))
		out = binary.LittleEndian.AppendUint32(out, uint32(len(kv[1])))
	}
	for _, kv := range pairs {
		out = append(append(out, kv[0]...), 0)
		out = append(append(out, kv[1]...), 0)
	}
	return out
}

// ErrMalformed is returned for bytes that are not a serialised header map.
var ErrMalformed = errors.New("malformed serialized header map")

// Decode parses what Encode writes, refusing anything out of bounds. Empty input is an empty map.
func Decode(b []byte) ([][2]string, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if len(b) < 4 {
		return nil, ErrMalformed
	}
	n := int(binary.LittleEndian.Uint32(b))
	if n > (len(b)-4)/10 { // each pair takes at least 8 size bytes and 2 NULs
		return nil, ErrMalformed
	}
	sizes := b[4 : 4+8*n]
	data := b[4+8*n:]
	pairs := make([][2]string, 0, n)
	for i := 0; i < n; i++ {
		kl := int(binary.LittleEndian.Uint32(sizes[8*i:]))
		vl := int(binary.LittleEndian.Uint32(sizes[8*i+4:]))
		if kl < 0 || vl < 0 || kl+vl+2 > len(data) {
			return nil, ErrMalformed
		}
		pairs = append(pairs, [2]string{string(data[:kl]), string(data[kl+1 : kl+1+vl])})
		data = data[kl+vl+2:]
	}
	return pairs, nil
}

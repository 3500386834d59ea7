package counter

import (
	"crypto/sha256"
	"encoding/binary"
)

// A table slot's stored form: a version byte, the state as in a Local entry (start, count,
// prev), then the identity of the descriptor that owns the slot.
const (
	slotVersion = 2
	slotHeader  = 1 + 3*8
)

// maxInlineIdentity is the longest escaped descriptor a slot stores as it is; longer ones
// are stored as a tagged SHA-256, so a client sending huge header values cannot make slots
// big.
const maxInlineIdentity = 128

// appendIdentity appends what identifies d in a slot: 'i' and the escaped descriptor when
// it is short, 'h' and its SHA-256 otherwise. The first byte keeps the two forms apart.
func appendIdentity(dst []byte, d []Entry) []byte {
	start := len(dst)
	dst = append(dst, 'i')
	dst = appendDescriptor(dst, d)
	if len(dst)-start-1 <= maxInlineIdentity {
		return dst
	}
	sum := sha256.Sum256(dst[start+1:])
	dst = append(dst[:start], 'h')
	return append(dst, sum[:]...)
}

func appendSlot(dst []byte, s state, ident []byte) []byte {
	dst = append(dst, slotVersion)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(s.start))
	dst = binary.LittleEndian.AppendUint64(dst, uint64(s.count))
	dst = binary.LittleEndian.AppendUint64(dst, uint64(s.prev))
	return append(dst, ident...)
}

// decodeSlot reads a slot; ok is false for anything this version did not write, which a
// Take treats as a free slot.
func decodeSlot(b []byte) (s state, ident []byte, ok bool) {
	if len(b) < slotHeader || b[0] != slotVersion {
		return state{}, nil, false
	}
	s = state{
		start: int64(binary.LittleEndian.Uint64(b[1:])),
		count: int64(binary.LittleEndian.Uint64(b[9:])),
		prev:  int64(binary.LittleEndian.Uint64(b[17:])),
	}
	if s.start < 0 || s.count < 0 || s.prev < 0 {
		return state{}, nil, false
	}
	return s, b[slotHeader:], true
}

// fnv64 is FNV-1a over b: it only spreads descriptors over home slots, identity is checked
// in full, so it need not resist collisions.
func fnv64(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

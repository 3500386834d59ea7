package counter

import "encoding/binary"

// state is one counter: the start of its current window (Unix milliseconds), the units
// counted in that window and in the one before it. Keeping the previous count in the same
// entry makes sliding windows one read and one write, and a single entry per descriptor
// (rather than one per window) is what shared data needs: it has no delete and no TTL.
type state struct {
	start, count, prev int64
}

// Stored form in shared data: a version byte, then start, count and prev as little-endian
// 64-bit integers.
const (
	stateVersion = 1
	stateSize    = 1 + 3*8
)

func (s state) encode() []byte {
	var b [stateSize]byte
	return s.put(&b)
}

// put encodes s into b, which a caller can reuse.
func (s state) put(b *[stateSize]byte) []byte {
	b[0] = stateVersion
	binary.LittleEndian.PutUint64(b[1:], uint64(s.start))
	binary.LittleEndian.PutUint64(b[9:], uint64(s.count))
	binary.LittleEndian.PutUint64(b[17:], uint64(s.prev))
	return b[:]
}

// decodeState reads a stored state; ok is false for anything this version did not write,
// which the caller replaces with a fresh counter.
func decodeState(b []byte) (s state, ok bool) {
	if len(b) != stateSize || b[0] != stateVersion {
		return state{}, false
	}
	s = state{
		start: int64(binary.LittleEndian.Uint64(b[1:])),
		count: int64(binary.LittleEndian.Uint64(b[9:])),
		prev:  int64(binary.LittleEndian.Uint64(b[17:])),
	}
	if s.start < 0 || s.count < 0 || s.prev < 0 {
		return state{}, false
	}
	return s, true
}

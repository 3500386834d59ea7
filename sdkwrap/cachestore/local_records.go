package cachestore

import "encoding/binary"

// The stored forms of the local store's keys, little endian, each led by a version byte so
// that a layout change reads old values as absent.

const recordVersion = 1

// meta is the ring's bookkeeping: sequence numbers head (the next to give out) and tail
// (the oldest live entry), the bytes the live entries hold, and per ring position the size
// and expiry (Unix seconds) of the entry there.
type meta struct {
	head, tail uint64
	bytes      int64
	sizes      []uint32
	expires    []uint32
}

const metaHeader = 1 + 8 + 8 + 8

func newMeta(entries int) meta {
	return meta{sizes: make([]uint32, entries), expires: make([]uint32, entries)}
}

func (m *meta) encode(dst []byte) []byte {
	dst = append(dst, recordVersion)
	dst = binary.LittleEndian.AppendUint64(dst, m.head)
	dst = binary.LittleEndian.AppendUint64(dst, m.tail)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(m.bytes))
	for i := range m.sizes {
		dst = binary.LittleEndian.AppendUint32(dst, m.sizes[i])
		dst = binary.LittleEndian.AppendUint32(dst, m.expires[i])
	}
	return dst
}

// decode reads b into m (whose slices have the ring's length); false when b is not a meta
// record of this ring.
func (m *meta) decode(b []byte) bool {
	n := len(m.sizes)
	if len(b) != metaHeader+8*n || b[0] != recordVersion {
		return false
	}
	m.head = binary.LittleEndian.Uint64(b[1:])
	m.tail = binary.LittleEndian.Uint64(b[9:])
	m.bytes = int64(binary.LittleEndian.Uint64(b[17:]))
	if m.tail > m.head || m.head-m.tail > uint64(n) || m.bytes < 0 {
		return false
	}
	p := b[metaHeader:]
	for i := 0; i < n; i++ {
		m.sizes[i] = binary.LittleEndian.Uint32(p[8*i:])
		m.expires[i] = binary.LittleEndian.Uint32(p[8*i+4:])
	}
	return true
}

// An entry: version, sequence number, hash, stored and expiry times (Unix milliseconds),
// the scope's length and bytes, then the value.
const entryHeader = 1 + 8 + 16 + 8 + 8 + 2

func encodeEntry(dst []byte, seq uint64, key Key, stored, expires int64, value []byte) []byte {
	dst = append(dst, recordVersion)
	dst = binary.LittleEndian.AppendUint64(dst, seq)
	dst = append(dst, key.Hash[:]...)
	dst = binary.LittleEndian.AppendUint64(dst, uint64(stored))
	dst = binary.LittleEndian.AppendUint64(dst, uint64(expires))
	dst = binary.LittleEndian.AppendUint16(dst, uint16(len(key.Scope)))
	dst = append(dst, key.Scope...)
	return append(dst, value...)
}

type entryRecord struct {
	seq             uint64
	hash            [16]byte
	stored, expires int64
	scope           []byte
	value           []byte
}

func decodeEntry(b []byte) (e entryRecord, ok bool) {
	if len(b) < entryHeader || b[0] != recordVersion {
		return e, false
	}
	e.seq = binary.LittleEndian.Uint64(b[1:])
	copy(e.hash[:], b[9:25])
	e.stored = int64(binary.LittleEndian.Uint64(b[25:]))
	e.expires = int64(binary.LittleEndian.Uint64(b[33:]))
	n := int(binary.LittleEndian.Uint16(b[41:]))
	if len(b) < entryHeader+n {
		return e, false
	}
	e.scope = b[entryHeader : entryHeader+n]
	e.value = b[entryHeader+n:]
	return e, true
}

// An index slot: the sequence number that holds the key hashing there, and the first 8
// bytes of its hash.
func encodeIndex(dst []byte, seq uint64, key Key) []byte {
	dst = append(dst, recordVersion)
	dst = binary.LittleEndian.AppendUint64(dst, seq)
	return append(dst, key.Hash[:8]...)
}

func decodeIndex(b []byte, key Key) (seq uint64, ok bool) {
	if len(b) != 17 || b[0] != recordVersion || string(b[9:17]) != string(key.Hash[:8]) {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b[1:]), true
}

// tombstone is what an evicted position holds: one byte instead of an answer.
var tombstone = []byte{0}

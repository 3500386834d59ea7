package cachestore

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"time"
)

// VectorIndex is a bounded index of embeddings on shared data, for semantic caches: a ring
// of maxVectors records under <prefix>v<n>, the next position in <prefix>vn. A record holds
// the vector (unit length, float32), the scope and a context hash (what else must match:
// model, parameters), the Key of the answer it leads to, and when that answer expires.
// Nearest reads every record, so lookups cost O(maxVectors × dimensions): keep the ring
// small (hundreds to a few thousand); the answer itself stays in the Store, where TTL and
// eviction apply as to exact entries.
type VectorIndex struct {
	prefix string
	n      int
	shared sharedData
	now    func() time.Time
	buf    []byte
}

// MaxVectors bounds a VectorIndex.
const MaxVectors = 16384

// NewVectorIndex makes an index of at most maxVectors records under prefix.
func NewVectorIndex(prefix string, maxVectors int) (*VectorIndex, error) {
	return newVectorIndex(prefix, maxVectors, hostShared{}, time.Now)
}

func newVectorIndex(prefix string, maxVectors int, shared sharedData, now func() time.Time) (*VectorIndex, error) {
	if maxVectors < 1 || maxVectors > MaxVectors {
		return nil, fmt.Errorf("cachestore: between 1 and %d vectors, got %d", MaxVectors, maxVectors)
	}
	return &VectorIndex{prefix: prefix, n: maxVectors, shared: shared, now: now}, nil
}

func (x *VectorIndex) name(n int) string {
	if n < 0 {
		return x.prefix + "vn"
	}
	return x.prefix + "v" + strconv.Itoa(n)
}

// Add records vec as leading to the answer under key, in context, until expires.
func (x *VectorIndex) Add(key Key, context [16]byte, vec []float32, expires time.Time) error {
	if len(vec) == 0 || len(vec) > 0xFFFF || len(key.Scope) > 0xFFFF {
		return fmt.Errorf("cachestore: a vector of %d dimensions cannot be indexed", len(vec))
	}
	pos, err := x.take()
	if err != nil {
		return err
	}
	b := append(x.buf[:0], recordVersion)
	b = append(b, context[:]...)
	b = append(b, key.Hash[:]...)
	b = binary.LittleEndian.AppendUint64(b, uint64(expires.UnixMilli()))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(key.Scope)))
	b = append(b, key.Scope...)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(vec)))
	norm := vectorNorm(vec)
	for _, f := range vec {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(float32(float64(f)/norm)))
	}
	x.buf = b
	if _, err := x.shared.set(x.name(pos), b, 0); err != nil {
		return fmt.Errorf("cachestore: writing a vector: %w", err)
	}
	return nil
}

// take reserves the next ring position.
func (x *VectorIndex) take() (int, error) {
	for range maxAttempts {
		raw, cas, found, err := x.shared.get(x.name(-1))
		if err != nil {
			return 0, fmt.Errorf("cachestore: reading the vector ring: %w", err)
		}
		var next uint64
		if found && len(raw) == 8 {
			next = binary.LittleEndian.Uint64(raw)
		} else if !found {
			cas = createCas
		}
		conflict, err := x.shared.set(x.name(-1), binary.LittleEndian.AppendUint64(nil, next+1), cas)
		if err != nil {
			return 0, fmt.Errorf("cachestore: writing the vector ring: %w", err)
		}
		if !conflict {
			return int(next % uint64(x.n)), nil
		}
	}
	return 0, ErrContention
}

// Nearest finds the unexpired record of scope and context most similar to vec (cosine);
// found is false when there is none of that scope and context.
func (x *VectorIndex) Nearest(scope string, context [16]byte, vec []float32) (key Key, similarity float64, found bool, err error) {
	norm := vectorNorm(vec)
	now := x.now().UnixMilli()
	best := -2.0
	for i := 0; i < x.n; i++ {
		raw, _, ok, err := x.shared.get(x.name(i))
		if err != nil {
			return Key{}, 0, false, fmt.Errorf("cachestore: reading a vector: %w", err)
		}
		if !ok {
			break // written in ring order: nothing further yet
		}
		r, ok := decodeVector(raw)
		if !ok || r.context != context || string(r.scope) != scope || now >= r.expires || r.dims != len(vec) {
			continue
		}
		dot := 0.0
		for d := 0; d < r.dims; d++ {
			dot += float64(math.Float32frombits(binary.LittleEndian.Uint32(r.data[4*d:]))) * float64(vec[d])
		}
		if sim := dot / norm; sim > best {
			best, key, found = sim, Key{Hash: r.hash, Scope: scope}, true
		}
	}
	return key, best, found, nil
}

type vectorRecord struct {
	context, hash [16]byte
	expires       int64
	scope         []byte
	dims          int
	data          []byte
}

func decodeVector(b []byte) (r vectorRecord, ok bool) {
	const head = 1 + 16 + 16 + 8 + 2
	if len(b) < head || b[0] != recordVersion {
		return r, false
	}
	copy(r.context[:], b[1:17])
	copy(r.hash[:], b[17:33])
	r.expires = int64(binary.LittleEndian.Uint64(b[33:]))
	n := int(binary.LittleEndian.Uint16(b[41:]))
	if len(b) < head+n+2 {
		return r, false
	}
	r.scope = b[head : head+n]
	r.dims = int(binary.LittleEndian.Uint16(b[head+n:]))
	r.data = b[head+n+2:]
	return r, len(r.data) == 4*r.dims
}

// vectorNorm is vec's length, 1 for a zero vector (which then matches nothing well).
func vectorNorm(vec []float32) float64 {
	s := 0.0
	for _, f := range vec {
		s += float64(f) * float64(f)
	}
	if s == 0 {
		return 1
	}
	return math.Sqrt(s)
}

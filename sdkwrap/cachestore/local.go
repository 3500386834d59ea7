package cachestore

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"strconv"
	"time"
)

// Limits of the local store.
const (
	MinEntries = 8
	MaxEntries = 65536
	// maxAttempts bounds a Put's compare-and-swap loop (as in sdkwrap/counter).
	maxAttempts = 32
)

// local is the store on shared data; see the package documentation for its layout.
type local struct {
	prefix   string
	entries  int
	maxBytes int64
	shared   sharedData
	now      func() time.Time

	m       meta   // scratch: the meta record being updated
	buf     []byte // scratch: encoded records
	key     []byte // scratch: key names
	evicted []uint64
}

// Local is the store on the host's shared data: at most maxEntries entries holding at
// most maxBytes bytes, under keys starting with prefix (name it after the plugin and the
// budget: stores with different layouts must not share a prefix).
func Local(prefix string, maxEntries int, maxBytes int64) (Store, error) {
	return newLocal(prefix, maxEntries, maxBytes, hostShared{}, time.Now)
}

func newLocal(prefix string, maxEntries int, maxBytes int64, shared sharedData, now func() time.Time) (*local, error) {
	if maxEntries < MinEntries || maxEntries > MaxEntries {
		return nil, fmt.Errorf("cachestore: between %d and %d entries, got %d", MinEntries, MaxEntries, maxEntries)
	}
	if maxBytes < 1024 {
		return nil, fmt.Errorf("cachestore: a budget of at least 1024 bytes, got %d", maxBytes)
	}
	return &local{prefix: prefix, entries: maxEntries, maxBytes: maxBytes, shared: shared, now: now,
		m: newMeta(maxEntries)}, nil
}

func (l *local) name(kind byte, n int) string {
	l.key = append(append(l.key[:0], l.prefix...), kind)
	if n >= 0 {
		l.key = strconv.AppendInt(l.key, int64(n), 10)
	}
	return string(l.key)
}

// Hasher is SipHash under the process's secret, which the first worker to ask makes and
// stores (an atomic create: every worker ends up with the same one).
func (l *local) Hasher() (Hasher, error) {
	name := l.name('s', -1)
	for range maxAttempts {
		v, _, found, err := l.shared.get(name)
		if err != nil {
			return nil, fmt.Errorf("cachestore: reading the hash secret: %w", err)
		}
		if found && len(v) == 16 {
			return SipHasher{binary.LittleEndian.Uint64(v[:8]), binary.LittleEndian.Uint64(v[8:])}, nil
		}
		secret := make([]byte, 16)
		if _, err := rand.Read(secret); err != nil {
			return nil, fmt.Errorf("cachestore: making the hash secret: %w", err)
		}
		cas := uint32(createCas)
		if found {
			cas = 0 // not a secret of ours: replace it
		}
		if _, err := l.shared.set(name, secret, cas); err != nil {
			return nil, fmt.Errorf("cachestore: storing the hash secret: %w", err)
		}
		// Read again: a worker that raced us may have won.
	}
	return nil, ErrContention
}

func (l *local) Get(key Key, _ uint32, done func(Entry, bool, error)) bool {
	e, found, err := l.get(key)
	done(e, found, err)
	return false
}

func (l *local) get(key Key) (Entry, bool, error) {
	raw, _, found, err := l.shared.get(l.name('i', key.slot(2*l.entries)))
	if err != nil || !found {
		return Entry{}, false, err
	}
	seq, ok := decodeIndex(raw, key)
	if !ok {
		return Entry{}, false, nil
	}
	raw, _, found, err = l.shared.get(l.name('e', int(seq%uint64(l.entries))))
	if err != nil || !found {
		return Entry{}, false, err
	}
	e, ok := decodeEntry(raw)
	if !ok || e.seq != seq || e.hash != key.Hash || string(e.scope) != key.Scope || l.now().UnixMilli() >= e.expires {
		return Entry{}, false, nil
	}
	return Entry{Value: e.value, Stored: time.UnixMilli(e.stored)}, true, nil
}

func (l *local) Put(key Key, value []byte, ttl time.Duration) (PutResult, error) {
	now := l.now()
	size := int64(entryHeader + len(key.Scope) + len(value))
	if size > l.maxBytes/4 || len(key.Scope) > 0xFFFF {
		return PutResult{}, ErrTooLarge
	}
	expires := now.Add(ttl)
	seq, res, err := l.reserve(size, expires, now)
	if err != nil {
		return res, err
	}
	pos := int(seq % uint64(l.entries))
	for _, ev := range l.evicted {
		if p := int(ev % uint64(l.entries)); p != pos {
			if _, err := l.shared.set(l.name('e', p), tombstone, 0); err != nil {
				return res, fmt.Errorf("cachestore: evicting: %w", err)
			}
		}
	}
	l.buf = encodeEntry(l.buf[:0], seq, key, now.UnixMilli(), expires.UnixMilli(), value)
	if _, err := l.shared.set(l.name('e', pos), l.buf, 0); err != nil {
		return res, fmt.Errorf("cachestore: writing an entry: %w", err)
	}
	l.buf = encodeIndex(l.buf[:0], seq, key)
	if _, err := l.shared.set(l.name('i', key.slot(2*l.entries)), l.buf, 0); err != nil {
		return res, fmt.Errorf("cachestore: writing the index: %w", err)
	}
	return res, nil
}

// reserve takes the next sequence number for an entry of size bytes in the meta record,
// evicting from the tail what has expired, what occupies the position, and what the budget
// needs; l.evicted lists the evicted sequence numbers.
func (l *local) reserve(size int64, expires, now time.Time) (uint64, PutResult, error) {
	name := l.name('m', -1)
	nowSec := uint32(now.Unix())
	for range maxAttempts {
		raw, cas, found, err := l.shared.get(name)
		if err != nil {
			return 0, PutResult{}, fmt.Errorf("cachestore: reading the meta record: %w", err)
		}
		m := &l.m
		if !found || !m.decode(raw) {
			// First use, or unreadable: start an empty ring (positions written before
			// are unreachable: their sequence numbers no longer match).
			head := m.head
			*m = meta{head: head, tail: head, sizes: m.sizes, expires: m.expires}
			if !found {
				cas = createCas
			}
		}
		l.evicted = l.evicted[:0]
		before := m.bytes
		n := uint64(l.entries)
		for m.tail < m.head {
			p := m.tail % n
			if m.expires[p] > nowSec && m.head-m.tail < n && m.bytes+size <= l.maxBytes {
				break
			}
			m.bytes -= int64(m.sizes[p])
			l.evicted = append(l.evicted, m.tail)
			m.tail++
		}
		seq := m.head
		p := seq % n
		m.sizes[p], m.expires[p] = uint32(size), uint32(min(expires.Unix(), 1<<32-1))
		m.head++
		m.bytes += size
		l.buf = m.encode(l.buf[:0])
		conflict, err := l.shared.set(name, l.buf, cas)
		if err != nil {
			return 0, PutResult{}, fmt.Errorf("cachestore: writing the meta record: %w", err)
		}
		if !conflict {
			return seq, PutResult{Evicted: len(l.evicted), BytesDelta: m.bytes - before}, nil
		}
	}
	return 0, PutResult{}, ErrContention
}

// Held reports the bytes and entries the meta record counts (for tests and gauges).
func (l *local) Held() (bytes int64, entries int, err error) {
	raw, _, found, err := l.shared.get(l.name('m', -1))
	if err != nil || !found {
		return 0, 0, err
	}
	m := newMeta(l.entries)
	if !m.decode(raw) {
		return 0, 0, nil
	}
	return m.bytes, int(m.head - m.tail), nil
}

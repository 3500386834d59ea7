package cachestore

import (
	"errors"
	"time"
)

// Entry is a cached answer as a Get finds it.
type Entry struct {
	Value  []byte
	Stored time.Time // when it was put, by the host's clock: the Age of a hit
}

// PutResult says what a Put did, for metrics.
type PutResult struct {
	Evicted    int   // entries evicted to make room (expired ones included)
	BytesDelta int64 // change of the bytes held
	// Pending: the write is sent but not acknowledged (Redis); the store reports its outcome
	// to the callback it was made with.
	Pending bool
}

// ErrTooLarge is a Put of an entry over a quarter of the store's budget.
var ErrTooLarge = errors.New("cachestore: entry larger than a quarter of max_bytes")

// ErrContention is a Put that lost its compare-and-swap too many times in a row.
var ErrContention = errors.New("cachestore: too much contention on the meta record")

// Store is where answers are cached.
type Store interface {
	// Get looks key up. A synchronous store calls done before returning false; an
	// asynchronous one returns true and calls done later (from the host's callback, with
	// the stream's context set). An error is a failure of the store, not a miss.
	Get(key Key, stream uint32, done func(e Entry, found bool, err error)) (pending bool)
	// Put stores value under key for ttl. It does not wait for an asynchronous store
	// (PutResult.Pending).
	Put(key Key, value []byte, ttl time.Duration) (PutResult, error)
	// Hasher is how this store wants key material hashed.
	Hasher() (Hasher, error)
}

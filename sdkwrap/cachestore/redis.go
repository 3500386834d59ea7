package cachestore

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/redis"
	"github.com/aiwasm/aiwasm/sdkwrap/resp"
)

// redisStore keeps answers in Redis through Higress's host functions (sdkwrap/redis), one
// string key per entry:
//
//	<prefix><hash in hex>  the record: its format (1 byte, redisRecordFormat), stored at
//	                       (Unix ms, 8 bytes), the scope's length (2 bytes), the scope,
//	                       the answer
//
// written with SET ... PX <ttl>, so Redis expires it, and its maxmemory policy evicts under
// memory pressure. Every gateway sharing the Redis shares the answers; they share no secret,
// so keys are SHA-256 (Hasher).
type redisStore struct {
	client   *redis.Client
	prefix   string
	maxEntry int
	written  func(error)
	now      func() time.Time
}

// redisRecordFormat starts every record: a record of another format is a miss, so a later
// layout never misreads this one's.
const redisRecordFormat = 1

// Redis is the store in Redis. Entries over maxEntry bytes are refused (ErrTooLarge).
// A Get is pending (answered in the stream's context); a Put does not wait
// (PutResult.Pending): written hears of its outcome, nil once Redis acknowledged it.
func Redis(client *redis.Client, prefix string, maxEntry int, written func(error)) Store {
	return &redisStore{client: client, prefix: prefix, maxEntry: maxEntry, written: written, now: time.Now}
}

func (r *redisStore) Hasher() (Hasher, error) { return SHA256{}, nil }

func (r *redisStore) key(k Key) string { return r.prefix + hex.EncodeToString(k.Hash[:]) }

func (r *redisStore) Get(key Key, stream uint32, done func(Entry, bool, error)) bool {
	err := r.client.Do(resp.Encode("GET", r.key(key)), stream, func(reply []byte, err error) {
		if err != nil {
			done(Entry{}, false, err)
			return
		}
		e, found, err := readRedisEntry(reply, key.Scope)
		done(e, found, err)
	})
	if err != nil {
		done(Entry{}, false, err)
		return false
	}
	return true
}

func (r *redisStore) Put(key Key, value []byte, ttl time.Duration) (PutResult, error) {
	if len(value) > r.maxEntry || len(key.Scope) > 0xFFFF {
		return PutResult{}, ErrTooLarge
	}
	record := encodeRedisEntry(r.now(), key.Scope, value)
	query := resp.Encode("SET", r.key(key), string(record), "PX", strconv.FormatInt(ttl.Milliseconds(), 10))
	err := r.client.Do(query, 0, func(reply []byte, err error) {
		if err == nil {
			err = okReply(reply)
		}
		if err != nil {
			err = fmt.Errorf("cachestore: storing in redis: %w", err)
		}
		if r.written != nil {
			r.written(err)
		}
	})
	return PutResult{Pending: err == nil}, err
}

// encodeRedisEntry is the record of an entry.
func encodeRedisEntry(stored time.Time, scope string, value []byte) []byte {
	b := make([]byte, 11, 11+len(scope)+len(value))
	b[0] = redisRecordFormat
	binary.BigEndian.PutUint64(b[1:], uint64(stored.UnixMilli()))
	binary.BigEndian.PutUint16(b[9:], uint16(len(scope)))
	return append(append(b, scope...), value...)
}

// readRedisEntry reads a GET reply: nil is a miss, and so is an entry of another scope
// (which only a colliding hash could make) or another record format.
func readRedisEntry(reply []byte, scope string) (Entry, bool, error) {
	r, err := resp.Parse(reply)
	switch {
	case err != nil:
		return Entry{}, false, err
	case r.Err() != nil:
		return Entry{}, false, r.Err()
	case r.Kind == '$' && r.Null:
		return Entry{}, false, nil
	case r.Kind != '$':
		return Entry{}, false, fmt.Errorf("cachestore: redis answered a %q reply to GET", r.Kind)
	}
	b := r.Text
	if len(b) > 0 && b[0] != redisRecordFormat {
		return Entry{}, false, nil
	}
	if len(b) < 11 || len(b) < 11+int(binary.BigEndian.Uint16(b[9:])) {
		return Entry{}, false, errors.New("cachestore: malformed entry in redis")
	}
	n := 11 + int(binary.BigEndian.Uint16(b[9:]))
	if string(b[11:n]) != scope {
		return Entry{}, false, nil
	}
	stored := time.UnixMilli(int64(binary.BigEndian.Uint64(b[1:])))
	return Entry{Value: b[n:], Stored: stored}, true, nil
}

// okReply is nil for +OK and the reason otherwise.
func okReply(reply []byte) error {
	r, err := resp.Parse(reply)
	switch {
	case err != nil:
		return err
	case r.Err() != nil:
		return r.Err()
	case r.Kind != '+' || string(r.Text) != "OK":
		return fmt.Errorf("redis answered %q to SET", r.Kind)
	}
	return nil
}

package cachestore

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/redis"
)

// The record and the replies; the store against a real Redis is tested through the higress
// build of ai-cache (plugins/ai-cache/redis_test.go).

func bulk(b []byte) []byte {
	return append(append([]byte("$"+strconv.Itoa(len(b))+"\r\n"), b...), "\r\n"...)
}

func TestRedisEntryRecord(t *testing.T) {
	at := time.UnixMilli(1795240980123)
	rec := encodeRedisEntry(at, "consumer:alice", []byte(`{"id":"x"}`))
	e, found, err := readRedisEntry(bulk(rec), "consumer:alice")
	if err != nil || !found || string(e.Value) != `{"id":"x"}` || !e.Stored.Equal(at) {
		t.Fatalf("read back %q %v found %v err %v", e.Value, e.Stored, found, err)
	}
	if _, found, err := readRedisEntry(bulk(rec), "consumer:bob"); found || err != nil {
		t.Fatalf("another scope's entry: found %v err %v", found, err)
	}
	if _, found, err := readRedisEntry([]byte("$-1\r\n"), "consumer:alice"); found || err != nil {
		t.Fatalf("nil reply: found %v err %v", found, err)
	}
	if _, found, err := readRedisEntry(bulk(append([]byte{2}, rec[1:]...)), "consumer:alice"); found || err != nil {
		t.Fatalf("another record format: found %v err %v", found, err)
	}
	for _, bad := range [][]byte{bulk([]byte("\x01short")), bulk(rec[:13]), []byte(":1\r\n"), []byte("$5\r\nab")} {
		if _, found, err := readRedisEntry(bad, "consumer:alice"); found || err == nil {
			t.Errorf("%q: found %v err %v", bad, found, err)
		}
	}
	if _, _, err := readRedisEntry([]byte("-NOAUTH Authentication required.\r\n"), ""); err == nil || !strings.Contains(err.Error(), "NOAUTH") {
		t.Fatalf("error reply: %v", err)
	}
}

func TestRedisOKReply(t *testing.T) {
	if err := okReply([]byte("+OK\r\n")); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"$-1\r\n", "-OOM command not allowed\r\n", "+QUEUED\r\n", "garbage"} {
		if okReply([]byte(bad)) == nil {
			t.Errorf("%q taken for OK", bad)
		}
	}
}

func TestRedisStoreRefuses(t *testing.T) {
	s := Redis(&redis.Client{}, "ai-cache:", 8, nil)
	if _, err := s.Put(Key{}, make([]byte, 9), time.Minute); err != ErrTooLarge {
		t.Fatalf("Put over maxEntry = %v", err)
	}
	if _, err := s.Put(Key{Scope: strings.Repeat("s", 0x10000)}, nil, time.Minute); err != ErrTooLarge {
		t.Fatalf("Put with a scope the record cannot hold = %v", err)
	}
	if h, _ := s.Hasher(); h.Sum([]byte("a")) != (SHA256{}).Sum([]byte("a")) {
		t.Fatal("Redis keys must be SHA-256: gateways share no secret")
	}
	// Natively there is no host: the Get fails at once, synchronously.
	var got error
	if pending := s.Get(Key{}, 1, func(_ Entry, _ bool, err error) { got = err }); pending || got == nil {
		t.Fatalf("Get without a host: pending %v err %v", pending, got)
	}
}

package main

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm/types"
)

// sharedStore is the part of proxy-wasm shared data key cooldowns and instance health need:
// one map per VM id, seen by every worker thread of an Envoy, guarded by compare-and-swap.
// hostStore is the real one; tests use a map.
type sharedStore interface {
	// get returns a key's value and cas; ok is false for a missing key.
	get(key string) (value []byte, cas uint32, ok bool)
	// set writes value if the key's cas is still cas (0: unconditionally); false when
	// another worker wrote in between, or the host refused.
	set(key string, value []byte, cas uint32) bool
}

// createCas is the cas to write a key that get found missing: Envoy has no create-if-absent,
// a write to a missing key succeeds whatever its cas, and a cas no live key carries makes a
// racing creation fail instead of being overwritten (see sdkwrap/counter's createCas).
const createCas = 0xFFFFFFFF

// casRetries bounds a read-modify-write loop; losing this many races in a row is not worth
// more work on a request path (the update is dropped).
const casRetries = 8

// sharedPrefix starts every shared-data key of this plugin.
const sharedPrefix = "ai-proxy/"

// hostStore is the host's shared data.
type hostStore struct{}

func (hostStore) get(key string) ([]byte, uint32, bool) {
	v, cas, err := proxywasm.GetSharedData(key)
	if err != nil {
		return nil, 0, false
	}
	return v, cas, true
}

func (hostStore) set(key string, value []byte, cas uint32) bool {
	err := proxywasm.SetSharedData(key, value, cas)
	if err != nil && !errors.Is(err, types.ErrorStatusCasMismatch) {
		return false
	}
	return err == nil
}

// update applies change to the value at key until it is written or casRetries races are
// lost. change gets the current value (nil when missing) and returns the new one, or false
// to leave it as is.
func update(s sharedStore, key string, change func(old []byte) ([]byte, bool)) {
	for i := 0; i < casRetries; i++ {
		old, cas, ok := s.get(key)
		if !ok {
			cas = createCas
		}
		next, write := change(old)
		if !write {
			return
		}
		if s.set(key, next, cas) {
			return
		}
	}
}

// unixMillis is t as Unix milliseconds: what shared values store, so that every worker (and
// a person reading them) agrees on the instant.
func unixMillis(t time.Time) int64 { return t.UnixNano() / int64(time.Millisecond) }

// parseMillis reads a stored Unix-milliseconds value; 0 when absent or garbled.
func parseMillis(b []byte) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

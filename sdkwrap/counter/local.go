package counter

import (
	"fmt"
	"time"
	"unsafe"
)

// maxAttempts bounds the compare-and-swap loop of one Local Take. A conflict means another
// worker wrote the same counter between our read and write; 32 lost races in a row only
// happen under extreme contention on one key, and then an error (so the policy decides) is
// better than spinning in a worker thread.
const maxAttempts = 32

// local counts in proxy-wasm shared data. A VM runs one callback at a time, so the key and
// value buffers are reused across Takes: allocations are what a Take costs most in a Go wasm
// guest.
type local struct {
	prefix string
	store  sharedStore
	now    func() time.Time
	key    []byte // prefix + size + "/" for keyFor, then the last descriptor
	head   int    // where the descriptor starts in key
	keyFor int64  // the window size head was made for
	value  [stateSize]byte
}

// Local counts in the host's shared data, under keys starting with prefix (name it after the
// plugin: shared data is one map for every plugin with the same vm_id). Its answers are
// synchronous.
//
// It is exact across the worker threads of one Envoy: a Take reads the counter, decides, and
// writes back only if nobody wrote in between (compare-and-swap), so no window ever admits
// more than Limit units. Each Envoy counts on its own.
//
// Memory: one entry per descriptor and window size - the key, a 25-byte value and Envoy's map
// node, about 150-200 bytes in all - kept until Envoy restarts, because shared data has no
// delete and no TTL and outlives plugin reloads. Limits keyed by something unbounded (client
// IPs) grow it with every distinct value: a million addresses cost about 200 MB. Use
// LocalTable for those: it bounds the number of entries.
func Local(prefix string) Backend {
	return &local{prefix: prefix, store: hostStore{}, now: time.Now}
}

func (l *local) Take(req Request, done func(Decision, error)) bool {
	d, err := l.takeNow(req)
	done(d, err)
	return false
}

func (l *local) takeNow(req Request) (Decision, error) {
	if err := req.validate(true); err != nil {
		return Decision{}, err
	}
	q := req.quota()
	if l.keyFor != q.size || l.head == 0 {
		l.key = appendStorageKey(l.key[:0], l.prefix, q.size, nil)
		l.head, l.keyFor = len(l.key), q.size
	}
	l.key = appendDescriptor(l.key[:l.head], req.Descriptor)
	// A view of the buffer, not a copy: the host copies keys, and the buffer does not
	// change before this Take returns.
	key := unsafe.String(unsafe.SliceData(l.key), len(l.key))
	now := l.now().UnixMilli()
	for range maxAttempts {
		raw, cas, found, err := l.store.get(key)
		if err != nil {
			return Decision{}, fmt.Errorf("counter: reading shared data: %w", err)
		}
		s, _ := decodeState(raw) // missing or unreadable: a fresh counter
		if !found {
			cas = createCas
		}
		next, d, write := decide(s, now, q)
		if !write {
			return d, nil
		}
		conflict, err := l.store.set(key, next.put(&l.value), cas)
		if err != nil {
			return Decision{}, fmt.Errorf("counter: writing shared data: %w", err)
		}
		if !conflict {
			return d, nil
		}
	}
	return Decision{}, ErrContention
}

package counter

import (
	"errors"
	"fmt"
	"strconv"
	"time"
	"unsafe"
)

// ErrTableFull is a LocalTable Take for a new descriptor when every slot it may use holds a
// counter still in use.
var ErrTableFull = errors.New("counter: every table slot this descriptor may use holds an active counter")

// probeSlots is how many slots, from its home slot on, a descriptor may use. More would find
// room in a fuller table at the price of more reads for a new descriptor.
const probeSlots = 8

// MinTableKeys is the smallest table LocalTable accepts.
const MinTableKeys = probeSlots

// table counts in a fixed number of shared-data slots per window size.
type table struct {
	prefix string
	slots  int
	store  sharedStore
	now    func() time.Time
	ident  []byte // the descriptor's identity as stored in a slot
	key    []byte // slot key buffer: prefix + size + "#", then the slot number
	head   int
	keyFor int64
	value  []byte
}

// LocalTable is Local with a bound on memory, for descriptors whose values come from clients
// (one counter per IP address, per API key seen). Shared data cannot delete keys, so the
// counters live in a fixed table of maxKeys slots per window size, in keys named
// prefix + size + "#" + slot:
//
//   - a descriptor hashes to a home slot and may use it and the next probeSlots−1 (wrapping);
//   - a slot stores the descriptor's identity (itself when at most 128 bytes escaped, else
//     its SHA-256) next to its state, so two descriptors never share a counter;
//   - a slot whose counter no window can read any more (unused for a whole window, two for
//     sliding ones) is idle, and the next new descriptor that needs a slot takes it over;
//   - a new descriptor that finds all its slots in use gets ErrTableFull, and the Limiter's
//     failure policy decides.
//
// Memory is therefore at most maxKeys × (number of window sizes) entries of about 60 +
// len(prefix) + min(descriptor, 128) bytes plus Envoy's map node, whatever clients send.
// Counting is exact across workers as with Local: every write is a compare-and-swap on the
// slot. One race is not: two workers can place the same new descriptor in two slots when one
// sees a slot turn idle a millisecond before the other; later Takes use the first, so at most
// the racing requests go uncounted.
//
// A table's layout depends on maxKeys: after a change, descriptors are found again only when
// they happen to probe their old slot, so counts may restart once.
func LocalTable(prefix string, maxKeys int) (Backend, error) {
	if maxKeys < MinTableKeys {
		return nil, fmt.Errorf("counter: a table needs at least %d slots, got %d", MinTableKeys, maxKeys)
	}
	return &table{prefix: prefix, slots: maxKeys, store: hostStore{}, now: time.Now}, nil
}

func (t *table) Take(req Request, done func(Decision, error)) bool {
	d, err := t.takeNow(req)
	done(d, err)
	return false
}

func (t *table) takeNow(req Request) (Decision, error) {
	if err := req.validate(true); err != nil {
		return Decision{}, err
	}
	q := req.quota()
	t.ident = appendIdentity(t.ident[:0], req.Descriptor)
	home := int(fnv64(t.ident) % uint64(t.slots))
	now := t.now().UnixMilli()
	for range maxAttempts {
		d, conflict, err := t.attempt(q, home, now)
		if err != nil || !conflict {
			return d, err
		}
	}
	return Decision{}, ErrContention
}

// attempt is one pass over the descriptor's slots: use its slot if it has one, else claim the
// first free or idle one. conflict reports a lost compare-and-swap; the caller starts over.
func (t *table) attempt(q quota, home int, now int64) (d Decision, conflict bool, err error) {
	claim, claimCas := -1, uint32(0)
	for i := range min(probeSlots, t.slots) {
		slot := (home + i) % t.slots
		raw, cas, found, err := t.store.get(t.slotKey(q.size, slot))
		if err != nil {
			return Decision{}, false, fmt.Errorf("counter: reading shared data: %w", err)
		}
		if !found {
			// Slots are written in probe order and never removed, so a descriptor never
			// sits past a slot nobody wrote: it has no slot yet.
			if claim < 0 {
				claim, claimCas = slot, createCas
			}
			break
		}
		s, ident, ok := decodeSlot(raw)
		if ok && string(ident) == string(t.ident) {
			return t.write(slot, cas, s, now, q)
		}
		if claim < 0 && (!ok || idle(s, now, q.size)) {
			claim, claimCas = slot, cas
		}
	}
	if claim < 0 {
		return Decision{}, false, ErrTableFull
	}
	return t.write(claim, claimCas, state{}, now, q)
}

// write decides on s and stores the result in slot if anything changed.
func (t *table) write(slot int, cas uint32, s state, now int64, q quota) (Decision, bool, error) {
	next, d, changed := decide(s, now, q)
	if !changed {
		return d, false, nil
	}
	t.value = appendSlot(t.value[:0], next, t.ident)
	conflict, err := t.store.set(t.slotKey(q.size, slot), t.value, cas)
	if err != nil {
		return Decision{}, false, fmt.Errorf("counter: writing shared data: %w", err)
	}
	return d, conflict, nil
}

// slotKey names a slot; the result is a view of a buffer that the next call overwrites.
func (t *table) slotKey(size int64, slot int) string {
	if t.keyFor != size || t.head == 0 {
		t.key = append(t.key[:0], t.prefix...)
		t.key = strconv.AppendInt(t.key, size, 10)
		t.key = append(t.key, '#')
		t.head, t.keyFor = len(t.key), size
	}
	t.key = strconv.AppendInt(t.key[:t.head], int64(slot), 10)
	return unsafe.String(unsafe.SliceData(t.key), len(t.key))
}

// idle says whether no window can read the counter any more, so its slot can be reused.
func idle(s state, now, size int64) bool {
	r := roll(s, now, size)
	return r.count == 0 && r.prev == 0
}

package counter

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// fakeStore follows Envoy's shared-data rules (proxy-wasm-cpp-host SharedData::set): every
// write gets a new cas, cas 0 always writes, a write to a missing key succeeds whatever its
// cas, and otherwise the cas must match. beforeSet runs between a Take's read and its write:
// another worker getting in first.
type fakeStore struct {
	vals      map[string][]byte
	cas       map[string]uint32
	next      uint32
	beforeSet func(f *fakeStore, key string)
	sets      int
	err       error
}

func newFakeStore() *fakeStore {
	return &fakeStore{vals: map[string][]byte{}, cas: map[string]uint32{}, next: 1}
}

func (f *fakeStore) get(key string) ([]byte, uint32, bool, error) {
	if f.err != nil {
		return nil, 0, false, f.err
	}
	v, ok := f.vals[key]
	return v, f.cas[key], ok, nil
}

func (f *fakeStore) set(key string, value []byte, cas uint32) (bool, error) {
	f.sets++
	if hook := f.beforeSet; hook != nil {
		f.beforeSet = nil // the interloper writes once per attempt at most
		hook(f, key)
		f.beforeSet = hook
	}
	if _, ok := f.vals[key]; ok && cas != 0 && cas != f.cas[key] {
		return true, nil
	}
	key = strings.Clone(key) // valid only during the call, as with the host
	f.vals[key] = append([]byte(nil), value...)
	f.cas[key] = f.next
	f.next++
	return false, nil
}

func newTestLocal(store sharedStore, now time.Time) *local {
	return &local{prefix: "t/", store: store, now: func() time.Time { return now }}
}

var aliceReq = Request{Descriptor: []Entry{{"consumer", "alice"}}, Limit: 2, Window: Window{Size: time.Minute}, Cost: 1}

func takeSync(t *testing.T, b Backend, req Request) (Decision, error) {
	t.Helper()
	var d Decision
	var err error
	calls := 0
	if pending := b.Take(req, func(dd Decision, e error) { d, err, calls = dd, e, calls+1 }); pending {
		t.Fatal("Local answered pending")
	}
	if calls != 1 {
		t.Fatalf("done ran %d times", calls)
	}
	return d, err
}

func TestLocalCountsInOneEntry(t *testing.T) {
	store := newFakeStore()
	l := newTestLocal(store, time.UnixMilli(t0+5000))
	for i, want := range []bool{true, true, false} {
		d, err := takeSync(t, l, aliceReq)
		if err != nil || d.Allowed != want {
			t.Fatalf("take %d: %+v %v", i+1, d, err)
		}
	}
	if len(store.vals) != 1 || store.sets != 2 {
		t.Fatalf("%d keys, %d writes; want 1 key and a write per admitted take", len(store.vals), store.sets)
	}
	s, ok := decodeState(store.vals["t/60000/consumer=alice"])
	if !ok || s != (state{start: t0, count: 2}) {
		t.Fatalf("stored %+v %v", s, ok)
	}
}

// Another worker creates the key between our NotFound and our write: the create must fail
// (it carries createCas, not 0), and the retry counts on top of the other worker's unit.
func TestLocalFirstWriteRaceLosesNoCount(t *testing.T) {
	store := newFakeStore()
	l := newTestLocal(store, time.UnixMilli(t0))
	store.beforeSet = func(f *fakeStore, key string) {
		if _, ok := f.vals[key]; !ok {
			f.set(key, state{start: t0, count: 1}.encode(), 0)
		}
	}
	d, err := takeSync(t, l, aliceReq)
	if err != nil || !d.Allowed || d.Count != 2 {
		t.Fatalf("%+v %v", d, err)
	}
	s, _ := decodeState(store.vals["t/60000/consumer=alice"])
	if s.count != 2 {
		t.Fatalf("stored count %d, want 2: a racing first write was lost", s.count)
	}
}

func TestLocalRetriesConflictsThenGivesUp(t *testing.T) {
	store := newFakeStore()
	l := newTestLocal(store, time.UnixMilli(t0))
	interlopers := 0
	store.beforeSet = func(f *fakeStore, key string) {
		interlopers++
		if interlopers <= 5 {
			f.set(key, state{start: t0}.encode(), 0) // same count, new cas
		}
	}
	if d, err := takeSync(t, l, aliceReq); err != nil || !d.Allowed {
		t.Fatalf("after 5 conflicts: %+v %v", d, err)
	}
	store.beforeSet = func(f *fakeStore, key string) { f.set(key, f.vals[key], 0) }
	store.sets = 0
	_, err := takeSync(t, l, aliceReq)
	if !errors.Is(err, ErrContention) {
		t.Fatalf("endless conflicts: err = %v, want ErrContention", err)
	}
	if store.sets != 2*maxAttempts { // ours and the interloper's per attempt
		t.Fatalf("%d writes, want %d attempts", store.sets/2, maxAttempts)
	}
}

func TestLocalReplacesForeignValues(t *testing.T) {
	store := newFakeStore()
	store.set("t/60000/consumer=alice", []byte("garbage"), 0)
	l := newTestLocal(store, time.UnixMilli(t0))
	if d, err := takeSync(t, l, aliceReq); err != nil || !d.Allowed || d.Count != 1 {
		t.Fatalf("%+v %v", d, err)
	}
}

func TestLocalErrors(t *testing.T) {
	store := newFakeStore()
	l := newTestLocal(store, time.UnixMilli(t0))
	bad := []Request{
		{Limit: 1, Window: Window{Size: time.Second}, Cost: 1},
		{Descriptor: aliceReq.Descriptor, Limit: 1, Window: Window{Size: time.Second}, Cost: -1},
		{Descriptor: aliceReq.Descriptor, Limit: -1, Window: Window{Size: time.Second}, Cost: 1},
		{Descriptor: aliceReq.Descriptor, Limit: 1, Cost: 1},
		{Descriptor: aliceReq.Descriptor, Limit: MaxUnits + 1, Window: Window{Size: time.Second}, Cost: 1},
	}
	for _, req := range bad {
		if _, err := takeSync(t, l, req); err == nil {
			t.Errorf("%+v accepted", req)
		}
	}
	store.err = errors.New("host says no")
	if _, err := takeSync(t, l, aliceReq); err == nil || !errors.Is(err, store.err) {
		t.Errorf("store error: %v", err)
	}
}

// Local reuses its key buffer; a Take with another window size must not reuse the old head.
func TestLocalKeysPerWindowSize(t *testing.T) {
	store := newFakeStore()
	l := newTestLocal(store, time.UnixMilli(t0))
	for _, size := range []time.Duration{time.Second, time.Minute, time.Second} {
		req := aliceReq
		req.Window.Size = size
		takeSync(t, l, req)
	}
	req := aliceReq
	req.Descriptor = []Entry{{"consumer", "bob;x"}}
	takeSync(t, l, req)
	for key, want := range map[string]int64{"t/1000/consumer=alice": 2, "t/60000/consumer=alice": 1, `t/60000/consumer=bob\;x`: 1} {
		s, ok := decodeState(store.vals[key])
		if !ok || s.count != want {
			t.Errorf("%s: %+v %v, want count %d", key, s, ok, want)
		}
	}
	if len(store.vals) != 3 {
		t.Errorf("keys %v", store.vals)
	}
}

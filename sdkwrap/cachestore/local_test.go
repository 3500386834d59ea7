package cachestore

import (
	"bytes"
	"fmt"
	"testing"
	"time"
)

// mapShared is shared data as Envoy keeps it: a cas per key, bumped by every write.
type mapShared struct {
	vals   map[string][]byte
	cas    map[string]uint32
	next   uint32
	writes int
}

func newMapShared() *mapShared {
	return &mapShared{vals: map[string][]byte{}, cas: map[string]uint32{}}
}

func (s *mapShared) get(key string) ([]byte, uint32, bool, error) {
	v, ok := s.vals[key]
	return append([]byte(nil), v...), s.cas[key], ok, nil
}

func (s *mapShared) set(key string, value []byte, cas uint32) (bool, error) {
	if cur, ok := s.cas[key]; ok && cas != 0 && cas != cur {
		return true, nil
	}
	s.next++
	s.writes++
	s.vals[key], s.cas[key] = append([]byte(nil), value...), s.next
	return false, nil
}

// bytesStored is what shared data holds in the ring's entries.
func (s *mapShared) bytesStored(prefix string) int {
	n := 0
	for k, v := range s.vals {
		if len(k) > len(prefix) && k[:len(prefix)] == prefix && k[len(prefix)] == 'e' {
			n += len(v)
		}
	}
	return n
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestLocal(t *testing.T, entries int, maxBytes int64) (*local, *mapShared, *clock) {
	t.Helper()
	sh, c := newMapShared(), &clock{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l, err := newLocal("t/", entries, maxBytes, sh, c.now)
	if err != nil {
		t.Fatal(err)
	}
	return l, sh, c
}

func key(i int, scope string) Key {
	h := (SipHasher{7, 9}).Sum([]byte(fmt.Sprint(i)))
	return Key{Hash: h, Scope: scope}
}

func mustGet(t *testing.T, l *local, k Key) ([]byte, bool) {
	t.Helper()
	e, found, err := l.get(k)
	if err != nil {
		t.Fatal(err)
	}
	return e.Value, found
}

func TestLocalPutGetScopeAndTTL(t *testing.T) {
	l, _, c := newTestLocal(t, 16, 1<<20)
	if _, err := l.Put(key(1, "alice"), []byte("answer"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, ok := mustGet(t, l, key(1, "alice")); !ok || string(v) != "answer" {
		t.Fatalf("get: %q %v", v, ok)
	}
	if _, ok := mustGet(t, l, key(1, "bob")); ok {
		t.Fatal("bob got alice's entry: same hash, other scope")
	}
	if _, ok := mustGet(t, l, key(2, "alice")); ok {
		t.Fatal("an unknown key hit")
	}
	e, _, _ := l.get(key(1, "alice"))
	if !e.Stored.Equal(c.t) {
		t.Fatalf("stored %v", e.Stored)
	}
	c.t = c.t.Add(59 * time.Second)
	if _, ok := mustGet(t, l, key(1, "alice")); !ok {
		t.Fatal("expired early")
	}
	c.t = c.t.Add(time.Second)
	if _, ok := mustGet(t, l, key(1, "alice")); ok {
		t.Fatal("served after its TTL")
	}
}

func TestLocalEvictsOldestUnderByteBudget(t *testing.T) {
	l, sh, _ := newTestLocal(t, 64, 8192)
	value := bytes.Repeat([]byte("x"), 1000) // about 1050 bytes an entry: 7 fit
	evicted := 0
	for i := 0; i < 20; i++ {
		res, err := l.Put(key(i, ""), value, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		evicted += res.Evicted
		held, n, _ := l.Held()
		if held > 8192 {
			t.Fatalf("after %d puts: %d bytes held over the budget", i+1, held)
		}
		if stored := sh.bytesStored("t/"); int64(stored) > 8192+int64(n) {
			t.Fatalf("after %d puts: shared data holds %d bytes of entries", i+1, stored)
		}
	}
	held, n, _ := l.Held()
	if n != 7 || evicted != 13 || held != int64(7*(entryHeader+1000)) {
		t.Fatalf("%d entries, %d bytes held, %d evicted", n, held, evicted)
	}
	for i := 0; i < 20; i++ {
		if _, ok := mustGet(t, l, key(i, "")); ok != (i >= 13) {
			t.Fatalf("entry %d: found %v", i, ok)
		}
	}
}

func TestLocalEvictsWhenTheRingIsFullAndDropsExpired(t *testing.T) {
	l, _, c := newTestLocal(t, 8, 1<<20)
	for i := 0; i < 10; i++ {
		if _, err := l.Put(key(i, ""), []byte("v"), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if _, n, _ := l.Held(); n != 8 {
		t.Fatalf("%d entries in a ring of 8", n)
	}
	if _, ok := mustGet(t, l, key(1, "")); ok {
		t.Fatal("entry 1 survived the ring coming round")
	}
	if _, ok := mustGet(t, l, key(9, "")); !ok {
		t.Fatal("entry 9 missing")
	}
	c.t = c.t.Add(2 * time.Minute)
	res, err := l.Put(key(100, ""), []byte("v"), time.Minute)
	if err != nil || res.Evicted != 8 {
		t.Fatalf("put after expiry: %+v %v", res, err)
	}
	if _, n, _ := l.Held(); n != 1 {
		t.Fatalf("%d entries after expiry", n)
	}
}

func TestLocalRefusesHugeEntries(t *testing.T) {
	l, _, _ := newTestLocal(t, 8, 4096)
	if _, err := l.Put(key(1, ""), make([]byte, 1100), time.Minute); err != ErrTooLarge {
		t.Fatalf("err %v", err)
	}
}

func TestLocalHasherIsSharedByWorkers(t *testing.T) {
	sh := newMapShared()
	now := func() time.Time { return time.Unix(0, 0) }
	a, _ := newLocal("t/", 8, 4096, sh, now)
	b, _ := newLocal("t/", 8, 4096, sh, now)
	ha, err := a.Hasher()
	if err != nil {
		t.Fatal(err)
	}
	hb, _ := b.Hasher()
	if ha.Sum([]byte("m")) != hb.Sum([]byte("m")) {
		t.Fatal("two workers hash differently")
	}
}

func TestLocalRefusesBadLimits(t *testing.T) {
	for _, c := range []struct {
		n int
		b int64
	}{{4, 1 << 20}, {1 << 20, 1 << 20}, {16, 100}} {
		if _, err := Local("x/", c.n, c.b); err == nil {
			t.Errorf("%+v accepted", c)
		}
	}
}

package counter

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// tableProbe is a table on a fake store with a clock the test moves.
type tableProbe struct {
	*table
	store *fakeStore
	clock int64 // Unix milliseconds
}

func newTableProbe(t *testing.T, slots int) *tableProbe {
	t.Helper()
	b, err := LocalTable("tt/", slots)
	if err != nil {
		t.Fatal(err)
	}
	p := &tableProbe{table: b.(*table), store: newFakeStore(), clock: t0 + 5000}
	p.table.store = p.store
	p.table.now = func() time.Time { return time.UnixMilli(p.clock) }
	return p
}

func ipReq(ip string, limit int64) Request {
	return Request{Descriptor: []Entry{{"ip", ip}}, Limit: limit, Window: Window{Size: time.Minute}, Cost: 1}
}

func TestLocalTableRefusesTinyTables(t *testing.T) {
	if _, err := LocalTable("x/", MinTableKeys-1); err == nil || !strings.Contains(err.Error(), "at least 8") {
		t.Fatalf("err = %v", err)
	}
}

func TestLocalTableCountsLikeLocal(t *testing.T) {
	p := newTableProbe(t, 64)
	for i, want := range []bool{true, true, false} {
		d, err := takeSync(t, p, ipReq("10.0.0.1", 2))
		if err != nil || d.Allowed != want {
			t.Fatalf("take %d: %+v %v", i+1, d, err)
		}
	}
	// Another descriptor has its own counter.
	if d, _ := takeSync(t, p, ipReq("10.0.0.2", 2)); !d.Allowed || d.Remaining != 1 {
		t.Fatalf("second descriptor: %+v", d)
	}
	if n := len(p.store.vals); n != 2 {
		t.Fatalf("%d keys stored, want 2", n)
	}
	for k := range p.store.vals {
		if !strings.HasPrefix(k, "tt/60000#") {
			t.Fatalf("key %q is not a slot key", k)
		}
	}
}

// A table of n slots never stores more than n keys per window size, whatever the number of
// descriptors; new ones get ErrTableFull while all slots are in use, and slots idle for a
// whole window are taken over.
func TestLocalTableBoundsKeysAndReusesIdleSlots(t *testing.T) {
	const slots = 16
	p := newTableProbe(t, slots)
	admitted, full := 0, 0
	for i := range 200 {
		_, err := takeSync(t, p, ipReq(fmt.Sprintf("10.0.%d.%d", i/256, i%256), 5))
		switch {
		case err == nil:
			admitted++
		case errors.Is(err, ErrTableFull):
			full++
		default:
			t.Fatal(err)
		}
	}
	if n := len(p.store.vals); n > slots {
		t.Fatalf("%d keys for %d slots", n, slots)
	}
	if admitted < slots/2 || admitted > slots || full != 200-admitted {
		t.Fatalf("admitted %d, full %d", admitted, full)
	}
	// The admitted descriptors keep their counters while in use.
	p.clock += 30_000
	// One window on, the counters are still readable as the previous window's count (a
	// sliding window would weigh them); two windows on they are idle.
	p.clock += 60_000
	if _, err := takeSync(t, p, ipReq("192.168.0.1", 5)); !errors.Is(err, ErrTableFull) {
		t.Fatalf("a slot was reused while its previous window still counts: %v", err)
	}
	p.clock += 60_000
	for i := range slots {
		d, err := takeSync(t, p, ipReq(fmt.Sprintf("192.168.0.%d", i), 5))
		if err != nil && !errors.Is(err, ErrTableFull) {
			t.Fatal(err)
		}
		if err == nil && (!d.Allowed || d.Remaining != 4) {
			t.Fatalf("a reused slot kept the old count: %+v", d)
		}
	}
	if n := len(p.store.vals); n > slots {
		t.Fatalf("%d keys for %d slots after reuse", n, slots)
	}
	if _, err := takeSync(t, p, ipReq("192.168.0.0", 5)); err != nil {
		t.Fatalf("a descriptor placed in a reused slot is not found again: %v", err)
	}
}

// A descriptor placed past a slot that later goes idle is still found: the scan goes on past
// idle slots and stops only at one never written.
func TestLocalTableFindsDescriptorsPastIdleSlots(t *testing.T) {
	p := newTableProbe(t, 8) // 8 slots, all probed: every descriptor can reach every slot
	first := ipReq("a", 3)
	if _, err := takeSync(t, p, first); err != nil {
		t.Fatal(err)
	}
	// Fill up, so that "b" lands wherever is left.
	for i := range 6 {
		if _, err := takeSync(t, p, ipReq(fmt.Sprint("fill", i), 3)); err != nil {
			t.Fatal(err)
		}
	}
	p.clock += 120_000 // everything idle
	b := ipReq("b", 3)
	for range 3 {
		if d, err := takeSync(t, p, b); err != nil || !d.Allowed {
			t.Fatalf("%+v %v", d, err)
		}
	}
	if d, err := takeSync(t, p, b); err != nil || d.Allowed {
		t.Fatalf("b's fourth request: %+v %v, want denied by its own counter", d, err)
	}
}

func TestLocalTableKeepsLongDescriptorsSmall(t *testing.T) {
	p := newTableProbe(t, 16)
	long := strings.Repeat("k", 8192)
	for i, want := range []bool{true, false} {
		d, err := takeSync(t, p, Request{Descriptor: []Entry{{"header:x-api-key", long}}, Limit: 1, Window: Window{Size: time.Second}, Cost: 1})
		if err != nil || d.Allowed != want {
			t.Fatalf("take %d: %+v %v", i+1, d, err)
		}
	}
	other := long[:8191] + "j"
	if d, _ := takeSync(t, p, Request{Descriptor: []Entry{{"header:x-api-key", other}}, Limit: 1, Window: Window{Size: time.Second}, Cost: 1}); !d.Allowed {
		t.Fatal("two long descriptors share a counter")
	}
	for k, v := range p.store.vals {
		if len(v) > slotHeader+1+maxInlineIdentity {
			t.Fatalf("slot %s holds %d bytes", k, len(v))
		}
	}
}

// The identity's first byte keeps a short descriptor from ever equalling a long one's digest.
func TestIdentityFormsDiffer(t *testing.T) {
	short := appendIdentity(nil, []Entry{{"k", "v"}})
	long := appendIdentity(nil, []Entry{{"k", strings.Repeat("v", 200)}})
	if short[0] != 'i' || long[0] != 'h' || len(long) != 33 {
		t.Fatalf("short %q, long %d bytes starting %q", short, len(long), long[0])
	}
}

func TestLocalTableFirstClaimRaceLosesNoCount(t *testing.T) {
	p := newTableProbe(t, 64)
	req := ipReq("10.1.1.1", 10)
	// Another worker claims the same home slot for the same descriptor between our read and
	// our write.
	raced := false
	p.store.beforeSet = func(f *fakeStore, key string) {
		if raced {
			return
		}
		raced = true
		other := newTableProbe(t, 64)
		other.store = f
		other.table.store = f
		other.clock = p.clock
		if _, err := takeSync(t, other, req); err != nil {
			t.Fatal(err)
		}
	}
	d, err := takeSync(t, p, req)
	if err != nil || d.Count != 2 {
		t.Fatalf("%+v %v: want the second unit of one counter", d, err)
	}
	if n := len(p.store.vals); n != 1 {
		t.Fatalf("%d slots used", n)
	}
}

func TestLocalTableReplacesForeignValues(t *testing.T) {
	p := newTableProbe(t, 8)
	for i := range 8 {
		p.store.vals[fmt.Sprintf("tt/60000#%d", i)] = []byte("garbage")
	}
	if d, err := takeSync(t, p, ipReq("x", 1)); err != nil || !d.Allowed {
		t.Fatalf("%+v %v", d, err)
	}
}

func TestLocalTableReadsDoNotClaim(t *testing.T) {
	p := newTableProbe(t, 8)
	r := ipReq("x", 1)
	r.Cost = 0
	if d, err := takeSync(t, p, r); err != nil || !d.Allowed {
		t.Fatalf("%+v %v", d, err)
	}
	if len(p.store.vals) != 0 {
		t.Fatal("a read claimed a slot")
	}
}

func TestLocalTableErrors(t *testing.T) {
	p := newTableProbe(t, 8)
	p.store.err = errors.New("boom")
	if _, err := takeSync(t, p, ipReq("x", 1)); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("err = %v", err)
	}
	p.store.err = nil
	if _, err := takeSync(t, p, Request{Limit: 1, Window: Window{Size: time.Second}, Cost: 1}); err == nil {
		t.Fatal("an empty descriptor was counted")
	}
}

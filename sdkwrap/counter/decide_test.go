package counter

import (
	"math/rand"
	"testing"
	"time"
)

const t0 = 1_795_240_980_000 // a minute boundary, Unix ms

// take runs decide and keeps the state, as a backend would.
type take struct {
	s state
	q quota
}

func (k *take) at(t *testing.T, now, cost int64) (Decision, bool) {
	t.Helper()
	q := k.q
	q.cost = cost
	next, d, write := decide(k.s, now, q)
	if write {
		k.s = next
	}
	return d, write
}

func TestDecideFixedWindow(t *testing.T) {
	k := &take{q: quota{limit: 3, size: 60_000}}
	for i, want := range []int64{2, 1, 0} {
		d, write := k.at(t, t0+1000, 1)
		if !d.Allowed || !write || d.Remaining != want || d.Count != int64(i+1) || d.Limit != 3 || d.ResetAfter != 59*time.Second {
			t.Fatalf("take %d: %+v write=%v", i+1, d, write)
		}
	}
	d, write := k.at(t, t0+30_000, 1)
	if d.Allowed || write || d.Remaining != 0 || d.Count != 3 || d.ResetAfter != 30*time.Second {
		t.Fatalf("over the limit: %+v write=%v", d, write)
	}
	if k.s.count != 3 {
		t.Fatalf("a denied take was counted: %+v", k.s)
	}
	// The next window starts from zero.
	d, _ = k.at(t, t0+60_000, 1)
	if !d.Allowed || d.Remaining != 2 || d.ResetAfter != time.Minute {
		t.Fatalf("next window: %+v", d)
	}
	// A window skipped entirely forgets everything, also for sliding windows.
	k.q.sliding = true
	d, _ = k.at(t, t0+180_000, 0)
	if !d.Allowed || d.Count != 0 || d.Remaining != 3 {
		t.Fatalf("two windows later: %+v", d)
	}
}

func TestDecideCosts(t *testing.T) {
	k := &take{q: quota{limit: 100, size: 1000}}
	if d, write := k.at(t, t0, 101); d.Allowed || write || d.ResetAfter != time.Second {
		t.Fatalf("cost over the limit: %+v write=%v", d, write)
	}
	if d, _ := k.at(t, t0, 60); !d.Allowed || d.Remaining != 40 || d.Count != 60 {
		t.Fatalf("cost 60: %+v", d)
	}
	if d, write := k.at(t, t0, 41); d.Allowed || write || d.Count != 60 {
		t.Fatalf("cost 41 of 40 left: %+v write=%v", d, write)
	}
	if d, write := k.at(t, t0, 40); !d.Allowed || !write || d.Remaining != 0 {
		t.Fatalf("cost 40 of 40 left: %+v write=%v", d, write)
	}
}

func TestDecideReadsWithoutWriting(t *testing.T) {
	k := &take{q: quota{limit: 2, size: 1000}}
	d, write := k.at(t, t0, 0)
	if !d.Allowed || write || d.Remaining != 2 || d.Count != 0 {
		t.Fatalf("read of a fresh counter: %+v write=%v", d, write)
	}
	k.at(t, t0, 2)
	d, write = k.at(t, t0+100, 0)
	if d.Allowed || write || d.Remaining != 0 || d.Count != 2 || d.ResetAfter != 900*time.Millisecond {
		t.Fatalf("read of a full counter: %+v write=%v", d, write)
	}
}

func TestDecideOverdrawCountsWhatDoesNotFit(t *testing.T) {
	k := &take{q: quota{limit: 10, size: 1000, overdraw: true}}
	k.at(t, t0, 8)
	d, write := k.at(t, t0, 5)
	if d.Allowed || !write || d.Count != 13 || d.Remaining != 0 {
		t.Fatalf("overdraw: %+v write=%v", d, write)
	}
	if d, _ := k.at(t, t0, 0); d.Allowed || d.Count != 13 {
		t.Fatalf("read after overdraw: %+v", d)
	}
	k.s.count = MaxUnits
	if _, write := k.at(t, t0, MaxUnits); !write || k.s.count != MaxUnits {
		t.Fatalf("count did not saturate: %+v", k.s)
	}
}

func TestDecideSlidingWindow(t *testing.T) {
	k := &take{q: quota{limit: 10, size: 10_000, sliding: true}}
	for range 10 {
		k.at(t, t0+9000, 1)
	}
	// 25% into the next window the previous 10 weigh ceil(7.5) = 8: two more fit.
	for i, want := range []int64{1, 0} {
		d, _ := k.at(t, t0+12_500, 1)
		if !d.Allowed || d.Remaining != want || d.Count != 9+int64(i) {
			t.Fatalf("take %d at 25%%: %+v", i+1, d)
		}
	}
	d, _ := k.at(t, t0+12_500, 1)
	if d.Allowed || d.Count != 10 {
		t.Fatalf("third take at 25%%: %+v", d)
	}
	// Room for one more once ceil(10 × (10000 − e) / 10000) ≤ 10 − 2 − 1 = 7: e ≥ 3000.
	if d.ResetAfter != 500*time.Millisecond {
		t.Fatalf("ResetAfter = %v, want 500ms", d.ResetAfter)
	}
	if d, _ := k.at(t, t0+12_999, 1); d.Allowed {
		t.Fatalf("admitted 1ms early: %+v", d)
	}
	if d, _ := k.at(t, t0+13_000, 1); !d.Allowed {
		t.Fatalf("not admitted at 30%%: %+v", d)
	}
}

func TestRollAdoptsAWindowAtMostOneAhead(t *testing.T) {
	s := state{start: t0 + 60_000, count: 5, prev: 2}
	if got := roll(s, t0+59_990, 60_000); got != s {
		t.Errorf("a window opened by a clock 10ms ahead was not kept: %+v", got)
	}
	s.start = t0 + 120_000
	if got := roll(s, t0+59_990, 60_000); got != (state{start: t0}) {
		t.Errorf("a window two ahead froze the counter: %+v", got)
	}
}

// waitFor is exact: a Take of the same cost fits after ResetAfter and not 1ms earlier, with
// nothing else counted meanwhile.
func TestResetAfterIsTheEarliestFit(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	checked := 0
	for range 20000 {
		q := quota{limit: 1 + rng.Int63n(50), size: 1 + rng.Int63n(5000), sliding: rng.Intn(2) == 0}
		q.cost = rng.Int63n(q.limit + 1)
		now := t0 + rng.Int63n(3*q.size)
		s := state{start: windowStart(now, q.size), count: rng.Int63n(2 * q.limit), prev: rng.Int63n(2 * q.limit)}
		_, d, _ := decide(s, now, q)
		if d.Allowed {
			continue
		}
		checked++
		wait := d.ResetAfter.Milliseconds()
		if wait < 1 {
			t.Fatalf("%+v %+v at %d: ResetAfter %v", q, s, now, d.ResetAfter)
		}
		if _, later, _ := decide(s, now+wait, q); !later.Allowed {
			t.Fatalf("%+v %+v at %d: still denied after ResetAfter %dms: %+v", q, s, now, wait, later)
		}
		if _, early, _ := decide(s, now+wait-1, q); wait > 1 && early.Allowed {
			t.Fatalf("%+v %+v at %d: already admitted 1ms before ResetAfter %dms", q, s, now, wait)
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d denials checked", checked)
	}
}

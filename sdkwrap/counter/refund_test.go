package counter

import (
	"testing"
	"time"
)

// Refunds take units back from the window that counted them, never below zero, and leave a
// window that has gone by alone.
func TestRefund(t *testing.T) {
	const size = 60000
	take := func(s state, now int64, q quota) state {
		next, _, _ := decide(s, now, q)
		return next
	}
	fixed := quota{limit: 100, cost: 30, size: size}
	s := take(state{}, 1000, fixed)
	back := quota{limit: 100, cost: 20, size: size, refund: true, countedAt: 1000}
	s, d, changed := decide(s, 2000, back)
	if !changed || s.count != 10 || d.Remaining != 90 || !d.Allowed {
		t.Fatalf("refund in the window: %+v %+v %v", s, d, changed)
	}
	back.cost = 50
	if s, _, _ = decide(s, 3000, back); s.count != 0 {
		t.Fatalf("below zero: %+v", s)
	}
	// The next window: a fixed window's old count is gone, nothing to refund.
	s = take(state{}, 1000, fixed)
	if next, _, changed := decide(s, size+1000, quota{limit: 100, cost: 30, size: size, refund: true, countedAt: 1000}); changed || next.count != 0 {
		t.Fatalf("refund into a past fixed window: %+v %v", next, changed)
	}
	// A sliding window still weighs the previous count: the refund comes off it.
	sl := quota{limit: 100, cost: 30, size: size, sliding: true}
	s = take(state{}, 1000, sl)
	next, _, changed := decide(s, size+1000, quota{limit: 100, cost: 30, size: size, sliding: true, refund: true, countedAt: 1000})
	if !changed || next.prev != 0 || next.count != 0 {
		t.Fatalf("refund into the previous sliding window: %+v %v", next, changed)
	}
	// Through Request: a zero CountedAt is the current window.
	r := Request{Descriptor: []Entry{{"k", "v"}}, Limit: 100, Cost: 5, Refund: true, Window: Window{Size: time.Minute}}
	if q := r.quota(); !q.refund || q.countedAt != 0 {
		t.Fatalf("quota %+v", q)
	}
	r.CountedAt = time.UnixMilli(1234)
	if q := r.quota(); q.countedAt != 1234 {
		t.Fatalf("quota %+v", q)
	}
	if err := (&service{}).check(r); err != ErrRefundUnsupported {
		t.Fatalf("service: %v", err)
	}
}

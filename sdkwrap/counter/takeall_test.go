package counter

import (
	"errors"
	"testing"
	"time"
)

type takeAllResult struct {
	calls int
	index int
	d     Decision
	err   error
}

func runTakeAll(b Backend, reqs []Request) (*takeAllResult, bool) {
	r := &takeAllResult{}
	pending := TakeAll(b, reqs, func(i int, d Decision, err error) {
		r.calls++
		r.index, r.d, r.err = i, d, err
	})
	return r, pending
}

func windows(desc string, perSecond, perMinute int64) []Request {
	d := []Entry{{"consumer", desc}}
	return []Request{
		{Descriptor: d, Limit: perSecond, Window: Window{Size: time.Second}, Cost: 1},
		{Descriptor: d, Limit: perMinute, Window: Window{Size: time.Minute}, Cost: 1},
	}
}

func TestTakeAllReportsTheTightestAdmission(t *testing.T) {
	l := newTestLocal(newFakeStore(), time.UnixMilli(t0+100))
	r, pending := runTakeAll(l, windows("alice", 10, 3))
	if pending || r.calls != 1 || r.err != nil || r.index != 1 || !r.d.Allowed || r.d.Remaining != 2 || r.d.Limit != 3 {
		t.Fatalf("pending %v, %+v", pending, r)
	}
}

// A request the minute window denies does not use up the second window.
func TestTakeAllCountsNothingWhenAWindowIsFull(t *testing.T) {
	store := newFakeStore()
	l := newTestLocal(store, time.UnixMilli(t0+100))
	for range 2 {
		if r, _ := runTakeAll(l, windows("alice", 10, 2)); !r.d.Allowed {
			t.Fatalf("%+v", r)
		}
	}
	for range 5 {
		r, _ := runTakeAll(l, windows("alice", 10, 2))
		if r.d.Allowed || r.index != 1 || r.d.Limit != 2 || r.d.ResetAfter <= 0 {
			t.Fatalf("%+v: want the minute window's denial", r)
		}
	}
	sec, _ := takeSync(t, l, Request{Descriptor: []Entry{{"consumer", "alice"}}, Limit: 10, Window: Window{Size: time.Second}})
	if sec.Count != 2 {
		t.Fatalf("the second window counted %d, want the 2 admitted requests only", sec.Count)
	}
}

// A read allows while one unit is left; a request costing more than what is left is denied
// before anything is counted.
func TestTakeAllReadsAccountForCost(t *testing.T) {
	l := newTestLocal(newFakeStore(), time.UnixMilli(t0+100))
	reqs := windows("bob", 100, 5)
	for i := range reqs {
		reqs[i].Cost = 4
	}
	if r, _ := runTakeAll(l, reqs); !r.d.Allowed {
		t.Fatalf("%+v", r)
	}
	if r, _ := runTakeAll(l, reqs); r.d.Allowed || r.index != 1 {
		t.Fatalf("%+v: 4 more do not fit in the 1 left", r)
	}
}

func TestTakeAllWithoutRequests(t *testing.T) {
	r, pending := runTakeAll(stubBackend{}, nil)
	if pending || r.calls != 1 || !r.d.Allowed || !r.d.Unlimited || r.index != -1 {
		t.Fatalf("%+v", r)
	}
}

func TestTakeAllStopsAtAnError(t *testing.T) {
	p := newLimiterProbe(stubBackend{err: errors.New("down")}, true)
	r, _ := runTakeAll(p.Limiter, windows("alice", 1, 1))
	if r.calls != 1 || r.err == nil || r.index != 0 || !r.d.Allowed {
		t.Fatalf("%+v: want the first window's error with the fail-open decision", r)
	}
}

// laterBackend answers only when the test says so, like the ratelimit service.
type laterBackend struct {
	waiting []func(Decision, error)
	seen    []Request
}

func (l *laterBackend) Take(req Request, done func(Decision, error)) bool {
	l.seen = append(l.seen, req)
	l.waiting = append(l.waiting, done)
	return true
}

func (l *laterBackend) answer(d Decision, err error) {
	done := l.waiting[0]
	l.waiting = l.waiting[1:]
	done(d, err)
}

func TestTakeAllWaitsForEachAnswerInTurn(t *testing.T) {
	b := &laterBackend{}
	r, pending := runTakeAll(b, windows("alice", 10, 3))
	if !pending || r.calls != 0 || len(b.seen) != 1 {
		t.Fatalf("pending %v, %d calls, %d takes", pending, r.calls, len(b.seen))
	}
	b.answer(Decision{Allowed: true, Limit: 10, Remaining: 9}, nil)
	if r.calls != 0 || len(b.seen) != 2 || b.seen[1].Window.Size != time.Minute {
		t.Fatalf("%d calls, takes %+v", r.calls, b.seen)
	}
	b.answer(Decision{Allowed: true, Limit: 3, Remaining: 2}, nil)
	if r.calls != 1 || r.index != 1 || r.d.Remaining != 2 {
		t.Fatalf("%+v", r)
	}
}

func TestTakeAllStopsWaitingAtADenial(t *testing.T) {
	b := &laterBackend{}
	r, _ := runTakeAll(b, windows("alice", 10, 3))
	b.answer(Decision{Allowed: false, Limit: 10}, nil)
	if r.calls != 1 || r.index != 0 || r.d.Allowed || len(b.seen) != 1 {
		t.Fatalf("%+v after %d takes", r, len(b.seen))
	}
}

func TestTakeAllPrefersLimitedWindows(t *testing.T) {
	b := &laterBackend{}
	r, _ := runTakeAll(b, windows("alice", 10, 3))
	b.answer(Decision{Allowed: true, Limit: 10, Remaining: 9}, nil)
	b.answer(Decision{Allowed: true, Unlimited: true}, nil)
	if r.index != 0 || r.d.Unlimited {
		t.Fatalf("%+v: an unlimited window hid a limited one", r)
	}
}

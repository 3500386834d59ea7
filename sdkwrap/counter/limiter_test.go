package counter

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// stubBackend answers every Take with the same decision or error, at once.
type stubBackend struct {
	d   Decision
	err error
}

func (s stubBackend) Take(_ Request, done func(Decision, error)) bool {
	done(s.d, s.err)
	return false
}

type limiterProbe struct {
	*Limiter
	clock  time.Time
	lines  []string
	errors int
}

func newLimiterProbe(b Backend, failOpen bool) *limiterProbe {
	p := &limiterProbe{clock: time.UnixMilli(t0)}
	p.Limiter = &Limiter{backend: b, failOpen: failOpen, name: "probe",
		countError: func() { p.errors++ },
		warn:       func(s string) { p.lines = append(p.lines, s) },
		clock:      func() time.Time { return p.clock }}
	return p
}

func TestLimiterPassesAnswersThrough(t *testing.T) {
	want := Decision{Allowed: false, Limit: 5, Count: 5, ResetAfter: time.Second}
	p := newLimiterProbe(stubBackend{d: want}, true)
	d, err := takeSyncAny(p, aliceReq)
	if err != nil || d != want || p.errors != 0 || len(p.lines) != 0 {
		t.Fatalf("%+v %v; %d errors, logs %q", d, err, p.errors, p.lines)
	}
}

func TestLimiterPolicy(t *testing.T) {
	secret := Request{Descriptor: []Entry{{"api_key", "sk-secret-123"}}, Limit: 1, Window: Window{Size: time.Second}, Cost: 1}
	failure := errors.New("counter: redis call failed (status 1)")
	for _, failOpen := range []bool{true, false} {
		p := newLimiterProbe(stubBackend{d: Decision{Allowed: true, Remaining: 9}, err: failure}, failOpen)
		d, err := takeSyncAny(p, secret)
		if err != failure {
			t.Fatalf("the error did not reach the caller: %v", err)
		}
		if d != (Decision{Allowed: failOpen}) {
			t.Fatalf("failOpen=%v: decision %+v", failOpen, d)
		}
		if p.errors != 1 || len(p.lines) != 1 {
			t.Fatalf("%d errors counted, %d lines logged", p.errors, len(p.lines))
		}
		line := p.lines[0]
		verdict := map[bool]string{true: "admitting (fail open)", false: "denying (fail closed)"}[failOpen]
		if !strings.HasPrefix(line, "probe: ") || !strings.Contains(line, "[api_key]") ||
			!strings.Contains(line, verdict) || !strings.Contains(line, failure.Error()) {
			t.Fatalf("log line %q", line)
		}
		if strings.Contains(line, "sk-secret") {
			t.Fatalf("log line %q shows the descriptor's value", line)
		}
	}
}

// With the backend down every request fails: every error is counted, but the log gets one
// line per second, saying how many errors it stands for.
func TestLimiterSpacesWarnings(t *testing.T) {
	p := newLimiterProbe(stubBackend{err: errors.New("down")}, false)
	for range 5 {
		takeSyncAny(p, aliceReq)
		p.clock = p.clock.Add(100 * time.Millisecond)
	}
	if p.errors != 5 || len(p.lines) != 1 {
		t.Fatalf("after 5 errors in 0.5s: %d counted, lines %q", p.errors, p.lines)
	}
	p.clock = p.clock.Add(time.Second)
	takeSyncAny(p, aliceReq)
	if len(p.lines) != 2 || !strings.Contains(p.lines[1], "(and 4 more errors since the last report)") {
		t.Fatalf("lines %q", p.lines)
	}
}

// Local answers at once; the Limiter calls it without a closure and still applies the policy.
func TestLimiterOnLocal(t *testing.T) {
	store := newFakeStore()
	loc := newTestLocal(store, time.UnixMilli(t0))
	p := newLimiterProbe(loc, false)
	p.direct = loc
	if d, err := takeSyncAny(p, aliceReq); err != nil || !d.Allowed || d.Remaining != 1 {
		t.Fatalf("%+v %v", d, err)
	}
	store.err = errors.New("host says no")
	d, err := takeSyncAny(p, aliceReq)
	if !errors.Is(err, store.err) || d.Allowed || p.errors != 1 || len(p.lines) != 1 {
		t.Fatalf("%+v %v; %d errors, lines %q", d, err, p.errors, p.lines)
	}
}

package counter

import (
	"errors"
	"fmt"
	"time"
)

// Entry is one part of a descriptor, e.g. {"consumer", "alice"}.
type Entry struct{ Key, Value string }

// Request asks a Backend to count Cost units against Limit for one descriptor.
type Request struct {
	// Descriptor is what is counted: the same entries always hit the same counter.
	Descriptor []Entry
	// Limit is how many units the window admits. The ratelimit service ignores it: its own
	// configuration holds the limits.
	Limit int64
	// Window is how time is cut up; the ratelimit service ignores it too.
	Window Window
	// Cost is the units to add: 1 for a request, N for tokens. 0 only reads the current
	// state (Allowed then says whether at least one unit is left); the ratelimit service
	// cannot read, because it counts hits_addend 0 as 1 (measured), and answers
	// ErrReadUnsupported.
	Cost int64
	// Overdraw counts Cost even when it does not fit, for units already spent (the tokens
	// of an answer that was served). The decision still says whether they fitted.
	Overdraw bool
	// Refund takes Cost units back instead of counting them: units an earlier Take counted
	// at CountedAt (a reservation larger than what was used, a request that was not served
	// after all). They come off the window that counted them while it is the current one
	// or, for a sliding window, the previous one; a count never goes below zero, and a
	// window that has gone by is left alone. The decision is a read of what is left. Local,
	// LocalTable and Redis refund; the ratelimit service cannot take hits back and answers
	// ErrRefundUnsupported.
	Refund    bool
	CountedAt time.Time
	// StreamID is the HTTP context to re-enter when an answer arrives outside the SDK's own
	// callbacks (Higress Redis); 0 when the Take is not made for a stream.
	StreamID uint32
}

// Decision is a Backend's answer.
type Decision struct {
	Allowed bool
	// Unlimited says no limit applies to the descriptor (the ratelimit service has none
	// configured for it); Limit, Remaining, Count and ResetAfter are then zero.
	Unlimited bool
	Limit     int64
	// Remaining is what the window still admits after this Take; 0 when denied.
	Remaining int64
	// Count is the units in the window after this Take (for a sliding window the
	// estimate). The ratelimit service does not report it: Limit − Remaining there.
	Count int64
	// ResetAfter is, when allowed, the time until the current window ends; when denied, the
	// time until a Take of the same Cost would fit if nothing else were counted meanwhile.
	ResetAfter time.Duration
}

// Backend counts and decides.
type Backend interface {
	// Take counts req and decides. done runs exactly once with the decision or an error:
	// before Take returns (pending false) or later from a host callback (pending true), in
	// which case the caller pauses its stream and resumes it from done. One exception: an
	// answer that arrives after its stream has ended is dropped, as the SDK does for HTTP
	// call answers.
	Take(req Request, done func(Decision, error)) (pending bool)
}

// MaxUnits bounds Limit and Cost, and a counter saturates there: 2^53, the largest count
// the Redis backend's Lua numbers hold exactly.
const MaxUnits = 1 << 53

var (
	// ErrContention is a Local Take that lost the compare-and-swap race on every attempt.
	ErrContention = errors.New("counter: shared data stayed contended through every retry")
	// ErrReadUnsupported is a Cost 0 Take on the ratelimit service, which cannot read
	// without counting.
	ErrReadUnsupported = errors.New("counter: the ratelimit service cannot read without counting (cost 0)")
	// ErrRefundUnsupported is a Refund on the ratelimit service, which only adds hits.
	ErrRefundUnsupported = errors.New("counter: the ratelimit service cannot take hits back (refund)")
)

// validate checks what every backend needs; withLimit also checks Limit and Window.
func (r *Request) validate(withLimit bool) error {
	if len(r.Descriptor) == 0 {
		return errors.New("counter: empty descriptor")
	}
	if r.Cost < 0 || r.Cost > MaxUnits {
		return fmt.Errorf("counter: cost %d outside 0..2^53", r.Cost)
	}
	if !withLimit {
		return nil
	}
	if r.Limit < 0 || r.Limit > MaxUnits {
		return fmt.Errorf("counter: limit %d outside 0..2^53", r.Limit)
	}
	return r.Window.validate()
}

// quota is a validated Request reduced to what the window arithmetic needs.
func (r *Request) quota() quota {
	q := quota{limit: r.Limit, cost: r.Cost, size: r.Window.millis(), sliding: r.Window.Sliding, overdraw: r.Overdraw}
	if r.Refund {
		q.refund = true
		if !r.CountedAt.IsZero() {
			q.countedAt = r.CountedAt.UnixMilli()
		}
	}
	return q
}

// keysOf lists a descriptor's keys, never its values (which may be API keys), for logs.
func keysOf(d []Entry) []string {
	keys := make([]string, len(d))
	for i, e := range d {
		keys[i] = e.Key
	}
	return keys
}

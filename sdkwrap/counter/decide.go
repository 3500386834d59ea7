package counter

import "time"

// quota is a validated Request in the units of the window arithmetic (milliseconds).
type quota struct {
	limit, cost, size int64
	sliding, overdraw bool
	refund            bool  // take cost back (Request.Refund)
	countedAt         int64 // when the refunded units were counted, Unix ms
}

// roll moves a stored state to the window holding now: the same window stays, the one just
// before becomes the previous count, anything older is forgotten. A start at most one window
// ahead is kept as it is: another gateway whose clock runs a little ahead already opened it
// (Redis); anything further ahead is a broken clock and is not allowed to freeze the counter.
func roll(s state, now, size int64) state {
	cur := windowStart(now, size)
	switch {
	case s.start == cur, s.start > cur && s.start <= cur+size:
		return s
	case s.start == cur-size:
		return state{start: cur, prev: s.count}
	default:
		return state{start: cur}
	}
}

// decide is one Take on a stored state at now (Unix milliseconds): the state to store, the
// decision, and whether the state changed at all (reads and denials write nothing). The
// Redis script (redis_script.go) implements the same steps; keep the two in step.
func decide(s state, now int64, q quota) (state, Decision, bool) {
	s = roll(s, now, q.size)
	if q.refund {
		return refund(s, now, q)
	}
	used := s.count
	if q.sliding {
		used += weightedPrev(s.prev, now-s.start, q.size)
	}
	fits := used+q.cost <= q.limit
	write := q.cost > 0 && (fits || q.overdraw)
	if write {
		s.count = min(s.count+q.cost, MaxUnits)
		used += q.cost
	}
	d := Decision{Limit: q.limit, Count: used}
	if q.cost == 0 {
		d.Allowed = used < q.limit
	} else {
		d.Allowed = fits
	}
	if d.Allowed {
		d.Remaining = max(q.limit-used, 0)
		d.ResetAfter = millis(s.start + q.size - now)
	} else {
		d.ResetAfter = millis(waitFor(s, now, q))
	}
	return s, d, write
}

// waitFor is how long until a Take of q's cost (1 for a read) fits a counter in state s,
// when nothing else is counted meanwhile.
func waitFor(s state, now int64, q quota) int64 {
	cost := max(q.cost, 1)
	toEnd := max(s.start+q.size-now, 1)
	switch {
	case !q.sliding:
		return toEnd // everything frees at once at the window's end
	case cost > q.limit:
		return toEnd + q.size // never fits; report when both windows have emptied
	case s.count+cost <= q.limit:
		// Fits in this window once the previous window's weight has decayed enough:
		// ceil(prev × (size − e) / size) ≤ room  ⇔  e ≥ size − floor(room × size / prev).
		room := q.limit - s.count - cost
		shrink, _ := mulDiv(room, q.size, s.prev)
		return max(q.size-min(shrink, q.size)-max(now-s.start, 0), 1)
	default:
		// Only in the next window, where this window's count becomes the previous one.
		shrink, _ := mulDiv(q.limit-cost, q.size, s.count)
		return toEnd + q.size - min(shrink, q.size)
	}
}

func millis(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }

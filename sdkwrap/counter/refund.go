package counter

// refund takes q.cost back from the window that counted it at q.countedAt (0: the current
// one), on a state
// already rolled to now: the current window, or the previous one of a sliding window (whose
// count still weighs); an older window is gone and nothing changes. The decision is a read
// of what is left afterwards. The Redis refund script (redis_script.go) does the same.
func refund(s state, now int64, q quota) (state, Decision, bool) {
	counted := s.start // no CountedAt: the current window
	if q.countedAt != 0 {
		counted = windowStart(q.countedAt, q.size)
	}
	changed := false
	switch {
	case q.cost <= 0:
	case counted == s.start && s.count > 0:
		s.count, changed = max(s.count-q.cost, 0), true
	case q.sliding && counted == s.start-q.size && s.prev > 0:
		s.prev, changed = max(s.prev-q.cost, 0), true
	}
	read := q
	read.cost, read.refund = 0, false
	_, d, _ := decide(s, now, read)
	return s, d, changed
}

package counter

// TakeAll makes one Take per request - typically the same descriptor under several windows
// (10 per second and 1000 per day) - and admits only if every one allows. done runs once with
// the binding request's index and decision:
//
//   - the first denial, when one denies (its Limit and ResetAfter say which window and for how
//     long);
//   - the first error, with the decision b gave for it (a Limiter's failure policy);
//   - otherwise the admission with the fewest units left, so that headers show the window
//     closest to refusing.
//
// With a backend that answers at once (Local, LocalTable, a Limiter over one) and more than
// one request, every window is read first (Cost 0) and nothing is counted when one of them is
// already full: a client denied by its daily limit does not use up its per-second windows.
// Only a race with another worker between the reads and the Takes can count the earlier
// windows of a request a later window then denies. With a backend that answers later (the
// ratelimit service, Redis), the Takes run one after another, each from the previous one's
// answer, and stop at the first denial or error; the service counts every hit anyway.
//
// pending is true when done will run from a host callback; the caller then pauses its stream.
func TakeAll(b Backend, reqs []Request, done func(index int, d Decision, err error)) (pending bool) {
	switch {
	case len(reqs) == 0:
		done(-1, Decision{Allowed: true, Unlimited: true}, nil)
		return false
	case len(reqs) == 1:
		// The common case, without the bookkeeping of several Takes.
		return b.Take(reqs[0], func(d Decision, err error) { done(0, d, err) })
	case len(reqs) > 1 && answersAtOnce(b):
		if i, d, err, stop := readAll(b, reqs); stop {
			done(i, d, err)
			return false
		}
	}
	t := &takeAll{b: b, reqs: reqs, done: done, best: -1}
	return t.next(0)
}

// answersAtOnce says whether b's Takes always complete before they return.
func answersAtOnce(b Backend) bool {
	if l, ok := b.(*Limiter); ok {
		return l.direct != nil
	}
	_, ok := b.(syncBackend)
	return ok
}

// readAll reads every window; stop is true when one is full or fails, with what to report.
func readAll(b Backend, reqs []Request) (int, Decision, error, bool) {
	for i, r := range reqs {
		if r.Cost == 0 {
			continue
		}
		read := r
		read.Cost, read.Overdraw = 0, false
		var d Decision
		var err error
		b.Take(read, func(got Decision, e error) { d, err = got, e })
		if err != nil {
			return i, d, err, true
		}
		// A read allows while one unit is left; the request may cost more.
		if !d.Unlimited && (!d.Allowed || d.Count+r.Cost > d.Limit) && !r.Overdraw {
			full := d
			full.Allowed, full.Remaining = false, 0
			return i, full, nil, true
		}
	}
	return 0, Decision{}, nil, false
}

// takeAll is one TakeAll in progress.
type takeAll struct {
	b        Backend
	reqs     []Request
	done     func(int, Decision, error)
	best     int // the admission to report so far, -1 before the first
	bd       Decision
	waited   bool // a Take went pending: done runs from a host callback
	finished bool
}

// next takes reqs[i:] one after the other and reports whether it had to wait for an answer.
func (t *takeAll) next(i int) bool {
	for ; i < len(t.reqs); i++ {
		j, inline, answered := i, true, false
		t.b.Take(t.reqs[j], func(d Decision, err error) {
			answered = true
			if t.settle(j, d, err) || inline {
				return
			}
			t.next(j + 1) // the answer came from a host callback: go on from there
		})
		inline = false
		if t.finished {
			return t.waited
		}
		if !answered {
			t.waited = true
			return true
		}
	}
	t.finish(t.best, t.bd, nil)
	return t.waited
}

// settle records one answer and reports whether it ended the TakeAll (a denial or an error).
func (t *takeAll) settle(i int, d Decision, err error) bool {
	if err != nil || !d.Allowed {
		t.finish(i, d, err)
		return true
	}
	if t.best < 0 || tighter(d, t.bd) {
		t.best, t.bd = i, d
	}
	return false
}

func (t *takeAll) finish(i int, d Decision, err error) {
	t.finished = true
	t.done(i, d, err)
}

// tighter says whether admission a is closer to refusing than b: a limited window before an
// unlimited one, then the fewer units left.
func tighter(a, b Decision) bool {
	if a.Unlimited != b.Unlimited {
		return !a.Unlimited
	}
	return a.Remaining < b.Remaining
}

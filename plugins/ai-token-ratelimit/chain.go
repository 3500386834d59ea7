package main

import "github.com/aiwasm/aiwasm/sdkwrap/counter"

// chain makes takes one after another - each from the previous one's answer when a remote
// backend answers later - and reports once at the end: the first denial, or none. A failure
// the limiter's policy admits (failure_mode allow) is not a denial; one it denies is, with
// its error.
type chain struct {
	l       *counter.Limiter
	reqs    []counter.Request
	ds      []counter.Decision // each take's decision, filled as they come
	all     bool               // go on after a denial (reads of instance budgets)
	done    func(denied int, err error)
	waited  bool  // a take went pending: done runs from a host callback
	lastErr error // a failure admitted by the policy
	ended   bool
}

// newChain readies slot, one of the stream's chains, for reqs: admission and reserve use one
// after the other, the instance reads the other (they start inside admission's end).
func newChain(slot *chain, l *counter.Limiter, reqs []counter.Request, all bool) *chain {
	*slot = chain{l: l, reqs: reqs, all: all, ds: slot.ds[:0]}
	return slot
}

// run starts the chain; pending says done will run later, from a host callback.
func (c *chain) run() (pending bool) {
	if cap(c.ds) < len(c.reqs) {
		c.ds = make([]counter.Decision, len(c.reqs))
	}
	c.ds = c.ds[:len(c.reqs)]
	return c.from(0)
}

func (c *chain) from(i int) bool {
	for ; i < len(c.reqs); i++ {
		j, inline, answered, stop := i, true, false, false
		c.l.Take(c.reqs[j], func(d counter.Decision, err error) {
			answered = true
			c.ds[j] = d
			if err != nil && d.Allowed {
				c.lastErr = err
			}
			if !d.Allowed && !c.all {
				stop = true
				c.end(j, err)
				return
			}
			if !inline {
				c.from(j + 1)
			}
		})
		inline = false
		if !answered {
			c.waited = true
			return true
		}
		if stop {
			return c.waited
		}
	}
	c.end(-1, nil)
	return c.waited
}

func (c *chain) end(denied int, err error) {
	if c.ended {
		return
	}
	c.ended = true
	c.done(denied, err)
}

// spend makes takes whose answers nobody waits for: charges and refunds after the answer was
// served. A remote backend's answer arrives later and is dropped.
func spend(l *counter.Limiter, reqs ...counter.Request) {
	for _, r := range reqs {
		l.Take(r, func(counter.Decision, error) {})
	}
}

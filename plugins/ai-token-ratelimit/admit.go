package main

import (
	"net/netip"
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/limitkey"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/aiwasm/aiwasm/sdkwrap/usage"
)

// admit finds whom the request counts for and admits it while none of its budgets is used
// up: each budget takes one unit now (a request, or one token that the answer's usage
// settles later), so that a budget with nothing left refuses. Then the instances whose
// budget this value has used up are published for ai-proxy. A request without a value (no
// such header, no consumer) passes untouched.
func admit(s *stream) plugin.Action {
	c, st := s.Config, &s.State
	if c.source.Kind != limitkey.ByNothing {
		v, addr, ok := limitkey.Value(s, &c.source)
		if !ok {
			return plugin.Continue
		}
		st.value, st.entry = v, matchEntry(c, v, addr)
	}
	if st.entry == nil && len(c.instances) == 0 {
		return plugin.Continue
	}
	st.active, st.at, st.allowance = true, time.Now(), -1
	st.format = usage.FormatOfPath(s.Path())
	return st.run(s, takeBudgets)
}

func matchEntry(c *Config, v string, addr netip.Addr) *entry {
	if c.global != nil {
		return c.global
	}
	return c.keys.Match(v, addr)
}

// descriptor is [rule, <source>=value, budget, window] in d's room; global_threshold and
// global instance budgets have no value entry.
func (st *State) descriptor(d []counter.Entry, c *Config, instance, budgetName, window string) []counter.Entry {
	d = append(d[:0], counter.Entry{Key: "rule", Value: c.rule})
	if instance != "" {
		d = append(d, counter.Entry{Key: "instance", Value: instance})
	}
	if c.source.PerValue() {
		d = append(d, counter.Entry{Key: c.source.Entry, Value: st.value})
	}
	return append(d, counter.Entry{Key: "budget", Value: budgetName}, counter.Entry{Key: "window", Value: window})
}

func (st *State) request(i int, c *Config, b budget, cost int64, s *stream) counter.Request {
	return counter.Request{
		Descriptor: st.descriptor(st.descBuf[i][:0], c, "", kinds[b.kind].name, b.window.Name),
		Limit:      b.max,
		Window:     counter.Window{Size: b.window.Size, Sliding: c.sliding},
		Cost:       cost,
		StreamID:   s.ID(),
	}
}

// takeBudgets takes one unit of every budget of the entry, one after another; at the first
// that has none left the ones taken are given back and the request is refused.
func takeBudgets(s *stream, then func(plugin.Action)) {
	c, st := s.Config, &s.State
	e := st.entry
	if e == nil {
		readInstances(s, then)
		return
	}
	st.held = st.heldBuf[:len(e.Limits)]
	reqs := st.reqBuf[:len(e.Limits)]
	for i, b := range e.Limits {
		reqs[i] = st.request(i, c, b, 1, s)
		st.held[i] = held{budget: b, req: reqs[i]}
	}
	ch := newChain(&st.ch, c.limiter(e.PerValue), reqs, false)
	ch.done = func(denied int, err error) {
		if denied >= 0 {
			st.giveBack(s, denied)
			st.settled = true
			then(st.reject(s, denied, ch.ds[denied], err))
			return
		}
		for i, d := range ch.ds {
			st.held[i].cost, st.held[i].room = 1, -1
			if !d.Unlimited {
				st.held[i].room = d.Remaining + 1
			}
			st.report(i, d, 1)
		}
		readInstances(s, then)
	}
	ch.run()
}

// giveBack refunds what the first n budgets took: the request was refused after all.
func (st *State) giveBack(s *stream, n int) {
	c := s.Config
	if !c.canRefund || n <= 0 {
		return
	}
	refunds := st.reqBuf[:0]
	for _, h := range st.held[:n] {
		if h.cost > 0 || h.req.Cost > 0 {
			refunds = append(refunds, st.refundOf(h.req, max(h.cost, h.req.Cost)))
		}
	}
	spend(c.limiter(st.entry.PerValue), refunds...)
}

func (st *State) refundOf(r counter.Request, units int64) counter.Request {
	r.Cost, r.Refund, r.CountedAt, r.Overdraw = units, true, st.at, false
	return r
}

// report notes decision d of budget i for the headers; taken is what this request counted
// in it, which the token headers leave out (the remaining tokens before this request).
func (st *State) report(i int, d counter.Decision, taken int64) {
	if d.Unlimited {
		return
	}
	b := st.held[i].budget
	if b.kind == kindRequests {
		st.requests.note(d.Limit, d.Remaining, d.ResetAfter)
		return
	}
	st.tokens.note(d.Limit, d.Remaining+taken, d.ResetAfter)
}

// reject answers a refusal by budget i (or, with err, a backend failure failure_mode deny
// refuses on).
func (st *State) reject(s *stream, i int, d counter.Decision, err error) plugin.Action {
	c := s.Config
	b := st.held[i].budget
	logRefusal(s, b, d, err)
	if err != nil {
		return s.Fail(503, "server_error", "rate_limit_unavailable", "the rate limiter is unavailable, please try again later")
	}
	metrics.rejected.Inc()
	s.SetFilterState(filterstate.BlockedBy, "ai-token-ratelimit:"+c.rule)
	errType := "tokens"
	if b.kind == kindRequests {
		errType = "requests"
	}
	return s.Fail(c.code, errType, "rate_limit_exceeded", c.message, refusalHeaders(b, d)...)
}

// logRefusal says at debug level why a request was refused: the rule, the source, the
// entry, the budget, and the value unless it may be a credential.
func logRefusal(s *stream, b budget, d counter.Decision, err error) {
	log := s.Log()
	if !log.Enabled(plugin.LevelDebug) {
		return
	}
	c, st := s.Config, &s.State
	v := st.value
	if c.source.Secret() {
		v = "(value not logged)"
	}
	if err != nil {
		log.Debugf("rule %s, %s %s, %s, %s%s: not counted (%v), refused by failure_mode", c.rule, c.source.Entry, v,
			st.entry.Label, kinds[b.kind].prefix, b.window.Name, err)
		return
	}
	log.Debugf("rule %s, %s %s, %s, %s%s: refused, limit %d, retry in %v", c.rule, c.source.Entry, v,
		st.entry.Label, kinds[b.kind].prefix, b.window.Name, d.Limit, d.ResetAfter)
}

// instanceRequest is the counter request of instance budget b for this request's value.
func (st *State) instanceRequest(c *Config, b *instanceBudget, cost int64, s *stream) counter.Request {
	strategy := kinds[c.strategy].name
	return counter.Request{
		Descriptor: st.descriptor(nil, c, b.name, strategy, b.label),
		Limit:      b.limit,
		Window:     counter.Window{Size: b.window, Sliding: c.sliding},
		Cost:       cost,
		StreamID:   s.ID(),
	}
}

// readInstances reads every instance budget of this value and publishes the used-up ones,
// comma-separated, as ai_exhausted_instances before ai-proxy picks an instance. They do not
// refuse the request: ai-proxy skips them (fallback class rate_limiting) and answers 429
// itself when none is left.
func readInstances(s *stream, then func(plugin.Action)) {
	c, st := s.Config, &s.State
	if len(c.instances) == 0 {
		then(plugin.Continue)
		return
	}
	reqs := make([]counter.Request, len(c.instances))
	for i := range c.instances {
		reqs[i] = st.instanceRequest(c, &c.instances[i], 0, s)
	}
	ch := newChain(&st.ich, c.limiter(c.source.PerValue()), reqs, true)
	ch.done = func(int, error) {
		var out []string
		for i, d := range ch.ds {
			if !d.Allowed && !d.Unlimited {
				out = append(out, c.instances[i].name)
			}
		}
		if len(out) > 0 {
			s.SetFilterState(filterstate.AIExhausted, strings.Join(out, ","))
		}
		then(plugin.Continue)
	}
	ch.run()
}

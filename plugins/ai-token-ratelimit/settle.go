package main

import (
	"strconv"

	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/aiwasm/aiwasm/sdkwrap/usage"
)

// Metrics, Envoy counters named ai_token_ratelimit_<name>; backend failures count in
// ai_token_ratelimit_backend_errors (the limiter's).
var metrics struct {
	charged   plugin.Counter // tokens_charged: tokens charged, all budgets of a request once
	rejected  plugin.Counter // rejected: requests refused for a used-up budget
	estimated plugin.Counter // estimated: answers charged by estimate (they carried no usage)
	finished  plugin.Counter // finished_mid_stream: streams ended by on_exhausted_mid_stream
}

func start(root *plugin.Root[Config]) error {
	metrics.charged = root.Counter("tokens_charged")
	metrics.rejected = root.Counter("rejected")
	metrics.estimated = root.Counter("estimated")
	metrics.finished = root.Counter("finished_mid_stream")
	return nil
}

// settle charges the answer's usage u: each token budget gets the difference between its
// share of u and what admission (and reserve) took - counted even over the limit
// (Overdraw: the answer was served), or given back when it took more - and the instance that
// served the request (ai-proxy's ai_instance) its budget's share.
func (st *State) settle(s *stream, u usage.Usage, estimated bool) {
	if st.settled {
		return
	}
	st.settled = true
	c := s.Config
	if u.Total <= 0 {
		u.Total = u.Prompt + u.Completion
	}
	if st.entry != nil {
		reqs := st.reqBuf[:0]
		for _, h := range st.held {
			if !h.budget.kind.tokens() {
				continue
			}
			switch delta := h.budget.kind.of(u) - h.cost; {
			case delta > 0:
				r := h.req
				r.Cost, r.Overdraw = delta, true
				reqs = append(reqs, r)
			case delta < 0 && c.canRefund:
				reqs = append(reqs, st.refundOf(h.req, -delta))
			}
		}
		spend(c.limiter(st.entry.PerValue), reqs...)
	}
	st.chargeInstance(s, u)
	metrics.charged.Add(uint64(max(u.Total, 0)))
	s.SetFilterState(filterstate.AITokensCharged, strconv.FormatInt(u.Total, 10))
	if estimated {
		metrics.estimated.Inc()
		s.SetFilterState(filterstate.AITokensEstimated, "true")
		s.Log().Infof("the answer carried no usage: charged an estimate of %d tokens (%d prompt, %d completion)",
			u.Total, u.Prompt, u.Completion)
	}
}

// chargeInstance charges the budget of the ai-proxy instance that served the request.
func (st *State) chargeInstance(s *stream, u usage.Usage) {
	c := s.Config
	if len(c.instances) == 0 {
		return
	}
	name, ok := s.FilterState(filterstate.AIInstance)
	if !ok {
		return
	}
	for i := range c.instances {
		if b := &c.instances[i]; b.name == name {
			if cost := c.strategy.of(u); cost > 0 {
				r := st.instanceRequest(c, b, cost, s)
				r.Overdraw = true
				spend(c.limiter(c.source.PerValue()), r)
			}
			return
		}
	}
}

// refundAll gives back what admission and reserve took from the token budgets: the answer is
// a cache hit or an error, which cost no tokens. Request budgets keep the request. The
// ratelimit service cannot give back: the one token admission took stays counted there.
func (st *State) refundAll(s *stream) {
	if st.settled {
		return
	}
	st.settled = true
	s.SetFilterState(filterstate.AITokensCharged, "0")
	c := s.Config
	if st.entry == nil || !c.canRefund {
		return
	}
	reqs := st.reqBuf[:0]
	for _, h := range st.held {
		if h.budget.kind.tokens() && h.cost > 0 {
			reqs = append(reqs, st.refundOf(h.req, h.cost))
		}
	}
	spend(c.limiter(st.entry.PerValue), reqs...)
}

package main

import (
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/limitkey"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

type stream = plugin.Stream[Config, State]

// State is one request's: its counter requests (kept here, inside the stream, because a
// remote backend reads them after the handler has returned) and the decision the response
// headers report.
type State struct {
	entry   *entry
	paused  bool // waited for a remote backend's answer
	quota   bool // the response gets quota headers
	binding int  // the window of entry that decided
	d       counter.Decision
	at      time.Time // when d was made, to age ResetAfter by the response

	reqs [len(units)]counter.Request
	desc [len(units)][3]counter.Entry
}

// Counters of decisions; backend failures count in key_rate_limit_backend_errors (the
// Limiter's).
var allowedCount, rejectedCount plugin.Counter

func start(root *plugin.Root[Config]) error {
	allowedCount = root.Counter("allowed")   // key_rate_limit_allowed
	rejectedCount = root.Counter("rejected") // key_rate_limit_rejected
	return nil
}

// limitRequest counts the request under its value and entry, in every window of the entry,
// and lets it pass or refuses it. A request without a value, or whose value no key matches,
// passes untouched. While a remote backend's answer is pending the stream is paused, its
// body held by the framework until the answer resumes it.
func limitRequest(s *stream) plugin.Action {
	c := s.Config
	v, addr, ok := limitkey.Value(s, &c.source)
	if !ok {
		return plugin.Continue
	}
	e := c.global
	if e == nil {
		if e = c.keys.Match(v, addr); e == nil {
			return plugin.Continue
		}
	}
	st := &s.State
	st.entry = e
	reqs := st.requests(c, e, v, s.ID())
	limiter := c.limiter(e)
	action := plugin.Continue
	pending := counter.TakeAll(limiter, reqs, func(i int, d counter.Decision, err error) {
		action = st.settle(s, v, i, d, err)
	})
	if pending {
		st.paused = true
		return plugin.Pause
	}
	return action
}

// settle acts on the decision and, when the stream waited for it, lets the request go on
// (a refusal was answered instead: nothing to resume).
func (st *State) settle(s *stream, v string, i int, d counter.Decision, err error) plugin.Action {
	action := decide(s, v, i, d, err)
	if st.paused && action == plugin.Continue && !s.Replied() {
		s.Resume()
	}
	return action
}

// requests are the counter requests of one value: one per window of e, each under the
// descriptor [rule, <source>=value, window] (global_threshold has no middle entry).
func (st *State) requests(c *Config, e *entry, v string, streamID uint32) []counter.Request {
	for i, l := range e.Limits.list {
		d := append(st.desc[i][:0], counter.Entry{Key: "rule", Value: c.rule})
		if c.source.Kind != limitkey.ByGlobal {
			d = append(d, counter.Entry{Key: c.source.Entry, Value: v})
		}
		d = append(d, counter.Entry{Key: "window", Value: l.unit.name})
		st.reqs[i] = counter.Request{
			Descriptor: d,
			Limit:      l.max,
			Window:     counter.Window{Size: l.unit.size, Sliding: c.sliding},
			Cost:       1,
			StreamID:   streamID,
		}
	}
	return st.reqs[:len(e.Limits.list)]
}

// decide acts on TakeAll's outcome: i is the window that decided.
func decide(s *stream, v string, i int, d counter.Decision, err error) plugin.Action {
	c, st := s.Config, &s.State
	w := st.entry.Limits.list[i].unit
	if !d.Allowed || err != nil {
		logDecision(s, v, w, d, err)
	}
	switch {
	case err != nil && !d.Allowed:
		// failure_mode deny: the Limiter has counted and logged the error.
		return s.Fail(503, "server_error", "rate_limit_unavailable",
			"the rate limiter is unavailable, please try again later")
	case err != nil:
		allowedCount.Inc() // failure_mode allow: no quota to report
		return plugin.Continue
	case !d.Allowed:
		rejectedCount.Inc()
		s.SetFilterState(filterstate.BlockedBy, "key-rate-limit:"+c.rule)
		return s.Fail(c.code, "requests", "rate_limit_exceeded", c.message,
			quotaHeaders(nil, c, st.entry, w, d, d.ResetAfter, true)...)
	}
	allowedCount.Inc()
	if c.showQuota && !d.Unlimited {
		st.quota, st.binding, st.d, st.at = true, i, d, time.Now()
	}
	return plugin.Continue
}

// logDecision says at debug level why a request was refused or could not be counted: the
// rule, the source, the entry and the window, and the value unless it may be a credential.
// Admissions are not logged: asking the host for its log level costs every request.
func logDecision(s *stream, v string, w *unit, d counter.Decision, err error) {
	log := s.Log()
	if !log.Enabled(plugin.LevelDebug) {
		return
	}
	c, st := s.Config, &s.State
	if c.source.Secret() {
		v = "(value not logged)"
	}
	if err != nil {
		log.Debugf("rule %s, %s %s, %s, %s window: not counted (%v), allowed %v by failure_mode",
			c.rule, c.source.Entry, v, st.entry.Label, w.name, err, d.Allowed)
		return
	}
	log.Debugf("rule %s, %s %s, %s, %s window: refused, limit %d, retry in %v",
		c.rule, c.source.Entry, v, st.entry.Label, w.name, d.Limit, d.ResetAfter)
}

// addQuotaHeaders puts the admitted request's quota on its response.
func addQuotaHeaders(s *stream) plugin.Action {
	st := &s.State
	if !st.quota {
		return plugin.Continue
	}
	// The window has moved on while the upstream answered.
	reset := max(st.d.ResetAfter-time.Since(st.at), 0)
	var buf [5][2]string
	for _, h := range quotaHeaders(buf[:0], s.Config, st.entry, st.entry.Limits.list[st.binding].unit, st.d, reset, false) {
		s.SetResponseHeader(h[0], h[1])
	}
	return plugin.Continue
}

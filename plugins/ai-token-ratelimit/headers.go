package main

import (
	"strconv"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/aiwasm/aiwasm/sdkwrap/limitkey"
)

// quota is what the headers of one group (tokens, requests) report: the budget closest to
// refusing.
type quota struct {
	set              bool
	limit, remaining int64
	reset            time.Duration
}

func (q *quota) note(limit, remaining int64, reset time.Duration) {
	if !q.set || remaining < q.remaining {
		*q = quota{set: true, limit: limit, remaining: max(remaining, 0), reset: reset}
	}
}

// appendQuota appends X-RateLimit-Limit-<suffix>, -Remaining-<suffix> and -Reset-<suffix>
// (seconds until the window frees up, as key-rate-limit's X-RateLimit-Reset).
func appendQuota(dst [][2]string, suffix string, q quota, reset time.Duration) [][2]string {
	return append(dst,
		[2]string{"x-ratelimit-limit-" + suffix, strconv.FormatInt(q.limit, 10)},
		[2]string{"x-ratelimit-remaining-" + suffix, strconv.FormatInt(q.remaining, 10)},
		[2]string{"x-ratelimit-reset-" + suffix, strconv.FormatInt(limitkey.CeilSeconds(reset), 10)})
}

// refusalHeaders report the budget that refused, and Retry-After.
func refusalHeaders(b budget, d counter.Decision) [][2]string {
	suffix := "tokens"
	if b.kind == kindRequests {
		suffix = "requests"
	}
	out := appendQuota(make([][2]string, 0, 4), suffix, quota{limit: d.Limit, reset: d.ResetAfter}, d.ResetAfter)
	return append(out, [2]string{"retry-after", strconv.FormatInt(max(limitkey.CeilSeconds(d.ResetAfter), 1), 10)})
}

// addQuotaHeaders puts the admission's quota on a successful answer: the tokens the budgets
// had left before this request (after its reservation, with reserve) and the requests left
// after it.
func addQuotaHeaders(s *stream) {
	st := &s.State
	if !s.Config.showQuota || !st.tokens.set && !st.requests.set {
		return
	}
	since := time.Since(st.at) // the windows moved on while the upstream answered
	var buf [6][2]string
	out := buf[:0]
	if st.tokens.set {
		out = appendQuota(out, "tokens", st.tokens, max(st.tokens.reset-since, 0))
	}
	if st.requests.set {
		out = appendQuota(out, "requests", st.requests, max(st.requests.reset-since, 0))
	}
	for _, h := range out {
		s.SetResponseHeader(h[0], h[1])
	}
}

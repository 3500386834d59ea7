package main

import (
	"bytes"

	"github.com/aiwasm/aiwasm/sdkwrap/counter"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/aiwasm/aiwasm/sdkwrap/usage"
	"github.com/tidwall/gjson"
	"github.com/tidwall/sjson"
)

// readRequestBody estimates the prompt, asks an OpenAI stream for its usage when the client
// did not, works out what on_exhausted_mid_stream allows, and with reserve reserves the
// estimate.
func readRequestBody(s *stream, body []byte) plugin.Action {
	c, st := s.Config, &s.State
	if !st.active || st.settled {
		return plugin.Continue
	}
	st.body = body // the prompt is estimated from it only when needed (prompt())
	if st.format == usage.OpenAI && bytes.Contains(body, []byte(`"stream"`)) && gjson.GetBytes(body, "stream").Type == gjson.True &&
		gjson.GetBytes(body, "stream_options.include_usage").Type != gjson.True {
		// The usage chunk this adds is taken out of the stream again (events.go).
		if edited, err := sjson.SetBytes(body, "stream_options.include_usage", true); err == nil {
			s.ReplaceRequestBody(edited)
			st.addedUsage = true
		}
	}
	if c.finish {
		st.allowance = st.completionRoom()
	}
	if !c.reserve || st.entry == nil {
		return plugin.Continue
	}
	maxTokens := requestedMaxTokens(st.format, body)
	if maxTokens <= 0 {
		maxTokens = c.defaultMaxTokens
	}
	return st.run(s, func(s *stream, then func(plugin.Action)) { reserve(s, maxTokens, then) })
}

// prompt is the request's prompt estimated from its text (sdkwrap/usage: EstimateTokens of
// PromptBytes), made once, when first needed: a request whose answer reports usage never
// needs it unless reserve or finish does.
func (st *State) prompt() int64 {
	if st.promptEst == 0 {
		st.promptEst = usage.EstimateTokens(usage.PromptBytes(st.format, st.body))
	}
	return st.promptEst
}

// requestedMaxTokens is the completion limit the request sets, 0 when none.
func requestedMaxTokens(f usage.Format, body []byte) int64 {
	var paths []string
	switch f {
	case usage.OpenAI:
		paths = []string{"max_completion_tokens", "max_tokens"}
	case usage.Anthropic:
		paths = []string{"max_tokens"}
	case usage.Gemini:
		paths = []string{"generationConfig.maxOutputTokens"}
	}
	for _, p := range paths {
		if v := gjson.GetBytes(body, p); v.Type == gjson.Number && v.Int() > 0 {
			return v.Int()
		}
	}
	return 0
}

// completionRoom is the completion tokens the token budgets had room for before this
// request: the least of a completion budget's room and a total budget's room less the
// prompt; -1 when no such budget applies.
func (st *State) completionRoom() int64 {
	room := int64(-1)
	for _, h := range st.held {
		if h.room < 0 || (h.budget.kind != kindTotal && h.budget.kind != kindCompletion) {
			continue
		}
		r := h.room
		if h.budget.kind == kindTotal {
			r -= st.prompt()
		}
		if room < 0 || r < room {
			room = max(r, 0)
		}
	}
	return room
}

// reservation is what budget kind k reserves for a request: the prompt estimate, the
// completion limit, or both.
func (st *State) reservation(k kind, maxTokens int64) int64 {
	switch k {
	case kindPrompt:
		return st.prompt()
	case kindCompletion:
		return maxTokens
	}
	return st.prompt() + maxTokens
}

// reserve takes, on every token budget, the rest of the reservation beyond the unit
// admission took. A budget without room for it refuses the request, and everything taken is
// given back.
func reserve(s *stream, maxTokens int64, then func(plugin.Action)) {
	c, st := s.Config, &s.State
	var reqs []counter.Request
	var which []int
	for i, h := range st.held {
		if !h.budget.kind.tokens() {
			continue
		}
		if extra := st.reservation(h.budget.kind, maxTokens) - h.cost; extra > 0 {
			r := h.req
			r.Cost = extra
			reqs, which = append(reqs, r), append(which, i)
		}
	}
	if len(reqs) == 0 {
		then(plugin.Continue)
		return
	}
	ch := newChain(&st.ch, c.limiter(st.entry.PerValue), reqs, false)
	ch.done = func(denied int, err error) {
		for j := range reqs {
			if denied >= 0 && j >= denied {
				break
			}
			st.held[which[j]].cost += reqs[j].Cost
		}
		if denied >= 0 {
			st.giveBack(s, len(st.held))
			st.settled = true
			then(st.reject(s, which[denied], ch.ds[denied], err))
			return
		}
		// The token headers now report what is left after the reservation.
		for _, d := range ch.ds {
			if !d.Unlimited {
				st.tokens.note(d.Limit, d.Remaining, d.ResetAfter)
			}
		}
		then(plugin.Continue)
	}
	ch.run()
}

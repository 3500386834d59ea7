package main

import (
	"strconv"
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/aiwasm/aiwasm/sdkwrap/usage"
)

// answerHeaders decides what the answer costs. A cache hit (ai-cache) and an error answer
// cost nothing: what admission took is given back. An answer ai-proxy has published the usage
// of (it answers non-streamed requests itself, after its call) is charged at once; other
// answers are read: whole JSON bodies, or event streams event by event.
func answerHeaders(s *stream) plugin.Action {
	st := &s.State
	if !st.active || st.settled {
		return plugin.Continue
	}
	st.responded = true
	status, _ := strconv.Atoi(s.ResponseHeader(":status"))
	if cs, _ := s.FilterState(filterstate.CacheStatus); cs == "hit" {
		addQuotaHeaders(s)
		st.refundAll(s)
		s.SetResponseMode(plugin.ModeNone)
		return plugin.Continue
	}
	if status < 200 || status > 299 {
		st.refundAll(s)
		s.SetResponseMode(plugin.ModeNone)
		return plugin.Continue
	}
	addQuotaHeaders(s)
	streamed := strings.HasPrefix(strings.ToLower(s.ResponseHeader("content-type")), "text/event-stream")
	if !streamed {
		if u, ok := proxyUsage(s); ok {
			st.settle(s, u, false)
			s.SetResponseMode(plugin.ModeNone)
		}
	}
	return plugin.Continue
}

// answerBody charges a whole answer: its own usage, else ai-proxy's, else the estimate.
func answerBody(s *stream, body []byte) plugin.Action {
	st := &s.State
	if st.settled {
		return plugin.Continue
	}
	if u, ok := usage.FromBody(st.format, body); ok {
		st.settle(s, u, false)
	} else if u, ok := proxyUsage(s); ok {
		st.settle(s, u, false)
	} else {
		st.settle(s, st.estimate(usage.CompletionBytes(st.format, body)), true)
	}
	return plugin.Continue
}

// proxyUsage is the usage ai-proxy published for this request, if it did.
func proxyUsage(s *stream) (usage.Usage, bool) {
	total, ok := intState(s, filterstate.AITotalTokens)
	if !ok {
		return usage.Usage{}, false
	}
	prompt, _ := intState(s, filterstate.AIPromptTokens)
	completion, _ := intState(s, filterstate.AICompletionTokens)
	return usage.Usage{Prompt: prompt, Completion: completion, Total: total}, true
}

func intState(s *stream, name string) (int64, bool) {
	v, ok := s.FilterState(name)
	if !ok || v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil && n >= 0
}

// estimate is the usage of an answer without one: the prompt estimated from the request's
// text, the completion from textBytes of generated text (sdkwrap/usage's EstimateTokens).
func (st *State) estimate(textBytes int64) usage.Usage {
	u := usage.Usage{Prompt: st.prompt(), Completion: usage.EstimateTokens(textBytes)}
	u.Total = u.Prompt + u.Completion
	return u
}

// done settles a request whose answer ended without the plugin seeing its end (a client
// that went away mid-stream, a body too large to read): with the usage seen so far, else the
// estimate. A request that was never answered gives back what it took.
func done(s *stream) {
	st := &s.State
	if !st.active || st.settled {
		return
	}
	if !st.responded {
		st.refundAll(s)
		return
	}
	if st.meter != nil {
		if u, ok := st.meter.Usage(); ok {
			st.settle(s, u, false)
			return
		}
	}
	if u, ok := proxyUsage(s); ok {
		st.settle(s, u, false)
		return
	}
	st.settle(s, st.estimate(st.textBytes), true)
}

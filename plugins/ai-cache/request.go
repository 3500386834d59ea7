package main

import (
	"strings"

	"github.com/aiwasm/aiwasm/sdkwrap/jsonguard"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/tidwall/gjson"
)

// onRequestHeaders decides whether the request is the cache's: a POST to a chat
// completions path (any prefix before /chat/completions), not bypassed, with a consumer
// under scope consumer. Its body is then read (the headers held, so a hit never reaches
// the upstream).
func onRequestHeaders(s *stream) plugin.Action {
	st := &s.State
	path, _, _ := strings.Cut(s.Path(), "?")
	if s.Method() != "POST" || !strings.HasSuffix(strings.TrimSuffix(path, "/"), "/chat/completions") {
		s.SkipRequestBody()
		return plugin.Continue
	}
	st.candidate = true
	st.dir = readDirectives(s)
	if !s.Config.global {
		if c := s.Consumer(); c != "" {
			st.scope = "consumer:" + c
		} else {
			st.dir.bypass = true // no identity, no safe place for the answer
		}
	}
	if st.dir.bypass || st.dir.noRead && st.dir.noWrite {
		decide(s, statusBypass)
		s.SkipRequestBody()
		return plugin.Continue
	}
	if !st.dir.noWrite {
		// The answer must arrive readable to be stored.
		s.RemoveRequestHeader("accept-encoding")
	}
	s.LimitRequestBody(maxCachedRequest, true)
	return plugin.Continue
}

// onRequestBody computes the key and looks it up. A body that is not a chat request the
// cache understands passes on untouched (BYPASS): the upstream, or ai-proxy, answers it.
func onRequestBody(s *stream, body []byte) plugin.Action {
	st, c := &s.State, s.Config
	if !jsonguard.Valid(body) {
		decide(s, statusBypass)
		return plugin.Continue
	}
	req := gjson.ParseBytes(body)
	messages := req.Get("messages")
	if !req.IsObject() || !messages.IsArray() || !messages.Get("0").Exists() ||
		req.Get("logprobs").Type == gjson.True {
		decide(s, statusBypass) // logprobs: a stream's accumulation would lose them
		return plugin.Continue
	}
	hasher, err := c.store.Hasher()
	if err != nil {
		s.Log().Warnf("cache unavailable: %v", err)
		metricsOf(s.Root()).errors.Inc()
		decide(s, statusBypass)
		return plugin.Continue
	}
	material, ok := keyMaterial(nil, c, st.scope, req)
	if !ok {
		decide(s, statusBypass)
		return plugin.Continue
	}
	st.key, st.hasKey = cacheKey(hasher, st.scope, material), true
	st.stream = req.Get("stream").Type == gjson.True
	st.write = !st.dir.noWrite
	if c.semantic != nil {
		params := appendParams(append([]byte(keyVersion+st.scope+"\x00"), byte(c.strategy)), req)
		st.params = hasher.Sum(params)
	}
	if st.dir.noRead {
		decide(s, statusMiss)
		return plugin.Continue
	}
	if s.Log().Enabled(plugin.LevelDebug) {
		s.Log().Debugf("lookup %s", st.key) // the hash only, never the prompt
	}
	return lookup(s, req)
}

// lookup asks the store for the exact key, then the semantic index, and answers a hit.
func lookup(s *stream, req gjson.Result) plugin.Action {
	st, c := &s.State, s.Config
	var action plugin.Action = plugin.Continue
	pending := c.store.Get(st.key, s.ID(), func(e entry, found bool, err error) {
		switch {
		case err != nil:
			s.Log().Warnf("cache lookup failed: %v", err)
			metricsOf(s.Root()).errors.Inc()
		case found:
			action = serveHit(s, e, 0)
			return
		}
		if c.semantic != nil && semanticLookup(s, req) {
			action = plugin.Pause
			return
		}
		decide(s, statusMiss)
	})
	if pending {
		// Only the local store exists today, and it answers at once; an asynchronous
		// store's callback would also have to Resume a miss.
		return plugin.Pause
	}
	return action
}

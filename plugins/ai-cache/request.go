package main

import (
	"strings"

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
// One scan validates the body and writes the key's canonical parts (scan.go); gjson reads
// it only for a semantic lookup.
func onRequestBody(s *stream, body []byte) plugin.Action {
	st, c := &s.State, s.Config
	r := &keyScratch.scan
	if !r.scan(body) || !r.object || !r.hasMessages() || r.logprobs {
		decide(s, statusBypass) // logprobs: a stream's accumulation would lose them
		return plugin.Continue
	}
	hasher, err := keyScratch.hasherOf(c)
	if err != nil {
		s.Log().Warnf("cache unavailable: %v", err)
		metricsOf(s.Root()).errors.Inc()
		decide(s, statusBypass)
		return plugin.Continue
	}
	material, ok := keyMaterial(keyScratch.buffer(), c, st.scope, r)
	keyScratch.material = material
	if !ok {
		decide(s, statusBypass)
		return plugin.Continue
	}
	st.key, st.hasKey = cacheKey(hasher, st.scope, material), true
	st.stream = r.stream
	st.write = !st.dir.noWrite
	var req gjson.Result
	if c.semantic != nil {
		keyScratch.material = paramsMaterial(keyScratch.buffer(), c, st.scope, r)
		st.params = hasher.Sum(keyScratch.material)
	}
	if st.dir.noRead {
		decide(s, statusMiss)
		return plugin.Continue
	}
	if c.semantic != nil {
		req = gjson.ParseBytes(body) // semanticLookup reads the messages
	}
	if s.Log().Enabled(plugin.LevelDebug) {
		s.Log().Debugf("lookup %s", st.key) // the hash only, never the prompt
	}
	return lookup(s, req)
}

// lookup asks the store for the exact key, then the semantic index, and answers a hit. The
// local store answers at once; Redis later, in its callback, which then resumes a miss.
func lookup(s *stream, req gjson.Result) plugin.Action {
	st, c := &s.State, s.Config
	var action plugin.Action = plugin.Continue
	async := false
	pending := c.store.Get(st.key, s.ID(), func(e entry, found bool, err error) {
		action = afterLookup(s, req, e, found, err)
		if async && action == plugin.Continue {
			s.Resume()
		}
	})
	if pending {
		async = true
		return plugin.Pause
	}
	return action
}

// afterLookup answers a hit, or starts the semantic lookup (Pause), or lets a miss go on.
// A store that fails is a miss: the cache fails open, without a semantic lookup whose answer
// would be in the same store.
func afterLookup(s *stream, req gjson.Result, e entry, found bool, err error) plugin.Action {
	switch {
	case err != nil:
		s.Log().Warnf("cache lookup failed: %v", err)
		metricsOf(s.Root()).errors.Inc()
		decide(s, statusMiss)
		return plugin.Continue
	case found:
		if action := serveHit(s, e, 0); s.Replied() {
			return action
		}
	}
	if s.Config.semantic != nil && semanticLookup(s, req) {
		return plugin.Pause
	}
	decide(s, statusMiss)
	return plugin.Continue
}

package main

import (
	"strconv"
	"unsafe"

	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

// limitBody sets the body limit: the framework buffers at most max_body_bytes and, over
// it, answers 413 or lets the body go upstream unseen (oversize_body). A body whose
// content-length already says it is too large is settled here, before anything is buffered;
// that is also the only case the plugin hears of, and counts, for "pass": a body without
// content-length that grows over the limit is passed by the framework, which logs it.
func limitBody(s *stream, contentLength string) plugin.Action {
	c := s.Config
	if n, err := strconv.ParseInt(contentLength, 10, 64); err == nil && n > int64(c.maxBody) {
		if !c.passOversize {
			return tooLarge(s)
		}
		passedUnchecked.Inc()
		s.Log().Warnf("request body of %d bytes is over max_body_bytes (%d): passed on unchecked", n, c.maxBody)
		s.SkipRequestBody()
		return plugin.Continue
	}
	s.LimitRequestBody(c.maxBody, c.passOversize)
	return plugin.Continue
}

// checkRequestBody matches the body rules against the body or, with prompt_only and a
// body that is an LLM request, against each of its prompt texts.
func checkRequestBody(s *stream, body []byte) plugin.Action {
	if l, ok := matchBody(s.Config, unsafe.String(unsafe.SliceData(body), len(body))); ok {
		return block(s, l)
	}
	return plugin.Continue
}

// matchBody is the body check; body must not change while it runs.
func matchBody(c *Config, body string) (string, bool) {
	if c.promptOnly {
		var l string
		var found bool
		if promptTexts(body, func(raw string) bool {
			l, found = c.bodies.matchJSON(raw)
			return !found
		}) {
			return l, found
		}
	}
	return c.bodies.match(body)
}

package main

import (
	"strconv"

	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

type stream = plugin.Stream[Config, struct{}]

// Metrics, defined in start: requests refused by a rule, and bodies over max_body_bytes
// passed on unchecked (oversize_body "pass").
var blockedTotal, passedUnchecked plugin.Counter

func start(root *plugin.Root[Config]) error {
	blockedTotal = root.Counter("blocked")
	passedUnchecked = root.Counter("passed_unchecked")
	return nil
}

var jsonContentType = [][2]string{{"content-type", "application/json"}}

// checkRequestHeaders checks the URL rules, then the header rules, and arranges for the
// body to be read when there are body rules.
func checkRequestHeaders(s *stream) plugin.Action {
	c := s.Config
	// A host call costs about a microsecond in the VM: one for all the headers when the
	// header rules need them anyway, or when two of them are wanted.
	h := requestHeaders{s: s}
	if !c.headers.empty() || !c.urls.empty() && c.hasBodyRules() {
		h.all, h.have = s.RequestHeaders(), true
	}
	if !c.urls.empty() {
		if l, ok := c.urls.match(h.get(":path")); ok {
			return block(s, l)
		}
	}
	if !c.headers.empty() {
		if l, ok := c.headers.matchHeaders(h.all); ok {
			return block(s, l)
		}
	}
	if !c.hasBodyRules() {
		s.SkipRequestBody()
		return plugin.Continue
	}
	return limitBody(s, h.get("content-length"))
}

// requestHeaders reads request headers from all of them when they were fetched, else one
// by one from the host.
type requestHeaders struct {
	s    *stream
	all  [][2]string
	have bool
}

func (h *requestHeaders) get(name string) string {
	if !h.have {
		return h.s.RequestHeader(name)
	}
	for _, kv := range h.all {
		if kv[0] == name {
			return kv[1]
		}
	}
	return ""
}

// block refuses the request: blocked_code with the blocked answer. Logs and filter state
// name the rule (label, "block_bodies[2]"), never what it matched.
func block(s *stream, label string) plugin.Action {
	blockedTotal.Inc()
	s.SetFilterState(filterstate.BlockedBy, "request-block:"+label)
	s.Log().Infof("request blocked by %s", label)
	return s.Reply(s.Config.code, jsonContentType, s.Config.reply)
}

// tooLarge is the 413 for a body over max_body_bytes, as the framework words it.
func tooLarge(s *stream) plugin.Action {
	return s.Fail(413, "invalid_request_error", "request_too_large",
		"request body is larger than "+strconv.Itoa(s.Config.maxBody)+" bytes")
}

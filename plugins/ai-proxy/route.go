package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/aiwasm/aiwasm/sdkwrap/sse"
	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
)

// Route mode: streamed requests and multipart uploads are rewritten in place for the first
// instance of the plan (cluster, :path, :authority, credentials, body) and go on through
// Envoy's router, so the answer streams to the client as the provider sends it. The Envoy
// route that serves them has cluster_header: x-aiwasm-cluster (README: Route mode).

// route rewrites the request for the plan's first instance and lets it go on.
func (st *State) route(s *stream) plugin.Action {
	st.startPlan(s)
	in, ok := st.next(s)
	if !ok {
		return st.giveUp(s)
	}
	rt := runtimeOf(s.Root(), in)
	st.in, st.rt, st.key = in, rt, in.PickKey(hostStore{}, st.now)
	var p prepared
	if st.kind.Multipart() {
		// The form passes untouched: its model field is the provider's business.
		p.upKind, _ = in.Preset.UpstreamKind(st.kind)
		p.proto, p.native, p.model = protocolOf(in.Preset), true, in.Model("")
		t, ok := rt.target(p.upKind, p.model, false)
		if !ok {
			return st.fail(s, 400, "invalid_request_error", "invalid_request",
				"model: required: instance "+in.Name+" names the model in its URL and its configuration names none")
		}
		p.target = t
	} else {
		var err error
		if p, err = st.prepare(rt, true); err != nil {
			return st.refuse(s, err)
		}
	}
	st.p = p
	st.attempts++
	st.publish(s)
	st.countAttempt(s, rt)
	for _, h := range rt.authHeaders(st.key) {
		s.SetRequestHeader(h[0], h[1])
	}
	if in.auth.query != "" {
		// The new :path carries the credential: access logs that print
		// %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% show the client's path instead.
		s.SetRequestHeader("x-envoy-original-path", s.Path())
	}
	// Envoy's router bounds the attempt: a multipart upload's whole answer by the
	// instance's timeout, as in call mode; a stream's wait for the answer's headers by
	// first_byte_timeout (a per-try timeout is ignored once the answer has started; the
	// route's idle_timeout bounds the silences of a stream).
	switch {
	case st.kind.Multipart():
		s.SetRequestHeader("x-envoy-upstream-rq-timeout-ms", strconv.FormatInt(in.Timeout.Milliseconds(), 10))
	case in.FirstByteTimeout > 0:
		s.SetRequestHeader("x-envoy-upstream-rq-per-try-timeout-ms", strconv.FormatInt(in.FirstByteTimeout.Milliseconds(), 10))
	}
	s.SetRequestHeader(":path", p.target.Path)
	s.SetRequestHeader(":authority", p.target.Authority)
	s.SetRequestHeader(clusterHeader, p.target.Cluster)
	s.RemoveRequestHeader("accept-encoding")
	if p.body != nil {
		s.SetRequestHeader("content-type", "application/json")
		s.ReplaceRequestBody(p.body) // the framework gives content-length the new size
	}
	// Editing the headers already makes Envoy match the routes again (ABI 0.2.1); say so
	// explicitly where the host knows the call (Envoy >= 1.33). Failure is harmless.
	_, _ = proxywasm.CallForeignFunction("clear_route_cache", nil)
	return plugin.Continue
}

// onResponseHeaders looks at a route-mode answer. A failure the strategy retries (or a
// refused key with another key left) is taken over: the response is paused and the request
// goes on in call mode, its answer sent as SSE (stream) by a local reply. A 2xx stream is
// translated event by event; an error that stays is normalised to the client's error JSON.
// Answers to other requests pass untouched.
func onResponseHeaders(s *stream) plugin.Action {
	st := &s.State
	if st.kind != KindNone && st.mode == modeNone {
		// A body kind whose body never came (a POST ending with its headers, without
		// content-length: 0): it went on as it was, and its answer is not the provider's.
		return st.fail(s, 400, "invalid_request_error", "invalid_request", "the request has no body: "+st.kind.String()+" requests carry JSON")
	}
	if st.mode != modeRoute {
		s.SetResponseMode(plugin.ModeNone)
		return plugin.Continue
	}
	st.now = time.Now()
	cfg, in, now := s.Config, st.in, st.now
	status, _ := strconv.Atoi(s.ResponseHeader(":status"))
	st.status = status
	fromGateway := (status == 503 || status == 504) && s.ResponseHeader("x-envoy-upstream-service-time") == ""
	class := classify(status, fromGateway, false)
	var cooled time.Duration
	if refusesKey(status) {
		retryAfter := s.ResponseHeader("retry-after")
		cooled = in.KeyRefused(hostStore{}, st.key, status, retryAfter, now)
		if status == 429 {
			st.retryAfter = retryAfter
		}
	}
	cfg.Record(hostStore{}, in, class, now)
	ok := status >= 200 && status < 300
	if !ok {
		st.countError(s, in, class, status)
		if !st.kind.Multipart() {
			if a, taken := st.takeOver(s, class, cooled, status); taken {
				return a
			}
		}
	}
	switch {
	case ok && st.kind.Multipart():
		s.SetResponseMode(plugin.ModeNone)
	case ok && strings.HasPrefix(strings.ToLower(s.ResponseHeader("content-type")), "text/event-stream"):
		st.setupStream()
		s.SetResponseMode(plugin.ModeEvents)
	case ok:
		st.jsonAnswer = true
		s.SetResponseMode(plugin.ModeBuffer)
	default:
		st.normalise = true
		s.SetResponseMode(plugin.ModeBuffer)
		s.SetResponseHeader("content-type", "application/json")
	}
	return plugin.Continue
}

// takeOver moves a failed route-mode attempt on, in call mode with streamed bodies: to
// another key of the instance after a refusal, or to the next instance when the strategy
// retries class and one is eligible. taken false: the answer stays as it is.
func (st *State) takeOver(s *stream, class Class, cooled time.Duration, status int) (plugin.Action, bool) {
	in, now := st.in, st.now
	var next *Instance
	key := -1
	switch {
	case cooled > 0 && st.keyTries+1 < keyCount(in) && in.freshKey(hostStore{}, now):
		st.failures = append(st.failures, failed{in.Name, attemptWhy(class, status)})
		st.keyTries++
		next, key = in, in.PickKey(hostStore{}, now)
	case class != ClassNone && s.Config.Retries(class):
		st.failures = append(st.failures, failed{in.Name, class.String()})
		n, ok := st.next(s)
		if !ok {
			return 0, false
		}
		st.keyTries = 0
		next, key = n, n.PickKey(hostStore{}, now)
	default:
		return 0, false
	}
	st.mode = modeTakeover
	s.SetResponseMode(plugin.ModeNone) // the upstream's error body is dropped with the reply
	a, done := st.attempt(s, next, key)
	if !done {
		a = st.run(s)
	}
	return a, true
}

// onResponseBody rewrites a route-mode answer that came whole: an error normalised to the
// client's error JSON, or a non-streamed 2xx translated.
func onResponseBody(s *stream, body []byte) plugin.Action {
	st := &s.State
	switch {
	case st.normalise:
		s.ReplaceResponseBody(st.providerError(st.in, st.status, body))
	case st.jsonAnswer:
		out, err := st.clientAnswer(body)
		if err != nil {
			s.Log().Warnf("instance %s: %v", st.in.Name, err)
			return plugin.Continue // the status went out already: the client gets what came
		}
		if u, ok := answerUsage(usageFormat(st.p.proto), body); ok {
			st.usage, st.haveUsage = u, true
		}
		st.ttft, st.haveTTFT = time.Since(st.start), true
		st.publishResult(s)
		if s.Config.Logging.Payloads {
			s.Log().Infof("response body: %s", out)
		}
		s.ReplaceResponseBody(out)
	}
	return plugin.Continue
}

// onResponseEvent translates and meters one event of a route-mode stream; at the end it
// closes the client's stream and publishes usage.
func onResponseEvent(s *stream, ev sse.Event, end bool) []byte {
	st := &s.State
	if st.meter == nil {
		return nil
	}
	payloads := s.Config.Logging.Payloads
	if end {
		out := st.endStream(st.out[:0])
		st.logTranslateErrors(s)
		st.publishResult(s)
		if payloads {
			st.keepPayload(out)
		}
		return out
	}
	if st.tr == nil && !payloads {
		// An OpenAI stream for an OpenAI client passes as it came, observed.
		st.meter.Observe(ev)
		if !st.haveTTFT && firstToken(st.p.proto, ev) {
			st.ttft, st.haveTTFT = time.Since(st.start), true
		}
		return nil
	}
	if st.out == nil {
		st.out = make([]byte, 0, 1024)
	}
	out := st.event(st.out[:0], ev)
	st.out = out
	if payloads {
		st.keepPayload(out)
	}
	return out // an empty, non-nil slice drops an event that translates to nothing
}

func (st *State) keepPayload(b []byte) {
	if room := maxPayloadLog - len(st.payload); room > 0 {
		st.payload = append(st.payload, b[:min(len(b), room)]...)
	}
}

package main

import (
	"errors"
	"strconv"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/cluster"
	"github.com/aiwasm/aiwasm/sdkwrap/llm"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
)

// Call mode: the plugin sends the request with proxy_http_call to the instance's cluster
// and answers the client itself. Attempts follow the plan (selection.go); each answer is
// classified, cools its key down, counts for the instance's health, and either moves the
// request on (the next key of the instance, or the next instance when fallback_strategy
// retries the class) or is the answer. The next call is made from the callback of the
// previous one; the request stays paused until a reply (or, with passthrough, Resume).

// run tries the plan's next instances until one call is out (Pause) or the request is
// answered (the reply's action).
func (st *State) run(s *stream) plugin.Action {
	for {
		in, ok := st.next(s)
		if !ok {
			return st.giveUp(s)
		}
		st.keyTries = 0
		if a, done := st.attempt(s, in, in.PickKey(hostStore{}, st.now)); done {
			return a
		}
	}
}

// attempt sends the request to in with key. done is false when the call could not even be
// dispatched and the strategy moves on to the next instance.
func (st *State) attempt(s *stream, in *Instance, key int) (plugin.Action, bool) {
	rt := runtimeOf(s.Root(), in)
	st.in, st.rt, st.key = in, rt, key
	if st.kind == KindModels && !(in.Preset.Supports(KindModels) && protocolOf(in.Preset) == llm.OpenAI) {
		return st.replyModels(s, in), true
	}
	p, err := st.prepare(rt, st.mode == modeTakeover)
	if err != nil {
		if len(st.failures) > 0 && isRequestError(err) {
			// An earlier instance failed and this one cannot take the request as it is
			// (a feature its API lacks): the next may.
			st.failures = append(st.failures, failed{in.Name, "unsupported_request"})
			return 0, false
		}
		return st.refuse(s, err), true
	}
	st.p = p
	st.attempts++
	st.countAttempt(s, rt)
	method := "POST"
	if p.body == nil {
		method = "GET"
	}
	err = cluster.Call(cluster.Request{
		Cluster:   p.target.Cluster,
		Method:    method,
		Path:      p.target.Path,
		Authority: p.target.Authority,
		Scheme:    p.target.Scheme,
		Headers:   st.callHeaders(rt, &p),
		Body:      p.body,
		Timeout:   in.Timeout,
	}, func(resp cluster.Response, err error) { st.onAnswer(s, resp, err) })
	if err != nil {
		// An unknown cluster, most likely: the error names it, never the path.
		s.Log().Warnf("instance %s: %v", in.Name, err)
		st.countError(s, in, ClassConnectFailure, 0)
		st.failures = append(st.failures, failed{in.Name, ClassConnectFailure.String()})
		if s.Config.Retries(ClassConnectFailure) {
			return 0, false
		}
		return st.giveUp(s), true
	}
	return plugin.Pause, true
}

// onAnswer handles a call's answer (err: the call ended without one).
func (st *State) onAnswer(s *stream, resp cluster.Response, callErr error) {
	st.now = time.Now()
	cfg, in, now := s.Config, st.in, st.now
	class := classify(resp.Status, resp.FromGateway(), callErr != nil)
	var cooled time.Duration
	if refusesKey(resp.Status) {
		cooled = in.KeyRefused(hostStore{}, st.key, resp.Status, resp.Header("retry-after"), now)
	}
	cfg.Record(hostStore{}, in, class, now)
	if resp.Status == 429 {
		st.retryAfter = resp.Header("retry-after")
	}
	if callErr == nil && resp.OK() {
		st.succeeded(s, resp)
		return
	}
	st.countError(s, in, class, resp.Status)
	st.moveOn(s, class, cooled, resp.Status, func() {
		st.answerError(s, resp, class)
	})
}

// moveOn retries after a failed attempt on the current instance: with another of its keys
// when the provider refused this one (401, 403, 429) and a key that is not cooling down is
// left, else with the next instance when the strategy retries class; otherwise final
// answers.
func (st *State) moveOn(s *stream, class Class, cooled time.Duration, status int, final func()) {
	in, now := st.in, st.now
	if cooled > 0 && st.keyTries+1 < keyCount(in) && in.freshKey(hostStore{}, now) {
		st.failures = append(st.failures, failed{in.Name, attemptWhy(class, status)})
		st.keyTries++
		if _, done := st.attempt(s, in, in.PickKey(hostStore{}, now)); !done {
			st.run(s)
		}
		return
	}
	if class != ClassNone && s.Config.Retries(class) {
		st.failures = append(st.failures, failed{in.Name, class.String()})
		st.run(s)
		return
	}
	final()
}

// refusesKey reports a status that cools the key down (keyRing.refused).
func refusesKey(status int) bool { return status == 401 || status == 403 || status == 429 }

// attemptWhy names a failed attempt in messages: its class, or the status of a refusal no
// class covers (a 401 of a key).
func attemptWhy(class Class, status int) string {
	if class != ClassNone {
		return class.String()
	}
	return "http_" + strconv.Itoa(status)
}

// succeeded answers the client with a provider's 2xx answer, translated to its API.
func (st *State) succeeded(s *stream, resp cluster.Response) {
	if u, ok := answerUsage(usageFormat(st.p.proto), resp.Body); ok {
		st.usage, st.haveUsage = u, true
	}
	if st.mode == modeTakeover {
		st.replyStream(s, resp)
		return
	}
	out, err := st.clientAnswer(resp.Body)
	if err != nil {
		s.Log().Warnf("instance %s: %v", st.in.Name, err)
		st.fail(s, 502, "server_error", "bad_upstream_answer", "instance "+st.in.Name+" answered with a body the gateway could not read")
		return
	}
	st.ttft, st.haveTTFT = st.now.Sub(st.start), true
	if s.Config.Logging.Payloads {
		s.Log().Infof("response body: %s", out)
	}
	if s.Config.Passthrough && st.body != nil && st.mode == modeCall && st.kind != KindModels {
		st.passthrough(s, out)
		return
	}
	st.reply(s, resp.Status, jsonHeaders, out)
}

// passthrough sends the LLM's answer as the request body to the route's own upstream, which
// answers the client (APISIX's passthrough).
func (st *State) passthrough(s *stream, answer []byte) {
	st.publish(s)
	s.ReplaceRequestBody(answer) // the framework gives content-length the new size
	s.SetRequestHeader("content-type", "application/json")
	s.Resume()
}

// clientAnswer translates a provider's successful JSON answer into the client's API.
func (st *State) clientAnswer(body []byte) ([]byte, error) {
	p := &st.p
	if p.native {
		return body, nil
	}
	var err error
	switch {
	case p.proto == llm.Anthropic:
		body, err = llm.OpenAIResponseFromAnthropic(body)
	case p.proto == llm.Gemini && p.upKind == KindEmbeddings:
		body, err = openAIEmbeddingsFromGemini(body, p.model)
	case p.proto == llm.Gemini:
		body, err = llm.OpenAIResponseFromGemini(body, "")
	}
	if err == nil && st.client == llm.Anthropic {
		body, err = llm.AnthropicResponseFromOpenAI(body)
	}
	return body, err
}

// answerError answers with the last attempt's failure, which nothing retries. A provider's
// answer keeps its status with the message normalised to the client's API; when earlier
// attempts failed too, the answer lists them all (giveUp).
func (st *State) answerError(s *stream, resp cluster.Response, class Class) {
	in := st.in
	switch {
	case class == ClassNone || (len(st.failures) == 0 && (class == ClassHTTP429 || class == ClassHTTP5xx)):
		h := jsonHeaders
		if resp.Status == 429 && st.retryAfter != "" {
			h = append([][2]string{{"retry-after", st.retryAfter}}, jsonHeaders...)
		}
		st.reply(s, resp.Status, h, st.providerError(in, resp.Status, resp.Body))
	case len(st.failures) > 0:
		st.failures = append(st.failures, failed{in.Name, class.String()})
		st.giveUp(s)
	case class == ClassTimeout:
		st.fail(s, 504, "server_error", "upstream_timeout",
			"instance "+in.Name+" did not answer within "+strconv.FormatInt(in.Timeout.Milliseconds(), 10)+" ms (timeout)")
	default:
		st.fail(s, 502, "server_error", "upstream_unreachable", "instance "+in.Name+" could not be reached (connect_failure)")
	}
}

// giveUp answers when no instance is left: every attempt failed (502; 429 when each was
// rate limited, 504 when each timed out), or none could be tried (503; 429 when all are out
// of token budget), or no instance serves the request at all (404).
func (st *State) giveUp(s *stream) plugin.Action {
	all := append(append([]failed(nil), st.failures...), st.skipped...)
	if len(all) == 0 {
		return st.fail(s, 404, "invalid_request_error", "unsupported_endpoint",
			"no configured provider serves "+st.kind.String()+" requests")
	}
	rateLimited, timedOut := true, true
	msg := "all attempts failed: "
	if st.attempts == 0 {
		msg = "no instance is available: "
	}
	for i, f := range all {
		if i > 0 {
			msg += ", "
		}
		msg += f.instance + " (" + f.why + ")"
		rateLimited = rateLimited && (f.why == ClassHTTP429.String() || f.why == ClassRateLimiting.String())
		timedOut = timedOut && f.why == ClassTimeout.String()
	}
	switch {
	case rateLimited:
		body := plugin.ErrorBody(msg, "rate_limit_error", "rate_limit_exceeded")
		if st.client == llm.Anthropic {
			body = llm.AnthropicError(429, msg)
		}
		h := jsonHeaders
		if st.retryAfter != "" {
			h = append([][2]string{{"retry-after", st.retryAfter}}, jsonHeaders...)
		}
		return st.reply(s, 429, h, body)
	case timedOut:
		return st.fail(s, 504, "server_error", "upstream_timeout", msg)
	case st.attempts == 0:
		return st.fail(s, 503, "server_error", "no_instance_available", msg)
	}
	return st.fail(s, 502, "server_error", "all_attempts_failed", msg)
}

// refuse answers a request the translation for an instance refused (400), or could not
// build.
func (st *State) refuse(s *stream, err error) plugin.Action {
	if isRequestError(err) {
		return st.fail(s, 400, "invalid_request_error", "invalid_request", err.Error())
	}
	s.Log().Errorf("preparing the request: %v", err)
	return st.fail(s, 500, "server_error", "plugin_error", "the gateway could not prepare the request")
}

func isRequestError(err error) bool {
	var re *llm.RequestError
	return errors.As(err, &re)
}

// countError counts a failed attempt in the instance's metrics: by class, or http_4xx for a
// provider answer no class covers.
func (st *State) countError(s *stream, in *Instance, class Class, status int) {
	m, mm := metricsOf(s, in), st.mm
	if in != st.in {
		mm = nil
	}
	if class == ClassNone {
		if status >= 400 {
			m.clientErrors.Inc()
			if mm != nil {
				mm.clientErrors.Inc()
			}
		}
		return
	}
	m.errors[class].Inc()
	if mm != nil && class != ClassRateLimiting {
		mm.errors[class].Inc()
	}
}

// countAttempt counts an attempt just sent to rt's instance for st.p's model, in the
// instance's and the model's metrics.
func (st *State) countAttempt(s *stream, rt *instanceRuntime) {
	rt.metrics.requests.Inc()
	st.mm = rt.modelMetrics(s.Root(), st.p.model)
	if st.mm != nil {
		st.mm.requests.Inc()
	}
}

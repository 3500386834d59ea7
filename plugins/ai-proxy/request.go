package main

import (
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/jsonguard"
	"github.com/aiwasm/aiwasm/sdkwrap/llm"
	"github.com/aiwasm/aiwasm/sdkwrap/plugin"
	"github.com/tidwall/sjson"
)

// clusterHeader names the Envoy cluster of a route-mode request: the route that serves route
// mode has cluster_header: x-aiwasm-cluster (README: Route mode). A client's is removed.
const clusterHeader = "x-aiwasm-cluster"

// onRequestHeaders tells what the request asks for and starts the kinds that need no body:
// models, prompt_param and multipart uploads. Body kinds wait for onRequestBody, the
// headers held by the framework (HoldHeadersForBody). A request ai-proxy does not serve
// passes untouched but for a client-sent x-aiwasm-cluster, which is always removed.
func onRequestHeaders(s *stream) plugin.Action {
	st, cfg := &s.State, s.Config
	headers := s.RequestHeaders()
	var method, path, contentLength string
	hasCluster := false
	for _, h := range headers {
		switch h[0] {
		case ":method":
			method = h[1]
		case ":path":
			path = h[1]
		case "content-length":
			contentLength = h[1]
		case clusterHeader:
			hasCluster = true
		}
	}
	if hasCluster {
		s.RemoveRequestHeader(clusterHeader)
	}
	kind, prompt := classifyRequest(method, path, cfg.PromptParam)
	if kind == KindNone {
		s.SkipRequestBody()
		return plugin.Continue
	}
	st.now = time.Now()
	st.kind, st.client, st.start, st.key = kind, llm.OpenAI, st.now, -1
	if kind == KindAnthropicMessages {
		st.client = llm.Anthropic
	}
	st.headers = forwardable(headers)
	for _, h := range headers {
		if isClientCredential(h[0]) {
			s.RemoveRequestHeader(h[0])
		}
	}
	switch {
	case prompt != "":
		s.SkipRequestBody()
		st.body, _ = sjson.SetBytes([]byte(`{"messages":[{"role":"user","content":""}]}`), "messages.0.content", prompt)
		st.members, _ = scanObject(st.body, nil)
		st.kind, st.mode = KindChat, modeCall
		return st.begin(s)
	case kind == KindModels:
		s.SkipRequestBody()
		st.mode = modeCall
		return st.begin(s)
	case kind.Multipart():
		st.mode = modeRoute
		s.SkipRequestBody()
		return st.route(s)
	case contentLength == "0":
		return st.fail(s, 400, "invalid_request_error", "invalid_request", "the request has no body: "+kind.String()+" requests carry JSON")
	}
	return plugin.Continue // onRequestBody goes on
}

// onRequestBody reads the JSON the client sent and sends it on: in call mode unless it
// asks for a stream (route mode); always in call mode with passthrough.
func onRequestBody(s *stream, body []byte) plugin.Action {
	st, cfg := &s.State, s.Config
	if st.kind == KindNone || st.mode != modeNone {
		return plugin.Continue // a body the handlers did not ask for
	}
	if cfg.Logging.Payloads {
		s.Log().Infof("request body: %s", body)
	}
	if msg := st.readBody(body); msg != "" {
		return st.fail(s, 400, "invalid_request_error", "invalid_request", msg)
	}
	if st.stream && !cfg.Passthrough {
		st.mode = modeRoute
		return st.route(s)
	}
	st.mode = modeCall
	return st.begin(s)
}

// readBody checks the client's body and reads model and stream from it; the message says
// what is wrong, "" when nothing is.
func (st *State) readBody(body []byte) string {
	members, ok := scanObject(body, st.members[:0])
	if !ok {
		switch {
		case !jsonguard.Shallow(body):
			return "the request body nests deeper than " + strconv.Itoa(jsonguard.MaxDepth) + " levels"
		case jsonguard.Valid(body):
			return "the request body must be a JSON object"
		}
		return "the request body is not valid JSON"
	}
	st.body, st.members = body, members
	if m, ok := findMember(members, "model"); ok {
		v, isString := stringValue(body, m)
		if !isString && string(body[m.start:m.end]) != "null" {
			return "model: want a string"
		}
		st.requested = v
	}
	if m, ok := findMember(members, "stream"); ok {
		switch string(body[m.start:m.end]) {
		case "true":
			st.stream = streams(st.kind)
		case "false", "null":
		default:
			return "stream: want a boolean"
		}
	}
	switch need := requiredField(st.kind); need {
	case "":
	case "messages":
		m, ok := findMember(members, need)
		if !ok || body[m.start] != '[' || body[scanSpace(body, m.start+1)] == ']' {
			return "messages: required, a non-empty array"
		}
	default:
		if m, ok := findMember(members, need); !ok || string(body[m.start:m.end]) == "null" {
			return need + ": required"
		}
	}
	return ""
}

// scanSpace skips JSON whitespace from i.
func scanSpace(b []byte, i int) int { return (&scanner{b: b}).ws(i) }

// requiredField is the body field a kind cannot do without.
func requiredField(k Kind) string {
	switch k {
	case KindChat, KindAnthropicMessages:
		return "messages"
	case KindCompletions, KindImages:
		return "prompt"
	case KindEmbeddings:
		return "input"
	}
	return ""
}

// streams reports a kind whose answer may be streamed.
func streams(k Kind) bool {
	return k == KindChat || k == KindCompletions || k == KindAnthropicMessages
}

// begin starts the request's attempts: the plan, then call mode from the first instance.
func (st *State) begin(s *stream) plugin.Action {
	st.startPlan(s)
	return st.run(s)
}

func (st *State) startPlan(s *stream) {
	cfg := s.Config
	if cfg.Fallback.Has(ClassRateLimiting) {
		st.exhausted, _ = s.FilterState(filterstate.AIExhausted)
	}
	if len(cfg.Instances) == 1 {
		return // next needs no plan for one instance
	}
	key := ""
	if cfg.Balancer.CHash {
		key = cfg.Balancer.HashKey(streamFacts{s})
	}
	st.plan = cfg.Plan(key)
}

// next is the next instance to try, or false when none is left. Instances left out for
// their token budget or their health are remembered for the final message.
func (st *State) next(s *stream) (*Instance, bool) {
	cfg, now := s.Config, st.now
	if st.plan == nil { // one instance: one attempt
		if st.planDone {
			return nil, false
		}
		st.planDone = true
		if !st.eligible(cfg, 0, now) {
			return nil, false
		}
		return cfg.Instances[0], true
	}
	i, ok := st.plan.Next(func(i int) bool { return st.eligible(cfg, i, now) })
	if !ok {
		return nil, false
	}
	return cfg.Instances[i], true
}

// eligible reports whether instance i may be tried now (Config.Eligible, and it serves the
// request's kind), remembering why not.
func (st *State) eligible(cfg *Config, i int, now time.Time) bool {
	in := cfg.Instances[i]
	if !serves(in, st.kind) {
		return false
	}
	if cfg.Eligible(in, st.exhausted, hostStore{}, now) {
		return true
	}
	why := "unhealthy"
	if cfg.Fallback.Has(ClassRateLimiting) && listed(st.exhausted, in.Name) {
		why = ClassRateLimiting.String()
	}
	st.skip(in.Name, why)
	return false
}

func (st *State) skip(name, why string) {
	for _, f := range st.skipped {
		if f.instance == name {
			return
		}
	}
	st.skipped = append(st.skipped, failed{name, why})
}

// serves reports whether in can take a request of kind k (models: every instance, which
// answers from its configuration when its provider has no OpenAI-style list).
func serves(in *Instance, k Kind) bool {
	if k == KindModels {
		return true
	}
	_, ok := in.Preset.UpstreamKind(k)
	return ok
}

// fail answers the client with an error in its API's shape.
func (st *State) fail(s *stream, status int, errType, code, message string) plugin.Action {
	if st.mode == modeNone {
		st.mode = modeLocal
	}
	if st.client == llm.Anthropic {
		return st.reply(s, status, jsonHeaders, llm.AnthropicError(status, message))
	}
	return st.reply(s, status, jsonHeaders, plugin.ErrorBody(message, errType, code))
}

var jsonHeaders = [][2]string{{"content-type", "application/json"}}

// isClientCredential reports a header a client may carry its own key in.
func isClientCredential(name string) bool {
	for _, c := range clientCredentialHeaders {
		if name == c {
			return true
		}
	}
	return false
}

// forwardable are the client's headers a call-mode request carries to the provider, as route
// mode would: all but pseudo-headers, credentials, framing and hop-by-hop headers,
// accept-encoding (answers must arrive readable), x-aiwasm-cluster and Envoy's own.
func forwardable(headers [][2]string) [][2]string {
	var out [][2]string
	for _, h := range headers {
		name := h[0]
		switch {
		case strings.HasPrefix(name, ":"), strings.HasPrefix(name, "x-envoy-"), isClientCredential(name):
			continue
		}
		switch name {
		case "content-length", "content-type", "accept-encoding", "host", "connection", "keep-alive",
			"proxy-connection", "transfer-encoding", "te", "upgrade", "trailer", "expect", clusterHeader:
			continue
		}
		out = append(out, h)
	}
	return out
}

// streamFacts is what balancer.HashKey reads, from the stream.
type streamFacts struct{ s *stream }

func (f streamFacts) Header(name string) string { return f.s.RequestHeader(name) }
func (f streamFacts) Consumer() string          { return f.s.Consumer() }
func (f streamFacts) RemoteAddr() string {
	v, ok := f.s.Property("source", "address")
	if !ok {
		return ""
	}
	if host, _, err := net.SplitHostPort(string(v)); err == nil {
		return host
	}
	return string(v)
}

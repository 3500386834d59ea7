//go:build !wasip1

package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

const streamBody = `{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"stream me some words"}]}`

// An OpenAI stream: the request is rewritten in place for the provider's route (cluster
// header, path, authority, key, stream_options) and the events pass as they came, metered.
func TestRouteModeOpenAIStream(t *testing.T) {
	up := fake(t, fakellm.Config{OpenAIKey: "sk-route"})
	p := proxy(t, `{"provider": "openai", "api_keys": ["sk-route"], "options": {"max_tokens": 50}}`)
	s := send(t, p, post("/v1/chat/completions", "x-aiwasm-cluster", "evil"), streamBody)
	if s.LocalResponse() != nil || s.RequestPaused() {
		t.Fatal("a route-mode request was answered or held")
	}
	h, body := s.UpstreamRequest()
	for name, want := range map[string]string{
		":path": "/v1/chat/completions", ":authority": "api.openai.com", "x-aiwasm-cluster": "openai",
		"authorization": "Bearer sk-route", "accept-encoding": "", "content-length": itoa(len(body)),
		"content-type": "application/json", "x-request-id": "req-1",
	} {
		if got := h.Value(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if len(h.Values("x-aiwasm-cluster")) != 1 {
		t.Fatalf("x-aiwasm-cluster %v", h.Values("x-aiwasm-cluster"))
	}
	jsonEqual(t, "upstream body", body, `{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"stream me some words"}],"max_tokens":50,"stream_options":{"include_usage":true}}`)
	if s.RouteCacheCleared() != 1 {
		t.Fatalf("route cache cleared %d times", s.RouteCacheCleared())
	}
	p.Advance(120 * time.Millisecond)
	rh, got := streamFrom(t, s, up, 7)
	if rh.Value(":status") != "200" || rh.Value("content-type") != "text/event-stream" {
		t.Fatalf("headers %v", rh)
	}
	text, done := openAIStreamText(t, got)
	if text != fakellm.Reply("stream me some words") || !done {
		t.Fatalf("streamed %q done %v:\n%s", text, done, got)
	}
	prompt, completion := fakellm.CountTokens("stream me some words"), fakellm.CountTokens(fakellm.Reply("stream me some words"))
	wantUsage(t, s, prompt, completion)
	wantState(t, s, filterstate.AIRequestType, "ai_stream", filterstate.AIInstance, "openai", filterstate.AITTFTMillis, "120",
		filterstate.AIAttempts, "1", filterstate.AIModel, "gpt-4o")
	for _, name := range []string{"ai_proxy_ttft_ms_openai", "ai_proxy_ttft_ms_openai_model_gpt_4o"} {
		if r := p.HistogramRecords(name); len(r) != 1 || r[0] != 120 {
			t.Fatalf("%s records %v", name, r)
		}
	}
	if metric(p, "ai_proxy_tokens_completion_openai") != int64(completion) {
		t.Fatal("completion tokens not counted")
	}
	noSecret(t, p, s, "sk-route")
}

// Anthropic and Gemini streams become OpenAI chunks, whatever the chunking, ending with
// [DONE] after a usage chunk.
func TestRouteModeTranslatedStreams(t *testing.T) {
	for _, tc := range []struct {
		name, config, path, authority string
		fake                          fakellm.Config
		headers                       map[string]string
	}{
		{"anthropic", `{"provider": "anthropic", "api_keys": ["ant-s"], "model_mapping": {"*": "claude-haiku-4-5"}}`,
			"/v1/messages", "api.anthropic.com", fakellm.Config{AnthropicKey: "ant-s"},
			map[string]string{"x-api-key": "ant-s", "anthropic-version": "2023-06-01", "x-aiwasm-cluster": "anthropic"}},
		{"gemini", `{"provider": "gemini", "api_keys": ["gm-s"], "model_mapping": {"*": "gemini-2.0-flash"}}`,
			"/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse", "generativelanguage.googleapis.com", fakellm.Config{GeminiKey: "gm-s"},
			map[string]string{"x-goog-api-key": "gm-s", "x-aiwasm-cluster": "gemini"}},
	} {
		for _, chunk := range []int{1, 13, 1 << 20} {
			t.Run(tc.name+"/"+itoa(chunk), func(t *testing.T) {
				up := fake(t, tc.fake)
				p := proxy(t, tc.config)
				s := send(t, p, post("/v1/chat/completions"), streamBody)
				h, _ := s.UpstreamRequest()
				if h.Value(":path") != tc.path || h.Value(":authority") != tc.authority {
					t.Fatalf("path %s authority %s", h.Value(":path"), h.Value(":authority"))
				}
				for name, want := range tc.headers {
					if h.Value(name) != want {
						t.Errorf("%s = %q, want %q", name, h.Value(name), want)
					}
				}
				_, got := streamFrom(t, s, up, chunk)
				text, done := openAIStreamText(t, got)
				if text != fakellm.Reply("stream me some words") || !done {
					t.Fatalf("streamed %q done %v:\n%s", text, done, got)
				}
				data := sseData(got)
				if len(data) < 3 || data[len(data)-1] != "[DONE]" || !strings.Contains(data[len(data)-2], `"choices":[]`) {
					t.Fatalf("stream end %q", data[max(len(data)-3, 0):])
				}
				wantUsage(t, s, fakellm.CountTokens("stream me some words"), fakellm.CountTokens(fakellm.Reply("stream me some words")))
				wantState(t, s, filterstate.AIProvider, tc.name)
			})
		}
	}
}

// A 429 before any body byte: the response is taken over, the next instance is called in
// call mode with a streamed body, and its answer reaches the client as SSE.
func TestRouteModeFallbackDeliveredAsSSE(t *testing.T) {
	cfg := `{"instances": [
		{"name": "primary", "provider": "openai", "api_keys": ["sk-p"], "cluster": "openai-route", "priority": 1},
		{"name": "claude", "provider": "anthropic", "api_keys": ["ant-f"], "model_mapping": {"*": "claude-haiku-4-5"}}],
		"fallback_strategy": "http_429", "logging": {"summaries": true}}`
	claude := fake(t, fakellm.Config{AnthropicKey: "ant-f"})
	p := proxy(t, cfg, "anthropic", claude)
	s := send(t, p, post("/v1/chat/completions"), streamBody)
	if h, _ := s.UpstreamRequest(); h.Value("x-aiwasm-cluster") != "openai-route" {
		t.Fatalf("routed to %q", h.Value("x-aiwasm-cluster"))
	}
	streamFrom(t, s, failing(t, 429), 16)
	lr := reply(t, s)
	if lr.Status != 200 || lr.Headers.Value("content-type") != "text/event-stream" {
		t.Fatalf("answer %d %v %s", lr.Status, lr.Headers, lr.Body)
	}
	text, done := openAIStreamText(t, lr.Body)
	if text != fakellm.Reply("stream me some words") || !done {
		t.Fatalf("streamed %q done %v:\n%s", text, done, lr.Body)
	}
	got := claude.last(t)
	if got.Path != "/v1/messages" || field(t, got.Body, "stream") != true || got.Header.Get("X-Api-Key") != "ant-f" {
		t.Fatalf("fallback request %s %s", got.Path, got.Body)
	}
	wantState(t, s, filterstate.AIInstance, "claude", filterstate.AIAttempts, "2", filterstate.AIModel, "claude-haiku-4-5")
	wantUsage(t, s, fakellm.CountTokens("stream me some words"), fakellm.CountTokens(fakellm.Reply("stream me some words")))
	if metric(p, "ai_proxy_errors_primary_http_429") != 1 {
		t.Fatal("429 not counted")
	}
	if !p.LogContains("mode=call_after_route instance=claude provider=anthropic") || !p.LogContains("failed=primary:http_429") {
		t.Fatalf("summary %v", p.LogsAt(wasmhost.LevelInfo))
	}
	noSecret(t, p, s, "sk-p", "ant-f")
}

// A route-mode error nothing retries keeps its status; its body becomes OpenAI error JSON.
func TestRouteModeErrorNormalised(t *testing.T) {
	p := proxy(t, `{"provider": "anthropic", "api_keys": ["ant-e"]}`)
	s := send(t, p, post("/v1/chat/completions"), streamBody)
	h, body := streamFrom(t, s, fake(t, fakellm.Config{AnthropicKey: "ant-e", Fault: fakellm.Fault{Status: 529}}), 5)
	if h.Value(":status") != "529" || h.Value("content-type") != "application/json" {
		t.Fatalf("headers %v", h)
	}
	if field(t, body, "error.type") != "server_error" || field(t, body, "error.code") != "overloaded_error" {
		t.Fatalf("body %s", body)
	}
}

// Multipart uploads go in route mode without their body being read.
func TestRouteModeMultipart(t *testing.T) {
	p := proxy(t, `{"provider": "openai", "api_keys": ["sk-audio"]}`)
	s := p.NewStream()
	a, err := s.RequestHeaders(wasmhost.H(":method", "POST", ":path", "/v1/audio/transcriptions", ":authority", "gw",
		"content-type", "multipart/form-data; boundary=x", "authorization", "Bearer "+clientKey), false)
	if err != nil || a != wasmhost.Continue {
		t.Fatalf("headers: %v %v", a, err)
	}
	form := "--x\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--x--\r\n"
	s.RequestBody([]byte(form), true)
	h, body := s.UpstreamRequest()
	if string(body) != form || h.Value(":path") != "/v1/audio/transcriptions" || h.Value("x-aiwasm-cluster") != "openai" ||
		h.Value("authorization") != "Bearer sk-audio" || !strings.HasPrefix(h.Value("content-type"), "multipart/form-data") {
		t.Fatalf("upstream got %v %q", h, body)
	}
	s.ResponseHeaders(wasmhost.H(":status", "200", "content-type", "application/json"), false)
	s.ResponseBody([]byte(`{"text":"hi"}`), true)
	s.Complete()
	if _, b := s.ClientResponse(); string(b) != `{"text":"hi"}` {
		t.Fatalf("answer %s", b)
	}
	wantState(t, s, filterstate.AIRequestType, "ai_audio_transcriptions")
}

// Inbound Anthropic Messages API, to an OpenAI instance (translated both ways) and to an
// Anthropic instance (as it is), streamed and not.
func TestInboundAnthropic(t *testing.T) {
	const messages = `{"model":"claude-sonnet-4-5","max_tokens":100,"system":"Be brief.","messages":[{"role":"user","content":"hello there"}]}`
	streamed := strings.Replace(messages, `"max_tokens":100`, `"max_tokens":100,"stream":true`, 1)
	reply := fakellm.Reply("hello there")
	prompt := fakellm.CountTokens("Be brief. hello there")
	t.Run("openai instance", func(t *testing.T) {
		up := fake(t, fakellm.Config{OpenAIKey: "sk-oa"})
		p := proxy(t, `{"provider": "openai", "api_keys": ["sk-oa"], "model_mapping": {"claude-*": "gpt-4o"}}`, "openai", up)
		s := send(t, p, post("/v1/messages", "x-api-key", clientKey, "anthropic-version", "2023-06-01"), messages)
		lr := reply2(t, s)
		got := up.last(t)
		jsonEqual(t, "upstream body", got.Body, `{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hello there"}],"max_tokens":100}`)
		if got.Path != "/v1/chat/completions" || got.Header.Get("X-Api-Key") != "" {
			t.Fatalf("upstream got %s %v", got.Path, got.Header)
		}
		if lr.Status != 200 || field(t, lr.Body, "type") != "message" || field(t, lr.Body, "content.0.text") != reply ||
			field(t, lr.Body, "stop_reason") != "end_turn" || field(t, lr.Body, "usage.input_tokens") != float64(prompt) {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
		s.Complete()
		wantState(t, s, filterstate.AIRequestType, "ai_anthropic_messages", filterstate.AIModelRequested, "claude-sonnet-4-5", filterstate.AIModel, "gpt-4o")

		s = send(t, p, post("/v1/messages"), streamed)
		h, body := s.UpstreamRequest()
		if h.Value(":path") != "/v1/chat/completions" || field(t, body, "stream_options.include_usage") != true {
			t.Fatalf("upstream %v %s", h, body)
		}
		_, out := streamFrom(t, s, up, 9)
		checkAnthropicStream(t, out, reply)
		wantState(t, s, filterstate.AIRequestType, "ai_stream")
		wantUsage(t, s, prompt, fakellm.CountTokens(reply))
	})
	t.Run("anthropic instance", func(t *testing.T) {
		up := fake(t, fakellm.Config{AnthropicKey: "ant-n"})
		p := proxy(t, `{"provider": "anthropic", "api_keys": ["ant-n"], "model_mapping": {"claude-sonnet-4-5": "claude-opus-4-1"}}`, "anthropic", up)
		s := send(t, p, post("/v1/messages", "x-api-key", clientKey, "anthropic-version", "2023-06-01", "anthropic-beta", "tools-2024"), messages)
		lr := reply2(t, s)
		got := up.last(t)
		jsonEqual(t, "upstream body", got.Body, strings.Replace(messages, "claude-sonnet-4-5", "claude-opus-4-1", 1))
		if got.Path != "/v1/messages" || got.Header.Get("X-Api-Key") != "ant-n" || got.Header.Get("Anthropic-Beta") != "tools-2024" {
			t.Fatalf("upstream got %s %v", got.Path, got.Header)
		}
		if lr.Status != 200 || field(t, lr.Body, "type") != "message" || field(t, lr.Body, "content.0.text") != reply || field(t, lr.Body, "model") != "claude-opus-4-1" {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
		s.Complete()
		wantUsage(t, s, prompt, fakellm.CountTokens(reply))

		s = send(t, p, post("/v1/messages"), streamed)
		_, out := streamFrom(t, s, up, 11)
		checkAnthropicStream(t, out, reply)
		wantUsage(t, s, prompt, fakellm.CountTokens(reply))
		noSecret(t, p, s, "ant-n")
	})
	t.Run("gemini instance", func(t *testing.T) {
		up := fake(t, fakellm.Config{})
		p := proxy(t, `{"provider": "gemini", "api_keys": ["g"], "model_mapping": {"*": "gemini-2.0-flash"}}`, "gemini", up)
		s := send(t, p, post("/v1/messages"), streamed)
		_, out := streamFrom(t, s, up, 3)
		checkAnthropicStream(t, out, reply)
	})
}

func reply2(t testing.TB, s *wasmhost.Stream) *wasmhost.LocalResponse { return reply(t, s) }

// checkAnthropicStream checks an Anthropic Messages event stream carrying text.
func checkAnthropicStream(t testing.TB, body []byte, text string) {
	t.Helper()
	events := sseEvents(body)
	if len(events) < 5 || events[0] != "message_start" || events[len(events)-1] != "message_stop" || events[len(events)-2] != "message_delta" {
		t.Fatalf("events %v:\n%s", events, body)
	}
	var got strings.Builder
	for _, d := range sseData(body) {
		var ev struct {
			Type  string `json:"type"`
			Delta struct {
				Text string `json:"text"`
			} `json:"delta"`
		}
		json.Unmarshal([]byte(d), &ev)
		if ev.Type == "content_block_delta" {
			got.WriteString(ev.Delta.Text)
		}
	}
	if got.String() != text {
		t.Fatalf("text %q, want %q", got.String(), text)
	}
}

// Envoy's router bounds route-mode attempts: first_byte_timeout as a per-try timeout for
// streams, the instance's timeout for multipart uploads; a key in auth.query keeps the
// client's path for access logs.
func TestRouteModeTimeoutHeaders(t *testing.T) {
	p := proxy(t, `{"instances": [{"name": "g", "provider": "gemini", "auth": {"query": {"key": "gq-secret"}},
		"options": {"model": "gemini-2.0-flash"}, "first_byte_timeout": 2500, "timeout": 60000}]}`)
	s := send(t, p, post("/openai/v1/chat/completions"), streamBody)
	h, _ := s.UpstreamRequest()
	if h.Value("x-envoy-upstream-rq-per-try-timeout-ms") != "2500" || h.Value("x-envoy-upstream-rq-timeout-ms") != "" ||
		h.Value("x-envoy-original-path") != "/openai/v1/chat/completions" ||
		h.Value(":path") != "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse&key=gq-secret" {
		t.Fatalf("headers %v", h)
	}
	noSecret(t, p, s, "gq-secret")

	p = proxy(t, `{"provider": "openai", "api_keys": ["k"], "timeout": 45000}`)
	s = p.NewStream()
	s.RequestHeaders(wasmhost.H(":method", "POST", ":path", "/v1/audio/translations", ":authority", "gw",
		"content-type", "multipart/form-data; boundary=x"), false)
	if h, _ := s.UpstreamRequest(); h.Value("x-envoy-upstream-rq-timeout-ms") != "45000" || h.Value("x-envoy-upstream-rq-per-try-timeout-ms") != "" {
		t.Fatalf("headers %v", h)
	}
}

// A refused key in route mode: the answer is taken over with the instance's next key.
func TestRouteModeKeyRotation(t *testing.T) {
	up := fake(t, fakellm.Config{OpenAIKey: "sk-good"})
	p := proxy(t, `{"provider": "openai", "api_keys": ["sk-bad", "sk-good"]}`, "openai", up)
	s := send(t, p, post("/v1/chat/completions"), streamBody)
	if h, _ := s.UpstreamRequest(); h.Value("authorization") != "Bearer sk-bad" {
		t.Fatalf("first key %q", h.Value("authorization"))
	}
	streamFrom(t, s, up, 64)
	lr := reply(t, s)
	if text, done := openAIStreamText(t, lr.Body); lr.Status != 200 || text != fakellm.Reply("stream me some words") || !done {
		t.Fatalf("answer %d %s", lr.Status, lr.Body)
	}
	if got := up.last(t); got.Header.Get("Authorization") != "Bearer sk-good" {
		t.Fatalf("retried with %q", got.Header.Get("Authorization"))
	}
	wantState(t, s, filterstate.AIAttempts, "2")
	// The next request goes straight to the good key.
	s = send(t, p, post("/v1/chat/completions"), streamBody)
	if h, _ := s.UpstreamRequest(); h.Value("authorization") != "Bearer sk-good" {
		t.Fatalf("cooled key used again: %q", h.Value("authorization"))
	}
	noSecret(t, p, s, "sk-bad", "sk-good")
}

// Streams cut short, and streams whose events are broken, still end for the client.
func TestRouteModeBrokenStreams(t *testing.T) {
	p := proxy(t, `{"provider": "anthropic", "api_keys": ["a"]}`)
	s := send(t, p, post("/v1/chat/completions"), streamBody)
	s.ResponseHeaders(wasmhost.H(":status", "200", "content-type", "text/event-stream"), false)
	s.ResponseBody([]byte("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n"+
		"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel"), false)
	s.ResponseBody([]byte("lo\"}}\n\nevent: content_block_delta\ndata: {broken\n\n"), true)
	s.Complete()
	_, body := s.ClientResponse()
	text, done := openAIStreamText(t, body)
	if text != "Hello" || !done {
		t.Fatalf("streamed %q done %v:\n%s", text, done, body)
	}
	if !p.LogContains("stream events could not be translated") {
		t.Fatal("the broken event was not logged")
	}
	wantState(t, s, filterstate.AIPromptTokens, "3")
}

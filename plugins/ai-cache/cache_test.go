//go:build !wasip1

package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
	"github.com/tidwall/gjson"
)

// The first request misses and reaches the upstream, the second is answered by the plugin
// with the same content, HIT, Age, filter state "hit", and never reaches the upstream.
func TestMissThenHit(t *testing.T) {
	p := newPlugin(t, `{"scope": "global"}`)
	first := do(t, p, call{body: chatBody("What is Envoy?")})
	if !first.reached || first.status() != "MISS" || first.filterSt != "miss" {
		t.Fatalf("first: reached %v status %q state %q", first.reached, first.status(), first.filterSt)
	}
	if first.upstreamH.Has("accept-encoding") {
		t.Fatal("accept-encoding went upstream: the answer could arrive compressed")
	}
	second := do(t, p, call{body: chatBody("What is Envoy?")})
	if second.reached || second.local == nil || second.local.Status != 200 {
		t.Fatalf("second reached the upstream: %+v", second)
	}
	if second.status() != "HIT" || second.filterSt != "hit" || second.headers.Value("age") != "0" {
		t.Fatalf("second: %v state %q", second.headers, second.filterSt)
	}
	if got := gjson.Get(second.body, "choices.0.message.content").Str; got != fakellm.Reply("What is Envoy?") {
		t.Fatalf("hit content %q", got)
	}
	if gjson.Get(second.body, "id").Str != gjson.Get(first.body, "id").Str {
		t.Fatal("the hit is not the stored answer")
	}
	for name, want := range map[string]int64{"ai_cache_hits": 1, "ai_cache_misses": 1, "ai_cache_stores": 1, "ai_cache_bypasses": 0} {
		if got := metric(p, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	if metric(p, "ai_cache_bytes") <= int64(len(first.body)) {
		t.Errorf("bytes gauge %d for a %d-byte answer", metric(p, "ai_cache_bytes"), len(first.body))
	}
}

// Key normalisation: another key order and whitespace hit; another temperature, model,
// seed, tool list or response format misses; stream is not in the key.
func TestKeyNormalisation(t *testing.T) {
	p := newPlugin(t, `{"scope": "global"}`)
	do(t, p, call{body: `{"model":"gpt-4o-mini","temperature":0.5,"seed":12345678901234567890,"messages":[{"role":"user","content":"hello"}]}`})
	same := []string{
		`{"messages":[{"content":"hello","role":"user"}],"seed":12345678901234567890,"temperature":0.50,"model":"gpt-4o-mini"}`,
		"{\n  \"model\" : \"gpt-4o-mini\",\n  \"temperature\": 5e-1,\n \"seed\": 12345678901234567890, \"messages\": [ {\"role\":\"user\", \"content\":\"hell\\u006f\"} ] }",
		`{"model":"gpt-4o-mini","temperature":0.5,"seed":12345678901234567890,"stream":false,"user":"u1","messages":[{"role":"user","content":"hello"}]}`,
	}
	for i, b := range same {
		if r := do(t, p, call{body: b}); r.status() != "HIT" {
			t.Errorf("same request %d: %s", i, r.status())
		}
	}
	different := []string{
		`{"model":"gpt-4o-mini","temperature":0.7,"seed":12345678901234567890,"messages":[{"role":"user","content":"hello"}]}`,
		`{"model":"gpt-4o","temperature":0.5,"seed":12345678901234567890,"messages":[{"role":"user","content":"hello"}]}`,
		`{"model":"gpt-4o-mini","temperature":0.5,"seed":12345678901234567891,"messages":[{"role":"user","content":"hello"}]}`,
		`{"model":"gpt-4o-mini","temperature":0.5,"seed":12345678901234567890,"top_p":0.9,"messages":[{"role":"user","content":"hello"}]}`,
		`{"model":"gpt-4o-mini","temperature":0.5,"seed":12345678901234567890,"response_format":{"type":"json_object"},"messages":[{"role":"user","content":"hello"}]}`,
		`{"model":"gpt-4o-mini","temperature":0.5,"seed":12345678901234567890,"max_tokens":3,"messages":[{"role":"user","content":"hello"}]}`,
		`{"model":"gpt-4o-mini","temperature":0.5,"seed":12345678901234567890,"messages":[{"role":"system","content":"be terse"},{"role":"user","content":"hello"}]}`,
	}
	for i, b := range different {
		if r := do(t, p, call{body: b}); r.status() != "MISS" {
			t.Errorf("different request %d: %s", i, r.status())
		}
	}
}

// A streamed request misses and is stored from its events, which pass through unchanged;
// the same request without stream is then served as JSON, and streamed again as SSE.
func TestStreamStoredServedBothWays(t *testing.T) {
	p := newPlugin(t, `{"scope": "global"}`)
	miss := do(t, p, call{body: chatBody("stream me please", `"stream":true`, `"stream_options":{"include_usage":true}`)})
	if miss.status() != "MISS" || !strings.Contains(miss.body, "data: [DONE]") {
		t.Fatalf("miss: %s %q", miss.status(), miss.body)
	}
	want := fakellm.Reply("stream me please")
	if got := sseContent(t, miss.body); got != want {
		t.Fatalf("the stream was changed on its way: %q", got)
	}
	asJSON := do(t, p, call{body: chatBody("stream me please")})
	if asJSON.status() != "HIT" || asJSON.headers.Value("content-type") != "application/json" {
		t.Fatalf("JSON request: %s %v", asJSON.status(), asJSON.headers)
	}
	if gjson.Get(asJSON.body, "object").Str != "chat.completion" || gjson.Get(asJSON.body, "choices.0.message.content").Str != want ||
		gjson.Get(asJSON.body, "choices.0.finish_reason").Str != "stop" || gjson.Get(asJSON.body, "usage.total_tokens").Int() == 0 {
		t.Fatalf("JSON from a stream: %s", asJSON.body)
	}
	asSSE := do(t, p, call{body: chatBody("stream me please", `"stream":true`)})
	if asSSE.status() != "HIT" || asSSE.headers.Value("content-type") != "text/event-stream" {
		t.Fatalf("SSE request: %s %v", asSSE.status(), asSSE.headers)
	}
	if got := sseContent(t, asSSE.body); got != want {
		t.Fatalf("SSE hit content %q", got)
	}
}

// A JSON answer is served as a stream to a streaming client: role, content, finish,
// usage, [DONE], each chunk valid JSON.
func TestJSONStoredServedAsStream(t *testing.T) {
	p := newPlugin(t, `{"scope": "global"}`)
	do(t, p, call{body: chatBody("json first")})
	r := do(t, p, call{body: chatBody("json first", `"stream":true`)})
	if r.status() != "HIT" {
		t.Fatal(r.status())
	}
	events := strings.Split(strings.TrimSuffix(r.body, "\n\n"), "\n\n")
	if len(events) != 5 || events[4] != "data: [DONE]" {
		t.Fatalf("events: %q", events)
	}
	var chunks []map[string]any
	for _, e := range events[:4] {
		var m map[string]any
		if err := json.Unmarshal([]byte(strings.TrimPrefix(e, "data: ")), &m); err != nil || m["object"] != "chat.completion.chunk" {
			t.Fatalf("chunk %q: %v", e, err)
		}
		chunks = append(chunks, m)
	}
	if gjson.Get(events[0][6:], "choices.0.delta.role").Str != "assistant" ||
		gjson.Get(events[1][6:], "choices.0.delta.content").Str != fakellm.Reply("json first") ||
		gjson.Get(events[2][6:], "choices.0.finish_reason").Str != "stop" ||
		gjson.Get(events[3][6:], "usage.total_tokens").Int() == 0 || len(gjson.Get(events[3][6:], "choices").Array()) != 0 {
		t.Fatalf("chunks: %q", events)
	}
}

// sseContent joins the content deltas of an OpenAI stream.
func sseContent(t testing.TB, body string) string {
	t.Helper()
	var b strings.Builder
	for _, line := range strings.Split(body, "\n") {
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		if !gjson.Valid(data) {
			t.Fatalf("event %q is not JSON", data)
		}
		b.WriteString(gjson.Get(data, "choices.0.delta.content").Str)
	}
	return b.String()
}

// TTL by the host's clock: served until ttl seconds have passed, Age counting up.
func TestTTL(t *testing.T) {
	p := newPlugin(t, `{"scope": "global", "ttl": 60}`)
	do(t, p, call{body: chatBody("ttl")})
	p.Clock().Advance(59 * time.Second)
	if r := do(t, p, call{body: chatBody("ttl")}); r.status() != "HIT" || r.headers.Value("age") != "59" {
		t.Fatalf("at 59 s: %s age %q", r.status(), r.headers.Value("age"))
	}
	p.Clock().Advance(time.Second)
	if r := do(t, p, call{body: chatBody("ttl")}); r.status() != "MISS" || !r.reached {
		t.Fatalf("at 60 s: %s", r.status())
	}
}

// Two consumers never share an answer; a request without a consumer bypasses.
func TestConsumersAreIsolated(t *testing.T) {
	p := newPlugin(t, `{}`)
	do(t, p, call{body: chatBody("mine"), headers: consumer("alice")})
	if r := do(t, p, call{body: chatBody("mine"), headers: consumer("bob")}); r.status() != "MISS" || !r.reached {
		t.Fatalf("bob: %s", r.status())
	}
	if r := do(t, p, call{body: chatBody("mine"), headers: consumer("alice")}); r.status() != "HIT" {
		t.Fatalf("alice: %s", r.status())
	}
	if r := do(t, p, call{body: chatBody("mine")}); r.status() != "BYPASS" || r.filterSt != "skip" || !r.reached {
		t.Fatalf("anonymous: %s %q", r.status(), r.filterSt)
	}
}

// The bypass header skips the cache both ways; no-cache does not read but stores;
// no-store reads but does not store.
func TestBypassAndCacheControl(t *testing.T) {
	p := newPlugin(t, `{"scope": "global", "bypass_header": {"name": "X-Cache-Skip", "value": "yes"}}`)
	if r := do(t, p, call{body: chatBody("q1"), headers: []string{"x-cache-skip", "yes"}}); r.status() != "BYPASS" || !r.reached {
		t.Fatalf("bypass: %s", r.status())
	}
	if r := do(t, p, call{body: chatBody("q1")}); r.status() != "MISS" {
		t.Fatalf("after bypass, nothing stored: %s", r.status())
	}
	if r := do(t, p, call{body: chatBody("q1"), headers: []string{"x-cache-skip", "no"}}); r.status() != "HIT" {
		t.Fatalf("another value of the header: %s", r.status())
	}
	if r := do(t, p, call{body: chatBody("q1"), headers: []string{"cache-control", "no-cache"}}); r.status() != "MISS" || !r.reached {
		t.Fatalf("no-cache: %s", r.status())
	}
	if r := do(t, p, call{body: chatBody("q2"), headers: []string{"cache-control", "max-age=0, no-store"}}); r.status() != "MISS" {
		t.Fatalf("no-store miss: %s", r.status())
	}
	if r := do(t, p, call{body: chatBody("q2")}); r.status() != "MISS" {
		t.Fatalf("no-store stored: %s", r.status())
	}
	if r := do(t, p, call{body: chatBody("q2"), headers: []string{"cache-control", "no-store"}}); r.status() != "HIT" {
		t.Fatalf("no-store still reads: %s", r.status())
	}
	if r := do(t, p, call{body: chatBody("q2"), headers: []string{"cache-control", "no-cache, no-store"}}); r.status() != "BYPASS" {
		t.Fatalf("both: %s", r.status())
	}
}

// Errors, cut streams, unfinished answers and tool calls (unless allowed) are not stored.
func TestRefusesToStore(t *testing.T) {
	p := newPlugin(t, `{"scope": "global"}`)
	cases := []call{
		{body: chatBody("err"), headers: []string{"x-fake-status", "500"}},
		{body: chatBody("cut stream words many", `"stream":true`), headers: []string{"x-fake-cut-after", "2"}},
		{body: chatBody("length words many", `"max_tokens":2`)},
		{body: chatBody("length stream words", `"max_tokens":2`, `"stream":true`)},
		{body: chatBody("tools", `"tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]`)},
		{body: chatBody("tools stream", `"stream":true`, `"tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]`)},
		{body: chatBody("malformed", `"stream":true`), headers: []string{"x-fake-malformed", "1"}},
	}
	for i, c := range cases {
		do(t, p, c)
		c.headers = nil
		if r := do(t, p, c); r.status() != "MISS" {
			t.Errorf("case %d was stored: %s", i, r.status())
		}
	}
	// Only the clean reruns of the three fault cases store; length and tool calls never do.
	if got := metric(p, "ai_cache_stores"); got != 3 {
		t.Errorf("stores = %d, want 3", got)
	}
}

// cache_tool_calls stores tool calls, streamed or not, and serves them both ways;
// cacheable_finish_reasons widens what finishes count.
func TestToolCallsAndFinishReasons(t *testing.T) {
	p := newPlugin(t, `{"scope": "global", "cache_tool_calls": true, "cacheable_finish_reasons": ["stop", "length"]}`)
	tools := `"tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object"}}}]`
	do(t, p, call{body: chatBody("weather in Paris", `"stream":true`, tools)})
	r := do(t, p, call{body: chatBody("weather in Paris", tools)})
	if r.status() != "HIT" || gjson.Get(r.body, "choices.0.message.tool_calls.0.function.name").Str != "lookup" ||
		gjson.Get(r.body, "choices.0.message.tool_calls.0.function.arguments").Str != fakellm.ToolArguments("weather in Paris") ||
		gjson.Get(r.body, "choices.0.finish_reason").Str != "tool_calls" {
		t.Fatalf("%s %s", r.status(), r.body)
	}
	s := do(t, p, call{body: chatBody("weather in Paris", tools, `"stream":true`)})
	if !strings.Contains(s.body, `"tool_calls":[{"index":0,"id":"call_fake_1","type":"function","function":{"name":"lookup"`) {
		t.Fatalf("streamed tool call: %s", s.body)
	}
	do(t, p, call{body: chatBody("cut short words", `"max_tokens":1`)})
	if r := do(t, p, call{body: chatBody("cut short words", `"max_tokens":1`)}); r.status() != "HIT" {
		t.Fatalf("length: %s", r.status())
	}
}

// Requests that are not chat completions are not the cache's: no status header, no body
// read. Bodies the cache cannot read pass on as BYPASS.
func TestNotCached(t *testing.T) {
	p := newPlugin(t, `{"scope": "global"}`)
	r := do(t, p, call{body: `{"model":"m","input":"x"}`, headers: []string{":path", "/v1/embeddings"}})
	if r.status() != "" || !r.reached || r.filterSt != "" {
		t.Fatalf("embeddings: %q %q", r.status(), r.filterSt)
	}
	for _, body := range []string{`not json`, `{"model":"m"}`, `{"model":"m","messages":[]}`,
		chatBody("lp", `"logprobs":true`)} {
		r := do(t, p, call{body: body, upstream: func([]byte) (int, string, []string) {
			return 400, "application/json", []string{`{"error":{"message":"bad"}}`}
		}})
		if r.status() != "BYPASS" || !r.reached || string(r.upstreamB) != body {
			t.Fatalf("%s: %q reached %v", body, r.status(), r.reached)
		}
	}
	// A prefix before /v1 is still chat.
	r = do(t, p, call{body: chatBody("prefixed"), headers: []string{":path", "/openai/v1/chat/completions"}})
	if r.status() != "MISS" {
		t.Fatalf("prefixed path: %q", r.status())
	}
}

// The strategies: last_question keys on the last user message only; all_questions on every
// user message (not the system prompt, nor the assistant's turns).
func TestKeyStrategies(t *testing.T) {
	conv := func(system, first, answer, last string) string {
		return `{"model":"m","messages":[{"role":"system","content":"` + system + `"},{"role":"user","content":"` + first +
			`"},{"role":"assistant","content":"` + answer + `"},{"role":"user","content":"` + last + `"}]}`
	}
	last := newPlugin(t, `{"scope": "global", "cache_key_strategy": "last_question"}`)
	do(t, last, call{body: conv("s", "a", "b", "final?")})
	if r := do(t, last, call{body: conv("other", "x", "y", "final?")}); r.status() != "HIT" {
		t.Fatalf("last_question: %s", r.status())
	}
	all := newPlugin(t, `{"scope": "global", "cache_key_strategy": "all_questions"}`)
	do(t, all, call{body: conv("s", "a", "b", "final?")})
	if r := do(t, all, call{body: conv("other", "a", "y", "final?")}); r.status() != "HIT" {
		t.Fatalf("all_questions, same questions: %s", r.status())
	}
	if r := do(t, all, call{body: conv("s", "x", "b", "final?")}); r.status() != "MISS" {
		t.Fatalf("all_questions, another first question: %s", r.status())
	}
	full := newPlugin(t, `{"scope": "global", "cache_key_strategy": "full"}`)
	do(t, full, call{body: conv("s", "a", "b", "final?")})
	if r := do(t, full, call{body: conv("other", "a", "b", "final?")}); r.status() != "MISS" {
		t.Fatalf("full, another system prompt: %s", r.status())
	}
}

// Under the byte budget the oldest answers go first; the gauge and the evictions counter
// say so, and memory stays within max_bytes.
func TestEvictionUnderByteBudget(t *testing.T) {
	p := newPlugin(t, `{"scope": "global", "max_bytes": 8192, "max_entries": 64}`)
	prompt := func(i int) string { return "question number " + itoa(i) + strings.Repeat(" padding", 40) }
	for i := 0; i < 30; i++ {
		do(t, p, call{body: chatBody(prompt(i))})
		if b := metric(p, "ai_cache_bytes"); b > 8192 {
			t.Fatalf("after %d answers the cache holds %d bytes", i+1, b)
		}
	}
	if metric(p, "ai_cache_evictions") == 0 {
		t.Fatal("nothing evicted")
	}
	if r := do(t, p, call{body: chatBody(prompt(0))}); r.status() != "MISS" {
		t.Fatalf("the oldest answer survived: %s", r.status())
	}
	if r := do(t, p, call{body: chatBody(prompt(29))}); r.status() != "HIT" {
		t.Fatalf("the newest answer is gone: %s", r.status())
	}
}

// Workers share the cache (shared data): an answer stored by one is a hit on another.
func TestWorkersShareTheCache(t *testing.T) {
	p := newPlugin(t, `{"scope": "global"}`, wasmhost.WithWorkers(2))
	do(t, p, call{body: chatBody("shared")}, 0)
	if r := do(t, p, call{body: chatBody("shared")}, 1); r.status() != "HIT" {
		t.Fatalf("worker 1: %s", r.status())
	}
}

// status_header renames the header.
func TestStatusHeader(t *testing.T) {
	p := newPlugin(t, `{"scope": "global", "status_header": "Apisix-Cache-Status"}`)
	r := do(t, p, call{body: chatBody("apisix")})
	if r.headers.Value("apisix-cache-status") != "MISS" || r.headers.Has("x-ai-cache-status") {
		t.Fatalf("%v", r.headers)
	}
}

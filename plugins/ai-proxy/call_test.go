//go:build !wasip1

package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

const chatBody = `{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hello there"}],"max_tokens":1000}`

// One non-streamed chat request per provider type, in call mode: what the provider got
// (path, authority, credentials, body) and what the client got back.
func TestCallModePerProvider(t *testing.T) {
	prompt := fakellm.CountTokens("Be brief.") + fakellm.CountTokens("hello there")
	completion := fakellm.CountTokens(fakellm.Reply("hello there"))
	tests := []struct {
		name     string
		config   string
		cluster  string
		fake     fakellm.Config
		rewrite  func(string) string
		path     string // what the provider got
		host     string
		headers  map[string]string
		body     string
		model    string // ai_model
		provider string
	}{
		{
			name:    "openai",
			config:  `{"provider": "openai", "api_keys": ["sk-up-openai"], "options": {"max_tokens": 50}}`,
			cluster: "openai", fake: fakellm.Config{OpenAIKey: "sk-up-openai"},
			path: "/v1/chat/completions", host: "api.openai.com",
			headers: map[string]string{"Authorization": "Bearer sk-up-openai", "Content-Type": "application/json", "X-Request-Id": "req-1"},
			body:    `{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hello there"}],"max_tokens":50}`,
			model:   "gpt-4o", provider: "openai",
		},
		{
			name: "azure",
			config: `{"provider": "azure", "api_keys": ["az-key-1"], "cluster": "azure",
				"override": {"endpoint": "https://res.openai.azure.com/openai/deployments/gpt4o-dep/chat/completions?api-version=2024-02-15-preview"}}`,
			cluster: "azure", fake: fakellm.Config{AzureKey: "az-key-1"},
			path: "/openai/deployments/gpt4o-dep/chat/completions?api-version=2024-02-15-preview", host: "res.openai.azure.com",
			headers: map[string]string{"Api-Key": "az-key-1"},
			body:    chatBody,
			model:   "gpt-4o", provider: "azure",
		},
		{
			name:    "deepseek",
			config:  `{"provider": "deepseek", "auth": {"header": {"Authorization": "Bearer ds-key-1"}}, "model_mapping": {"*": "deepseek-chat"}}`,
			cluster: "deepseek", fake: fakellm.Config{OpenAIKey: "ds-key-1"},
			rewrite: func(p string) string { return "/v1" + p },
			path:    "/chat/completions", host: "api.deepseek.com",
			headers: map[string]string{"Authorization": "Bearer ds-key-1"},
			body:    `{"model":"deepseek-chat","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hello there"}],"max_tokens":1000}`,
			model:   "deepseek-chat", provider: "deepseek",
		},
		{
			name: "openai-compatible",
			config: `{"provider": "openai-compatible", "api_keys": ["vk-1"], "cluster": "vllm",
				"override": {"endpoint": "http://vllm.internal:8000/v1"}, "defaults": {"temperature": 0.2, "max_tokens": 7}}`,
			cluster: "vllm", fake: fakellm.Config{OpenAIKey: "vk-1"},
			path: "/v1/chat/completions", host: "vllm.internal:8000",
			headers: map[string]string{"Authorization": "Bearer vk-1"},
			body:    `{"model":"gpt-4o","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hello there"}],"max_tokens":1000,"temperature":0.2}`,
			model:   "gpt-4o", provider: "openai-compatible",
		},
		{
			name:    "anthropic",
			config:  `{"provider": "anthropic", "api_keys": ["ant-key-1"], "model_mapping": {"gpt-4o": "claude-sonnet-4-5"}}`,
			cluster: "anthropic", fake: fakellm.Config{AnthropicKey: "ant-key-1"},
			path: "/v1/messages", host: "api.anthropic.com",
			headers: map[string]string{"X-Api-Key": "ant-key-1", "Anthropic-Version": "2023-06-01"},
			body:    `{"model":"claude-sonnet-4-5","system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"hello there"}]}],"max_tokens":1000}`,
			model:   "claude-sonnet-4-5", provider: "anthropic",
		},
		{
			name:    "gemini",
			config:  `{"provider": "gemini", "api_keys": ["gm-key-1"], "options": {"model": "gemini-2.0-flash"}}`,
			cluster: "gemini", fake: fakellm.Config{GeminiKey: "gm-key-1"},
			path: "/v1beta/models/gemini-2.0-flash:generateContent", host: "generativelanguage.googleapis.com",
			headers: map[string]string{"X-Goog-Api-Key": "gm-key-1"},
			body:    `{"contents":[{"role":"user","parts":[{"text":"hello there"}]}],"systemInstruction":{"parts":[{"text":"Be brief."}]},"generationConfig":{"maxOutputTokens":1000}}`,
			model:   "gemini-2.0-flash", provider: "gemini",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up := fake(t, tt.fake)
			up.rewrite = tt.rewrite
			p := proxy(t, tt.config, tt.cluster, up)
			s := send(t, p, post("/v1/chat/completions"), chatBody)
			lr := reply(t, s)
			if lr.Status != 200 || lr.Headers.Value("content-type") != "application/json" {
				t.Fatalf("answer %d %v: %s", lr.Status, lr.Headers, lr.Body)
			}
			got := up.last(t)
			if got.Method != "POST" || got.Path != tt.path || got.Host != tt.host {
				t.Fatalf("upstream got %s %s host %s", got.Method, got.Path, got.Host)
			}
			for name, want := range tt.headers {
				if v := got.Header.Get(name); v != want {
					t.Errorf("upstream header %s = %q, want %q", name, v, want)
				}
			}
			for _, name := range []string{"Accept-Encoding", "X-Aiwasm-Cluster"} {
				if v := got.Header.Get(name); v != "" {
					t.Errorf("upstream header %s = %q", name, v)
				}
			}
			for name, values := range got.Header {
				for _, v := range values {
					if strings.Contains(v, clientKey) {
						t.Errorf("the client's key reached the provider in %s", name)
					}
				}
			}
			jsonEqual(t, "upstream body", got.Body, tt.body)
			if c := field(t, lr.Body, "choices.0.message.content"); c != fakellm.Reply("hello there") {
				t.Fatalf("content %v in %s", c, lr.Body)
			}
			if o := field(t, lr.Body, "object"); o != "chat.completion" {
				t.Fatalf("object %v", o)
			}
			if err := s.Complete(); err != nil {
				t.Fatal(err)
			}
			instance := tt.provider
			wantState(t, s, filterstate.AIProvider, tt.provider, filterstate.AIInstance, instance,
				filterstate.AIModelRequested, "gpt-4o", filterstate.AIModel, tt.model,
				filterstate.AIAttempts, "1", filterstate.AIRequestType, "ai_chat", filterstate.AITTFTMillis, "0")
			wantUsage(t, s, prompt, completion)
			n := metricName(instance)
			if metric(p, "ai_proxy_requests_"+n) != 1 || metric(p, "ai_proxy_requests") != 1 ||
				metric(p, "ai_proxy_tokens_prompt_"+n) != int64(prompt) || metric(p, "ai_proxy_tokens_completion_"+n) != int64(completion) {
				t.Fatalf("metrics %v", p.MetricNames())
			}
			m := n + "_model_" + metricName(tt.model)
			if metric(p, "ai_proxy_requests_"+m) != 1 || metric(p, "ai_proxy_tokens_prompt_"+m) != int64(prompt) ||
				metric(p, "ai_proxy_tokens_completion_"+m) != int64(completion) {
				t.Fatalf("metrics of model %s: %v", tt.model, p.MetricNames())
			}
			noSecret(t, p, s, "sk-up-openai", "az-key-1", "ds-key-1", "vk-1", "ant-key-1", "gm-key-1")
		})
	}
}

// The seed: every request's max_tokens restricted to 50, the model forced.
func TestCallModeOptionsRestrictMaxTokens(t *testing.T) {
	up := fake(t, fakellm.Config{})
	p := proxy(t, readmeJSON(t, readmeSeed), "openai", up)
	long := strings.Repeat("word ", 80)
	s := send(t, p, post("/v1/chat/completions"), `{"model":"gpt-4","max_tokens":4000,"messages":[{"role":"user","content":"`+long+`"}]}`)
	lr := reply(t, s)
	got := up.last(t)
	if field(t, got.Body, "max_tokens") != 50.0 || field(t, got.Body, "model") != "gpt-4o-mini" {
		t.Fatalf("upstream body %s", got.Body)
	}
	if got.Header.Get("Authorization") != "Bearer sk-seed-openai" {
		t.Fatalf("authorization %q", got.Header.Get("Authorization"))
	}
	if field(t, lr.Body, "usage.completion_tokens") != 50.0 || field(t, lr.Body, "choices.0.finish_reason") != "length" {
		t.Fatalf("answer %s", lr.Body)
	}
	s.Complete()
	wantState(t, s, filterstate.AIModelRequested, "gpt-4", filterstate.AIModel, "gpt-4o-mini", filterstate.AICompletionTokens, "50")
	// The README's seed logs summaries: one line, with no prompt and no key.
	var lines []string
	for _, l := range p.LogsAt(wasmhost.LevelInfo) {
		if strings.Contains(l.Message, "kind=chat") {
			lines = append(lines, l.Message)
		}
	}
	if len(lines) != 1 || !strings.Contains(lines[0], `instance=openai provider=openai model_requested="gpt-4" model="gpt-4o-mini" status=200 prompt_tokens=80 completion_tokens=50 total_tokens=130`) ||
		!strings.Contains(lines[0], "mode=call") || !strings.Contains(lines[0], "attempts=1") || strings.Contains(lines[0], "word") {
		t.Fatalf("summary lines %q", lines)
	}
	noSecret(t, p, s, "sk-seed-openai")
}

// Model mapping, defaults and the client's own values.
func TestCallModeModelMappingAndDefaults(t *testing.T) {
	up := fake(t, fakellm.Config{})
	p := proxy(t, `{"provider": "openai", "model_mapping": {"gpt-4*": "gpt-4o", "~^o(\\d)$": "o$1-mini"},
		"defaults": {"model": "gpt-4o-mini", "temperature": 0.3, "user": "gateway"}}`, "openai", up)
	for _, tc := range []struct {
		body, model string
		temperature float64
	}{
		{`{"model":"gpt-4-turbo","messages":[{"role":"user","content":"hi"}]}`, "gpt-4o", 0.3},
		{`{"model":"o3","messages":[{"role":"user","content":"hi"}],"temperature":1}`, "o3-mini", 1},
		// defaults.model fills the missing name, which model_mapping then maps.
		{`{"messages":[{"role":"user","content":"hi"}]}`, "gpt-4o", 0.3},
	} {
		s := send(t, p, post("/v1/chat/completions"), tc.body)
		if lr := reply(t, s); lr.Status != 200 {
			t.Fatalf("%s: %d %s", tc.body, lr.Status, lr.Body)
		}
		got := up.last(t).Body
		if field(t, got, "model") != tc.model || field(t, got, "temperature") != tc.temperature || field(t, got, "user") != "gateway" {
			t.Fatalf("%s: upstream got %s", tc.body, got)
		}
		s.Complete()
		wantState(t, s, filterstate.AIModel, tc.model)
	}
}

// Higress's prompt_param: GET /?text=... asks the instance's model in call mode.
func TestPromptParam(t *testing.T) {
	up := fake(t, fakellm.Config{})
	p := proxy(t, `{"provider": {"type": "openai", "apiTokens": ["sk-h1"], "modelMapping": {"*": "gpt-4o-mini"}}, "prompt_param": "text"}`, "openai", up)
	s := send(t, p, wasmhost.H(":method", "GET", ":path", "/?text=Say,hello", ":authority", "gw"), "")
	lr := reply(t, s)
	if lr.Status != 200 || field(t, lr.Body, "choices.0.message.content") != fakellm.Reply("Say,hello") {
		t.Fatalf("answer %d %s", lr.Status, lr.Body)
	}
	got := up.last(t)
	jsonEqual(t, "upstream body", got.Body, `{"messages":[{"role":"user","content":"Say,hello"}],"model":"gpt-4o-mini"}`)
	if got.Method != "POST" || got.Path != "/v1/chat/completions" || got.Header.Get("Authorization") != "Bearer sk-h1" {
		t.Fatalf("upstream got %s %s %v", got.Method, got.Path, got.Header)
	}
	s.Complete()
	wantState(t, s, filterstate.AIRequestType, "ai_chat", filterstate.AIModel, "gpt-4o-mini")
	// A GET without the parameter is not a chat request: it passes untouched, but for a
	// client's x-aiwasm-cluster.
	s = send(t, p, wasmhost.H(":method", "GET", ":path", "/health", ":authority", "gw", "authorization", "Bearer x", "x-aiwasm-cluster", "evil"), "")
	if s.LocalResponse() != nil || s.RequestPaused() {
		t.Fatal("a plain GET was held or answered")
	}
	if h, _ := s.UpstreamRequest(); h.Value("authorization") != "Bearer x" || h.Value(":path") != "/health" || h.Has("x-aiwasm-cluster") {
		t.Fatalf("a request ai-proxy does not serve was changed: %v", h)
	}
}

func TestEmbeddings(t *testing.T) {
	t.Run("openai", func(t *testing.T) {
		up := fake(t, fakellm.Config{})
		p := proxy(t, `{"provider": "openai", "api_keys": ["sk-e"]}`, "openai", up)
		s := send(t, p, post("/v1/embeddings"), `{"model":"text-embedding-3-small","input":["one two","three"],"dimensions":8}`)
		lr := reply(t, s)
		if lr.Status != 200 || field(t, lr.Body, "data.1.index") != 1.0 || len(field(t, lr.Body, "data.0.embedding").([]any)) != 8 {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
		if got := up.last(t); got.Path != "/v1/embeddings" {
			t.Fatalf("path %s", got.Path)
		}
		s.Complete()
		wantState(t, s, filterstate.AIRequestType, "ai_embeddings", filterstate.AIPromptTokens, "3", filterstate.AITotalTokens, "3")
	})
	t.Run("gemini", func(t *testing.T) {
		up := fake(t, fakellm.Config{GeminiKey: "gk"})
		p := proxy(t, `{"provider": "gemini", "auth": {"query": {"key": "gk"}}}`, "gemini", up)
		s := send(t, p, post("/v1/embeddings"), `{"model":"text-embedding-004","input":"one two","dimensions":4}`)
		lr := reply(t, s)
		got := up.last(t)
		if got.Path != "/v1beta/models/text-embedding-004:embedContent?key=gk" {
			t.Fatalf("path %s", got.Path)
		}
		jsonEqual(t, "upstream body", got.Body, `{"content":{"parts":[{"text":"one two"}]},"outputDimensionality":4}`)
		want := fakellm.Embed("one two", 4)
		emb, _ := field(t, lr.Body, "data.0.embedding").([]any)
		if lr.Status != 200 || len(emb) != 4 || float32(emb[0].(float64)) != want[0] || field(t, lr.Body, "model") != "text-embedding-004" {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
		s.Complete()
		noSecret(t, p, s, "key=gk")
		// Gemini embeds one text per request.
		s = send(t, p, post("/v1/embeddings"), `{"model":"text-embedding-004","input":["a","b"]}`)
		if lr := reply(t, s); lr.Status != 400 || !strings.Contains(string(lr.Body), "one string per request") {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
	})
}

func TestModels(t *testing.T) {
	t.Run("openai lists its own", func(t *testing.T) {
		up := fake(t, fakellm.Config{OpenAIKey: "sk-m"})
		p := proxy(t, `{"provider": "openai", "api_keys": ["sk-m"]}`, "openai", up)
		s := send(t, p, wasmhost.H(":method", "GET", ":path", "/v1/models", ":authority", "gw", "authorization", "Bearer "+clientKey), "")
		lr := reply(t, s)
		if lr.Status != 200 || field(t, lr.Body, "data.0.id") != fakellm.DefaultModels[0] {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
		if got := up.last(t); got.Method != "GET" || got.Path != "/v1/models" || len(got.Body) != 0 {
			t.Fatalf("upstream got %s %s %q", got.Method, got.Path, got.Body)
		}
		s.Complete()
		wantState(t, s, filterstate.AIRequestType, "ai_models", filterstate.AIInstance, "openai")
	})
	t.Run("anthropic answers from its configuration", func(t *testing.T) {
		p := proxy(t, `{"provider": "anthropic", "api_keys": ["a"], "defaults": {"model": "claude-haiku-4-5"},
			"model_mapping": [{"from": "~^gpt-4", "to": "claude-sonnet-4-5"}, {"from": "~^(o\\d)", "to": "claude-$1"}, {"from": "*", "to": "claude-haiku-4-5"}]}`)
		s := send(t, p, wasmhost.H(":method", "GET", ":path", "/v1/models", ":authority", "gw"), "")
		lr := reply(t, s)
		jsonEqual(t, "models", lr.Body, `{"object":"list","data":[
			{"id":"claude-haiku-4-5","object":"model","created":0,"owned_by":"anthropic"},
			{"id":"claude-sonnet-4-5","object":"model","created":0,"owned_by":"anthropic"}]}`)
		if len(p.HttpCalls()) != 0 {
			t.Fatal("called the provider")
		}
	})
}

// passthrough: the LLM's answer becomes the body the route's own upstream gets.
func TestPassthrough(t *testing.T) {
	up := fake(t, fakellm.Config{})
	p := proxy(t, `{"provider": "openai", "api_keys": ["sk-p"], "passthrough": true}`, "openai", up)
	s := send(t, p, post("/v1/chat/completions"), `{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"pass me on"}]}`)
	if s.LocalResponse() != nil || s.RequestPaused() {
		t.Fatalf("passthrough answered or stayed paused: %+v", s.LocalResponse())
	}
	if field(t, up.last(t).Body, "stream") != false {
		t.Fatalf("the LLM was asked for a stream: %s", up.last(t).Body)
	}
	h, body := s.UpstreamRequest()
	if field(t, body, "choices.0.message.content") != fakellm.Reply("pass me on") ||
		h.Value("content-length") != itoa(len(body)) || h.Value("authorization") != "" {
		t.Fatalf("the route's upstream got %v %s", h, body)
	}
	if _, err := s.ResponseHeaders(wasmhost.H(":status", "201", "content-type", "text/plain"), false); err != nil {
		t.Fatal(err)
	}
	s.ResponseBody([]byte("stored"), true)
	s.Complete()
	if _, b := s.ClientResponse(); string(b) != "stored" {
		t.Fatalf("the route's answer was changed: %q", b)
	}
}

// Bad requests get 400 in the client's API's error shape, before any provider is asked.
func TestMalformedRequests(t *testing.T) {
	p := proxy(t, `{"provider": "openai", "api_keys": ["sk-x"]}`, "openai", fake(t, fakellm.Config{}))
	for _, tc := range []struct{ path, body, msg string }{
		{"/v1/chat/completions", `{"model":`, "not valid JSON"},
		{"/v1/chat/completions", `[1,2]`, "must be a JSON object"},
		{"/v1/chat/completions", `{"model":"gpt-4o"}`, "messages: required"},
		{"/v1/chat/completions", `{"model":"gpt-4o","messages":[]}`, "messages: required"},
		{"/v1/chat/completions", `{"model":5,"messages":[{"role":"user","content":"x"}]}`, "model: want a string"},
		{"/v1/chat/completions", `{"stream":"yes","messages":[{"role":"user","content":"x"}]}`, "stream: want a boolean"},
		{"/v1/embeddings", `{"model":"e"}`, "input: required"},
		{"/v1/messages", `{"model":"c","max_tokens":5}`, "messages: required"},
		// Nesting past sdkwrap/jsonguard's bound is refused before gjson would recurse into it.
		{"/v1/chat/completions", `{"messages":` + strings.Repeat("[", 500_000), "nests deeper than 1000 levels"},
		{"/v1/chat/completions", `{"messages":[{"role":"user","content":` + strings.Repeat("[", 1001) + strings.Repeat("]", 1001) + `}]}`, "nests deeper than 1000 levels"},
	} {
		s := send(t, p, post(tc.path), tc.body)
		lr := reply(t, s)
		if lr.Status != 400 || !strings.Contains(string(lr.Body), tc.msg) {
			t.Errorf("%.80s: %d %s", tc.body, lr.Status, lr.Body)
		}
		if tc.path == "/v1/messages" {
			if field(t, lr.Body, "type") != "error" || field(t, lr.Body, "error.type") != "invalid_request_error" {
				t.Errorf("not an Anthropic error: %s", lr.Body)
			}
		} else if field(t, lr.Body, "error.type") != "invalid_request_error" {
			t.Errorf("not an OpenAI error: %s", lr.Body)
		}
	}
	s := send(t, p, post("/v1/chat/completions", "content-length", "0"), "")
	if lr := reply(t, s); lr.Status != 400 {
		t.Fatalf("no body: %d %s", lr.Status, lr.Body)
	}
	// A POST that ends with its headers, without content-length: 0, goes on untouched (the
	// plugin cannot tell before), and its answer is replaced by the 400.
	s = send(t, p, wasmhost.H(":method", "POST", ":path", "/v1/chat/completions", ":authority", "gw"), "")
	if s.LocalResponse() != nil {
		t.Fatal("answered before the body could come")
	}
	s.ResponseHeaders(wasmhost.H(":status", "200", "content-type", "text/html"), false)
	if lr := reply(t, s); lr.Status != 400 || !strings.Contains(string(lr.Body), "the request has no body") {
		t.Fatalf("no body at all: %d %s", lr.Status, lr.Body)
	}
	if len(p.HttpCalls()) != 0 {
		t.Fatal("a provider was asked")
	}
	// A kind no instance serves.
	p = proxy(t, `{"provider": "anthropic", "api_keys": ["a"]}`)
	s = send(t, p, post("/v1/images/generations"), `{"prompt":"a cat"}`)
	if lr := reply(t, s); lr.Status != 404 || !strings.Contains(string(lr.Body), "no configured provider serves images requests") {
		t.Fatalf("images on anthropic: %d %s", lr.Status, lr.Body)
	}
}

var _ http.Handler = (*fakeCluster)(nil)

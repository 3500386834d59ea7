//go:build !wasip1

package main

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

const twoInstances = `{"instances": [
	{"name": "a", "provider": "openai", "api_keys": ["sk-inst-a"], "cluster": "a", "priority": 1},
	{"name": "b", "provider": "openai", "api_keys": ["sk-inst-b"], "cluster": "b"}],
	"fallback_strategy": ["http_429", "http_5xx", "timeout", "connect_failure"]}`

const hello = `{"model":"gpt-4o","messages":[{"role":"user","content":"hello"}]}`

func failing(t *testing.T, status int) *fakeCluster {
	return fake(t, fakellm.Config{Fault: fakellm.Fault{Status: status, RetryAfter: 7}})
}

func TestFailover(t *testing.T) {
	for _, status := range []int{429, 500, 503, 529} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			a, b := failing(t, status), fake(t, fakellm.Config{OpenAIKey: "sk-inst-b"})
			p := proxy(t, twoInstances, "a", a, "b", b)
			s := send(t, p, post("/v1/chat/completions"), hello)
			lr := reply(t, s)
			if lr.Status != 200 || field(t, lr.Body, "choices.0.message.content") != fakellm.Reply("hello") {
				t.Fatalf("answer %d %s", lr.Status, lr.Body)
			}
			if len(a.requests()) != 1 || len(b.requests()) != 1 {
				t.Fatalf("a got %d, b %d requests", len(a.requests()), len(b.requests()))
			}
			s.Complete()
			wantState(t, s, filterstate.AIInstance, "b", filterstate.AIAttempts, "2")
			class := "http_5xx"
			if status == 429 {
				class = "http_429"
			}
			if metric(p, "ai_proxy_errors_a_"+class) != 1 || metric(p, "ai_proxy_requests_a") != 1 ||
				metric(p, "ai_proxy_requests_b") != 1 || metric(p, "ai_proxy_failovers") != 1 {
				t.Fatalf("metrics: errors %d requests %d/%d failovers %d", metric(p, "ai_proxy_errors_a_"+class),
					metric(p, "ai_proxy_requests_a"), metric(p, "ai_proxy_requests_b"), metric(p, "ai_proxy_failovers"))
			}
		})
	}
}

func TestAllAttemptsFail(t *testing.T) {
	t.Run("5xx", func(t *testing.T) {
		p := proxy(t, twoInstances, "a", failing(t, 500), "b", failing(t, 429))
		s := send(t, p, post("/v1/chat/completions"), hello)
		lr := reply(t, s)
		if lr.Status != 502 || field(t, lr.Body, "error.message") != "all attempts failed: a (http_5xx), b (http_429)" ||
			field(t, lr.Body, "error.type") != "server_error" {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
		s.Complete()
		wantState(t, s, filterstate.AIAttempts, "2", filterstate.AIInstance, "b")
		noSecret(t, p, s, "sk-inst-a", "sk-inst-b")
	})
	t.Run("all rate limited", func(t *testing.T) {
		p := proxy(t, twoInstances, "a", failing(t, 429), "b", failing(t, 429))
		s := send(t, p, post("/v1/chat/completions"), hello)
		lr := reply(t, s)
		if lr.Status != 429 || field(t, lr.Body, "error.message") != "all attempts failed: a (http_429), b (http_429)" ||
			lr.Headers.Value("retry-after") != "7" {
			t.Fatalf("answer %d %v %s", lr.Status, lr.Headers, lr.Body)
		}
	})
	t.Run("anthropic client", func(t *testing.T) {
		p := proxy(t, twoInstances, "a", failing(t, 500), "b", failing(t, 500))
		s := send(t, p, post("/v1/messages"), `{"model":"claude","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`)
		lr := reply(t, s)
		if lr.Status != 502 || field(t, lr.Body, "type") != "error" || field(t, lr.Body, "error.message") != "all attempts failed: a (http_5xx), b (http_5xx)" {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
	})
	t.Run("connect failure", func(t *testing.T) {
		reset := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
		gone := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { // Envoy's own 503
			w.WriteHeader(503)
			w.Write([]byte("no healthy upstream"))
		})
		p := proxy(t, twoInstances, "a", reset, "b", gone)
		s := send(t, p, post("/v1/chat/completions"), hello)
		lr := reply(t, s)
		if lr.Status != 502 || field(t, lr.Body, "error.message") != "all attempts failed: a (connect_failure), b (connect_failure)" {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
	})
	t.Run("unknown cluster", func(t *testing.T) {
		p := proxy(t, twoInstances, "b", fake(t, fakellm.Config{}))
		s := send(t, p, post("/v1/chat/completions"), hello)
		if lr := reply(t, s); lr.Status != 200 {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
		s.Complete()
		wantState(t, s, filterstate.AIInstance, "b", filterstate.AIAttempts, "2")
		if !p.LogContains(`instance a: call to cluster "a"`) {
			t.Fatalf("logs %v", p.Logs())
		}
	})
}

// Without fallback_strategy a failure is the answer: the provider's status with its message
// in OpenAI's shape; Envoy's timeout is a 504.
func TestNoFallback(t *testing.T) {
	t.Run("provider error", func(t *testing.T) {
		a := fake(t, fakellm.Config{Fault: fakellm.Fault{Status: 503}})
		p := proxy(t, `{"provider": "openai", "api_keys": ["sk-1"], "cluster": "a"}`, "a", a)
		s := send(t, p, post("/v1/chat/completions"), hello)
		lr := reply(t, s)
		msg, _ := field(t, lr.Body, "error.message").(string)
		if lr.Status != 503 || field(t, lr.Body, "error.type") != "server_error" || msg == "" || strings.Contains(msg, "attempts") {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		a := fake(t, fakellm.Config{})
		p := proxy(t, `{"provider": "openai", "api_keys": ["sk-1"], "cluster": "a", "timeout": 50}`, "a", a)
		s := send(t, p, post("/v1/chat/completions", fakellm.HeaderFirstTokenDelay, "2000"), hello)
		lr := reply(t, s)
		if lr.Status != 504 || field(t, lr.Body, "error.message") != "instance openai did not answer within 50 ms (timeout)" {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
		if c := p.HttpCalls(); len(c) != 1 || c[0].Timeout != 50*time.Millisecond {
			t.Fatalf("calls %+v", c)
		}
	})
	t.Run("timeout then the next instance", func(t *testing.T) {
		slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) })
		cfg := strings.Replace(twoInstances, `"cluster": "a", "priority": 1`, `"cluster": "a", "priority": 1, "timeout": 30`, 1)
		p := proxy(t, cfg, "a", slow, "b", fake(t, fakellm.Config{}))
		s := send(t, p, post("/v1/chat/completions"), hello)
		if lr := reply(t, s); lr.Status != 200 {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
		if metric(p, "ai_proxy_errors_a_timeout") != 1 {
			t.Fatal("timeout not counted")
		}
	})
}

// api_keys: a refused key cools down and the next key serves, in this request and the next.
func TestKeyRotationAcrossRequests(t *testing.T) {
	up := fake(t, fakellm.Config{OpenAIKey: "sk-good"})
	p := proxy(t, `{"provider": "openai", "api_keys": ["sk-bad", "sk-good"]}`, "openai", up)
	s := send(t, p, post("/v1/chat/completions"), hello)
	if lr := reply(t, s); lr.Status != 200 {
		t.Fatalf("answer %d %s", lr.Status, lr.Body)
	}
	s.Complete()
	wantState(t, s, filterstate.AIAttempts, "2")
	seen := up.requests()
	if len(seen) != 2 || seen[0].Header.Get("Authorization") != "Bearer sk-bad" || seen[1].Header.Get("Authorization") != "Bearer sk-good" {
		t.Fatalf("keys used %d", len(seen))
	}
	until, _, ok := p.SharedData().Get("ai-proxy/cool/openai/0")
	if want := p.Clock().Now().Add(unauthorizedCooldown).UnixMilli(); !ok || string(until) != strconv.FormatInt(want, 10) {
		t.Fatalf("cooldown %q, want %d", until, want)
	}
	for i := 0; i < 3; i++ {
		s = send(t, p, post("/v1/chat/completions"), hello)
		if lr := reply(t, s); lr.Status != 200 {
			t.Fatalf("answer %d %s", lr.Status, lr.Body)
		}
		s.Complete()
		wantState(t, s, filterstate.AIAttempts, "1")
	}
	if n := len(up.requests()); n != 5 {
		t.Fatalf("%d requests: the cooled key was used again", n)
	}
	noSecret(t, p, s, "sk-bad", "sk-good")

	// Every key refused: the provider's status, and a message that quotes no key.
	p = proxy(t, `{"provider": "openai", "api_keys": ["sk-bad-1", "sk-bad-2"]}`, "openai", up)
	s = send(t, p, post("/v1/chat/completions"), hello)
	lr := reply(t, s)
	if lr.Status != 401 || field(t, lr.Body, "error.message") != "instance openai: the provider refused the gateway's credentials (HTTP 401)" {
		t.Fatalf("answer %d %s", lr.Status, lr.Body)
	}
	noSecret(t, p, s, "sk-bad-1", "sk-bad-2")
}

// A 429's Retry-After sets the key's cooldown; when it ends the key serves again.
func TestRetryAfterHonoured(t *testing.T) {
	up := fake(t, fakellm.Config{})
	limited := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "Bearer sk-k1" {
			w.Header().Set("Retry-After", "30")
			w.Header().Set("x-envoy-upstream-service-time", "1")
			w.WriteHeader(429)
			w.Write([]byte(`{"error":{"message":"Rate limit reached for sk-k1 on requests","type":"requests","code":"rate_limit_exceeded"}}`))
			return
		}
		up.ServeHTTP(w, r)
	})
	p := proxy(t, `{"provider": "openai", "api_keys": ["sk-k1", "sk-k2"], "timeout": 1000}`, "openai", limited)
	start := p.Clock().Now()
	s := send(t, p, post("/v1/chat/completions"), hello)
	if lr := reply(t, s); lr.Status != 200 {
		t.Fatalf("answer %d %s", lr.Status, lr.Body)
	}
	if until, _, _ := p.SharedData().Get("ai-proxy/cool/openai/0"); string(until) != strconv.FormatInt(start.Add(30*time.Second).UnixMilli(), 10) {
		t.Fatalf("cooldown %q", until)
	}
	for i := 0; i < 2; i++ { // k1 is skipped while it cools
		send(t, p, post("/v1/chat/completions"), hello).Complete()
	}
	if n := len(up.requests()); n != 3 {
		t.Fatalf("k2 served %d requests", n)
	}
	p.Advance(31 * time.Second)
	s = send(t, p, post("/v1/chat/completions"), hello) // k1 first again: refused, k2 serves
	reply(t, s)
	if n := len(up.requests()); n != 4 {
		t.Fatalf("k2 served %d requests", n)
	}
	// A single key that is rate limited: the provider's 429 and its Retry-After, redacted.
	p = proxy(t, `{"provider": "openai", "api_keys": ["sk-k1"]}`, "openai", limited)
	s = send(t, p, post("/v1/chat/completions"), hello)
	lr := reply(t, s)
	if lr.Status != 429 || lr.Headers.Value("retry-after") != "30" ||
		field(t, lr.Body, "error.message") != "Rate limit reached for [redacted] on requests" {
		t.Fatalf("answer %d %v %s", lr.Status, lr.Headers, lr.Body)
	}
}

// rate_limiting: an instance ai-token-ratelimit lists as exhausted is skipped; when all are,
// 429 without any call.
func TestExhaustedInstancesSkipped(t *testing.T) {
	cfg := strings.Replace(twoInstances, `["http_429", "http_5xx", "timeout", "connect_failure"]`, `"instance_health_and_rate_limiting"`, 1)
	a, b := fake(t, fakellm.Config{}), fake(t, fakellm.Config{})
	p := proxy(t, cfg, "a", a, "b", b)
	s := p.NewStream()
	s.SetProperty(filterstate.AIExhausted, "a")
	s.RequestHeaders(post("/v1/chat/completions"), false)
	s.RequestBody([]byte(hello), true)
	if lr := reply(t, s); lr.Status != 200 || len(a.requests()) != 0 || len(b.requests()) != 1 {
		t.Fatalf("answer %d, a %d b %d", lr.Status, len(a.requests()), len(b.requests()))
	}
	s.Complete()
	if metric(p, "ai_proxy_errors_a_rate_limiting") != 1 {
		t.Fatal("skip not counted")
	}
	s = p.NewStream()
	s.SetProperty(filterstate.AIExhausted, "b, a")
	s.RequestHeaders(post("/v1/chat/completions"), false)
	s.RequestBody([]byte(hello), true)
	lr := reply(t, s)
	if lr.Status != 429 || field(t, lr.Body, "error.message") != "no instance is available: a (rate_limiting), b (rate_limiting)" {
		t.Fatalf("answer %d %s", lr.Status, lr.Body)
	}
	// Health: three 5xx in a row take a out; b serves meanwhile without a being asked.
	a2 := failing(t, 500)
	p = proxy(t, cfg, "a", a2, "b", b)
	for i := 0; i < 5; i++ {
		send(t, p, post("/v1/chat/completions"), hello).Complete()
	}
	if n := len(a2.requests()); n != defaultHealthFailures {
		t.Fatalf("a asked %d times", n)
	}
}

var _ = wasmhost.H

// logging.payloads logs bodies; no line, whatever the logging, holds a credential.
func TestLoggingPayloads(t *testing.T) {
	up := fake(t, fakellm.Config{})
	p := proxy(t, `{"provider": "openai", "api_keys": ["sk-logged-never"], "logging": {"summaries": true, "payloads": true}}`, "openai", up)
	s := send(t, p, post("/v1/chat/completions"), `{"model":"gpt-4o","messages":[{"role":"user","content":"a secret plan"}]}`)
	reply(t, s)
	s.Complete()
	if !p.LogContains(`request body: {"model":"gpt-4o","messages":[{"role":"user","content":"a secret plan"}]}`) ||
		!p.LogContains("response body: {") || !p.LogContains("Echo: a secret plan") {
		t.Fatalf("payload lines missing: %v", p.Logs())
	}
	s = send(t, p, post("/v1/chat/completions"), streamBody)
	streamFrom(t, s, up, 10)
	if !p.LogContains("data: [DONE]") {
		t.Fatal("streamed payload not logged")
	}
	noSecret(t, p, s, "sk-logged-never", clientKey)
	// Without logging, nothing is logged for a request at all.
	p = proxy(t, `{"provider": "openai", "api_keys": ["sk-quiet"]}`, "openai", up)
	n := len(p.Logs())
	send(t, p, post("/v1/chat/completions"), hello).Complete()
	if len(p.Logs()) != n {
		t.Fatalf("logged %v", p.Logs()[n:])
	}
}

// Higress's protocol "original": the body reaches the provider as the client wrote it.
func TestHigressOriginalProtocol(t *testing.T) {
	up := fake(t, fakellm.Config{AnthropicKey: "ak"})
	p := proxy(t, `{"provider": {"type": "claude", "apiTokens": ["ak"], "protocol": "original", "modelMapping": {"*": "claude-haiku-4-5"}}}`, "anthropic", up)
	body := `{"model":"x","max_tokens":20,"messages":[{"role":"user","content":"native"}]}`
	s := send(t, p, post("/v1/chat/completions"), body)
	lr := reply(t, s)
	jsonEqual(t, "upstream body", up.last(t).Body, strings.Replace(body, `"x"`, `"claude-haiku-4-5"`, 1))
	if lr.Status != 200 || field(t, lr.Body, "type") != "message" {
		t.Fatalf("answer %d %s", lr.Status, lr.Body)
	}
}

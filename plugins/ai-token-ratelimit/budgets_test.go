//go:build !wasip1

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// A total budget: the first answer uses more than the budget (charged anyway, it was served),
// the next request is refused with the OpenAI error, the token headers and Retry-After, and
// never goes upstream; another consumer has a budget of its own.
func TestTotalBudgetRefusesWhenUsedUp(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 100}], "window": "fixed"}`)
	first := send(t, p, call{headers: consumer("alice"), answer: openAI(70, 50)})
	if first.status != 0 || first.header("x-ratelimit-limit-tokens") != "100" || first.header("x-ratelimit-remaining-tokens") != "100" ||
		first.header("x-ratelimit-reset-tokens") != "60" {
		t.Fatalf("first: %d %v", first.status, first.response)
	}
	if first.state("ai_tokens_charged") != "120" || metric(p, "ai_token_ratelimit_tokens_charged") != 120 {
		t.Fatalf("charged %q, metric %d", first.state("ai_tokens_charged"), metric(p, "ai_token_ratelimit_tokens_charged"))
	}
	p.Clock().Advance(10 * time.Second)
	second := send(t, p, call{headers: consumer("alice"), answer: openAI(1, 1)})
	msg, typ, code := second.errorBody(t)
	if second.status != 429 || typ != "tokens" || code != "rate_limit_exceeded" || msg != defaultRejectedMsg {
		t.Fatalf("second: %d %s", second.status, second.body)
	}
	if second.header("x-ratelimit-limit-tokens") != "100" || second.header("x-ratelimit-remaining-tokens") != "0" ||
		second.header("retry-after") != "50" || second.upBody != "" {
		t.Fatalf("second: %v, upstream body %q", second.response, second.upBody)
	}
	if second.state("blocked_by") != "ai-token-ratelimit:default" || metric(p, "ai_token_ratelimit_rejected") != 1 {
		t.Fatal("refusal not published")
	}
	if bob := send(t, p, call{headers: consumer("bob"), answer: openAI(1, 1)}); bob.status != 0 {
		t.Fatalf("bob: %d", bob.status)
	}
	// Without a consumer nothing is limited.
	if anon := send(t, p, call{answer: openAI(500, 500)}); anon.status != 0 || anon.response.Has("x-ratelimit-limit-tokens") {
		t.Fatalf("anonymous: %d %v", anon.status, anon.response)
	}
	// The next minute the budget is back.
	p.Clock().Advance(50 * time.Second)
	if r := send(t, p, call{headers: consumer("alice"), answer: openAI(1, 1)}); r.status != 0 {
		t.Fatalf("next minute: %d", r.status)
	}
}

// The WSO2 seed's four budgets at once, scaled down: prompt, completion, total and requests
// per minute each refuse on their own, with the type of what ran out.
func TestWSO2Budgets(t *testing.T) {
	const cfg = `{"limit_by_header": "x-app", "limit_keys": [{"key": "*",
		"prompt_token_per_minute": 50, "completion_token_per_minute": 100, "token_per_minute": 120, "request_per_minute": 60}]}`
	app := func(name string) []string { return []string{"x-app", name} }
	cases := []struct {
		name      string
		prompt    int
		done      int
		wantType  string
		wantLimit string
	}{
		{"prompt", 50, 1, "tokens", "50"},
		{"completion", 1, 100, "tokens", "100"},
		{"total", 40, 80, "tokens", "120"},
	}
	for _, tc := range cases {
		p := newPlugin(t, cfg)
		first := send(t, p, call{headers: app("a"), answer: openAI(tc.prompt, tc.done)})
		if first.status != 0 {
			t.Fatalf("%s: first %d", tc.name, first.status)
		}
		r := send(t, p, call{headers: app("a"), answer: openAI(1, 1)})
		if _, typ, _ := r.errorBody(t); r.status != 429 || typ != tc.wantType || r.header("x-ratelimit-limit-tokens") != tc.wantLimit {
			t.Errorf("%s: %d %s %v", tc.name, r.status, r.body, r.response)
		}
	}
	// Requests: 60 a minute whatever they cost; the 61st is refused as requests.
	p := newPlugin(t, `{"limit_by_header": "x-app", "limit_keys": [{"key": "*", "token_per_minute": 100000, "request_per_minute": 3}]}`)
	for i := 0; i < 3; i++ {
		r := send(t, p, call{headers: app("a"), answer: openAI(1, 1)})
		if r.status != 0 || r.int("x-ratelimit-remaining-requests") != int64(2-i) || r.header("x-ratelimit-limit-requests") != "3" {
			t.Fatalf("request %d: %d %v", i+1, r.status, r.response)
		}
	}
	r := send(t, p, call{headers: app("a"), answer: openAI(1, 1)})
	if _, typ, _ := r.errorBody(t); r.status != 429 || typ != "requests" || r.header("x-ratelimit-limit-requests") != "3" || r.header("retry-after") == "" {
		t.Fatalf("4th: %d %s %v", r.status, r.body, r.response)
	}
}

// rejected_code, rejected_msg, show_limit_quota_header, global_threshold, window fixed, and
// the exact, regexp and CIDR key forms shared with key-rate-limit.
func TestFieldsAndKeyForms(t *testing.T) {
	p := newPlugin(t, `{"global_threshold": {"token_per_hour": 10}, "rejected_code": 403, "rejected_msg": "budget gone",
		"show_limit_quota_header": false, "window": "fixed", "rule_name": "team-a"}`)
	if r := send(t, p, call{answer: openAI(10, 10)}); r.status != 0 || r.response.Has("x-ratelimit-limit-tokens") {
		t.Fatalf("first: %d %v", r.status, r.response)
	}
	r := send(t, p, call{headers: consumer("anyone"), answer: openAI(1, 1)})
	if msg, _, _ := r.errorBody(t); r.status != 403 || msg != "budget gone" || r.header("x-ratelimit-limit-tokens") != "10" ||
		r.state("blocked_by") != "ai-token-ratelimit:team-a" {
		t.Fatalf("refusal: %d %s %v", r.status, r.body, r.response)
	}

	q := newPlugin(t, `{"limit_by_per_ip": "from-header-x-forwarded-for", "limit_keys": [
		{"key": "10.0.0.0/8", "token_per_minute": 5},
		{"key": "203.0.113.7", "token_per_minute": 1000},
		{"key": "*", "token_per_minute": 50}]}`)
	xff := func(a string) []string { return []string{"x-forwarded-for", a + ", 10.9.9.9"} }
	send(t, q, call{headers: xff("10.1.1.1"), answer: openAI(3, 3)})
	if r := send(t, q, call{headers: xff("10.1.1.1"), answer: openAI(1, 1)}); r.status != 429 {
		t.Fatalf("10.1.1.1: %d", r.status)
	}
	if r := send(t, q, call{headers: xff("10.2.2.2"), answer: openAI(1, 1)}); r.status != 0 || r.header("x-ratelimit-limit-tokens") != "5" {
		t.Fatalf("10.2.2.2 counts apart: %d %v", r.status, r.response)
	}
	if r := send(t, q, call{headers: xff("::ffff:203.0.113.7"), answer: openAI(1, 1)}); r.header("x-ratelimit-limit-tokens") != "1000" {
		t.Fatalf("exact address: %v", r.response)
	}
	k := newPlugin(t, `{"limit_by_param": "app", "limit_keys": [{"key": "regexp:^batch-", "token_per_day": 2}]}`)
	send(t, k, call{path: "/v1/chat/completions?app=batch-1", answer: openAI(2, 2)})
	if r := send(t, k, call{path: "/v1/chat/completions?app=batch-1", answer: openAI(1, 1)}); r.status != 429 {
		t.Fatalf("regexp key: %d", r.status)
	}
	if r := send(t, k, call{path: "/v1/chat/completions?app=interactive", answer: openAI(100, 100)}); r.status != 0 || r.response.Has("x-ratelimit-limit-tokens") {
		t.Fatalf("no key matches: %d %v", r.status, r.response)
	}
	c := newPlugin(t, `{"limit_by_cookie": "session", "limit_keys": [{"key": "*", "completion_token_per_second": 3}]}`)
	send(t, c, call{headers: []string{"cookie", "theme=x; session=s1"}, answer: openAI(100, 3)})
	if r := send(t, c, call{headers: []string{"cookie", "session=s1"}, answer: openAI(1, 1)}); r.status != 429 || r.header("retry-after") != "2" {
		t.Fatalf("cookie: %d %v", r.status, r.response)
	}
}

// Several VMs (Envoy's workers) share one budget.
func TestWorkersShareBudgets(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 100}]}`, wasmhost.WithWorkers(3))
	for w := 0; w < 3; w++ {
		if r := sendOn(t, p, w, call{headers: consumer("alice"), answer: openAI(20, 15)}); r.status != 0 {
			t.Fatalf("worker %d: %d", w, r.status)
		}
	}
	if r := sendOn(t, p, 1, call{headers: consumer("alice"), answer: openAI(1, 1)}); r.status != 429 {
		t.Fatalf("after 105 tokens on three workers: %d", r.status)
	}
}

// Configurations are refused with the field's path and why.
func TestConfigRefusals(t *testing.T) {
	const keys = `"limit_keys": [{"key": "*", "token_per_minute": 10}]`
	for _, tc := range []struct{ config, want string }{
		{`{}`, "nothing to count by"},
		{`{"limit_by_consumer": true, "tokens_per_minute": 10000}`, "limit_keys: missing required field"},
		{`{"limit_by_consumer": true, "limit_keys": [{"key": "*"}]}`, "limit_keys[0]: set at least one budget"},
		{`{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 0}]}`, "limit_keys[0].token_per_minute: must be at least 1"},
		{`{"limit_by_consumer": true, "limit_keys": [{"key": "*", "prompt_token_per_week": 5}]}`, "limit_keys[0]: set at least one budget"},
		{`{"limit_by_header": "x", "limit_by_consumer": true, ` + keys + `}`, "limit_by_consumer: set together with limit_by_header"},
		{`{"limit_by_consumer": true, ` + keys + `, "rejected_code": 200}`, "rejected_code: must be at least 400"},
		{`{"limit_by_consumer": true, ` + keys + `, "on_exhausted_mid_stream": "cut"}`, `on_exhausted_mid_stream: must be one of "continue", "finish"`},
		{`{"limit_by_consumer": true, ` + keys + `, "limit_strategy": "all"}`, `limit_strategy: must be one of`},
		{`{"instances": [{"name": "a", "limit": 10}]}`, "instances[0].time_window: missing required field"},
		{`{"instances": [{"name": "a", "limit": 0, "time_window": 60}]}`, "instances[0].limit: must be at least 1"},
		{`{"instances": [{"name": "a", "limit": 1, "time_window": 60}, {"name": "a", "limit": 2, "time_window": 60}]}`, `instances[1].name: "a" repeats instances[0]`},
		{`{"limit_keys": [{"key": "*", "token_per_minute": 1}], "instances": [{"name": "a", "limit": 1, "time_window": 60}]}`, "limit_keys: set one of limit_by_header"},
		{`{"limit_by_consumer": true, ` + keys + `, "reserve": true, "backend": "ratelimit-service", "ratelimit_service": {"cluster": "rl"}}`,
			`reserve: not with backend "ratelimit-service"`},
		{`{"limit_by_consumer": true, "instances": [{"name": "a", "limit": 1, "time_window": 60}], "backend": "ratelimit-service", "ratelimit_service": {"cluster": "rl"}}`,
			`instances: not with backend "ratelimit-service"`},
		{`{"limit_by_consumer": true, ` + keys + `, "backend": "redis"}`, `backend: "redis" needs the higress build of ai-token-ratelimit`},
		{`{"limit_by_consumer": true, ` + keys + `, "failure_mode": "open"}`, `failure_mode: must be one of "allow", "deny"`},
		{`{"limit_by_consumer": true, ` + keys + `, "default_max_tokens": 0, "reserve": true}`, "default_max_tokens: must be at least 1"},
	} {
		if got := refused(t, tc.config); !strings.Contains(got, tc.want) {
			t.Errorf("%s\n got: %s\nwant: %s", tc.config, got, tc.want)
		}
	}
}

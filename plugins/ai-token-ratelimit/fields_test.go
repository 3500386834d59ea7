//go:build !wasip1

package main

import (
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// Every window of every budget kind counts in its own window: a second's budget is back a
// second later, a day's is not.
func TestEveryWindowField(t *testing.T) {
	p := newPlugin(t, `{"global_threshold": {
		"token_per_second": 1000, "token_per_minute": 1000, "token_per_hour": 1000, "token_per_day": 1000,
		"prompt_token_per_second": 1000, "prompt_token_per_minute": 1000, "prompt_token_per_hour": 1000, "prompt_token_per_day": 1000,
		"completion_token_per_second": 1000, "completion_token_per_minute": 1000, "completion_token_per_hour": 1000, "completion_token_per_day": 1000,
		"request_per_second": 2, "request_per_minute": 100, "request_per_hour": 100, "request_per_day": 3}, "window": "fixed"}`)
	for i := 0; i < 2; i++ {
		if r := send(t, p, call{answer: openAI(1, 1)}); r.status != 0 {
			t.Fatalf("request %d: %d", i+1, r.status)
		}
	}
	if r := send(t, p, call{answer: openAI(1, 1)}); r.status != 429 || r.header("x-ratelimit-limit-requests") != "2" {
		t.Fatalf("3rd in the second: %d %v", r.status, r.response)
	}
	p.Clock().Advance(1500 * 1e6)
	if r := send(t, p, call{answer: openAI(1, 1)}); r.status != 0 {
		t.Fatalf("next second: %d", r.status)
	}
	if r := send(t, p, call{answer: openAI(1, 1)}); r.status != 429 || r.header("x-ratelimit-limit-requests") != "3" {
		t.Fatalf("4th of the day: %d %v", r.status, r.response)
	}
}

// Higress's limit_by_per_* spellings mean the plain ones.
func TestHigressSpellings(t *testing.T) {
	for _, tc := range []struct {
		config  string
		headers []string
		path    string
	}{
		{`{"limit_by_per_header": "x-key", "limit_keys": [{"key": "*", "token_per_minute": 1}]}`, []string{"x-key", "k"}, ""},
		{`{"limit_by_per_param": "key", "limit_keys": [{"key": "*", "token_per_minute": 1}]}`, nil, "/v1/chat/completions?key=k"},
		{`{"limit_by_per_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 1}]}`, consumer("alice"), ""},
		{`{"limit_by_per_cookie": "sid", "limit_keys": [{"key": "*", "token_per_minute": 1}]}`, []string{"cookie", "sid=s"}, ""},
		{`{"limit_by_per_ip": "from-remote-addr", "limit_keys": [{"key": "*", "token_per_minute": 1}]}`, nil, ""},
	} {
		p := newPlugin(t, tc.config, wasmhost.WithProperty("source.address", "198.51.100.1:4000"))
		send(t, p, call{headers: tc.headers, path: tc.path, answer: openAI(1, 1)})
		if r := send(t, p, call{headers: tc.headers, path: tc.path, answer: openAI(1, 1)}); r.status != 429 {
			t.Errorf("%s: %d", tc.config, r.status)
		}
	}
}

// _rules_: a route's rule has budgets of its own (rule_name keeps its counters apart).
func TestRules(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 1000}],
		"_rules_": [{"_match_route_": ["batch"], "rule_name": "batch", "limit_keys": [{"key": "*", "token_per_minute": 5}]}]}`)
	s := p.NewStream()
	s.SetProperty("xds.route_name", "batch")
	if r := runOn(t, s, call{headers: consumer("alice"), answer: openAI(1, 1)}); r.header("x-ratelimit-limit-tokens") != "5" {
		t.Fatalf("batch: %v", r.response)
	}
	if r := send(t, p, call{headers: consumer("alice"), answer: openAI(1, 1)}); r.header("x-ratelimit-limit-tokens") != "1000" {
		t.Fatalf("default: %v", r.response)
	}
}

// The redis object's fields (the higress build reads them; the default build refuses them).
func TestRedisFields(t *testing.T) {
	m := higressModule(t, "127.0.0.1:1")
	m.TestPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 1}], "backend": "redis",
		"redis": {"service_name": "redis.dns", "service_port": 6380, "username": "u", "password": "p", "timeout": "1s", "database": 0}}`)
	if got := refused(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 1}], "redis": {"service_name": "x"}}`); got == "" {
		t.Fatal("redis without backend redis accepted")
	}
}

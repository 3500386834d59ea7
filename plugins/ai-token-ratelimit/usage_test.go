//go:build !wasip1

package main

import (
	"strings"
	"testing"
)

const bigBudget = `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_day": 1000000}]}`

// Usage is read from each format's answers, whole and streamed, and charged as the total.
func TestUsageOfEveryFormat(t *testing.T) {
	for _, tc := range []struct {
		name   string
		c      call
		charge string
	}{
		{"openai json", call{answer: openAI(12, 30)}, "42"},
		{"anthropic json", call{path: "/v1/messages", body: `{"model":"claude","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}`,
			answer: `{"id":"msg_1","type":"message","content":[{"type":"text","text":"yo"}],"usage":{"input_tokens":5,"cache_read_input_tokens":10,"output_tokens":7}}`}, "22"},
		{"gemini json", call{path: "/v1beta/models/gemini-2.0-flash:generateContent", body: `{"contents":[{"parts":[{"text":"hi"}]}]}`,
			answer: `{"candidates":[{"content":{"parts":[{"text":"yo"}]}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":6,"totalTokenCount":10}}`}, "10"},
		{"openai stream", call{body: `{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}`,
			events: []string{
				"data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}],\"usage\":null}\n\n",
				"data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}],\"usage\":null}\n\ndata: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n",
				"data: [DONE]\n\n"}}, "5"},
		{"anthropic stream", call{path: "/v1/messages", body: `{"model":"claude","max_tokens":10,"stream":true,"messages":[{"role":"user","content":"hi"}]}`,
			events: []string{
				"event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\n\n",
				"event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hey\"}}\n\n",
				"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":4}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"}}, "13"},
		{"gemini stream", call{path: "/v1beta/models/g:streamGenerateContent?alt=sse", body: `{"contents":[{"parts":[{"text":"hi"}]}]}`,
			events: []string{
				"data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]}}],\"usageMetadata\":{\"promptTokenCount\":2,\"candidatesTokenCount\":1}}\n\n",
				"data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"b\"}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":2,\"candidatesTokenCount\":3,\"totalTokenCount\":5}}\n\n"}}, "5"},
	} {
		p := newPlugin(t, bigBudget)
		tc.c.headers = consumer("alice")
		r := send(t, p, tc.c)
		if r.status != 0 || r.state("ai_tokens_charged") != tc.charge || r.state("ai_tokens_estimated") != "" {
			t.Errorf("%s: status %d, charged %q (estimated %q), want %s", tc.name, r.status, r.state("ai_tokens_charged"), r.state("ai_tokens_estimated"), tc.charge)
		}
		if tc.c.events != nil && !strings.Contains(r.body, "data:") {
			t.Errorf("%s: the client got %q", tc.name, r.body)
		}
	}
}

// ai-proxy's usage (filter state) is preferred to the body's: it is what the provider
// reported before any translation.
func TestProxyUsagePreferred(t *testing.T) {
	p := newPlugin(t, bigBudget)
	r := send(t, p, call{headers: consumer("alice"), answer: openAI(500, 500),
		state: map[string]string{"ai_prompt_tokens": "3", "ai_completion_tokens": "4", "ai_total_tokens": "7"}})
	if r.state("ai_tokens_charged") != "7" {
		t.Fatalf("charged %q", r.state("ai_tokens_charged"))
	}
}

// An answer without usage is charged an estimate - ceil(bytes/4) of the prompt's text plus
// ceil(bytes/4) of the answer's - marked in filter state, the metric and the log; never 0.
func TestMissingUsageEstimated(t *testing.T) {
	p := newPlugin(t, bigBudget)
	// Prompt text "hello there" (11 bytes: 3 tokens); answer text 10 bytes: 3 tokens.
	r := send(t, p, call{headers: consumer("alice"),
		answer: `{"id":"x","choices":[{"message":{"role":"assistant","content":"0123456789"}}]}`})
	if r.state("ai_tokens_charged") != "6" || r.state("ai_tokens_estimated") != "true" || metric(p, "ai_token_ratelimit_estimated") != 1 {
		t.Fatalf("charged %q estimated %q", r.state("ai_tokens_charged"), r.state("ai_tokens_estimated"))
	}
	if !p.LogContains("the answer carried no usage: charged an estimate of 6 tokens (3 prompt, 3 completion)") {
		t.Fatalf("logs %v", p.Logs())
	}
	// A stream without a usage chunk: the same from its deltas.
	r = send(t, p, call{headers: consumer("alice"), body: `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"x"}]}`,
		events: []string{"data: {\"choices\":[{\"delta\":{\"content\":\"abcdefgh\"}}]}\n\n", "data: [DONE]\n\n"}})
	if r.state("ai_tokens_charged") != "3" || r.state("ai_tokens_estimated") != "true" {
		t.Fatalf("stream: charged %q", r.state("ai_tokens_charged"))
	}
	// An empty answer still costs one token of completion.
	r = send(t, p, call{headers: consumer("alice"), answer: `{}`})
	if r.state("ai_tokens_charged") != "4" {
		t.Fatalf("empty answer: charged %q", r.state("ai_tokens_charged"))
	}
}

// A client streaming without include_usage: the plugin asks for it, charges the usage chunk
// and keeps that chunk from the client, which did not ask for it.
func TestStreamAsksForUsage(t *testing.T) {
	p := newPlugin(t, bigBudget)
	s, r := begin(t, p, 0, call{headers: consumer("alice"), body: `{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}`})
	if !strings.Contains(r.upBody, `"stream_options":{"include_usage":true}`) {
		t.Fatalf("sent on: %s", r.upBody)
	}
	r = answer(t, s, r, call{events: []string{
		"data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n",
		"data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":1,\"total_tokens\":9}}\n\n",
		"data: [DONE]\n\n"}})
	if r.state("ai_tokens_charged") != "9" || strings.Contains(r.body, "prompt_tokens") || !strings.HasSuffix(r.body, "data: [DONE]\n\n") {
		t.Fatalf("charged %q, client got %q", r.state("ai_tokens_charged"), r.body)
	}
	// A client that asked keeps its chunk.
	r = send(t, p, call{headers: consumer("alice"), body: `{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[]}`,
		events: []string{"data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":1,\"total_tokens\":9}}\n\n", "data: [DONE]\n\n"}})
	if !strings.Contains(r.body, "prompt_tokens") {
		t.Fatalf("client got %q", r.body)
	}
}

// Cache hits and upstream errors cost nothing: what admission took is given back.
func TestCacheHitsAndErrorsNotCharged(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 3}], "window": "fixed"}`)
	for i := 0; i < 5; i++ {
		hit := send(t, p, call{headers: consumer("alice"), answer: openAI(100, 100), state: map[string]string{"cache_status": "hit"}})
		if hit.status != 0 || hit.state("ai_tokens_charged") != "0" {
			t.Fatalf("hit %d: %d %q", i, hit.status, hit.state("ai_tokens_charged"))
		}
		e := send(t, p, call{headers: consumer("alice"), status: 503, answer: `{"error":{"message":"down"}}`})
		if e.status != 0 || e.state("ai_tokens_charged") != "0" {
			t.Fatalf("error %d: %d", i, e.status)
		}
	}
	// Every unit admission took came back: the whole budget is left.
	r := send(t, p, call{headers: consumer("alice"), answer: openAI(1, 1)})
	if r.header("x-ratelimit-remaining-tokens") != "3" {
		t.Fatalf("after hits and errors: %v", r.response)
	}
}

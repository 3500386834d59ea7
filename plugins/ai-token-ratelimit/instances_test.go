//go:build !wasip1

package main

import (
	"testing"
	"time"
)

// The APISIX seed: 10 total tokens per 60 s on the instance "openai". Once an answer it
// served used them up, the next request lists it in ai_exhausted_instances for ai-proxy -
// and is not refused: ai-proxy sends it elsewhere.
func TestInstanceBudgetSeed(t *testing.T) {
	p := newPlugin(t, `{"instances": [{"name": "openai", "limit": 10, "time_window": 60}, {"name": "deepseek", "limit": 1000, "time_window": 60}],
		"limit_strategy": "total_tokens", "window": "fixed"}`)
	first := send(t, p, call{answer: openAI(8, 9), state: map[string]string{"ai_instance": "openai"}})
	if first.status != 0 || first.state("ai_exhausted_instances") != "" {
		t.Fatalf("first: %d %q", first.status, first.state("ai_exhausted_instances"))
	}
	second := send(t, p, call{answer: openAI(8, 9), state: map[string]string{"ai_instance": "deepseek"}})
	if second.status != 0 || second.state("ai_exhausted_instances") != "openai" {
		t.Fatalf("second: %d %q", second.status, second.state("ai_exhausted_instances"))
	}
	p.Clock().Advance(time.Minute)
	if r := send(t, p, call{answer: openAI(1, 1)}); r.state("ai_exhausted_instances") != "" {
		t.Fatalf("next window: %q", r.state("ai_exhausted_instances"))
	}
}

// Keyed by consumer, each consumer has its own instance budgets; limit_strategy picks the
// tokens counted.
func TestInstanceBudgetPerConsumer(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "instances": [{"name": "openai", "limit": 10, "time_window": 60}],
		"limit_strategy": "completion_tokens"}`)
	send(t, p, call{headers: consumer("alice"), answer: openAI(100, 9), state: map[string]string{"ai_instance": "openai"}})
	if r := send(t, p, call{headers: consumer("alice"), answer: openAI(1, 1)}); r.state("ai_exhausted_instances") != "" {
		t.Fatalf("9 completion tokens of 10: %q", r.state("ai_exhausted_instances"))
	}
	send(t, p, call{headers: consumer("alice"), answer: openAI(1, 5), state: map[string]string{"ai_instance": "openai"}})
	if r := send(t, p, call{headers: consumer("alice"), answer: openAI(1, 1)}); r.state("ai_exhausted_instances") != "openai" || r.status != 0 {
		t.Fatalf("alice: %d %q", r.status, r.state("ai_exhausted_instances"))
	}
	if r := send(t, p, call{headers: consumer("bob"), answer: openAI(1, 1)}); r.state("ai_exhausted_instances") != "" {
		t.Fatalf("bob: %q", r.state("ai_exhausted_instances"))
	}
}

// With reserve, admission holds prompt estimate + max_tokens; a request whose reservation
// does not fit is refused while another holds the budget, and the settlement gives back what
// the answer did not use.
func TestReserve(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 150}], "reserve": true,
		"default_max_tokens": 200, "window": "fixed"}`)
	body := `{"model":"gpt-4o","max_tokens":100,"messages":[{"role":"user","content":"hello there"}]}` // prompt: 3 tokens
	s1, r1 := begin(t, p, 0, call{headers: consumer("alice"), body: body})
	if r1.status != 0 {
		t.Fatalf("first: %d", r1.status)
	}
	// 103 held: a second reservation of 103 does not fit.
	s2, r2 := begin(t, p, 0, call{headers: consumer("alice"), body: body})
	if _, typ, _ := r2.errorBody(t); r2.status != 429 || typ != "tokens" {
		t.Fatalf("second while the first holds its reservation: %d", r2.status)
	}
	s2.Complete()
	r1 = answer(t, s1, r1, call{answer: openAI(3, 7)})
	if r1.header("x-ratelimit-remaining-tokens") != "47" {
		t.Fatalf("first's headers: %v", r1.response)
	}
	// 10 charged in the end: the second now fits.
	if r := send(t, p, call{headers: consumer("alice"), body: body, answer: openAI(3, 7)}); r.status != 0 {
		t.Fatalf("after the settlement: %d", r.status)
	}
	// Without max_tokens default_max_tokens is reserved: 3 + 200 never fits 150.
	if r := send(t, p, call{headers: consumer("bob"), answer: openAI(1, 1)}); r.status != 429 {
		t.Fatalf("default_max_tokens: %d", r.status)
	}
	// A refused reservation gave back what admission took.
	if r := send(t, p, call{headers: consumer("bob"), body: body, answer: openAI(1, 1)}); r.status != 0 || r.header("x-ratelimit-remaining-tokens") != "47" {
		t.Fatalf("bob after refusals: %d %v", r.status, r.response)
	}
}

// on_exhausted_mid_stream finish: a stream whose generated text outgrows the room the
// budget had is ended with finish_reason length and [DONE]; the rest is dropped, and the
// real usage is still charged.
func TestFinishMidStream(t *testing.T) {
	p := newPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "completion_token_per_minute": 3}],
		"on_exhausted_mid_stream": "finish"}`)
	chunk := func(text string) string {
		return "data: {\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}\n\n"
	}
	r := send(t, p, call{headers: consumer("alice"), body: `{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}`,
		events: []string{chunk("aaaa"), chunk("bbbb"), chunk("cccc"), chunk("dddd"), chunk("eeee"),
			"data: {\"id\":\"c9\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":5,\"total_tokens\":6}}\n\n", "data: [DONE]\n\n"}})
	want := chunk("aaaa") + chunk("bbbb") + chunk("cccc") +
		"data: {\"id\":\"c9\",\"object\":\"chat.completion.chunk\",\"created\":7,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n"
	if r.body != want {
		t.Fatalf("client got\n%q\nwant\n%q", r.body, want)
	}
	if r.state("ai_tokens_charged") != "6" || metric(p, "ai_token_ratelimit_finished_mid_stream") != 1 {
		t.Fatalf("charged %q", r.state("ai_tokens_charged"))
	}
	// continue (the default) lets it run.
	q := newPlugin(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "completion_token_per_minute": 3}], "on_exhausted_mid_stream": "continue"}`)
	r = send(t, q, call{headers: consumer("alice"), body: `{"model":"gpt-4o","stream":true,"messages":[]}`,
		events: []string{chunk("aaaa"), chunk("bbbb"), chunk("cccc"), chunk("dddd"), "data: [DONE]\n\n"}})
	if r.body != chunk("aaaa")+chunk("bbbb")+chunk("cccc")+chunk("dddd")+"data: [DONE]\n\n" {
		t.Fatalf("continue: %q", r.body)
	}
}

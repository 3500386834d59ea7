//go:build !wasip1

package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
)

// Each model an instance is asked for gets its own metrics, failures by class included; from
// the 33rd model on, a worker counts them all under "other", so clients naming models cannot
// grow Envoy's stats without end.
func TestMetricsPerModelAreBounded(t *testing.T) {
	up := fake(t, fakellm.Config{})
	p := proxy(t, `{"provider": "openai"}`, "openai", up)
	ask := func(model string, extra ...string) int {
		s := send(t, p, post("/v1/chat/completions", extra...), `{"model":"`+model+`","messages":[{"role":"user","content":"hi"}]}`)
		status := reply(t, s).Status
		if err := s.Complete(); err != nil {
			t.Fatal(err)
		}
		return status
	}
	ask("gpt-4o")
	ask("gpt-4o")
	if got := ask("gpt-4o", fakellm.HeaderStatus, "503"); got != 503 {
		t.Fatalf("a 503 answered %d", got)
	}
	if got := ask("gpt-4o", fakellm.HeaderStatus, "400"); got != 400 {
		t.Fatalf("a 400 answered %d", got)
	}
	for name, want := range map[string]int64{
		"ai_proxy_requests_openai_model_gpt_4o":          4,
		"ai_proxy_errors_openai_model_gpt_4o_http_5xx":   1,
		"ai_proxy_errors_openai_model_gpt_4o_http_4xx":   1,
		"ai_proxy_tokens_prompt_openai_model_gpt_4o":     2 * int64(fakellm.CountTokens("hi")),
		"ai_proxy_tokens_completion_openai_model_gpt_4o": 2 * int64(fakellm.CountTokens(fakellm.Reply("hi"))),
		"ai_proxy_requests_openai":                       4,
		"ai_proxy_errors_openai_http_5xx":                1,
	} {
		if got := metric(p, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}

	for i := 1; i < maxModelsPerInstance+5; i++ {
		ask(fmt.Sprintf("model-%02d", i))
	}
	perModel := 0
	for _, name := range p.MetricNames() {
		if strings.HasPrefix(name, "ai_proxy_requests_openai_model_") {
			perModel++
		}
	}
	if perModel != maxModelsPerInstance+1 {
		t.Fatalf("%d models have request counters, want %d and other", perModel, maxModelsPerInstance)
	}
	// gpt-4o and model-01..31 have their own; model-32..36 count as other.
	if got := metric(p, "ai_proxy_requests_openai_model_other"); got != 5 {
		t.Fatalf("other counted %d requests, want 5", got)
	}
	if got := metric(p, "ai_proxy_requests_openai_model_model_31"); got != 1 {
		t.Fatalf("model-31 counted %d", got)
	}
}

//go:build !wasip1

package main

import (
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
	"github.com/tidwall/gjson"
)

const semanticExample = `{
	"scope": "global",
	"cache_key_strategy": "last_question",
	"semantic": {
		"provider": "openai-compatible",
		"override": {"endpoint": "http://fakellm:8000/v1"},
		"cluster": "fakellm",
		"auth": {"header": {"Authorization": "Bearer sk-embed"}},
		"model": "text-embedding-3-small",
		"threshold": 0.9,
		"max_vectors": 64,
		"timeout": "1s"
	}
}`

// A question close to an answered one (by the fake's deterministic embeddings) is a hit
// with its similarity; a different one misses; the embeddings call carries the credentials.
func TestSemanticHit(t *testing.T) {
	fake := fakeLLM(t)
	p := newPlugin(t, semanticExample, wasmhost.WithCluster("fakellm", fake))
	first := do(t, p, call{body: chatBody("what is the capital of france")})
	if first.status() != "MISS" || !first.reached {
		t.Fatalf("first: %s", first.status())
	}
	emb, ok := fake.Last()
	if !ok || emb.Path != "/v1/embeddings" || emb.Header.Get("authorization") != "Bearer sk-embed" ||
		gjson.GetBytes(emb.Body, "input").Str != "what is the capital of france" {
		t.Fatalf("embeddings call: %+v", emb)
	}
	close := do(t, p, call{body: chatBody("what is the capital of france please")})
	if close.status() != "HIT" || close.reached {
		t.Fatalf("close question: %s", close.status())
	}
	sim := close.headers.Value("x-ai-cache-similarity")
	if !strings.HasPrefix(sim, "0.9") || close.similarity != sim {
		t.Fatalf("similarity header %q, filter state %q", sim, close.similarity)
	}
	if gjson.Get(close.body, "choices.0.message.content").Str != fakellm.Reply("what is the capital of france") {
		t.Fatalf("served %s", close.body)
	}
	if r := do(t, p, call{body: chatBody("tell me a joke about cats")}); r.status() != "MISS" {
		t.Fatalf("unrelated question: %s", r.status())
	}
	// Other parameters never match semantically.
	if r := do(t, p, call{body: chatBody("what is the capital of france please", `"temperature":1.5`)}); r.status() != "MISS" {
		t.Fatalf("other temperature: %s", r.status())
	}
	if metric(p, "ai_cache_semantic_hits") != 1 {
		t.Fatalf("semantic hits %d", metric(p, "ai_cache_semantic_hits"))
	}
}

// An embeddings failure fails open: the request is a miss and goes upstream.
func TestSemanticFailureIsAMiss(t *testing.T) {
	p := newPlugin(t, semanticExample, wasmhost.WithCluster("fakellm", wasmhost.StaticResponse{Status: 500, Body: []byte("down")}))
	r := do(t, p, call{body: chatBody("anything at all")})
	if r.status() != "MISS" || !r.reached || metric(p, "ai_cache_semantic_errors") != 1 {
		t.Fatalf("%s reached %v errors %d", r.status(), r.reached, metric(p, "ai_cache_semantic_errors"))
	}
}

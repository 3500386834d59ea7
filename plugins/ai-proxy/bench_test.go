//go:build !wasip1

package main

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/fakellm"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// benchRequest is a 2 KB chat request: a system prompt and a few turns, as a chat client
// sends them. benchManyMessages is 2 KB of many short messages, the harder case for the
// body scan.
func benchRequest() []byte {
	turn := strings.Repeat("Explain how the gateway routes this request and what it adds on the way. ", 3)
	var b strings.Builder
	b.WriteString(`{"model":"gpt-4o-mini","temperature":0.7,"stream":false,"messages":[{"role":"system","content":"You are a helpful assistant for the platform team. ` +
		strings.Repeat("Answer briefly, cite the configuration field that matters, and never invent one. ", 4) + `"}`)
	for i := 0; b.Len() < 1990; i++ {
		role := "user"
		if i%2 == 1 {
			role = "assistant"
		}
		fmt.Fprintf(&b, `,{"role":"%s","content":"%s"}`, role, turn[:min(len(turn), max(2030-b.Len(), 20))])
	}
	b.WriteString(`],"user":"alice"}`)
	return []byte(b.String())
}

func benchManyMessages() []byte {
	var b strings.Builder
	b.WriteString(`{"model":"gpt-4o-mini","temperature":0.7,"messages":[{"role":"system","content":"You are a helpful assistant that answers in plain English."}`)
	for i := 0; b.Len() < 2000; i++ {
		fmt.Fprintf(&b, `,{"role":"user","content":"Question %d: what does the gateway do with this request, and why does it matter?"}`, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func benchAnswer() []byte {
	content := strings.Repeat("The gateway maps the model, adds the key and forwards the request. ", 56)
	return []byte(`{"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,"model":"gpt-4o-mini-2024-07-18",` +
		`"choices":[{"index":0,"message":{"role":"assistant","content":"` + content + `","refusal":null},"logprobs":null,"finish_reason":"stop"}],` +
		`"usage":{"prompt_tokens":412,"completion_tokens":870,"total_tokens":1282,"prompt_tokens_details":{"cached_tokens":0}},` +
		`"service_tier":"default","system_fingerprint":"fp_fc9f1d7035"}`)
}

// BenchmarkCallMode prices one non-streamed call-mode request in the wasm host, the whole
// stream (context to delete): a 2 KB chat request in, an OpenAI instance with api_keys and
// options.max_tokens, its 4 KB answer from a StaticResponse cluster, the reply, filter
// state and metrics. "floor" sends the same traffic through testdata/callfloor, the least a
// framework plugin can do in call mode (hold the headers, send the body, answer with the
// reply): the difference is what ai-proxy adds. The watchdog is off (it adds a goroutine
// per guest call); logs at info, as Envoy's default. Each case runs alone: interleaving two
// modules makes both slower (they evict each other from the CPU's caches).
func BenchmarkCallMode(b *testing.B) {
	answer := benchAnswer()
	cluster := wasmhost.WithCluster("openai", wasmhost.StaticResponse{Status: 200, Body: answer,
		Headers: wasmhost.H("content-type", "application/json", "x-envoy-upstream-service-time", "310")})
	for _, tc := range []struct {
		name, dir, config string
		body              []byte
	}{
		{"ai-proxy/turns", ".", `{"provider": "openai", "api_keys": ["sk-bench-1", "sk-bench-2"], "options": {"max_tokens": 1024}}`, benchRequest()},
		{"ai-proxy/many-messages", ".", `{"provider": "openai", "api_keys": ["sk-bench-1", "sk-bench-2"], "options": {"max_tokens": 1024}}`, benchManyMessages()},
		{"floor", "testdata/callfloor", `{}`, benchRequest()},
	} {
		b.Run(tc.name, func(b *testing.B) {
			m, err := wasmhost.Load(wasmhost.PluginPath(b, tc.dir), wasmhost.WithCallTimeout(0))
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			p, err := m.NewPlugin(tc.config, wasmhost.WithLogLevel(wasmhost.LevelInfo), cluster)
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			x := wasmhost.Exchange{Request: post("/v1/chat/completions", "user-agent", "OpenAI/Python 1.55.0"), Body: tc.body}
			if n := len(answer); n < 4000 || n > 4300 || len(x.Body) < 2000 || len(x.Body) > 2200 {
				b.Fatalf("sizes: request %d, answer %d", len(x.Body), n)
			}
			s, err := p.Play(x)
			if err != nil || s.LocalResponse() == nil || s.LocalResponse().Status != 200 || len(s.LocalResponse().Body) != len(answer) {
				b.Fatalf("%v %+v", err, s.LocalResponse())
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := p.Play(x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStreamTranslation measures route mode's answer side in the wasm host, in MB/s of
// the provider's SSE: a long answer streamed by the fake LLM, fed to the plugin in 16 KB
// chunks as Envoy would, translated to OpenAI chunks (Anthropic, Gemini) or passed through
// and metered (OpenAI). Each iteration is one whole stream, request included.
func BenchmarkStreamTranslation(b *testing.B) {
	words := strings.Repeat("tides rise and fall with the moon ", 3000) // ~21000 words, one event each
	request := `{"model":"m","stream":true,"messages":[{"role":"user","content":"` + words + `"}]}`
	for _, tc := range []struct{ name, config, cluster string }{
		{"openai", `{"provider": "openai", "api_keys": ["k"]}`, "openai"},
		{"anthropic", `{"provider": "anthropic", "api_keys": ["k"], "options": {"model": "claude-haiku-4-5"}}`, "anthropic"},
		{"gemini", `{"provider": "gemini", "api_keys": ["k"], "options": {"model": "gemini-2.0-flash"}}`, "gemini"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p := proxy(b, tc.config)
			up := fake(b, fakellm.Config{})
			// The provider's stream, recorded once.
			s := send(b, p, post("/v1/chat/completions"), request)
			h, body := s.UpstreamRequest()
			req := httptest.NewRequest("POST", "http://"+h.Value(":authority")+h.Value(":path"), bytes.NewReader(body))
			for _, kv := range h {
				if !strings.HasPrefix(kv[0], ":") {
					req.Header.Add(kv[0], kv[1])
				}
			}
			rec := httptest.NewRecorder()
			up.ServeHTTP(rec, req)
			sse := rec.Body.Bytes()
			if rec.Code != 200 || len(sse) < 256<<10 {
				b.Fatalf("the fake streamed %d, %d bytes", rec.Code, len(sse))
			}
			respHeaders := wasmhost.H(":status", "200", "content-type", rec.Header().Get("content-type"))
			const chunk = 16 << 10
			b.SetBytes(int64(len(sse)))
			b.ReportAllocs()
			b.ResetTimer()
			small := `{"model":"m","stream":true,"messages":[{"role":"user","content":"tides"}]}`
			for i := 0; i < b.N; i++ {
				s = send(b, p, post("/v1/chat/completions"), small)
				if _, err := s.ResponseHeaders(respHeaders, false); err != nil {
					b.Fatal(err)
				}
				for j := 0; j < len(sse); j += chunk {
					if _, err := s.ResponseBody(sse[j:min(j+chunk, len(sse))], j+chunk >= len(sse)); err != nil {
						b.Fatal(err)
					}
				}
				if err := s.Complete(); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if _, out := s.ClientResponse(); !bytes.HasSuffix(out, []byte("data: [DONE]\n\n")) {
				b.Fatalf("the client's stream ends with %q", out[max(0, len(out)-40):])
			}
		})
	}
}

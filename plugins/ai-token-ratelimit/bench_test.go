//go:build !wasip1

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// benchModule is the module without the watchdog, which would add a goroutine per guest call.
func benchModule(b *testing.B) *wasmhost.Module {
	m, err := wasmhost.Load(wasmhost.PluginPath(b, "."), wasmhost.WithCallTimeout(0))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { m.Close() })
	return m
}

func benchPlugin(b *testing.B, m *wasmhost.Module, config string) *wasmhost.Plugin {
	p, err := m.NewPlugin(config, wasmhost.WithLogLevel(wasmhost.LevelInfo))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(p.Close)
	return p
}

// noMatch is the baseline: the same module and framework work (the body buffered, the answer
// read) for a consumer no key matches, so the plugin itself does nothing.
const noMatch = `{"limit_by_consumer": true, "limit_keys": [{"key": "nobody", "token_per_minute": 1000000000}]}`

var benchRequest = wasmhost.H(":method", "POST", ":path", "/v1/chat/completions", ":authority", "gw.example.com",
	"content-type", "application/json", "x-mse-consumer", "alice", "x-request-id", "5f0c7e2a-3b1d-4c8e-9a6f-2d7b1e0c4a93")

var benchBody = []byte(`{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful assistant."},` +
	`{"role":"user","content":"` + strings.Repeat("Tell me about token budgets. ", 20) + `"}],"max_tokens":256}`)

// BenchmarkJSONAnswer prices what the plugin adds to a chat request with a JSON answer
// carrying usage: admission (local backend), the prompt estimate, usage read and charged.
// Each iteration plays the baseline and the case, interleaved so machine noise hits both.
func BenchmarkJSONAnswer(b *testing.B) {
	m := benchModule(b)
	base := benchPlugin(b, m, noMatch)
	answer := []byte(openAI(180, 120))
	resp := wasmhost.H(":status", "200", "content-type", "application/json")
	for _, tc := range []struct{ name, config string }{
		{"star-key", `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 1000000000}]}`},
		{"wso2-four-budgets", `{"limit_by_consumer": true, "limit_keys": [{"key": "alice", "prompt_token_per_minute": 1000000000,
			"completion_token_per_minute": 1000000000, "token_per_minute": 1000000000, "request_per_minute": 1000000000}]}`},
		{"star-key-reserve", `{"limit_by_consumer": true, "reserve": true, "limit_keys": [{"key": "*", "token_per_minute": 1000000000}]}`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p := benchPlugin(b, m, tc.config)
			x := wasmhost.Exchange{Request: benchRequest, Body: benchBody, Response: resp, ResponseBody: answer}
			var baseTime, caseTime time.Duration
			var s *wasmhost.Stream
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if _, err := base.Play(x); err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				var err error
				if s, err = p.Play(x); err != nil {
					b.Fatal(err)
				}
				baseTime, caseTime = baseTime+mid.Sub(start), caseTime+time.Since(mid)
			}
			b.StopTimer()
			n := float64(b.N)
			b.ReportMetric(float64(caseTime.Nanoseconds())/n, "ns/cycle")
			b.ReportMetric(float64(baseTime.Nanoseconds())/n, "ns/baseline")
			b.ReportMetric(float64((caseTime-baseTime).Nanoseconds())/n, "ns/added")
			if v, _ := s.Property("ai_tokens_charged"); v != "300" {
				b.Fatalf("charged %q", v)
			}
		})
	}
}

// BenchmarkSSEScan measures the throughput of a streamed answer through the plugin, which
// follows every event for usage and the completion estimate: 1000 OpenAI chunks of one token
// and a usage chunk, delivered in 4 KiB pieces. Reported: MB/s of the case, and the baseline
// (the framework's event parsing without the plugin's work).
func BenchmarkSSEScan(b *testing.B) {
	m := benchModule(b)
	var stream strings.Builder
	for i := 0; i < 1000; i++ {
		stream.WriteString(`data: {"id":"chatcmpl-abc123","object":"chat.completion.chunk","created":1732147200,"model":"gpt-4o-mini",` +
			`"choices":[{"index":0,"delta":{"content":" token"},"finish_reason":null}],"usage":null}` + "\n\n")
	}
	stream.WriteString(`data: {"id":"chatcmpl-abc123","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":1000,"total_tokens":1010}}` + "\n\ndata: [DONE]\n\n")
	body := []byte(stream.String())
	body2 := []byte(`{"model":"gpt-4o-mini","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}`)
	resp := wasmhost.H(":status", "200", "content-type", "text/event-stream")
	run := func(p *wasmhost.Plugin) (*wasmhost.Stream, time.Duration) {
		start := time.Now()
		s := p.NewStream()
		if _, err := s.RequestHeaders(benchRequest, false); err != nil {
			b.Fatal(err)
		}
		if _, err := s.RequestBody(body2, true); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ResponseHeaders(resp, false); err != nil {
			b.Fatal(err)
		}
		for off := 0; off < len(body); off += 4096 {
			end := min(off+4096, len(body))
			if _, err := s.ResponseBody(body[off:end], end == len(body)); err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Complete(); err != nil {
			b.Fatal(err)
		}
		return s, time.Since(start)
	}
	base := benchPlugin(b, m, noMatch)
	p := benchPlugin(b, m, `{"limit_by_consumer": true, "limit_keys": [{"key": "*", "token_per_minute": 1000000000}],
		"on_exhausted_mid_stream": "finish"}`)
	var baseTime, caseTime time.Duration
	var s *wasmhost.Stream
	b.SetBytes(int64(len(body)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, d := run(base)
		baseTime += d
		var dc time.Duration
		s, dc = run(p)
		caseTime += dc
	}
	b.StopTimer()
	mb := float64(len(body)) * float64(b.N) / 1e6
	b.ReportMetric(mb/caseTime.Seconds(), "MB/s-case")
	b.ReportMetric(mb/baseTime.Seconds(), "MB/s-baseline")
	if v, _ := s.Property("ai_tokens_charged"); v != "1010" {
		b.Fatalf("charged %q", v)
	}
}

//go:build !wasip1

package main

import (
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// BenchmarkKeyRateLimit prices what the plugin adds to one admitted header-only request cycle
// (context, request headers, response headers, done) with the local backend and a limit no run
// reaches. Each iteration plays the cycle twice, interleaved so that machine noise hits both
// alike: on a baseline where no key matches (the plugin reads the consumer and does nothing
// else), and on the case measured, counted by consumer under an exact key (plain shared
// data), under "*" (the bounded table), and under the exact key without quota headers.
// Reported: ns/op for both cycles, ns/cycle for the case alone, ns/baseline, and ns/added,
// their difference. The watchdog is off: it would add a goroutine per guest call.
func BenchmarkKeyRateLimit(b *testing.B) {
	m, err := wasmhost.Load(modulePath(b), wasmhost.WithCallTimeout(0))
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	const huge = `"query_per_second": 1000000000`
	newBench := func(config string) *wasmhost.Plugin {
		p, err := m.NewPlugin(config, wasmhost.WithLogLevel(wasmhost.LevelInfo))
		if err != nil {
			b.Fatal(err)
		}
		return p
	}
	base := newBench(`{"limit_by_consumer": true, "limit_keys": [{"key": "nobody", ` + huge + `}]}`)
	defer base.Close()
	req := wasmhost.H(":method", "POST", ":path", "/v1/chat/completions", ":authority", "gw.example.com",
		"content-type", "application/json", "user-agent", "OpenAI/Python 1.55.0", "x-mse-consumer", "alice",
		"x-request-id", "5f0c7e2a-3b1d-4c8e-9a6f-2d7b1e0c4a93")
	resp := wasmhost.H(":status", "200", "content-type", "application/json")
	play := func(p *wasmhost.Plugin) (*wasmhost.Stream, time.Duration) {
		start := time.Now()
		s, err := p.Play(wasmhost.Exchange{Request: req, Response: resp})
		if err != nil {
			b.Fatal(err)
		}
		return s, time.Since(start)
	}
	for _, tc := range []struct {
		name, config string
		headers      bool
	}{
		{"exact-key", `{"limit_by_consumer": true, "limit_keys": [{"key": "alice", ` + huge + `}]}`, true},
		{"star-key-table", `{"limit_by_consumer": true, "limit_keys": [{"key": "*", ` + huge + `}]}`, true},
		{"exact-key-headers-off", `{"limit_by_consumer": true, "show_limit_quota_header": false, "limit_keys": [{"key": "alice", ` + huge + `}]}`, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p := newBench(tc.config)
			defer p.Close()
			var baseTime, caseTime time.Duration
			var s *wasmhost.Stream
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_, d := play(base)
				baseTime += d
				s, d = play(p)
				caseTime += d
			}
			b.StopTimer()
			n := float64(b.N)
			b.ReportMetric(float64(caseTime.Nanoseconds())/n, "ns/cycle")
			b.ReportMetric(float64(baseTime.Nanoseconds())/n, "ns/baseline")
			b.ReportMetric(float64((caseTime-baseTime).Nanoseconds())/n, "ns/added")
			h, _ := s.ClientResponse()
			if h.Has("x-ratelimit-limit") != tc.headers || s.LocalResponse() != nil {
				b.Fatalf("last answer %v", h)
			}
			if got, _ := p.Metric("key_rate_limit_allowed"); got != int64(b.N) {
				b.Fatalf("%d requests allowed of %d", got, b.N)
			}
		})
	}
}

//go:build !wasip1

package main_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

func consumerKey(i int) string { return fmt.Sprintf("sk-bench-%08d-9c1e7a3f5b2d", i) }

// manyConsumers is a configuration with n consumers, consumer-i holding consumerKey(i), and
// extra members appended.
func manyConsumers(n int, extra string) string {
	var b strings.Builder
	b.WriteString(`{"consumers": [`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name": "consumer-%d", "credential": %q}`, i, consumerKey(i))
	}
	b.WriteString("]" + extra + "}")
	return b.String()
}

// sdkRequest is a chat completion's headers as the OpenAI Python SDK sends them, after Envoy.
func sdkRequest(key string) wasmhost.Headers {
	return wasmhost.H(":authority", "gw.example.com", ":path", "/v1/chat/completions", ":method", "POST",
		":scheme", "https", "accept-encoding", "gzip, deflate", "accept", "application/json",
		"content-type", "application/json", "user-agent", "OpenAI/Python 1.55.0",
		"x-stainless-lang", "python", "x-stainless-package-version", "1.55.0", "x-stainless-os", "Linux",
		"x-stainless-arch", "x64", "x-stainless-runtime", "CPython", "x-stainless-runtime-version", "3.12.3",
		"authorization", "Bearer "+key, "x-stainless-async", "false", "x-stainless-retry-count", "0",
		"x-stainless-read-timeout", "600", "content-length", "95", "x-forwarded-proto", "https",
		"x-request-id", "5f0c7e2a-3b1d-4c8e-9a6f-2d7b1e0c4a93")
}

// BenchmarkKeyAuth10kConsumers prices one header-only request cycle (context, request
// headers, response headers, done) with a valid key in Authorization: Bearer, against 10k
// consumers and against one, and the same module where no key is needed (global_auth false:
// key-auth only removes x-mse-consumer), the baseline. The watchdog is off: it would add a
// goroutine per guest call.
func BenchmarkKeyAuth10kConsumers(b *testing.B) {
	m, err := wasmhost.Load(modulePath(b), wasmhost.WithCallTimeout(0))
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	for _, tc := range []struct {
		name, config string
		key          int
	}{
		{"baseline-auth-off", manyConsumers(1, `, "global_auth": false`), 0},
		{"1-consumer", manyConsumers(1, ""), 0},
		{"1-consumer-1-key", manyConsumers(1, `, "keys": ["authorization"]`), 0},
		{"10k-consumers", manyConsumers(10000, ""), 7777},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p, err := m.NewPlugin(tc.config, wasmhost.WithLogLevel(wasmhost.LevelInfo))
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			req := sdkRequest(consumerKey(tc.key))
			resp := wasmhost.H(":status", "200")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := p.Play(wasmhost.Exchange{Request: req, Response: resp}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if tc.name != "baseline-auth-off" {
				if n, _ := p.Metric("key_auth_allowed"); n != int64(b.N) {
					b.Fatalf("%d requests allowed of %d", n, b.N)
				}
			}
		})
	}
}

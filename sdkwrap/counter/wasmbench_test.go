//go:build !wasip1

package counter_test

import (
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// BenchmarkLocalTake measures what a Local Take adds to a request in the wasm host. Each
// iteration runs one header-only request cycle (context create, request headers, done, log,
// delete) on a probe that skips the Take (backend none: the same header reads) and one on a
// probe that makes it, interleaved so that machine noise hits both alike. Reported per
// iteration: ns/cycle, ns/cycle+take, and their difference ns/take - the counter's own cost,
// a shared-data read and a compare-and-swap write included.
func BenchmarkLocalTake(b *testing.B) {
	for _, c := range []struct{ name, config string }{
		{"fixed", `{"backend":"local","limit":9007199254740992,"window_ms":60000,"quiet":true}`},
		{"sliding", `{"backend":"local","limit":9007199254740992,"window_ms":60000,"sliding":true,"quiet":true}`},
		{"table-sliding", `{"backend":"table","table_keys":10000,"limit":9007199254740992,"window_ms":60000,"sliding":true,"quiet":true}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			// The watchdog off: it costs every guest call a goroutine and would blur the price.
			m, err := wasmhost.Load(probePath(b), wasmhost.WithCallTimeout(0))
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			base := newPlugin(b, m, `{"backend":"none"}`)
			take := newPlugin(b, m, c.config)
			h := wasmhost.H(":method", "GET", ":path", "/", ":authority", "gw", "x-key", "alice")
			cycle := func(p *wasmhost.Plugin) time.Duration {
				start := time.Now()
				s := p.NewStream()
				if _, err := s.RequestHeaders(h, true); err != nil {
					b.Fatal(err)
				}
				if err := s.Complete(); err != nil {
					b.Fatal(err)
				}
				if s.LocalResponse() != nil {
					b.Fatal("denied")
				}
				return time.Since(start)
			}
			var baseTime, takeTime time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				baseTime += cycle(base)
				takeTime += cycle(take)
			}
			n := float64(b.N)
			b.ReportMetric(float64(baseTime.Nanoseconds())/n, "ns/cycle")
			b.ReportMetric(float64(takeTime.Nanoseconds())/n, "ns/cycle+take")
			b.ReportMetric(float64((takeTime-baseTime).Nanoseconds())/n, "ns/take")
		})
	}
}

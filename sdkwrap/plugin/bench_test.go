package plugin_test

import (
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// BenchmarkHeaderCycle prices the framework: one header-only request and response through
// wasmhost's passthrough test plugin (raw SDK) and through fwpass, the same plugin written
// with sdkwrap/plugin (which also reads x-request-id and matches rules on every request).
func BenchmarkHeaderCycle(b *testing.B) {
	for _, tc := range []struct{ name, dir string }{
		{"raw-sdk", "../wasmhost/testdata/passthrough"},
		{"framework", "testdata/fwpass"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			path, err := wasmhost.BuildPlugin(tc.dir)
			if err != nil {
				b.Fatal(err)
			}
			m, err := wasmhost.Load(path, wasmhost.WithCallTimeout(0)) // no watchdog: price the plugin
			if err != nil {
				b.Fatal(err)
			}
			defer m.Close()
			p, err := m.NewPlugin("{}")
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			req := wasmhost.H(":method", "GET", ":path", "/v1/models", ":authority", "gw", "x-request-id", "r")
			resp := wasmhost.H(":status", "200")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := p.Play(wasmhost.Exchange{Request: req, Response: resp}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

package wasmhost

import "testing"

// BenchmarkSharedDataCAS prices one shared-data read plus compare-and-swap write, the floor of
// any counter: the probe's x-count request (GetSharedData + SetSharedData) against the same
// request without it, interleaved.
func BenchmarkSharedDataCAS(b *testing.B) {
	p := newBenchPluginOn(b, benchModule(b, "probe"))
	plain := H(":method", "GET", ":path", "/", ":authority", "gw")
	counted := H(":method", "GET", ":path", "/", ":authority", "gw", "x-count", "1")
	run := func(h Headers) {
		s := p.NewStream()
		if _, err := s.RequestHeaders(h, true); err != nil {
			b.Fatal(err)
		}
		if err := s.Complete(); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("without", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			run(plain)
		}
	})
	b.Run("with", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			run(counted)
		}
	})
}

package wasmhost

import (
	"os"
	"testing"
)

// The figures the foundation promises (see README.md): one request cycle of a header-only
// plugin, the same with one HTTP callout, module size, and memory after many requests.

var benchRequest = H(":method", "GET", ":path", "/", ":authority", "bench")

// cycle runs one request the way Envoy does for a header-only request.
func cycle(tb testing.TB, p *Plugin) {
	if _, err := p.Play(Exchange{Request: benchRequest}); err != nil {
		tb.Fatal(err)
	}
}

func newBenchPlugin(tb testing.TB, name string, opts ...PluginOption) *Plugin {
	return newBenchPluginOn(tb, benchModule(tb, name), opts...)
}

func newBenchPluginOn(tb testing.TB, m *Module, opts ...PluginOption) *Plugin {
	p, err := m.NewPlugin("", opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Close)
	return p
}

// benchModule loads a test plugin with the watchdog off: the benchmarks price the host's
// calls, and the watchdog's cost is measured on its own (BenchmarkHeaderOnlyCycleWatchdog).
func benchModule(tb testing.TB, name string) *Module {
	path, err := BuildPlugin("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := Load(path, WithCallTimeout(0))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { m.Close() })
	return m
}

// BenchmarkHeaderOnlyCycleWatchdog is BenchmarkHeaderOnlyCycle with the default watchdog on:
// wazero then watches every guest call with a goroutine of its own.
func BenchmarkHeaderOnlyCycleWatchdog(b *testing.B) {
	p := newBenchPluginOn(b, testModule(b, "passthrough"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cycle(b, p)
	}
}

// BenchmarkHeaderOnlyCycle: context create, request headers, done, log, delete.
func BenchmarkHeaderOnlyCycle(b *testing.B) {
	p := newBenchPlugin(b, "passthrough")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cycle(b, p)
	}
}

// BenchmarkBaselineFiveEmptyCalls is the floor the cycle benchmarks are read against: five
// wazero calls of an export that does nothing (the ABI marker), the same number of guest
// entries as a header-only cycle, with no plugin or host-function work.
func BenchmarkBaselineFiveEmptyCalls(b *testing.B) {
	p := newBenchPlugin(b, "passthrough")
	v := p.workers[0]
	marker := v.mod.ExportedFunction("proxy_abi_version_0_2_1")
	stack := make([]uint64, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j := 0; j < 5; j++ {
			if err := marker.CallWithStack(v.ctx, stack); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCalloutCycle: the same with one proxy_http_call answered by a static cluster and
// the request resumed from the callback.
func BenchmarkCalloutCycle(b *testing.B) {
	p := newBenchPlugin(b, "callout", WithCluster("upstream", StaticResponse{Status: 200}))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cycle(b, p)
	}
	b.StopTimer()
	if calls := len(p.HttpCalls()); calls < b.N {
		b.Fatalf("%d calls for %d requests", calls, b.N)
	}
}

// BenchmarkModuleSize reports the size of the built header-only module.
func BenchmarkModuleSize(b *testing.B) {
	path, err := BuildPlugin("testdata/passthrough")
	if err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
	}
	b.ReportMetric(float64(fi.Size())/(1<<20), "MiB")
}

// BenchmarkMemoryAfterRequests reports the guest's linear memory after 100k and 1M cycles
// (run with -benchtime=1x).
func BenchmarkMemoryAfterRequests(b *testing.B) {
	at100k, at1M := memoryAfter(b)
	b.ReportMetric(float64(at100k)/(1<<20), "MiB@100k")
	b.ReportMetric(float64(at1M)/(1<<20), "MiB@1M")
}

func memoryAfter(tb testing.TB) (at100k, at1M uint32) {
	p := newBenchPlugin(tb, "passthrough")
	for i := 1; i <= 1_000_000; i++ {
		cycle(tb, p)
		if i == 100_000 {
			at100k = p.MemorySize(0)
		}
	}
	return at100k, p.MemorySize(0)
}

// TestMemoryDoesNotGrowBetween100kAnd1MRequests is the leak check behind the benchmark:
// linear memory never shrinks, so any per-request leak shows as growth.
func TestMemoryDoesNotGrowBetween100kAnd1MRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("1M requests; skipped with -short")
	}
	at100k, at1M := memoryAfter(t)
	if at1M > at100k {
		t.Fatalf("guest memory grew from %d to %d bytes between 100k and 1M requests", at100k, at1M)
	}
	t.Logf("guest memory: %d KiB after 100k requests, %d KiB after 1M", at100k>>10, at1M>>10)
}

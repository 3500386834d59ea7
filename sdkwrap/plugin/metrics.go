package plugin

import (
	"strings"

	"github.com/tetratelabs/proxy-wasm-go-sdk/proxywasm"
)

// Metrics are Envoy stats: a counter named "requests_denied" of plugin "key-auth" is
// key_auth_requests_denied in /stats/prometheus (Envoy stores it as
// wasmcustom.key_auth_requests_denied). Define them in Start; keep names fixed - a name
// built from request data (a model, a consumer) would grow Envoy's memory without bound.

// Counter defines (or finds) a counter.
func (r *Root[C]) Counter(name string) Counter {
	return Counter{proxywasm.DefineCounterMetric(r.metricName(name))}
}

// Gauge defines (or finds) a gauge.
func (r *Root[C]) Gauge(name string) Gauge {
	return Gauge{proxywasm.DefineGaugeMetric(r.metricName(name))}
}

// Histogram defines (or finds) a histogram.
func (r *Root[C]) Histogram(name string) Histogram {
	return Histogram{proxywasm.DefineHistogramMetric(r.metricName(name))}
}

func (r *Root[C]) metricName(name string) string {
	return strings.ReplaceAll(r.name, "-", "_") + "_" + name
}

// Counter only goes up.
type Counter struct{ m proxywasm.MetricCounter }

// Add adds n; Envoy rejects increments of 0, so they are skipped.
func (c Counter) Add(n uint64) {
	if n > 0 {
		c.m.Increment(n)
	}
}

// Inc adds one.
func (c Counter) Inc() { c.m.Increment(1) }

// Gauge goes up and down.
type Gauge struct{ m proxywasm.MetricGauge }

// Add changes the gauge by delta.
func (g Gauge) Add(delta int64) {
	if delta != 0 {
		g.m.Add(delta)
	}
}

// Histogram records values (durations in milliseconds, sizes in bytes).
type Histogram struct{ m proxywasm.MetricHistogram }

// Record records one value.
func (h Histogram) Record(v uint64) { h.m.Record(v) }

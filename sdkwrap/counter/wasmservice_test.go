//go:build !wasip1

package counter_test

import (
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/testbed"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// Limits per day: a window boundary in the middle of the test is as unlikely as it gets.
const serviceLimits = `
domain: aiwasm
descriptors:
  - key: consumer
    value: alice
    rate_limit: {unit: day, requests_per_unit: 4}
`

func reverseProxyTo(addr string) http.Handler {
	return httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: addr})
}

// The real envoyproxy/ratelimit service on a real Redis, reached through proxy_http_call.
func TestRatelimitServiceInWasm(t *testing.T) {
	redis := testbed.MustStartRedis(t, "")
	rl := testbed.MustStartRatelimit(t, redis, serviceLimits)
	p := newPlugin(t, defaultProbe(t), `{"backend":"service","cluster":"ratelimit","domain":"aiwasm"}`,
		wasmhost.WithCluster("ratelimit", reverseProxyTo(rl.HTTPAddr)))
	for i, want := range []int64{3, 1} {
		cost := []string{"1", "2"}[i]
		a := send(t, p, 0, "alice", "x-cost", cost)
		if !a.allowed || a.int("x-limit") != 4 || a.int("x-remaining") != want || a.int("x-reset-ms") <= 0 {
			t.Fatalf("request %d (cost %s): %+v", i+1, cost, a)
		}
	}
	if a := send(t, p, 0, "alice"); !a.allowed || a.int("x-remaining") != 0 {
		t.Fatalf("4th unit: %+v", a)
	}
	for i := range 2 {
		a := send(t, p, 0, "alice")
		if a.allowed || a.int("x-limit") != 4 || a.headers.Has("x-counter-error") {
			t.Fatalf("over the limit, try %d: %+v", i+1, a)
		}
	}
	// A descriptor the service has no limit for is unlimited.
	if b := send(t, p, 0, "bob"); !b.allowed || b.headers.Value("x-unlimited") != "true" {
		t.Fatalf("bob: %+v", b)
	}
	// The service cannot read without counting: the policy (fail closed here) applies.
	if a := send(t, p, 0, "bob", "x-cost", "0"); a.allowed || !strings.Contains(a.headers.Value("x-counter-error"), "cannot read") {
		t.Fatalf("cost 0: %+v", a)
	}
	calls := p.HttpCalls()
	if len(calls) != 6 {
		t.Fatalf("%d calls to the service, want 6", len(calls))
	}
	if c := calls[1]; c.Headers.Value(":path") != "/json" || c.Headers.Value(":method") != "POST" ||
		string(c.Body) != `{"domain":"aiwasm","descriptors":[{"entries":[{"key":"consumer","value":"alice"}]}],"hits_addend":2}` {
		t.Fatalf("call %+v body %s", c.Headers, c.Body)
	}
	if v := metric(t, p, "probe_backend_errors"); v != 1 {
		t.Fatalf("probe_backend_errors = %d, want 1 (the cost 0 read)", v)
	}
}

// A service that cannot be reached: Envoy's own 503 / 504, a reset, or the service failing
// (502 from the proxy, 400 when its Redis is down). Fail open admits, fail closed denies,
// both count the error and warn.
func TestRatelimitServiceDownInWasm(t *testing.T) {
	handlers := map[string]http.Handler{
		"gateway 503": wasmhost.StaticResponse{Status: 503, Body: []byte("no healthy upstream")},
		"reset":       http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }),
		"timeout": http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(300 * time.Millisecond)
		}),
		"service 400": wasmhost.StaticResponse{Status: 400, Headers: wasmhost.H("x-envoy-upstream-service-time", "1"), Body: []byte("Bad Request\n")},
		"not json":    wasmhost.StaticResponse{Status: 200, Headers: wasmhost.H("x-envoy-upstream-service-time", "1"), Body: []byte("<html>")},
	}
	for name, h := range handlers {
		for _, failOpen := range []bool{true, false} {
			conf := `{"backend":"service","timeout_ms":100,"fail_open":` + map[bool]string{true: "true", false: "false"}[failOpen] + `}`
			p := newPlugin(t, defaultProbe(t), conf, wasmhost.WithCluster("ratelimit", h))
			for i := range 2 {
				a := send(t, p, 0, "alice")
				if a.allowed != failOpen || a.headers.Value("x-counter-error") == "" {
					t.Fatalf("%s, fail open %v: %+v", name, failOpen, a)
				}
				if i == 0 && failOpen {
					t.Logf("%s: %s", name, a.headers.Value("x-counter-error"))
				}
			}
			if v := metric(t, p, "probe_backend_errors"); v != 2 {
				t.Fatalf("%s: probe_backend_errors = %d, want 2", name, v)
			}
			warns := p.LogsAt(wasmhost.LevelWarn)
			if len(warns) != 1 || !strings.Contains(warns[0].Message, "counterprobe: rate-limit counter failed for [consumer]") ||
				strings.Contains(warns[0].Message, "alice") {
				t.Fatalf("%s: warnings %v", name, warns)
			}
		}
	}
}

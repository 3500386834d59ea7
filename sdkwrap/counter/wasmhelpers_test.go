//go:build !wasip1

package counter_test

import (
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// t0 is a minute boundary (Unix ms): test clocks start there so windows line up.
const t0 = 1_795_240_980_000

// probePath builds testdata/counterprobe (with build tags) once per test binary.
func probePath(t testing.TB, tags ...string) string {
	return wasmhost.PluginPath(t, "testdata/counterprobe", tags...)
}

// defaultProbe is the probe as upstream Envoy loads it (strict import check on), loaded once.
func defaultProbe(t testing.TB) *wasmhost.Module {
	return wasmhost.SharedModule(t, "testdata/counterprobe")
}

// newPlugin starts a probe plugin whose clock stands at t0 unless opts say otherwise.
func newPlugin(t testing.TB, m *wasmhost.Module, config string, opts ...wasmhost.PluginOption) *wasmhost.Plugin {
	t.Helper()
	opts = append([]wasmhost.PluginOption{wasmhost.WithClock(wasmhost.NewClock(time.UnixMilli(t0)))}, opts...)
	return m.TestPlugin(t, config, opts...)
}

// answer is what became of one request.
type answer struct {
	allowed bool
	headers wasmhost.Headers // the 429's headers, or those of the request sent upstream
}

func (a answer) int(name string) int64 {
	n, _ := strconv.ParseInt(a.headers.Value(name), 10, 64)
	return n
}

// send runs one request with x-key: key (and more headers) on worker and completes it.
func send(t testing.TB, p *wasmhost.Plugin, worker int, key string, more ...string) answer {
	t.Helper()
	a, err := trySend(p, worker, key, more...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// trySend is send for goroutines other than the test's, which must not call t.Fatal.
func trySend(p *wasmhost.Plugin, worker int, key string, more ...string) (answer, error) {
	s := p.NewStreamOn(worker)
	h := wasmhost.H(append([]string{":method", "POST", ":path", "/v1/chat/completions", ":authority", "gw", "x-key", key}, more...)...)
	if _, err := s.RequestHeaders(h, true); err != nil {
		return answer{}, err
	}
	var a answer
	if lr := s.LocalResponse(); lr != nil {
		if lr.Status != 429 {
			return a, fmt.Errorf("local response %d %s", lr.Status, lr.Body)
		}
		a.headers = lr.Headers
	} else {
		if s.RequestPaused() {
			return a, errors.New("the request is still paused: the counter never answered")
		}
		a.allowed = true
		a.headers, _ = s.UpstreamRequest()
	}
	return a, s.Complete()
}

func metric(t testing.TB, p *wasmhost.Plugin, name string) int64 {
	t.Helper()
	v, ok := p.Metric(name)
	if !ok {
		t.Fatalf("metric %s is not defined", name)
	}
	return v
}

//go:build !wasip1

package main

// Helpers of the tests that run the compiled module in the wazero host.

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// modulePath is the plugin compiled to Wasm (with build tags), for tests that load it their
// own way.
func modulePath(t testing.TB, tags ...string) string { return wasmhost.PluginPath(t, ".", tags...) }

// module is the default build, compiled and loaded once per test binary, with the host's
// watchdog.
func module(t testing.TB) *wasmhost.Module { return wasmhost.SharedModule(t, ".") }

// t0 is midnight UTC: a boundary of every window size, so tests know where windows start.
var t0 = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)

// newPlugin configures the plugin with its clock at t0 (unless opts bring another).
func newPlugin(t testing.TB, config string, opts ...wasmhost.PluginOption) *wasmhost.Plugin {
	t.Helper()
	return newPluginOf(t, module(t), config, opts...)
}

func newPluginOf(t testing.TB, m *wasmhost.Module, config string, opts ...wasmhost.PluginOption) *wasmhost.Plugin {
	t.Helper()
	opts = append([]wasmhost.PluginOption{wasmhost.WithClock(wasmhost.NewClock(t0))}, opts...)
	return m.TestPlugin(t, config, opts...)
}

// refused configures the plugin expecting a refusal and returns the error's text.
func refused(t *testing.T, config string) string {
	t.Helper()
	_, err := module(t).NewPlugin(config)
	if err == nil {
		t.Fatalf("configuration accepted: %s", config)
	}
	return err.Error()
}

// result is what became of one request.
type result struct {
	s        *wasmhost.Stream
	status   int // the plugin's own answer; 0 when the request went upstream
	local    *wasmhost.LocalResponse
	upstream wasmhost.Headers
	response wasmhost.Headers // what the client got: the local answer's or the upstream's
}

// header is a response header's value, "" when absent.
func (r result) header(name string) string { return r.response.Value(name) }

func (r result) int(name string) int64 {
	n, err := strconv.ParseInt(r.header(name), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// errorBody is the OpenAI error of a local answer.
func (r result) errorBody(t testing.TB) (message, errType, code string) {
	t.Helper()
	var b struct {
		Error struct{ Message, Type, Code string }
	}
	if err := json.Unmarshal(r.local.Body, &b); err != nil {
		t.Fatalf("answer %q is not JSON: %v", r.local.Body, err)
	}
	return b.Error.Message, b.Error.Type, b.Error.Code
}

// sendOn runs one header-only request with headers (name, value, ...) on worker; when it
// goes upstream, the upstream answers 200. The stream is completed.
func sendOn(t testing.TB, p *wasmhost.Plugin, worker int, headers ...string) result {
	t.Helper()
	s := p.NewStreamOn(worker)
	return finish(t, s, headers...)
}

// send is sendOn worker 0 with a GET of /v1/models unless headers say otherwise.
func send(t testing.TB, p *wasmhost.Plugin, headers ...string) result {
	t.Helper()
	return sendOn(t, p, 0, headers...)
}

func finish(t testing.TB, s *wasmhost.Stream, headers ...string) result {
	t.Helper()
	kv := []string{":method", "GET", ":path", "/v1/models", ":authority", "gw.local", "x-request-id", "req-1"}
	for i := 0; i+1 < len(headers); i += 2 {
		if strings.HasPrefix(headers[i], ":") {
			kv = replace(kv, headers[i], headers[i+1])
		} else {
			kv = append(kv, headers[i], headers[i+1])
		}
	}
	if _, err := s.RequestHeaders(wasmhost.H(kv...), true); err != nil {
		t.Fatal(err)
	}
	r := result{s: s, local: s.LocalResponse()}
	r.upstream, _ = s.UpstreamRequest()
	switch {
	case r.local != nil:
		r.status, r.response = r.local.Status, r.local.Headers
	case s.RequestPaused():
		t.Fatalf("the request is still paused")
	default:
		if _, err := s.ResponseHeaders(wasmhost.H(":status", "200", "content-type", "application/json"), true); err != nil {
			t.Fatal(err)
		}
		r.response, _ = s.ClientResponse()
	}
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}
	return r
}

// replace sets a pseudo-header in a name, value list.
func replace(kv []string, name, value string) []string {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == name {
			kv[i+1] = value
			return kv
		}
	}
	return append(kv, name, value)
}

// consumer is the header key-auth sets for an authenticated consumer.
func consumer(name string) []string { return []string{"x-mse-consumer", name} }

// statuses sends n requests with headers and lists what each got (0: passed).
func statuses(t testing.TB, p *wasmhost.Plugin, n int, headers ...string) []int {
	t.Helper()
	out := make([]int, n)
	for i := range out {
		out[i] = send(t, p, headers...).status
	}
	return out
}

func metric(p *wasmhost.Plugin, name string) int64 {
	v, _ := p.Metric(name)
	return v
}

// same compares two lists of statuses.
func same(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

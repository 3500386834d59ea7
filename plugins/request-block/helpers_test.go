//go:build !wasip1

package main

// Helpers of the tests that run the compiled module in the wazero host (plugin_test.go,
// bench_test.go).

import (
	"strconv"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// module is this plugin, compiled to Wasm and loaded once per test binary.
func module(t testing.TB) *wasmhost.Module { return wasmhost.SharedModule(t, ".") }

func newPlugin(t testing.TB, config string, opts ...wasmhost.PluginOption) *wasmhost.Plugin {
	t.Helper()
	return module(t).TestPlugin(t, config, opts...)
}

// outcome is what became of one request.
type outcome struct {
	s          *wasmhost.Stream
	headersAct wasmhost.Action
	local      *wasmhost.LocalResponse
	upstream   wasmhost.Headers
	body       []byte // what reached the upstream
}

// blocked reports whether the plugin answered with status.
func (o outcome) blocked(status int) bool { return o.local != nil && o.local.Status == status }

// passed reports whether the request went upstream whole: no local answer, and all of
// body delivered.
func (o outcome) passed(body string) bool { return o.local == nil && string(o.body) == body }

// req is one request to send: method, path, extra headers (name, value, ...) and a body,
// delivered in two chunks; an empty body means a header-only request.
type req struct {
	method, path string
	headers      []string
	body         string
	noLength     bool // leave content-length out (a chunked or HTTP/2 body)
}

func send(t testing.TB, p *wasmhost.Plugin, r req) outcome {
	t.Helper()
	if r.method == "" {
		r.method = "POST"
	}
	kv := []string{":method", r.method, ":path", r.path, ":authority", "gw.local", "x-request-id", "req-1"}
	if r.body != "" && !r.noLength {
		kv = append(kv, "content-length", strconv.Itoa(len(r.body)))
	}
	kv = append(kv, r.headers...)
	s := p.NewStream()
	o := outcome{s: s}
	var err error
	if o.headersAct, err = s.RequestHeaders(wasmhost.H(kv...), r.body == ""); err != nil {
		t.Fatal(err)
	}
	if r.body != "" && s.LocalResponse() == nil {
		half := len(r.body) / 2
		if _, err := s.RequestBody([]byte(r.body[:half]), false); err != nil {
			t.Fatal(err)
		}
		if s.LocalResponse() == nil {
			if _, err := s.RequestBody([]byte(r.body[half:]), true); err != nil {
				t.Fatal(err)
			}
		}
	}
	o.local = s.LocalResponse()
	o.upstream, o.body = s.UpstreamRequest()
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}
	return o
}

// get sends a header-only GET.
func get(t testing.TB, p *wasmhost.Plugin, path string, headers ...string) outcome {
	t.Helper()
	return send(t, p, req{method: "GET", path: path, headers: headers})
}

// post sends a POST with a JSON body.
func post(t testing.TB, p *wasmhost.Plugin, path, body string, headers ...string) outcome {
	t.Helper()
	return send(t, p, req{path: path, body: body, headers: append([]string{"content-type", "application/json"}, headers...)})
}

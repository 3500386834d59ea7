//go:build !wasip1

package main

// Helpers of the tests that run the compiled module in the wazero host, with the fake LLM
// (e2e/fakellm) as the upstream: its answers are the real OpenAI shapes, JSON and SSE.

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

func module(t testing.TB) *wasmhost.Module { return wasmhost.SharedModule(t, ".") }

var t0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// newPlugin configures the plugin with its clock at t0 and the fake LLM as cluster
// "fakellm" (the semantic tests' embeddings endpoint).
func newPlugin(t testing.TB, config string, opts ...wasmhost.PluginOption) *wasmhost.Plugin {
	t.Helper()
	opts = append([]wasmhost.PluginOption{wasmhost.WithClock(wasmhost.NewClock(t0)),
		wasmhost.WithCluster("fakellm", fakeLLM(t))}, opts...)
	return module(t).TestPlugin(t, config, opts...)
}

func fakeLLM(t testing.TB) *fakellm.Handler {
	h, err := fakellm.New(fakellm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// refused configures the plugin expecting a refusal and returns the error's text.
func refused(t *testing.T, config string) string {
	t.Helper()
	p, err := module(t).NewPlugin(config)
	if err == nil {
		p.Close()
		t.Fatalf("configuration accepted: %s", config)
	}
	return err.Error()
}

// call is one request through the plugin.
type call struct {
	body    string
	headers []string // name, value, ...
	// upstream answers the request that went upstream; nil: the fake LLM answers it.
	upstream func(body []byte) (status int, contentType string, chunks []string)
}

// result is what became of one request.
type result struct {
	local      *wasmhost.LocalResponse // the plugin's own answer (a hit)
	reached    bool                    // the request went upstream
	upstreamH  wasmhost.Headers
	upstreamB  []byte
	headers    wasmhost.Headers // what the client got
	body       string
	filterSt   string // cache_status
	similarity string
}

func (r result) status() string { return r.headers.Value("x-ai-cache-status") }

// do runs c on a fresh stream of p (worker 0 unless on says otherwise).
func do(t testing.TB, p *wasmhost.Plugin, c call, on ...int) result {
	t.Helper()
	s := p.NewStream()
	if len(on) > 0 {
		s = p.NewStreamOn(on[0])
	}
	return run(t, s, c)
}

// doOnRoute runs c on a stream whose route is route (Envoy's and Higress's property).
func doOnRoute(t testing.TB, p *wasmhost.Plugin, route string, c call) result {
	t.Helper()
	s := p.NewStream()
	s.SetProperty("xds.route_name", route)
	s.SetProperty("route_name", route)
	return run(t, s, c)
}

func run(t testing.TB, s *wasmhost.Stream, c call) result {
	t.Helper()
	h := wasmhost.H(":method", "POST", ":path", "/v1/chat/completions", ":authority", "gw.local",
		"content-type", "application/json", "accept-encoding", "gzip", "x-request-id", "req-1")
	for i := 0; i+1 < len(c.headers); i += 2 {
		if strings.HasPrefix(c.headers[i], ":") {
			h = replaceHeader(h, c.headers[i], c.headers[i+1])
		} else {
			h = append(h, [2]string{c.headers[i], c.headers[i+1]})
		}
	}
	if _, err := s.RequestHeaders(h, c.body == ""); err != nil {
		t.Fatal(err)
	}
	if c.body != "" {
		if _, err := s.RequestBody([]byte(c.body), true); err != nil {
			t.Fatal(err)
		}
	}
	var r result
	r.local = s.LocalResponse()
	if r.local != nil {
		// Envoy passes the reply back through the plugin's own response callbacks.
		r.headers, _ = s.ClientResponse()
		if len(r.headers) == 0 {
			r.headers = r.local.Headers
		}
		r.body = string(r.local.Body)
	} else {
		if s.RequestPaused() {
			t.Fatal("the request is still paused")
		}
		r.reached = true
		r.upstreamH, r.upstreamB = s.UpstreamRequest()
		up := c.upstream
		if up == nil {
			up = fakeAnswer(t, r.upstreamH)
		}
		status, ct, chunks := up(r.upstreamB)
		if _, err := s.ResponseHeaders(wasmhost.H(":status", itoa(status), "content-type", ct), false); err != nil {
			t.Fatal(err)
		}
		for i, ch := range chunks {
			if _, err := s.ResponseBody([]byte(ch), i == len(chunks)-1); err != nil {
				t.Fatal(err)
			}
		}
		if len(chunks) == 0 {
			s.ResponseBody(nil, true)
		}
		var b []byte
		r.headers, b = s.ClientResponse()
		r.body = string(b)
	}
	r.filterSt, _ = s.Property("cache_status")
	r.similarity, _ = s.Property("cache_similarity")
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}
	return r
}

// fakeAnswer is the fake LLM's answer to what went upstream, cut in chunks of 7 bytes so
// events and JSON arrive split; a stream the fake cut (x-fake-cut-after) ends where it cut.
func fakeAnswer(t testing.TB, h wasmhost.Headers) func([]byte) (int, string, []string) {
	return func(body []byte) (int, string, []string) {
		req := httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(string(body)))
		for _, kv := range h {
			if !strings.HasPrefix(kv[0], ":") {
				req.Header.Add(kv[0], kv[1])
			}
		}
		rec := httptest.NewRecorder()
		func() {
			defer func() {
				if v := recover(); v != nil && v != http.ErrAbortHandler {
					panic(v)
				}
			}()
			fakeLLM(t).ServeHTTP(rec, req)
		}()
		return rec.Code, rec.Header().Get("content-type"), split(rec.Body.String(), 7)
	}
}

func split(s string, n int) []string {
	var out []string
	for len(s) > n {
		out, s = append(out, s[:n]), s[n:]
	}
	return append(out, s)
}

func replaceHeader(h wasmhost.Headers, name, value string) wasmhost.Headers {
	for i := range h {
		if h[i][0] == name {
			h[i][1] = value
			return h
		}
	}
	return append(h, [2]string{name, value})
}

func itoa(n int) string {
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	if s == "" {
		return "0"
	}
	return s
}

func metric(p *wasmhost.Plugin, name string) int64 {
	v, _ := p.Metric(name)
	return v
}

func consumer(name string) []string { return []string{"x-mse-consumer", name} }

// chatBody is a small chat request.
func chatBody(prompt string, extra ...string) string {
	b := `{"model":"gpt-4o-mini","messages":[{"role":"user","content":"` + prompt + `"}]`
	for _, e := range extra {
		b += "," + e
	}
	return b + "}"
}

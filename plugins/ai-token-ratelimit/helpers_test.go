//go:build !wasip1

package main

// Helpers of the tests that run the compiled module in the wazero host.

import (
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

func module(t testing.TB) *wasmhost.Module { return wasmhost.SharedModule(t, ".") }

// t0 is midnight UTC: a boundary of every window size.
var t0 = time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)

func newPlugin(t testing.TB, config string, opts ...wasmhost.PluginOption) *wasmhost.Plugin {
	t.Helper()
	opts = append([]wasmhost.PluginOption{wasmhost.WithClock(wasmhost.NewClock(t0))}, opts...)
	return module(t).TestPlugin(t, config, opts...)
}

func refused(t *testing.T, config string) string {
	t.Helper()
	_, err := module(t).NewPlugin(config)
	if err == nil {
		t.Fatalf("configuration accepted: %s", config)
	}
	return err.Error()
}

// call is one request: its headers (name, value, ...), body, and what answers it upstream -
// or, as a later plugin would, with filter state set before the answer passes back.
type call struct {
	headers []string
	path    string
	body    string
	state   map[string]string // filter state later plugins (ai-proxy, ai-cache) publish
	status  int               // the answer's status; 200 when 0
	answer  string            // a JSON answer
	events  []string          // or a stream, one chunk each
}

type result struct {
	s        *wasmhost.Stream
	local    *wasmhost.LocalResponse
	status   int    // the plugin's own answer; 0 when the request went on
	upBody   string // the request body as sent on
	response wasmhost.Headers
	body     string // what the client got
}

func (r result) header(name string) string { return r.response.Value(name) }

func (r result) int(name string) int64 {
	n, err := strconv.ParseInt(r.header(name), 10, 64)
	if err != nil {
		return -1
	}
	return n
}

func (r result) state(name string) string { v, _ := r.s.Property(name); return v }

func (r result) errorBody(t testing.TB) (message, errType, code string) {
	t.Helper()
	if r.local == nil {
		t.Fatalf("no refusal: the request went on (%v)", r.response)
	}
	var b struct {
		Error struct{ Message, Type, Code string }
	}
	if err := json.Unmarshal(r.local.Body, &b); err != nil {
		t.Fatalf("answer %q is not JSON: %v", r.local.Body, err)
	}
	return b.Error.Message, b.Error.Type, b.Error.Code
}

// begin sends the request of c on worker and returns its stream before any answer.
func begin(t testing.TB, p *wasmhost.Plugin, worker int, c call) (*wasmhost.Stream, result) {
	t.Helper()
	return beginOn(t, p.NewStreamOn(worker), c)
}

// runOn runs c on a stream the test prepared (properties set).
func runOn(t testing.TB, s *wasmhost.Stream, c call) result {
	t.Helper()
	s, r := beginOn(t, s, c)
	if r.local != nil {
		if err := s.Complete(); err != nil {
			t.Fatal(err)
		}
		return r
	}
	return answer(t, s, r, c)
}

func beginOn(t testing.TB, s *wasmhost.Stream, c call) (*wasmhost.Stream, result) {
	t.Helper()
	path := c.path
	if path == "" {
		path = "/v1/chat/completions"
	}
	h := wasmhost.H(append([]string{":method", "POST", ":path", path, ":authority", "gw.local",
		"content-type", "application/json", "x-request-id", "req-1"}, c.headers...)...)
	body := c.body
	if body == "" {
		body = `{"model":"gpt-4o","messages":[{"role":"user","content":"hello there"}]}`
	}
	if _, err := s.RequestHeaders(h, false); err != nil {
		t.Fatal(err)
	}
	if s.LocalResponse() == nil {
		if _, err := s.RequestBody([]byte(body), true); err != nil {
			t.Fatal(err)
		}
	}
	r := result{s: s, local: s.LocalResponse()}
	_, up := s.UpstreamRequest()
	r.upBody = string(up)
	if r.local != nil {
		r.status, r.response, r.body = r.local.Status, r.local.Headers, string(r.local.Body)
	}
	return s, r
}

// answer passes c's answer back through the plugin and completes the stream.
func answer(t testing.TB, s *wasmhost.Stream, r result, c call) result {
	t.Helper()
	for k, v := range c.state {
		s.SetProperty(k, v)
	}
	status := c.status
	if status == 0 {
		status = 200
	}
	ct := "application/json"
	if c.events != nil {
		ct = "text/event-stream"
	}
	if _, err := s.ResponseHeaders(wasmhost.H(":status", strconv.Itoa(status), "content-type", ct), false); err != nil {
		t.Fatal(err)
	}
	if c.events != nil {
		for i, ev := range c.events {
			if _, err := s.ResponseBody([]byte(ev), i == len(c.events)-1); err != nil {
				t.Fatal(err)
			}
		}
	} else if _, err := s.ResponseBody([]byte(c.answer), true); err != nil {
		t.Fatal(err)
	}
	h, b := s.ClientResponse()
	r.response, r.body = h, string(b)
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}
	return r
}

// send runs one whole request on worker 0.
func send(t testing.TB, p *wasmhost.Plugin, c call) result {
	t.Helper()
	return sendOn(t, p, 0, c)
}

func sendOn(t testing.TB, p *wasmhost.Plugin, worker int, c call) result {
	t.Helper()
	s, r := begin(t, p, worker, c)
	if r.local != nil {
		if err := s.Complete(); err != nil {
			t.Fatal(err)
		}
		return r
	}
	return answer(t, s, r, c)
}

func consumer(name string) []string { return []string{"x-mse-consumer", name} }

// openAI is an OpenAI chat answer with usage prompt, completion.
func openAI(prompt, completion int) string {
	return `{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],` +
		`"usage":{"prompt_tokens":` + strconv.Itoa(prompt) + `,"completion_tokens":` + strconv.Itoa(completion) + `,"total_tokens":` + strconv.Itoa(prompt+completion) + `}}`
}

func metric(p *wasmhost.Plugin, name string) int64 {
	v, _ := p.Metric(name)
	return v
}

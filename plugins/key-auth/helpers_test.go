//go:build !wasip1

package main_test

// The compiled module under the wazero host, and what the tests share: consumers, requests,
// and checks of what the client and the upstream get.

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// module is key-auth compiled and loaded once, with the host's watchdog.
func module(t testing.TB) *wasmhost.Module { return wasmhost.SharedModule(t, ".") }

// modulePath is the compiled module's file, for tests that load it their own way.
func modulePath(t testing.TB) string { return wasmhost.PluginPath(t, ".") }

// The credentials of the test consumers; secrets lists them all, with a key nobody has,
// for the scans that prove none is ever logged or answered.
const (
	aliceKey    = "sk-alice-7f3c1e9a2b"
	bobKey      = "sk-bob-4d8e6a0c1f"
	carolOldKey = "sk-carol-old-5b2d9e"
	carolNewKey = "sk-carol-new-8a1f3c"
	unknownKey  = "sk-nobody-0e9d8c7b"
)

var secrets = []string{aliceKey, bobKey, carolOldKey, carolNewKey, unknownKey}

// consumers is the consumers member most configurations use: carol is rotating her key.
const consumers = `"consumers": [
	{"name": "alice", "credential": "` + aliceKey + `"},
	{"name": "bob", "credential": "` + bobKey + `"},
	{"name": "carol", "credentials": ["` + carolOldKey + `", "` + carolNewKey + `"]}
]`

// newPlugin configures key-auth; the plugin's logs are checked for secrets when the test
// ends, whatever it did.
func newPlugin(t *testing.T, config string, opts ...wasmhost.PluginOption) *wasmhost.Plugin {
	t.Helper()
	p, err := module(t).NewPlugin(config, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		noSecretInLogs(t, p.Logs())
		p.Close()
	})
	return p
}

// refused configures key-auth expecting a refusal, and returns the error's text.
func refused(t *testing.T, config string) string {
	t.Helper()
	_, err := module(t).NewPlugin(config)
	if err == nil {
		t.Fatalf("configuration accepted: %s", config)
	}
	if ce, ok := err.(*wasmhost.ConfigureError); ok {
		noSecretInLogs(t, ce.Logs)
	}
	noSecretIn(t, "the configuration error", err.Error())
	return err.Error()
}

func noSecretInLogs(t *testing.T, logs []wasmhost.LogLine) {
	t.Helper()
	for _, l := range logs {
		noSecretIn(t, "log line", l.Message)
	}
}

func noSecretIn(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range secrets {
		if strings.Contains(text, s) {
			t.Errorf("%s holds a secret: %q", what, text)
		}
	}
}

// call sends a header-only request on route (the xds.route_name property; "" for none) and
// checks that no secret reaches the client.
func call(t *testing.T, p *wasmhost.Plugin, route, path string, kv ...string) *wasmhost.Stream {
	t.Helper()
	s := p.NewStream()
	if route != "" {
		s.SetProperty("xds.route_name", route)
	}
	h := wasmhost.H(append([]string{":method", "POST", ":path", path, ":authority", "gw.local", "x-request-id", "req-1"}, kv...)...)
	if _, err := s.RequestHeaders(h, true); err != nil {
		t.Fatal(err)
	}
	if lr := s.LocalResponse(); lr != nil {
		noSecretIn(t, "the response body", string(lr.Body))
		for _, kv := range lr.Headers {
			noSecretIn(t, "response header "+kv[0], kv[1])
		}
	}
	return s
}

// passed checks that the request went upstream as consumer ("" for none), with no
// x-mse-consumer but key-auth's.
func passed(t *testing.T, s *wasmhost.Stream, consumer string) wasmhost.Headers {
	t.Helper()
	if lr := s.LocalResponse(); lr != nil {
		t.Fatalf("answered %d %s, want the request to pass", lr.Status, lr.Body)
	}
	h, _ := s.UpstreamRequest()
	got := h.Values("x-mse-consumer")
	switch {
	case consumer == "" && len(got) != 0:
		t.Fatalf("x-mse-consumer %v upstream, want none", got)
	case consumer != "" && (len(got) != 1 || got[0] != consumer):
		t.Fatalf("x-mse-consumer %v upstream, want [%s]", got, consumer)
	}
	fs, ok := s.Property("consumer")
	if consumer == "" && ok || consumer != "" && fs != consumer {
		t.Fatalf("filter state consumer = %q (set %v), want %q", fs, ok, consumer)
	}
	return h
}

type errorBody struct {
	Error struct{ Message, Type, Code string }
}

// denied checks a local answer: status, OpenAI error type and code, JSON, and
// WWW-Authenticate on a 401 only. It returns the message.
func denied(t *testing.T, s *wasmhost.Stream, status int, errType, code string) string {
	t.Helper()
	lr := s.LocalResponse()
	if lr == nil {
		h, _ := s.UpstreamRequest()
		t.Fatalf("the request passed (upstream headers %v), want %d %s", h, status, code)
	}
	var b errorBody
	if err := json.Unmarshal(lr.Body, &b); err != nil {
		t.Fatalf("body %q is not JSON: %v", lr.Body, err)
	}
	if lr.Status != status || b.Error.Type != errType || b.Error.Code != code {
		t.Fatalf("answered %d %s, want %d %s/%s", lr.Status, lr.Body, status, errType, code)
	}
	if ct := lr.Headers.Value("content-type"); ct != "application/json" {
		t.Fatalf("content-type %q", ct)
	}
	if challenge := lr.Headers.Value("www-authenticate"); (status == 401) != (challenge != "") {
		t.Fatalf("%d with WWW-Authenticate %q", status, challenge)
	}
	return b.Error.Message
}

func metric(t *testing.T, p *wasmhost.Plugin, name string) int64 {
	t.Helper()
	v, _ := p.Metric(name)
	return v
}

package plugin_test

// The framework, compiled into testdata/fwprobe and run under the wazero host: what every
// plugin gets from sdkwrap/plugin, seen from outside as a host sees it.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

func module(t testing.TB) *wasmhost.Module { return wasmhost.SharedModule(t, "testdata/fwprobe") }

func newFW(t testing.TB, config string, opts ...wasmhost.PluginOption) *wasmhost.Plugin {
	t.Helper()
	return module(t).TestPlugin(t, config, opts...)
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func post(path string, kv ...string) wasmhost.Headers {
	return wasmhost.H(append([]string{":method", "POST", ":path", path, ":authority", "gw.local", "x-request-id", "req-1"}, kv...)...)
}

const globalConfig = `{"name": "global", "consumers": [{"name": "alice", "key": "k-alice"}]}`

func TestConfigRefusedWithPathAndReason(t *testing.T) {
	for _, tc := range []struct{ name, config, want string }{
		{"duplicate", `{"name":"g","consumers":[{"name":"a","key":"k"},{"name":"b","key":"k"}]}`, "consumers[1].key: duplicate of consumers[0]"},
		{"wrong type", `{"name": 5}`, "name:"},
		{"missing required", `{"consumers": []}`, "name:"},
		{"invalid json", `{"name": "g"`, "configuration refused"},
		{"rule config invalid", `{"name":"g","_rules_":[{"_match_route_":["r"],"name":7}]}`, "_rules_[0].name:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := module(t).NewPlugin(tc.config)
			if err == nil {
				t.Fatal("configuration accepted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q lacks %q", err, tc.want)
			}
		})
	}
}

func TestUnknownFieldIsAWarning(t *testing.T) {
	p := newFW(t, `{"name": "g", "nmae": "typo"}`)
	if !p.LogContains("[fwprobe] configuration: nmae: unknown field") {
		t.Fatalf("no warning for the typo; logs %v", p.Logs())
	}
}

func TestRulesPickTheConfiguration(t *testing.T) {
	p := newFW(t, `{"name": "global", "_rules_": [
		{"_match_route_": ["chat"], "name": "by-route"},
		{"_match_domain_": ["*.example.com"], "name": "by-domain"},
		{"_match_service_": ["api.openai.com.dns:443"], "name": "by-service"}]}`)
	for _, tc := range []struct {
		route, cluster, authority, want string
	}{
		{"chat", "", "gw.local", "by-route"},
		{"other", "", "api.example.com:8443", "by-domain"},
		{"other", "outbound|443||api.openai.com.dns", "gw.local", "by-service"},
		{"other", "c", "gw.local", "global"},
	} {
		s := p.NewStream()
		if tc.route != "" {
			s.SetProperty("xds.route_name", tc.route)
		}
		if tc.cluster != "" {
			s.SetProperty("cluster_name", tc.cluster) // Higress's bare name
		}
		must[wasmhost.Action](t)(s.RequestHeaders(wasmhost.H(":method", "GET", ":path", "/", ":authority", tc.authority), true))
		must[wasmhost.Action](t)(s.ResponseHeaders(wasmhost.H(":status", "200"), true))
		if h, _ := s.ClientResponse(); h.Value("x-fw-config") != tc.want {
			t.Errorf("route %q cluster %q host %q: config %q, want %q", tc.route, tc.cluster, tc.authority, h.Value("x-fw-config"), tc.want)
		}
	}
}

func TestOnlyRulesLeaveOtherRequestsAlone(t *testing.T) {
	p := newFW(t, `{"_rules_": [{"_match_route_": ["chat"], "name": "chat"}]}`)
	s := p.NewStream()
	s.SetProperty("xds.route_name", "other")
	must[wasmhost.Action](t)(s.RequestHeaders(wasmhost.H(":method", "GET", ":path", "/", "x-fail", "1"), true))
	if s.LocalResponse() != nil {
		t.Fatal("a request no rule matches was handled by the plugin")
	}
}

func TestConsumerIdentity(t *testing.T) {
	p := newFW(t, globalConfig)
	s := p.NewStream()
	must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/x", "x-key", "k-alice", "x-mse-consumer", "mallory"), true))
	h, _ := s.UpstreamRequest()
	if got := h.Values("x-mse-consumer"); len(got) != 1 || got[0] != "alice" {
		t.Fatalf("x-mse-consumer upstream = %v, want [alice]", got)
	}
	if v, _ := s.Property("consumer"); v != "alice" {
		t.Fatalf("filter state consumer = %q", v)
	}
	anon := p.NewStream()
	must[wasmhost.Action](t)(anon.RequestHeaders(post("/v1/x", "x-mse-consumer", "mallory"), true))
	if h, _ := anon.UpstreamRequest(); h.Has("x-mse-consumer") {
		t.Fatal("a client-sent x-mse-consumer reached the upstream")
	}
}

func TestFailAnswersOpenAIError(t *testing.T) {
	p := newFW(t, globalConfig)
	s := p.NewStream()
	if act := must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/x", "x-fail", "1"), true)); act != wasmhost.Pause {
		t.Fatalf("action %v", act)
	}
	lr := s.LocalResponse()
	if lr == nil || lr.Status != 429 || lr.Headers.Value("retry-after") != "7" || lr.Headers.Value("content-type") != "application/json" {
		t.Fatalf("local response %+v", lr)
	}
	var body struct {
		Error struct{ Message, Type, Code string }
	}
	if err := json.Unmarshal(lr.Body, &body); err != nil || body.Error.Code != "fw_denied" || body.Error.Type != "rate_limit_exceeded" || body.Error.Message != "denied by fwprobe" {
		t.Fatalf("body %s (%v)", lr.Body, err)
	}
}

func TestRequestBodyRewriteWithHeldHeaders(t *testing.T) {
	p := newFW(t, `{"name": "g", "rewrite_model": "gpt-4o-mini-2024"}`)
	s := p.NewStream()
	body := `{"model":"gpt-4o","messages":[]}`
	if act := must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/chat/completions", "content-length", fmt.Sprint(len(body))), false)); act != wasmhost.Pause {
		t.Fatalf("headers not held: %v", act)
	}
	must[wasmhost.Action](t)(s.RequestBody([]byte(body[:10]), false))
	if act := must[wasmhost.Action](t)(s.RequestBody([]byte(body[10:]), true)); act != wasmhost.Continue {
		t.Fatalf("body action %v", act)
	}
	h, got := s.UpstreamRequest()
	want := `{"model":"gpt-4o-mini-2024","messages":[]}`
	if string(got) != want || h.Value("content-length") != fmt.Sprint(len(want)) || h.Value("x-model") != "gpt-4o" {
		t.Fatalf("upstream got %q with content-length %q, x-model %q", got, h.Value("content-length"), h.Value("x-model"))
	}
}

func TestRequestChunks(t *testing.T) {
	p := newFW(t, globalConfig)
	s := p.NewStream()
	// SkipRequestBody in RequestHeaders: no buffering, the chunks go by one at a time.
	must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/upload", "x-req-chunks", "1", "content-length", "6"), false))
	for _, c := range []string{"ABC", "DEF"} {
		if act := must[wasmhost.Action](t)(s.RequestBody([]byte(c), c == "DEF")); act != wasmhost.Continue {
			t.Fatalf("chunk %q held: %v", c, act)
		}
	}
	h, body := s.UpstreamRequest()
	if string(body) != "abcdef" || h.Has("content-length") {
		t.Fatalf("upstream got %q, content-length %q", body, h.Value("content-length"))
	}
}

func TestRequestBodyOverTheLimitIs413(t *testing.T) {
	p := newFW(t, globalConfig)
	s := p.NewStream()
	must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/chat/completions"), false))
	must[wasmhost.Action](t)(s.RequestBody(make([]byte, 3000), false))
	must[wasmhost.Action](t)(s.RequestBody(make([]byte, 3000), false))
	lr := s.LocalResponse()
	if lr == nil || lr.Status != 413 || !strings.Contains(string(lr.Body), `"request_too_large"`) {
		t.Fatalf("local response %+v", lr)
	}
}

// A per-request limit: over it, refused with 413, or passed on unseen when asked to.
func TestRequestBodyLimitPerRequest(t *testing.T) {
	p := newFW(t, `{"name": "g", "rewrite_model": "m2"}`)
	refused := p.NewStream()
	must[wasmhost.Action](t)(refused.RequestHeaders(post("/v1/chat/completions", "x-limit", "10"), false))
	must[wasmhost.Action](t)(refused.RequestBody([]byte(`{"model":"m1","x":"0123456789"}`), false))
	if lr := refused.LocalResponse(); lr == nil || lr.Status != 413 || !strings.Contains(string(lr.Body), "larger than 10 bytes") {
		t.Fatalf("local response %+v", lr)
	}
	passed := p.NewStream()
	body := `{"model":"m1","x":"0123456789"}`
	must[wasmhost.Action](t)(passed.RequestHeaders(post("/v1/chat/completions", "x-limit", "10", "x-pass-over", "1"), false))
	if act := must[wasmhost.Action](t)(passed.RequestBody([]byte(body[:20]), false)); act != wasmhost.Continue {
		t.Fatalf("over the limit: %v, want Continue", act)
	}
	must[wasmhost.Action](t)(passed.RequestBody([]byte(body[20:]), true))
	if _, got := passed.UpstreamRequest(); string(got) != body || passed.LocalResponse() != nil {
		t.Fatalf("upstream got %q (the model must not be rewritten: unseen)", got)
	}
	if !p.LogContains("request body over 10 bytes: passed on unchecked") {
		t.Fatal("no warning")
	}
}

func TestBufferedResponseRewrite(t *testing.T) {
	p := newFW(t, globalConfig)
	s := p.NewStream()
	must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/x"), true))
	must[wasmhost.Action](t)(s.ResponseHeaders(wasmhost.H(":status", "200", "content-type", "application/json", "content-length", "11"), false))
	if act := must[wasmhost.Action](t)(s.ResponseBody([]byte(`{"a":`), false)); act != wasmhost.Pause {
		t.Fatalf("first chunk not held: %v", act)
	}
	must[wasmhost.Action](t)(s.ResponseBody([]byte(`"bcd"}`), true))
	h, body := s.ClientResponse()
	if string(body) != `{"a":"bcd","fw":"global"}` || h.Has("content-length") {
		t.Fatalf("client got %s, content-length %q", body, h.Value("content-length"))
	}
}

func TestResponseChunks(t *testing.T) {
	p := newFW(t, globalConfig)
	s := p.NewStream()
	must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/x"), true))
	must[wasmhost.Action](t)(s.ResponseHeaders(wasmhost.H(":status", "200", "x-chunks", "1"), false))
	for _, c := range []string{"ab", "cd"} {
		if act := must[wasmhost.Action](t)(s.ResponseBody([]byte(c), false)); act != wasmhost.Continue {
			t.Fatalf("chunk held: %v", act)
		}
	}
	must[wasmhost.Action](t)(s.ResponseBody(nil, true))
	if _, body := s.ClientResponse(); string(body) != "ABCD|END" {
		t.Fatalf("client got %q", body)
	}
}

// An OpenAI stream cut at awkward places: the plugin sees whole events, rewrites them, adds
// a closing event, and reads the usage.
func TestResponseEventsAcrossChunks(t *testing.T) {
	p := newFW(t, globalConfig)
	s := p.NewStream()
	must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/chat/completions"), true))
	must[wasmhost.Action](t)(s.ResponseHeaders(wasmhost.H(":status", "200", "content-type", "text/event-stream; charset=utf-8"), false))
	stream := "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\r\n\r\n" +
		": keep-alive\n\n" +
		"data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n" +
		"data: [DONE]\n\n"
	for _, cut := range [][2]int{{0, 7}, {7, 61}, {61, 62}, {62, 90}, {90, len(stream)}} {
		must[wasmhost.Action](t)(s.ResponseBody([]byte(stream[cut[0]:cut[1]]), false))
	}
	must[wasmhost.Action](t)(s.ResponseBody(nil, true))
	_, body := s.ClientResponse()
	want := "data: global:{\"choices\":[{\"delta\":{\"content\":\"Hi\"}}],\"usage\":null}\n\n" +
		": keep-alive\n\n" +
		"data: global:{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}\n\n" +
		"data: [DONE]\n\n" +
		"event: fw-summary\ndata: 2\n\n"
	if string(body) != want {
		t.Fatalf("client got\n%q\nwant\n%q", body, want)
	}
	if v, _ := s.Property("ai_total_tokens"); v != "4" {
		t.Fatalf("ai_total_tokens = %q, want 4", v)
	}
}

func TestClusterCall(t *testing.T) {
	checker := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.Path, b)
	})
	p := newFW(t, globalConfig, wasmhost.WithCluster("checker", checker))
	s := p.NewStream()
	if act := must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/x", "x-call", "checker"), true)); act != wasmhost.Pause {
		t.Fatalf("not paused for the call: %v", act)
	}
	if h, _ := s.UpstreamRequest(); h.Value("x-call-status") != "200 POST /check ping" || s.Resumed(false) != 1 {
		t.Fatalf("x-call-status %q, resumed %d", h.Value("x-call-status"), s.Resumed(false))
	}
	unknown := p.NewStream()
	must[wasmhost.Action](t)(unknown.RequestHeaders(post("/v1/x", "x-call", "nowhere"), true))
	if h, _ := unknown.UpstreamRequest(); !strings.HasPrefix(h.Value("x-call-status"), "not sent: ") {
		t.Fatalf("unknown cluster: x-call-status %q", h.Value("x-call-status"))
	}
}

func TestLogsCarryPluginAndRequestID(t *testing.T) {
	p := newFW(t, globalConfig, wasmhost.WithLogLevel(wasmhost.LevelInfo))
	s := p.NewStream()
	must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/chat"), true))
	if !p.LogContains("[fwprobe] [req-1] request to /v1/chat") {
		t.Fatalf("no prefixed log line; logs %v", p.Logs())
	}
	if p.LogContains("debug line") {
		t.Fatal("a debug line was logged at level info")
	}
}

func TestMetricsAndDone(t *testing.T) {
	p := newFW(t, globalConfig)
	for i := 0; i < 3; i++ {
		s := p.NewStream()
		must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/x"), true))
		if err := s.Complete(); err != nil {
			t.Fatal(err)
		}
	}
	if v, ok := p.Metric("fwprobe_streams_done"); !ok || v != 3 {
		t.Fatalf("fwprobe_streams_done = %d, %v", v, ok)
	}
}

// Bad input reaches handlers as it is and nothing panics: a body that is neither JSON nor
// UTF-8 passes unchanged, a huge header is readable, a stream of garbage passes through.
func TestBadInputPassesWithoutPanic(t *testing.T) {
	p := newFW(t, `{"name": "g", "rewrite_model": "m2"}`)
	s := p.NewStream()
	junk := []byte{0xff, 0xfe, '{', '"', 'm', 0xc3, 0x28, '}'}
	big := strings.Repeat("v", 60<<10)
	must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/chat/completions", "x-big", big), false))
	if act := must[wasmhost.Action](t)(s.RequestBody(junk, true)); act != wasmhost.Continue {
		t.Fatalf("body action %v", act)
	}
	h, body := s.UpstreamRequest()
	if string(body) != string(junk) || h.Value("x-big") != big || h.Value("x-model") != "" {
		t.Fatalf("upstream got %q, x-big of %d bytes, x-model %q", body, len(h.Value("x-big")), h.Value("x-model"))
	}
	must[wasmhost.Action](t)(s.ResponseHeaders(wasmhost.H(":status", "200", "content-type", "text/event-stream"), false))
	must[wasmhost.Action](t)(s.ResponseBody(junk, false))
	must[wasmhost.Action](t)(s.ResponseBody([]byte("\r\n\r\n"), true))
	// The junk is one event with no data (a line without a colon names an unknown field):
	// it passes as it came, and the plugin's summary counts no data events.
	if _, out := s.ClientResponse(); string(out) != string(junk)+"\r\n\r\nevent: fw-summary\ndata: 0\n\n" {
		t.Fatalf("client got %q", out)
	}
	for _, l := range p.Logs() {
		if strings.Contains(l.Message, "panic") {
			t.Fatalf("panic logged: %s", l.Message)
		}
	}
}

// An event larger than the response limit stops event handling without losing a byte.
func TestOversizedEventPassesUntouched(t *testing.T) {
	p := newFW(t, globalConfig)
	s := p.NewStream()
	must[wasmhost.Action](t)(s.RequestHeaders(post("/v1/chat/completions"), true))
	must[wasmhost.Action](t)(s.ResponseHeaders(wasmhost.H(":status", "200", "content-type", "text/event-stream"), false))
	first := "data: small\n\n"
	huge := "data: " + strings.Repeat("x", 11<<20)
	must[wasmhost.Action](t)(s.ResponseBody([]byte(first+huge[:1<<20]), false))
	must[wasmhost.Action](t)(s.ResponseBody([]byte(huge[1<<20:]), false))
	must[wasmhost.Action](t)(s.ResponseBody([]byte("\n\ndata: after\n\n"), true))
	_, out := s.ClientResponse()
	want := "data: global:small\n\n" + huge + "\n\ndata: after\n\n"
	if string(out) != want {
		t.Fatalf("client got %d bytes, want %d", len(out), len(want))
	}
	if !p.LogContains("passing the rest on untouched") {
		t.Fatal("no warning about the oversized event")
	}
}

// A request paused for an asynchronous answer stays paused while its body arrives, whether
// the plugin buffers the body or streams it: a body callback answering Continue would make
// Envoy send the held headers on with the chunk, before the answer.
func TestBodyWaitsForAPausedRequest(t *testing.T) {
	for _, tc := range []struct{ name, chunks string }{{"buffered body", ""}, {"streamed body", "1"}} {
		t.Run(tc.name, func(t *testing.T) {
			p := newFW(t, globalConfig, wasmhost.WithCluster("checker", nil))
			s := p.NewStream()
			h := post("/v1/x", "x-call", "checker")
			if tc.chunks != "" {
				h = append(h, [2]string{"x-req-chunks", "1"})
			}
			if act := must[wasmhost.Action](t)(s.RequestHeaders(h, false)); act != wasmhost.Pause {
				t.Fatalf("not paused for the call: %v", act)
			}
			for i, chunk := range []string{`{"model":`, `"m1"}`} {
				if act := must[wasmhost.Action](t)(s.RequestBody([]byte(chunk), i == 1)); act != wasmhost.Pause {
					t.Fatalf("chunk %d: %v while the call is out", i+1, act)
				}
			}
			if !s.RequestPaused() {
				t.Fatal("the request left before the answer")
			}
			if _, body := s.UpstreamRequest(); len(body) != 0 {
				t.Fatalf("upstream got %q before the answer", body)
			}
			calls := p.PendingHttpCalls()
			if len(calls) != 1 {
				t.Fatalf("%d calls pending", len(calls))
			}
			if err := calls[0].Respond(200, nil, []byte("ok")); err != nil {
				t.Fatal(err)
			}
			h2, body := s.UpstreamRequest()
			if s.RequestPaused() || h2.Value("x-call-status") != "200 ok" || string(body) != `{"model":"m1"}` {
				t.Fatalf("after the answer: paused %v, x-call-status %q, body %q", s.RequestPaused(), h2.Value("x-call-status"), body)
			}
		})
	}
}

// A refusal sent from an asynchronous answer while the body waited reaches the client whole:
// the reply ends the wait, and the plugin's handlers leave its own reply alone when Envoy
// passes it through the plugin's response callbacks.
func TestRefusalAfterAPausedBodyReachesTheClient(t *testing.T) {
	p := newFW(t, globalConfig, wasmhost.WithCluster("checker", nil))
	s := p.NewStream()
	h := append(post("/v1/x", "x-call", "checker"), [2]string{"x-call-then-fail", "1"})
	must[wasmhost.Action](t)(s.RequestHeaders(h, false))
	if act := must[wasmhost.Action](t)(s.RequestBody([]byte(`{"model":"m1"}`), true)); act != wasmhost.Pause {
		t.Fatalf("body: %v while the call is out", act)
	}
	if err := p.PendingHttpCalls()[0].Respond(200, nil, []byte("ok")); err != nil {
		t.Fatal(err)
	}
	lr := s.LocalResponse()
	if lr == nil || lr.Status != 429 {
		t.Fatalf("local response %+v", lr)
	}
	if h, body := s.ClientResponse(); h.Value(":status") != "429" || !strings.Contains(string(body), "fw_denied_later") || s.ResponsePaused() {
		t.Fatalf("client got %v %q (paused %v)", h, body, s.ResponsePaused())
	}
	if _, body := s.UpstreamRequest(); len(body) != 0 {
		t.Fatalf("the refused body went upstream: %q", body)
	}
}

// A panic in an HTTP call's callback, while the body waited, answers the client 500 whole:
// the bridge's reply passes the plugin's response callbacks, which must not hold it.
func TestPanicInACallbackAnswersTheWaitingClient(t *testing.T) {
	p := newFW(t, globalConfig, wasmhost.WithCluster("checker", nil))
	s := p.NewStream()
	h := append(post("/v1/x", "x-call", "checker"), [2]string{"x-call-then-panic", "1"})
	must[wasmhost.Action](t)(s.RequestHeaders(h, false))
	must[wasmhost.Action](t)(s.RequestBody([]byte(`{"model":"m1"}`), true))
	if err := p.PendingHttpCalls()[0].Respond(200, nil, []byte("ok")); err != nil {
		t.Fatal(err)
	}
	if h, body := s.ClientResponse(); h.Value(":status") != "500" || !strings.Contains(string(body), "plugin_panic") {
		t.Fatalf("client got %v %q", h, body)
	}
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}
}

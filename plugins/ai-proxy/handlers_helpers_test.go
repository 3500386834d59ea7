//go:build !wasip1

package main

// Helpers of the handler tests: the fake LLM (e2e/fakellm) behind the module's clusters,
// requests driven through the compiled module, answers and filter state read back.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/sdkwrap/filterstate"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// fakeCluster is a cluster as Envoy reaches it: it records each request as it arrived and
// passes it to a handler (the fake LLM), adding x-envoy-upstream-service-time as Envoy's
// router does to answers that come from the service (so a fake 503 is the provider's, not
// the gateway's).
type fakeCluster struct {
	h       http.Handler
	rewrite func(path string) string // what the fake sees, when the provider's paths differ from the fake's

	mu   sync.Mutex
	seen []seenRequest
}

type seenRequest struct {
	Method, Path, Host string
	Header             http.Header
	Body               []byte
}

func (u *fakeCluster) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	u.mu.Lock()
	u.seen = append(u.seen, seenRequest{r.Method, r.URL.RequestURI(), r.Host, r.Header.Clone(), body})
	u.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	if u.rewrite != nil {
		r.URL.Path = u.rewrite(r.URL.Path)
	}
	w.Header().Set("x-envoy-upstream-service-time", "1")
	u.h.ServeHTTP(w, r)
}

func (u *fakeCluster) requests() []seenRequest {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]seenRequest(nil), u.seen...)
}

func (u *fakeCluster) last(t testing.TB) seenRequest {
	t.Helper()
	r := u.requests()
	if len(r) == 0 {
		t.Fatal("the upstream got no request")
	}
	return r[len(r)-1]
}

// fake is the fake LLM with cfg, behind a fakeCluster.
func fake(t testing.TB, cfg fakellm.Config) *fakeCluster {
	t.Helper()
	h, err := fakellm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &fakeCluster{h: h}
}

// proxy configures the default build with clusters (name, handler pairs).
func proxy(t testing.TB, config string, clusters ...any) *wasmhost.Plugin {
	t.Helper()
	var opts []wasmhost.PluginOption
	for i := 0; i+1 < len(clusters); i += 2 {
		opts = append(opts, wasmhost.WithCluster(clusters[i].(string), clusters[i+1].(http.Handler)))
	}
	return module(t).TestPlugin(t, config, opts...)
}

const clientKey = "sk-client-own-key"

// post is a JSON POST to path as a client sends it, with its own key and extra headers.
func post(path string, extra ...string) wasmhost.Headers {
	return append(wasmhost.H(":method", "POST", ":path", path, ":authority", "gateway.local", ":scheme", "http",
		"content-type", "application/json", "authorization", "Bearer "+clientKey, "accept-encoding", "gzip",
		"x-request-id", "req-1"), wasmhost.H(extra...)...)
}

// send plays a request (headers, then the body in one chunk) and returns the stream.
func send(t testing.TB, p *wasmhost.Plugin, h wasmhost.Headers, body string) *wasmhost.Stream {
	t.Helper()
	s := p.NewStream()
	if _, err := s.RequestHeaders(h, body == ""); err != nil {
		t.Fatal(err)
	}
	if body != "" {
		if _, err := s.RequestBody([]byte(body), true); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// reply is the plugin's own answer to s, or fails.
func reply(t testing.TB, s *wasmhost.Stream) *wasmhost.LocalResponse {
	t.Helper()
	lr := s.LocalResponse()
	if lr == nil {
		t.Fatal("no local reply")
	}
	return lr
}

// jsonEqual fails unless got and want are the same JSON value.
func jsonEqual(t testing.TB, what string, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("%s is not JSON: %v\n%s", what, err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want for %s is not JSON: %v", what, err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%s:\n got %s\nwant %s", what, got, want)
	}
}

// field reads a JSON value at a dotted path ("choices.0.message.content").
func field(t testing.TB, body []byte, path string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, body)
	}
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			for _, c := range k {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// state is the filter state the plugin published on s.
func state(s *wasmhost.Stream, name string) string {
	v, _ := s.Property(name)
	return v
}

// wantState checks filter state values (name, value pairs).
func wantState(t testing.TB, s *wasmhost.Stream, pairs ...string) {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if got := state(s, pairs[i]); got != pairs[i+1] {
			t.Errorf("filter state %s = %q, want %q", pairs[i], got, pairs[i+1])
		}
	}
}

// wantUsage checks the token filter state.
func wantUsage(t testing.TB, s *wasmhost.Stream, prompt, completion int) {
	t.Helper()
	wantState(t, s, filterstate.AIPromptTokens, itoa(prompt), filterstate.AICompletionTokens, itoa(completion),
		filterstate.AITotalTokens, itoa(prompt+completion))
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// metric is a counter's value, 0 when undefined.
func metric(p *wasmhost.Plugin, name string) int64 {
	v, _ := p.Metric(name)
	return v
}

// noSecret fails if any log line, local reply or client response of s holds a secret.
func noSecret(t testing.TB, p *wasmhost.Plugin, s *wasmhost.Stream, secrets ...string) {
	t.Helper()
	var texts []string
	for _, l := range p.Logs() {
		texts = append(texts, l.Message)
	}
	if lr := s.LocalResponse(); lr != nil {
		texts = append(texts, string(lr.Body))
		for _, h := range lr.Headers {
			texts = append(texts, h[1])
		}
	}
	_, body := s.ClientResponse()
	texts = append(texts, string(body))
	for _, text := range texts {
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Fatalf("a secret shows: %s", text)
			}
		}
	}
}

// streamFrom answers s's upstream request (route mode) with handler: the response headers,
// then the body in chunks of size n (the last with end of stream). It returns what the
// client got.
func streamFrom(t testing.TB, s *wasmhost.Stream, handler http.Handler, n int) (wasmhost.Headers, []byte) {
	t.Helper()
	h, body := s.UpstreamRequest()
	req := httptest.NewRequest(h.Value(":method"), "http://"+h.Value(":authority")+h.Value(":path"), bytes.NewReader(body))
	for _, kv := range h {
		if !strings.HasPrefix(kv[0], ":") {
			req.Header.Add(kv[0], kv[1])
		}
	}
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	res := rec.Result()
	resp := wasmhost.H(":status", itoa(res.StatusCode))
	for name, values := range res.Header {
		for _, v := range values {
			resp = append(resp, [2]string{strings.ToLower(name), v})
		}
	}
	out := rec.Body.Bytes()
	if _, err := s.ResponseHeaders(resp, len(out) == 0); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(out); i += n {
		if s.LocalResponse() != nil {
			break
		}
		if _, err := s.ResponseBody(out[i:min(i+n, len(out))], i+n >= len(out)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Complete(); err != nil {
		t.Fatal(err)
	}
	return s.ClientResponse()
}

// sseData are the data fields of an event stream, in order.
func sseData(body []byte) []string {
	var out []string
	for _, block := range strings.Split(strings.ReplaceAll(string(body), "\r\n", "\n"), "\n\n") {
		for _, line := range strings.Split(block, "\n") {
			if d, ok := strings.CutPrefix(line, "data:"); ok {
				out = append(out, strings.TrimPrefix(d, " "))
			}
		}
	}
	return out
}

// sseEvents are the event names of an event stream, in order ("" for unnamed events).
func sseEvents(body []byte) []string {
	var out []string
	for _, block := range strings.Split(string(body), "\n\n") {
		if strings.TrimSpace(block) == "" {
			continue
		}
		name := ""
		for _, line := range strings.Split(block, "\n") {
			if n, ok := strings.CutPrefix(line, "event:"); ok {
				name = strings.TrimSpace(n)
			}
		}
		out = append(out, name)
	}
	return out
}

// openAIStreamText joins the content deltas of an OpenAI chunk stream; done reports the
// final [DONE].
func openAIStreamText(t testing.TB, body []byte) (text string, done bool) {
	t.Helper()
	for _, d := range sseData(body) {
		if d == "[DONE]" {
			done = true
			continue
		}
		var chunk struct {
			Object  string `json:"object"`
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(d), &chunk); err != nil {
			t.Fatalf("chunk %q: %v", d, err)
		}
		if chunk.Object != "chat.completion.chunk" {
			t.Fatalf("chunk object %q in %s", chunk.Object, d)
		}
		for _, c := range chunk.Choices {
			text += c.Delta.Content
		}
	}
	return text, done
}

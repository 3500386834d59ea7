package fakellm

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRecording(t *testing.T) {
	srv := startFake(t, Config{})
	if _, ok := srv.Last(); ok {
		t.Error("Last on a new fake reports a request")
	}
	body := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	post(t, srv.URL()+"/v1/chat/completions?trace=1", body, "Authorization: Bearer sk-seen", "X-Custom: yes")
	post(t, srv.URL()+"/v1/messages", `{}`, "anthropic-version: 2023-06-01")
	do(t, http.MethodGet, srv.URL()+"/nowhere", "")
	do(t, http.MethodGet, srv.URL()+"/_fake/requests", "") // control paths are not recorded

	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests recorded, want 3", len(reqs))
	}
	first := reqs[0]
	if first.Method != "POST" || first.Path != "/v1/chat/completions" || first.RawQuery != "trace=1" ||
		string(first.Body) != body || first.API != APIOpenAI || first.Endpoint != "chat/completions" {
		t.Errorf("first request %+v", first)
	}
	// Credentials are recorded as sent: tests check what the gateway put upstream.
	if first.Header.Get("Authorization") != "Bearer sk-seen" || first.Header.Get("X-Custom") != "yes" {
		t.Errorf("headers %v", first.Header)
	}
	if time.Since(first.Time) > time.Minute || first.Time.After(reqs[1].Time) {
		t.Errorf("times %v, %v", first.Time, reqs[1].Time)
	}
	if reqs[1].API != APIAnthropic || reqs[1].Endpoint != "messages" {
		t.Errorf("second request %+v", reqs[1])
	}
	if reqs[2].Endpoint != "" || reqs[2].API != APIOpenAI {
		t.Errorf("unknown path recorded as %q/%q", reqs[2].API, reqs[2].Endpoint)
	}
	if last, ok := srv.Last(); !ok || last.Path != "/nowhere" {
		t.Errorf("Last = %+v, %v", last, ok)
	}

	srv.Reset()
	if len(srv.Requests()) != 0 {
		t.Error("Reset left requests")
	}

	// WaitForRequests wakes when requests arrive, and times out with what there is.
	go func() {
		time.Sleep(20 * time.Millisecond)
		post(t, srv.URL()+"/v1/embeddings", `{"model":"e","input":"x"}`)
		post(t, srv.URL()+"/v1/embeddings", `{"model":"e","input":"y"}`)
	}()
	got, err := srv.WaitForRequests(2, 2*time.Second)
	if err != nil || len(got) != 2 {
		t.Errorf("WaitForRequests(2) = %d, %v", len(got), err)
	}
	got, err = srv.WaitForRequests(3, 30*time.Millisecond)
	if err == nil || len(got) != 2 {
		t.Errorf("WaitForRequests(3) = %d, %v; want 2 and a timeout", len(got), err)
	}
}

// KeepRequests bounds the record for load runs: only the newest requests stay.
func TestRecordingKeepsNewest(t *testing.T) {
	srv := startFake(t, Config{KeepRequests: 3})
	for i := 0; i < 10; i++ {
		do(t, http.MethodGet, fmt.Sprintf("%s/v1/models?i=%d", srv.URL(), i), "")
	}
	reqs := srv.Requests()
	var queries []string
	for _, r := range reqs {
		queries = append(queries, r.RawQuery)
	}
	if got := strings.Join(queries, ","); got != "i=7,i=8,i=9" {
		t.Fatalf("kept %s, want the newest three", got)
	}
	if srv.requests.len() > 2*3 {
		t.Fatalf("the record holds %d requests internally, more than twice the limit", srv.requests.len())
	}
}

func TestControlEndpoints(t *testing.T) {
	srv := startFake(t, Config{})
	url := srv.URL() + "/_fake/"
	if res := do(t, http.MethodGet, url+"requests", ""); res.status != 200 || strings.TrimSpace(string(res.body)) != "[]" {
		t.Errorf("empty list: %d %s", res.status, res.body)
	}
	post(t, srv.URL()+"/v1/embeddings", `{"model":"e","input":"x"}`, "Authorization: Bearer k")
	res := do(t, http.MethodGet, url+"requests", "")
	var listed []map[string]any
	if err := json.Unmarshal(res.body, &listed); err != nil || len(listed) != 1 {
		t.Fatalf("list: %v %s", err, res.body)
	}
	if listed[0]["body"] != `{"model":"e","input":"x"}` || listed[0]["api"] != "openai" || listed[0]["endpoint"] != "embeddings" ||
		field(listed[0], "header", "Authorization", 0) != "Bearer k" {
		t.Errorf("listed %v", listed[0])
	}
	if res := do(t, http.MethodDelete, url+"requests", ""); res.status != 204 || len(srv.Requests()) != 0 {
		t.Errorf("DELETE: %d, %d left", res.status, len(srv.Requests()))
	}

	res = do(t, http.MethodPut, url+"fault", `{"status":429,"retry_after":3,"token_delay_ms":5}`)
	if res.status != 200 || srv.Fault() != (Fault{Status: 429, RetryAfter: 3, TokenDelay: 5 * time.Millisecond}) {
		t.Errorf("PUT fault: %d %s -> %+v", res.status, res.body, srv.Fault())
	}
	if res := post(t, srv.URL()+"/v1/embeddings", `{}`); res.status != 429 || res.header.Get("Retry-After") != "3" {
		t.Errorf("after PUT: %d", res.status)
	}
	if res := do(t, http.MethodGet, url+"fault", ""); strings.TrimSpace(string(res.body)) != `{"status":429,"retry_after":3,"token_delay_ms":5}` {
		t.Errorf("GET fault: %s", res.body)
	}
	for _, bad := range []string{`{"status":200}`, `{"stall":"yes"}`, `{"nope":1}`, `[`} {
		if res := do(t, http.MethodPut, url+"fault", bad); res.status != 400 || !strings.Contains(string(res.body), "error") {
			t.Errorf("PUT %s: %d %s", bad, res.status, res.body)
		}
	}
	if res := do(t, http.MethodPut, url+"fault", `{}`); res.status != 200 || srv.Fault() != (Fault{}) {
		t.Errorf("clearing the fault: %d %+v", res.status, srv.Fault())
	}
	if res := do(t, http.MethodPost, url+"requests", ""); res.status != 405 || res.header.Get("Allow") != "GET, DELETE" {
		t.Errorf("POST requests: %d", res.status)
	}
	if res := do(t, http.MethodGet, url+"nothing", ""); res.status != 404 {
		t.Errorf("unknown control path: %d", res.status)
	}
	if len(srv.Requests()) != 1 { // only the 429'd embeddings call
		t.Errorf("control calls were recorded: %d requests", len(srv.Requests()))
	}
}

func TestConcurrentRequests(t *testing.T) {
	srv := startFake(t, Config{OpenAIKey: "k", AnthropicKey: "a"})
	const perAPI = 25
	var wg sync.WaitGroup
	errs := make(chan error, 4*perAPI)
	for i := range perAPI {
		prompt := fmt.Sprintf("question number %d", i)
		want := "Echo: " + prompt
		wg.Add(4)
		go func() {
			defer wg.Done()
			res := post(t, srv.URL()+"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"`+prompt+`"}]}`, "Authorization: Bearer k")
			if got := field(res.json(t), "choices", 0, "message", "content"); got != want {
				errs <- fmt.Errorf("chat: %v, want %q", got, want)
			}
		}()
		go func() {
			defer wg.Done()
			res := post(t, srv.URL()+"/v1/messages", `{"model":"c","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"`+prompt+`"}]}`,
				"x-api-key: a", "anthropic-version: 2023-06-01", HeaderTokenDelay+": 1")
			if !bytes.Contains(res.body, []byte(`"text":" `+fmt.Sprint(i)+`"`)) {
				errs <- fmt.Errorf("anthropic stream %d: %s", i, res.body)
			}
		}()
		go func() {
			defer wg.Done()
			res := post(t, srv.URL()+"/v1beta/models/g:streamGenerateContent?alt=sse", `{"contents":[{"parts":[{"text":"`+prompt+`"}]}]}`)
			if len(parseSSE(t, res.body)) != 4 {
				errs <- fmt.Errorf("gemini stream %d: %s", i, res.body)
			}
		}()
		go func() {
			defer wg.Done()
			srv.Requests()
			srv.SetFault(Fault{})
			srv.Last()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(srv.Requests()); n != 3*perAPI {
		t.Errorf("%d requests recorded, want %d", n, 3*perAPI)
	}
}

// Close must end stalled and slow streams at once and leave no handler running.
func TestCloseEndsStalledStreams(t *testing.T) {
	srv, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	var streams []*http.Response
	for _, h := range []string{HeaderStall + ": 1", HeaderTokenDelay + ": 60000", HeaderFirstTokenDelay + ": 60000"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/v1/chat/completions",
			strings.NewReader(`{"model":"m","stream":true,"messages":[{"role":"user","content":"hi"}]}`))
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(name, strings.TrimSpace(value))
		if strings.HasPrefix(h, HeaderFirstTokenDelay) {
			go http.DefaultClient.Do(req) // blocks in the delay; Close must end it
			continue
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		streams = append(streams, resp)
	}
	if _, err := srv.WaitForRequests(3, time.Second); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := srv.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("Close took %v", took)
	}
	if n := srv.inFlight.Load(); n != 0 {
		t.Errorf("%d handlers still running after Close", n)
	}
	for i, resp := range streams {
		if _, err := readEvents(resp.Body); err == nil {
			t.Errorf("stream %d ended cleanly; Close should have broken it", i)
		}
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := net.DialTimeout("tcp", srv.Addr(), 100*time.Millisecond); err == nil {
		t.Error("still listening after Close")
	}
}

// A client that leaves mid-stream frees its handler without waiting for Close.
func TestClientAbortFreesHandler(t *testing.T) {
	srv := startFake(t, Config{})
	ctx, cancel := context.WithCancel(context.Background())
	resp := openStream(t, ctx, srv.URL()+"/v1/chat/completions",
		`{"model":"m","stream":true,"messages":[{"role":"user","content":"one two three four five"}]}`, HeaderTokenDelay+": 50")
	buf := make([]byte, 10)
	if _, err := resp.Body.Read(buf); err != nil {
		t.Fatal(err)
	}
	if srv.inFlight.Load() != 1 {
		t.Errorf("%d requests in flight mid-stream, want 1", srv.inFlight.Load())
	}
	cancel()
	waitIdle(t, srv)
}

func TestPanicBecomes500(t *testing.T) {
	saved := openAIModelsEndpoint.serve
	openAIModelsEndpoint.serve = func(*call) { panic("boom") }
	defer func() { openAIModelsEndpoint.serve = saved }()

	var logs bytes.Buffer
	srv := startFake(t, Config{Logger: log.New(&logs, "", 0)})
	res := do(t, http.MethodGet, srv.URL()+"/v1/models", "")
	if res.status != 500 || field(res.json(t), "error", "type") != "server_error" {
		t.Errorf("%d %s", res.status, res.body)
	}
	// The fake keeps serving.
	if res := post(t, srv.URL()+"/v1/embeddings", `{"model":"e","input":"x"}`); res.status != 200 {
		t.Errorf("after the panic: %d", res.status)
	}
	srv.Close() // handlers log after the client has its answer: wait for them
	if !strings.Contains(logs.String(), "panic serving GET /v1/models: boom") {
		t.Errorf("log:\n%s", logs.String())
	}
}

func TestLogNeverShowsKeys(t *testing.T) {
	var logs bytes.Buffer
	srv := startFake(t, Config{OpenAIKey: "sk-secret-right", Logger: log.New(&logs, "", 0)})
	post(t, srv.URL()+"/v1/chat/completions", `{}`, "Authorization: Bearer sk-secret-wrong")
	post(t, srv.URL()+"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true}`,
		"Authorization: Bearer sk-secret-right", HeaderCutAfter+": 1")
	srv.Close() // handlers log after the client has its answer: wait for them
	out := logs.String()
	if strings.Contains(out, "sk-secret") {
		t.Errorf("log shows a key:\n%s", out)
	}
	for _, want := range []string{"POST /v1/chat/completions api=openai status=401", "POST /v1/chat/completions api=openai status=aborted"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

func TestBodyTooLarge(t *testing.T) {
	srv := startFake(t, Config{})
	big := `{"model":"m","input":"` + strings.Repeat("x", maxBodyBytes) + `"}`
	res := post(t, srv.URL()+"/v1/embeddings", big)
	if res.status != 413 {
		t.Errorf("status %d", res.status)
	}
}

// Upstreams configured for HTTP/2 without TLS (h2c) reach the fake too.
func TestH2C(t *testing.T) {
	srv := startFake(t, Config{})
	protocols := new(http.Protocols)
	protocols.SetUnencryptedHTTP2(true)
	client := &http.Client{Transport: &http.Transport{Protocols: protocols, TLSClientConfig: &tls.Config{}}, Timeout: 5 * time.Second}
	resp, err := client.Post(srv.URL()+"/v1beta/models/g:streamGenerateContent?alt=sse", "application/json",
		strings.NewReader(`{"contents":[{"parts":[{"text":"over h2c"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events, err := readEvents(resp.Body)
	if resp.ProtoMajor != 2 || err != nil || len(events) != 3 {
		t.Errorf("proto %s, %d events, %v", resp.Proto, len(events), err)
	}
}

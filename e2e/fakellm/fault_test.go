package fakellm

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openai/openai-go/v3/option"
)

// streamCase is one streaming request per API, all with the prompt "a b c" (reply
// "Echo: a b c", 4 tokens).
type streamCase struct {
	api     API
	path    string
	body    string
	headers []string
	// tokenData extracts the token text from an event's data, ok false for other events.
	tokenData func(data string) (string, bool)
}

var streamCases = []streamCase{
	{
		api: APIOpenAI, path: "/v1/chat/completions",
		body: `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"a b c"}]}`,
		tokenData: func(data string) (string, bool) {
			var v struct {
				Choices []struct {
					Delta struct{ Content string } `json:"delta"`
				} `json:"choices"`
			}
			if json.Unmarshal([]byte(data), &v) != nil || len(v.Choices) == 0 || v.Choices[0].Delta.Content == "" {
				return "", false
			}
			return v.Choices[0].Delta.Content, true
		},
	},
	{
		api: APIAzure, path: "/openai/deployments/d/completions?api-version=2024-10-21",
		body: `{"prompt":"a b c","stream":true}`,
		tokenData: func(data string) (string, bool) {
			var v struct {
				Choices []struct{ Text string } `json:"choices"`
			}
			if json.Unmarshal([]byte(data), &v) != nil || len(v.Choices) == 0 || v.Choices[0].Text == "" {
				return "", false
			}
			return v.Choices[0].Text, true
		},
	},
	{
		api: APIAnthropic, path: "/v1/messages", headers: []string{"anthropic-version: 2023-06-01"},
		body: `{"model":"c","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"a b c"}]}`,
		tokenData: func(data string) (string, bool) {
			var v struct {
				Type  string
				Delta struct{ Text string }
			}
			if json.Unmarshal([]byte(data), &v) != nil || v.Type != "content_block_delta" {
				return "", false
			}
			return v.Delta.Text, true
		},
	},
	{
		api: APIGemini, path: "/v1beta/models/g:streamGenerateContent?alt=sse",
		body: `{"contents":[{"parts":[{"text":"a b c"}]}]}`,
		tokenData: func(data string) (string, bool) {
			var v struct {
				Candidates []struct {
					Content struct{ Parts []struct{ Text string } }
				}
			}
			if json.Unmarshal([]byte(data), &v) != nil || len(v.Candidates) == 0 {
				return "", false
			}
			return v.Candidates[0].Content.Parts[0].Text, true
		},
	},
}

// timedEvent is an SSE data line and when it arrived.
type timedEvent struct {
	data string
	at   time.Time
}

// openStream sends a request and returns the response with its body unread.
func openStream(t *testing.T, ctx context.Context, url, body string, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(name, strings.TrimSpace(value))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// readEvents reads SSE data lines until the body ends; err is nil only for a clean end.
func readEvents(body io.Reader) (events []timedEvent, err error) {
	r := bufio.NewReader(body)
	for {
		line, err := r.ReadString('\n')
		if data, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), "data: "); ok && err == nil {
			events = append(events, timedEvent{data: data, at: time.Now()})
		}
		if err == io.EOF {
			return events, nil
		}
		if err != nil {
			return events, err
		}
	}
}

// tokens are the token texts among events.
func (sc streamCase) tokens(events []timedEvent) []string {
	var out []string
	for _, e := range events {
		if tok, ok := sc.tokenData(e.data); ok {
			out = append(out, tok)
		}
	}
	return out
}

// waitIdle waits until the fake serves no request, failing the test after a second.
func waitIdle(t *testing.T, srv *Server) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for srv.inFlight.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests still being served", srv.inFlight.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestFaultCutAfter(t *testing.T) {
	srv := startFake(t, Config{})
	for _, sc := range streamCases {
		for _, cut := range []int{1, 3, 10} {
			t.Run(fmt.Sprintf("%s/cut%d", sc.api, cut), func(t *testing.T) {
				resp := openStream(t, context.Background(), srv.URL()+sc.path, sc.body,
					append(sc.headers, HeaderCutAfter+": "+strconv.Itoa(cut))...)
				events, err := readEvents(resp.Body)
				if err == nil {
					t.Fatalf("stream ended cleanly after %d events; want a broken stream", len(events))
				}
				want := min(cut, 4) // "Echo: a b c" has 4 tokens
				if got := sc.tokens(events); len(got) != want {
					t.Errorf("%d tokens before the cut (%q), want %d", len(got), got, want)
				}
				if last := events[len(events)-1].data; strings.Contains(last, "DONE") || (strings.Contains(last, "stop") && sc.api != APIGemini) {
					t.Errorf("closing event %q arrived despite the cut", last)
				}
			})
		}
	}
	waitIdle(t, srv)
}

func TestFaultCutWithSDK(t *testing.T) {
	srv := startFake(t, Config{Fault: Fault{CutAfter: 2}})
	client := newOpenAIClient(srv.URL()+"/v1", "k")
	stream := client.Chat.Completions.NewStreaming(context.Background(), chatParams("m", 0))
	n := 0
	for stream.Next() {
		n++
	}
	if stream.Err() == nil {
		t.Errorf("SDK saw a clean end after %d chunks", n)
	}
	if n != 3 { // role chunk + 2 tokens
		t.Errorf("SDK got %d chunks before the cut, want 3", n)
	}

	// Non-stream: half the promised body, then the connection drops.
	_, err := client.Chat.Completions.New(context.Background(), chatParams("m", 0))
	if err == nil {
		t.Error("non-stream cut: no error")
	}
	res := post(t, srv.URL()+"/v1/embeddings", `{"model":"e","input":"x"}`)
	if res.err == nil || res.status != 200 {
		t.Errorf("non-stream cut: status %d, read error %v; want 200 and a broken body", res.status, res.err)
	}
}

func TestFaultMalformed(t *testing.T) {
	srv := startFake(t, Config{})
	for _, sc := range streamCases {
		t.Run(string(sc.api), func(t *testing.T) {
			resp := openStream(t, context.Background(), srv.URL()+sc.path, sc.body, append(sc.headers, HeaderMalformed+": 1")...)
			events, err := readEvents(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			bad := 0
			for _, e := range events {
				if e.data != "[DONE]" && !json.Valid([]byte(e.data)) {
					bad++
				}
			}
			if bad != 1 {
				t.Errorf("%d events with invalid JSON, want 1", bad)
			}
			if got := sc.tokens(events); len(got) != 3 { // the first of 4 is the broken one
				t.Errorf("%d valid tokens, want 3", len(got))
			}
		})
	}
	// The SDK reports the broken chunk.
	client := newOpenAIClient(srv.URL()+"/v1", "k")
	stream := client.Chat.Completions.NewStreaming(context.Background(), chatParams("m", 0), option.WithHeader(HeaderMalformed, "true"))
	for stream.Next() {
	}
	if stream.Err() == nil {
		t.Error("SDK accepted a malformed stream")
	}
	// Non-stream: a complete response whose JSON is truncated.
	res := post(t, srv.URL()+"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`, HeaderMalformed+": 1")
	if res.status != 200 || res.err != nil || json.Valid(res.body) || !strings.HasPrefix(string(res.body), `{"id":"chatcmpl-`) {
		t.Errorf("status %d err %v body %s", res.status, res.err, res.body)
	}
}

func TestFaultNoUsage(t *testing.T) {
	srv := startFake(t, Config{})
	for _, sc := range streamCases {
		t.Run(string(sc.api), func(t *testing.T) {
			res := post(t, srv.URL()+sc.path, sc.body, append(sc.headers, HeaderNoUsage+": 1")...)
			for _, e := range parseSSE(t, res.body) {
				if e.data == "[DONE]" {
					continue
				}
				v := mustUnmarshal(t, e.data)
				if u := field(v, "usage"); u != nil || field(v, "message", "usage") != nil || field(v, "usageMetadata") != nil {
					t.Errorf("event carries usage: %s", e.data)
				}
				if c, ok := field(v, "choices").([]any); ok && len(c) == 0 {
					t.Errorf("include_usage chunk sent despite no-usage: %s", e.data)
				}
			}
		})
	}
	for _, tc := range []struct{ path, body string }{
		{"/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`},
		{"/v1/completions", `{"model":"m","prompt":"hi"}`},
		{"/v1/embeddings", `{"model":"m","input":"hi"}`},
		{"/v1/messages", `{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`},
		{"/v1beta/models/g:generateContent", `{"contents":[{"parts":[{"text":"hi"}]}]}`},
	} {
		res := post(t, srv.URL()+tc.path, tc.body, HeaderNoUsage+": true", "anthropic-version: 2023-06-01")
		v := res.json(t)
		if _, ok := v["usage"]; ok || v["usageMetadata"] != nil || res.status != 200 {
			t.Errorf("%s: status %d, usage present: %s", tc.path, res.status, res.body)
		}
	}
}

func TestFaultStatus(t *testing.T) {
	srv := startFake(t, Config{})
	for _, sc := range streamCases {
		for _, tc := range []struct {
			status     int
			retryAfter string // header sent; "" none
			wantRetry  string
		}{
			{429, "", "1"},
			{429, "30", "30"},
			{500, "", ""},
			{503, "5", "5"},
			{400, "", ""},
		} {
			headers := append([]string{HeaderStatus + ": " + strconv.Itoa(tc.status)}, sc.headers...)
			if tc.retryAfter != "" {
				headers = append(headers, HeaderRetryAfter+": "+tc.retryAfter)
			}
			res := post(t, srv.URL()+sc.path, sc.body, headers...)
			if res.status != tc.status || res.header.Get("Retry-After") != tc.wantRetry {
				t.Errorf("%s %d: got %d, Retry-After %q (want %q)", sc.api, tc.status, res.status, res.header.Get("Retry-After"), tc.wantRetry)
			}
			if res.header.Get("Content-Type") != "application/json" || res.json(t)["error"] == nil {
				t.Errorf("%s %d: not a JSON error: %s", sc.api, tc.status, res.body)
			}
		}
	}
}

func TestFaultFirstTokenDelay(t *testing.T) {
	srv := startFake(t, Config{})
	const delay = 150 * time.Millisecond
	for _, stream := range []bool{false, true} {
		start := time.Now()
		body := `{"model":"m","messages":[{"role":"user","content":"hi"}],"stream":` + map[bool]string{false: "false", true: "true"}[stream] + `}`
		resp := openStream(t, context.Background(), srv.URL()+"/v1/chat/completions", body, HeaderFirstTokenDelay+": 150")
		if waited := time.Since(start); waited < delay {
			t.Errorf("stream %v: headers after %v, want >= %v", stream, waited, delay)
		}
		if _, err := io.ReadAll(resp.Body); err != nil || resp.StatusCode != 200 {
			t.Errorf("stream %v: status %d, %v", stream, resp.StatusCode, err)
		}
	}

	// A client that gives up during the delay frees the handler.
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL()+"/v1/chat/completions", strings.NewReader(`{}`))
	req.Header.Set(HeaderFirstTokenDelay, "60000")
	if _, err := http.DefaultClient.Do(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("client error %v, want its deadline", err)
	}
	waitIdle(t, srv)
}

func TestFaultTokenDelay(t *testing.T) {
	srv := startFake(t, Config{})
	const delay = 40 * time.Millisecond
	for _, sc := range streamCases {
		t.Run(string(sc.api), func(t *testing.T) {
			t.Parallel()
			resp := openStream(t, context.Background(), srv.URL()+sc.path, sc.body, append(sc.headers, HeaderTokenDelay+": 40")...)
			events, err := readEvents(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			// Events arrive one by one, each flushed: the gap between consecutive
			// events is at least the delay.
			for i := 1; i < len(events); i++ {
				if gap := events[i].at.Sub(events[i-1].at); gap < delay-5*time.Millisecond {
					t.Errorf("events %d and %d arrived %v apart, want >= %v", i-1, i, gap, delay)
				}
			}
			if got := strings.Join(sc.tokens(events), ""); got != "Echo: a b c" {
				t.Errorf("text %q", got)
			}
		})
	}
}

func TestFaultStall(t *testing.T) {
	for _, sc := range streamCases {
		t.Run(string(sc.api), func(t *testing.T) {
			t.Parallel()
			srv := startFake(t, Config{}) // its own, so waitIdle sees this stream alone
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			resp := openStream(t, ctx, srv.URL()+sc.path, sc.body, append(sc.headers, HeaderStall+": 1")...)
			got := make(chan []timedEvent, 1)
			go func() {
				events, _ := readEvents(resp.Body)
				got <- events
			}()
			time.Sleep(150 * time.Millisecond) // a healthy stream would be over by now
			cancel()
			events := <-got
			if toks := sc.tokens(events); len(toks) != 1 || toks[0] != "Echo:" {
				t.Errorf("stalled stream sent tokens %q, want just the first", toks)
			}
			waitIdle(t, srv)
		})
	}
}

func TestFaultStallNonStream(t *testing.T) {
	srv := startFake(t, Config{})
	// Nothing at all until the client gives up.
	client := &http.Client{Timeout: 100 * time.Millisecond}
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/v1/embeddings", strings.NewReader(`{"model":"m","input":"x"}`))
	req.Header.Set(HeaderStall, "1")
	_, err := client.Do(req)
	var netErr interface{ Timeout() bool }
	if !errors.As(err, &netErr) || !netErr.Timeout() {
		t.Errorf("stalled non-stream: %v, want a client timeout", err)
	}
	waitIdle(t, srv)
}

func TestInstanceFaultAndHeaderOverride(t *testing.T) {
	srv := startFake(t, Config{Fault: Fault{Status: 503}})
	url := srv.URL() + "/v1/chat/completions"
	body := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	if res := post(t, url, body); res.status != 503 {
		t.Errorf("Config.Fault: %d, want 503", res.status)
	}
	if res := post(t, url, body, HeaderStatus+": 0"); res.status != 200 {
		t.Errorf("header 0 should turn the instance status off: %d", res.status)
	}
	if err := srv.SetFault(Fault{Status: 429, RetryAfter: 9, NoUsage: true}); err != nil {
		t.Fatal(err)
	}
	res := post(t, url, body)
	if res.status != 429 || res.header.Get("Retry-After") != "9" {
		t.Errorf("SetFault: %d Retry-After %q", res.status, res.header.Get("Retry-After"))
	}
	// Headers override field by field: the status goes, no-usage stays.
	res = post(t, url, body, HeaderStatus+": 0")
	if _, hasUsage := res.json(t)["usage"]; res.status != 200 || hasUsage {
		t.Errorf("override: %d %s", res.status, res.body)
	}
	if err := srv.SetFault(Fault{Status: 200}); err == nil {
		t.Error("SetFault accepted status 200")
	}
	if _, err := Start(Config{Fault: Fault{CutAfter: -1}}); err == nil {
		t.Error("Start accepted a negative CutAfter")
	}
}

func TestFaultBadHeaders(t *testing.T) {
	srv := startFake(t, Config{})
	for _, h := range []string{
		HeaderStatus + ": abc", HeaderStatus + ": 200", HeaderStatus + ": 600", HeaderCutAfter + ": -1",
		HeaderTokenDelay + ": 1.5", HeaderStall + ": maybe", HeaderNoUsage + ": yes",
	} {
		res := post(t, srv.URL()+"/v1/messages", `{}`, h, "anthropic-version: 2023-06-01")
		v := res.json(t)
		msg, _ := field(v, "error", "message").(string)
		if res.status != 400 || field(v, "error", "type") != "invalid_request_error" || !strings.Contains(msg, "fakellm") {
			t.Errorf("%s: %d %s", h, res.status, res.body)
		}
	}
}

func TestFaultJSON(t *testing.T) {
	f := Fault{Status: 429, RetryAfter: 2, FirstTokenDelay: 1500 * time.Millisecond, TokenDelay: 20 * time.Millisecond, CutAfter: 3, Stall: true, Malformed: true, NoUsage: true}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"status":429,"retry_after":2,"first_token_delay_ms":1500,"token_delay_ms":20,"cut_after":3,"stall":true,"malformed":true,"no_usage":true}`
	if string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back Fault
	if err := json.Unmarshal(b, &back); err != nil || back != f {
		t.Errorf("round trip %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"stauts":429}`), &back); err == nil {
		t.Error("unknown field accepted")
	}
}

package fakellm

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// anthropicHeaders are what Anthropic's SDKs send.
func anthropicHeaders(key string, extra ...string) []string {
	return append([]string{"x-api-key: " + key, "anthropic-version: 2023-06-01"}, extra...)
}

func anthropicBody(stream bool, maxTokens int) string {
	return fmt.Sprintf(`{"model":"claude-sonnet-4-5","max_tokens":%d,"stream":%v,
		"system":[{"type":"text","text":"You are terse."}],
		"messages":[
			{"role":"user","content":"first question"},
			{"role":"assistant","content":[{"type":"text","text":"an answer"}]},
			{"role":"user","content":[{"type":"text","text":"Why is"},{"type":"image","source":{}},{"type":"text","text":"the sky blue?"}]}]}`,
		maxTokens, stream)
}

// Prompt tokens of anthropicBody: 3 + 2 + 2 + 5 words.
const anthropicBodyPromptTokens = 12

func TestAnthropicMessages(t *testing.T) {
	srv := startFake(t, Config{AnthropicKey: "ant-key"})
	url := srv.URL() + "/v1/messages"
	for _, tc := range []struct {
		name      string
		maxTokens int
		text      string
		stop      string
	}{
		{"whole", 1024, "Echo: Why is the sky blue?", "end_turn"},
		{"truncated", 2, "Echo: Why", "max_tokens"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			output := float64(CountTokens(tc.text))
			res := post(t, url, anthropicBody(false, tc.maxTokens), anthropicHeaders("ant-key")...)
			if res.status != 200 {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			v := res.json(t)
			id, _ := v["id"].(string)
			if !strings.HasPrefix(id, "msg_") || v["type"] != "message" || v["role"] != "assistant" || v["model"] != "claude-sonnet-4-5" {
				t.Errorf("envelope %s", res.body)
			}
			if field(v, "content", 0, "type") != "text" || field(v, "content", 0, "text") != tc.text || v["stop_reason"] != tc.stop {
				t.Errorf("content %s", res.body)
			}
			if s, ok := v["stop_sequence"]; !ok || s != nil {
				t.Errorf("stop_sequence %v (present %v), want null", s, ok)
			}
			if field(v, "usage", "input_tokens") != float64(anthropicBodyPromptTokens) || field(v, "usage", "output_tokens") != output {
				t.Errorf("usage %v, want %d in / %v out", v["usage"], anthropicBodyPromptTokens, output)
			}

			stream := post(t, url, anthropicBody(true, tc.maxTokens), anthropicHeaders("ant-key")...)
			if stream.status != 200 || stream.header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("stream status %d type %q: %s", stream.status, stream.header.Get("Content-Type"), stream.body)
			}
			events := parseSSE(t, stream.body)
			var names []string
			var text strings.Builder
			for _, e := range events {
				names = append(names, e.name)
				data := mustUnmarshal(t, e.data)
				if field(data, "type") != e.name {
					t.Errorf("event %q carries type %v", e.name, field(data, "type"))
				}
				if e.name == "content_block_delta" {
					if field(data, "delta", "type") != "text_delta" || field(data, "index") != 0.0 {
						t.Errorf("delta %s", e.data)
					}
					text.WriteString(field(data, "delta", "text").(string))
				}
			}
			want := []string{"message_start", "content_block_start", "ping"}
			for range CountTokens(tc.text) {
				want = append(want, "content_block_delta")
			}
			want = append(want, "content_block_stop", "message_delta", "message_stop")
			if !slices.Equal(names, want) {
				t.Errorf("events %v, want %v", names, want)
			}
			if text.String() != tc.text {
				t.Errorf("streamed text %q, want %q", text.String(), tc.text)
			}
			start := mustUnmarshal(t, events[0].data)
			startID, _ := field(start, "message", "id").(string)
			if !strings.HasPrefix(startID, "msg_") || field(start, "message", "usage", "input_tokens") != float64(anthropicBodyPromptTokens) ||
				field(start, "message", "usage", "output_tokens") != 1.0 || field(start, "message", "stop_reason") != nil {
				t.Errorf("message_start %s", events[0].data)
			}
			delta := mustUnmarshal(t, events[len(events)-2].data)
			if field(delta, "delta", "stop_reason") != tc.stop || field(delta, "usage", "output_tokens") != output {
				t.Errorf("message_delta %s", events[len(events)-2].data)
			}
		})
	}
}

func TestAnthropicErrors(t *testing.T) {
	srv := startFake(t, Config{AnthropicKey: "ant-key"})
	good := anthropicBody(false, 10)
	for _, tc := range []struct {
		name    string
		method  string
		path    string
		body    string
		headers []string
		status  int
		errType string
		msg     string
	}{
		{"missing key", "POST", "/v1/messages", good, []string{"anthropic-version: 2023-06-01"}, 401, "authentication_error", "x-api-key header is required"},
		{"wrong key", "POST", "/v1/messages", good, anthropicHeaders("ant-nope"), 401, "authentication_error", "invalid x-api-key"},
		{"bearer is not the key", "POST", "/v1/messages", good, []string{"Authorization: Bearer ant-key", "anthropic-version: 2023-06-01"}, 401, "authentication_error", "x-api-key header is required"},
		{"missing version", "POST", "/v1/messages", good, []string{"x-api-key: ant-key"}, 400, "invalid_request_error", "anthropic-version: header is required"},
		{"missing max_tokens", "POST", "/v1/messages", `{"model":"c","messages":[]}`, anthropicHeaders("ant-key"), 400, "invalid_request_error", "max_tokens: Field required"},
		{"max_tokens 0", "POST", "/v1/messages", `{"model":"c","max_tokens":0,"messages":[]}`, anthropicHeaders("ant-key"), 400, "invalid_request_error", "max_tokens: Input should be greater than or equal to 1"},
		{"missing model", "POST", "/v1/messages", `{"max_tokens":5,"messages":[]}`, anthropicHeaders("ant-key"), 400, "invalid_request_error", "model: Field required"},
		{"missing messages", "POST", "/v1/messages", `{"model":"c","max_tokens":5}`, anthropicHeaders("ant-key"), 400, "invalid_request_error", "messages: Field required"},
		{"bad content", "POST", "/v1/messages", `{"model":"c","max_tokens":5,"messages":[{"role":"user","content":7}]}`, anthropicHeaders("ant-key"), 400, "invalid_request_error", "messages.0.content"},
		{"malformed JSON", "POST", "/v1/messages", `{"model"`, anthropicHeaders("ant-key"), 400, "invalid_request_error", "We could not parse"},
		{"wrong method", "GET", "/v1/messages", ``, anthropicHeaders("ant-key"), 405, "invalid_request_error", "Method GET"},
		{"unknown path", "POST", "/v1/messages/batches", good, anthropicHeaders("ant-key"), 404, "not_found_error", "Invalid URL"},
		{"unknown path, shape by header", "POST", "/v1/complete", good, anthropicHeaders("ant-key"), 404, "not_found_error", "Invalid URL"},
		{"injected 429", "POST", "/v1/messages", good, anthropicHeaders("ant-key", HeaderStatus+": 429"), 429, "rate_limit_error", "Number of requests"},
		{"injected 529", "POST", "/v1/messages", good, anthropicHeaders("ant-key", HeaderStatus+": 529"), 529, "overloaded_error", "Overloaded"},
		{"injected 500", "POST", "/v1/messages", good, anthropicHeaders("ant-key", HeaderStatus+": 500"), 500, "api_error", "Internal Server Error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, tc.method, srv.URL()+tc.path, tc.body, tc.headers...)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			v := res.json(t)
			msg, _ := field(v, "error", "message").(string)
			if v["type"] != "error" || field(v, "error", "type") != tc.errType || !strings.HasPrefix(msg, tc.msg) {
				t.Errorf("body %s, want type %s message %q...", res.body, tc.errType, tc.msg)
			}
			if strings.Contains(string(res.body), "ant-nope") {
				t.Errorf("error echoes the key: %s", res.body)
			}
		})
	}
}

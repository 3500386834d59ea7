package llm

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
)

// These tests put the translations between a client and the fake LLM server, which speaks
// each provider's API as the real one does (and refuses what the real one refuses): the
// requests must be accepted, and the answers read back as the fake meant them.

// upstream is the fake, called in-process.
type upstream struct {
	t *testing.T
	h http.Handler
}

func newUpstream(t *testing.T) upstream {
	h, err := fakellm.New(fakellm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return upstream{t, h}
}

// call posts body to path and returns the status and body.
func (u upstream) call(path string, body []byte, header ...string) (int, []byte) {
	u.t.Helper()
	r := httptest.NewRequest("POST", path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("anthropic-version", "2023-06-01")
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	u.h.ServeHTTP(w, r)
	return w.Code, w.Body.Bytes()
}

// provider sends an OpenAI request to the fake through one provider's translations and
// returns what the OpenAI client reads.
type provider struct {
	name string
	send func(u upstream, openaiReq []byte, header ...string) (status int, body []byte, stream bool)
	// whole and stream translate the answer back.
	whole  func(body []byte) ([]byte, error)
	stream func() StreamTranslator
	from   Protocol
}

var providers = []provider{
	{
		name: "anthropic",
		send: func(u upstream, req []byte, header ...string) (int, []byte, bool) {
			body, err := AnthropicRequest(req, 1000)
			if err != nil {
				u.t.Fatal(err)
			}
			status, out := u.call("/v1/messages", body, header...)
			return status, out, gjsonBool(body, "stream")
		},
		whole:  OpenAIResponseFromAnthropic,
		stream: func() StreamTranslator { return OpenAIStreamFromAnthropic("") },
		from:   Anthropic,
	},
	{
		name: "gemini",
		send: func(u upstream, req []byte, header ...string) (int, []byte, bool) {
			body, model, stream, err := GeminiRequest(req)
			if err != nil {
				u.t.Fatal(err)
			}
			path := "/v1beta/models/" + model + ":generateContent"
			if stream {
				path = "/v1beta/models/" + model + ":streamGenerateContent?alt=sse"
			}
			status, out := u.call(path, body, header...)
			return status, out, stream
		},
		whole:  func(body []byte) ([]byte, error) { return OpenAIResponseFromGemini(body, "") },
		stream: func() StreamTranslator { return OpenAIStreamFromGemini("") },
		from:   Gemini,
	},
}

func gjsonBool(body []byte, key string) bool {
	var m map[string]any
	json.Unmarshal(body, &m)
	b, _ := m[key].(bool)
	return b
}

// exchange sends req and reads the answer.
func (p provider) exchange(t *testing.T, u upstream, req []byte) message {
	t.Helper()
	status, body, stream := p.send(u, req)
	return p.read(t, status, body, stream)
}

// read translates the answer and accumulates it as an OpenAI client would.
func (p provider) read(t *testing.T, status int, body []byte, stream bool) message {
	t.Helper()
	if status != 200 {
		t.Fatalf("%s answered %d: %s", p.name, status, body)
	}
	if stream {
		out := translateStream(p.stream(), body, 37)
		checkSSE(t, p.name, out)
		return readOpenAIStream(t, out)
	}
	out, err := p.whole(body)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Choices []struct {
			Message struct {
				Content   *string
				ToolCalls []struct {
					ID       string
					Function struct{ Name, Arguments string }
				} `json:"tool_calls"`
			}
			FinishReason string `json:"finish_reason"`
		}
		Usage struct {
			PromptTokens     int64 `json:"prompt_tokens"`
			CompletionTokens int64 `json:"completion_tokens"`
		}
	}
	if err := json.Unmarshal(out, &r); err != nil || len(r.Choices) != 1 {
		t.Fatalf("%s: %s (%v)", p.name, out, err)
	}
	c := r.Choices[0]
	m := message{Finish: c.FinishReason, Usage: [2]int64{r.Usage.PromptTokens, r.Usage.CompletionTokens}}
	if c.Message.Content != nil {
		m.Text = *c.Message.Content
	}
	for _, tc := range c.Message.ToolCalls {
		m.Calls = append(m.Calls, call{ID: tc.ID, Name: tc.Function.Name, Args: decodeArgs(t, tc.Function.Arguments)})
	}
	return m
}

func TestThroughFakeLLM(t *testing.T) {
	u := newUpstream(t)
	const system, prompt = "Be kind.", "hello  big\nworld"
	for _, p := range providers {
		for _, stream := range []bool{false, true} {
			name := p.name
			if stream {
				name += "/stream"
			}
			t.Run(name+"/text", func(t *testing.T) {
				req := mustJSON(t, map[string]any{"model": "gemini-2.0-flash", "stream": stream,
					"messages": []any{map[string]any{"role": "system", "content": system}, map[string]any{"role": "user", "content": prompt}}})
				got := p.exchange(t, u, req)
				reply := fakellm.Reply(prompt)
				want := message{Text: reply, Finish: "stop",
					Usage: [2]int64{int64(fakellm.CountTokens(system + " " + prompt)), int64(fakellm.CountTokens(reply))}}
				if !equalMessages(got, want) {
					t.Errorf("got %+v\nwant %+v", got, want)
				}
			})
			t.Run(name+"/max_tokens", func(t *testing.T) {
				req := mustJSON(t, map[string]any{"model": "m", "stream": stream, "max_tokens": 2,
					"messages": []any{map[string]any{"role": "user", "content": prompt}}})
				if got := p.exchange(t, u, req); got.Finish != "length" || got.Text != "Echo: hello" {
					t.Errorf("got %+v", got)
				}
			})
			t.Run(name+"/tools", func(t *testing.T) { toolLoop(t, u, p, stream) })
		}
		t.Run(p.name+"/error", func(t *testing.T) {
			req := mustJSON(t, map[string]any{"model": "m", "messages": []any{map[string]any{"role": "user", "content": "x"}}})
			status, body, _ := p.send(u, req, "x-fake-status", "429")
			out := OpenAIError(p.from, status, body)
			var e struct {
				Error struct{ Message, Type, Code string }
			}
			if err := json.Unmarshal(out, &e); err != nil || e.Error.Type != "rate_limit_error" || e.Error.Message == "" || e.Error.Code == "" {
				t.Errorf("%d %s -> %s", status, body, out)
			}
		})
	}
}

// toolLoop runs a whole tool call: the model calls the tool, the client answers, the model
// reads the answer.
func toolLoop(t *testing.T, u upstream, p provider, stream bool) {
	tools := []any{map[string]any{"type": "function", "function": map[string]any{"name": "lookup", "description": "Look it up",
		"parameters": map[string]any{"type": "object", "properties": map[string]any{"query": map[string]any{"type": "string"}},
			"required": []string{"query"}, "additionalProperties": false}}}}
	messages := []any{map[string]any{"role": "user", "content": "weather in Paris"}}
	req := mustJSON(t, map[string]any{"model": "m", "stream": stream, "tools": tools, "messages": messages})
	first := p.exchange(t, u, req)
	if first.Finish != "tool_calls" || len(first.Calls) != 1 || first.Calls[0].Name != "lookup" {
		t.Fatalf("first answer %+v", first)
	}
	args, _ := json.Marshal(first.Calls[0].Args)
	if want := fakellm.ToolArguments("weather in Paris"); string(args) != want {
		t.Errorf("arguments %s, want %s", args, want)
	}
	messages = append(messages,
		map[string]any{"role": "assistant", "content": nilIfEmpty(first.Text), "tool_calls": []any{map[string]any{
			"id": first.Calls[0].ID, "type": "function", "function": map[string]any{"name": "lookup", "arguments": string(args)}}}},
		map[string]any{"role": "tool", "tool_call_id": first.Calls[0].ID, "content": "sunny, 21C"})
	req = mustJSON(t, map[string]any{"model": "m", "stream": stream, "tools": tools, "messages": messages})
	second := p.exchange(t, u, req)
	result := "sunny, 21C"
	if p.from == Gemini {
		result = `{"output":"sunny, 21C"}` // Gemini takes a result object; the fake reads it back as JSON
	}
	if want := fakellm.ToolResultReply(result); second.Text != want || second.Finish != "stop" {
		t.Errorf("second answer %+v, want text %q", second, want)
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func equalMessages(a, b message) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAnthropicClientThroughFakeLLM: an Anthropic client in front of an OpenAI provider.
func TestAnthropicClientThroughFakeLLM(t *testing.T) {
	u := newUpstream(t)
	for _, stream := range []bool{false, true} {
		send := func(req []byte) message {
			t.Helper()
			body, err := OpenAIRequestFromAnthropic(req)
			if err != nil {
				t.Fatal(err)
			}
			status, out := u.call("/v1/chat/completions", body)
			if status != 200 {
				t.Fatalf("%d %s", status, out)
			}
			if stream {
				return readAnthropicStream(t, translateStream(AnthropicStreamFromOpenAI(""), out, 11))
			}
			resp, err := AnthropicResponseFromOpenAI(out)
			if err != nil {
				t.Fatal(err)
			}
			return readAnthropicStream(t, wholeAsStream(t, resp))
		}
		tools := []any{map[string]any{"name": "lookup", "input_schema": map[string]any{"type": "object",
			"properties": map[string]any{"query": map[string]any{"type": "string"}}}}}
		messages := []any{map[string]any{"role": "user", "content": "weather in Paris"}}
		first := send(mustJSON(t, map[string]any{"model": "gpt-4o", "max_tokens": 100, "stream": stream, "system": "Be kind.",
			"tools": tools, "messages": messages}))
		if first.Finish != "tool_calls" || len(first.Calls) != 1 {
			t.Fatalf("stream %v: first answer %+v", stream, first)
		}
		messages = append(messages,
			map[string]any{"role": "assistant", "content": []any{map[string]any{"type": "tool_use", "id": first.Calls[0].ID,
				"name": "lookup", "input": first.Calls[0].Args}}},
			map[string]any{"role": "user", "content": []any{map[string]any{"type": "tool_result", "tool_use_id": first.Calls[0].ID,
				"content": "sunny"}}})
		second := send(mustJSON(t, map[string]any{"model": "gpt-4o", "max_tokens": 100, "stream": stream, "tools": tools, "messages": messages}))
		if want := fakellm.ToolResultReply("sunny"); second.Text != want || second.Finish != "stop" || second.Usage[0] == 0 || second.Usage[1] == 0 {
			t.Errorf("stream %v: second answer %+v, want %q", stream, second, want)
		}
	}
}

// wholeAsStream turns an Anthropic message into the events a stream of it would have, so
// that one reader serves both.
func wholeAsStream(t *testing.T, resp []byte) []byte {
	var m struct {
		Content    []map[string]any
		StopReason string `json:"stop_reason"`
		Usage      map[string]any
	}
	if err := json.Unmarshal(resp, &m); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	ev := func(v map[string]any) {
		data, _ := json.Marshal(v)
		b.WriteString("event: " + v["type"].(string) + "\ndata: " + string(data) + "\n\n")
	}
	ev(map[string]any{"type": "message_start", "message": map[string]any{"usage": m.Usage}})
	for i, c := range m.Content {
		switch c["type"] {
		case "text":
			ev(map[string]any{"type": "content_block_start", "index": i, "content_block": c})
		case "tool_use":
			input := c["input"]
			c["input"] = map[string]any{}
			ev(map[string]any{"type": "content_block_start", "index": i, "content_block": c})
			args, _ := json.Marshal(input)
			ev(map[string]any{"type": "content_block_delta", "index": i, "delta": map[string]any{"type": "input_json_delta", "partial_json": string(args)}})
		}
	}
	ev(map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": m.StopReason}})
	return []byte(b.String())
}

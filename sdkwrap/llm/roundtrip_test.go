package llm

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// conversation is the meaning of an OpenAI request: per message its role, text, tool calls
// and the call a tool result answers; plus the tools offered and the tool choice. It leaves
// out what the round trip may change without changing the meaning: string content versus
// text parts, where the system message sits, key order.
type conversation struct {
	Messages   []convMessage
	Tools      []any
	ToolChoice any
	Parallel   any
}

type convMessage struct {
	Role, Text, ToolCallID string
	Calls                  []call
}

func readConversation(t *testing.T, body []byte) conversation {
	t.Helper()
	var req struct {
		Messages []struct {
			Role       string
			Content    json.RawMessage
			ToolCallID string `json:"tool_call_id"`
			ToolCalls  []struct {
				ID       string
				Function struct{ Name, Arguments string }
			} `json:"tool_calls"`
		}
		Tools             []any
		ToolChoice        any   `json:"tool_choice"`
		ParallelToolCalls *bool `json:"parallel_tool_calls"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		t.Fatal(err)
	}
	c := conversation{Tools: req.Tools, ToolChoice: req.ToolChoice}
	if req.ParallelToolCalls != nil {
		c.Parallel = *req.ParallelToolCalls
	}
	for _, m := range req.Messages {
		role := m.Role
		if role == "developer" {
			role = "system"
		}
		cm := convMessage{Role: role, ToolCallID: m.ToolCallID}
		var s string
		var parts []struct{ Type, Text string }
		if json.Unmarshal(m.Content, &s) == nil {
			cm.Text = s
		} else if json.Unmarshal(m.Content, &parts) == nil {
			for _, p := range parts {
				cm.Text += p.Text
			}
		}
		for _, tc := range m.ToolCalls {
			cm.Calls = append(cm.Calls, call{ID: tc.ID, Name: tc.Function.Name, Args: decodeArgs(t, tc.Function.Arguments)})
		}
		if cm.Text == "" && len(cm.Calls) == 0 && role != "tool" {
			continue // an empty message means nothing
		}
		c.Messages = append(c.Messages, cm)
	}
	return c
}

// TestRequestRoundTrip sends requests OpenAI -> Anthropic -> OpenAI: the tools, tool choice,
// tool calls and tool results must mean the same on arrival.
func TestRequestRoundTrip(t *testing.T) {
	for _, name := range []string{"tools", "system_string", "tool_choice_required", "tool_choice_none"} {
		t.Run(name, func(t *testing.T) {
			in := mustRead(t, filepath.Join("testdata", name, "openai_request.json"))
			anthropic, err := AnthropicRequest(in, 100)
			if err != nil {
				t.Fatal(err)
			}
			back, err := OpenAIRequestFromAnthropic(anthropic)
			if err != nil {
				t.Fatal(err)
			}
			want, got := readConversation(t, in), readConversation(t, back)
			// The OpenAI tool's "strict" flag has no Anthropic equivalent.
			for _, tool := range want.Tools {
				delete(tool.(map[string]any)["function"].(map[string]any), "strict")
			}
			if want.ToolChoice == "none" {
				want.Parallel = nil // Anthropic's "none" choice has no parallel flag: no call is made
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round trip changed the conversation\n got: %+v\nwant: %+v\nvia %s", got, want, indentJSON(anthropic))
			}
		})
	}
}

// TestResponseRoundTrip translates responses Anthropic -> OpenAI -> Anthropic.
func TestResponseRoundTrip(t *testing.T) {
	for _, name := range []string{"resp_anthropic_text", "resp_anthropic_tool_use", "resp_anthropic_max_tokens"} {
		t.Run(name, func(t *testing.T) {
			in := mustRead(t, filepath.Join("testdata", name, "anthropic_response.json"))
			openai, err := OpenAIResponseFromAnthropic(in)
			if err != nil {
				t.Fatal(err)
			}
			back, err := AnthropicResponseFromOpenAI(openai)
			if err != nil {
				t.Fatal(err)
			}
			type resp struct {
				ID, Model  string
				StopReason string `json:"stop_reason"`
				Content    []map[string]any
			}
			var want, got resp
			json.Unmarshal(in, &want)
			json.Unmarshal(back, &got)
			// Text blocks are joined into one; thinking blocks are dropped.
			var text string
			var blocks []map[string]any
			for _, b := range want.Content {
				switch b["type"] {
				case "text":
					text += b["text"].(string)
				case "tool_use":
					blocks = append(blocks, b)
				}
			}
			if text != "" {
				blocks = append([]map[string]any{{"type": "text", "text": text}}, blocks...)
			}
			want.Content = blocks
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestStreamRoundTrip translates streams Anthropic -> OpenAI -> Anthropic: a client reading
// either end gets the same message.
func TestStreamRoundTrip(t *testing.T) {
	for _, name := range []string{"stream_anthropic_text", "stream_anthropic_tools"} {
		t.Run(name, func(t *testing.T) {
			in := mustRead(t, filepath.Join("testdata", name, "anthropic_stream.sse"))
			openai := translateStream(OpenAIStreamFromAnthropic(""), in, 0)
			back := translateStream(AnthropicStreamFromOpenAI(""), openai, 0)
			want, mid, got := readAnthropicStream(t, in), readOpenAIStream(t, openai), readAnthropicStream(t, back)
			if !reflect.DeepEqual(mid, want) {
				t.Errorf("OpenAI client reads %+v\nAnthropic client reads %+v", mid, want)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("after the round trip %+v\nbefore %+v", got, want)
			}
		})
	}
}

// TestStreamsEndWithDone checks every OpenAI stream golden: it ends with [DONE], unless an
// error event ended it.
func TestStreamsEndWithDone(t *testing.T) {
	files, _ := filepath.Glob("testdata/*/openai_stream_from_*.sse")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := readOpenAIStream(t, b)
		errored := strings.HasPrefix(m.Finish, "error: ")
		if ends := strings.HasSuffix(string(b), "data: [DONE]\n\n"); ends == errored {
			t.Errorf("%s: ends with [DONE]: %v, ended by an error: %v", f, ends, errored)
		}
	}
}

package llm

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"
)

// message is what a client ends up with after reading a whole answer, whatever its
// protocol: the text, the tool calls (arguments decoded) and why it stopped. Tests compare
// these rather than wire formats.
type message struct {
	Text   string
	Calls  []call
	Finish string // an OpenAI finish_reason
	Usage  [2]int64
}

type call struct {
	ID, Name string
	Args     any
}

func decodeArgs(t testing.TB, s string) any {
	t.Helper()
	if s == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("arguments %q: %v", s, err)
	}
	return v
}

// readOpenAIStream accumulates an OpenAI chunk stream as a client library does.
func readOpenAIStream(t testing.TB, stream []byte) message {
	t.Helper()
	var m message
	var args []strings.Builder
	sawDone := false
	for _, ev := range parseEvents(t, stream) {
		if !ev.HasData {
			continue
		}
		if sawDone {
			t.Fatalf("event after [DONE]: %q", ev.Data)
		}
		if ev.Data == "[DONE]" {
			sawDone = true
			continue
		}
		var c struct {
			Choices []struct {
				Delta struct {
					Content   *string
					ToolCalls []struct {
						Index    int
						ID       string
						Function struct{ Name, Arguments string }
					} `json:"tool_calls"`
				}
				FinishReason *string `json:"finish_reason"`
			}
			Usage *struct {
				PromptTokens     int64 `json:"prompt_tokens"`
				CompletionTokens int64 `json:"completion_tokens"`
			}
			Error *struct{ Message string }
		}
		if err := json.Unmarshal([]byte(ev.Data), &c); err != nil {
			t.Fatalf("chunk %q: %v", ev.Data, err)
		}
		if c.Error != nil {
			m.Finish = "error: " + c.Error.Message
			continue
		}
		if c.Usage != nil {
			m.Usage = [2]int64{c.Usage.PromptTokens, c.Usage.CompletionTokens}
		}
		for _, ch := range c.Choices {
			if ch.Delta.Content != nil {
				m.Text += *ch.Delta.Content
			}
			for _, tc := range ch.Delta.ToolCalls {
				for tc.Index >= len(m.Calls) {
					m.Calls = append(m.Calls, call{})
					args = append(args, strings.Builder{})
				}
				if tc.ID != "" {
					m.Calls[tc.Index].ID = tc.ID
				}
				if tc.Function.Name != "" {
					m.Calls[tc.Index].Name = tc.Function.Name
				}
				args[tc.Index].WriteString(tc.Function.Arguments)
			}
			if ch.FinishReason != nil {
				m.Finish = *ch.FinishReason
			}
		}
	}
	for i := range m.Calls {
		m.Calls[i].Args = decodeArgs(t, args[i].String())
	}
	return m
}

// readAnthropicStream accumulates an Anthropic Messages stream; Finish is mapped to OpenAI's
// vocabulary so that messages from both protocols compare.
func readAnthropicStream(t testing.TB, stream []byte) message {
	t.Helper()
	var m message
	kinds := map[int]string{}
	calls := map[int]int{}
	var args []strings.Builder
	var input, cacheRead, cacheWrite int64
	for _, ev := range parseEvents(t, stream) {
		if !ev.HasData {
			continue
		}
		var e struct {
			Type         string
			Index        int
			ContentBlock struct{ Type, ID, Name, Text string } `json:"content_block"`
			Delta        struct {
				Type, Text  string
				PartialJSON string  `json:"partial_json"`
				StopReason  *string `json:"stop_reason"`
			}
			Message struct{ Usage map[string]int64 }
			Usage   map[string]int64
			Error   struct{ Message string }
		}
		if err := json.Unmarshal([]byte(ev.Data), &e); err != nil {
			t.Fatalf("event %q: %v", ev.Data, err)
		}
		if ev.Event != e.Type {
			t.Fatalf("event name %q, data type %q", ev.Event, e.Type)
		}
		usage := e.Usage
		if e.Type == "message_start" {
			usage = e.Message.Usage
		}
		if v, ok := usage["input_tokens"]; ok {
			input = v
		}
		if v, ok := usage["cache_read_input_tokens"]; ok {
			cacheRead = v
		}
		if v, ok := usage["cache_creation_input_tokens"]; ok {
			cacheWrite = v
		}
		if v, ok := usage["output_tokens"]; ok {
			m.Usage[1] = v
		}
		switch e.Type {
		case "content_block_start":
			kinds[e.Index] = e.ContentBlock.Type
			m.Text += e.ContentBlock.Text
			if e.ContentBlock.Type == "tool_use" {
				calls[e.Index] = len(m.Calls)
				m.Calls = append(m.Calls, call{ID: e.ContentBlock.ID, Name: e.ContentBlock.Name})
				args = append(args, strings.Builder{})
			}
		case "content_block_delta":
			switch e.Delta.Type {
			case "text_delta":
				m.Text += e.Delta.Text
			case "input_json_delta":
				args[calls[e.Index]].WriteString(e.Delta.PartialJSON)
			}
		case "message_delta":
			if e.Delta.StopReason != nil {
				m.Finish = map[string]string{"end_turn": "stop", "max_tokens": "length", "tool_use": "tool_calls",
					"refusal": "content_filter", "stop_sequence": "stop"}[*e.Delta.StopReason]
			}
		case "error":
			m.Finish = "error: " + e.Error.Message
		}
	}
	m.Usage[0] = input + cacheRead + cacheWrite
	for i := range m.Calls {
		a := args[i].String()
		if a == "" {
			a = "{}" // Anthropic's accumulated input of a tool without input deltas
		}
		m.Calls[i].Args = decodeArgs(t, a)
	}
	return m
}

// sortedKeys is for stable test names.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

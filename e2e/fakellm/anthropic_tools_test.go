package fakellm

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

const anthropicTools = `[{"name":"lookup","description":"d","input_schema":{"type":"object"}},{"name":"weather","input_schema":{"type":"object"}}]`

// anthropicToolBody is a request declaring anthropicTools; extra holds more fields
// (",..." or "").
func anthropicToolBody(stream bool, extra, messages string) string {
	return fmt.Sprintf(`{"model":"claude-sonnet-4-5","max_tokens":100,"stream":%v,"system":"Use tools.","tools":%s%s,"messages":%s}`,
		stream, anthropicTools, extra, messages)
}

// anthropicStream is a parsed Messages stream: its event names, the text and the
// partial_json of the deltas, and the first content_block_start and the message_delta.
type anthropicStream struct {
	names      []string
	text       string
	fragments  []string
	blockStart any
	delta      any
}

func readAnthropicStream(t *testing.T, r reply) anthropicStream {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("stream status %d: %s", r.status, r.body)
	}
	var s anthropicStream
	for _, e := range parseSSE(t, r.body) {
		s.names = append(s.names, e.name)
		data := mustUnmarshal(t, e.data)
		switch e.name {
		case "content_block_start":
			s.blockStart = data
		case "content_block_delta":
			switch field(data, "delta", "type") {
			case "text_delta":
				s.text += field(data, "delta", "text").(string)
			case "input_json_delta":
				s.fragments = append(s.fragments, field(data, "delta", "partial_json").(string))
			}
		case "message_delta":
			s.delta = data
		}
	}
	return s
}

func TestAnthropicToolUse(t *testing.T) {
	srv := startFake(t, Config{})
	url := srv.URL() + "/v1/messages"
	user := `[{"role":"user","content":[{"type":"text","text":"Weather in  Paris"},{"type":"text","text":"today?"}]}]`
	prompt := "Weather in  Paris today?" // text blocks joined by a space, kept exactly
	for _, tc := range []struct {
		name  string
		extra string
		tool  string
	}{
		{"no tool_choice", "", "lookup"},
		{"auto", `,"tool_choice":{"type":"auto"}`, "lookup"},
		{"any", `,"tool_choice":{"type":"any"}`, "lookup"},
		{"named", `,"tool_choice":{"type":"tool","name":"weather"}`, "weather"},
		{"none", `,"tool_choice":{"type":"none"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := post(t, url, anthropicToolBody(false, tc.extra, user), anthropicHeaders("k")...)
			if res.status != 200 {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			v := res.json(t)
			stream := readAnthropicStream(t, post(t, url, anthropicToolBody(true, tc.extra, user), anthropicHeaders("k")...))
			if field(v, "usage", "input_tokens") != float64(2+CountTokens(prompt)) {
				t.Errorf("input tokens %v", field(v, "usage", "input_tokens"))
			}
			if got := field(stream.delta, "usage", "output_tokens"); got != field(v, "usage", "output_tokens") {
				t.Errorf("stream output tokens %v, non-stream %v", got, field(v, "usage", "output_tokens"))
			}
			if tc.tool == "" {
				if field(v, "content", 0, "type") != "text" || field(v, "content", 0, "text") != Reply(prompt) || v["stop_reason"] != "end_turn" {
					t.Errorf("body %s, want the usual text", res.body)
				}
				if stream.text != Reply(prompt) || len(stream.fragments) != 0 {
					t.Errorf("stream text %q fragments %q", stream.text, stream.fragments)
				}
				return
			}

			block := field(v, "content", 0)
			if len(v["content"].([]any)) != 1 || field(block, "type") != "tool_use" || field(block, "id") != "toolu_fake_1" ||
				field(block, "name") != tc.tool || field(block, "input", "query") != prompt {
				t.Errorf("content %v", v["content"])
			}
			if v["stop_reason"] != "tool_use" || v["stop_sequence"] != nil {
				t.Errorf("stop_reason %v stop_sequence %v", v["stop_reason"], v["stop_sequence"])
			}
			input, _ := json.Marshal(field(block, "input"))
			if field(v, "usage", "output_tokens") != float64(len(splitArguments(string(input)))) {
				t.Errorf("output tokens %v for input %s", field(v, "usage", "output_tokens"), input)
			}

			want := []string{"message_start", "content_block_start", "ping"}
			for range stream.fragments {
				want = append(want, "content_block_delta")
			}
			want = append(want, "content_block_stop", "message_delta", "message_stop")
			if !slices.Equal(stream.names, want) || len(stream.fragments) < 2 {
				t.Errorf("events %v with %d fragments", stream.names, len(stream.fragments))
			}
			start := field(stream.blockStart, "content_block")
			if field(start, "type") != "tool_use" || field(start, "id") != "toolu_fake_1" || field(start, "name") != tc.tool ||
				fmt.Sprint(field(start, "input")) != "map[]" {
				t.Errorf("content_block_start %v", stream.blockStart)
			}
			var streamed any
			if err := json.Unmarshal([]byte(strings.Join(stream.fragments, "")), &streamed); err != nil || fmt.Sprint(streamed) != fmt.Sprint(field(block, "input")) {
				t.Errorf("fragments %q make %v (%v), want %v", stream.fragments, streamed, err, field(block, "input"))
			}
			if field(stream.delta, "delta", "stop_reason") != "tool_use" {
				t.Errorf("message_delta %v", stream.delta)
			}
		})
	}
}

func TestAnthropicToolResult(t *testing.T) {
	srv := startFake(t, Config{})
	url := srv.URL() + "/v1/messages"
	call := `{"role":"user","content":"Weather?"},{"role":"assistant","content":[{"type":"text","text":"Let me look."},{"type":"tool_use","id":"toolu_fake_1","name":"lookup","input":{"query":"Weather?"}}]}`
	for _, tc := range []struct {
		name, result, text string
	}{
		{"string content", `{"type":"tool_result","tool_use_id":"toolu_fake_1","content":"Sunny,  22 C"}`, "Tool said: Sunny, 22 C"},
		{"block content", `{"type":"tool_result","tool_use_id":"toolu_fake_1","content":[{"type":"text","text":"Sunny"},{"type":"text","text":"22 C"}]}`, "Tool said: Sunny 22 C"},
		{"error result", `{"type":"tool_result","tool_use_id":"toolu_fake_1","is_error":true,"content":"no network"}`, "Tool said: no network"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			messages := `[` + call + `,{"role":"user","content":[` + tc.result + `]}]`
			v := post(t, url, anthropicToolBody(false, "", messages), anthropicHeaders("k")...).json(t)
			if field(v, "content", 0, "text") != tc.text || v["stop_reason"] != "end_turn" {
				t.Errorf("answer %v", v)
			}
			// system 2 + "Weather?" 1 + "Let me look." 3 + the result's words
			if want := 6 + CountTokens(strings.TrimPrefix(tc.text, "Tool said: ")); field(v, "usage", "input_tokens") != float64(want) {
				t.Errorf("input tokens %v, want %d", field(v, "usage", "input_tokens"), want)
			}
			stream := readAnthropicStream(t, post(t, url, anthropicToolBody(true, "", messages), anthropicHeaders("k")...))
			if stream.text != tc.text {
				t.Errorf("streamed %q", stream.text)
			}
		})
	}

	// A new question after the answer gets a call with a new id.
	messages := `[` + call + `,{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_fake_1","content":"x"}]},{"role":"assistant","content":"ok"},{"role":"user","content":"And tomorrow?"}]`
	v := post(t, url, anthropicToolBody(false, "", messages), anthropicHeaders("k")...).json(t)
	if field(v, "content", 0, "id") != "toolu_fake_2" || field(v, "content", 0, "input", "query") != "And tomorrow?" {
		t.Errorf("second call %v", v["content"])
	}
}

func TestAnthropicToolValidation(t *testing.T) {
	srv := startFake(t, Config{})
	url := srv.URL() + "/v1/messages"
	use := `{"role":"assistant","content":[{"type":"tool_use","id":"toolu_a","name":"lookup","input":{}},{"type":"tool_use","id":"toolu_b","name":"lookup","input":{}}]}`
	result := func(ids ...string) string {
		var blocks []string
		for _, id := range ids {
			blocks = append(blocks, `{"type":"tool_result","tool_use_id":"`+id+`","content":"r"}`)
		}
		return `{"role":"user","content":[` + strings.Join(blocks, ",") + `]}`
	}
	user := `{"role":"user","content":"hi"}`
	for _, tc := range []struct {
		name, extra, messages, msg string
	}{
		{"result without a call", "", `[` + result("toolu_a") + `]`,
			"messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_a. Each `tool_result` block must have a corresponding `tool_use` block in the previous message."},
		{"result for another id", "", `[` + user + `,` + use + `,` + result("toolu_a", "toolu_c") + `]`,
			"messages.2.content.1: unexpected `tool_use_id` found in `tool_result` blocks: toolu_c."},
		{"result two turns late", "", `[` + user + `,` + use + `,` + result("toolu_a", "toolu_b") + `,{"role":"assistant","content":"ok"},` + result("toolu_a") + `]`,
			"messages.4.content.0: unexpected `tool_use_id`"},
		{"call left unanswered", "", `[` + user + `,` + use + `,` + result("toolu_a") + `]`,
			"messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_b. Each `tool_use` block must have a corresponding `tool_result` block in the next message."},
		{"named tool not declared", `,"tool_choice":{"type":"tool","name":"nope"}`, `[` + user + `]`, "tool_choice.name:"},
		{"unknown tool_choice", `,"tool_choice":{"type":"sometimes"}`, `[` + user + `]`, "tool_choice.type:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := post(t, url, anthropicToolBody(false, tc.extra, tc.messages), anthropicHeaders("k")...)
			if res.status != 400 {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			v := res.json(t)
			msg, _ := field(v, "error", "message").(string)
			if v["type"] != "error" || field(v, "error", "type") != "invalid_request_error" || !strings.HasPrefix(msg, tc.msg) {
				t.Errorf("body %s, want message %q...", res.body, tc.msg)
			}
		})
	}
}

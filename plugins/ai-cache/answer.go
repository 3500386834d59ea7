package main

import (
	"bytes"
	"encoding/json"
	"github.com/aiwasm/aiwasm/sdkwrap/jsonguard"
	"time"

	"github.com/tidwall/gjson"
)

func nowTime() time.Time { return time.Now() }

// storable checks a whole chat.completion answer and returns what to store: the body
// compacted (a stored value has no line breaks, so its parts can go into SSE data lines),
// or the reason it is not stored.
func storable(c *Config, body []byte) ([]byte, string) {
	if !jsonguard.Valid(body) {
		return nil, "not JSON"
	}
	answer := gjson.ParseBytes(body)
	if reason := checkAnswer(c, answer); reason != "" {
		return nil, reason
	}
	var out bytes.Buffer
	if err := json.Compact(&out, body); err != nil {
		return nil, "not JSON"
	}
	return out.Bytes(), ""
}

// checkAnswer says why answer may not be stored, "" if it may: it must be a completed
// chat.completion whose every choice finished for a cacheable reason, with tool calls only
// when cache_tool_calls is on.
func checkAnswer(c *Config, answer gjson.Result) string {
	if !answer.IsObject() || answer.Get("error").Exists() {
		return "an error"
	}
	if o := answer.Get("object"); o.Exists() && o.Str != "chat.completion" {
		return "not a chat.completion"
	}
	choices := answer.Get("choices")
	if !choices.IsArray() || len(choices.Array()) == 0 {
		return "no choices"
	}
	reason := ""
	choices.ForEach(func(_, ch gjson.Result) bool {
		finish := ch.Get("finish_reason")
		msg := ch.Get("message")
		calls := msg.Get("tool_calls")
		switch {
		case finish.Type != gjson.String:
			reason = "unfinished"
		case !c.finishReasons[finish.Str]:
			reason = "finish_reason " + clip(finish.Str)
		case !c.toolCalls && (calls.IsArray() && len(calls.Array()) > 0 || msg.Get("function_call").Exists()):
			reason = "tool calls"
		case !msg.IsObject():
			reason = "no message"
		}
		return reason == ""
	})
	return reason
}

// clip shortens a value quoted in a log line.
func clip(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}

package usage

import (
	"math"
	"testing"
)

func TestFromBody(t *testing.T) {
	const max = math.MaxInt64
	tests := []struct {
		name   string
		format Format
		body   string
		want   Usage
		ok     bool
	}{
		// OpenAI and compatible APIs.
		{"openai chat completion", OpenAI, `{
  "id": "chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG",
  "object": "chat.completion",
  "created": 1741570283,
  "model": "gpt-4o-2024-08-06",
  "choices": [{"index": 0, "message": {"role": "assistant", "content": "The usage is {\"prompt_tokens\": 1}.", "refusal": null}, "logprobs": null, "finish_reason": "stop"}],
  "usage": {
    "prompt_tokens": 1117, "completion_tokens": 46, "total_tokens": 1163,
    "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
    "completion_tokens_details": {"reasoning_tokens": 20, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
  },
  "service_tier": "default",
  "system_fingerprint": "fp_fc9f1d7035"
}`, Usage{1117, 46, 1163}, true},
		{"deepseek", OpenAI, `{"id":"x","object":"chat.completion","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30,"prompt_cache_hit_tokens":8,"prompt_cache_miss_tokens":2}}`,
			Usage{10, 20, 30}, true},
		{"total computed", OpenAI, `{"usage":{"prompt_tokens":10,"completion_tokens":20}}`, Usage{10, 20, 30}, true},
		{"provider total kept", OpenAI, `{"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":35}}`, Usage{10, 20, 35}, true},
		{"embeddings", OpenAI, `{"object":"list","data":[],"model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}`, Usage{8, 0, 8}, true},
		{"usage null", OpenAI, `{"choices":[],"usage":null}`, Usage{}, false},
		{"usage empty", OpenAI, `{"usage":{}}`, Usage{}, false},
		{"usage not an object", OpenAI, `{"usage":12}`, Usage{}, false},
		{"no usage", OpenAI, `{"error":{"message":"Rate limit reached","type":"requests"}}`, Usage{}, false},
		{"truncated body", OpenAI, `{"usage":{"prompt_tokens":10,"completion_tokens":20}`, Usage{}, false},
		{"trailing garbage", OpenAI, `{"usage":{"prompt_tokens":10}} x`, Usage{}, false},
		{"empty body", OpenAI, ``, Usage{}, false},
		{"not json", OpenAI, `<html>502 Bad Gateway</html>`, Usage{}, false},
		{"json array", OpenAI, `[{"usage":{"prompt_tokens":1}}]`, Usage{}, false},
		{"non-utf8 content", OpenAI, "{\"choices\":[{\"message\":{\"content\":\"\xff\xfe\"}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}", Usage{3, 4, 7}, true},
		{"negative ignored", OpenAI, `{"usage":{"prompt_tokens":-5,"completion_tokens":3,"total_tokens":-2}}`, Usage{0, 3, 3}, true},
		{"only negatives", OpenAI, `{"usage":{"prompt_tokens":-5}}`, Usage{}, false},
		{"fraction ignored", OpenAI, `{"usage":{"prompt_tokens":1.5,"completion_tokens":2.0}}`, Usage{0, 2, 2}, true},
		{"exponent", OpenAI, `{"usage":{"prompt_tokens":1e3,"completion_tokens":0}}`, Usage{1000, 0, 1000}, true},
		{"strings ignored", OpenAI, `{"usage":{"prompt_tokens":"12","completion_tokens":null,"total_tokens":true}}`, Usage{}, false},
		{"huge saturates", OpenAI, `{"usage":{"prompt_tokens":123456789012345678901234567890,"completion_tokens":9223372036854775807}}`, Usage{max, max, max}, true},
		{"sum saturates", OpenAI, `{"usage":{"prompt_tokens":9223372036854775000,"completion_tokens":1000}}`, Usage{9223372036854775000, 1000, max}, true},
		{"huge exponent", OpenAI, `{"usage":{"prompt_tokens":1e400}}`, Usage{max, 0, max}, true},

		// Anthropic Messages.
		{"anthropic message", Anthropic, `{
  "id": "msg_013Zva2CMHLNnXjNJJKqJ2EF",
  "type": "message",
  "role": "assistant",
  "model": "claude-sonnet-4-20250514",
  "content": [{"type": "text", "text": "Hi! My name is Claude."}],
  "stop_reason": "end_turn",
  "stop_sequence": null,
  "usage": {"input_tokens": 2095, "output_tokens": 503}
}`, Usage{2095, 503, 2598}, true},
		{"anthropic cache counted as prompt", Anthropic, `{"type":"message","usage":{"input_tokens":1,"cache_creation_input_tokens":287,"cache_read_input_tokens":30433,"output_tokens":67,"service_tier":"standard","cache_creation":{"ephemeral_5m_input_tokens":287,"ephemeral_1h_input_tokens":0}}}`,
			Usage{30721, 67, 30788}, true},
		{"anthropic null cache fields", Anthropic, `{"usage":{"input_tokens":10,"cache_creation_input_tokens":null,"cache_read_input_tokens":null,"output_tokens":5}}`,
			Usage{10, 5, 15}, true},
		{"anthropic error", Anthropic, `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`, Usage{}, false},
		{"anthropic reads no openai fields", Anthropic, `{"usage":{"prompt_tokens":1,"completion_tokens":2}}`, Usage{}, false},
		{"anthropic cache sum saturates", Anthropic, `{"usage":{"input_tokens":9223372036854775807,"cache_read_input_tokens":9223372036854775807}}`, Usage{max, 0, max}, true},

		// Gemini.
		{"gemini", Gemini, `{
  "candidates": [{"content": {"parts": [{"text": "Hello"}], "role": "model"}, "finishReason": "STOP", "index": 0}],
  "usageMetadata": {"promptTokenCount": 8, "candidatesTokenCount": 12, "totalTokenCount": 20, "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 8}]},
  "modelVersion": "gemini-2.0-flash",
  "responseId": "abc"
}`, Usage{8, 12, 20}, true},
		{"gemini thoughts are completion", Gemini, `{"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":100,"thoughtsTokenCount":400,"totalTokenCount":510}}`,
			Usage{10, 500, 510}, true},
		{"gemini tool-use prompt and cache", Gemini, `{"usageMetadata":{"promptTokenCount":1000,"cachedContentTokenCount":900,"toolUsePromptTokenCount":50,"candidatesTokenCount":20,"totalTokenCount":1070}}`,
			Usage{1050, 20, 1070}, true},
		{"gemini total computed", Gemini, `{"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":6}}`, Usage{4, 6, 10}, true},
		{"gemini prompt only", Gemini, `{"usageMetadata":{"promptTokenCount":4,"totalTokenCount":4}}`, Usage{4, 0, 4}, true},
		{"gemini json array", Gemini, `[
  {"candidates":[{"content":{"parts":[{"text":"A"}]}}],"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5}},
  {"candidates":[{"content":{"parts":[{"text":"B"}]}}]},
  {"candidates":[{"content":{"parts":[{"text":"C"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":7,"totalTokenCount":12}}
]`, Usage{5, 7, 12}, true},
		{"gemini array without usage", Gemini, `[{"candidates":[]}]`, Usage{}, false},
		{"gemini error", Gemini, `{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}`, Usage{}, false},
		{"gemini reads no openai fields", Gemini, `{"usage":{"prompt_tokens":1}}`, Usage{}, false},

		{"zero format", Format(0), `{"usage":{"prompt_tokens":1}}`, Usage{}, false},
		{"unknown format", Format(9), `{"usage":{"prompt_tokens":1}}`, Usage{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FromBody(tt.format, []byte(tt.body))
			if got != tt.want || ok != tt.ok {
				t.Fatalf("FromBody(%v) = %+v, %v; want %+v, %v", tt.format, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestFormatString(t *testing.T) {
	for f, want := range map[Format]string{OpenAI: "openai", Anthropic: "anthropic", Gemini: "gemini", 0: "unknown"} {
		if f.String() != want {
			t.Errorf("Format(%d).String() = %q, want %q", f, f.String(), want)
		}
	}
}

package usage

import "testing"

func TestEstimateTokens(t *testing.T) {
	for n, want := range map[int64]int64{-1: 1, 0: 1, 1: 1, 4: 1, 5: 2, 400: 100, 401: 101} {
		if got := EstimateTokens(n); got != want {
			t.Errorf("EstimateTokens(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestFormatOfPath(t *testing.T) {
	for path, want := range map[string]Format{
		"/v1/chat/completions": OpenAI,
		"/v1/completions?x=1":  OpenAI,
		"/v1/messages":         Anthropic,
		"/v1beta/models/gemini-2.0-flash:generateContent": Gemini,
		"/v1beta/models/g:streamGenerateContent?alt=sse":  Gemini,
	} {
		if got := FormatOfPath(path); got != want {
			t.Errorf("%s: %v, want %v", path, got, want)
		}
	}
}

// Only text counts: contents, arguments, system prompts; not roles, models or ids.
func TestTextBytes(t *testing.T) {
	for _, tc := range []struct {
		f    Format
		body string
		want int64
	}{
		{OpenAI, `{"model":"gpt-4o","messages":[{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"hello"}]}]}`, 8 + 5},
		{Anthropic, `{"model":"claude","system":"sys","messages":[{"role":"user","content":"hi there"}],"max_tokens":5}`, 3 + 8},
		{Gemini, `{"contents":[{"role":"user","parts":[{"text":"abcd"}]}],"systemInstruction":{"parts":[{"text":"xy"}]}}`, 4 + 2},
	} {
		if got := PromptBytes(tc.f, []byte(tc.body)); got != tc.want {
			t.Errorf("%v prompt: %d, want %d", tc.f, got, tc.want)
		}
	}
	if got := CompletionBytes(OpenAI, []byte(`{"id":"chatcmpl-1","choices":[{"message":{"role":"assistant","content":"12345678"}}]}`)); got != 8 {
		t.Errorf("openai answer: %d", got)
	}
	if got := CompletionBytes(Anthropic, []byte(`{"id":"msg_1","content":[{"type":"text","text":"abc"}]}`)); got != 3 {
		t.Errorf("anthropic answer: %d", got)
	}
	if got := CompletionBytes(Gemini, []byte(`[{"candidates":[{"content":{"role":"model","parts":[{"text":"ab"}]}}]},{"candidates":[{"content":{"parts":[{"text":"cd"}]}}]}]`)); got != 4 {
		t.Errorf("gemini array: %d", got)
	}
	for _, tc := range []struct {
		f    Format
		data string
		want int64
	}{
		{OpenAI, `{"choices":[{"index":0,"delta":{"content":" word"}}]}`, 5},
		{OpenAI, `{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\""}}]}}]}`, 6}, // escapes count as written
		{OpenAI, `[DONE]`, 0},
		{OpenAI, `{"choices":[{"delta":{"role":"assistant","content":""}}]}`, 0},
		{OpenAI, `{"choices":[{"delta":{"content":"say \"content\":\"x\""}}]}`, 21},
		{OpenAI, `{"choices":[{"delta":{"reasoning_content":"abc"}}]}`, 3},
		{OpenAI, `{"choices":[{"index":0,"text":"abcd"}]}`, 4},
		{Anthropic, `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hey"}}`, 3},
		{Gemini, `{"candidates":[{"content":{"parts":[{"text":"abc"}],"role":"model"}}]}`, 3},
	} {
		if got := CompletionEventBytes(tc.f, tc.data); got != tc.want {
			t.Errorf("%v event %s: %d, want %d", tc.f, tc.data, got, tc.want)
		}
	}
}

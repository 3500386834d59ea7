package fakellm

import (
	"encoding/json"
	"fmt"
	"testing"
)

// geminiStreamChunks calls streamGenerateContent with alt=sse and without, checks
// that both carry the same chunks, and returns them decoded.
func geminiStreamChunks(t *testing.T, base, body string) []any {
	t.Helper()
	sse := post(t, base+":streamGenerateContent?alt=sse", body)
	if sse.status != 200 {
		t.Fatalf("stream status %d: %s", sse.status, sse.body)
	}
	var array []json.RawMessage
	if err := json.Unmarshal(post(t, base+":streamGenerateContent", body).body, &array); err != nil {
		t.Fatalf("array stream: %v", err)
	}
	events := parseSSE(t, sse.body)
	if len(events) != len(array) {
		t.Fatalf("%d SSE events, %d array chunks", len(events), len(array))
	}
	var chunks []any
	for i, e := range events {
		if compactJSON(array[i]) != e.data {
			t.Errorf("chunk %d differs: %s vs %s", i, array[i], e.data)
		}
		chunks = append(chunks, mustUnmarshal(t, e.data))
	}
	return chunks
}

func TestGeminiFunctionCall(t *testing.T) {
	srv := startFake(t, Config{})
	base := srv.URL() + "/v1beta/models/gemini-2.5-flash"
	const prompt = "Weather in  Paris today?"
	camel := `"tools":[{"functionDeclarations":[{"name":"lookup","parameters":{"type":"object"}},{"name":"weather"}]},{"googleSearch":{}}]`
	snake := `"tools":[{"function_declarations":[{"name":"lookup"},{"name":"weather"}]}]`
	for _, tc := range []struct {
		name   string
		fields string
		tool   string
	}{
		{"first declared", camel, "lookup"},
		{"mode AUTO", camel + `,"toolConfig":{"functionCallingConfig":{"mode":"AUTO"}}`, "lookup"},
		{"mode ANY with allowed names", camel + `,"toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["weather"]}}`, "weather"},
		{"mode NONE", camel + `,"toolConfig":{"functionCallingConfig":{"mode":"NONE"}}`, ""},
		{"snake_case", snake + `,"tool_config":{"function_calling_config":{"mode":"ANY","allowed_function_names":["weather"]}}`, "weather"},
		{"snake_case NONE", snake + `,"tool_config":{"function_calling_config":{"mode":"NONE"}}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"systemInstruction":{"parts":[{"text":"Use tools."}]},"contents":[{"role":"user","parts":[{"text":"` +
				prompt + `"}]}],` + tc.fields + `}`
			res := post(t, base+":generateContent", body)
			if res.status != 200 {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			v := res.json(t)
			chunks := geminiStreamChunks(t, base, body)
			last := chunks[len(chunks)-1]
			if fmt.Sprint(field(last, "usageMetadata")) != fmt.Sprint(field(v, "usageMetadata")) {
				t.Errorf("last chunk usage %v, non-stream %v", field(last, "usageMetadata"), field(v, "usageMetadata"))
			}
			if field(v, "usageMetadata", "promptTokenCount") != float64(2+CountTokens(prompt)) {
				t.Errorf("prompt tokens %v", field(v, "usageMetadata", "promptTokenCount"))
			}
			if tc.tool == "" {
				if field(v, "candidates", 0, "content", "parts", 0, "text") != Reply(prompt) || field(v, "candidates", 0, "finishReason") != "STOP" {
					t.Errorf("body %s, want the usual text", res.body)
				}
				return
			}

			part := field(v, "candidates", 0, "content", "parts", 0).(map[string]any)
			if len(part) != 1 || field(part, "functionCall", "name") != tc.tool || field(part, "functionCall", "args", "query") != prompt {
				t.Errorf("part %v, want only a functionCall of %s", part, tc.tool)
			}
			if field(v, "candidates", 0, "finishReason") != "STOP" || field(v, "candidates", 0, "content", "role") != "model" {
				t.Errorf("candidate %v", field(v, "candidates", 0))
			}
			if field(v, "usageMetadata", "candidatesTokenCount") != float64(len(splitArguments(ToolArguments(prompt)))) {
				t.Errorf("candidates tokens %v", field(v, "usageMetadata", "candidatesTokenCount"))
			}
			// Gemini streams a function call whole, in one chunk.
			if len(chunks) != 1 || fmt.Sprint(field(last, "candidates")) != fmt.Sprint(field(v, "candidates")) {
				t.Errorf("%d chunks, last %v; want one equal to %v", len(chunks), last, field(v, "candidates"))
			}
		})
	}
}

func TestGeminiFunctionResponse(t *testing.T) {
	srv := startFake(t, Config{})
	base := srv.URL() + "/v1beta/models/gemini-2.5-flash"
	history := `{"role":"user","parts":[{"text":"Weather?"}]},{"role":"model","parts":[{"functionCall":{"name":"lookup","args":{"query":"Weather?"}}}]}`
	for _, tc := range []struct {
		name, content, text string
	}{
		{"user role", `{"role":"user","parts":[{"functionResponse":{"name":"lookup","response":{ "sky": "clear  blue", "temp": 22 }}}]}`, `Tool said: {"sky":"clear blue","temp":22}`},
		{"function role", `{"role":"function","parts":[{"functionResponse":{"name":"lookup","response":{"ok":true}}}]}`, `Tool said: {"ok":true}`},
		{"snake_case, two responses", `{"role":"user","parts":[{"function_response":{"name":"a","response":{"n":1}}},{"function_response":{"name":"b","response":{"n":2}}}]}`, `Tool said: {"n":1} {"n":2}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"tools":[{"functionDeclarations":[{"name":"lookup"}]}],"contents":[` + history + `,` + tc.content + `]}`
			v := post(t, base+":generateContent", body).json(t)
			if field(v, "candidates", 0, "content", "parts", 0, "text") != tc.text || field(v, "candidates", 0, "finishReason") != "STOP" {
				t.Errorf("answer %v, want %q", field(v, "candidates", 0), tc.text)
			}
			var streamed string
			for _, c := range geminiStreamChunks(t, base, body) {
				streamed += field(c, "candidates", 0, "content", "parts", 0, "text").(string)
			}
			if streamed != tc.text {
				t.Errorf("streamed %q", streamed)
			}
		})
	}
}

package fakellm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func geminiBody(maxTokens int) string {
	config := ""
	if maxTokens > 0 {
		config = fmt.Sprintf(`,"generationConfig":{"maxOutputTokens":%d,"temperature":0}`, maxTokens)
	}
	return `{"systemInstruction":{"parts":[{"text":"You are terse."}]},
		"contents":[
			{"role":"user","parts":[{"text":"first question"}]},
			{"role":"model","parts":[{"text":"an answer"}]},
			{"role":"user","parts":[{"text":"Why is"},{"inlineData":{"mimeType":"image/png","data":""}},{"text":"the sky blue?"}]}]` + config + `}`
}

// Prompt tokens of geminiBody: 3 + 2 + 2 + 5 words.
const geminiBodyPromptTokens = 12

func checkGeminiUsage(t *testing.T, what string, v any, prompt, candidates int) {
	t.Helper()
	if field(v, "usageMetadata", "promptTokenCount") != float64(prompt) ||
		field(v, "usageMetadata", "candidatesTokenCount") != float64(candidates) ||
		field(v, "usageMetadata", "totalTokenCount") != float64(prompt+candidates) {
		t.Errorf("%s: usageMetadata %v, want %d prompt / %d candidates", what, field(v, "usageMetadata"), prompt, candidates)
	}
}

func TestGeminiGenerate(t *testing.T) {
	srv := startFake(t, Config{GeminiKey: "g-key"})
	for _, tc := range []struct {
		name      string
		prefix    string
		maxTokens int
		text      string
		finish    string
	}{
		{"v1beta", "/v1beta", 0, "Echo: Why is the sky blue?", "STOP"},
		{"v1", "/v1", 0, "Echo: Why is the sky blue?", "STOP"},
		{"truncated", "/v1beta", 3, "Echo: Why is", "MAX_TOKENS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := srv.URL() + tc.prefix + "/models/gemini-2.0-flash"
			candidates := CountTokens(tc.text)
			res := post(t, base+":generateContent", geminiBody(tc.maxTokens), "x-goog-api-key: g-key")
			if res.status != 200 {
				t.Fatalf("status %d: %s", res.status, res.body)
			}
			v := res.json(t)
			if field(v, "candidates", 0, "content", "parts", 0, "text") != tc.text || field(v, "candidates", 0, "content", "role") != "model" ||
				field(v, "candidates", 0, "finishReason") != tc.finish || field(v, "candidates", 0, "index") != 0.0 {
				t.Errorf("candidate %s", res.body)
			}
			if v["modelVersion"] != "gemini-2.0-flash" || v["responseId"] == "" {
				t.Errorf("modelVersion %v responseId %v", v["modelVersion"], v["responseId"])
			}
			checkGeminiUsage(t, "generateContent", v, geminiBodyPromptTokens, candidates)

			// alt=sse: one event per token, usage so far on each, finishReason on the last.
			stream := post(t, base+":streamGenerateContent?alt=sse", geminiBody(tc.maxTokens), "x-goog-api-key: g-key")
			if stream.status != 200 || stream.header.Get("Content-Type") != "text/event-stream" {
				t.Fatalf("stream status %d type %q", stream.status, stream.header.Get("Content-Type"))
			}
			events := parseSSE(t, stream.body)
			if len(events) != candidates {
				t.Fatalf("%d events, want %d", len(events), candidates)
			}
			var text strings.Builder
			for i, e := range events {
				chunk := mustUnmarshal(t, e.data)
				text.WriteString(field(chunk, "candidates", 0, "content", "parts", 0, "text").(string))
				checkGeminiUsage(t, fmt.Sprintf("chunk %d", i), chunk, geminiBodyPromptTokens, i+1)
				finish := field(chunk, "candidates", 0, "finishReason")
				if (i == len(events)-1) != (finish == tc.finish) {
					t.Errorf("chunk %d finishReason %v", i, finish)
				}
			}
			if text.String() != tc.text {
				t.Errorf("streamed %q, want %q", text.String(), tc.text)
			}

			// Without alt=sse the stream is one JSON array holding the same chunks.
			array := post(t, base+":streamGenerateContent", geminiBody(tc.maxTokens), "x-goog-api-key: g-key")
			var chunks []json.RawMessage
			if err := json.Unmarshal(array.body, &chunks); err != nil {
				t.Fatalf("array stream is not a JSON array: %v\n%s", err, array.body)
			}
			if len(chunks) != len(events) {
				t.Fatalf("%d array chunks, %d SSE events", len(chunks), len(events))
			}
			for i := range chunks {
				var compact bytes.Buffer
				json.Compact(&compact, chunks[i])
				if compact.String() != events[i].data {
					t.Errorf("array chunk %d = %s, SSE event %s", i, chunks[i], events[i].data)
				}
			}
		})
	}
}

func TestGeminiSnakeCaseAndNoRole(t *testing.T) {
	srv := startFake(t, Config{})
	res := post(t, srv.URL()+"/v1beta/models/m:generateContent",
		`{"system_instruction":{"parts":[{"text":"sys"}]},"contents":[{"parts":[{"text":"one two three"}]}],"generation_config":{"max_output_tokens":2}}`)
	v := res.json(t)
	if field(v, "candidates", 0, "content", "parts", 0, "text") != "Echo: one" || field(v, "candidates", 0, "finishReason") != "MAX_TOKENS" {
		t.Errorf("body %s", res.body)
	}
	checkGeminiUsage(t, "snake_case", v, 4, 2)
}

func TestGeminiEmbed(t *testing.T) {
	srv := startFake(t, Config{})
	res := post(t, srv.URL()+"/v1beta/models/text-embedding-004:embedContent", `{"content":{"parts":[{"text":"hello world"}]},"outputDimensionality":16}`)
	if res.status != 200 {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	var got struct {
		Embedding struct {
			Values []float32 `json:"values"`
		} `json:"embedding"`
	}
	if err := json.Unmarshal(res.body, &got); err != nil {
		t.Fatal(err)
	}
	want := Embed("hello world", 16)
	if fmt.Sprint(got.Embedding.Values) != fmt.Sprint(want) {
		t.Errorf("values %v, want %v", got.Embedding.Values, want)
	}
	if res := post(t, srv.URL()+"/v1beta/models/e:embedContent", `{}`); res.status != 400 {
		t.Errorf("embedContent without content: %d", res.status)
	}
}

func TestGeminiErrors(t *testing.T) {
	srv := startFake(t, Config{GeminiKey: "g-key"})
	good := geminiBody(0)
	for _, tc := range []struct {
		name    string
		method  string
		path    string
		body    string
		headers []string
		status  int
		gstatus string
		reason  string // ErrorInfo reason in details
	}{
		{"key in query", "POST", "/v1beta/models/m:generateContent?key=g-key", good, nil, 200, "", ""},
		{"missing key", "POST", "/v1beta/models/m:generateContent", good, nil, 403, "PERMISSION_DENIED", ""},
		{"wrong key", "POST", "/v1beta/models/m:generateContent", good, []string{"x-goog-api-key: g-nope"}, 400, "INVALID_ARGUMENT", "API_KEY_INVALID"},
		{"wrong key in query", "POST", "/v1beta/models/m:generateContent?key=g-nope", good, nil, 400, "INVALID_ARGUMENT", "API_KEY_INVALID"},
		{"no contents", "POST", "/v1beta/models/m:generateContent", `{"contents":[]}`, []string{"x-goog-api-key: g-key"}, 400, "INVALID_ARGUMENT", ""},
		{"malformed JSON", "POST", "/v1beta/models/m:generateContent", `{"contents":`, []string{"x-goog-api-key: g-key"}, 400, "INVALID_ARGUMENT", ""},
		{"unknown method", "POST", "/v1beta/models/m:countTokens", good, []string{"x-goog-api-key: g-key"}, 404, "NOT_FOUND", ""},
		{"wrong HTTP method", "GET", "/v1beta/models/m:generateContent", ``, []string{"x-goog-api-key: g-key"}, 405, "UNIMPLEMENTED", ""},
		{"injected 429", "POST", "/v1beta/models/m:generateContent", good, []string{"x-goog-api-key: g-key", HeaderStatus + ": 429"}, 429, "RESOURCE_EXHAUSTED", ""},
		{"injected 503", "POST", "/v1beta/models/m:streamGenerateContent?alt=sse", good, []string{"x-goog-api-key: g-key", HeaderStatus + ": 503"}, 503, "UNAVAILABLE", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, tc.method, srv.URL()+tc.path, tc.body, tc.headers...)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if tc.status == 200 {
				return
			}
			v := res.json(t)
			if field(v, "error", "code") != float64(tc.status) || field(v, "error", "status") != tc.gstatus || field(v, "error", "message") == "" {
				t.Errorf("body %s", res.body)
			}
			if reason := field(v, "error", "details", 0, "reason"); tc.reason != "" && reason != tc.reason {
				t.Errorf("details reason %v, want %s", reason, tc.reason)
			}
			if strings.Contains(string(res.body), "g-nope") {
				t.Errorf("error echoes the key: %s", res.body)
			}
		})
	}
}

package fakellm

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/shared"
)

func TestJSONReply(t *testing.T) {
	for prompt, want := range map[string]string{
		"":                   `{"echo":""}`,
		"What is  the\nsky?": `{"echo":"What is the sky?"}`,
		`say "<hi>" & bye`:   `{"echo":"say \"<hi>\" & bye"}`,
	} {
		if got := JSONReply(prompt); got != want || !json.Valid([]byte(got)) {
			t.Errorf("JSONReply(%q) = %s, want %s", prompt, got, want)
		}
		if strings.Join(SplitTokens(want), "") != want {
			t.Errorf("%s does not stream back whole", want)
		}
	}
}

func TestOpenAIJSONModeWithSDK(t *testing.T) {
	srv := startFake(t, Config{})
	client := newOpenAIClient(srv.URL()+"/v1", "k")
	schema := shared.ResponseFormatJSONSchemaJSONSchemaParam{Name: "echo", Schema: map[string]any{"type": "object"}}
	want := JSONReply("What is the capital of France?")
	for _, tc := range []struct {
		name      string
		format    openai.ChatCompletionNewParamsResponseFormatUnion
		maxTokens int64
		text      string
		finish    string
	}{
		{"json_object", openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONObject: &shared.ResponseFormatJSONObjectParam{}}, 0, want, "stop"},
		{"json_schema", openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONSchema: &shared.ResponseFormatJSONSchemaParam{JSONSchema: schema}}, 0, want, "stop"},
		{"text", openai.ChatCompletionNewParamsResponseFormatUnion{OfText: &shared.ResponseFormatTextParam{}}, 0, "Echo: What is the capital of France?", "stop"},
		{"json cut by max tokens", openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONObject: &shared.ResponseFormatJSONObjectParam{}}, 2, `{"echo":"What is`, "length"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			params := chatParams("gpt-4o", tc.maxTokens)
			params.ResponseFormat = tc.format
			res, err := client.Chat.Completions.New(context.Background(), params)
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Choices[0].Message.Content; got != tc.text || res.Choices[0].FinishReason != tc.finish {
				t.Errorf("content %s finish %q, want %s %q", got, res.Choices[0].FinishReason, tc.text, tc.finish)
			}
			if res.Usage.CompletionTokens != int64(CountTokens(tc.text)) || res.Usage.PromptTokens != chatParamsPromptTokens {
				t.Errorf("usage %+v", res.Usage)
			}
			acc, _ := streamChat(t, client, params)
			if acc.Choices[0].Message.Content != tc.text || !sameUsage(acc.Usage, res.Usage) {
				t.Errorf("stream %s %+v", acc.Choices[0].Message.Content, acc.Usage)
			}
		})
	}
	if res := post(t, srv.URL()+"/v1/chat/completions", `{"model":"m","response_format":{"type":"yaml"},"messages":[{"role":"user","content":"x"}]}`); res.status != 400 || field(res.json(t), "error", "param") != "response_format.type" {
		t.Errorf("unknown response_format: %d %s", res.status, res.body)
	}
}

func TestGeminiJSONMode(t *testing.T) {
	srv := startFake(t, Config{})
	base := srv.URL() + "/v1beta/models/gemini-2.5-flash"
	contents := `"contents":[{"role":"user","parts":[{"text":"Why is  the sky blue?"}]}]`
	for _, tc := range []struct {
		name, config, text string
	}{
		{"responseMimeType", `"generationConfig":{"responseMimeType":"application/json"}`, `{"echo":"Why is the sky blue?"}`},
		{"snake_case", `"generation_config":{"response_mime_type":"application/json"}`, `{"echo":"Why is the sky blue?"}`},
		{"text/plain", `"generationConfig":{"responseMimeType":"text/plain"}`, "Echo: Why is the sky blue?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{` + contents + `,` + tc.config + `}`
			v := post(t, base+":generateContent", body).json(t)
			if field(v, "candidates", 0, "content", "parts", 0, "text") != tc.text || field(v, "usageMetadata", "candidatesTokenCount") != float64(CountTokens(tc.text)) {
				t.Errorf("answer %v usage %v, want %s", field(v, "candidates", 0), field(v, "usageMetadata"), tc.text)
			}
			var streamed string
			for _, c := range geminiStreamChunks(t, base, body) {
				streamed += field(c, "candidates", 0, "content", "parts", 0, "text").(string)
			}
			if streamed != tc.text {
				t.Errorf("streamed %s", streamed)
			}
		})
	}
}

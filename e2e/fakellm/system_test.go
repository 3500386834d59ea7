package fakellm

import (
	"context"
	"testing"

	"github.com/openai/openai-go/v3"
)

// System prompts count as prompt tokens but are never the message a reply echoes or a
// tool call asks about, wherever they stand.
func TestSystemPromptsAreNeverTheUser(t *testing.T) {
	srv := startFake(t, Config{})
	client := newOpenAIClient(srv.URL()+"/v1", "k")
	messages := []openai.ChatCompletionMessageParamUnion{
		openai.DeveloperMessage("Answer in French."),
		openai.UserMessage("hello there"),
		openai.SystemMessage("A late system note."),
	}
	for _, tools := range [][]openai.ChatCompletionToolUnionParam{nil, openAITools("lookup")} {
		params := openai.ChatCompletionNewParams{Model: "m", Messages: messages, Tools: tools}
		res, err := client.Chat.Completions.New(context.Background(), params)
		if err != nil {
			t.Fatal(err)
		}
		acc, _ := streamChat(t, client, params)
		for _, got := range []openai.ChatCompletion{*res, acc.ChatCompletion} {
			msg := got.Choices[0].Message
			if tools == nil && msg.Content != "Echo: hello there" || tools != nil && msg.ToolCalls[0].Function.Arguments != `{"query":"hello there"}` {
				t.Errorf("OpenAI with %d tools: %+v", len(tools), msg)
			}
			if got.Usage.PromptTokens != 3+2+4 {
				t.Errorf("OpenAI prompt tokens %d, want 9", got.Usage.PromptTokens)
			}
		}
	}

	for _, tc := range []struct {
		name, url, body string
		headers         []string
		text, tokens    []any // where the answer's text and prompt tokens are
	}{
		{"Anthropic system string", "/v1/messages",
			`{"model":"c","max_tokens":50,"system":"Answer in French.","messages":[{"role":"user","content":"hello there"}]}`,
			anthropicHeaders("k"), []any{"content", 0, "text"}, []any{"usage", "input_tokens"}},
		{"Anthropic system blocks", "/v1/messages",
			`{"model":"c","max_tokens":50,"system":[{"type":"text","text":"Answer in"},{"type":"text","text":"French."}],"messages":[{"role":"user","content":"hello there"}]}`,
			anthropicHeaders("k"), []any{"content", 0, "text"}, []any{"usage", "input_tokens"}},
		{"Gemini systemInstruction with a user role", "/v1beta/models/g:generateContent",
			`{"systemInstruction":{"role":"user","parts":[{"text":"Answer in French."}]},"contents":[{"role":"user","parts":[{"text":"hello there"}]}]}`,
			nil, []any{"candidates", 0, "content", "parts", 0, "text"}, []any{"usageMetadata", "promptTokenCount"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := post(t, srv.URL()+tc.url, tc.body, tc.headers...)
			v := res.json(t)
			if field(v, tc.text...) != "Echo: hello there" || field(v, tc.tokens...) != 5.0 {
				t.Errorf("status %d: %s; want the user echoed and 5 prompt tokens", res.status, res.body)
			}
		})
	}
}

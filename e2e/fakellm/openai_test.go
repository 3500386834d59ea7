package fakellm

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/param"
)

// newOpenAIClient is the official SDK pointed at a fake, without retries (a fault must
// reach the test as it was sent).
func newOpenAIClient(baseURL, key string, opts ...option.RequestOption) openai.Client {
	return openai.NewClient(append([]option.RequestOption{
		option.WithBaseURL(baseURL), option.WithAPIKey(key), option.WithMaxRetries(0),
	}, opts...)...)
}

func chatParams(model string, maxTokens int64) openai.ChatCompletionNewParams {
	p := openai.ChatCompletionNewParams{
		Model: model,
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage("You are terse."),
			openai.UserMessage("first question here"),
			openai.AssistantMessage("an earlier answer"),
			openai.UserMessage("What is  the\ncapital of France?"),
		},
	}
	if maxTokens > 0 {
		p.MaxTokens = openai.Int(maxTokens)
	}
	return p
}

// Prompt tokens of chatParams: 3 + 3 + 3 + 6 words.
const chatParamsPromptTokens = 15

func TestOpenAIChatWithSDK(t *testing.T) {
	srv := startFake(t, Config{OpenAIKey: "sk-test"})
	client := newOpenAIClient(srv.URL()+"/v1", "sk-test")
	for _, tc := range []struct {
		name      string
		maxTokens int64
		text      string
		finish    string
	}{
		{"whole", 0, "Echo: What is the capital of France?", "stop"},
		{"max tokens above length", 100, "Echo: What is the capital of France?", "stop"},
		{"truncated", 3, "Echo: What is", "length"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			completion := CountTokens(tc.text)
			res, err := client.Chat.Completions.New(context.Background(), chatParams("gpt-4o-mini", tc.maxTokens))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Choices) != 1 {
				t.Fatalf("%d choices, want 1", len(res.Choices))
			}
			ch := res.Choices[0]
			if ch.Message.Content != tc.text || string(ch.Message.Role) != "assistant" || ch.FinishReason != tc.finish {
				t.Errorf("choice = %q/%q/%q, want %q/assistant/%q", ch.Message.Content, ch.Message.Role, ch.FinishReason, tc.text, tc.finish)
			}
			if res.Usage.PromptTokens != chatParamsPromptTokens || res.Usage.CompletionTokens != int64(completion) || res.Usage.TotalTokens != int64(chatParamsPromptTokens+completion) {
				t.Errorf("usage = %+v, want %d/%d", res.Usage, chatParamsPromptTokens, completion)
			}
			if res.Model != "gpt-4o-mini" || res.Object != "chat.completion" || !strings.HasPrefix(res.ID, "chatcmpl-") || res.Created == 0 || res.SystemFingerprint != systemFingerprint {
				t.Errorf("envelope = id %q object %q model %q created %d fingerprint %q", res.ID, res.Object, res.Model, res.Created, res.SystemFingerprint)
			}

			// The stream, with include_usage, carries the same text and the same usage.
			params := chatParams("gpt-4o-mini", tc.maxTokens)
			params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
			stream := client.Chat.Completions.NewStreaming(context.Background(), params)
			var acc openai.ChatCompletionAccumulator
			var deltas []string
			var finish string
			var sawUsageChunk bool
			for stream.Next() {
				chunk := stream.Current()
				acc.AddChunk(chunk)
				if chunk.ID != acc.ID || !strings.HasPrefix(chunk.ID, "chatcmpl-") || chunk.Model != "gpt-4o-mini" {
					t.Errorf("chunk id %q model %q; first chunk's id %q", chunk.ID, chunk.Model, acc.ID)
				}
				if len(chunk.Choices) == 0 {
					sawUsageChunk = true
					if chunk.Usage.TotalTokens != res.Usage.TotalTokens || chunk.Usage.PromptTokens != res.Usage.PromptTokens {
						t.Errorf("stream usage %+v, want %+v", chunk.Usage, res.Usage)
					}
					continue
				}
				if c := chunk.Choices[0].Delta.Content; c != "" {
					deltas = append(deltas, c)
				}
				if f := chunk.Choices[0].FinishReason; f != "" {
					finish = f
				}
			}
			if err := stream.Err(); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(deltas, ""); got != tc.text || len(deltas) != completion {
				t.Errorf("stream deltas %q, want %d deltas making %q", deltas, completion, tc.text)
			}
			if finish != tc.finish || !sawUsageChunk {
				t.Errorf("stream finish %q (want %q), usage chunk seen %v", finish, tc.finish, sawUsageChunk)
			}
			if acc.Choices[0].Message.Content != tc.text || acc.Usage.CompletionTokens != int64(completion) {
				t.Errorf("accumulated %q / %+v", acc.Choices[0].Message.Content, acc.Usage)
			}
		})
	}
}

func TestOpenAIChatIDsAreDeterministic(t *testing.T) {
	srv := startFake(t, Config{})
	body := `{"model":"m","messages":[{"role":"user","content":"hi"}]}`
	a, b := post(t, srv.URL()+"/v1/chat/completions", body).json(t), post(t, srv.URL()+"/v1/chat/completions", body).json(t)
	if a["id"] != b["id"] {
		t.Errorf("same request, ids %v and %v", a["id"], b["id"])
	}
	c := post(t, srv.URL()+"/v1/chat/completions", strings.Replace(body, "hi", "ho", 1)).json(t)
	if c["id"] == a["id"] {
		t.Errorf("different requests share id %v", a["id"])
	}
}

// The raw wire shape of a stream, where the SDK would hide details: usage null on every
// chunk but the last with include_usage, absent without.
func TestOpenAIChatStreamWireShape(t *testing.T) {
	srv := startFake(t, Config{})
	url := srv.URL() + "/v1/chat/completions"
	withUsage := post(t, url, `{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"a b"}]}`)
	if ct := withUsage.header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	events := parseSSE(t, withUsage.body)
	// role, 3 tokens ("Echo:", " a", " b"), finish, usage, [DONE]
	if len(events) != 7 {
		t.Fatalf("%d events, want 7:\n%s", len(events), withUsage.body)
	}
	if events[6].data != "[DONE]" {
		t.Errorf("last event %q, want [DONE]", events[6].data)
	}
	first := mustUnmarshal(t, events[0].data)
	if field(first, "choices", 0, "delta", "role") != "assistant" || field(first, "object") != "chat.completion.chunk" {
		t.Errorf("first chunk %s", events[0].data)
	}
	for i, e := range events[:5] {
		v := mustUnmarshal(t, e.data).(map[string]any)
		if u, ok := v["usage"]; !ok || u != nil {
			t.Errorf("chunk %d: usage %v (present %v), want null", i, u, ok)
		}
	}
	for i, want := range []string{"Echo:", " a", " b"} {
		if got := field(mustUnmarshal(t, events[1+i].data), "choices", 0, "delta", "content"); got != want {
			t.Errorf("token %d = %v, want %q", i, got, want)
		}
	}
	if got := field(mustUnmarshal(t, events[4].data), "choices", 0, "finish_reason"); got != "stop" {
		t.Errorf("finish chunk finish_reason %v", got)
	}
	last := mustUnmarshal(t, events[5].data)
	if choices := field(last, "choices").([]any); len(choices) != 0 {
		t.Errorf("usage chunk has choices %v", choices)
	}
	if field(last, "usage", "prompt_tokens") != 2.0 || field(last, "usage", "completion_tokens") != 3.0 || field(last, "usage", "total_tokens") != 5.0 {
		t.Errorf("usage chunk %s", events[5].data)
	}

	without := parseSSE(t, post(t, url, `{"model":"m","stream":true,"messages":[{"role":"user","content":"a b"}]}`).body)
	if len(without) != 6 {
		t.Fatalf("%d events without include_usage, want 6", len(without))
	}
	for i, e := range without[:5] {
		if _, ok := mustUnmarshal(t, e.data).(map[string]any)["usage"]; ok {
			t.Errorf("chunk %d has a usage field without include_usage: %s", i, e.data)
		}
	}
}

func TestOpenAIChatContentParts(t *testing.T) {
	srv := startFake(t, Config{})
	res := post(t, srv.URL()+"/v1/chat/completions", `{"model":"m","max_completion_tokens":50,"max_tokens":1,"messages":[
		{"role":"system","content":[{"type":"text","text":"be brief"}]},
		{"role":"user","content":[{"type":"text","text":"look at"},{"type":"image_url","image_url":{"url":"data:x"}},{"type":"text","text":"this picture"}]},
		{"role":"assistant","content":null,"tool_calls":[]}]}`)
	if res.status != 200 {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	v := res.json(t)
	// max_completion_tokens wins over max_tokens.
	if got := field(v, "choices", 0, "message", "content"); got != "Echo: look at this picture" {
		t.Errorf("content %v", got)
	}
	if got := field(v, "usage", "prompt_tokens"); got != 6.0 {
		t.Errorf("prompt_tokens %v, want 6", got)
	}
}

func TestOpenAICompletionsWithSDK(t *testing.T) {
	srv := startFake(t, Config{})
	client := newOpenAIClient(srv.URL()+"/v1", "any")
	ctx := context.Background()

	res, err := client.Completions.New(ctx, openai.CompletionNewParams{
		Model:  openai.CompletionNewParamsModelGPT3_5TurboInstruct,
		Prompt: openai.CompletionNewParamsPromptUnion{OfString: openai.String("Say this is a test")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Choices) != 1 || res.Choices[0].Text != "Echo: Say this is a test" || res.Choices[0].FinishReason != "stop" {
		t.Errorf("choices %+v", res.Choices)
	}
	if res.Usage.PromptTokens != 5 || res.Usage.CompletionTokens != 6 || res.Object != "text_completion" || !strings.HasPrefix(res.ID, "cmpl-") {
		t.Errorf("usage %+v object %q id %q", res.Usage, res.Object, res.ID)
	}

	// An array of prompts: one choice each, usage summed.
	res, err = client.Completions.New(ctx, openai.CompletionNewParams{
		Model:     openai.CompletionNewParamsModelGPT3_5TurboInstruct,
		Prompt:    openai.CompletionNewParamsPromptUnion{OfArrayOfStrings: []string{"one two three", "four"}},
		MaxTokens: openai.Int(3),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Choices) != 2 || res.Choices[0].Text != "Echo: one two" || res.Choices[0].FinishReason != "length" ||
		res.Choices[1].Text != "Echo: four" || res.Choices[1].FinishReason != "stop" || res.Choices[1].Index != 1 {
		t.Errorf("choices %+v", res.Choices)
	}
	if res.Usage.PromptTokens != 4 || res.Usage.CompletionTokens != 5 {
		t.Errorf("usage %+v, want 4 prompt / 5 completion", res.Usage)
	}

	stream := client.Completions.NewStreaming(ctx, openai.CompletionNewParams{
		Model:         openai.CompletionNewParamsModelGPT3_5TurboInstruct,
		Prompt:        openai.CompletionNewParamsPromptUnion{OfString: openai.String("Say this is a test")},
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	})
	var text strings.Builder
	var usage openai.CompletionUsage
	var finish string
	for stream.Next() {
		chunk := stream.Current()
		for _, ch := range chunk.Choices {
			text.WriteString(ch.Text)
			if ch.FinishReason != "" {
				finish = string(ch.FinishReason)
			}
		}
		if chunk.JSON.Usage.Valid() && len(chunk.Choices) == 0 {
			usage = chunk.Usage
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if text.String() != "Echo: Say this is a test" || finish != "stop" || usage.TotalTokens != 11 {
		t.Errorf("stream text %q finish %q usage %+v", text.String(), finish, usage)
	}
}

func TestOpenAIEmbeddingsWithSDK(t *testing.T) {
	srv := startFake(t, Config{})
	client := newOpenAIClient(srv.URL()+"/v1", "any")
	res, err := client.Embeddings.New(context.Background(), openai.EmbeddingNewParams{
		Model: openai.EmbeddingModelTextEmbedding3Small,
		Input: openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: []string{"the capital of France", "capital of France please", "bake bread"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Data) != 3 || res.Model != "text-embedding-3-small" || res.Usage.PromptTokens != 10 || res.Usage.TotalTokens != 10 {
		t.Fatalf("%d items, model %q, usage %+v", len(res.Data), res.Model, res.Usage)
	}
	for i, d := range res.Data {
		if d.Index != int64(i) || len(d.Embedding) != DefaultEmbeddingDims {
			t.Errorf("item %d: index %d, %d dims", i, d.Index, len(d.Embedding))
		}
		want := Embed([]string{"the capital of France", "capital of France please", "bake bread"}[i], 0)
		for j := range want {
			if math.Abs(d.Embedding[j]-float64(want[j])) > 1e-6 {
				t.Fatalf("item %d differs from Embed at %d", i, j)
			}
		}
	}

	res, err = client.Embeddings.New(context.Background(), openai.EmbeddingNewParams{
		Model:      openai.EmbeddingModelTextEmbedding3Small,
		Input:      openai.EmbeddingNewParamsInputUnion{OfString: openai.String("one")},
		Dimensions: openai.Int(8),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Data) != 1 || len(res.Data[0].Embedding) != 8 {
		t.Errorf("dimensions 8 gave %+v", res.Data)
	}
}

func TestOpenAIEmbeddingsBase64(t *testing.T) {
	srv := startFake(t, Config{})
	res := post(t, srv.URL()+"/v1/embeddings", `{"model":"e","input":"hello","dimensions":2,"encoding_format":"base64"}`)
	got := field(res.json(t), "data", 0, "embedding")
	if got != base64Floats(Embed("hello", 2)) {
		t.Errorf("base64 embedding %v, want %q", got, base64Floats(Embed("hello", 2)))
	}
	if want := base64Floats([]float32{1, 0}); want != "AACAPwAAAAA=" {
		t.Errorf("base64Floats([1 0]) = %q, not little-endian float32", want)
	}
}

func TestOpenAIModelsWithSDK(t *testing.T) {
	srv := startFake(t, Config{Models: []string{"gpt-x", "ft:gpt-x:org::abc"}})
	client := newOpenAIClient(srv.URL()+"/v1", "any")
	page, err := client.Models.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Data) != 2 || page.Data[0].ID != "gpt-x" || page.Data[1].ID != "ft:gpt-x:org::abc" || page.Data[0].OwnedBy != "fakellm" {
		t.Errorf("models %+v", page.Data)
	}
	m, err := client.Models.Get(context.Background(), "ft:gpt-x:org::abc")
	if err != nil || m.ID != "ft:gpt-x:org::abc" || m.Object != "model" {
		t.Errorf("Get = %+v, %v", m, err)
	}
	_, err = client.Models.Get(context.Background(), "nope")
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 404 || apiErr.Code != "model_not_found" {
		t.Errorf("Get(nope) error = %v", err)
	}
}

func TestOpenAIErrorsWithSDK(t *testing.T) {
	srv := startFake(t, Config{OpenAIKey: "sk-right"})
	for _, tc := range []struct {
		name   string
		key    string
		params openai.ChatCompletionNewParams
		opts   []option.RequestOption
		status int
		code   string
		typ    string
	}{
		{"wrong key", "sk-wrong", chatParams("m", 0), nil, 401, "invalid_api_key", "invalid_request_error"},
		{"missing model", "sk-right", chatParams("", 0), nil, 400, "", "invalid_request_error"},
		{"empty messages", "sk-right", openai.ChatCompletionNewParams{Model: "m", Messages: []openai.ChatCompletionMessageParamUnion{}}, nil, 400, "", "invalid_request_error"},
		{"max_tokens 0", "sk-right", openai.ChatCompletionNewParams{Model: "m", Messages: chatParams("m", 0).Messages, MaxTokens: param.NewOpt[int64](0)}, nil, 400, "integer_below_min_value", "invalid_request_error"},
		{"rate limited", "sk-right", chatParams("m", 0), []option.RequestOption{option.WithHeader(HeaderStatus, "429")}, 429, "rate_limit_exceeded", "requests"},
		{"server error", "sk-right", chatParams("m", 0), []option.RequestOption{option.WithHeader(HeaderStatus, "503")}, 503, "", "server_error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := newOpenAIClient(srv.URL()+"/v1", tc.key)
			_, err := client.Chat.Completions.New(context.Background(), tc.params, tc.opts...)
			var apiErr *openai.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("error %v, want an API error", err)
			}
			if apiErr.StatusCode != tc.status || apiErr.Code != tc.code || apiErr.Type != tc.typ {
				t.Errorf("got %d code %q type %q, want %d %q %q: %s", apiErr.StatusCode, apiErr.Code, apiErr.Type, tc.status, tc.code, tc.typ, apiErr.RawJSON())
			}
			if strings.Contains(apiErr.RawJSON(), "sk-wrong") {
				t.Errorf("error echoes the key: %s", apiErr.RawJSON())
			}
		})
	}
}

func TestOpenAIRawErrors(t *testing.T) {
	srv := startFake(t, Config{})
	url := srv.URL()
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		param                    any
	}{
		{"malformed JSON", "POST", "/v1/chat/completions", `{"model":`, 400, nil},
		{"wrong JSON type", "POST", "/v1/chat/completions", `{"model":"m","messages":"hi"}`, 400, nil},
		{"missing messages", "POST", "/v1/chat/completions", `{"model":"m"}`, 400, "messages"},
		{"bad content", "POST", "/v1/chat/completions", `{"model":"m","messages":[{"role":"user","content":5}]}`, 400, "messages.[0].content"},
		{"bad prompt", "POST", "/v1/completions", `{"model":"m","prompt":[1,2]}`, 400, "prompt"},
		{"missing input", "POST", "/v1/embeddings", `{"model":"m"}`, 400, "input"},
		{"too many dims", "POST", "/v1/embeddings", `{"model":"m","input":"x","dimensions":5000}`, 400, "dimensions"},
		{"bad encoding", "POST", "/v1/embeddings", `{"model":"m","input":"x","encoding_format":"hex"}`, 400, "encoding_format"},
		{"unknown path", "POST", "/v1/chat/complete", `{}`, 404, nil},
		{"wrong method", "GET", "/v1/chat/completions", ``, 405, nil},
		{"models by POST", "POST", "/v1/models", `{}`, 405, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, tc.method, url+tc.path, tc.body)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			v := res.json(t)
			if field(v, "error", "type") != "invalid_request_error" || field(v, "error", "message") == "" || field(v, "error", "param") != tc.param {
				t.Errorf("error body %s", res.body)
			}
			if tc.status == 405 && res.header.Get("Allow") == "" {
				t.Error("405 without Allow")
			}
		})
	}
}

func TestOpenAICredential(t *testing.T) {
	srv := startFake(t, Config{OpenAIKey: "sk-right"})
	url := srv.URL() + "/v1/models"
	for _, tc := range []struct {
		name   string
		header []string
		status int
		msg    string
	}{
		{"right", []string{"Authorization: Bearer sk-right"}, 200, ""},
		{"scheme case-insensitive", []string{"Authorization: bearer sk-right"}, 200, ""},
		{"missing", nil, 401, "You didn't provide an API key"},
		{"wrong", []string{"Authorization: Bearer sk-wrong"}, 401, "Incorrect API key provided"},
		{"not bearer", []string{"Authorization: Basic sk-right"}, 401, "You didn't provide an API key"},
		{"other API's header", []string{"api-key: sk-right"}, 401, "You didn't provide an API key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, http.MethodGet, url, "", tc.header...)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if tc.status == 401 {
				v := res.json(t)
				msg, _ := field(v, "error", "message").(string)
				if !strings.HasPrefix(msg, tc.msg) || field(v, "error", "code") != "invalid_api_key" {
					t.Errorf("body %s", res.body)
				}
			}
		})
	}
}

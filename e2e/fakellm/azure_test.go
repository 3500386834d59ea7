package fakellm

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// newAzureClient is the OpenAI SDK set up the way Azure OpenAI is called: the deployment
// in the base URL, api-version in the query, the key in api-key.
func newAzureClient(srv *Server, deployment, key string) openai.Client {
	return openai.NewClient(
		option.WithBaseURL(srv.URL()+"/openai/deployments/"+deployment+"/"),
		option.WithQuery("api-version", "2024-10-21"),
		option.WithHeader("api-key", key),
		option.WithAPIKey(""),
		option.WithMaxRetries(0),
	)
}

func TestAzureWithSDK(t *testing.T) {
	srv := startFake(t, Config{AzureKey: "az-key"})
	client := newAzureClient(srv, "my-gpt4o", "az-key")
	ctx := context.Background()

	// The body's model is ignored; the deployment names the answer's model.
	res, err := client.Chat.Completions.New(ctx, chatParams("ignored-model", 2))
	if err != nil {
		t.Fatal(err)
	}
	if res.Model != "my-gpt4o" || res.Choices[0].Message.Content != "Echo: What" || res.Choices[0].FinishReason != "length" {
		t.Errorf("model %q content %q finish %q", res.Model, res.Choices[0].Message.Content, res.Choices[0].FinishReason)
	}

	params := chatParams("ignored-model", 0)
	params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	stream := client.Chat.Completions.NewStreaming(ctx, params)
	var acc openai.ChatCompletionAccumulator
	for stream.Next() {
		acc.AddChunk(stream.Current())
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if acc.Choices[0].Message.Content != "Echo: What is the capital of France?" || acc.Usage.PromptTokens != chatParamsPromptTokens || acc.Model != "my-gpt4o" {
		t.Errorf("stream %q usage %+v model %q", acc.Choices[0].Message.Content, acc.Usage, acc.Model)
	}

	comp, err := client.Completions.New(ctx, openai.CompletionNewParams{
		Prompt: openai.CompletionNewParamsPromptUnion{OfString: openai.String("hi")},
	})
	if err != nil || comp.Choices[0].Text != "Echo: hi" || comp.Model != "my-gpt4o" {
		t.Errorf("completions %+v, %v", comp, err)
	}

	emb, err := client.Embeddings.New(ctx, openai.EmbeddingNewParams{
		Input: openai.EmbeddingNewParamsInputUnion{OfString: openai.String("a b c")},
	})
	if err != nil || len(emb.Data) != 1 || emb.Model != "my-gpt4o" || emb.Usage.PromptTokens != 3 {
		t.Errorf("embeddings %+v, %v", emb, err)
	}

	last, _ := srv.Last()
	if last.API != APIAzure || last.Endpoint != "embeddings" || last.Path != "/openai/deployments/my-gpt4o/embeddings" || last.RawQuery != "api-version=2024-10-21" {
		t.Errorf("recorded %+v", last)
	}
}

func TestAzureCredential(t *testing.T) {
	srv := startFake(t, Config{AzureKey: "az-key"})
	url := srv.URL() + "/openai/deployments/d/chat/completions?api-version=2024-10-21"
	body := `{"messages":[{"role":"user","content":"hi"}]}`
	for _, tc := range []struct {
		name   string
		header []string
		status int
		msg    string
	}{
		{"api-key", []string{"api-key: az-key"}, 200, ""},
		{"bearer", []string{"Authorization: Bearer az-key"}, 200, ""},
		{"missing", nil, 401, "Access denied due to missing subscription key"},
		{"wrong", []string{"api-key: az-nope"}, 401, "Access denied due to invalid subscription key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := post(t, url, body, tc.header...)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			if tc.status != 200 {
				v := res.json(t)
				msg, _ := field(v, "error", "message").(string)
				if field(v, "error", "code") != "401" || !strings.HasPrefix(msg, tc.msg) || strings.Contains(string(res.body), "az-nope") {
					t.Errorf("body %s", res.body)
				}
			}
		})
	}
}

func TestAzureErrors(t *testing.T) {
	srv := startFake(t, Config{})
	base := srv.URL() + "/openai/deployments/d"
	for _, tc := range []struct {
		name, method, url, body string
		status                  int
		code                    string
		headers                 []string
	}{
		{"missing api-version", "POST", base + "/chat/completions", `{"messages":[{"role":"user","content":"hi"}]}`, 400, "BadRequest", nil},
		{"malformed JSON", "POST", base + "/chat/completions?api-version=1", `{`, 400, "400", nil},
		{"unknown operation", "POST", base + "/moderations?api-version=1", `{}`, 404, "404", nil},
		{"no deployment", "POST", srv.URL() + "/openai/deployments//chat/completions?api-version=1", `{}`, 404, "404", nil},
		{"wrong method", "GET", base + "/embeddings?api-version=1", ``, 405, "405", nil},
		{"injected 429", "POST", base + "/chat/completions?api-version=1", `{}`, 429, "429", []string{HeaderStatus + ": 429", HeaderRetryAfter + ": 7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := do(t, tc.method, tc.url, tc.body, tc.headers...)
			if res.status != tc.status {
				t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
			}
			v := res.json(t)
			if field(v, "error", "code") != tc.code || field(v, "error", "message") == "" {
				t.Errorf("body %s", res.body)
			}
			if tc.status == 429 {
				if res.header.Get("Retry-After") != "7" || !strings.Contains(field(v, "error", "message").(string), "retry after 7 seconds") {
					t.Errorf("429: Retry-After %q, body %s", res.header.Get("Retry-After"), res.body)
				}
			}
		})
	}
	if res := do(t, http.MethodPost, base+"/chat/completions?api-version=1", `{"messages":[]}`); res.status != 400 {
		t.Errorf("empty messages: %d", res.status)
	}
	var apiErr *openai.Error
	client := newAzureClient(srv, "d", "k")
	_, err := client.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
		t.Errorf("SDK sees %v", err)
	}
}

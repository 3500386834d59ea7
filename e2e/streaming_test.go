package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/e2e/testbed"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// A streamed answer crosses Envoy and a Go plugin event by event, as the official SDK sees
// it: nothing on the way buffers the events (the first arrives long before the last is
// sent), and the usage event arrives whole.
func TestStreamThroughPluginWithOpenAISDK(t *testing.T) {
	envoy, fake := gatewayToFake(t, fakellm.Config{OpenAIKey: "sk-upstream"},
		testbed.Plugin{Name: "passthrough", Wasm: testbed.Module(t, "testdata/passthrough")})
	client := openAIClient(envoy, "sk-upstream", option.WithHeader(fakellm.HeaderTokenDelay, "150"))
	const prompt = "tell me about streams through an AI gateway"
	stream := client.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model:         "gpt-4o-mini",
		Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage(prompt)},
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	})
	start := time.Now()
	var firstAt time.Duration
	var text strings.Builder
	var usage openai.CompletionUsage
	for stream.Next() {
		chunk := stream.Current()
		if len(chunk.Choices) > 0 && chunk.Choices[0].Delta.Content != "" {
			if text.Len() == 0 {
				firstAt = time.Since(start)
			}
			text.WriteString(chunk.Choices[0].Delta.Content)
		}
		if chunk.Usage.TotalTokens > 0 {
			usage = chunk.Usage
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	total := time.Since(start)
	want := fakellm.Reply(prompt)
	if text.String() != want {
		t.Fatalf("streamed %q, want %q", text.String(), want)
	}
	if wantTotal := int64(fakellm.CountTokens(prompt) + fakellm.CountTokens(want)); usage.TotalTokens != wantTotal {
		t.Fatalf("usage %+v, want total %d", usage, wantTotal)
	}
	// 9 tokens 150 ms apart: the last arrives >= 1.2 s after the first if nothing buffers.
	if total-firstAt < time.Second {
		t.Fatalf("first token after %s, stream done after %s: the events were buffered", firstAt, total)
	}
	if last, _ := fake.Last(); last.Header.Get("Authorization") != "Bearer sk-upstream" {
		t.Fatalf("the fake got authorization %q", last.Header.Get("Authorization"))
	}
}

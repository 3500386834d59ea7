package e2e

// ai-cache in a real Envoy: the APISIX blog seed in front of ai-proxy (MISS reaches the
// model, HIT does not), a streamed hit read by the official openai-go streaming client, a
// JSON request served from a stored stream, two consumers kept apart behind key-auth,
// Cache-Control no-cache / no-store, and a semantic hit with the fake LLM's embeddings.

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/e2e/testbed"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

func aiCache(t testing.TB, config string) testbed.Plugin {
	return testbed.Plugin{Name: "ai-cache", Wasm: testbed.Module(t, "ai-cache"), Config: config}
}

// aiProxyToFake is ai-proxy with one OpenAI instance on the fake LLM.
func aiProxyToFake(t testing.TB) testbed.Plugin {
	return testbed.Plugin{Name: "ai-proxy", Wasm: testbed.Module(t, "ai-proxy"), Config: `{
		"instances": [{"name": "fake", "provider": "openai", "cluster": "fakellm", "api_keys": ["sk-up"]}]}`}
}

// chatRequests counts the chat completions the fake LLM was asked for.
func chatRequests(fake *fakellm.Server) int {
	n := 0
	for _, r := range fake.Requests() {
		if strings.HasSuffix(r.Path, "/chat/completions") {
			n++
		}
	}
	return n
}

// The seed (APISIX's ai-cache blog): ai-cache before ai-proxy, status in
// Apisix-Cache-Status. The first request is a MISS that reaches the model, the second a
// HIT with the same content that does not; the access log says hit.
func TestAICacheSeedScenario(t *testing.T) {
	envoy, fake := gatewayToFake(t, fakellm.Config{},
		aiCache(t, `{"scope": "global", "status_header": "Apisix-Cache-Status"}`), aiProxyToFake(t))
	c := openAIClient(envoy, "sk-client")
	ctx := context.Background()
	var first, second *http.Response
	a, err := c.Chat.Completions.New(ctx, chatParams("What is Apache APISIX?"), option.WithResponseInto(&first))
	if err != nil {
		t.Fatal(err)
	}
	if first.Header.Get("Apisix-Cache-Status") != "MISS" || chatRequests(fake) != 1 {
		t.Fatalf("first: %q, model asked %d times", first.Header.Get("Apisix-Cache-Status"), chatRequests(fake))
	}
	b, err := c.Chat.Completions.New(ctx, chatParams("What is Apache APISIX?"), option.WithResponseInto(&second))
	if err != nil {
		t.Fatal(err)
	}
	if second.Header.Get("Apisix-Cache-Status") != "HIT" || second.Header.Get("Age") == "" {
		t.Fatalf("second: %v", second.Header)
	}
	if chatRequests(fake) != 1 {
		t.Fatalf("the hit reached the model (%d requests)", chatRequests(fake))
	}
	if b.Choices[0].Message.Content != a.Choices[0].Message.Content || b.Choices[0].Message.Content != fakellm.Reply("What is Apache APISIX?") {
		t.Fatalf("hit %q, miss %q", b.Choices[0].Message.Content, a.Choices[0].Message.Content)
	}
	waitForLog(t, envoy, `"cache_status":"hit"`)
}

func waitForLog(t *testing.T, envoy *testbed.Envoy, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(envoy.AccessLog(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("access log lacks %s:\n%s", want, envoy.AccessLog())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// streamChat reads a streamed completion with openai-go's streaming client.
func streamChat(t *testing.T, c *openai.Client, prompt string, opts ...option.RequestOption) (string, string, int64) {
	t.Helper()
	params := chatParams(prompt)
	params.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
	s := c.Chat.Completions.NewStreaming(context.Background(), params, opts...)
	var text strings.Builder
	finish, total := "", int64(0)
	for s.Next() {
		chunk := s.Current()
		for _, ch := range chunk.Choices {
			text.WriteString(ch.Delta.Content)
			if ch.FinishReason != "" {
				finish = ch.FinishReason
			}
		}
		if chunk.Usage.TotalTokens > 0 {
			total = chunk.Usage.TotalTokens
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return text.String(), finish, total
}

// A streamed miss goes through ai-proxy's route mode and is stored as it passes; the same
// stream again is a HIT the streaming client reads whole; the non-streamed request is
// served from the stored stream.
func TestAICacheStreamingHit(t *testing.T) {
	envoy, fake := gatewayToFake(t, fakellm.Config{}, aiCache(t, `{"scope": "global"}`), aiProxyToFake(t))
	c := openAIClient(envoy, "sk-client")
	const prompt = "stream this answer to me"
	var resp *http.Response
	text, finish, usage := streamChat(t, c, prompt, option.WithResponseInto(&resp))
	if text != fakellm.Reply(prompt) || finish != "stop" || usage == 0 || resp.Header.Get("X-AI-Cache-Status") != "MISS" {
		t.Fatalf("miss: %q %q %d %v", text, finish, usage, resp.Header)
	}
	text2, finish2, usage2 := streamChat(t, c, prompt, option.WithResponseInto(&resp))
	if resp.Header.Get("X-AI-Cache-Status") != "HIT" || text2 != text || finish2 != "stop" || usage2 != usage {
		t.Fatalf("hit: %q %q %d %v", text2, finish2, usage2, resp.Header)
	}
	got, err := c.Chat.Completions.New(context.Background(), chatParams(prompt), option.WithResponseInto(&resp))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("X-AI-Cache-Status") != "HIT" || got.Choices[0].Message.Content != text || got.Usage.TotalTokens != usage {
		t.Fatalf("JSON from the stream: %v %+v", resp.Header, got)
	}
	if n := chatRequests(fake); n != 1 {
		t.Fatalf("the model was asked %d times", n)
	}
}

// Behind key-auth and in front of a plain OpenAI-compatible upstream (no ai-proxy): each
// consumer has its own cache.
func TestAICacheConsumersIsolated(t *testing.T) {
	envoy, fake := gatewayToFake(t, fakellm.Config{},
		testbed.Plugin{Name: "key-auth", Wasm: testbed.Module(t, "key-auth"), Config: twoConsumers}, aiCache(t, `{}`))
	ctx := context.Background()
	status := func(key string) string {
		var resp *http.Response
		if _, err := openAIClient(envoy, key).Chat.Completions.New(ctx, chatParams("private question"), option.WithResponseInto(&resp)); err != nil {
			t.Fatal(err)
		}
		return resp.Header.Get("X-AI-Cache-Status")
	}
	got := []string{status("sk-alice-rl"), status("sk-bob-rl"), status("sk-alice-rl"), status("sk-bob-rl")}
	if strings.Join(got, ",") != "MISS,MISS,HIT,HIT" {
		t.Fatalf("statuses %v", got)
	}
	if n := chatRequests(fake); n != 2 {
		t.Fatalf("the model was asked %d times, want 2", n)
	}
}

// no-cache does not read (the model answers) but stores; no-store reads but never stores.
func TestAICacheControlDirectives(t *testing.T) {
	envoy, fake := gatewayToFake(t, fakellm.Config{}, aiCache(t, `{"scope": "global"}`))
	c := openAIClient(envoy, "sk-client")
	status := func(prompt, cc string) string {
		var resp *http.Response
		opts := []option.RequestOption{option.WithResponseInto(&resp)}
		if cc != "" {
			opts = append(opts, option.WithHeader("Cache-Control", cc))
		}
		if _, err := c.Chat.Completions.New(context.Background(), chatParams(prompt), opts...); err != nil {
			t.Fatal(err)
		}
		return resp.Header.Get("X-AI-Cache-Status")
	}
	got := []string{
		status("a", "no-store"), status("a", ""), // not stored: MISS again
		status("a", "no-store"),           // stored by the previous one: read
		status("a", "no-cache"),           // not read
		status("a", "no-cache, no-store"), // neither
	}
	if strings.Join(got, ",") != "MISS,MISS,HIT,MISS,BYPASS" {
		t.Fatalf("statuses %v", got)
	}
	if n := chatRequests(fake); n != 4 {
		t.Fatalf("the model was asked %d times, want 4", n)
	}
}

// A semantic hit: the embeddings come from the fake LLM through its cluster, and a close
// question is served with its similarity.
func TestAICacheSemanticHit(t *testing.T) {
	envoy, fake := gatewayToFake(t, fakellm.Config{}, aiCache(t, `{
		"scope": "global", "cache_key_strategy": "last_question",
		"semantic": {"provider": "openai-compatible", "override": {"endpoint": "http://fakellm/v1"},
			"cluster": "fakellm", "model": "text-embedding-3-small", "threshold": 0.9}}`))
	c := openAIClient(envoy, "sk-client")
	var resp *http.Response
	if _, err := c.Chat.Completions.New(context.Background(), chatParams("what is the capital of france"), option.WithResponseInto(&resp)); err != nil {
		t.Fatal(err)
	}
	got, err := c.Chat.Completions.New(context.Background(), chatParams("what is the capital of france please"), option.WithResponseInto(&resp))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Header.Get("X-AI-Cache-Status") != "HIT" || !strings.HasPrefix(resp.Header.Get("X-AI-Cache-Similarity"), "0.9") ||
		got.Choices[0].Message.Content != fakellm.Reply("what is the capital of france") {
		t.Fatalf("%v %q", resp.Header, got.Choices[0].Message.Content)
	}
	if n := chatRequests(fake); n != 1 {
		t.Fatalf("the model was asked %d times", n)
	}
	waitForLog(t, envoy, `"cache_similarity":"0.9`)
}

// BenchmarkAICacheHit: a hit through Envoy against the same request answered by the fake
// LLM with a 100 ms first-token delay (the bypass header sends it there), in the same run.
// Reported: the medians and their ratio.
func BenchmarkAICacheHit(b *testing.B) {
	fake, err := fakellm.Start(fakellm.Config{Fault: fakellm.Fault{FirstTokenDelay: 100 * time.Millisecond}})
	if err != nil {
		b.Fatal(err)
	}
	defer fake.Close()
	envoy := testbed.MustStartEnvoy(b, testbed.Gateway{Plugins: []testbed.Plugin{aiCache(b, `{"scope": "global"}`)},
		Upstreams: map[string]string{"fakellm": fake.Addr()}})
	c := openAIClient(envoy, "sk-client")
	ctx := context.Background()
	if _, err := c.Chat.Completions.New(ctx, chatParams("bench")); err != nil {
		b.Fatal(err)
	}
	measure := func(n int, opts ...option.RequestOption) time.Duration {
		d := make([]time.Duration, n)
		for i := range d {
			start := time.Now()
			if _, err := c.Chat.Completions.New(ctx, chatParams("bench"), opts...); err != nil {
				b.Fatal(err)
			}
			d[i] = time.Since(start)
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		return d[n/2]
	}
	upstream := measure(9, option.WithHeader("x-ai-cache", "skip"))
	b.ResetTimer()
	hit := measure(max(b.N, 9))
	b.StopTimer()
	b.ReportMetric(float64(hit.Microseconds()), "hit-us")
	b.ReportMetric(float64(upstream.Microseconds()), "upstream-us")
	b.ReportMetric(float64(upstream)/float64(hit), "speedup")
}

// The chain's order, ai-token-ratelimit before ai-cache before ai-proxy: a cache hit passes
// back through ai-token-ratelimit, which sees cache_status=hit, charges nothing and gives
// back the unit admission took: the budget after two hits is the budget after the miss.
func TestAICacheHitsAreNotCharged(t *testing.T) {
	envoy, fake := gatewayToFake(t, fakellm.Config{},
		tokenRateLimit(t, `{"global_threshold": {"token_per_minute": 100000}, "window": "fixed"}`),
		aiCache(t, `{"scope": "global"}`), aiProxyToFake(t))
	c := openAIClient(envoy, "sk-client")
	ctx := context.Background()
	remaining := func(r *http.Response) int {
		n, err := strconv.Atoi(r.Header.Get("X-RateLimit-Remaining-Tokens"))
		if err != nil {
			t.Fatalf("X-RateLimit-Remaining-Tokens %q", r.Header.Get("X-RateLimit-Remaining-Tokens"))
		}
		return n
	}
	const prompt = "does a cached answer cost tokens"
	var miss, hit, after *http.Response
	if _, err := c.Chat.Completions.New(ctx, chatParams(prompt), option.WithResponseInto(&miss)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Chat.Completions.New(ctx, chatParams(prompt), option.WithResponseInto(&hit)); err != nil {
		t.Fatal(err)
	}
	if miss.Header.Get("X-AI-Cache-Status") != "MISS" || hit.Header.Get("X-AI-Cache-Status") != "HIT" || chatRequests(fake) != 1 {
		t.Fatalf("cache %q then %q, model asked %d times", miss.Header.Get("X-AI-Cache-Status"), hit.Header.Get("X-AI-Cache-Status"), chatRequests(fake))
	}
	// A third request (a hit again) shows what the first two left: the miss's usage only.
	if _, err := c.Chat.Completions.New(ctx, chatParams(prompt), option.WithResponseInto(&after)); err != nil {
		t.Fatal(err)
	}
	used := fakellm.CountTokens(prompt) + fakellm.CountTokens(fakellm.Reply(prompt))
	if got := 100000 - remaining(after); got != used {
		t.Fatalf("the budget went down by %d, want the miss's %d tokens", got, used)
	}
	waitForLog(t, envoy, `"ai_tokens_charged":"0"`)
}

package e2e

// ai-token-ratelimit in a real Envoy, in front of ai-proxy and the fake LLM, driven by the
// official openai-go client: the APISIX seed (an instance's token budget sends the next
// request to the next instance), its per-consumer variant behind key-auth, the WSO2 budgets,
// a stream charged from its final usage chunk, concurrent streams within the documented
// overshoot, and two Envoys sharing one budget in the ratelimit service on redis-server.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/e2e/testbed"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

func tokenRateLimit(t *testing.T, config string) testbed.Plugin {
	return testbed.Plugin{Name: "ai-token-ratelimit", Wasm: testbed.Module(t, "ai-token-ratelimit"), Config: config}
}

// seedInstances is ai-proxy over the APISIX seed's two instances: OpenAI first, DeepSeek
// next, moving on when ai-token-ratelimit lists an instance as out of budget.
const seedInstances = `{"instances": [
	{"name": "openai-instance", "provider": "openai", "cluster": "openai", "priority": 1},
	{"name": "deepseek-instance", "provider": "openai", "cluster": "deepseek", "priority": 0}],
	"fallback_strategy": "instance_health_and_rate_limiting"}`

// tokenGateway is Envoy with plugins before ai-proxy (seedInstances) over two fakes, a on
// cluster openai and b on cluster deepseek.
func tokenGateway(t *testing.T, plugins ...testbed.Plugin) (*testbed.Envoy, *fakellm.Server, *fakellm.Server) {
	t.Helper()
	var fakes []*fakellm.Server
	for range 2 {
		f, err := fakellm.Start(fakellm.Config{KeepRequests: 1000})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		fakes = append(fakes, f)
	}
	plugins = append(plugins, testbed.Plugin{Name: "ai-proxy", Wasm: testbed.Module(t, "ai-proxy"), Config: seedInstances})
	e := testbed.MustStartEnvoy(t, testbed.Gateway{
		Plugins:   plugins,
		Upstreams: map[string]string{"openai": fakes[0].Addr(), "deepseek": fakes[1].Addr(), "fakellm": fakes[0].Addr()},
	})
	return e, fakes[0], fakes[1]
}

// elevenWords is a prompt of 11 tokens for the fake; its answer has 12.
const elevenWords = "please count these eleven words for the token budget test now"

// The APISIX seed: 10 total tokens per 60 s on the OpenAI instance. The first request is
// answered by it and uses 23 tokens; the next goes to DeepSeek instead of failing.
func TestTokenRateLimitSeedInstanceBudget(t *testing.T) {
	e, openaiFake, deepseekFake := tokenGateway(t, tokenRateLimit(t, `{
		"instances": [{"name": "openai-instance", "limit": 10, "time_window": 60}],
		"limit_strategy": "total_tokens"}`))
	c := openAIClient(e, "sk-any")
	ctx := context.Background()
	first, err := c.Chat.Completions.New(ctx, chatParams(elevenWords))
	if err != nil || first.Usage.TotalTokens <= 10 {
		t.Fatalf("first: %v %+v", err, first)
	}
	if len(openaiFake.Requests()) != 1 || len(deepseekFake.Requests()) != 0 {
		t.Fatalf("first went to openai %d, deepseek %d", len(openaiFake.Requests()), len(deepseekFake.Requests()))
	}
	entry := waitAccessLog(t, e, "ai_tokens_charged", strconv.FormatInt(first.Usage.TotalTokens, 10))
	if entry["ai_instance"] != "openai-instance" {
		t.Fatalf("access log %v", entry)
	}
	second, err := c.Chat.Completions.New(ctx, chatParams("and again"))
	if err != nil || second.Choices[0].Message.Content != fakellm.Reply("and again") {
		t.Fatalf("second: %v", err)
	}
	if len(openaiFake.Requests()) != 1 || len(deepseekFake.Requests()) != 1 {
		t.Fatalf("second: openai saw %d, deepseek %d", len(openaiFake.Requests()), len(deepseekFake.Requests()))
	}
	waitAccessLog(t, e, "ai_instance", "deepseek-instance")
}

// The per-consumer variant behind key-auth: alice's budget on the OpenAI instance is used
// up, bob's is not.
func TestTokenRateLimitInstanceBudgetPerConsumer(t *testing.T) {
	e, openaiFake, deepseekFake := tokenGateway(t,
		testbed.Plugin{Name: "key-auth", Wasm: testbed.Module(t, "key-auth"), Config: twoConsumers},
		tokenRateLimit(t, `{"limit_by_consumer": true,
			"instances": [{"name": "openai-instance", "limit": 10, "time_window": 60}]}`))
	ctx := context.Background()
	alice, bob := openAIClient(e, "sk-alice-rl"), openAIClient(e, "sk-bob-rl")
	if _, err := alice.Chat.Completions.New(ctx, chatParams(elevenWords)); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Chat.Completions.New(ctx, chatParams("alice again")); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.Chat.Completions.New(ctx, chatParams("bob first")); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range []*fakellm.Server{openaiFake, deepseekFake} {
		var prompts []string
		for _, r := range f.Requests() {
			for _, p := range []string{"alice again", "bob first", "eleven"} {
				if strings.Contains(string(r.Body), p) {
					prompts = append(prompts, p)
				}
			}
		}
		got = append(got, strings.Join(prompts, "+"))
	}
	if got[0] != "eleven+bob first" || got[1] != "alice again" {
		t.Fatalf("openai got %q, deepseek %q", got[0], got[1])
	}
}

// The WSO2 budgets (prompt, completion, total and requests per minute) in one entry; the
// total runs out first here and refuses with the OpenAI error and the token headers.
func TestTokenRateLimitWSO2Budgets(t *testing.T) {
	e, _, _ := tokenGateway(t,
		testbed.Plugin{Name: "key-auth", Wasm: testbed.Module(t, "key-auth"), Config: twoConsumers},
		tokenRateLimit(t, `{"limit_by_consumer": true, "limit_keys": [{"key": "*",
			"prompt_token_per_minute": 5000, "completion_token_per_minute": 10000, "token_per_minute": 40, "request_per_minute": 6000}],
			"window": "fixed"}`))
	alice := openAIClient(e, "sk-alice-rl")
	ctx := context.Background()
	var resp *http.Response
	if _, err := alice.Chat.Completions.New(ctx, chatParams(elevenWords), option.WithResponseInto(&resp)); err != nil {
		t.Fatal(err)
	}
	h := resp.Header
	if h.Get("X-RateLimit-Limit-Tokens") != "40" || h.Get("X-RateLimit-Remaining-Tokens") != "40" ||
		h.Get("X-RateLimit-Limit-Requests") != "6000" || h.Get("X-RateLimit-Remaining-Requests") != "5999" {
		t.Fatalf("first: %v", h)
	}
	if _, err := alice.Chat.Completions.New(ctx, chatParams(elevenWords)); err != nil {
		t.Fatalf("second (23 of 40 used): %v", err)
	}
	_, err := alice.Chat.Completions.New(ctx, chatParams("one too many"))
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 429 || apiErr.Code != "rate_limit_exceeded" || apiErr.Type != "tokens" {
		t.Fatalf("third: %v", err)
	}
	if h := apiErr.Response.Header; h.Get("X-RateLimit-Limit-Tokens") != "40" || h.Get("X-RateLimit-Remaining-Tokens") != "0" || h.Get("Retry-After") == "" {
		t.Fatalf("refusal headers %v", h)
	}
	// bob is untouched.
	if _, err := openAIClient(e, "sk-bob-rl").Chat.Completions.New(ctx, chatParams("hi")); err != nil {
		t.Fatal(err)
	}
}

// A stream from a client that did not ask for usage: the plugin asks, charges the final usage
// chunk, and the client never sees that chunk.
func TestTokenRateLimitStreamChargedFromUsageChunk(t *testing.T) {
	e, _, _ := tokenGateway(t, tokenRateLimit(t, `{"global_threshold": {"token_per_hour": 100000}}`))
	s := openAIClient(e, "sk-any").Chat.Completions.NewStreaming(context.Background(), chatParams(elevenWords))
	var text strings.Builder
	sawUsage := false
	for s.Next() {
		chunk := s.Current()
		if len(chunk.Choices) == 0 || chunk.Usage.TotalTokens > 0 {
			sawUsage = true
		}
		for _, ch := range chunk.Choices {
			text.WriteString(ch.Delta.Content)
		}
	}
	if err := s.Err(); err != nil || text.String() != fakellm.Reply(elevenWords) || sawUsage {
		t.Fatalf("streamed %q (%v), usage chunk seen %v", text.String(), err, sawUsage)
	}
	entry := waitAccessLog(t, e, "ai_tokens_charged", "23")
	if entry["ai_tokens_estimated"] == "true" || entry["ai_request_type"] != "ai_stream" {
		t.Fatalf("access log %v", entry)
	}
}

// streamStatus runs one stream of prompt with max_tokens and reports its status: 200 with
// the whole stream read, or the refusal's.
func streamStatus(c *openai.Client, prompt string, maxTokens int64) (int, error) {
	p := chatParams(prompt)
	p.MaxTokens = openai.Int(maxTokens)
	s := c.Chat.Completions.NewStreaming(context.Background(), p)
	for s.Next() {
	}
	var apiErr *openai.Error
	if err := s.Err(); errors.As(err, &apiErr) {
		return apiErr.StatusCode, nil
	} else if err != nil {
		return 0, err
	}
	return 200, nil
}

// Concurrent streams against one budget of 100 tokens a minute, each using 23 (11 prompt,
// 12 completion): without reserve admission only needs one token left, so every stream that
// starts before the first one ends is admitted - the documented overshoot, at most
// (concurrent − 1) answers beyond the limit. With reserve (prompt estimate + max_tokens held
// at admission) the streams admitted never charge more than the budget.
func TestTokenRateLimitConcurrentStreamsOvershoot(t *testing.T) {
	const limit, streams, perStream = 100, 12, 23
	for _, reserve := range []bool{false, true} {
		t.Run(fmt.Sprintf("reserve=%v", reserve), func(t *testing.T) {
			fake, err := fakellm.Start(fakellm.Config{KeepRequests: 100, Fault: fakellm.Fault{TokenDelay: 20 * time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { fake.Close() })
			e := testbed.MustStartEnvoy(t, testbed.Gateway{
				Plugins: []testbed.Plugin{tokenRateLimit(t, fmt.Sprintf(`{"global_threshold": {"token_per_hour": %d},
					"reserve": %v, "window": "fixed"}`, limit, reserve))},
				Upstreams: map[string]string{"fakellm": fake.Addr()},
			}, testbed.EnvoyOptions{Concurrency: 4})
			c := openAIClient(e, "sk-any")
			var ok atomic.Int64
			var wg sync.WaitGroup
			var failed atomic.Value
			for range streams {
				wg.Add(1)
				go func() {
					defer wg.Done()
					status, err := streamStatus(c, elevenWords, 12)
					if err != nil {
						failed.Store(err)
					}
					if status == 200 {
						ok.Add(1)
					}
				}()
			}
			wg.Wait()
			if err, _ := failed.Load().(error); err != nil {
				t.Fatal(err)
			}
			charged := ok.Load() * perStream
			if reserve {
				// Prompt estimate: the text's bytes / 4 = 16, + 12 held: 28 a stream, so 3
				// fit; all of what they use is within the limit.
				if charged > limit || ok.Load() < 1 {
					t.Fatalf("reserve: %d streams admitted, %d tokens charged of %d", ok.Load(), charged, limit)
				}
			} else if charged > limit-1+(streams-1)*perStream || ok.Load() < limit/perStream {
				t.Fatalf("no reserve: %d streams admitted, %d tokens charged", ok.Load(), charged)
			}
			t.Logf("reserve=%v: %d of %d concurrent streams admitted, %d tokens charged against a budget of %d", reserve, ok.Load(), streams, charged, limit)
		})
	}
}

// rlTokenLimits is the ratelimit service's configuration for TestTokenRateLimitTwoEnvoys:
// the plugin's descriptor is rule, header, budget, window.
const rlTokenLimits = `
domain: tokens
descriptors:
  - key: rule
    value: shared
    descriptors:
      - key: header:x-tenant
        descriptors:
          - key: budget
            value: tokens
            descriptors:
              - key: window
                value: day
                rate_limit: {unit: day, requests_per_unit: 100}
`

// Two Envoys charge one budget in the ratelimit service (on redis-server): together they
// admit requests until 100 tokens are used, then both refuse.
func TestTokenRateLimitTwoEnvoysShareTheService(t *testing.T) {
	plugin := tokenRateLimit(t, `{"rule_name": "shared", "limit_by_header": "x-tenant",
		"limit_keys": [{"key": "*", "token_per_day": 100}],
		"backend": "ratelimit-service", "ratelimit_service": {"cluster": "ratelimit", "domain": "tokens"}, "failure_mode": "deny"}`)
	envoys := envoysSharingRatelimit(t, rlTokenLimits, plugin, 2)
	tenant := map[string]string{"x-tenant": "two-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	// rawChat's request: 1 prompt token, 2 completion tokens ("Echo: hi"): 3 a request.
	statuses := []int{}
	for i := 0; i < 40; i++ {
		status, _, body := rawChat(t, envoys[i%2].URL, "", tenant)
		if status != 200 && status != 429 {
			t.Fatalf("request %d: %d %s", i, status, body)
		}
		statuses = append(statuses, status)
		// The charge goes out after the answer: give it time to arrive.
		time.Sleep(20 * time.Millisecond)
	}
	ok := 0
	for _, s := range statuses {
		if s == 200 {
			ok++
		}
	}
	// 100 tokens at 3 each: the 34th request finds 99 used and is admitted (1 left), the
	// 35th finds 102.
	if ok != 34 || statuses[34] != 429 || statuses[39] != 429 {
		t.Fatalf("statuses %v: %d admitted, want 34", statuses, ok)
	}
}

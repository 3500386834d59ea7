package e2e

// key-rate-limit in a real Envoy: the seed scenario behind key-auth, exactness under parallel
// clients spread over four worker threads, a window's reset, and two Envoy processes counting
// together in the real envoyproxy/ratelimit service on a real redis-server.

import (
	"context"
	"errors"
	"fmt"
	"io"
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

// seedRateLimit is the example: 2 requests per 60 s per consumer, refused with 403.
const seedRateLimit = `{
	"limit_by_consumer": true,
	"limit_keys": [{"key": "*", "query_per_minute": 2}],
	"rejected_code": 403,
	"rejected_msg": "Requests are too frequent, please try again later."
}`

const twoConsumers = `{
	"consumers": [{"name": "alice", "credential": "sk-alice-rl"}, {"name": "bob", "credential": "sk-bob-rl"}],
	"keys": ["authorization"]
}`

func keyRateLimit(t *testing.T, config string) testbed.Plugin {
	return testbed.Plugin{Name: "key-rate-limit", Wasm: testbed.Module(t, "key-rate-limit"), Config: config}
}

// The seed: the first answer says 2 allowed and 1 left, the third request in the window gets
// 403 with the configured message and never reaches the model; each consumer counts alone.
func TestKeyRateLimitSeedScenarioBehindKeyAuth(t *testing.T) {
	envoy, fake := gatewayToFake(t, fakellm.Config{},
		testbed.Plugin{Name: "key-auth", Wasm: testbed.Module(t, "key-auth"), Config: twoConsumers},
		keyRateLimit(t, seedRateLimit))
	ctx := context.Background()
	alice := openAIClient(envoy, "sk-alice-rl")
	for i, remaining := range []string{"1", "0"} {
		var resp *http.Response
		res, err := alice.Chat.Completions.New(ctx, chatParams("count me"), option.WithResponseInto(&resp))
		if err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		if res.Choices[0].Message.Content != fakellm.Reply("count me") {
			t.Fatalf("request %d answered %q", i+1, res.Choices[0].Message.Content)
		}
		if got := resp.Header.Get("X-RateLimit-Limit"); got != "2" {
			t.Fatalf("request %d: X-RateLimit-Limit %q", i+1, got)
		}
		if got := resp.Header.Get("X-RateLimit-Remaining"); got != remaining {
			t.Fatalf("request %d: X-RateLimit-Remaining %q, want %s", i+1, got, remaining)
		}
		if reset, err := strconv.Atoi(resp.Header.Get("X-RateLimit-Reset")); err != nil || reset < 1 || reset > 120 {
			t.Fatalf("request %d: X-RateLimit-Reset %q", i+1, resp.Header.Get("X-RateLimit-Reset"))
		}
	}
	_, err := alice.Chat.Completions.New(ctx, chatParams("one too many"))
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 403 {
		t.Fatalf("third request: %v, want a 403 API error", err)
	}
	if apiErr.Message != "Requests are too frequent, please try again later." || apiErr.Code != "rate_limit_exceeded" {
		t.Fatalf("third request: message %q, code %q", apiErr.Message, apiErr.Code)
	}
	h := apiErr.Response.Header
	if h.Get("X-RateLimit-Limit") != "2" || h.Get("X-RateLimit-Remaining") != "0" || h.Get("Retry-After") == "" {
		t.Fatalf("refusal headers: %v", h)
	}
	for _, r := range fake.Requests() {
		if strings.Contains(string(r.Body), "one too many") {
			t.Fatal("the refused request reached the model")
		}
	}
	if n := len(fake.Requests()); n != 2 {
		t.Fatalf("the model saw %d requests, want 2", n)
	}

	// bob has his own counter; raw HTTP sees the same headers.
	for i, want := range []int{200, 200, 403} {
		status, h, body := rawChat(t, envoy.URL, "Bearer sk-bob-rl", nil)
		if status != want {
			t.Fatalf("bob's request %d: %d %s", i+1, status, body)
		}
		if h.Get("X-RateLimit-Limit") != "2" {
			t.Fatalf("bob's request %d: headers %v", i+1, h)
		}
	}
}

// rawChat posts a small chat completion with an authorization value and extra headers, and
// returns what came back.
func rawChat(t testing.TB, base, auth string, extra map[string]string) (int, http.Header, string) {
	status, h, body, err := tryRawChat(base, auth, extra)
	if err != nil {
		t.Fatal(err)
	}
	return status, h, body
}

func tryRawChat(base, auth string, extra map[string]string) (int, http.Header, string, error) {
	req, err := http.NewRequest("POST", base+"/v1/chat/completions",
		strings.NewReader(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}`))
	if err != nil {
		return 0, nil, "", err
	}
	req.Header.Set("content-type", "application/json")
	if auth != "" {
		req.Header.Set("authorization", auth)
	}
	for k, v := range extra {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(body), err
}

// countStatuses sends n requests from each of clients goroutines, each client on its own
// connections, and counts the answers by status.
func countStatuses(t *testing.T, clients, n int, send func() (int, error)) map[int]int {
	t.Helper()
	var mu sync.Mutex
	counts := map[int]int{}
	var failed atomic.Value
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range n {
				status, err := send()
				if err != nil {
					failed.Store(err)
					return
				}
				mu.Lock()
				counts[status]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		t.Fatal(err)
	}
	return counts
}

// Sixteen clients hammer one tenant's limit through four worker threads (four copies of the
// plugin sharing one counter): exactly the limit gets through. An hour's sliding window keeps
// a boundary crossed mid-test from admitting more.
func TestKeyRateLimitExactUnderParallelClients(t *testing.T) {
	const limit, clients, each = 25, 16, 6
	fake, err := fakellm.Start(fakellm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	envoy := testbed.MustStartEnvoy(t, testbed.Gateway{
		Plugins: []testbed.Plugin{keyRateLimit(t, fmt.Sprintf(`{
			"limit_by_header": "x-tenant",
			"limit_keys": [{"key": "*", "query_per_hour": %d}]
		}`, limit))},
		Upstreams: map[string]string{"fakellm": fake.Addr()},
	}, testbed.EnvoyOptions{Concurrency: 4})
	tenant := map[string]string{"x-tenant": "acme-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	counts := countStatuses(t, clients, each, func() (int, error) {
		status, _, _, err := tryRawChat(envoy.URL, "", tenant)
		return status, err
	})
	if counts[200] != limit || counts[429] != clients*each-limit {
		t.Fatalf("answers by status %v, want exactly %d × 200 and the rest 429", counts, limit)
	}
	if n := len(fake.Requests()); n != limit {
		t.Fatalf("the model saw %d requests, want %d", n, limit)
	}
	// Another tenant is untouched by the first one's exhaustion.
	if status, _, body := rawChat(t, envoy.URL, "", map[string]string{"x-tenant": "other"}); status != 200 {
		t.Fatalf("another tenant: %d %s", status, body)
	}
}

// untilNextSecond sleeps until 50 ms after the next whole second, so a burst that follows
// stays inside one fixed one-second window.
func untilNextSecond() {
	now := time.Now()
	time.Sleep(now.Truncate(time.Second).Add(time.Second + 50*time.Millisecond).Sub(now))
}

// A fixed window of one second: three get through, the rest are told to retry in a second,
// and in the next window three get through again.
func TestKeyRateLimitWindowResets(t *testing.T) {
	envoy, _ := gatewayToFake(t, fakellm.Config{}, keyRateLimit(t, `{
		"limit_by_header": "x-tenant",
		"limit_keys": [{"key": "*", "query_per_second": 3}],
		"window": "fixed"
	}`))
	tenant := map[string]string{"x-tenant": "resetting"}
	for round := range 2 {
		untilNextSecond()
		var statuses []int
		for range 5 {
			status, h, _ := rawChat(t, envoy.URL, "", tenant)
			statuses = append(statuses, status)
			if status == 429 && (h.Get("Retry-After") != "1" || h.Get("X-RateLimit-Reset") != "1") {
				t.Fatalf("round %d: refusal headers %v", round+1, h)
			}
		}
		if fmt.Sprint(statuses) != "[200 200 200 429 429]" {
			t.Fatalf("round %d: statuses %v", round+1, statuses)
		}
	}
}

// ratelimitServiceLimits is the envoyproxy/ratelimit configuration for the plugin config in
// TestKeyRateLimitTwoEnvoysCountTogether: the plugin's descriptor is rule, header, window.
const ratelimitServiceLimits = `
domain: aiwasm
descriptors:
  - key: rule
    value: shared
    descriptors:
      - key: header:x-tenant
        descriptors:
          - key: window
            value: day
            rate_limit: {unit: day, requests_per_unit: 10}
`

// Two Envoy processes, each with its own plugin VMs, count in one ratelimit service backed by
// one redis-server: together they admit exactly the limit.
func TestKeyRateLimitTwoEnvoysCountTogether(t *testing.T) {
	plugin := keyRateLimit(t, `{
		"rule_name": "shared",
		"limit_by_header": "x-tenant",
		"limit_keys": [{"key": "*", "query_per_day": 10}],
		"backend": "ratelimit-service",
		"ratelimit_service": {"cluster": "ratelimit", "domain": "aiwasm"},
		"failure_mode": "deny"
	}`)
	envoys := envoysSharingRatelimit(t, ratelimitServiceLimits, plugin, 2)
	tenant := map[string]string{"x-tenant": "two-gateways-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	var next atomic.Int64
	counts := countStatuses(t, 4, 4, func() (int, error) {
		e := envoys[next.Add(1)%2]
		status, _, body, err := tryRawChat(e.URL, "", tenant)
		if err == nil && status != 200 && status != 429 {
			err = fmt.Errorf("status %d: %s", status, body)
		}
		return status, err
	})
	if counts[200] != 10 || counts[429] != 6 {
		t.Fatalf("answers by status %v, want exactly 10 × 200 and 6 × 429 across both gateways", counts)
	}
	// The service's numbers reach the client.
	_, h, _ := rawChat(t, envoys[0].URL, "", tenant)
	if h.Get("X-RateLimit-Limit") != "10" || h.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("headers from the service's answer: %v", h)
	}
}

package e2e

import (
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/e2e/testbed"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// gatewayToFake starts a fake LLM configured by cfg and Envoy (envoy/gateway.yaml) with
// plugins in front of it; both stop when the test ends.
func gatewayToFake(t *testing.T, cfg fakellm.Config, plugins ...testbed.Plugin) (*testbed.Envoy, *fakellm.Server) {
	t.Helper()
	fake, err := fakellm.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	envoy := testbed.MustStartEnvoy(t, testbed.Gateway{
		Plugins:   plugins,
		Upstreams: map[string]string{"fakellm": fake.Addr()},
	})
	return envoy, fake
}

// openAIClient is the official SDK pointed at the gateway, without retries and bounded in
// time.
func openAIClient(e *testbed.Envoy, key string, opts ...option.RequestOption) *openai.Client {
	c := openai.NewClient(append([]option.RequestOption{option.WithBaseURL(e.URL + "/v1/"), option.WithAPIKey(key),
		option.WithMaxRetries(0), option.WithRequestTimeout(30 * time.Second)}, opts...)...)
	return &c
}

// envoysSharingRatelimit starts n Envoys running plugin in front of one fake LLM, all counting
// in one envoyproxy/ratelimit service (limits is its configuration) on one redis-server.
func envoysSharingRatelimit(t *testing.T, limits string, plugin testbed.Plugin, n int) []*testbed.Envoy {
	t.Helper()
	redis := testbed.MustStartRedis(t, "")
	rl := testbed.MustStartRatelimit(t, redis, limits)
	fake, err := fakellm.Start(fakellm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	var envoys []*testbed.Envoy
	for range n {
		envoys = append(envoys, testbed.MustStartEnvoy(t, testbed.Gateway{
			Plugins:   []testbed.Plugin{plugin},
			Upstreams: map[string]string{"fakellm": fake.Addr(), "ratelimit": rl.HTTPAddr},
		}))
	}
	return envoys
}

//go:build !wasip1

package main

// The README's examples, read from the README itself, configure the module and behave as the
// README says; every field its configuration tables name is used by some test.

import (
	"encoding/json"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/testbed"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
	"gopkg.in/yaml.v3"
)

// The README's code blocks, in order.
const (
	readmeSeed = iota
	readmeWSO2
	readmeAPIKey
	readmeService
	readmeRedis
	readmeJSONBlocks
)

const (
	readmeServiceLimits = iota
	readmeEnvoy
	readmeWasmPlugin
	readmeYAMLBlocks
)

func readmeBlocks(t *testing.T, lang string, want int) []string {
	return wasmhost.ReadmeBlocks(t, lang, want)
}

func readmeJSON(t *testing.T, i int) string { return readmeBlocks(t, "json", readmeJSONBlocks)[i] }

// higressModule is the higress build, its Redis host functions served by the Redis at addr.
func higressModule(t *testing.T, addr string) *wasmhost.Module {
	t.Helper()
	return wasmhost.HigressModule(t, ".", addr)
}

// Every JSON example is a configuration the module accepts without a warning (the Redis one
// by the higress build), and so is the plain Envoy example's.
func TestReadmeExamplesLoad(t *testing.T) {
	for i, block := range readmeBlocks(t, "json", readmeJSONBlocks) {
		if !json.Valid([]byte(block)) {
			t.Fatalf("block %d is not JSON:\n%s", i, block)
		}
		m := module(t)
		if i == readmeRedis {
			m = higressModule(t, "127.0.0.1:1")
		}
		p := m.TestPlugin(t, block)
		if w := p.LogsAt(wasmhost.LevelWarn); len(w) > 0 {
			t.Errorf("block %d: warnings %v", i, w)
		}
	}
	var filter struct {
		TypedConfig struct {
			Config struct {
				AllowOnHeadersStopIteration bool `yaml:"allow_on_headers_stop_iteration"`
				Configuration               struct{ Value string }
			}
		} `yaml:"typed_config"`
	}
	var filters []any
	if err := yaml.Unmarshal([]byte(readmeBlocks(t, "yaml", readmeYAMLBlocks)[readmeEnvoy]), &filters); err != nil || len(filters) != 1 {
		t.Fatalf("envoy block: %v", err)
	}
	raw, _ := yaml.Marshal(filters[0])
	if err := yaml.Unmarshal(raw, &filter); err != nil || !filter.TypedConfig.Config.AllowOnHeadersStopIteration {
		t.Fatalf("envoy block %+v (%v)", filter, err)
	}
	newPlugin(t, filter.TypedConfig.Config.Configuration.Value)
}

func TestReadmeSeed(t *testing.T) {
	p := newPlugin(t, readmeJSON(t, readmeSeed))
	send(t, p, call{answer: openAI(11, 12), state: map[string]string{"ai_instance": "openai-instance"}})
	if r := send(t, p, call{answer: openAI(1, 1)}); r.status != 0 || r.state("ai_exhausted_instances") != "openai-instance" {
		t.Fatalf("%d %q", r.status, r.state("ai_exhausted_instances"))
	}
}

func TestReadmeWSO2(t *testing.T) {
	p := newPlugin(t, readmeJSON(t, readmeWSO2))
	send(t, p, call{headers: consumer("acme"), answer: openAI(5000, 10)})
	if r := send(t, p, call{headers: consumer("acme"), answer: openAI(1, 1)}); r.status != 429 || r.header("x-ratelimit-limit-tokens") != "5000" {
		t.Fatalf("acme after 5000 prompt tokens: %d %v", r.status, r.response)
	}
	send(t, p, call{headers: consumer("gold-1"), answer: openAI(5000, 10)})
	if r := send(t, p, call{headers: consumer("gold-1"), answer: openAI(1, 1)}); r.status != 0 || r.header("x-ratelimit-limit-tokens") != "60000" {
		t.Fatalf("gold: %d %v", r.status, r.response)
	}
}

func TestReadmeAPIKeyExample(t *testing.T) {
	p := newPlugin(t, readmeJSON(t, readmeAPIKey))
	key := []string{"x-api-key", "sk-readme-1"}
	// No max_tokens: default_max_tokens 2048 is held besides the prompt estimate.
	if r := send(t, p, call{headers: key, answer: openAI(5, 5)}); r.status != 0 || r.header("x-ratelimit-remaining-tokens") != "197949" {
		t.Fatalf("%d %v", r.status, r.response)
	}
	send(t, p, call{headers: key, answer: openAI(100000, 99990)})
	r := send(t, p, call{headers: key, answer: openAI(1, 1)})
	if msg, _, _ := r.errorBody(t); r.status != 429 || msg != "Your hourly token budget is used up." {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

// The service example: the plugin's configuration and the service's YAML agree, and against
// the real envoyproxy/ratelimit service the budget holds.
func TestReadmeServiceExample(t *testing.T) {
	raw := readmeJSON(t, readmeService)
	var pc struct {
		RuleName         string                                    `json:"rule_name"`
		RatelimitService struct{ Cluster, Domain, Timeout string } `json:"ratelimit_service"`
	}
	if err := json.Unmarshal([]byte(raw), &pc); err != nil {
		t.Fatal(err)
	}
	limits := readmeBlocks(t, "yaml", readmeYAMLBlocks)[readmeServiceLimits]
	if !strings.Contains(limits, "domain: "+pc.RatelimitService.Domain) || !strings.Contains(limits, "value: "+pc.RuleName) {
		t.Fatalf("the service's YAML does not match the plugin's %+v", pc)
	}
	if _, err := testbed.FindRatelimit(); err != nil {
		if os.Getenv("AIWASM_REQUIRE_REDIS") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	redis := testbed.MustStartRedis(t, "")
	rl := testbed.MustStartRatelimit(t, redis, limits)
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: rl.HTTPAddr})
	p := newPlugin(t, raw, wasmhost.WithCluster(pc.RatelimitService.Cluster, proxy))
	r := send(t, p, call{headers: consumer("alice"), answer: openAI(60000, 39999)})
	if r.status != 0 || r.header("x-ratelimit-limit-tokens") != "100000" || r.header("x-ratelimit-remaining-tokens") != "100000" {
		t.Fatalf("alice: %d %v", r.status, r.response)
	}
	if r := send(t, p, call{headers: consumer("alice"), answer: openAI(1, 1)}); r.status != 0 {
		t.Fatalf("one token left: %d", r.status)
	}
	if r := send(t, p, call{headers: consumer("alice"), answer: openAI(1, 1)}); r.status != 429 {
		t.Fatalf("used up: %d %v", r.status, r.response)
	}
}

// The Redis example on a real redis-server: budgets and instance budgets count there, and a
// cache hit's refund comes off the Redis counter.
func TestReadmeRedisExample(t *testing.T) {
	raw := readmeJSON(t, readmeRedis)
	var c struct{ Redis struct{ Password string } }
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		t.Fatal(err)
	}
	redis := testbed.MustStartRedis(t, c.Redis.Password, "--requirepass", c.Redis.Password)
	p := higressModule(t, redis.Addr).TestPlugin(t, raw, wasmhost.WithClock(wasmhost.NewClock(t0)))
	r := send(t, p, call{headers: consumer("alice"), answer: openAI(600, 400), state: map[string]string{"ai_instance": "openai"}})
	if r.status != 0 || r.header("x-ratelimit-remaining-tokens") != "100000" {
		t.Fatalf("first: %d %v", r.status, r.response)
	}
	send(t, p, call{headers: consumer("alice"), answer: openAI(1, 1), state: map[string]string{"cache_status": "hit"}})
	if r := send(t, p, call{headers: consumer("alice"), answer: openAI(1, 1)}); r.header("x-ratelimit-remaining-tokens") != "99000" {
		t.Fatalf("after 1000 charged and a refunded hit: %v", r.response)
	}
}

// The WasmPlugin, turned into the configuration Higress generates from it.
func TestReadmeHigressExample(t *testing.T) {
	raw, err := wasmhost.HigressConfig([]byte(readmeBlocks(t, "yaml", readmeYAMLBlocks)[readmeWasmPlugin]))
	if err != nil {
		t.Fatal(err)
	}
	p := newPlugin(t, raw)
	on := func(route string) result {
		s := p.NewStream()
		s.SetProperty("route_name", route) // Higress's property
		return runOn(t, s, call{headers: consumer("alice"), answer: openAI(1, 1)})
	}
	if r := on("default/batch"); r.header("x-ratelimit-limit-tokens") != "5000000" {
		t.Fatalf("batch: %v", r.response)
	}
	if r := on("default/chat"); r.header("x-ratelimit-limit-tokens") != "100000" {
		t.Fatalf("chat: %v", r.response)
	}
}

// Every field of the README's configuration tables appears in a test's configuration.
func TestReadmeFieldsAreTested(t *testing.T) { wasmhost.CheckFieldsTested(t, ".", 40) }

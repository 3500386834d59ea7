//go:build !wasip1

package main

// The README's examples, read from the README itself, configure the module and behave as the
// README says; every field its configuration table names is used by some test.

import (
	"encoding/json"
	"fmt"
	"net/http/httputil"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/testbed"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
	"gopkg.in/yaml.v3"
)

// The README's code blocks, in order.
const (
	readmeSeed = iota
	readmeIP
	readmeWindows
	readmeService
	readmeRedis
	readmeJSONBlocks
)

const (
	readmeServiceLimits = iota
	readmeServiceCluster
	readmeWasmPlugin
	readmeYAMLBlocks
)

func readmeBlocks(t *testing.T, lang string, want int) []string {
	return wasmhost.ReadmeBlocks(t, lang, want)
}

func readmeJSON(t *testing.T, i int) string { return readmeBlocks(t, "json", readmeJSONBlocks)[i] }

// Every JSON example is valid JSON and a configuration the module accepts without a warning
// (the Redis one by the higress build).
func TestReadmeExamplesLoad(t *testing.T) {
	for i, block := range readmeBlocks(t, "json", readmeJSONBlocks) {
		if !json.Valid([]byte(block)) {
			t.Fatalf("block %d is not JSON:\n%s", i, block)
		}
		m := module(t)
		if i == readmeRedis {
			m = higressModule(t, "127.0.0.1:1")
		}
		p := newPluginOf(t, m, block)
		if w := p.LogsAt(wasmhost.LevelWarn); len(w) > 0 {
			t.Errorf("block %d: warnings %v", i, w)
		}
	}
}

func TestReadmeSeed(t *testing.T) {
	p := newPlugin(t, readmeJSON(t, readmeSeed))
	first := send(t, p, consumer("alice")...)
	if first.status != 0 || first.header("X-RateLimit-Limit") != "2" || first.header("X-RateLimit-Remaining") != "1" {
		t.Fatalf("first: %d %v", first.status, first.response)
	}
	if second := send(t, p, consumer("alice")...); second.status != 0 || second.header("X-RateLimit-Remaining") != "0" {
		t.Fatalf("second: %d %v", second.status, second.response)
	}
	third := send(t, p, consumer("alice")...)
	if third.status != 403 || string(third.local.Body) !=
		`{"error":{"message":"Requests are too frequent, please try again later.","type":"requests","code":"rate_limit_exceeded"}}` ||
		third.header("Retry-After") != "90" {
		t.Fatalf("third: %d %s %v", third.status, third.local.Body, third.response)
	}
	if got := statuses(t, p, 3); !same(got, []int{0, 0, 0}) {
		t.Fatalf("without a consumer: %v", got)
	}
}

func TestReadmeIPExample(t *testing.T) {
	p := newPlugin(t, readmeJSON(t, readmeIP))
	xff := func(v string) []string { return []string{"x-forwarded-for", v} }
	r := send(t, p, xff("203.0.113.10, 10.1.1.1")...)
	if r.header("x-ratelimit-limit") != "600" || r.header("ratelimit-policy") != `"minute";q=600;w=60` || r.header("ratelimit") != `"minute";r=599;t=60` {
		t.Fatalf("partner: %v", r.response)
	}
	for _, tc := range []struct {
		addr  string
		limit int
	}{{"10.1.1.1", 50}, {"10.2.2.2", 50}, {"2001:db8::1", 100}, {"198.51.100.1", 60}} {
		want := make([]int, tc.limit+1)
		want[tc.limit] = 429
		if got := statuses(t, p, tc.limit+1, xff(tc.addr)...); !same(got, want) {
			t.Errorf("%s: %v", tc.addr, got)
		}
	}
}

func TestReadmeWindowsExample(t *testing.T) {
	p := newPlugin(t, readmeJSON(t, readmeWindows))
	key := []string{"x-api-key", "sk-test-0123"}
	if r := send(t, p, key...); r.status != 0 || r.header("x-ratelimit-limit") != "1" {
		t.Fatalf("first: %d %v", r.status, r.response)
	}
	if r := send(t, p, key...); r.status != 429 || r.header("x-ratelimit-limit") != "1" || r.header("retry-after") != "1" {
		t.Fatalf("second in the second: %d %v", r.status, r.response)
	}
	for i := 1; i < 100; i++ {
		p.Clock().Advance(time.Second)
		if r := send(t, p, key...); r.status != 0 {
			t.Fatalf("request %d of the day: %d", i+1, r.status)
		}
	}
	p.Clock().Advance(time.Second)
	r := send(t, p, key...)
	if r.status != 429 || r.header("x-ratelimit-limit") != "100" || r.int("retry-after") != 86400-100 {
		t.Fatalf("101st of the day: %d %v", r.status, r.response)
	}
	// Other keys: 10 a second.
	want := make([]int, 11)
	want[10] = 429
	if got := statuses(t, p, 11, "x-api-key", "sk-live-1"); !same(got, want) {
		t.Fatalf("other key: %v", got)
	}
}

// readmeServiceConfig is the service example's plugin configuration.
type readmeServiceConfig struct {
	RuleName         string                           `json:"rule_name"`
	RatelimitService struct{ Cluster, Domain string } `json:"ratelimit_service"`
}

// The service example: the plugin's configuration, the service's and the cluster agree, and
// against the real envoyproxy/ratelimit service the limits are the README's.
func TestReadmeServiceExample(t *testing.T) {
	raw := readmeJSON(t, readmeService)
	var pc readmeServiceConfig
	if err := json.Unmarshal([]byte(raw), &pc); err != nil {
		t.Fatal(err)
	}
	yamls := readmeBlocks(t, "yaml", readmeYAMLBlocks)
	var limits struct {
		Domain      string
		Descriptors []struct{ Key, Value string }
	}
	if err := yaml.Unmarshal([]byte(yamls[readmeServiceLimits]), &limits); err != nil {
		t.Fatal(err)
	}
	if limits.Domain != pc.RatelimitService.Domain || len(limits.Descriptors) != 1 ||
		limits.Descriptors[0].Key != "rule" || limits.Descriptors[0].Value != pc.RuleName {
		t.Fatalf("the service's YAML %+v does not match the plugin's %+v", limits, pc)
	}
	var clusters []struct{ Name string }
	if err := yaml.Unmarshal([]byte(yamls[readmeServiceCluster]), &clusters); err != nil || len(clusters) != 1 || clusters[0].Name != pc.RatelimitService.Cluster {
		t.Fatalf("cluster block %+v (%v)", clusters, err)
	}

	if _, err := testbed.FindRatelimit(); err != nil {
		if os.Getenv("AIWASM_REQUIRE_REDIS") == "1" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	redis := testbed.MustStartRedis(t, "")
	rl := testbed.MustStartRatelimit(t, redis, yamls[readmeServiceLimits])
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: rl.HTTPAddr})
	p := newPlugin(t, raw, wasmhost.WithCluster(pc.RatelimitService.Cluster, proxy))
	alice := send(t, p, consumer("alice")...)
	if alice.status != 0 || alice.header("x-ratelimit-limit") != "100" || alice.header("x-ratelimit-remaining") != "99" {
		t.Fatalf("alice: %d %v", alice.status, alice.response)
	}
	if body := string(p.HttpCalls()[0].Body); body != `{"domain":"aiwasm","descriptors":[{"entries":[{"key":"rule","value":"chat"},`+
		`{"key":"consumer","value":"alice"},{"key":"window","value":"minute"}]}],"hits_addend":1}` {
		t.Fatalf("descriptor sent: %s", body)
	}
	// The service's windows follow the real clock: a minute boundary in the middle of the
	// run would admit more, so such a run is repeated with another consumer.
	for attempt := 0; ; attempt++ {
		name := fmt.Sprintf("bob-%d", attempt)
		start := time.Now()
		got := statuses(t, p, 11, consumer(name)...)
		if start.Truncate(time.Minute) != time.Now().Truncate(time.Minute) && attempt < 2 {
			continue
		}
		want := make([]int, 11)
		want[10] = 429
		if !same(got, want) {
			t.Fatalf("%s: %v", name, got)
		}
		r := send(t, p, consumer(name)...)
		if r.header("x-ratelimit-limit") != "10" || r.int("retry-after") < 1 || r.int("retry-after") > 60 {
			t.Fatalf("%s's refusal: %v", name, r.response)
		}
		break
	}
}

func TestReadmeRedisExample(t *testing.T) {
	raw := readmeJSON(t, readmeRedis)
	var c struct{ Redis struct{ Password string } }
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		t.Fatal(err)
	}
	redis := testbed.MustStartRedis(t, c.Redis.Password, "--requirepass", c.Redis.Password)
	p := newPluginOf(t, higressModule(t, redis.Addr), raw)
	r := send(t, p, consumer("alice")...)
	if r.status != 0 || r.header("x-ratelimit-limit") != "60" || r.header("x-ratelimit-remaining") != "59" {
		t.Fatalf("alice: %d %v", r.status, r.response)
	}
}

// The WasmPlugin, turned into the configuration Higress generates from it.
func TestReadmeHigressExample(t *testing.T) {
	raw, err := wasmhost.HigressConfig([]byte(readmeBlocks(t, "yaml", readmeYAMLBlocks)[readmeWasmPlugin]))
	if err != nil {
		t.Fatal(err)
	}
	p := newPlugin(t, raw)
	if w := p.LogsAt(wasmhost.LevelWarn); len(w) > 0 {
		t.Fatalf("warnings %v", w)
	}
	on := func(route, host string, headers ...string) result {
		s := p.NewStream()
		s.SetProperty("route_name", route) // Higress's property
		return finish(t, s, append([]string{":authority", host}, headers...)...)
	}
	for i := 0; i < 20; i++ {
		if r := on("default/chat", "api.example.com", consumer("alice")...); r.status != 0 {
			t.Fatalf("chat request %d: %d", i+1, r.status)
		}
	}
	r := on("default/chat", "api.example.com", consumer("alice")...)
	if msg, _, _ := r.errorBody(t); r.status != 429 || msg != "Rate limit reached, slow down." || r.header("ratelimit") == "" {
		t.Fatalf("21st chat request: %d %s %v", r.status, r.local.Body, r.response)
	}
	xff := []string{"x-forwarded-for", "198.51.100.9"}
	for i := 0; i < 5; i++ {
		if r := on("default/partners", "eu.partners.example.com", xff...); r.status != 0 {
			t.Fatalf("partner request %d: %d", i+1, r.status)
		}
	}
	if r := on("default/partners", "eu.partners.example.com", xff...); r.status != 429 {
		t.Fatalf("6th partner request in the second: %d", r.status)
	}
	for i := 0; i < 30; i++ {
		if r := on("default/other", "api.example.com", consumer("alice")...); r.status != 0 || r.response.Has("x-ratelimit-limit") {
			t.Fatalf("elsewhere: %d %v", r.status, r.response)
		}
	}
}

// Every field of the README's configuration tables appears in a test's configuration.
func TestReadmeFieldsAreTested(t *testing.T) { wasmhost.CheckFieldsTested(t, ".", 30) }

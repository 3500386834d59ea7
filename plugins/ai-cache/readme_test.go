//go:build !wasip1

package main

// The README's examples, read from the README itself, configure the module and behave as the
// README says; every field its configuration table names is used by some test.

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
	"gopkg.in/yaml.v3"
)

const (
	readmeAPISIX = iota
	readmeConsumer
	readmeSemantic
	readmeJSONBlocks
)

const (
	readmeEnvoy = iota
	readmeWasmPlugin
	readmeRedisWasmPlugin
	readmeYAMLBlocks
)

func readmeBlocks(t *testing.T, lang string, want int) []string {
	return wasmhost.ReadmeBlocks(t, lang, want)
}

// Every JSON example is a configuration the module accepts without a warning.
func TestReadmeExamplesLoad(t *testing.T) {
	for i, block := range readmeBlocks(t, "json", readmeJSONBlocks) {
		if !json.Valid([]byte(block)) {
			t.Fatalf("block %d is not JSON", i)
		}
		p := newPlugin(t, block)
		if w := p.LogsAt(wasmhost.LevelWarn); len(w) > 0 {
			t.Errorf("block %d: warnings %v", i, w)
		}
	}
}

func TestReadmeAPISIXExample(t *testing.T) {
	p := newPlugin(t, readmeBlocks(t, "json", readmeJSONBlocks)[readmeAPISIX])
	statuses := []string{}
	for i := 0; i < 2; i++ {
		r := do(t, p, call{body: chatBody("What is Apache APISIX?")})
		statuses = append(statuses, r.headers.Value("apisix-cache-status"))
	}
	if strings.Join(statuses, ",") != "MISS,HIT" {
		t.Fatal(statuses)
	}
}

// The consumer example: bypass by x-no-cache with any value, length answers stored.
func TestReadmeConsumerExample(t *testing.T) {
	p := newPlugin(t, readmeBlocks(t, "json", readmeJSONBlocks)[readmeConsumer])
	alice := consumer("alice")
	do(t, p, call{body: chatBody("long answer words here", `"max_tokens":2`), headers: alice})
	if r := do(t, p, call{body: chatBody("long answer words here", `"max_tokens":2`), headers: alice}); r.status() != "HIT" {
		t.Fatalf("length answer: %s", r.status())
	}
	if r := do(t, p, call{body: chatBody("x"), headers: append(alice, "x-no-cache", "1")}); r.status() != "BYPASS" {
		t.Fatalf("x-no-cache: %s", r.status())
	}
}

// The plain Envoy block is the filter as envoy/gateway.yaml declares it, with JSON the
// module accepts.
func TestReadmeEnvoyExample(t *testing.T) {
	var filters []struct {
		Name        string
		TypedConfig struct {
			Config struct {
				AllowOnHeadersStopIteration bool `yaml:"allow_on_headers_stop_iteration"`
				Configuration               struct{ Value string }
			}
		} `yaml:"typed_config"`
	}
	if err := yaml.Unmarshal([]byte(readmeBlocks(t, "yaml", readmeYAMLBlocks)[readmeEnvoy]), &filters); err != nil || len(filters) != 1 {
		t.Fatalf("%v %d", err, len(filters))
	}
	f := filters[0].TypedConfig.Config
	if !f.AllowOnHeadersStopIteration {
		t.Fatal("allow_on_headers_stop_iteration missing")
	}
	newPlugin(t, f.Configuration.Value)
}

// The WasmPlugin, turned into the configuration Higress generates from it: the faq route
// shares answers globally by last question; elsewhere each consumer has its own.
func TestReadmeHigressExample(t *testing.T) {
	raw, err := wasmhost.HigressConfig([]byte(readmeBlocks(t, "yaml", readmeYAMLBlocks)[readmeWasmPlugin]))
	if err != nil {
		t.Fatal(err)
	}
	p := newPlugin(t, raw)
	if w := p.LogsAt(wasmhost.LevelWarn); len(w) > 0 {
		t.Fatalf("warnings %v", w)
	}
	on := func(route string, c call) result {
		// do() makes its own stream; a route property for every stream of this plugin.
		return doOnRoute(t, p, route, c)
	}
	on("default/faq", call{body: chatBody("opening hours?"), headers: consumer("alice")})
	if r := on("default/faq", call{body: chatBody("opening hours?"), headers: consumer("bob")}); r.status() != "HIT" {
		t.Fatalf("faq, another consumer: %s", r.status())
	}
	on("default/chat", call{body: chatBody("opening hours?"), headers: consumer("alice")})
	if r := on("default/chat", call{body: chatBody("opening hours?"), headers: consumer("bob")}); r.status() != "MISS" {
		t.Fatalf("chat, another consumer: %s", r.status())
	}
}

// _rules_ lay a rule's keys over the global ones.
func TestRules(t *testing.T) {
	p := newPlugin(t, `{"scope": "global", "ttl": 60, "_rules_": [{"_match_route_": ["short"], "ttl": 1}]}`)
	doOnRoute(t, p, "short", call{body: chatBody("rules")})
	doOnRoute(t, p, "long", call{body: chatBody("rules long")})
	p.Clock().Advance(2e9)
	if r := doOnRoute(t, p, "short", call{body: chatBody("rules")}); r.status() != "MISS" {
		t.Fatalf("short route after 2 s: %s", r.status())
	}
	if r := doOnRoute(t, p, "long", call{body: chatBody("rules long")}); r.status() != "HIT" {
		t.Fatalf("long route after 2 s: %s", r.status())
	}
}

// Every field of the README's configuration table appears in a test's configuration.
func TestReadmeFieldsAreTested(t *testing.T) { wasmhost.CheckFieldsTested(t, ".", 20) }

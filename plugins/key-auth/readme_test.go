//go:build !wasip1

package main_test

// The README's examples, read from the README itself, configure the module and behave as the
// README says.

import (
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
	"gopkg.in/yaml.v3"
)

// readmeYAML returns the README's yaml code blocks, in order.
func readmeYAML(t *testing.T) []string {
	t.Helper()
	blocks, err := wasmhost.CodeBlocks("README.md", "yaml")
	if err != nil || len(blocks) != 2 {
		t.Fatalf("%d yaml blocks in README.md (%v), want the WasmPlugin and the Envoy filter", len(blocks), err)
	}
	return blocks
}

// The WasmPlugin, turned into the configuration Higress generates from it.
func TestReadmeHigressExample(t *testing.T) {
	raw, err := wasmhost.HigressConfig([]byte(readmeYAML(t)[0]))
	if err != nil {
		t.Fatal(err)
	}
	p := newPlugin(t, raw)
	const alice, bobOld, bobNew = "sk-alice-2bda943cba2b11ecba0700163e1250b5", "sk-bob-old-c8c8e9ca558e4a2dbb62e700dcc40e35", "sk-bob-new-0f6b2d1e9a7c4e58b3d2a1c0e9f8d7c6"
	passed(t, call(t, p, "default/chat-premium", "/v1/chat/completions", "authorization", "Bearer "+alice), "alice")
	denied(t, call(t, p, "default/embeddings", "/v1/embeddings", "authorization", "Bearer "+bobNew), 403, "permission_error", "consumer_not_allowed")
	denied(t, call(t, p, "default/embeddings", "/v1/embeddings"), 401, "authentication_error", "missing_api_key")
	passed(t, call(t, p, "default/other", "/v1/models"), "") // global_auth false, no rule
	s := p.NewStream()
	s.SetProperty("route_name", "default/other")
	if _, err := s.RequestHeaders(wasmhost.H(":method", "GET", ":path", "/v1/models", ":authority", "llm.internal.example.com", "x-api-key", bobOld), true); err != nil {
		t.Fatal(err)
	}
	passed(t, s, "bob")
}

// The Envoy filter: its configuration value, and the curl lines under it.
func TestReadmeEnvoyExample(t *testing.T) {
	block := readmeYAML(t)[1]
	if strings.Contains(block, "allow_on_headers_stop_iteration") {
		t.Error("key-auth needs no allow_on_headers_stop_iteration")
	}
	var filters []struct {
		Name        string
		TypedConfig struct {
			Config struct {
				Configuration struct {
					Value string
				}
			}
		} `yaml:"typed_config"`
	}
	if err := yaml.Unmarshal([]byte(block), &filters); err != nil {
		t.Fatal(err)
	}
	if len(filters) != 1 || filters[0].Name != "key-auth" {
		t.Fatalf("filters %+v", filters)
	}
	p := newPlugin(t, filters[0].TypedConfig.Config.Configuration.Value)
	denied(t, call(t, p, "llm", "/v1/models"), 401, "authentication_error", "missing_api_key")
	denied(t, call(t, p, "llm", "/v1/models", "x-api-key", "sk-nobody"), 401, "authentication_error", "invalid_api_key")
	denied(t, call(t, p, "llm", "/v1/models", "authorization", "Bearer sk-bob-demo"), 403, "permission_error", "consumer_not_allowed")
	passed(t, call(t, p, "llm", "/v1/models", "authorization", "Bearer sk-alice-demo"), "alice")
	passed(t, call(t, p, "chat-bob", "/v1/models", "authorization", "Bearer sk-bob-demo"), "bob")
}

// Every field of the README's configuration tables appears in a test's configuration.
func TestReadmeFieldsAreTested(t *testing.T) { wasmhost.CheckFieldsTested(t, ".", 10) }

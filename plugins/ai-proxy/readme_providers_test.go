//go:build !wasip1

package main

import (
	"net/http"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
	"gopkg.in/yaml.v3"
)

// The README's YAML blocks, in order.
const (
	readmeEnvoyFilter = iota
	readmeHigressWasmPlugin
	readmeRouteConfig
	readmeYAMLBlocks
)

func readmeYAML(t *testing.T, i int) string {
	t.Helper()
	return wasmhost.ReadmeBlocks(t, "yaml", readmeYAMLBlocks)[i]
}

// providerHosts is what the per-provider examples promise: the host a client calls, the
// cluster each build sends it to, and the path the provider is asked for.
var providerHosts = []struct {
	host, cluster, higressCluster, path string
}{
	{"api.llm.example", "openai", "outbound|443||api.openai.com.dns", "/v1/chat/completions"},
	{"deepseek.llm.example", "deepseek", "outbound|443||api.deepseek.com.dns", "/chat/completions"},
	{"claude.llm.example", "anthropic", "outbound|443||api.anthropic.com.dns", "/v1/messages"},
	{"gemini.llm.example", "gemini", "outbound|443||generativelanguage.googleapis.com.dns", "/v1beta/models/gemini-2.0-flash:generateContent"},
	{"azure.llm.example", "azure-openai", "outbound|443||contoso.openai.azure.com.dns", "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"},
	{"inhouse.llm.example", "inhouse-llm", "outbound|8000||llm.inhouse.example.dns", "/serving/v2/chat/completions"},
}

// Every provider of the plain-Envoy example and of the Higress WasmPlugin answers a chat
// request on its own host: each reaches its provider's cluster on the provider's path.
func TestReadmeEveryProviderExample(t *testing.T) {
	var filter []struct {
		TypedConfig struct {
			Config struct {
				Configuration struct{ Value string }
			}
		} `yaml:"typed_config"`
	}
	if err := yaml.Unmarshal([]byte(readmeYAML(t, readmeEnvoyFilter)), &filter); err != nil || len(filter) != 1 {
		t.Fatalf("the Envoy filter example: %v", err)
	}
	higress, err := wasmhost.HigressConfig([]byte(readmeYAML(t, readmeHigressWasmPlugin)))
	if err != nil {
		t.Fatal(err)
	}
	for _, build := range []struct {
		name    string
		module  *wasmhost.Module
		config  string
		cluster func(int) string
	}{
		{"envoy", module(t), filter[0].TypedConfig.Config.Configuration.Value, func(i int) string { return providerHosts[i].cluster }},
		{"higress", higressModule(t), higress, func(i int) string { return providerHosts[i].higressCluster }},
	} {
		t.Run(build.name, func(t *testing.T) {
			fakes := make([]*fakeCluster, len(providerHosts))
			var opts []wasmhost.PluginOption
			for i := range providerHosts {
				fakes[i] = fake(t, fakellm.Config{})
				if p := providerHosts[i].path; p == "/chat/completions" || p == "/serving/v2/chat/completions" {
					fakes[i].rewrite = func(string) string { return "/v1/chat/completions" } // the fake's own path
				}
				opts = append(opts, wasmhost.WithCluster(build.cluster(i), http.Handler(fakes[i])))
			}
			p := build.module.TestPlugin(t, build.config, opts...)
			if w := warnings(p); len(w) > 0 {
				t.Fatalf("warnings %v", w)
			}
			for i, ph := range providerHosts {
				h := wasmhost.H(":method", "POST", ":path", "/v1/chat/completions", ":authority", ph.host, ":scheme", "https",
					"content-type", "application/json", "authorization", "Bearer "+clientKey)
				s := send(t, p, h, `{"model":"gpt-4o","messages":[{"role":"user","content":"which provider"}]}`)
				lr := reply(t, s)
				if lr.Status != 200 || field(t, lr.Body, "choices.0.message.content") != fakellm.Reply("which provider") {
					t.Fatalf("%s: %d %s", ph.host, lr.Status, lr.Body)
				}
				if got := fakes[i].last(t); got.Path != ph.path {
					t.Errorf("%s: the provider was asked for %s, want %s", ph.host, got.Path, ph.path)
				}
			}
		})
	}
}

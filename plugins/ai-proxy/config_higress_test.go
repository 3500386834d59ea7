//go:build !wasip1

package main

import (
	"strings"
	"testing"
)

// Higress's ai-proxy configurations load as written.
func TestHigressAccepted(t *testing.T) {
	for _, tc := range []struct{ config, warn string }{
		{`{"provider": {"type": "qwen", "apiTokens": ["sk-1"], "modelMapping": {"gpt-3": "qwen-turbo", "gpt-35-turbo": "qwen-plus", "gpt-4-turbo": "qwen-max", "gpt-4-*": "qwen-max", "gpt-4o": "qwen-vl-plus", "text-embedding-v1": "text-embedding-v1", "*": "qwen-turbo"}}}`, ""},
		{`{"provider": {"type": "azure", "apiTokens": ["k"], "azureServiceUrl": "https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-02-15-preview", "cluster": "azure"}}`, ""},
		{`{"provider": {"type": "azure", "apiTokens": ["k"], "azureServiceUrl": "https://r.openai.azure.com?api-version=2024-02-15-preview", "cluster": "azure"}}`, ""},
		{`{"provider": {"type": "openai", "apiTokens": ["k"], "openaiCustomUrl": "api.openai.com/v1/chat/completions"}}`, ""},
		{`{"provider": {"type": "openai-compatible", "openaiCustomUrl": "http://llm:8000/v1", "cluster": "llm"}}`, ""},
		{`{"provider": {"type": "claude", "apiTokens": ["k"], "protocol": "original", "timeout": 120000}}`, ""},
		{`{"provider": {"type": "grok", "apiTokens": ["k"]}}`, ""},
		{`{"provider": {"type": "qwen", "qwenEnableCompatible": true}, "prompt_param": "text", "logging": {"summaries": true}}`, ""},
		{`{"provider": {"id": "main", "type": "moonshot", "apiTokens": ["k"], "protocol": "openai"}}`, ""},
		{`{"providers": [{"id": "a", "type": "openai", "apiTokens": ["k"]}, {"id": "b", "type": "deepseek", "apiTokens": ["k"]}], "activeProviderId": "b"}`, ""},
		{`{"providers": [{"id": "a", "type": "openai"}], "_rules_": [{"_match_route_": ["r"], "activeProviderId": "a"}]}`, ""},
		{`{"providers": [{"id": "a", "type": "openai"}]}`, "providers: no activeProviderId: requests pass untouched"},
	} {
		p := newPlugin(t, tc.config)
		w := warnings(p)
		if tc.warn == "" && len(w) > 0 {
			t.Errorf("config %s: warnings %v", tc.config, w)
		}
		if tc.warn != "" && !strings.Contains(strings.Join(w, "\n"), tc.warn) {
			t.Errorf("config %s: warnings %v, want %q", tc.config, w, tc.warn)
		}
	}
}

func TestHigressRefusals(t *testing.T) {
	const notSupported = "not supported by aiwasm's ai-proxy; see README: Higress mapping"
	for _, tc := range []struct{ config, want string }{
		{`{"provider": {"apiTokens": ["k"]}}`, "provider.type: missing required field"},
		{`{"provider": {"type": "baidu"}}`, `provider.type: provider "baidu" is not supported by aiwasm's ai-proxy`},
		{`{"provider": {"type": "qwne"}}`, `provider.type: unknown provider "qwne"`},
		{`{"provider": {"type": "qwen", "failover": {"enabled": true}}}`, "provider.failover: " + notSupported + "; api keys that fail cool down by themselves"},
		{`{"provider": {"type": "qwen", "retryOnFailure": {"enabled": true}}}`, "provider.retryOnFailure: " + notSupported + "; write the multi form's instances and fallback_strategy"},
		{`{"provider": {"type": "qwen", "customSettings": [{"name": "max_tokens", "value": 10}]}}`, "provider.customSettings: " + notSupported + "; write the APISIX form's options"},
		{`{"provider": {"type": "qwen", "apiToken": "k"}}`, "provider.apiToken: " + notSupported + `; write apiTokens: ["..."]`},
		{`{"provider": {"type": "qwen", "context": {"fileUrl": "x"}}}`, "provider.context: " + notSupported},
		{`{"provider": {"type": "qwen", "basePath": "/x"}}`, "provider.basePath: " + notSupported},
		{`{"provider": {"type": "qwen", "qwenEnableSearch": true}}`, "provider.qwenEnableSearch: " + notSupported},
		{`{"provider": {"type": "qwen", "qwenEnableCompatible": false}}`, "provider.qwenEnableCompatible: the qwen preset always uses DashScope's compatible mode"},
		{`{"provider": {"type": "openai", "qwenEnableCompatible": true}}`, "provider.qwenEnableCompatible: the qwen preset always uses DashScope's compatible mode"},
		{`{"provider": {"type": "qwen", "apiTokens": []}}`, "provider.apiTokens: must not be empty"},
		{`{"provider": {"type": "qwen", "apiTokens": ["k", "k"]}}`, "provider.apiTokens[1]: repeats apiTokens[0]"},
		{`{"provider": {"type": "qwen", "modelMapping": [{"from": "*", "to": "x"}]}}`, "provider.modelMapping: want an object, got array"},
		{`{"provider": {"type": "qwen", "modelMapping": {"~(": "x"}}}`, `provider.modelMapping["~("]: invalid regular expression`},
		{`{"provider": {"type": "qwen", "protocol": "claude"}}`, `provider.protocol: must be one of "openai", "original"; got "claude"`},
		{`{"provider": {"type": "qwen", "timeout": 0}}`, "provider.timeout: must be at least 1"},
		{`{"provider": {"type": "azure", "apiTokens": ["k"]}}`, "provider.azureServiceUrl: required for provider azure"},
		{`{"provider": {"type": "openai-compatible"}}`, "provider.openaiCustomUrl: required for provider openai-compatible"},
		{`{"provider": {"type": "qwen", "azureServiceUrl": "https://r.openai.azure.com"}}`, "provider.azureServiceUrl: only with type azure"},
		{`{"provider": {"type": "qwen", "openaiCustomUrl": "https://x/v1"}}`, "provider.openaiCustomUrl: only with type openai or openai-compatible"},
		{`{"provider": {"type": "azure", "azureServiceUrl": "https://r.openai.azure.com/x", "cluster": "c"}}`, "provider.azureServiceUrl: not an Azure OpenAI URL"},
		{`{"provider": {"type": "azure", "azureServiceUrl": "https://r.openai.azure.com/openai/v1"}}`, "provider.cluster: missing: azureServiceUrl points at r.openai.azure.com; name the Envoy cluster"},
		{`{"provider": {"type": "openai", "openaiCustomUrl": "gw.corp/v1"}}`, "provider.cluster: missing: openaiCustomUrl points at gw.corp"},
		{`{"provider": {"type": "openai", "id": "a/b"}}`, `provider.id: "a/b": use letters, digits`},
		{`{"provider": {"type": "openai"}, "providers": []}`, "providers: not with a provider object: write either provider, or providers with activeProviderId"},
		{`{"provider": {"type": "openai"}, "activeProviderId": "a"}`, "activeProviderId: not with a provider object"},
		{`{"provider": {"type": "openai"}, "instances": [{"name": "a", "provider": "openai"}]}`, "instances: not with Higress's provider object or providers: write one form"},
		{`{"provider": {"type": "openai"}, "options": {"max_tokens": 5}}`, "options: not with Higress's provider object or providers; see README: Higress mapping"},
		{`{"provider": {"type": "openai"}, "fallback_strategy": "http_429"}`, "fallback_strategy: not with Higress's provider object or providers"},
		{`{"providers": [{"id": "a", "type": "openai"}], "activeProviderId": "b"}`, `activeProviderId: no provider has id "b" (ids: "a")`},
		{`{"providers": [{"type": "openai"}], "activeProviderId": "a"}`, "providers[0].id: missing required field"},
		{`{"providers": [{"id": "a", "type": "openai"}, {"id": "a", "type": "qwen"}], "activeProviderId": "a"}`, `providers[1].id: "a" repeats providers[0]`},
		{`{"providers": [{"id": "a", "type": "openai", "failover": {}}], "activeProviderId": "a"}`, "providers[0].failover: " + notSupported},
		{`{"providers": [], "activeProviderId": "a"}`, "providers: must not be empty"},
		{`{"activeProviderId": "a"}`, "providers: missing required field"},
		{`{"provider": "openai", "providers": [{"id": "a", "type": "openai"}], "activeProviderId": "a"}`, "provider: with providers, choose the provider with activeProviderId"},
	} {
		got := refused(t, tc.config)
		if !strings.Contains(got, tc.want) {
			t.Errorf("config %s\nrefused with %s\nwant it to contain %s", tc.config, got, tc.want)
		}
	}
}

// Clusters by build: the default build uses the preset's or refuses a foreign endpoint
// without one; the higress build derives Higress's service cluster names.
func TestClusterNamesByBuild(t *testing.T) {
	h := higressModule(t)
	for _, tc := range []struct{ config, want string }{
		{`{"provider": "openai"}`, "cluster outbound|443||api.openai.com.dns"},
		{`{"provider": "openai-compatible", "override": {"endpoint": "http://llm.corp:8000/v1"}}`, "cluster outbound|8000||llm.corp.dns"},
		{`{"provider": {"type": "azure", "azureServiceUrl": "https://r.openai.azure.com/openai/deployments/d"}}`, "cluster outbound|443||r.openai.azure.com.dns"},
		{`{"provider": "openai", "cluster": "outbound|443||openai.dns"}`, "cluster outbound|443||openai.dns"},
		{`{"provider": "qwen"}`, "cluster outbound|443||dashscope.aliyuncs.com.dns"},
	} {
		if got := infoLines(newPluginOf(t, h, tc.config)); !strings.Contains(got, tc.want) {
			t.Errorf("higress build, %s: %s", tc.config, got)
		}
	}
	for _, tc := range []struct{ config, want string }{
		{`{"provider": "openai-compatible", "override": {"endpoint": "http://10.0.0.7:8000/v1"}}`,
			"cluster: missing: override.endpoint points at the address 10.0.0.7:8000; Higress names static services after their own name (outbound|<port>||<name>.static): set cluster"},
		{`{"provider": "ollama"}`, "cluster: missing: provider ollama points at the address localhost:11434"},
	} {
		if got := refusedBy(t, h, tc.config); !strings.Contains(got, tc.want) {
			t.Errorf("higress build, %s: %s", tc.config, got)
		}
	}
	for _, tc := range []struct{ config, want string }{
		{`{"provider": "openai"}`, "cluster openai,"},
		{`{"provider": "openai", "override": {"endpoint": "https://api.openai.com/v1/chat/completions"}}`, "cluster openai,"},
		{`{"provider": "gemini"}`, "cluster gemini,"},
		{`{"provider": "qwen"}`, "cluster qwen,"},
	} {
		if got := infoLines(newPlugin(t, tc.config)); !strings.Contains(got, tc.want) {
			t.Errorf("default build, %s: %s", tc.config, got)
		}
	}
}

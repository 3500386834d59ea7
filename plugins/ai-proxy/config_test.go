//go:build !wasip1

package main

// The compiled module's configure step: what it accepts, what it warns about, what it
// refuses and with which message.

import (
	"strings"
	"testing"
)

// Accepted configurations, each field of every form at least once; warn is a warning
// expected in the log, "" for none at all.
func TestConfigAccepted(t *testing.T) {
	for _, tc := range []struct{ config, warn string }{
		// The single form (APISIX ai-proxy), from APISIX's documentation.
		{`{"provider": "openai", "auth": {"header": {"Authorization": "Bearer sk-1"}}, "options": {"model": "gpt-4"}}`, ""},
		{`{"provider": "deepseek", "auth": {"header": {"Authorization": "Bearer sk-1"}}, "options": {"model": "deepseek-chat"}}`, ""},
		{`{"provider": "azure-openai", "auth": {"header": {"api-key": "k"}}, "options": {"model": "gpt-4o"},
			"override": {"endpoint": "https://r.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-02-15-preview"}, "cluster": "azure"}`, ""},
		{`{"provider": "openai-compatible", "auth": {"header": {"Authorization": "Bearer k"}}, "options": {"model": "qwen-plus"},
			"override": {"endpoint": "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions"}, "cluster": "qwen"}`, ""},
		{`{"provider": "openai", "auth": {"header": {"Authorization": "Bearer k"}}, "options": {"model": "text-embedding-3-small"},
			"override": {"endpoint": "https://api.openai.com/v1/embeddings"}}`, ""},
		{`{"provider": "gemini", "auth": {"query": {"key": "AIza-1"}}, "passthrough": true, "timeout": 600000,
			"logging": {"summaries": true, "payloads": false}}`, ""},
		// Every instance field.
		{`{"provider": "openai", "api_keys": ["a", "b"], "options": {"max_tokens": 50, "temperature": 2, "top_p": 0, "n": 1,
			"max_completion_tokens": 9, "stream": true, "anything": {"nested": [1, "x", null]}},
			"defaults": {"model": "gpt-4o-mini", "temperature": 0.2}, "model_mapping": {"gpt-4*": "gpt-4o", "~^o(\\d)$": "o$1-mini", "*": ""},
			"cluster": "openai-eu", "first_byte_timeout": 2000, "prompt_param": "text"}`, ""},
		{`{"provider": "vllm", "override": {"endpoint": "http://10.0.0.7:8000/v1"}, "cluster": "vllm",
			"model_mapping": [{"from": "gpt-4", "to": "llama"}, {"from": "*", "to": "qwen"}]}`, ""},
		{`{"provider": "ollama"}`, ""},
		// The multi form (APISIX ai-proxy-multi), from APISIX's documentation.
		{`{"instances": [
			{"name": "openai-instance", "provider": "openai", "weight": 8, "auth": {"header": {"Authorization": "Bearer k"}}, "options": {"model": "gpt-4"}},
			{"name": "deepseek-instance", "provider": "deepseek", "weight": 2, "auth": {"header": {"Authorization": "Bearer k"}}, "options": {"model": "deepseek-chat"}}]}`, ""},
		{`{"fallback_strategy": ["rate_limiting"], "instances": [
			{"name": "openai-instance", "provider": "openai", "priority": 1, "weight": 0, "auth": {"header": {"Authorization": "Bearer k"}}, "options": {"model": "gpt-4"}},
			{"name": "deepseek-instance", "provider": "deepseek", "priority": 0, "weight": 0, "auth": {"header": {"Authorization": "Bearer k"}}, "options": {"model": "deepseek-chat"}}]}`, ""},
		{`{"fallback_strategy": "instance_health_and_rate_limiting", "balancer": {"algorithm": "chash", "hash_on": "consumer"},
			"instances": [{"name": "a", "provider": "openai", "timeout": 1000, "first_byte_timeout": 1000}, {"name": "b.2", "provider": "mistral", "weight": 0}],
			"max_attempts": 2, "health": {"failures": 1, "cooldown": 3600000}, "timeout": 20000}`, ""},
		{`{"instances": [{"name": "a", "provider": "openai"}], "balancer": {"algorithm": "chash", "hash_on": "header", "key": "x-session"},
			"fallback_strategy": ["http_429", "http_5xx", "timeout", "connect_failure"]}`, ""},
		{`{"instances": [{"name": "a", "provider": "openai"}], "balancer": {"algorithm": "chash", "hash_on": "cookie", "key": "sid"}}`, ""},
		{`{"instances": [{"name": "a", "provider": "openai"}], "balancer": {"algorithm": "chash", "hash_on": "query", "key": "user"}}`, ""},
		{`{"instances": [{"name": "a", "provider": "openai"}], "balancer": {"algorithm": "chash", "hash_on": "vars", "key": "uri"}}`, ""},
		{`{"instances": [{"name": "a", "provider": "openai"}], "fallback_strategy": []}`, ""},
		// Null is "not set".
		{`{"provider": "openai", "options": null, "auth": null, "timeout": null}`, ""},
		// Warnings: ignored APISIX fields, settings without effect, unknown fields.
		{`{"provider": "openai", "keepalive": true}`, "keepalive: ignored: connection reuse is the Envoy cluster's business"},
		{`{"provider": "openai", "keepalive_timeout": 60000}`, "keepalive_timeout: ignored"},
		{`{"provider": "openai", "keepalive_pool": 30}`, "keepalive_pool: ignored"},
		{`{"provider": "openai", "ssl_verify": false}`, "ssl_verify: ignored: certificate checks are the Envoy cluster's transport_socket"},
		{`{"provider": "openai", "streaming_flush_interval_ms": 0}`, "streaming_flush_interval_ms: ignored: Envoy passes each chunk on as it arrives"},
		{`{"provider": "openai", "options": {"model": "gpt-4o"}, "model_mapping": {"*": "x"}}`, "model_mapping: never used: options.model forces the model"},
		{`{"instances": [{"name": "a", "provider": "openai"}], "balancer": {"hash_on": "header", "key": "x"}}`, `balancer.hash_on: used only with algorithm "chash"`},
		{`{"instances": [{"name": "a", "provider": "openai"}], "balancer": {"algorithm": "chash", "hash_on": "consumer", "key": "x"}}`, `balancer.key: ignored with hash_on "consumer"`},
		{`{"instances": [{"name": "a", "provider": "openai"}], "health": {"failures": 2}}`, `health: used only with fallback_strategy "instance_health_and_rate_limiting"`},
		{`{"provider": "openai", "optoins": {}}`, `optoins: unknown field; did you mean "options"?`},
		{`{"instances": [{"name": "a", "provider": "openai", "wieght": 2}]}`, `instances[0].wieght: unknown field; did you mean "weight"?`},
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

// Every refusal names the field's path and says why.
func TestConfigRefusals(t *testing.T) {
	const ok = `{"name": "ok", "provider": "openai"}`
	for _, tc := range []struct{ config, want string }{
		{`{}`, "(root): nothing to proxy to: set provider (as APISIX ai-proxy), instances (as ai-proxy-multi), or Higress's provider object or providers"},
		{`{"provider": 5}`, "provider: want a string, got number"},
		{`{"provider": ""}`, "provider: must not be empty"},
		{`{"provider": "opnai"}`, `provider: unknown provider "opnai" (known: aimlapi, anthropic, azure, deepseek, doubao, fireworks, gemini, groq, mistral, moonshot, ollama, openai, openai-compatible, openrouter, perplexity, qwen, together-ai, vllm, xai, zhipuai); did you mean "openai"?`},
		{`{"provider": "bedrock"}`, `provider: provider "bedrock" is not supported by aiwasm's ai-proxy`},
		{`{"provider": "vertex-ai", "provider_conf": {"project_id": "p", "region": "r"}}`, "provider_conf: not supported: it configures vertex-ai and bedrock"},
		{`{"provider": "openai-compatible"}`, "override.endpoint: required for provider openai-compatible"},
		{`{"provider": "azure", "api_keys": ["k"]}`, "override.endpoint: required for provider azure"},
		{`{"provider": "openai-compatible", "override": {}}`, "override.endpoint: required for provider openai-compatible"},
		{`{"provider": "openai-compatible", "override": {"endpoint": ""}}`, "override.endpoint: must not be empty"},
		{`{"provider": "openai", "override": {"endpoint": "api.openai.com/v1"}}`, "override.endpoint: want an absolute http:// or https:// URL"},
		{`{"provider": "azure", "override": {"endpoint": "https://r.openai.azure.com/v1/chat/completions"}, "cluster": "a"}`, "override.endpoint: not an Azure OpenAI URL"},
		{`{"provider": "openai-compatible", "override": {"endpoint": "http://llm.corp:8000/v1"}}`,
			"cluster: missing: override.endpoint points at llm.corp:8000; name the Envoy cluster that reaches it (the higress build derives Higress's own name)"},
		{`{"provider": "openai", "override": {"endpoint": "https://api.openai.com/v1", "llm_options": {"max_tokens": 5}}}`, "override.llm_options: not supported: use options (forced into every body) or defaults"},
		{`{"provider": "openai", "override": {"request_body": {}}}`, "override.request_body: not supported"},
		{`{"provider": "openai", "cluster": ""}`, "cluster: must not be empty"},
		{`{"provider": "openai", "timeout": 0}`, "timeout: must be at least 1, got 0"},
		{`{"provider": "openai", "timeout": 600001}`, "timeout: must be at most 600000, got 600001"},
		{`{"provider": "openai", "timeout": "30s"}`, "timeout: want an integer, got string"},
		{`{"provider": "openai", "first_byte_timeout": 0}`, "first_byte_timeout: must be at least 1, got 0"},
		{`{"provider": "openai", "passthrough": "yes"}`, "passthrough: want a boolean, got string"},
		{`{"provider": "openai", "logging": {"summaries": 1}}`, "logging.summaries: want a boolean, got number"},
		{`{"provider": "openai", "logging": {"payloads": "true"}}`, "logging.payloads: want a boolean, got string"},
		{`{"provider": "openai", "prompt_param": ""}`, "prompt_param: must not be empty"},
		{`{"provider": "openai", "api_keys": []}`, "api_keys: must not be empty"},
		{`{"provider": "openai", "api_keys": "sk-1"}`, "api_keys: want a list of strings, got string"},
		{`{"provider": "openai", "api_keys": ["a", ""]}`, "api_keys[1]: must not be empty"},
		{`{"provider": "openai", "api_keys": ["a", 7]}`, "api_keys[1]: want a string, got number"},
		{`{"provider": "openai", "api_keys": ["a", "b", "a"]}`, "api_keys[2]: repeats api_keys[0]"},
		{`{"provider": "openai", "api_keys": ["a"], "auth": {"header": {"x": "y"}}}`, "api_keys: set either api_keys (each key placed where the provider expects it, rotated) or auth (credentials placed as written), not both"},
		{`{"provider": "openai", "auth": {}}`, "auth: set header or query (or leave auth out)"},
		{`{"provider": "openai", "auth": {"header": {"Authorization": ""}}}`, "auth.header.Authorization: must not be empty"},
		{`{"provider": "openai", "auth": {"header": {"Bad Name": "v"}}}`, `auth.header["Bad Name"]: not a valid header name`},
		{`{"provider": "openai", "auth": {"header": {"Host": "v"}}}`, "auth.header.Host: Envoy owns this header"},
		{`{"provider": "openai", "auth": {"query": {"key": 5}}}`, "auth.query.key: want a string, got number"},
		{`{"provider": "vertex-ai", "auth": {"gcp": {"service_account_json": "{}"}}}`, "auth.gcp: not supported"},
		{`{"provider": "openai", "auth": {"aws": {}}}`, "auth.aws: not supported"},
		{`{"provider": "openai", "options": []}`, "options: want an object, got array"},
		{`{"provider": "openai", "options": {"max_tokens": "50"}}`, "options.max_tokens: want an integer, got string"},
		{`{"provider": "openai", "options": {"max_tokens": 0}}`, "options.max_tokens: must be at least 1, got 0"},
		{`{"provider": "openai", "options": {"max_completion_tokens": 1.5}}`, "options.max_completion_tokens: want an integer"},
		{`{"provider": "openai", "options": {"n": 0}}`, "options.n: must be at least 1"},
		{`{"provider": "openai", "options": {"temperature": 2.5}}`, "options.temperature: must be at most 2, got 2.5"},
		{`{"provider": "openai", "options": {"top_p": -0.1}}`, "options.top_p: must be at least 0, got -0.1"},
		{`{"provider": "openai", "options": {"stream": "true"}}`, "options.stream: want a boolean, got string"},
		{`{"provider": "openai", "options": {"model": ""}}`, "options.model: must not be empty"},
		{`{"provider": "openai", "options": {"": 1}}`, `options[""]: an empty name is not a body field`},
		{`{"provider": "openai", "defaults": {"model": 4}}`, "defaults.model: want a string, got number"},
		{`{"provider": "openai", "model_mapping": "gpt-4"}`, "model_mapping: want an object {pattern: model} or a list of {from, to}, got string"},
		{`{"provider": "openai", "model_mapping": {"gpt-4": 4}}`, "model_mapping.gpt-4: want a string, got number"},
		{`{"provider": "openai", "model_mapping": {"~(x": "y"}}`, "model_mapping[\"~(x\"]: invalid regular expression: missing closing ): `(x`"},
		{`{"provider": "openai", "model_mapping": {"~^a(b)$": "$2"}}`, `model_mapping["~^a(b)$"]: "$2" refers to group 2; the expression has 1`},
		{`{"provider": "openai", "model_mapping": {"gpt-*-mini": "x"}}`, `model_mapping["gpt-*-mini"]: a '*' only ends a prefix`},
		{`{"provider": "openai", "model_mapping": {"": "x"}}`, `model_mapping[""]: an empty pattern matches nothing`},
		{`{"provider": "openai", "model_mapping": [{"from": "*", "to": "a"}, {"from": "b", "to": "c"}]}`, `model_mapping[1].from: never used: an earlier "*" matches every model`},
		{`{"provider": "openai", "model_mapping": [{"to": "a"}]}`, "model_mapping[0].from: missing required field"},
		{`{"provider": "openai", "model_mapping": [{"from": "a"}]}`, "model_mapping[0].to: missing required field"},
		{`{"provider": "openai", "model_mapping": ["a"]}`, "model_mapping[0]: want an object, got string"},
		// Multi-form fields in the single form, and the reverse.
		{`{"provider": "openai", "balancer": {"algorithm": "chash"}}`, "balancer: only with instances (the multi form)"},
		{`{"provider": "openai", "fallback_strategy": "http_429"}`, "fallback_strategy: only with instances"},
		{`{"provider": "openai", "max_attempts": 2}`, "max_attempts: only with instances"},
		{`{"provider": "openai", "health": {}}`, "health: only with instances"},
		{`{"provider": "openai", "instances": [` + ok + `]}`, "instances: set either provider (one upstream, as APISIX ai-proxy) or instances (several, as ai-proxy-multi), not both"},
		{`{"instances": [` + ok + `], "auth": {"header": {"a": "b"}}}`, "auth: set per instance in the multi form (instances[].auth)"},
		{`{"instances": [` + ok + `], "api_keys": ["k"]}`, "api_keys: set per instance in the multi form"},
		{`{"instances": [` + ok + `], "options": {}}`, "options: set per instance in the multi form"},
		{`{"instances": [` + ok + `], "cluster": "c"}`, "cluster: set per instance in the multi form"},
		// The multi form.
		{`{"instances": []}`, "instances: must not be empty"},
		{`{"instances": {}}`, "instances: want a list of objects, got object"},
		{`{"instances": [{"provider": "openai"}]}`, "instances[0].name: missing required field"},
		{`{"instances": [{"name": "a b", "provider": "openai"}]}`, `instances[0].name: "a b": use letters, digits, '-', '_' and '.' only`},
		{`{"instances": [{"name": "` + strings.Repeat("n", 65) + `", "provider": "openai"}]}`, "instances[0].name: at most 64 characters, got 65"},
		{`{"instances": [{"name": "a"}]}`, "instances[0].provider: missing required field"},
		{`{"instances": [` + ok + `, {"name": "b", "provider": "opnai"}]}`, `instances[1].provider: unknown provider "opnai" (known: `},
		{`{"instances": [{"name": "a", "provider": "openai-compatible"}]}`, "instances[0].override.endpoint: required for provider openai-compatible"},
		{`{"instances": [` + ok + `, {"name": "ok", "provider": "deepseek"}]}`, `instances[1].name: "ok" repeats instances[0]`},
		{`{"instances": [{"name": "a", "provider": "openai", "weight": -1}]}`, "instances[0].weight: must be at least 0, got -1"},
		{`{"instances": [{"name": "a", "provider": "openai", "weight": 1.5}]}`, "instances[0].weight: want an integer"},
		{`{"instances": [{"name": "a", "provider": "openai", "weight": 0}, {"name": "b", "provider": "openai", "weight": 0}]}`,
			"instances: every instance of priority 0 has weight 0; give at least one a weight above 0 (weight 0 marks a standby)"},
		{`{"instances": [{"name": "a", "provider": "openai", "priority": "high"}]}`, "instances[0].priority: want an integer, got string"},
		{`{"instances": [{"name": "a", "provider": "openai", "timeout": 0}]}`, "instances[0].timeout: must be at least 1"},
		{`{"instances": [{"name": "a", "provider": "openai", "timeout": 1000, "first_byte_timeout": 2000}]}`, "instances[0].first_byte_timeout: must not exceed the instance's timeout (1000 ms)"},
		{`{"instances": [{"name": "a", "provider": "openai", "checks": {"active": {}}}]}`, `instances[0].checks: active health checks are not supported; fallback_strategy "instance_health_and_rate_limiting" marks instances unhealthy from real traffic`},
		{`{"instances": [{"name": "a", "provider": "vllm", "override": {"endpoint": "http://gpu-1:8000/v1"}}]}`, "instances[0].cluster: missing: override.endpoint points at gpu-1:8000"},
		{`{"instances": [` + ok + `], "balancer": {"algorithm": "random"}}`, `balancer.algorithm: must be one of "roundrobin", "chash"; got "random"`},
		{`{"instances": [` + ok + `], "balancer": {"algorithm": "chash", "hash_on": "ip"}}`, `balancer.hash_on: must be one of "vars", "header", "headers", "cookie", "consumer", "query", "vars_combinations"; got "ip"`},
		{`{"instances": [` + ok + `], "balancer": {"algorithm": "chash", "hash_on": "vars_combinations", "key": "$a$b"}}`, `balancer.hash_on: "vars_combinations" is not supported`},
		{`{"instances": [` + ok + `], "balancer": {"algorithm": "chash", "hash_on": "header"}}`, `balancer.key: required with hash_on "header": the header to hash`},
		{`{"instances": [` + ok + `], "balancer": {"algorithm": "chash", "hash_on": "cookie"}}`, `balancer.key: required with hash_on "cookie"`},
		{`{"instances": [` + ok + `], "balancer": {"algorithm": "chash", "hash_on": "query"}}`, `balancer.key: required with hash_on "query"`},
		{`{"instances": [` + ok + `], "balancer": {"algorithm": "chash", "hash_on": "vars", "key": "http_x_user"}}`, `balancer.key: with hash_on "vars", one of "remote_addr", "host", "uri"; got "http_x_user"`},
		{`{"instances": [` + ok + `], "balancer": {"algorithm": "chash", "key": ""}}`, "balancer.key: must not be empty"},
		{`{"instances": [` + ok + `], "fallback_strategy": "http_4xx"}`, `fallback_strategy: unknown fallback class "http_4xx"; want "http_429", "http_5xx", "timeout", "connect_failure", "rate_limiting" or "instance_health_and_rate_limiting"`},
		{`{"instances": [` + ok + `], "fallback_strategy": ["http_429", "retry"]}`, `fallback_strategy[1]: unknown fallback class "retry"`},
		{`{"instances": [` + ok + `], "fallback_strategy": 429}`, "fallback_strategy: want a string or a list of strings, got number"},
		{`{"instances": [` + ok + `], "fallback_strategy": [429]}`, "fallback_strategy[0]: want a string, got number"},
		{`{"instances": [` + ok + `], "max_attempts": 0}`, "max_attempts: must be at least 1, got 0"},
		{`{"instances": [` + ok + `], "max_attempts": 2}`, "max_attempts: must be at most 1, got 2"},
		{`{"instances": [` + ok + `], "health": {"failures": 0}}`, "health.failures: must be at least 1, got 0"},
		{`{"instances": [` + ok + `], "health": {"cooldown": 0}}`, "health.cooldown: must be at least 1, got 0"},
		{`{"instances": [` + ok + `], "health": {"cooldown": "10s"}}`, "health.cooldown: want an integer, got string"},
		// A rule's problems carry its path.
		{`{"provider": "openai", "_rules_": [{"_match_route_": ["r"], "options": {"max_tokens": -1}}]}`, "_rules_[0].options.max_tokens: must be at least 1, got -1"},
		{`{"provider": "openai", "_rules_": [{"_match_route_": ["r"], "provider": "openai-compatible"}]}`, "_rules_[0].override.endpoint: required for provider openai-compatible"},
		{`{"provider": "openai", "first_byte_timeout": 31000}`, "first_byte_timeout: must not exceed timeout (30000 ms)"},
		// Fields read from the raw configuration, in a rule.
		{`{"instances": [` + ok + `], "_rules_": [{"_match_route_": ["r"], "fallback_strategy": ["bogus"]}]}`, `_rules_[0].fallback_strategy[0]: unknown fallback class "bogus"`},
		{`{"provider": "openai", "_rules_": [{"_match_route_": ["r"], "provider": {"type": "qwne"}}]}`, `_rules_[0].provider.type: unknown provider "qwne"`},
		{`{"provider": "openai", "_rules_": [{"_match_route_": ["r"], "model_mapping": 5}]}`, "_rules_[0].model_mapping: want an object {pattern: model} or a list of {from, to}, got number"},
		// Every problem at once.
		{`{"instances": [{"name": "a", "provider": "opnai", "weight": -2}], "fallback_strategy": "x"}`, `instances[0].provider: unknown provider "opnai"`},
		{`{"instances": [{"name": "a", "provider": "opnai", "weight": -2}], "fallback_strategy": "x"}`, "; instances[0].weight: must be at least 0, got -2; fallback_strategy: unknown fallback class"},
	} {
		got := refused(t, tc.config)
		if !strings.Contains(got, tc.want) {
			t.Errorf("config %s\nrefused with %s\nwant it to contain %s", tc.config, got, tc.want)
		}
	}
}

// The module logs each instance's resolution at start, without a credential.
func TestStartLogsInstances(t *testing.T) {
	p := newPlugin(t, `{"instances": [
		{"name": "a", "provider": "openai", "api_keys": ["sk-one", "sk-two"]},
		{"name": "b", "provider": "openai-compatible", "override": {"endpoint": "http://llm.corp:8000/v1?key=sk-in-url"}, "cluster": "llm", "auth": {"header": {"x-key": "sk-three"}}},
		{"name": "c", "provider": "ollama"}]}`)
	want := "[ai-proxy] instance a: provider openai, cluster openai, https://api.openai.com, 2 api_keys\n" +
		"[ai-proxy] instance b: provider openai-compatible, cluster llm, http://llm.corp:8000, auth\n" +
		"[ai-proxy] instance c: provider ollama, cluster ollama, http://localhost:11434\n"
	if got := infoLines(p); got != want {
		t.Fatalf("info lines:\n%s\nwant\n%s", got, want)
	}
}

package demo

import (
	"encoding/json"
	"fmt"

	"github.com/aiwasm/aiwasm/e2e/testbed"
)

// OpenAIModel is the model the demo sends to the real OpenAI when OPENAI_API_KEY is set.
const OpenAIModel = "gpt-4o-mini"

// addOpenAIRoute sends /openai/... to api.openai.com: with ai-proxy in the chain through an
// instance of its own (addOpenAIInstance), without it with the key added by Envoy itself. The rendered config holds
// the key, so it is written with mode 0600 into the demo's own directory and never printed.
func addOpenAIRoute(cfg map[string]any, key string) error {
	vhosts, err := virtualHosts(cfg)
	if err != nil {
		return err
	}
	route := map[string]any{
		"name":  "openai",
		"match": map[string]any{"prefix": "/openai/"},
		"route": map[string]any{
			"cluster":              "openai",
			"prefix_rewrite":       "/",
			"host_rewrite_literal": "api.openai.com",
			"timeout":              "0s",
			"idle_timeout":         "120s",
		},
		"request_headers_to_add": []any{map[string]any{
			"header":        map[string]any{"key": "authorization", "value": "Bearer " + key},
			"append_action": "OVERWRITE_IF_EXISTS_OR_ADD",
		}},
	}
	vh := vhosts[0].(map[string]any)
	routes, _ := vh["routes"].([]any)
	vh["routes"] = append([]any{route}, routes...)
	return addOpenAIInstance(cfg, key)
}

// addOpenAIInstance gives ai-proxy, when it is in the chain, a rule for the route "openai":
// ai-proxy answers /openai/v1/... itself (in call mode) or rewrites it (streams), so the key
// has to be its instance's, not the route's.
func addOpenAIInstance(cfg map[string]any, key string) error {
	filter := wasmFilter(cfg, "ai-proxy")
	if filter == nil {
		return nil
	}
	conf, _ := filter["typed_config"].(map[string]any)["config"].(map[string]any)["configuration"].(map[string]any)
	var c map[string]any
	if err := json.Unmarshal([]byte(conf["value"].(string)), &c); err != nil {
		return fmt.Errorf("ai-proxy's configuration: %w", err)
	}
	rules, _ := c["_rules_"].([]any)
	c["_rules_"] = append(rules, map[string]any{
		"_match_route_": []any{"openai"},
		"instances": []any{map[string]any{
			"name": "real-openai", "provider": "openai", "api_keys": []any{key},
		}},
	})
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	conf["value"] = string(b)
	return nil
}

// wasmFilter finds the HTTP filter called name.
func wasmFilter(cfg map[string]any, name string) map[string]any {
	for _, hcm := range testbed.ConnectionManagers(cfg) {
		filters, _ := hcm["http_filters"].([]any)
		for _, f := range filters {
			if fm, _ := f.(map[string]any); fm["name"] == name {
				return fm
			}
		}
	}
	return nil
}

func virtualHosts(cfg map[string]any) ([]any, error) {
	for _, hcm := range testbed.ConnectionManagers(cfg) {
		rc, _ := hcm["route_config"].(map[string]any)
		if vhosts, ok := rc["virtual_hosts"].([]any); ok && len(vhosts) > 0 {
			return vhosts, nil
		}
	}
	return nil, fmt.Errorf("no virtual host in the gateway config")
}

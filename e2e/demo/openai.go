package demo

import (
	"fmt"
)

// OpenAIModel is the model the demo sends to the real OpenAI when OPENAI_API_KEY is set.
const OpenAIModel = "gpt-4o-mini"

// addOpenAIRoute sends /openai/... to api.openai.com with the key added by Envoy itself.
// Until ai-proxy (which maps models to providers from the request body) is built, a path
// prefix is how the demo picks the real provider for one model. The rendered config holds
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
	return nil
}

func virtualHosts(cfg map[string]any) ([]any, error) {
	sr, _ := cfg["static_resources"].(map[string]any)
	listeners, _ := sr["listeners"].([]any)
	for _, l := range listeners {
		chains, _ := l.(map[string]any)["filter_chains"].([]any)
		for _, c := range chains {
			filters, _ := c.(map[string]any)["filters"].([]any)
			for _, f := range filters {
				tc, _ := f.(map[string]any)["typed_config"].(map[string]any)
				rc, _ := tc["route_config"].(map[string]any)
				if vhosts, ok := rc["virtual_hosts"].([]any); ok && len(vhosts) > 0 {
					return vhosts, nil
				}
			}
		}
	}
	return nil, fmt.Errorf("no virtual host in the gateway config")
}

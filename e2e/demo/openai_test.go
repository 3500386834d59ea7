package demo

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/testbed"
	"gopkg.in/yaml.v3"
)

// With OPENAI_API_KEY the demo adds the route /openai/ and gives ai-proxy an instance for it
// holding the key (the real OpenAI is not called here).
func TestOpenAIRouteReachesAIProxy(t *testing.T) {
	path, err := testbed.RepoPath("envoy", "gateway.yaml")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	if err := addOpenAIRoute(cfg, "sk-demo-real"); err != nil {
		t.Fatal(err)
	}
	vhosts, _ := virtualHosts(cfg)
	first := vhosts[0].(map[string]any)["routes"].([]any)[0].(map[string]any)
	if first["name"] != "openai" {
		t.Fatalf("first route %v", first["name"])
	}
	f := wasmFilter(cfg, "ai-proxy")
	value := f["typed_config"].(map[string]any)["config"].(map[string]any)["configuration"].(map[string]any)["value"].(string)
	var c struct {
		Rules []struct {
			Route     []string `json:"_match_route_"`
			Instances []struct {
				Provider string   `json:"provider"`
				Keys     []string `json:"api_keys"`
			} `json:"instances"`
		} `json:"_rules_"`
	}
	if err := json.Unmarshal([]byte(value), &c); err != nil {
		t.Fatal(err)
	}
	last := c.Rules[len(c.Rules)-1]
	if strings.Join(last.Route, ",") != "openai" || last.Instances[0].Provider != "openai" || last.Instances[0].Keys[0] != "sk-demo-real" {
		t.Fatalf("ai-proxy rule %+v", last)
	}
}

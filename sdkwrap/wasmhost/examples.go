package wasmhost

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"gopkg.in/yaml.v3"
)

// Helpers for testing the examples a plugin's README shows, read from the README itself, so
// that docs and code cannot drift apart.

// CodeBlocks returns the fenced code blocks written in lang (```yaml) of the Markdown file at
// path, in order, without their fences.
func CodeBlocks(path, lang string) ([]string, error) {
	markdown, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return codeBlocks(markdown, lang), nil
}

func codeBlocks(markdown []byte, lang string) []string {
	var blocks []string
	for _, part := range strings.Split(string(markdown), "```"+lang+"\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		blocks = append(blocks, block)
	}
	return blocks
}

// HigressConfig turns a Higress WasmPlugin resource (YAML) into the plugin configuration
// Higress hands the module: spec.defaultConfig, plus a _rules_ entry per spec.matchRules item
// with its config and _match_route_ (ingress), _match_domain_ (domain) and _match_service_
// (service). Rules with configDisable are left out, as Higress does.
func HigressConfig(wasmPlugin []byte) (string, error) {
	var wp struct {
		Kind string
		Spec struct {
			DefaultConfig map[string]any `yaml:"defaultConfig"`
			MatchRules    []struct {
				Ingress       []string       `yaml:"ingress"`
				Domain        []string       `yaml:"domain"`
				Service       []string       `yaml:"service"`
				Config        map[string]any `yaml:"config"`
				ConfigDisable bool           `yaml:"configDisable"`
			} `yaml:"matchRules"`
		}
	}
	if err := yaml.Unmarshal(wasmPlugin, &wp); err != nil {
		return "", fmt.Errorf("WasmPlugin: %w", err)
	}
	if wp.Kind != "WasmPlugin" {
		return "", fmt.Errorf("kind %q, want WasmPlugin", wp.Kind)
	}
	cfg := map[string]any{}
	for k, v := range wp.Spec.DefaultConfig {
		cfg[k] = v
	}
	var rules []map[string]any
	for _, mr := range wp.Spec.MatchRules {
		if mr.ConfigDisable {
			continue
		}
		rule := map[string]any{}
		for k, v := range mr.Config {
			rule[k] = v
		}
		for key, values := range map[string][]string{"_match_route_": mr.Ingress, "_match_domain_": mr.Domain, "_match_service_": mr.Service} {
			if values != nil {
				rule[key] = values
			}
		}
		rules = append(rules, rule)
	}
	if rules != nil {
		cfg["_rules_"] = rules
	}
	raw, err := json.Marshal(cfg)
	return string(raw), err
}

//go:build !wasip1

package main

// Credentials never appear in an error or a log line, whatever is wrong around them.

import (
	"strings"
	"testing"
)

func TestSecretsNeverInErrorsOrLogs(t *testing.T) {
	const secret = "sk-live-4f9a2c7e1b"
	refusals := []string{
		`{"provider": "openai", "api_keys": ["` + secret + `", "` + secret + `"]}`,
		`{"provider": "openai", "api_keys": ["` + secret + `"], "auth": {"header": {"Authorization": "Bearer ` + secret + `"}}}`,
		`{"provider": "openai", "auth": {"header": {"Bad Name": "` + secret + `"}}}`,
		`{"provider": "openai", "auth": {"header": {"Host": "` + secret + `"}}}`,
		`{"provider": "opnai", "auth": {"query": {"key": "` + secret + `"}}}`,
		`{"provider": "openai", "override": {"endpoint": "https://user:` + secret + `@api.openai.com/v1"}}`,
		`{"provider": "openai-compatible", "override": {"endpoint": "http://llm.corp/v1?key=` + secret + `"}}`,
		`{"provider": "azure", "override": {"endpoint": "https://r.openai.azure.com/v2?key=` + secret + `"}, "cluster": "c"}`,
		`{"provider": {"type": "qwen", "apiTokens": ["` + secret + `", "` + secret + `"]}}`,
		`{"provider": {"type": "qwen", "apiToken": "` + secret + `"}}`,
		`{"instances": [{"name": "a", "provider": "openai", "api_keys": ["` + secret + `"]}, {"name": "a", "provider": "openai", "api_keys": ["` + secret + `", 5]}]}`,
	}
	for _, config := range refusals {
		if got := refused(t, config); strings.Contains(got, secret) {
			t.Errorf("config %s: error quotes the secret: %s", config, got)
		}
	}
	accepted := []string{
		`{"provider": "openai", "api_keys": ["` + secret + `"], "logging": {"summaries": true, "payloads": true}}`,
		`{"provider": "gemini", "auth": {"query": {"key": "` + secret + `"}}, "keepalive": true}`,
		`{"provider": "openai-compatible", "override": {"endpoint": "http://llm.corp/v1?key=` + secret + `"}, "cluster": "c"}`,
		`{"provider": {"type": "claude", "apiTokens": ["` + secret + `"]}}`,
		`{"instances": [{"name": "a", "provider": "openai", "auth": {"header": {"Authorization": "Bearer ` + secret + `"}}, "wieght": 1}]}`,
	}
	for _, config := range accepted {
		p := newPlugin(t, config)
		if len(p.Logs()) == 0 {
			t.Fatalf("config %s: no log lines to check", config)
		}
		for _, l := range p.Logs() {
			if strings.Contains(l.Message, secret) {
				t.Errorf("config %s: logged %q", config, l.Message)
			}
		}
	}
}

package main

import "testing"

func TestParseEndpoint(t *testing.T) {
	for _, tc := range []struct {
		preset, endpoint                        string
		authority, base, query, deployment, bad string
	}{
		{preset: "openai-compatible", endpoint: "http://llm.internal:8000/v1/chat/completions", authority: "llm.internal:8000", base: "/v1"},
		{preset: "openai-compatible", endpoint: "http://llm.internal:8000/v1", authority: "llm.internal:8000", base: "/v1"},
		{preset: "openai-compatible", endpoint: "http://llm.internal:8000/", authority: "llm.internal:8000", base: "/v1"},
		{preset: "openai-compatible", endpoint: "http://LLM.internal:80/api/v1/embeddings", authority: "llm.internal", base: "/api/v1"},
		{preset: "openai-compatible", endpoint: "https://x.example/custom/path", authority: "x.example", base: "/custom/path"},
		{preset: "openai-compatible", endpoint: "https://x.example/v1/completions?tenant=a", authority: "x.example", base: "/v1", query: "tenant=a"},
		{preset: "openai-compatible", endpoint: "http://[::1]:9000/v1/chat/completions", authority: "[::1]:9000", base: "/v1"},
		{preset: "openai", endpoint: "https://proxy.corp:8443", authority: "proxy.corp:8443", base: "/v1"},
		{preset: "gemini", endpoint: "https://gw.corp/v1beta/models/gemini-pro:generateContent", authority: "gw.corp", base: "/v1beta"},
		{preset: "anthropic", endpoint: "https://gw.corp/anthropic/v1/messages", authority: "gw.corp", base: "/anthropic/v1"},
		// Azure's forms.
		{preset: "azure", endpoint: "https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-02-15-preview",
			authority: "res.openai.azure.com", base: "/openai/deployments/gpt-4o", query: "api-version=2024-02-15-preview", deployment: "gpt-4o"},
		{preset: "azure", endpoint: "https://res.openai.azure.com/openai/deployments/emb", authority: "res.openai.azure.com",
			base: "/openai/deployments/emb", query: "api-version=" + defaultAzureAPIVersion, deployment: "emb"},
		{preset: "azure", endpoint: "https://res.openai.azure.com?api-version=2025-01-01", authority: "res.openai.azure.com",
			base: "/openai/deployments/{deployment}", query: "api-version=2025-01-01"},
		{preset: "azure", endpoint: "https://res.openai.azure.com/openai/v1/chat/completions", authority: "res.openai.azure.com", base: "/openai/v1"},
		{preset: "azure", endpoint: "https://res.openai.azure.com/openai/deployments//chat/completions", bad: "no deployment name"},
		{preset: "azure", endpoint: "https://res.openai.azure.com/openai/deployments/d/other", bad: "not an Azure OpenAI API path"},
		{preset: "azure", endpoint: "https://res.openai.azure.com/v1/chat/completions", bad: "not an Azure OpenAI URL"},
		// Refusals never quote the URL.
		{preset: "openai", endpoint: "api.openai.com/v1", bad: "want an absolute http:// or https:// URL"},
		{preset: "openai", endpoint: "ftp://x/v1", bad: "want an absolute http:// or https:// URL"},
		{preset: "openai", endpoint: "https://user:secret@x/v1", bad: "credentials in the URL are not supported: use api_keys or auth"},
		{preset: "openai", endpoint: "https://x:99999/v1", bad: "invalid port"},
	} {
		up, reason := parseEndpoint(tc.endpoint, presetNamed(tc.preset))
		if tc.bad != "" {
			if !hasPrefix(reason, tc.bad) {
				t.Errorf("%s: %q, want %q", tc.endpoint, reason, tc.bad)
			}
			continue
		}
		if reason != "" || up.authority != tc.authority || up.basePath != tc.base || up.query != tc.query || up.deployment != tc.deployment {
			t.Errorf("%s: %+v %q", tc.endpoint, up, reason)
		}
	}
}

// An Azure resource URL: the deployment is the request's model.
func TestAzureDeploymentFromModel(t *testing.T) {
	p := presetNamed("azure")
	up, _ := parseEndpoint("https://res.openai.azure.com", p)
	in := &Instance{Preset: p, up: up}
	target, ok := in.Target(KindChat, "gpt-4o-mini", false)
	if !ok || target.Path != "/openai/deployments/gpt-4o-mini/chat/completions?api-version="+defaultAzureAPIVersion {
		t.Fatalf("%q %v", target.Path, ok)
	}
	if _, ok := in.Target(KindChat, "", false); ok {
		t.Fatal("a deployment without a model")
	}
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

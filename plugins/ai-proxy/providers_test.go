package main

import (
	"fmt"
	"strings"
	"testing"
)

// instanceFor is an instance of preset name as the config would build it, with an endpoint
// for the presets that need one.
func instanceFor(t *testing.T, name string, keys ...string) *Instance {
	t.Helper()
	p := presetNamed(name)
	if p == nil {
		t.Fatalf("no preset %s", name)
	}
	up := presetUpstream(p)
	if p.Origin == "" {
		endpoint := "http://llm.internal:8000/v1/chat/completions"
		if p.Protocol == ProtocolAzure {
			endpoint = "https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-02-15-preview"
		}
		var reason string
		if up, reason = parseEndpoint(endpoint, p); reason != "" {
			t.Fatal(reason)
		}
	}
	in := &Instance{Name: name, Preset: p, up: up, Cluster: p.Cluster}
	if len(keys) > 0 {
		in.keys = newKeyRing(name, keys)
	}
	return in
}

// Every preset resolves a chat URL, has a protocol table for every kind it claims, and, with
// an origin, a default cluster.
func TestEveryPresetResolvesChat(t *testing.T) {
	want := map[string]string{
		"openai":            "https://api.openai.com/v1/chat/completions",
		"azure":             "https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-02-15-preview",
		"deepseek":          "https://api.deepseek.com/chat/completions",
		"openai-compatible": "http://llm.internal:8000/v1/chat/completions",
		"anthropic":         "https://api.anthropic.com/v1/messages",
		"gemini":            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent",
		"qwen":              "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions",
		"moonshot":          "https://api.moonshot.cn/v1/chat/completions",
		"zhipuai":           "https://open.bigmodel.cn/api/paas/v4/chat/completions",
		"doubao":            "https://ark.cn-beijing.volces.com/api/v3/chat/completions",
		"groq":              "https://api.groq.com/openai/v1/chat/completions",
		"mistral":           "https://api.mistral.ai/v1/chat/completions",
		"together-ai":       "https://api.together.xyz/v1/chat/completions",
		"openrouter":        "https://openrouter.ai/api/v1/chat/completions",
		"fireworks":         "https://api.fireworks.ai/inference/v1/chat/completions",
		"xai":               "https://api.x.ai/v1/chat/completions",
		"perplexity":        "https://api.perplexity.ai/chat/completions",
		"aimlapi":           "https://api.aimlapi.com/v1/chat/completions",
		"ollama":            "http://localhost:11434/v1/chat/completions",
		"vllm":              "http://localhost:8000/v1/chat/completions",
	}
	if len(want) != len(presets) {
		t.Fatalf("%d presets, %d expectations", len(presets), len(want))
	}
	for _, p := range presets {
		in := instanceFor(t, p.Name)
		target, ok := in.Target(KindChat, "gemini-2.0-flash", false)
		if !ok {
			t.Errorf("%s: no chat target", p.Name)
			continue
		}
		if got := target.Scheme + "://" + target.Authority + target.Path; got != want[p.Name] {
			t.Errorf("%s: %s, want %s", p.Name, got, want[p.Name])
		}
		for _, k := range p.Kinds {
			if protocolPaths[p.Protocol][k] == "" {
				t.Errorf("%s claims %s but its protocol has no path for it", p.Name, k)
			}
		}
		if (p.Origin != "") != (p.Cluster != "") {
			t.Errorf("%s: origin %q, cluster %q", p.Name, p.Origin, p.Cluster)
		}
	}
}

func TestKindsAndStreams(t *testing.T) {
	gem := instanceFor(t, "gemini")
	for _, tc := range []struct {
		in     *Instance
		kind   Kind
		model  string
		stream bool
		want   string
	}{
		{gem, KindChat, "gemini-pro", true, "/v1beta/models/gemini-pro:streamGenerateContent?alt=sse"},
		{gem, KindEmbeddings, "text-embedding-004", false, "/v1beta/models/text-embedding-004:embedContent"},
		{gem, KindModels, "", false, "/v1beta/models"},
		{gem, KindChat, "a/b c", false, "/v1beta/models/a%2Fb%20c:generateContent"},
		{instanceFor(t, "openai"), KindEmbeddings, "", false, "/v1/embeddings"},
		{instanceFor(t, "openai"), KindAudioTranslations, "", false, "/v1/audio/translations"},
		{instanceFor(t, "openai"), KindChat, "", true, "/v1/chat/completions"},
		{instanceFor(t, "anthropic"), KindAnthropicMessages, "", true, "/v1/messages"},
		{instanceFor(t, "azure"), KindEmbeddings, "", false, "/openai/deployments/gpt4o/embeddings?api-version=2024-02-15-preview"},
	} {
		target, ok := tc.in.Target(tc.kind, tc.model, tc.stream)
		if !ok || target.Path != tc.want {
			t.Errorf("%s %s: %q %v, want %q", tc.in.Name, tc.kind, target.Path, ok, tc.want)
		}
	}
	for _, tc := range []struct {
		in    *Instance
		kind  Kind
		model string
	}{
		{instanceFor(t, "deepseek"), KindEmbeddings, ""},
		{instanceFor(t, "anthropic"), KindEmbeddings, ""},
		{instanceFor(t, "azure"), KindModels, ""},
		{gem, KindChat, ""}, // Gemini's path needs the model
		{instanceFor(t, "openai"), KindAnthropicMessages, ""},
	} {
		if target, ok := tc.in.Target(tc.kind, tc.model, false); ok {
			t.Errorf("%s %s: %q", tc.in.Name, tc.kind, target.Path)
		}
	}
}

func TestUpstreamKind(t *testing.T) {
	for _, tc := range []struct {
		preset  string
		inbound Kind
		want    Kind
		ok      bool
	}{
		{"openai", KindChat, KindChat, true},
		{"openai", KindAnthropicMessages, KindChat, true}, // translated
		{"anthropic", KindAnthropicMessages, KindAnthropicMessages, true},
		{"anthropic", KindChat, KindChat, true},
		{"deepseek", KindEmbeddings, KindNone, false},
		{"perplexity", KindModels, KindNone, false},
	} {
		got, ok := presetNamed(tc.preset).UpstreamKind(tc.inbound)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s %s: %s %v", tc.preset, tc.inbound, got, ok)
		}
	}
}

// The key goes where the provider expects it; auth.header replaces a preset header of the
// same name and adds the others.
func TestAuthStyles(t *testing.T) {
	for name, want := range map[string]string{
		"openai":    "[[authorization Bearer sk-1]]",
		"deepseek":  "[[authorization Bearer sk-1]]",
		"azure":     "[[api-key sk-1]]",
		"anthropic": "[[anthropic-version 2023-06-01] [x-api-key sk-1]]",
		"gemini":    "[[x-goog-api-key sk-1]]",
		"qwen":      "[[authorization Bearer sk-1]]",
	} {
		in := instanceFor(t, name, "sk-1")
		if got := fmt.Sprint(in.AuthHeaders(0)); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	in := instanceFor(t, "anthropic")
	if got := fmt.Sprint(in.AuthHeaders(-1)); got != "[[anthropic-version 2023-06-01]]" {
		t.Errorf("no key: %s", got)
	}
	in.auth.headers = [][2]string{{"anthropic-version", "2024-01-01"}, {"x-api-key", "custom"}}
	if got := fmt.Sprint(in.AuthHeaders(-1)); got != "[[anthropic-version 2024-01-01] [x-api-key custom]]" {
		t.Errorf("auth.header: %s", got)
	}
	q := instanceFor(t, "gemini")
	q.auth.query = "key=AIza%2Bx"
	if target, _ := q.Target(KindChat, "m", true); target.Path != "/v1beta/models/m:streamGenerateContent?alt=sse&key=AIza%2Bx" {
		t.Errorf("auth.query: %s", target.Path)
	}
	if !strings.Contains(fmt.Sprint(clientCredentialHeaders), "x-goog-api-key") {
		t.Fatal(clientCredentialHeaders)
	}
}

func TestModelPrecedence(t *testing.T) {
	in := &Instance{Models: buildMap(t, false, "gpt-4", "qwen-max")}
	if in.Model("gpt-4") != "qwen-max" || in.Model("other") != "other" || in.Model("") != "" {
		t.Fatal("mapping")
	}
	in.defaultModel = "gpt-4"
	if in.Model("") != "qwen-max" {
		t.Fatal("defaults.model is mapped")
	}
	in.forcedModel = "forced"
	if in.Model("gpt-4") != "forced" || in.Model("") != "forced" {
		t.Fatal("options.model wins")
	}
}

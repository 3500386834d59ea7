//go:build !wasip1

package main

// The README's examples, read from the README itself, configure the module as the README
// says; every field its configuration tables name is used by some test.

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// The README's JSON blocks, in order.
const (
	readmeSeed = iota
	readmeMulti
	readmeFailover
	readmeAzure
	readmeHigress
	readmeHigressRules
	readmeJSONBlocks
)

func readmeJSON(t *testing.T, i int) string {
	t.Helper()
	return wasmhost.ReadmeBlocks(t, "json", readmeJSONBlocks)[i]
}

// Every example is JSON the module accepts without a warning, and resolves its instances
// as the README says.
func TestReadmeExamples(t *testing.T) {
	want := map[int]string{
		readmeSeed: "[ai-proxy] instance openai: provider openai, cluster openai, https://api.openai.com, auth\n",
		readmeMulti: "[ai-proxy] instance openai-instance: provider openai, cluster openai, https://api.openai.com, auth\n" +
			"[ai-proxy] instance deepseek-instance: provider deepseek, cluster deepseek, https://api.deepseek.com, auth\n",
		readmeFailover: "[ai-proxy] instance openai-a: provider openai, cluster openai, https://api.openai.com, 2 api_keys\n" +
			"[ai-proxy] instance openai-b: provider openai, cluster openai, https://api.openai.com, 1 api_keys\n" +
			"[ai-proxy] instance claude: provider anthropic, cluster anthropic, https://api.anthropic.com, 1 api_keys\n" +
			"[ai-proxy] instance local: provider vllm, cluster vllm, http://vllm.internal:8000\n",
		readmeAzure:        "[ai-proxy] instance azure: provider azure, cluster azure-openai, https://contoso.openai.azure.com, 1 api_keys\n",
		readmeHigress:      "[ai-proxy] instance qwen: provider qwen, cluster qwen, https://dashscope.aliyuncs.com, 1 api_keys\n",
		readmeHigressRules: "", // the global part has no active provider: rules choose
	}
	for i := 0; i < readmeJSONBlocks; i++ {
		block := readmeJSON(t, i)
		if !json.Valid([]byte(block)) {
			t.Fatalf("block %d is not JSON:\n%s", i, block)
		}
		p := newPlugin(t, block)
		if w := warnings(p); len(w) > 0 {
			t.Errorf("block %d: warnings %v", i, w)
		}
		if got := infoLines(p); got != want[i] {
			t.Errorf("block %d logged\n%s\nwant\n%s", i, got, want[i])
		}
	}
}

// What the examples promise, checked on the parsed configuration.
func TestReadmeExamplesMeanWhatTheySay(t *testing.T) {
	seed := global(t, readmeJSON(t, readmeSeed))
	if f := seed.Instances[0].Options; len(f) != 2 || f[1].Name != "max_tokens" || f[1].JSON != "50" {
		t.Fatalf("seed options %+v", f)
	}

	multi := global(t, readmeJSON(t, readmeMulti))
	counts := map[string]int{}
	for i := 0; i < 1000; i++ {
		j, _ := multi.Plan("").Next(all)
		counts[multi.Instances[j].Name]++
	}
	if counts["openai-instance"] != 800 || counts["deepseek-instance"] != 200 {
		t.Fatalf("8:2 gave %v", counts)
	}

	f := global(t, readmeJSON(t, readmeFailover))
	if !f.Balancer.CHash || f.Balancer.HashOn != "consumer" || !f.SkipUnhealthy || f.MaxAttempts != 3 || f.Health.Failures != 5 {
		t.Fatalf("%+v", f)
	}
	alice := f.Balancer.HashKey(fakeRequest{consumer: "alice"})
	pl := f.Plan(alice)
	var order []string
	for {
		j, ok := pl.Next(all)
		if !ok {
			break
		}
		order = append(order, f.Instances[j].Name)
	}
	if len(order) != 3 || !strings.HasPrefix(order[0], "openai-") || !strings.HasPrefix(order[1], "openai-") || order[2] != "claude" {
		t.Fatalf("failover order %v", order)
	}
	claude := f.Instance("claude")
	if claude.Model("gpt-4o") != "claude-sonnet-4-5" || claude.Model("o3") != "claude-haiku-4-5" {
		t.Fatal("claude's mapping")
	}
	if f.Instance("openai-a").Model("gpt-4-turbo") != "gpt-4o" || f.Instance("local").Model("anything") != "qwen2.5-7b-instruct" {
		t.Fatal("mappings")
	}

	az := global(t, readmeJSON(t, readmeAzure)).Instances[0]
	if target, ok := az.Target(KindChat, "ignored", false); !ok ||
		target.Path != "/openai/deployments/gpt-4o/chat/completions?api-version=2024-02-15-preview" {
		t.Fatalf("azure %+v", target)
	}

	h := global(t, readmeJSON(t, readmeHigress))
	if h.PromptParam != "text" || h.Instances[0].Model("gpt-4-0613") != "qwen-max" || h.Instances[0].Model("gpt-3") != "qwen-turbo" {
		t.Fatal("higress example")
	}
	if kind, prompt := classifyRequest("GET", "/?text=Say,hello", h.PromptParam); kind != KindChat || prompt != "Say,hello" {
		t.Fatal("prompt_param")
	}

	set, _ := compile(t, readmeJSON(t, readmeHigressRules))
	corp := set.Rule(2).Instances[0]
	if target, _ := corp.Target(KindChat, "", false); set.Global() != nil || set.Rule(0).Instances[0].Name != "moonshot" ||
		corp.Cluster != "corp-openai" || target.Scheme != "https" || target.Authority != "llm-gw.corp.example" {
		t.Fatalf("rules example %+v", target)
	}
}

// Every field of the README's configuration tables appears in a test's configuration.
func TestReadmeFieldsAreTested(t *testing.T) { wasmhost.CheckFieldsTested(t, ".", 40) }

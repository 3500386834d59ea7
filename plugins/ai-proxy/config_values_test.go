package main

// What each field does to the parsed configuration, read natively: parseConfig runs under
// sdkwrap/rules as in the module, with the raw configuration served from the test.

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
	"github.com/aiwasm/aiwasm/sdkwrap/rules"
)

// compile parses doc as the framework does; it fails the test on a refusal.
func compile(t *testing.T, doc string) (*rules.Set[Config], []string) {
	t.Helper()
	set, warns, err := compileDoc(doc)
	if err != nil {
		t.Fatalf("config %s: %v", doc, err)
	}
	return set, warns
}

func compileDoc(doc string) (*rules.Set[Config], []string, error) {
	old := readRawConfig
	readRawConfig = func() []byte { return []byte(doc) }
	defer func() { readRawConfig = old }()
	set, problems, err := rules.Compile([]byte(doc), parseConfig)
	var warns []string
	for _, p := range problems {
		warns = append(warns, p.String())
	}
	return set, warns, err
}

func global(t *testing.T, doc string) *Config {
	t.Helper()
	set, warns := compile(t, doc)
	if len(warns) > 0 {
		t.Fatalf("warnings %v", warns)
	}
	if set.Global() == nil {
		t.Fatal("no global config")
	}
	return set.Global()
}

func TestSingleFormValues(t *testing.T) {
	c := global(t, `{
		"provider": "openai-compatible",
		"auth": {"header": {"X-Tenant-Key": "tk-1", "Authorization": "Bearer sk-1"}, "query": {"api key": "q&1"}},
		"options": {"model": "llama-3-70b", "max_tokens": 50, "temperature": 0.5, "top_p": 0.9, "n": 1,
			"max_completion_tokens": 60, "stream": false, "stop": ["\n\n"], "response_format": {"type": "json_object"},
			"x.y": 1, "seed": null},
		"defaults": {"user": "gateway", "logprobs": true},
		"override": {"endpoint": "http://llm.corp:8080/v1/chat/completions?tenant=t1"},
		"cluster": "corp-llm",
		"first_byte_timeout": 1500,
		"timeout": 5000,
		"passthrough": true,
		"logging": {"summaries": true, "payloads": true},
		"prompt_param": "q"
	}`)
	if len(c.Instances) != 1 || c.MaxAttempts != 1 || c.Timeout != 5*time.Second || !c.Passthrough ||
		!c.Logging.Summaries || !c.Logging.Payloads || c.PromptParam != "q" {
		t.Fatalf("%+v", c)
	}
	in := c.Instances[0]
	if in.Name != "openai-compatible" || in.Cluster != "corp-llm" || in.Timeout != 5*time.Second || in.FirstByteTimeout != 1500*time.Millisecond {
		t.Fatalf("%+v", in)
	}
	var fields []string
	for _, f := range in.Options {
		fields = append(fields, f.Path+"="+f.JSON)
	}
	if got := strings.Join(fields, " "); got != `model="llama-3-70b" max_tokens=50 temperature=0.5 top_p=0.9 n=1 max_completion_tokens=60 stream=false stop=["\n\n"] response_format={"type":"json_object"} x\.y=1` {
		t.Fatalf("options %s", got)
	}
	if len(in.Defaults) != 2 || in.Defaults[0].JSON != `"gateway"` || in.Defaults[1].JSON != "true" {
		t.Fatalf("defaults %+v", in.Defaults)
	}
	if in.Model("gpt-4") != "llama-3-70b" {
		t.Fatal("options.model is forced")
	}
	target, ok := in.Target(KindChat, "m", false)
	if !ok || target.Authority != "llm.corp:8080" || target.Path != "/v1/chat/completions?tenant=t1&api+key=q%261" || target.Cluster != "corp-llm" {
		t.Fatalf("%+v", target)
	}
	if got := fmt.Sprint(in.AuthHeaders(-1)); got != "[[x-tenant-key tk-1] [authorization Bearer sk-1]]" {
		t.Fatalf("auth headers %s", got)
	}
}

func TestMultiFormValues(t *testing.T) {
	c := global(t, `{
		"timeout": 8000,
		"instances": [
			{"name": "a", "provider": "openai", "weight": 8, "priority": 2, "api_keys": ["k1", "k2"], "timeout": 3000,
			 "model_mapping": {"gpt-4*": "gpt-4o"}},
			{"name": "b", "provider": "deepseek", "weight": 2, "priority": 2, "defaults": {"model": "deepseek-chat"}},
			{"name": "c", "provider": "anthropic", "priority": -1, "api_keys": ["ant"],
			 "model_mapping": [{"from": "*", "to": "claude-haiku-4-5"}]}
		],
		"balancer": {"algorithm": "chash", "hash_on": "header", "key": "x-user"},
		"fallback_strategy": ["http_429", "http_5xx", "timeout"],
		"max_attempts": 2
	}`)
	a, b, cc := c.Instances[0], c.Instances[1], c.Instances[2]
	if a.Weight != 8 || a.Priority != 2 || a.Timeout != 3*time.Second || b.Timeout != 8*time.Second || cc.Weight != 1 || cc.Priority != -1 {
		t.Fatalf("%+v %+v %+v", a, b, cc)
	}
	if a.Cluster != "openai" || b.Cluster != "deepseek" || cc.Cluster != "anthropic" {
		t.Fatal("default clusters")
	}
	if a.Model("gpt-4-turbo") != "gpt-4o" || b.Model("") != "deepseek-chat" || cc.Model("x") != "claude-haiku-4-5" {
		t.Fatal("models")
	}
	if !c.Balancer.CHash || c.Balancer.HashOn != "header" || c.Balancer.Key != "x-user" {
		t.Fatalf("%+v", c.Balancer)
	}
	if c.Fallback.String() != "http_429,http_5xx,timeout" || c.SkipUnhealthy || c.MaxAttempts != 2 {
		t.Fatalf("%s %v %d", c.Fallback, c.SkipUnhealthy, c.MaxAttempts)
	}
	if got := fmt.Sprint(a.AuthHeaders(a.PickKey(newMemStore(), t0))); got != "[[authorization Bearer k1]]" {
		t.Fatal(got)
	}
	if got := fmt.Sprint(cc.AuthHeaders(cc.PickKey(newMemStore(), t0))); got != "[[anthropic-version 2023-06-01] [x-api-key ant]]" {
		t.Fatal(got)
	}
	// The plan follows priorities; chash keeps a user on one of a and b.
	pl := c.Plan("user-1")
	first, _ := pl.Next(all)
	second, _ := pl.Next(all)
	if first > 1 || second > 1 || first == second {
		t.Fatalf("plan %d %d", first, second)
	}
	if _, ok := pl.Next(all); ok {
		t.Fatal("max_attempts 2")
	}
}

func TestMultiDefaults(t *testing.T) {
	c := global(t, `{"instances": [{"name": "a", "provider": "openai"}, {"name": "b", "provider": "gemini"}],
		"fallback_strategy": "instance_health_and_rate_limiting"}`)
	if c.MaxAttempts != 2 || c.Timeout != 30*time.Second || c.Balancer.CHash || !c.SkipUnhealthy ||
		c.Fallback.String() != "http_429,http_5xx,timeout,connect_failure,rate_limiting" ||
		c.Health != (HealthPolicy{Failures: 3, Cooldown: 10 * time.Second}) {
		t.Fatalf("%+v", c)
	}
	c = global(t, `{"instances": [{"name": "a", "provider": "openai"}], "fallback_strategy": ["instance_health_and_rate_limiting"],
		"health": {"failures": 2, "cooldown": 500}, "balancer": {"algorithm": "chash"}}`)
	if c.Health != (HealthPolicy{Failures: 2, Cooldown: 500 * time.Millisecond}) || c.Balancer.HashOn != "vars" || c.Balancer.Key != "remote_addr" {
		t.Fatalf("%+v %+v", c.Health, c.Balancer)
	}
	c = global(t, `{"instances": [{"name": "a", "provider": "openai"}], "fallback_strategy": "http_429"}`)
	if c.Fallback.String() != "http_429" {
		t.Fatal(c.Fallback)
	}
}

func TestBalancerHashKeys(t *testing.T) {
	req := fakeRequest{headers: map[string]string{
		"x-user": "u1", "cookie": `a=1; session="s-9"`, ":path": "/v1/chat/completions?tenant=t7", ":authority": "gw.example",
	}, consumer: "alice", addr: "203.0.113.5"}
	for _, tc := range []struct{ balancer, want string }{
		{`"balancer": {"algorithm": "roundrobin"}`, ""},
		{`"balancer": {"algorithm": "chash", "hash_on": "header", "key": "x-user"}`, "u1"},
		{`"balancer": {"algorithm": "chash", "hash_on": "headers", "key": "x-user"}`, "u1"},
		{`"balancer": {"algorithm": "chash", "hash_on": "cookie", "key": "session"}`, "s-9"},
		{`"balancer": {"algorithm": "chash", "hash_on": "query", "key": "tenant"}`, "t7"},
		{`"balancer": {"algorithm": "chash", "hash_on": "consumer"}`, "alice"},
		{`"balancer": {"algorithm": "chash", "hash_on": "vars"}`, "203.0.113.5"},
		{`"balancer": {"algorithm": "chash", "hash_on": "vars", "key": "remote_addr"}`, "203.0.113.5"},
		{`"balancer": {"algorithm": "chash", "hash_on": "vars", "key": "host"}`, "gw.example"},
		{`"balancer": {"algorithm": "chash", "hash_on": "vars", "key": "uri"}`, "/v1/chat/completions"},
	} {
		c := global(t, `{"instances": [{"name": "a", "provider": "openai"}], `+tc.balancer+`}`)
		if got := c.Balancer.HashKey(req); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.balancer, got, tc.want)
		}
	}
}

type fakeRequest struct {
	headers        map[string]string
	consumer, addr string
}

func (r fakeRequest) Header(name string) string { return r.headers[name] }
func (r fakeRequest) Consumer() string          { return r.consumer }
func (r fakeRequest) RemoteAddr() string        { return r.addr }

func TestHigressFormValues(t *testing.T) {
	c := global(t, `{"provider": {"type": "claude", "apiTokens": ["sk-ant-1", "sk-ant-2"], "modelMapping": {"*": "claude-sonnet-4-5"},
		"protocol": "original", "timeout": 120000}}`)
	in := c.Instances[0]
	if in.Name != "anthropic" || in.Preset.Name != "anthropic" || !in.NativeProtocol || in.Timeout != 2*time.Minute ||
		in.Model("gpt-4") != "claude-sonnet-4-5" || len(in.keys.keys) != 2 || in.Cluster != "anthropic" {
		t.Fatalf("%+v", in)
	}
	c = global(t, `{"provider": {"id": "az", "type": "azure", "apiTokens": ["k"],
		"azureServiceUrl": "https://r.openai.azure.com/openai/deployments/d1/chat/completions?api-version=2024-06-01", "cluster": "azure"}}`)
	if target, _ := c.Instances[0].Target(KindChat, "", false); c.Instances[0].Name != "az" ||
		target.Path != "/openai/deployments/d1/chat/completions?api-version=2024-06-01" || target.Authority != "r.openai.azure.com" {
		t.Fatalf("%+v", target)
	}
	c = global(t, `{"provider": {"type": "openai", "openaiCustomUrl": "api.openai.com/v1/chat/completions"}}`)
	if target, _ := c.Instances[0].Target(KindEmbeddings, "", false); c.Instances[0].Cluster != "openai" || target.Path != "/v1/embeddings" || target.Scheme != "https" {
		t.Fatalf("%+v", target)
	}
	c = global(t, `{"provider": {"type": "qwen", "qwenEnableCompatible": true, "protocol": "openai"}, "prompt_param": "text"}`)
	if c.Instances[0].NativeProtocol || c.PromptParam != "text" {
		t.Fatal("qwen")
	}
}

func TestHigressProvidersAndRules(t *testing.T) {
	doc := `{
		"providers": [
			{"id": "kimi", "type": "moonshot", "apiTokens": ["sk-m"]},
			{"id": "ds", "type": "deepseek", "apiTokens": ["sk-d"]}
		],
		"activeProviderId": "kimi",
		"_rules_": [
			{"_match_route_": ["r1"], "activeProviderId": "ds"},
			{"_match_route_": ["r2"], "activeProviderId": null},
			{"_match_route_": ["r3"], "providers": [{"id": "x", "type": "groq"}], "activeProviderId": "x"}
		]
	}`
	set, warns := compile(t, doc)
	if len(warns) != 1 || !strings.Contains(warns[0], "_rules_[1].providers: no activeProviderId: requests pass untouched") {
		t.Fatalf("warnings %v", warns)
	}
	if set.Global().Instances[0].Name != "kimi" || set.Rule(0).Instances[0].Name != "ds" || set.Rule(1) != nil ||
		set.Rule(2).Instances[0].Preset.Name != "groq" {
		t.Fatal("active providers")
	}
	// Without activeProviderId at the top, a global part with rules passes requests untouched.
	set, warns = compile(t, `{"providers": [{"id": "a", "type": "openai"}], "_rules_": [{"_match_route_": ["r"], "activeProviderId": "a"}]}`)
	if len(warns) != 0 || set.Global() != nil || set.Rule(0) == nil {
		t.Fatalf("%v", warns)
	}
}

// Rules read their own raw values: options, model_mapping and fallback_strategy of a rule
// replace the global ones whole.
func TestRulesOverlayRawFields(t *testing.T) {
	set, _ := compile(t, `{
		"instances": [{"name": "a", "provider": "openai", "options": {"max_tokens": 10}}],
		"fallback_strategy": "http_429",
		"_rules_": [
			{"_match_route_": ["r"], "fallback_strategy": ["timeout"],
			 "instances": [{"name": "b", "provider": "openai", "options": {"max_tokens": 99}, "model_mapping": [{"from": "*", "to": "m"}]}]}
		]
	}`)
	g, r := set.Global(), set.Rule(0)
	if g.Instances[0].Options[0].JSON != "10" || g.Fallback.String() != "http_429" {
		t.Fatal("global")
	}
	if r.Instances[0].Options[0].JSON != "99" || r.Fallback.String() != "timeout" || r.Instances[0].Model("x") != "m" {
		t.Fatal("rule")
	}
}

// The global part may hold only shared settings when the rules configure the upstreams.
func TestGlobalWithoutUpstream(t *testing.T) {
	set, warns := compile(t, `{"logging": {"summaries": true}, "timeout": 9000,
		"_rules_": [{"_match_route_": ["r"], "provider": "openai"}]}`)
	if len(warns) != 0 || set.Global() != nil || set.Rule(0).Timeout != 9*time.Second || !set.Rule(0).Logging.Summaries {
		t.Fatalf("%v", warns)
	}
}

// The parser's own problems (paths no reader reaches) come back as config.Errors.
func TestProblemsAreConfigErrors(t *testing.T) {
	_, _, err := compileDoc(`{"provider": "openai-compatible"}`)
	var errs config.Errors
	if !errors.As(err, &errs) || len(errs) != 1 || errs[0].String() != "override.endpoint: required for provider openai-compatible" {
		t.Fatalf("%v", err)
	}
}

package e2e

// ai-proxy in a real Envoy in front of fake providers, driven by the official openai-go and
// Anthropic Go SDKs and by raw HTTP: every provider type, call mode and route mode (streams),
// the seed scenarios, balancing, failover, key rotation.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/e2e/testbed"
	"github.com/anthropics/anthropic-sdk-go"
	anthropicopt "github.com/anthropics/anthropic-sdk-go/option"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/tidwall/gjson"
)

// Upstream credentials the fakes expect; clients send their own, which must never travel on.
const (
	upOpenAI    = "sk-up-openai-7d1f"
	upDeepSeek  = "sk-up-deepseek-2c9a"
	upAnthropic = "sk-ant-up-5e0b"
	upGemini    = "up-gemini-91aa"
	upAzure     = "az-up-44f0"
	upCompat    = "sk-up-inhouse-0b3e"
	clientKey   = "sk-client-never-forwarded"
)

// providersConfig serves one provider per domain (the client's Host), through _rules_.
const providersConfig = `{
	"instances": [{"name": "openai", "provider": "openai", "cluster": "openai", "api_keys": ["` + upOpenAI + `"],
		"options": {"max_tokens": 50}}],
	"_rules_": [
		{"_match_domain_": ["deepseek.test"],
		 "instances": [{"name": "deepseek", "provider": "deepseek", "cluster": "deepseek", "api_keys": ["` + upDeepSeek + `"]}]},
		{"_match_domain_": ["anthropic.test"],
		 "instances": [{"name": "claude", "provider": "anthropic", "cluster": "anthropic", "api_keys": ["` + upAnthropic + `"],
		   "options": {"model": "claude-3-5-haiku-latest"}}]},
		{"_match_domain_": ["gemini.test"],
		 "instances": [{"name": "gemini", "provider": "gemini", "cluster": "gemini", "api_keys": ["` + upGemini + `"],
		   "options": {"model": "gemini-2.0-flash"}}]},
		{"_match_domain_": ["azure.test"],
		 "instances": [{"name": "azure", "provider": "azure", "cluster": "azure-fake", "api_keys": ["` + upAzure + `"],
		   "override": {"endpoint": "https://myres.openai.azure.com/openai/deployments/gpt4o-dep/chat/completions?api-version=2024-10-21"}}]},
		{"_match_domain_": ["prompt.test"], "prompt_param": "text",
		 "instances": [{"name": "openai", "provider": "openai", "cluster": "openai", "api_keys": ["` + upOpenAI + `"],
		   "options": {"model": "gpt-4o-mini"}}]},
		{"_match_domain_": ["compat.test"],
		 "instances": [{"name": "inhouse", "provider": "openai-compatible", "cluster": "compat-fake", "api_keys": ["` + upCompat + `"],
		   "override": {"endpoint": "http://llm.inhouse.example:8000/serving/v2/chat/completions"}}]},
		{"_match_domain_": ["passthrough.test"], "passthrough": true}
	]
}`

// providerGateway is Envoy with ai-proxy in front of one fake per provider cluster, and a
// recorder as the route's own upstream (what passthrough sends the answer to).
type providerGateway struct {
	envoy                                         *testbed.Envoy
	openai, deepseek, anth, gemini, azure, compat *fakellm.Server
	recorder                                      *httptest.Server
	recorded                                      chan []byte
	// deepseekPaths are the paths DeepSeek's fake was asked for, before /v1 was put in
	// front (DeepSeek serves /chat/completions; the fake only OpenAI's /v1 paths).
	deepseekPaths chan string
	// compatPaths are the paths the openai-compatible endpoint was asked for, before they
	// were mapped onto the fake's /v1 paths.
	compatPaths chan string
}

// pathFront serves the fake f under other paths: it records each path it is asked for and
// rewrites it with rewrite before passing the request on.
func pathFront(t *testing.T, f *fakellm.Server, seen chan<- string, rewrite func(string) string) string {
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.URL.Path
		r.URL.Path = rewrite(r.URL.Path)
		httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: f.Addr()}).ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.Listener.Addr().String()
}

func startProviderGateway(t *testing.T) *providerGateway {
	t.Helper()
	g := &providerGateway{recorded: make(chan []byte, 10), deepseekPaths: make(chan string, 100), compatPaths: make(chan string, 100)}
	start := func(cfg fakellm.Config) *fakellm.Server {
		f, err := fakellm.Start(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	g.openai = start(fakellm.Config{OpenAIKey: upOpenAI})
	g.deepseek = start(fakellm.Config{OpenAIKey: upDeepSeek})
	g.anth = start(fakellm.Config{AnthropicKey: upAnthropic})
	g.gemini = start(fakellm.Config{GeminiKey: upGemini})
	g.azure = start(fakellm.Config{AzureKey: upAzure})
	g.compat = start(fakellm.Config{OpenAIKey: upCompat})
	g.recorder = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		g.recorded <- b
		w.Header().Set("content-type", "application/json")
		fmt.Fprint(w, `{"upstream":"got it"}`)
	}))
	t.Cleanup(g.recorder.Close)
	deepseekFront := pathFront(t, g.deepseek, g.deepseekPaths, func(p string) string { return "/v1" + p })
	compatFront := pathFront(t, g.compat, g.compatPaths, func(p string) string {
		return "/v1" + strings.TrimPrefix(p, "/serving/v2")
	})
	g.envoy = testbed.MustStartEnvoy(t, testbed.Gateway{
		Plugins: []testbed.Plugin{{Name: "ai-proxy", Wasm: testbed.Module(t, "ai-proxy"), Config: providersConfig}},
		Upstreams: map[string]string{
			"fakellm": g.recorder.Listener.Addr().String(), "openai": g.openai.Addr(), "deepseek": deepseekFront,
			"anthropic": g.anth.Addr(), "gemini": g.gemini.Addr(),
		},
		Edit: func(cfg map[string]any) error {
			if err := addProviderCluster("azure-fake", g.azure.Addr())(cfg); err != nil {
				return err
			}
			return addProviderCluster("compat-fake", compatFront)(cfg)
		},
	})
	return g
}

// addProviderCluster adds a plain-HTTP cluster to the rendered config, and to the provider
// clusters route mode may pick.
func addProviderCluster(name, addr string) func(map[string]any) error {
	return func(cfg map[string]any) error {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return err
		}
		var p int
		fmt.Sscan(port, &p)
		res := cfg["static_resources"].(map[string]any)
		res["clusters"] = append(res["clusters"].([]any), map[string]any{
			"name": name, "type": "STATIC", "connect_timeout": "2s",
			"load_assignment": map[string]any{"cluster_name": name, "endpoints": []any{map[string]any{
				"lb_endpoints": []any{map[string]any{"endpoint": map[string]any{"address": map[string]any{
					"socket_address": map[string]any{"address": host, "port_value": p}}}}}}}},
		})
		return allowProviderCluster(cfg, name)
	}
}

// allowProviderCluster adds name to the clusters the route ai-proxy-upstream admits.
func allowProviderCluster(cfg map[string]any, name string) error {
	for _, hcm := range testbed.ConnectionManagers(cfg) {
		rc, _ := hcm["route_config"].(map[string]any)
		vhosts, _ := rc["virtual_hosts"].([]any)
		for _, vh := range vhosts {
			for _, r := range vh.(map[string]any)["routes"].([]any) {
				rm := r.(map[string]any)
				if rm["name"] != "ai-proxy-upstream" {
					continue
				}
				h := rm["match"].(map[string]any)["headers"].([]any)[0].(map[string]any)
				re := h["string_match"].(map[string]any)["safe_regex"].(map[string]any)
				re["regex"] = strings.Replace(re["regex"].(string), "(", "("+name+"|", 1)
				return nil
			}
		}
	}
	return fmt.Errorf("no route ai-proxy-upstream")
}

// hostClient is an HTTP client whose every connection goes to the gateway, whatever host the
// URL names: the host picks ai-proxy's rule.
func hostClient(e *testbed.Envoy) *http.Client {
	addr := strings.TrimPrefix(e.URL, "http://")
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}}
}

// sdkFor is openai-go talking to the gateway under host.
func sdkFor(e *testbed.Envoy, host string) *openai.Client {
	c := openai.NewClient(option.WithBaseURL("http://"+host+"/v1/"), option.WithAPIKey(clientKey),
		option.WithHTTPClient(hostClient(e)), option.WithMaxRetries(0), option.WithRequestTimeout(30*time.Second))
	return &c
}

// noClientKey fails when the client's key reached an upstream.
func noClientKey(t *testing.T, r fakellm.Request) {
	t.Helper()
	for name, values := range r.Header {
		for _, v := range values {
			if strings.Contains(v, clientKey) {
				t.Fatalf("the client's key reached the provider in %s", name)
			}
		}
	}
	if strings.Contains(r.RawQuery, clientKey) {
		t.Fatal("the client's key reached the provider in the query")
	}
}

func streamText(t *testing.T, c *openai.Client, params openai.ChatCompletionNewParams) (string, *openai.CompletionUsage) {
	t.Helper()
	s := c.Chat.Completions.NewStreaming(context.Background(), params)
	var text strings.Builder
	var usage *openai.CompletionUsage
	for s.Next() {
		chunk := s.Current()
		for _, ch := range chunk.Choices {
			text.WriteString(ch.Delta.Content)
		}
		if chunk.Usage.TotalTokens > 0 {
			u := chunk.Usage
			usage = &u
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return text.String(), usage
}

func TestAIProxyProvidersWithOpenAISDK(t *testing.T) {
	g := startProviderGateway(t)
	ctx := context.Background()
	const prompt = "how are the tides made"
	want := fakellm.Reply(prompt)

	for _, tc := range []struct {
		host string
		fake **fakellm.Server
		path string
	}{
		{"openai.test", &g.openai, "/v1/chat/completions"},
		{"deepseek.test", &g.deepseek, "/v1/chat/completions"},
		{"anthropic.test", &g.anth, "/v1/messages"},
		{"gemini.test", &g.gemini, "/v1beta/models/gemini-2.0-flash:generateContent"},
		{"azure.test", &g.azure, "/openai/deployments/gpt4o-dep/chat/completions"},
		{"compat.test", &g.compat, "/v1/chat/completions"},
	} {
		t.Run(tc.host, func(t *testing.T) {
			c := sdkFor(g.envoy, tc.host)
			res, err := c.Chat.Completions.New(ctx, chatParams(prompt))
			if err != nil {
				t.Fatal(err)
			}
			if res.Choices[0].Message.Content != want || res.Usage.TotalTokens == 0 {
				t.Fatalf("answer %q, usage %+v", res.Choices[0].Message.Content, res.Usage)
			}
			got, ok := (*tc.fake).Last()
			if !ok || got.Path != tc.path {
				t.Fatalf("the provider saw %q, want %s", got.Path, tc.path)
			}
			noClientKey(t, got)

			text, usage := streamText(t, c, chatParams(prompt))
			if text != want || usage == nil || usage.TotalTokens == 0 {
				t.Fatalf("streamed %q, usage %v", text, usage)
			}
			noClientKey(t, mustLast(t, *tc.fake))
		})
	}

	t.Run("the seed's max_tokens restriction holds", func(t *testing.T) {
		p := chatParams(prompt)
		p.MaxTokens = openai.Int(500)
		if _, err := sdkFor(g.envoy, "openai.test").Chat.Completions.New(ctx, p); err != nil {
			t.Fatal(err)
		}
		if n := gjson.GetBytes(mustLast(t, g.openai).Body, "max_tokens").Int(); n != 50 {
			t.Fatalf("the provider got max_tokens %d, want the configured 50", n)
		}
	})

	t.Run("embeddings", func(t *testing.T) {
		res, err := sdkFor(g.envoy, "openai.test").Embeddings.New(ctx, openai.EmbeddingNewParams{
			Model: "text-embedding-3-small", Input: openai.EmbeddingNewParamsInputUnion{OfString: openai.String("tides")},
		})
		if err != nil || len(res.Data) != 1 || len(res.Data[0].Embedding) == 0 {
			t.Fatalf("%v %+v", err, res)
		}
		if mustLast(t, g.openai).Path != "/v1/embeddings" {
			t.Fatal("not sent to the provider's embeddings")
		}
	})

	t.Run("a prompt in the query", func(t *testing.T) {
		resp, err := hostClient(g.envoy).Get("http://prompt.test/?text=" + url.QueryEscape("Say,hello"))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || gjson.GetBytes(body, "choices.0.message.content").String() != fakellm.Reply("Say,hello") {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
	})

	t.Run("DeepSeek is asked on its own path", func(t *testing.T) {
		if p := <-g.deepseekPaths; p != "/chat/completions" {
			t.Fatalf("DeepSeek was asked for %s", p)
		}
	})

	t.Run("openai-compatible is asked on its endpoint's path", func(t *testing.T) {
		for _, mode := range []string{"call", "stream"} {
			if p := <-g.compatPaths; p != "/serving/v2/chat/completions" {
				t.Fatalf("%s mode asked the endpoint for %s", mode, p)
			}
		}
	})

	t.Run("audio uploads pass through as multipart", func(t *testing.T) {
		audio := bytes.Repeat([]byte("RIFF-not-really-audio"), 500)
		c := sdkFor(g.envoy, "openai.test")
		tr, err := c.Audio.Transcriptions.New(ctx, openai.AudioTranscriptionNewParams{
			File: openai.File(bytes.NewReader(audio), "tides.wav", "audio/wav"), Model: openai.AudioModelWhisper1,
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := fakellm.AudioReply(false, int64(len(audio)), "tides.wav"); tr.Text != want {
			t.Fatalf("transcription %q, want %q", tr.Text, want)
		}
		got := mustLast(t, g.openai)
		if got.Path != "/v1/audio/transcriptions" || !strings.HasPrefix(got.Header.Get("Content-Type"), "multipart/form-data") {
			t.Fatalf("the provider saw %s with %q", got.Path, got.Header.Get("Content-Type"))
		}
		noClientKey(t, got)

		tl, err := c.Audio.Translations.New(ctx, openai.AudioTranslationNewParams{
			File: openai.File(bytes.NewReader(audio), "marees.wav", "audio/wav"), Model: openai.AudioModelWhisper1,
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := fakellm.AudioReply(true, int64(len(audio)), "marees.wav"); tl.Text != want {
			t.Fatalf("translation %q, want %q", tl.Text, want)
		}
	})

	t.Run("passthrough sends the answer to the route's upstream", func(t *testing.T) {
		for len(g.recorded) > 0 {
			t.Fatalf("the route's upstream got a request meant for a provider: %s", <-g.recorded)
		}
		resp, err := hostClient(g.envoy).Post("http://passthrough.test/v1/chat/completions", "application/json",
			strings.NewReader(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"`+prompt+`"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != `{"upstream":"got it"}` {
			t.Fatalf("the client got %d %s, want the route's upstream's answer", resp.StatusCode, body)
		}
		select {
		case b := <-g.recorded:
			if gjson.GetBytes(b, "choices.0.message.content").String() != want {
				t.Fatalf("the route's upstream got %s", b)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the route's upstream got nothing")
		}
	})
}

func mustLast(t *testing.T, f *fakellm.Server) fakellm.Request {
	t.Helper()
	r, ok := f.Last()
	if !ok {
		t.Fatal("the provider saw no request")
	}
	return r
}

// Anthropic-SDK clients speak to OpenAI-style providers through /v1/messages.
func TestAIProxyAnthropicClients(t *testing.T) {
	g := startProviderGateway(t)
	c := anthropic.NewClient(anthropicopt.WithBaseURL("http://openai.test/"), anthropicopt.WithAPIKey(clientKey),
		anthropicopt.WithHTTPClient(hostClient(g.envoy)), anthropicopt.WithMaxRetries(0))
	const prompt = "what is a lighthouse"
	params := anthropic.MessageNewParams{
		Model:     anthropic.Model("claude-3-5-haiku-latest"),
		MaxTokens: 40,
		Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(prompt))},
	}
	msg, err := c.Messages.New(context.Background(), params)
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Content) == 0 || msg.Content[0].Text != fakellm.Reply(prompt) || msg.Usage.OutputTokens == 0 {
		t.Fatalf("message %+v", msg)
	}
	if got := mustLast(t, g.openai); got.Path != "/v1/chat/completions" {
		t.Fatalf("the OpenAI provider saw %s", got.Path)
	}
	stream := c.Messages.NewStreaming(context.Background(), params)
	var text strings.Builder
	for stream.Next() {
		if ev := stream.Current(); ev.Type == "content_block_delta" {
			text.WriteString(ev.Delta.Text)
		}
	}
	if err := stream.Err(); err != nil || text.String() != fakellm.Reply(prompt) {
		t.Fatalf("streamed %q, %v", text.String(), err)
	}
}

// twoFakes is Envoy with ai-proxy over two OpenAI-style instances, a on cluster openai and b
// on cluster deepseek, configured by instances (JSON).
func twoFakes(t *testing.T, instances string, extra string, cfgA, cfgB fakellm.Config) (*testbed.Envoy, *fakellm.Server, *fakellm.Server) {
	t.Helper()
	var fakes []*fakellm.Server
	for _, cfg := range []fakellm.Config{cfgA, cfgB} {
		f, err := fakellm.Start(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		fakes = append(fakes, f)
	}
	config := `{"instances": ` + instances + extra + `}`
	e := testbed.MustStartEnvoy(t, testbed.Gateway{
		Plugins:   []testbed.Plugin{{Name: "ai-proxy", Wasm: testbed.Module(t, "ai-proxy"), Config: config}},
		Upstreams: map[string]string{"openai": fakes[0].Addr(), "deepseek": fakes[1].Addr(), "fakellm": fakes[0].Addr()},
	})
	return e, fakes[0], fakes[1]
}

func chatOK(t *testing.T, e *testbed.Envoy, extra map[string]string) (int, string) {
	t.Helper()
	status, _, body := rawChat(t, e.URL, "Bearer "+clientKey, extra)
	return status, body
}

// 8:2 weights over 1000 requests: each instance's share within 5 points of its weight.
func TestAIProxyBalancesByWeight(t *testing.T) {
	e, a, b := twoFakes(t, `[
		{"name": "a", "provider": "openai", "cluster": "openai", "weight": 8},
		{"name": "b", "provider": "openai", "cluster": "deepseek", "weight": 2}]`, "", fakellm.Config{KeepRequests: 2000}, fakellm.Config{KeepRequests: 2000})
	const n = 1000
	counts := countStatuses(t, 4, n/4, func() (int, error) {
		status, _, _, err := tryRawChat(e.URL, "Bearer "+clientKey, nil)
		return status, err
	})
	if counts[200] != n {
		t.Fatalf("answers %v", counts)
	}
	na, nb := len(a.Requests()), len(b.Requests())
	if na+nb != n || na < 750 || na > 850 {
		t.Fatalf("a got %d, b got %d of %d: want 800 ± 50 on a", na, nb, n)
	}
}

// A provider answering 429 or 500 sends the request on to the next instance; the client sees
// the second instance's answer.
func TestAIProxyFailsOver(t *testing.T) {
	for _, status := range []int{429, 500} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			e, a, b := twoFakes(t, `[
				{"name": "first", "provider": "openai", "cluster": "openai", "priority": 1},
				{"name": "second", "provider": "openai", "cluster": "deepseek", "priority": 0}]`,
				`, "fallback_strategy": ["http_429", "http_5xx"]`,
				fakellm.Config{Fault: fakellm.Fault{Status: status}}, fakellm.Config{})
			code, body := chatOK(t, e, nil)
			if code != 200 || gjson.Get(body, "choices.0.message.content").String() != fakellm.Reply("hi") {
				t.Fatalf("%d %s", code, body)
			}
			if len(a.Requests()) != 1 || len(b.Requests()) != 1 {
				t.Fatalf("first saw %d, second %d requests", len(a.Requests()), len(b.Requests()))
			}
			entry := waitAccessLog(t, e, "ai_instance", "second")
			if entry["ai_attempts"] != "2" {
				t.Fatalf("access log %v", entry)
			}
			// A stream fails over the same way, before any byte reached the client.
			text, _ := streamText(t, openAIClient(e, clientKey), chatParams("stream me"))
			if text != fakellm.Reply("stream me") {
				t.Fatalf("streamed %q", text)
			}
		})
	}
	t.Run("every instance fails", func(t *testing.T) {
		e, _, _ := twoFakes(t, `[
			{"name": "first", "provider": "openai", "cluster": "openai"},
			{"name": "second", "provider": "openai", "cluster": "deepseek"}]`,
			`, "fallback_strategy": "instance_health_and_rate_limiting"`,
			fakellm.Config{Fault: fakellm.Fault{Status: 500}}, fakellm.Config{Fault: fakellm.Fault{Status: 503}})
		code, body := chatOK(t, e, nil)
		if code != 502 || !strings.Contains(body, "first") || !strings.Contains(body, "second") {
			t.Fatalf("%d %s: want 502 listing both attempts", code, body)
		}
	})
}

// A key the provider refuses is cooled down and the next one is used.
func TestAIProxyRotatesKeys(t *testing.T) {
	const good = "sk-up-good-8e21"
	e, a, _ := twoFakes(t, `[{"name": "a", "provider": "openai", "cluster": "openai",
		"api_keys": ["sk-up-revoked-0000", "`+good+`"]}]`, "", fakellm.Config{OpenAIKey: good}, fakellm.Config{})
	for i := range 6 {
		if code, body := chatOK(t, e, nil); code != 200 {
			t.Fatalf("request %d: %d %s", i+1, code, body)
		}
	}
	refused := 0
	for _, r := range a.Requests() {
		if !strings.Contains(r.Header.Get("authorization"), good) {
			refused++
		}
	}
	if refused != 1 {
		t.Fatalf("the revoked key was tried %d times, want once before its cooldown", refused)
	}
}

// Route mode: the first chunk reaches the client while the provider is still writing the
// rest.
func TestAIProxyStreamsTheFirstTokenEarly(t *testing.T) {
	e, _, _ := twoFakes(t, `[{"name": "a", "provider": "openai", "cluster": "openai"}]`, "", fakellm.Config{}, fakellm.Config{})
	req, err := http.NewRequest("POST", e.URL+"/v1/chat/completions", strings.NewReader(
		`{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"one two three four five six"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("content-type", "application/json")
	req.Header.Set("authorization", "Bearer "+clientKey)
	req.Header.Set(fakellm.HeaderTokenDelay, "300")
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 4096)
	var first time.Duration
	var all strings.Builder
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 && first == 0 && strings.Contains(string(buf[:n]), `"content"`) {
			first = time.Since(start)
		}
		all.Write(buf[:n])
		if err != nil {
			break
		}
	}
	total := time.Since(start)
	if first == 0 || total < 1500*time.Millisecond || first > total-time.Second {
		t.Fatalf("first content after %v, stream done after %v: the stream was held back", first, total)
	}
	if !strings.Contains(all.String(), "data: [DONE]") {
		t.Fatalf("stream %q", all.String())
	}
	var chunk struct{ Object string }
	line := strings.TrimPrefix(strings.SplitN(all.String(), "\n", 2)[0], "data: ")
	if json.Unmarshal([]byte(line), &chunk) != nil || chunk.Object != "chat.completion.chunk" {
		t.Fatalf("first line %q", line)
	}
}

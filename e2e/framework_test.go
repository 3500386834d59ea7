package e2e

// The plugin framework (sdkwrap/plugin) in a real Envoy, through its test plugin fwprobe: the
// behaviours the product plugins rely on, on the Envoy they run on.

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/e2e/testbed"
)

const fwprobeConfig = `{"name": "global", "rewrite_model": "gpt-4o-mini",
  "consumers": [{"name": "alice", "key": "k-alice"}],
  "_rules_": [{"_match_domain_": ["*.rules.test"], "name": "by-domain"}]}`

func fwprobeGateway(t *testing.T, config string) (*testbed.Envoy, *fakellm.Server) {
	t.Helper()
	return gatewayToFake(t, fakellm.Config{},
		testbed.Plugin{Name: "fwprobe", Wasm: testbed.Module(t, "testdata/fwprobe"), Config: config})
}

func chatRequest(t *testing.T, e *testbed.Envoy, body string, headers ...string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", e.URL+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("content-type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "host" {
			req.Host = headers[i+1]
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// HoldHeadersForBody on Envoy (allow_on_headers_stop_iteration): the body is read before the
// headers leave, a header set after reading it reaches the upstream, and the rewritten body
// arrives whole with a matching content-length.
func TestFrameworkBodyBeforeHeadersInEnvoy(t *testing.T) {
	envoy, fake := fwprobeGateway(t, fwprobeConfig)
	resp := chatRequest(t, envoy, `{"model":"gpt-4o","messages":[{"role":"user","content":"hi there"}]}`, "x-key", "k-alice", "x-mse-consumer", "mallory")
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s", resp.Status, body)
	}
	got, _ := fake.Last()
	var sent struct{ Model string }
	if err := json.Unmarshal(got.Body, &sent); err != nil || sent.Model != "gpt-4o-mini" {
		t.Fatalf("upstream body %s (%v)", got.Body, err)
	}
	if cl := got.Header.Get("content-length"); cl != strconv.Itoa(len(got.Body)) {
		t.Fatalf("upstream content-length %q for %d bytes", cl, len(got.Body))
	}
	if got.Header.Get("x-model") != "gpt-4o" {
		t.Fatalf("the header set after the body did not reach the upstream: %v", got.Header)
	}
	if c := got.Header.Values("x-mse-consumer"); len(c) != 1 || c[0] != "alice" {
		t.Fatalf("upstream x-mse-consumer %v, want [alice]", c)
	}
	// The buffered JSON answer was tagged with the matched configuration.
	if !strings.Contains(string(body), `"fw":"global"`) || resp.Header.Get("x-fw-config") != "global" {
		t.Fatalf("answer %s, x-fw-config %q", body, resp.Header.Get("x-fw-config"))
	}
	entry := waitAccessLog(t, envoy, "consumer", "alice")
	if entry["status"] != float64(200) {
		t.Fatalf("access log %v", entry)
	}
}

// A stream the upstream sends token by token comes out event by event, each rewritten,
// closed by the plugin's own event, and the usage lands in the access log.
func TestFrameworkEventsInEnvoy(t *testing.T) {
	envoy, _ := fwprobeGateway(t, fwprobeConfig)
	resp := chatRequest(t, envoy, `{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"one two three"}]}`,
		"x-fake-token-delay-ms", "20")
	raw, _ := io.ReadAll(resp.Body)
	events := strings.Split(strings.TrimSpace(string(raw)), "\n\n")
	var text strings.Builder
	for _, ev := range events[:len(events)-2] { // all but [DONE] and the summary
		data, ok := strings.CutPrefix(ev, "data: global:")
		if !ok {
			t.Fatalf("event not rewritten: %q", ev)
		}
		var chunk struct {
			Choices []struct{ Delta struct{ Content string } }
		}
		if err := json.Unmarshal([]byte(data), &chunk); err != nil {
			t.Fatalf("event %q: %v", ev, err)
		}
		if len(chunk.Choices) > 0 {
			text.WriteString(chunk.Choices[0].Delta.Content)
		}
	}
	if want := fakellm.Reply("one two three"); text.String() != want {
		t.Fatalf("streamed text %q, want %q", text.String(), want)
	}
	if events[len(events)-2] != "data: [DONE]" || events[len(events)-1] != "event: fw-summary\ndata: "+strconv.Itoa(len(events)-2) {
		t.Fatalf("stream ends with %q", events[len(events)-2:])
	}
	wantTokens := strconv.Itoa(fakellm.CountTokens("one two three") + fakellm.CountTokens(fakellm.Reply("one two three")))
	envoyTokens := waitAccessLog(t, envoy, "ai_total_tokens", wantTokens)
	if envoyTokens["status"] != float64(200) {
		t.Fatalf("access log %v", envoyTokens)
	}
}

// Rules match on what Envoy provides: the :authority without its port.
func TestFrameworkRulesInEnvoy(t *testing.T) {
	envoy, _ := fwprobeGateway(t, fwprobeConfig)
	resp := chatRequest(t, envoy, `{"model":"m","messages":[]}`, "host", "api.rules.test:8443")
	if got := resp.Header.Get("x-fw-config"); got != "by-domain" {
		t.Fatalf("x-fw-config %q, want by-domain", got)
	}
}

func TestFrameworkRefusedConfigInEnvoy(t *testing.T) {
	_, err := testbed.StartEnvoy(testbed.Gateway{
		Plugins: []testbed.Plugin{{Name: "fwprobe", Wasm: testbed.Module(t, "testdata/fwprobe"),
			Config: `{"name":"g","consumers":[{"name":"a","key":"k"},{"name":"b","key":"k"}]}`}},
	}, testbed.EnvoyOptions{Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "[fwprobe] configuration refused") || !strings.Contains(err.Error(), "consumers[1].key: duplicate of consumers[0]") {
		t.Fatalf("start error: %v", err)
	}
}

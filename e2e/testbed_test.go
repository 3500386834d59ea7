package e2e

// The test bed's own tests: the host's test plugins (sdkwrap/wasmhost/testdata) in a real
// Envoy, proving what every plugin issue relies on - a module loads and sees every request,
// its metrics reach /stats/prometheus, its filter state reaches the access log, a config it
// refuses stops Envoy with the plugin's own words, and the facts DESIGN.md records for Envoy
// hold on the version we run.

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/testbed"
)

// echoUpstream answers every request with a JSON summary of what it received, on one line
// (the probe copies call answers into a header).
func echoUpstream(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		summary, _ := json.Marshal(map[string]any{"path": r.URL.Path, "headers": r.Header, "body": string(body)})
		w.Header().Set("content-type", "application/json")
		_, _ = w.Write(summary)
	}))
	t.Cleanup(srv.Close)
	return srv
}

type echoed struct {
	Path    string
	Headers http.Header
	Body    string
}

func probeGateway(t *testing.T, upstream *httptest.Server, config string) *testbed.Envoy {
	return testbed.MustStartEnvoy(t, testbed.Gateway{
		Plugins:   []testbed.Plugin{{Name: "probe", Wasm: testbed.Module(t, "testdata/probe"), Config: config}},
		Upstreams: map[string]string{"fakellm": upstream.Listener.Addr().String()},
		AccessLog: map[string]string{"probe_seen": "%FILTER_STATE(wasm.probe_seen:PLAIN)%"},
	})
}

// send makes one request through Envoy and decodes the echo; the probe appends "<end>" to
// every response body, which is cut off before decoding.
func send(t *testing.T, e *testbed.Envoy, method, path string, headers map[string]string, body string) (*http.Response, echoed, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := e.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	var got echoed
	_ = json.Unmarshal([]byte(strings.TrimSuffix(string(raw), "<end>")), &got)
	return resp, got, string(raw)
}

func TestProbeMetricReachesPrometheus(t *testing.T) {
	envoy := probeGateway(t, echoUpstream(t), "{}")
	const n = 7
	for i := 0; i < n; i++ {
		if resp, _, raw := send(t, envoy, "GET", "/v1/models", nil, ""); resp.StatusCode != 200 {
			t.Fatalf("%s %s", resp.Status, raw)
		}
	}
	stats, err := envoy.Admin("/stats/prometheus")
	if err != nil {
		t.Fatal(err)
	}
	// Envoy stores the counter as wasmcustom.probe_requests and prints it bare.
	want := fmt.Sprintf("probe_requests{} %d", n)
	if !strings.Contains(stats, want) {
		t.Fatalf("/stats/prometheus lacks %q; probe lines:\n%s", want, linesWith(stats, "probe"))
	}
	if errs := envoy.WasmErrors(); len(errs) > 0 {
		t.Fatalf("Envoy logged Wasm errors:\n%s", strings.Join(errs, "\n"))
	}
}

func TestProbeFilterStateReachesAccessLog(t *testing.T) {
	envoy := probeGateway(t, echoUpstream(t), "{}")
	// Envoy replaces a client's x-request-id (the client is external), so the entry is found
	// by its path.
	send(t, envoy, "GET", "/v1/models?case=filter-state", nil, "")
	entry := waitAccessLog(t, envoy, "path", "/v1/models?case=filter-state")
	if entry["probe_seen"] != "yes" {
		t.Fatalf("access log probe_seen = %v, want the plugin's \"yes\"; entry %v", entry["probe_seen"], entry)
	}
	// The example format's fields for plugins that are not in this chain stay empty.
	if entry["consumer"] != nil {
		t.Fatalf("consumer = %v without key-auth in the chain", entry["consumer"])
	}
}

// waitAccessLog polls the access log (the test bed makes Envoy flush it every 200 ms) for the
// first entry whose field has the value.
func waitAccessLog(t *testing.T, e *testbed.Envoy, field, value string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range strings.Split(e.AccessLog(), "\n") {
			var entry map[string]any
			if json.Unmarshal([]byte(line), &entry) == nil && entry[field] == value {
				return entry
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no access-log entry with %s %q in 10s; log:\n%s", field, value, e.AccessLog())
	return nil
}

func TestRefusedConfigStopsEnvoyWithThePluginsWords(t *testing.T) {
	for _, tc := range []struct{ name, config, words string }{
		{"refused", `{"refuse": true}`, "probe: refuse: configuration refused on purpose"},
		{"not json", `{"tick_ms": "soon"`, "probe: configuration is not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := testbed.StartEnvoy(testbed.Gateway{
				Plugins: []testbed.Plugin{{Name: "probe", Wasm: testbed.Module(t, "testdata/probe"), Config: tc.config}},
			}, testbed.EnvoyOptions{Dir: t.TempDir()})
			if err == nil {
				t.Fatal("Envoy started with a config the plugin refuses")
			}
			for _, want := range []string{tc.words, "Unable to create Wasm plugin probe"} {
				if !strings.Contains(err.Error(), want) {
					t.Fatalf("start-up error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

// TestProbeInEnvoy checks, on the Envoy we run, the host behaviours DESIGN.md records and the
// plugins build on.
func TestProbeInEnvoy(t *testing.T) {
	upstream := echoUpstream(t)
	envoy := probeGateway(t, upstream, "{}")

	t.Run("properties and header edits", func(t *testing.T) {
		resp, got, raw := send(t, envoy, "GET", "/v1/models?x=1", map[string]string{"x-remove-me": "1"}, "")
		if resp.StatusCode != 200 || resp.Header.Get("x-probe") != "seen" {
			t.Fatalf("%s %v %s", resp.Status, resp.Header, raw)
		}
		if got.Headers.Get("x-route") != "llm" || got.Headers.Get("x-path") != "/v1/models?x=1" {
			t.Fatalf("xds.route_name / request.path as the plugin saw them: %q %q", got.Headers.Get("x-route"), got.Headers.Get("x-path"))
		}
		if !strings.HasPrefix(got.Headers.Get("x-source"), "127.0.0.1:") {
			t.Fatalf("source.address = %q", got.Headers.Get("x-source"))
		}
		if got.Headers.Get("x-remove-me") != "" {
			t.Fatal("the plugin's header removal did not reach the upstream")
		}
		if !strings.HasSuffix(raw, "<end>") {
			t.Fatalf("response body edit missing: %q", raw)
		}
	})

	t.Run("request body edit", func(t *testing.T) {
		_, got, _ := send(t, envoy, "POST", "/v1/chat/completions", map[string]string{"content-type": "application/json"}, `{"model":"m"}`)
		var body map[string]any
		if err := json.Unmarshal([]byte(got.Body), &body); err != nil || body["probe"] != true || body["model"] != "m" {
			t.Fatalf("upstream got body %q", got.Body)
		}
	})

	t.Run("local response", func(t *testing.T) {
		resp, _, raw := send(t, envoy, "GET", "/v1/models", map[string]string{"x-deny": "1"}, "")
		if resp.StatusCode != 403 || !strings.Contains(raw, `"denied"`) {
			t.Fatalf("%s %q", resp.Status, raw)
		}
	})

	t.Run("panic becomes a 500 and the VM lives on", func(t *testing.T) {
		resp, _, raw := send(t, envoy, "GET", "/v1/models", map[string]string{"x-panic": "1"}, "")
		if resp.StatusCode != 500 || !strings.Contains(raw, `"plugin_panic"`) {
			t.Fatalf("%s %q", resp.Status, raw)
		}
		if resp, _, raw := send(t, envoy, "GET", "/v1/models", nil, ""); resp.StatusCode != 200 {
			t.Fatalf("after the panic: %s %q", resp.Status, raw)
		}
	})

	t.Run("http call to a cluster", func(t *testing.T) {
		_, got, raw := send(t, envoy, "GET", "/v1/models", map[string]string{"x-call": "fakellm"}, "")
		if got.Headers.Get("x-call-status") != "200" || !strings.Contains(got.Headers.Get("x-call-body"), `"path":"/check"`) {
			t.Fatalf("call status %q body %q; raw %q", got.Headers.Get("x-call-status"), got.Headers.Get("x-call-body"), raw)
		}
	})

	t.Run("http call to an unknown cluster fails as a value", func(t *testing.T) {
		_, got, _ := send(t, envoy, "GET", "/v1/models", map[string]string{"x-call": "no-such-cluster"}, "")
		if got.Headers.Get("x-call-error") == "" {
			t.Fatalf("no dispatch error reported; headers %v", got.Headers)
		}
	})

	t.Run("shared data counts exactly across worker threads", func(t *testing.T) {
		const clients, each = 8, 25
		var mu sync.Mutex
		var seen []int
		var wg sync.WaitGroup
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Separate connections spread the requests over Envoy's two workers.
				client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableKeepAlives: c%2 == 0}}
				for i := 0; i < each; i++ {
					req, _ := http.NewRequest("GET", envoy.URL+"/v1/models", nil)
					req.Header.Set("x-count", "1")
					resp, err := client.Do(req)
					if err != nil {
						t.Error(err)
						return
					}
					var got echoed
					raw, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					_ = json.Unmarshal([]byte(strings.TrimSuffix(string(raw), "<end>")), &got)
					n, _ := strconv.Atoi(got.Headers.Get("x-count"))
					mu.Lock()
					seen = append(seen, n)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		sort.Ints(seen)
		base := seen[0]
		for i, n := range seen {
			if n != base+i {
				t.Fatalf("counter values are not distinct and consecutive at %d: %v", i, seen)
			}
		}
		if len(seen) != clients*each {
			t.Fatalf("%d answers, want %d", len(seen), clients*each)
		}
	})
}

func linesWith(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

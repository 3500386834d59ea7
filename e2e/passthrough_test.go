package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/testbed"
)

func TestPassthroughSeesEveryRequest(t *testing.T) {
	var hits atomic.Int64
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, "hello from upstream")
	}))
	defer upstream.Close()

	envoy := testbed.MustStartEnvoy(t, testbed.Gateway{
		Plugins:   []testbed.Plugin{{Name: "passthrough", Wasm: testbed.Module(t, "testdata/passthrough")}},
		Upstreams: map[string]string{"fakellm": upstream.Listener.Addr().String()},
	})
	const n = 20
	for i := 0; i < n; i++ {
		resp, err := http.Get(envoy.URL + fmt.Sprintf("/v1/models?i=%d", i))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != "hello from upstream" {
			t.Fatalf("request %d: %s %q", i, resp.Status, body)
		}
		if got := resp.Header.Get("x-passthrough"); got != "1" {
			t.Fatalf("request %d: x-passthrough = %q, want the plugin's 1", i, got)
		}
	}
	if hits.Load() != n {
		t.Fatalf("upstream saw %d requests, want %d", hits.Load(), n)
	}
	if errs := envoy.WasmErrors(); len(errs) > 0 {
		t.Fatalf("Envoy logged Wasm errors:\n%s", errs)
	}
}

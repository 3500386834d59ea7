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

// x-aiwasm-cluster picks the upstream in envoy/gateway.yaml (ai-proxy's route mode). A client
// sending it must not reach an internal cluster, even with no plugin at all in the chain (the
// worst case: Envoy chose the route before the header_mutation filter removed the header, and
// no Wasm filter edits headers to make it choose again): the route admits provider clusters
// only.
func TestClientCannotPickTheCluster(t *testing.T) {
	var llm, internal atomic.Int64
	server := func(n *atomic.Int64, name string) *httptest.Server {
		return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Add(1)
			fmt.Fprint(w, name)
		}))
	}
	fake, other := server(&llm, "llm"), server(&internal, "internal")
	defer fake.Close()
	defer other.Close()
	envoy := testbed.MustStartEnvoy(t, testbed.Gateway{
		Plugins: []testbed.Plugin{},
		Upstreams: map[string]string{
			"fakellm":   fake.Listener.Addr().String(),
			"ratelimit": other.Listener.Addr().String(),
		},
	})
	req, err := http.NewRequest("GET", envoy.URL+"/v1/models", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-aiwasm-cluster", "ratelimit")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "llm" || internal.Load() != 0 {
		t.Fatalf("answered %s %q; the internal cluster saw %d requests", resp.Status, body, internal.Load())
	}
}

package testbed

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The chain order every config in envoy/ must keep (DESIGN.md section 8).
var chainOrder = []string{"key-auth", "request-block", "key-rate-limit", "ai-token-ratelimit", "ai-cache", "ai-proxy"}

func renderGateway(t *testing.T, g Gateway) (*Rendered, map[string]any) {
	t.Helper()
	r, err := Render(g, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(r.Path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		t.Fatal(err)
	}
	return r, cfg
}

func httpFilterNames(cfg map[string]any) []string {
	var names []string
	for _, hcm := range ConnectionManagers(cfg) {
		for _, f := range hcm["http_filters"].([]any) {
			names = append(names, f.(map[string]any)["name"].(string))
		}
	}
	return names
}

func TestGatewayExampleKeepsTheChainOrder(t *testing.T) {
	r, cfg := renderGateway(t, Gateway{})
	if !reflect.DeepEqual(r.WasmFilter, chainOrder) {
		t.Fatalf("envoy/gateway.yaml chain = %v, want %v", r.WasmFilter, chainOrder)
	}
	names := httpFilterNames(cfg)
	if names[len(names)-1] != "envoy.filters.http.router" {
		t.Fatalf("router is not last: %v", names)
	}
	for _, hcm := range ConnectionManagers(cfg) {
		for _, f := range hcm["http_filters"].([]any) {
			fm := f.(map[string]any)
			if !isWasmFilter(fm) {
				continue
			}
			pc, _ := dig(fm, "typed_config", "config")
			if pc["allow_on_headers_stop_iteration"] != true {
				t.Errorf("%s: allow_on_headers_stop_iteration is not set", fm["name"])
			}
			if !strings.HasSuffix(wasmPath(fm), "/out/"+fm["name"].(string)+".wasm") {
				t.Errorf("%s loads %s", fm["name"], wasmPath(fm))
			}
		}
	}
}

func TestRenderPortsAndPaths(t *testing.T) {
	r, cfg := renderGateway(t, Gateway{Upstreams: map[string]string{"fakellm": "127.0.0.1:4242", "openai": "127.0.0.1:4343"}})
	if r.AdminPort == 0 || r.Port("") == 0 || r.AdminPort == r.Port("") {
		t.Fatalf("ports: admin %d gateway %d", r.AdminPort, r.Port(""))
	}
	admin, _ := dig(cfg, "admin", "address", "socket_address")
	if admin["address"] != "127.0.0.1" || admin["port_value"] != r.AdminPort {
		t.Fatalf("admin address %v", admin)
	}
	for _, c := range listOf(cfg, "static_resources", "clusters") {
		if c["name"] == "openai" {
			if c["transport_socket"] != nil || c["type"] != "STATIC" {
				t.Fatalf("openai pointed at a local server keeps TLS or DNS: %v", c)
			}
			b, _ := yaml.Marshal(c)
			if !strings.Contains(string(b), "port_value: 4343") {
				t.Fatalf("openai endpoint not rewritten:\n%s", b)
			}
		}
		if c["name"] == "anthropic" && c["transport_socket"] == nil {
			t.Fatal("a cluster that was not named lost its TLS")
		}
	}
	for _, hcm := range ConnectionManagers(cfg) {
		for _, l := range hcm["access_log"].([]any) {
			if p, _ := dig(l.(map[string]any), "typed_config"); p["path"] != r.AccessLog {
				t.Fatalf("access log goes to %v, want %s", p["path"], r.AccessLog)
			}
		}
	}
}

func TestRenderTestPlugins(t *testing.T) {
	r, cfg := renderGateway(t, Gateway{Plugins: []Plugin{
		{Name: "probe", Wasm: "/abs/probe.wasm", Config: `{"a":1}`},
		{Name: "ai-proxy", Config: `{"b":2}`},
	}})
	if !reflect.DeepEqual(r.WasmFilter, []string{"probe", "ai-proxy"}) {
		t.Fatalf("chain %v", r.WasmFilter)
	}
	for _, hcm := range ConnectionManagers(cfg) {
		var filters []map[string]any // the Wasm filters, in order
		for _, f := range hcm["http_filters"].([]any) {
			if fm := f.(map[string]any); isWasmFilter(fm) {
				filters = append(filters, fm)
			}
		}
		probe := filters[0]
		pc, _ := dig(probe, "typed_config", "config")
		vm, _ := dig(pc, "vm_config")
		conf, _ := dig(pc, "configuration")
		if pc["root_id"] != "probe" || vm["vm_id"] != "probe" || wasmPath(probe) != "/abs/probe.wasm" || conf["value"] != `{"a":1}` {
			t.Fatalf("probe filter: %v", pc)
		}
		if pc["allow_on_headers_stop_iteration"] != true {
			t.Fatal("a copied filter lost the example's settings")
		}
		proxy := filters[1]
		if !strings.HasSuffix(wasmPath(proxy), "/out/ai-proxy.wasm") {
			t.Fatalf("ai-proxy loads %s", wasmPath(proxy))
		}
	}
}

func TestRenderSkipUnbuilt(t *testing.T) {
	var built []string
	for _, name := range chainOrder {
		path, _ := RepoPath("out", name+".wasm")
		if _, err := os.Stat(path); err == nil {
			built = append(built, name)
		}
	}
	r, _ := renderGateway(t, Gateway{SkipUnbuilt: true})
	if len(r.WasmFilter) != len(built) || (len(built) > 0 && !reflect.DeepEqual(r.WasmFilter, built)) {
		t.Fatalf("SkipUnbuilt kept %v; built are %v", r.WasmFilter, built)
	}
}

func TestRenderRefusesUnknownCluster(t *testing.T) {
	_, err := Render(Gateway{Upstreams: map[string]string{"nope": "127.0.0.1:1"}}, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), `no cluster named "nope"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestRenderFixedPorts(t *testing.T) {
	r, _ := renderGateway(t, Gateway{Ports: map[string]int{"admin": 19901, "gateway": 10010}})
	if r.AdminPort != 19901 || r.Port("gateway") != 10010 {
		t.Fatalf("admin %d gateway %d", r.AdminPort, r.Port("gateway"))
	}
}

package testbed

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"gopkg.in/yaml.v3"
)

// Gateway describes an Envoy to start: one of the example files in envoy/ and the few things a
// test changes in it. Everything else (routes, timeouts, filter settings, access-log format)
// stays as the file says, so the examples users copy are the configs the tests run.
type Gateway struct {
	// File is the example under envoy/; default "gateway.yaml".
	File string
	// Plugins, when set, replaces the file's Wasm filters with exactly these, in this order.
	// nil keeps the file's chain.
	Plugins []Plugin
	// SkipUnbuilt drops the file's Wasm filters whose module is not built yet (make demo
	// shows the chain as far as it exists).
	SkipUnbuilt bool
	// Upstreams points clusters at local servers: cluster name -> "host:port", plain HTTP.
	Upstreams map[string]string
	// AccessLog adds fields to the first access log's json_format (name -> format operator).
	AccessLog map[string]string
	// Ports fixes ports instead of picking free ones: "admin" and listener names -> port
	// (make demo serves on the ports the README names).
	Ports map[string]int
	// Edit, when set, may change anything in the parsed config after the changes above.
	Edit func(cfg map[string]any) error
}

// Plugin is one Wasm filter of the chain.
type Plugin struct {
	// Name is the filter's name. A filter of that name in the file keeps its settings; a new
	// name gets a copy of the file's first Wasm filter with name, root_id and vm_id set to it.
	Name string
	// Wasm is the module to load, relative to the repository root or absolute; default
	// out/<Name>.wasm.
	Wasm string
	// Config is the plugin's JSON configuration; "" keeps the file's.
	Config string
}

// Rendered is a config written for one Envoy run.
type Rendered struct {
	Path       string // the YAML file Envoy loads
	Dir        string // the run's directory: config, logs
	AdminPort  int
	Listeners  map[string]int // listener name -> port
	AccessLog  string         // file the access logs write to
	WasmFilter []string       // Wasm filters in chain order
}

// Port is the port of the named listener; "" means the examples' "gateway".
func (r *Rendered) Port(name string) int {
	if name == "" {
		name = "gateway"
	}
	return r.Listeners[name]
}

const wasmFilterType = "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm"

// Render reads g.File, applies g, gives every listener and the admin a free loopback port,
// sends access logs to a file, and writes the result into dir.
func Render(g Gateway, dir string) (*Rendered, error) {
	file := g.File
	if file == "" {
		file = "gateway.yaml"
	}
	src, err := RepoPath("envoy", file)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(src)
	if err != nil {
		return nil, fmt.Errorf("envoy config: %w", err)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("envoy/%s: %w", file, err)
	}
	r := &Rendered{Dir: dir, Listeners: map[string]int{}, AccessLog: filepath.Join(dir, "access.log")}
	steps := []func() error{
		func() error { return r.setAdmin(cfg, g.Ports) },
		func() error { return r.setListeners(cfg, g.Ports) },
		func() error { return r.setChain(cfg, g) },
		func() error { return setUpstreams(cfg, g.Upstreams) },
		func() error { return r.setAccessLogs(cfg, g.AccessLog) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("envoy/%s: %w", file, err)
		}
	}
	if g.Edit != nil {
		if err := g.Edit(cfg); err != nil {
			return nil, err
		}
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	r.Path = filepath.Join(dir, "envoy.yaml")
	return r, os.WriteFile(r.Path, out, 0o600)
}

// pickPort is the fixed port for name, else a free one.
func pickPort(fixed map[string]int, name string) (int, error) {
	if p, ok := fixed[name]; ok {
		return p, nil
	}
	return FreePort()
}

func (r *Rendered) setAdmin(cfg map[string]any, fixed map[string]int) error {
	sock, err := dig(cfg, "admin", "address", "socket_address")
	if err != nil {
		return err
	}
	port, err := pickPort(fixed, "admin")
	if err != nil {
		return err
	}
	sock["address"], sock["port_value"] = "127.0.0.1", port
	r.AdminPort = port
	return nil
}

func (r *Rendered) setListeners(cfg map[string]any, fixed map[string]int) error {
	for _, l := range listOf(cfg, "static_resources", "listeners") {
		sock, err := dig(l, "address", "socket_address")
		if err != nil {
			return err
		}
		port, err := pickPort(fixed, fmt.Sprint(l["name"]))
		if err != nil {
			return err
		}
		// Tests talk to Envoy on loopback only.
		sock["address"], sock["port_value"] = "127.0.0.1", port
		r.Listeners[fmt.Sprint(l["name"])] = port
	}
	if len(r.Listeners) == 0 {
		return fmt.Errorf("no listeners")
	}
	return nil
}

// setChain rewrites the Wasm filters of every HTTP connection manager.
func (r *Rendered) setChain(cfg map[string]any, g Gateway) error {
	for _, hcm := range ConnectionManagers(cfg) {
		filters, _ := hcm["http_filters"].([]any)
		var chain, rest []any
		var firstWasm map[string]any
		byName := map[string]map[string]any{}
		insertAt := -1
		for _, f := range filters {
			fm, _ := f.(map[string]any)
			if isWasmFilter(fm) {
				if firstWasm == nil {
					firstWasm = fm
					insertAt = len(rest)
				}
				byName[fmt.Sprint(fm["name"])] = fm
				chain = append(chain, fm)
				continue
			}
			rest = append(rest, f)
		}
		if g.Plugins != nil {
			if firstWasm == nil {
				return fmt.Errorf("no Wasm filter to copy for the test plugins")
			}
			chain = chain[:0]
			for _, p := range g.Plugins {
				f, ok := byName[p.Name]
				if !ok {
					f = cloneWasmFilter(firstWasm, p.Name)
				}
				if err := setPlugin(f, p); err != nil {
					return err
				}
				chain = append(chain, f)
			}
		}
		var kept []any
		for _, f := range chain {
			fm := f.(map[string]any)
			if err := absoluteWasmPath(fm); err != nil {
				return err
			}
			if g.SkipUnbuilt && g.Plugins == nil {
				if _, err := os.Stat(wasmPath(fm)); err != nil {
					continue
				}
			}
			kept = append(kept, fm)
			r.WasmFilter = append(r.WasmFilter, fmt.Sprint(fm["name"]))
		}
		if insertAt < 0 {
			insertAt = 0
		}
		hcm["http_filters"] = append(append(append([]any{}, rest[:insertAt]...), kept...), rest[insertAt:]...)
	}
	return nil
}

func isWasmFilter(f map[string]any) bool {
	tc, _ := f["typed_config"].(map[string]any)
	return tc != nil && tc["@type"] == wasmFilterType
}

func cloneWasmFilter(template map[string]any, name string) map[string]any {
	var copied map[string]any
	b, _ := yaml.Marshal(template)
	_ = yaml.Unmarshal(b, &copied)
	copied["name"] = name
	pc, _ := dig(copied, "typed_config", "config")
	pc["name"], pc["root_id"] = name, name
	vm, _ := dig(pc, "vm_config")
	vm["vm_id"] = name
	delete(pc, "configuration")
	return copied
}

func setPlugin(f map[string]any, p Plugin) error {
	pc, err := dig(f, "typed_config", "config")
	if err != nil {
		return err
	}
	local, err := dig(pc, "vm_config", "code", "local")
	if err != nil {
		return err
	}
	wasm := p.Wasm
	if wasm == "" {
		wasm = filepath.Join("out", p.Name+".wasm")
	}
	local["filename"] = wasm
	if p.Config != "" {
		pc["configuration"] = map[string]any{
			"@type": "type.googleapis.com/google.protobuf.StringValue",
			"value": p.Config,
		}
	}
	return nil
}

func wasmPath(f map[string]any) string {
	local, _ := dig(f, "typed_config", "config", "vm_config", "code", "local")
	return fmt.Sprint(local["filename"])
}

// absoluteWasmPath anchors out/... at the repository root: Envoy resolves relative paths
// against its working directory.
func absoluteWasmPath(f map[string]any) error {
	local, err := dig(f, "typed_config", "config", "vm_config", "code", "local")
	if err != nil {
		return fmt.Errorf("filter %v: %w", f["name"], err)
	}
	path := fmt.Sprint(local["filename"])
	if !filepath.IsAbs(path) {
		abs, err := RepoPath(path)
		if err != nil {
			return err
		}
		local["filename"] = abs
	}
	return nil
}

// setUpstreams gives each named cluster exactly one plain-HTTP endpoint.
func setUpstreams(cfg map[string]any, upstreams map[string]string) error {
	found := map[string]bool{}
	for _, c := range listOf(cfg, "static_resources", "clusters") {
		name := fmt.Sprint(c["name"])
		addr, ok := upstreams[name]
		if !ok {
			continue
		}
		host, portStr, err := net.SplitHostPort(addr)
		if err != nil {
			return fmt.Errorf("upstream %s: %w", name, err)
		}
		port, err := strconv.Atoi(portStr)
		if err != nil {
			return fmt.Errorf("upstream %s: port %q", name, portStr)
		}
		c["type"] = "STATIC"
		delete(c, "dns_lookup_family")
		delete(c, "transport_socket")
		c["load_assignment"] = map[string]any{
			"cluster_name": name,
			"endpoints": []any{map[string]any{"lb_endpoints": []any{map[string]any{
				"endpoint": map[string]any{"address": map[string]any{"socket_address": map[string]any{
					"address": host, "port_value": port}}}}}}},
		}
		found[name] = true
	}
	for name := range upstreams {
		if !found[name] {
			return fmt.Errorf("no cluster named %q", name)
		}
	}
	return nil
}

// setAccessLogs sends every file access log to one file of the run and adds fields.
func (r *Rendered) setAccessLogs(cfg map[string]any, extra map[string]string) error {
	first := true
	for _, hcm := range ConnectionManagers(cfg) {
		logs, _ := hcm["access_log"].([]any)
		for _, l := range logs {
			tc, err := dig(l.(map[string]any), "typed_config")
			if err != nil {
				return err
			}
			tc["path"] = r.AccessLog
			if first && len(extra) > 0 {
				format, err := dig(tc, "log_format", "json_format")
				if err != nil {
					return fmt.Errorf("extra access-log fields need a json_format: %w", err)
				}
				for k, v := range extra {
					format[k] = v
				}
			}
			first = false
		}
	}
	return nil
}

// ConnectionManagers are the typed configs of every HTTP connection manager in an Envoy
// config parsed from YAML: where http_filters and route_config live, for Gateway.Edit.
func ConnectionManagers(cfg map[string]any) []map[string]any {
	var out []map[string]any
	for _, l := range listOf(cfg, "static_resources", "listeners") {
		chains, _ := l["filter_chains"].([]any)
		for _, c := range chains {
			filters, _ := c.(map[string]any)["filters"].([]any)
			for _, f := range filters {
				if tc, err := dig(f.(map[string]any), "typed_config"); err == nil {
					if _, ok := tc["http_filters"]; ok {
						out = append(out, tc)
					}
				}
			}
		}
	}
	return out
}

// dig walks nested mappings and names the missing step.
func dig(m map[string]any, path ...string) (map[string]any, error) {
	cur := m
	for i, key := range path {
		next, ok := cur[key].(map[string]any)
		if !ok {
			return nil, fmt.Errorf("no mapping at %v", path[:i+1])
		}
		cur = next
	}
	return cur, nil
}

func listOf(m map[string]any, path ...string) []map[string]any {
	parent, err := dig(m, path[:len(path)-1]...)
	if err != nil {
		return nil
	}
	items, _ := parent[path[len(path)-1]].([]any)
	var out []map[string]any
	for _, it := range items {
		if im, ok := it.(map[string]any); ok {
			out = append(out, im)
		}
	}
	return out
}

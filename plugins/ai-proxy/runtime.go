package main

import "github.com/aiwasm/aiwasm/sdkwrap/plugin"

// What a worker keeps per configured instance between requests, so that a request does not
// rebuild it: the instance's metrics, its targets for the kinds whose URL does not depend on
// the model, and its credential headers per key. Kept by instance name, so a configuration
// reloaded in the same VM replaces its entries instead of adding to them.
type instanceRuntime struct {
	in      *Instance // the instance the entry was made for
	metrics *instanceMetrics
	targets [len(kindNames)][2]cachedTarget // by kind, streamed or not
	auth    [][][2]string                   // AuthHeaders by key index + 1 (0: no key)
	models  map[string]*modelMetrics        // by model (metrics_model.go)
}

type cachedTarget struct {
	t  Target
	ok bool // t is set and holds for every model
}

var runtimes = map[string]*instanceRuntime{}

// runtimeOf is in's entry, made on first use (or when in replaced an instance of its name).
func runtimeOf(root *plugin.Root[Config], in *Instance) *instanceRuntime {
	if rt := runtimes[in.Name]; rt != nil && rt.in == in {
		return rt
	}
	rt := &instanceRuntime{in: in, metrics: defineInstanceMetrics(root, in)}
	rt.auth = make([][][2]string, keyCount(in)+1)
	runtimes[in.Name] = rt
	return rt
}

// target is in.Target, from the cache when the path holds no model.
func (rt *instanceRuntime) target(k Kind, model string, stream bool) (Target, bool) {
	c := &rt.targets[k][b2i(stream)]
	if c.ok {
		return c.t, true
	}
	t, ok := rt.in.Target(k, model, stream)
	if ok && !modelInPath(rt.in, k, stream) {
		c.t, c.ok = t, true
	}
	return t, ok
}

// modelInPath reports whether in's path for k names the model (Gemini, Azure resources).
func modelInPath(in *Instance, k Kind, stream bool) bool {
	tmpl := in.up.basePath + in.Preset.path(k, stream)
	for i := 0; i+1 < len(tmpl); i++ {
		if tmpl[i] == '{' {
			return true
		}
	}
	return false
}

// authHeaders is in.AuthHeaders(key), made once per key.
func (rt *instanceRuntime) authHeaders(key int) [][2]string {
	i := key + 1
	if i < 0 || i >= len(rt.auth) {
		return rt.in.AuthHeaders(key)
	}
	if rt.auth[i] == nil {
		rt.auth[i] = rt.in.AuthHeaders(key)
	}
	return rt.auth[i]
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

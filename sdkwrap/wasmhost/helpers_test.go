package wasmhost

import (
	"sync"
	"testing"
)

var (
	modulesMu sync.Mutex
	modules   = map[string]*Module{}
)

// testModule builds testdata/<name> once per test binary and loads it once.
func testModule(t testing.TB, name string) *Module {
	t.Helper()
	modulesMu.Lock()
	defer modulesMu.Unlock()
	if m, ok := modules[name]; ok {
		return m
	}
	path, err := BuildPlugin("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	modules[name] = m
	return m
}

// newProbe starts the probe plugin with config and options, failing the test on error.
func newProbe(t testing.TB, config string, opts ...PluginOption) *Plugin {
	t.Helper()
	return testModule(t, "probe").TestPlugin(t, config, opts...)
}

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

var getRequest = H(":method", "GET", ":path", "/v1/models?x=1", ":authority", "gw.example.com", ":scheme", "http")

func with(h Headers, nameValues ...string) Headers { return append(h.Clone(), H(nameValues...)...) }

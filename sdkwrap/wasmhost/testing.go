package wasmhost

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
)

var (
	sharedMu      sync.Mutex
	sharedModules = map[string]*Module{}
)

// SharedModule is the plugin in dir (built with BuildPlugin and tags) loaded with the default
// options (strict import check, watchdog on), once per test binary: every test of a package
// shares one compiled module and makes its own plugins from it. A build or load failure fails
// t. Close is left to the process's end.
func SharedModule(t testing.TB, dir string, tags ...string) *Module {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	key := fmt.Sprint(abs, tags)
	sharedMu.Lock()
	defer sharedMu.Unlock()
	if m, ok := sharedModules[key]; ok {
		return m
	}
	path, err := BuildPlugin(dir, tags...)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	sharedModules[key] = m
	return m
}

// PluginPath is BuildPlugin for tests: the .wasm file of the plugin in dir, or t fails.
func PluginPath(t testing.TB, dir string, tags ...string) string {
	t.Helper()
	path, err := BuildPlugin(dir, tags...)
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// TestPlugin is NewPlugin for tests: a configuration the plugin refuses fails t (quoting
// the configuration), and the plugin closes when the test ends.
func (m *Module) TestPlugin(t testing.TB, config string, opts ...PluginOption) *Plugin {
	t.Helper()
	p, err := m.NewPlugin(config, opts...)
	if err != nil {
		t.Fatalf("config %s: %v", config, err)
	}
	t.Cleanup(p.Close)
	return p
}

// ReadmeBlocks returns the fenced code blocks of language lang in the test's README.md, and
// fails the test unless there are exactly want: a README whose examples were added or
// removed must have its tests say which is which.
func ReadmeBlocks(t testing.TB, lang string, want int) []string {
	t.Helper()
	blocks, err := CodeBlocks("README.md", lang)
	if err != nil || len(blocks) != want {
		t.Fatalf("%d %s blocks in README.md (%v), want %d", len(blocks), lang, err, want)
	}
	return blocks
}

// HigressModule loads the higress build of the plugin in dir as one gateway of its own (its
// own shared data), Higress's Redis functions served by the Redis at redisAddr, and closes
// it when the test ends.
func HigressModule(t testing.TB, dir, redisAddr string) *Module {
	t.Helper()
	m, err := Load(PluginPath(t, dir, "higress"), WithRedis(redisAddr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

//go:build !wasip1

package main

// Helpers of the tests that run the compiled module in the wazero host.

import (
	"strings"
	"sync"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

var (
	buildMu sync.Mutex
	modules = map[string]*wasmhost.Module{}
)

// moduleOf is the plugin built with tags ("" for the default build), compiled and loaded
// once per test binary.
func moduleOf(t testing.TB, tags ...string) *wasmhost.Module {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	name := strings.Join(tags, ",")
	if m, ok := modules[name]; ok {
		return m
	}
	path, err := wasmhost.BuildPlugin(".", tags...)
	if err != nil {
		t.Fatal(err)
	}
	m, err := wasmhost.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	modules[name] = m
	return m
}

func module(t testing.TB) *wasmhost.Module { return moduleOf(t) }

func higressModule(t testing.TB) *wasmhost.Module { return moduleOf(t, "higress") }

// newPlugin configures the default build, failing the test on a refusal.
func newPlugin(t testing.TB, config string) *wasmhost.Plugin {
	t.Helper()
	return newPluginOf(t, module(t), config)
}

func newPluginOf(t testing.TB, m *wasmhost.Module, config string) *wasmhost.Plugin {
	t.Helper()
	return m.TestPlugin(t, config)
}

// refused configures the default build expecting a refusal and returns the error's text.
func refused(t *testing.T, config string) string {
	t.Helper()
	return refusedBy(t, module(t), config)
}

func refusedBy(t *testing.T, m *wasmhost.Module, config string) string {
	t.Helper()
	p, err := m.NewPlugin(config)
	if err == nil {
		p.Close()
		t.Fatalf("configuration accepted: %s", config)
	}
	return err.Error()
}

// warnings are the warning lines a configuration logged.
func warnings(p *wasmhost.Plugin) []string {
	var out []string
	for _, l := range p.LogsAt(wasmhost.LevelWarn) {
		out = append(out, l.Message)
	}
	return out
}

// infoLines are the info lines a configuration logged (start's instance summaries).
func infoLines(p *wasmhost.Plugin) string {
	var b strings.Builder
	for _, l := range p.Logs() {
		if l.Level == wasmhost.LevelInfo {
			b.WriteString(l.Message + "\n")
		}
	}
	return b.String()
}

package wasmhost

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadRefusesAFileThatIsNotWasm(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plugin.wasm")
	if err := os.WriteFile(path, []byte("#!/bin/sh\necho not wasm\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), "not a WebAssembly module") {
		t.Fatalf("want a not-wasm error, got %v", err)
	}
	if _, err := LoadBytes("truncated.wasm", []byte("\x00asm\x01\x00\x00\x00\x01")); err == nil {
		t.Fatal("a truncated module loaded")
	}
}

func TestLoadRefusesAModuleThatIsNotProxyWasm(t *testing.T) {
	path, err := BuildPlugin("testdata/bad/notproxywasm")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	if err == nil || !strings.Contains(err.Error(), "not a proxy-wasm module") {
		t.Fatalf("want a not-proxy-wasm error, got %v", err)
	}
}

func TestStrictModeNamesTheImportEnvoyLacks(t *testing.T) {
	path, err := BuildPlugin("testdata/bad/badimport")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	if err == nil || !strings.Contains(err.Error(), "env.proxy_redis_init") || !strings.Contains(err.Error(), "Envoy 1.39") {
		t.Fatalf("want strict mode to name env.proxy_redis_init, got %v", err)
	}

	// Lenient loads it, and instantiation names the function this host does not provide.
	m, err := Load(path, Lenient())
	if err != nil {
		t.Fatalf("lenient load: %v", err)
	}
	defer m.Close()
	if _, err := m.NewPlugin(""); err == nil || !strings.Contains(err.Error(), "proxy_redis_init") {
		t.Fatalf("want instantiation to name proxy_redis_init, got %v", err)
	}

	// With the Higress functions on, the same module loads and runs.
	m2, err := Load(path, WithRedis("127.0.0.1:1"))
	if err != nil {
		t.Fatalf("load with redis: %v", err)
	}
	defer m2.Close()
	p, err := m2.NewPlugin("")
	if err != nil {
		t.Fatalf("plugin with redis functions: %v", err)
	}
	p.Close()
}

func TestConfigureRefusalReturnsThePluginsOwnMessage(t *testing.T) {
	_, err := testModule(t, "probe").NewPlugin(`{"refuse": true}`)
	var cerr *ConfigureError
	if !errors.As(err, &cerr) {
		t.Fatalf("want *ConfigureError, got %T %v", err, err)
	}
	if cerr.Callback != "proxy_on_configure" || !strings.Contains(err.Error(), "probe: refuse: configuration refused on purpose") {
		t.Fatalf("error does not carry the plugin's message: %v", err)
	}
	if len(cerr.Logs) == 0 || cerr.Logs[len(cerr.Logs)-1].Level != LevelError {
		t.Fatalf("want the plugin's error log line in Logs, got %v", cerr.Logs)
	}
}

func TestPanicInConfigureIsRecoveredAndRefusesTheConfig(t *testing.T) {
	_, err := testModule(t, "probe").NewPlugin(`{"panic": true}`)
	var cerr *ConfigureError
	if !errors.As(err, &cerr) {
		t.Fatalf("want *ConfigureError, got %T %v", err, err)
	}
	if !strings.Contains(err.Error(), "panic in proxy_on_configure: probe: panic in OnPluginStart") {
		t.Fatalf("want the panic logged at error level, got %v", err)
	}
}

func TestInvalidJSONConfigIsRefused(t *testing.T) {
	_, err := testModule(t, "probe").NewPlugin(`{"tick_ms": `)
	if err == nil || !strings.Contains(err.Error(), "not valid JSON") {
		t.Fatalf("want the plugin's JSON error, got %v", err)
	}
}

func TestWorkersMustBePositive(t *testing.T) {
	if _, err := testModule(t, "probe").NewPlugin("", WithWorkers(0)); err == nil {
		t.Fatal("WithWorkers(0) accepted")
	}
}

func TestTwoABIMarkersAreRefused(t *testing.T) {
	path, err := BuildPlugin("testdata/bad/twomarkers")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Load(path)
	if err == nil || !strings.Contains(err.Error(), "2 ABI markers") {
		t.Fatalf("want two markers refused, got %v", err)
	}
}

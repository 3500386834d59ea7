//go:build !wasip1

package counter_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
)

func moduleSignature(t *testing.T, path string) ([]api.FunctionDefinition, map[string]api.FunctionDefinition) {
	t.Helper()
	wasm, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfigInterpreter())
	defer rt.Close(ctx)
	compiled, err := rt.CompileModule(ctx, wasm)
	if err != nil {
		t.Fatal(err)
	}
	return compiled.ImportedFunctions(), compiled.ExportedFunctions()
}

func importNames(imports []api.FunctionDefinition) []string {
	var names []string
	for _, f := range imports {
		mod, name, _ := f.Import()
		names = append(names, mod+"."+name)
	}
	return names
}

// The default build must load on upstream Envoy: no Higress Redis import anywhere. The higress
// build imports both Redis functions and exports their callback.
func TestRedisOnlyInTheHigressBuild(t *testing.T) {
	imports, exports := moduleSignature(t, probePath(t))
	for _, name := range importNames(imports) {
		if strings.Contains(name, "proxy_redis_") {
			t.Errorf("the default build imports %s", name)
		}
	}
	if _, ok := exports["proxy_on_redis_call_response"]; ok {
		t.Error("the default build exports proxy_on_redis_call_response")
	}
	if err := wasmhost.CheckEnvoyImports(imports, exports, false); err != nil {
		t.Errorf("the default build does not pass Envoy's import check: %v", err)
	}

	imports, exports = moduleSignature(t, probePath(t, "higress"))
	names := strings.Join(importNames(imports), " ")
	for _, want := range []string{"env.proxy_redis_init", "env.proxy_redis_call"} {
		if !strings.Contains(names, want) {
			t.Errorf("the higress build does not import %s", want)
		}
	}
	if _, ok := exports["proxy_on_redis_call_response"]; !ok {
		t.Error("the higress build does not export proxy_on_redis_call_response")
	}
	if err := wasmhost.CheckEnvoyImports(imports, exports, false); err == nil || !strings.Contains(err.Error(), "proxy_redis_call") {
		t.Errorf("Envoy's import check passed the higress build: %v", err)
	}
	if err := wasmhost.CheckEnvoyImports(imports, exports, true); err != nil {
		t.Errorf("the higress build fails Higress's import check: %v", err)
	}
}

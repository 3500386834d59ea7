package wasmhost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tetratelabs/wazero"
)

// TestEveryBuiltModuleFitsEnvoy139 checks every module `make build` produces (out/*.wasm, one
// per plugins/<name>/, and out/testdata/*.wasm) against the list of what Envoy 1.39 provides
// (envoyImports in envoyabi.go, with its source): no other import, exactly one ABI marker,
// and real proxy-wasm host imports (the bridge's methods were not dropped by the linker).
func TestEveryBuiltModuleFitsEnvoy139(t *testing.T) {
	root := filepath.Join("..", "..")
	var modules []string
	pluginDirs, _ := filepath.Glob(filepath.Join(root, "plugins", "*", "main.go"))
	for _, main := range pluginDirs {
		name := filepath.Base(filepath.Dir(main))
		out := filepath.Join(root, "out", name+".wasm")
		if _, err := os.Stat(out); err != nil {
			t.Fatalf("plugins/%s has no out/%s.wasm: run `make build` first (make test does)", name, name)
		}
		modules = append(modules, out)
	}
	testdataDirs, _ := filepath.Glob(filepath.Join("testdata", "*", "main.go"))
	for _, main := range testdataDirs {
		path, err := BuildPlugin(filepath.Dir(main))
		if err != nil {
			t.Fatal(err)
		}
		modules = append(modules, path)
	}
	if len(modules) == 0 {
		t.Fatal("no module to check")
	}
	rt := wazero.NewRuntimeWithConfig(t.Context(), wazero.NewRuntimeConfig().WithCompilationCache(compilationCache()))
	defer rt.Close(t.Context())
	for _, path := range modules {
		wasm, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		compiled, err := rt.CompileModule(t.Context(), wasm)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		imports := compiled.ImportedFunctions()
		if err := CheckEnvoyImports(imports, compiled.ExportedFunctions(), false); err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		proxyImports := 0
		for _, f := range imports {
			if mod, name, _ := f.Import(); mod == "env" && strings.HasPrefix(name, "proxy_") {
				proxyImports++
			}
		}
		if proxyImports < 20 {
			t.Errorf("%s imports only %d env.proxy_* functions: the bridge's host methods were dropped", path, proxyImports)
		}
		t.Logf("%s: %d imports, fits Envoy 1.39", filepath.Base(path), len(imports))
	}
}

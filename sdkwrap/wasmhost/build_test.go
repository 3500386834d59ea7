package wasmhost

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestBuildIsReproducible compares the module `make build` wrote to out/testdata with the one
// BuildPlugin writes to a temporary directory from another working directory: with -trimpath
// and the pinned toolchain, the bytes must be identical.
func TestBuildIsReproducible(t *testing.T) {
	made, err := os.ReadFile(filepath.Join("..", "..", "out", "testdata", "passthrough.wasm"))
	if err != nil {
		t.Fatalf("run `make build` first (make test does): %v", err)
	}
	path, err := BuildPlugin("testdata/passthrough")
	if err != nil {
		t.Fatal(err)
	}
	built, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(made, built) {
		t.Fatalf("the same source built twice differs (%d vs %d bytes); is out/ stale (make build)? This test runs %s, and "+
			"make pins GOTOOLCHAIN=go1.24.13: run it through make test", len(made), len(built), runtime.Version())
	}
}

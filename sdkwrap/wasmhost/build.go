package wasmhost

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
)

var (
	buildMu    sync.Mutex
	buildCache = map[string]string{}
)

// BuildPlugin compiles the Go package in dir (a plugin: package main importing the bridge) to
// a proxy-wasm module with the flags the Makefile uses, and returns the .wasm path. Results
// are cached per process, and Go's build cache makes later runs quick, so tests can call it
// freely.
func BuildPlugin(dir string, tags ...string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	key := fmt.Sprint(abs, tags)
	buildMu.Lock()
	defer buildMu.Unlock()
	if out, ok := buildCache[key]; ok {
		return out, nil
	}
	outDir, err := os.MkdirTemp("", "aiwasm-build-")
	if err != nil {
		return "", err
	}
	out := filepath.Join(outDir, filepath.Base(abs)+".wasm")
	args := []string{"build", "-trimpath", "-buildmode=c-shared", "-o", out}
	if len(tags) > 0 {
		args = append(args, "-tags", joinTags(tags))
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Dir = abs
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("wasmhost: building %s: %v\n%s", dir, err, stderr.String())
	}
	buildCache[key] = out
	return out, nil
}

func joinTags(tags []string) string {
	s := tags[0]
	for _, t := range tags[1:] {
		s += "," + t
	}
	return s
}

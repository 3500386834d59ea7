package plugin_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// The version the Makefile compiles in is logged at info, once per VM, at the first
// configure, even one that is refused; a module built without it logs no version line.
func TestVersionLoggedOnceAtStart(t *testing.T) {
	out := filepath.Join(t.TempDir(), "fwpass.wasm")
	cmd := exec.Command("go", "build", "-trimpath", "-buildmode=c-shared",
		"-ldflags", "-X github.com/aiwasm/aiwasm/sdkwrap/plugin.Version=9.9.9-test", "-o", out, ".")
	cmd.Dir = "testdata/fwpass"
	cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	m, err := wasmhost.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	const line = "[fwpass] aiwasm fwpass 9.9.9-test"

	p := m.TestPlugin(t, `{}`, wasmhost.WithWorkers(2))
	perWorker := map[int]int{}
	for _, l := range p.Logs() {
		if strings.Contains(l.Message, "aiwasm ") {
			if l.Message != line || l.Level != wasmhost.LevelInfo {
				t.Errorf("version line %v", l)
			}
			perWorker[l.Worker]++
		}
	}
	if perWorker[0] != 1 || perWorker[1] != 1 {
		t.Errorf("version lines per worker %v, want one on each", perWorker)
	}

	_, err = m.NewPlugin(`{`)
	cerr, ok := err.(*wasmhost.ConfigureError)
	if !ok || len(cerr.Logs) == 0 || cerr.Logs[0].Message != line {
		t.Errorf("refused configuration: %v, logs %v", err, cerr)
	}

	plain := wasmhost.SharedModule(t, "testdata/fwpass").TestPlugin(t, `{}`)
	for _, l := range plain.Logs() {
		if strings.Contains(l.Message, "aiwasm ") {
			t.Errorf("a module built without a version logged %v", l)
		}
	}
}

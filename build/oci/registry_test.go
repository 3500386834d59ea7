package oci

import (
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
)

// The registry the tests push to: Debian's docker-registry (the CNCF distribution registry,
// what most private registries run), started on a free loopback port with its own storage
// and killed when the test ends. make registry installs it. Without it, the tests fall back
// to go-containerregistry's in-process registry, unless AIWASM_REQUIRE_REGISTRY=1 (make
// test) makes its absence a failure.
const registryBinary = "/usr/bin/docker-registry"

func startRegistry(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		bin = registryBinary
	}
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("AIWASM_REQUIRE_REGISTRY") == "1" {
			t.Fatalf("docker-registry not installed (make registry): %v", err)
		}
		t.Logf("docker-registry not installed (make registry): using go-containerregistry's in-process registry")
		srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
		t.Cleanup(srv.Close)
		return srv.Listener.Addr().String()
	}
	addr := freeLoopbackAddr(t)
	dir := t.TempDir()
	config := fmt.Sprintf(`version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
`, filepath.Join(dir, "storage"), addr)
	cfgPath := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", cfgPath)
	logFile, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		logFile.Close()
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return addr
			}
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(logFile.Name())
			t.Fatalf("docker-registry did not answer on %s: %v\n%s", addr, err, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freeLoopbackAddr finds a port nobody listens on; the registry binds it a moment later.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

package testbed

import (
	"net"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test bed's failure modes: each ends in an error with Envoy's own words, never a hang.

func TestStartEnvoyPortTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	port := taken.Addr().(*net.TCPAddr).Port
	_, err = StartEnvoy(Gateway{
		Plugins: []Plugin{},
		Edit: func(cfg map[string]any) error {
			sock, err := dig(listOf(cfg, "static_resources", "listeners")[0], "address", "socket_address")
			sock["port_value"] = port
			return err
		},
	}, EnvoyOptions{Dir: t.TempDir(), ReadyTimeout: 20 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "ddress already in use") {
		t.Fatalf("StartEnvoy on a taken port: %v", err)
	}
}

func TestStartEnvoyBadConfig(t *testing.T) {
	_, err := StartEnvoy(Gateway{
		Plugins: []Plugin{},
		Edit: func(cfg map[string]any) error {
			cfg["static_resources"].(map[string]any)["no_such_field"] = true
			return nil
		},
	}, EnvoyOptions{Dir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "no_such_field") || !strings.Contains(err.Error(), "exited before it was ready") {
		t.Fatalf("StartEnvoy with an unknown field: %v", err)
	}
}

func TestEnvoyDyingIsReported(t *testing.T) {
	e, err := StartEnvoy(Gateway{Plugins: []Plugin{}}, EnvoyOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Stop()
	if err := e.Died(); err != nil {
		t.Fatalf("a running Envoy reported dead: %v", err)
	}
	_ = syscall.Kill(e.Pid(), syscall.SIGKILL)
	select {
	case <-e.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Envoy still running 10s after SIGKILL")
	}
	if err := e.Died(); err == nil || !strings.Contains(err.Error(), "Envoy died") || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("Died() = %v", err)
	}
	e.Stop()
	if err := e.Died(); err != nil {
		t.Fatalf("after Stop, Died() = %v", err)
	}
}

func TestStopLeavesNoProcess(t *testing.T) {
	e, err := StartEnvoy(Gateway{Plugins: []Plugin{}}, EnvoyOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	pid := e.Pid()
	e.Stop()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Fatalf("Envoy (pid %d) still exists after Stop", pid)
	}
}

// E2E_ENVOY=docker runs the official image on the same file. Where no Docker engine runs
// (our CI) the error must say so in docker's words; where one runs, Envoy must come up.
func TestDockerEnvoy(t *testing.T) {
	t.Setenv("E2E_ENVOY", "docker")
	e, err := StartEnvoy(Gateway{Plugins: []Plugin{}}, EnvoyOptions{Dir: t.TempDir(), ReadyTimeout: 60 * time.Second})
	if err != nil {
		if !strings.Contains(err.Error(), "docker") {
			t.Fatalf("E2E_ENVOY=docker failed without naming docker: %v", err)
		}
		t.Logf("no usable Docker engine here: %v", err)
		return
	}
	defer e.Stop()
	if e.Binary.Version.Less(MinEnvoy) {
		t.Fatalf("docker Envoy %s", e.Binary.Version)
	}
	if _, err := e.Admin("/ready"); err != nil {
		t.Fatal(err)
	}
}

package testbed

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Ratelimit is a running envoyproxy/ratelimit service: the cluster-wide counter backend the
// rate-limit plugins reach with POST /json on HTTPAddr.
type Ratelimit struct {
	*Process
	HTTPAddr string
	GRPCAddr string
}

// FindRatelimit locates the service binary: $RATELIMIT_BIN, else the one `make tools`
// installed into .cache/bin.
func FindRatelimit() (string, error) {
	if bin := os.Getenv("RATELIMIT_BIN"); bin != "" {
		return bin, nil
	}
	bin, err := RepoPath(".cache", "bin", "service_cmd")
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(bin); err != nil {
		return "", fmt.Errorf("no ratelimit service: run `make tools` (go install github.com/envoyproxy/ratelimit/src/service_cmd) or set RATELIMIT_BIN: %w", err)
	}
	return bin, nil
}

// StartRatelimit runs the service against the Redis at redisAddr with one config file (the
// service's YAML: domain, descriptors, rate_limit) and waits for its /healthcheck.
func StartRatelimit(dir, redisAddr, configYAML string) (*Ratelimit, error) {
	bin, err := FindRatelimit()
	if err != nil {
		return nil, err
	}
	// The service reads every file in $RUNTIME_ROOT/$RUNTIME_SUBDIRECTORY/config/.
	confDir := filepath.Join(dir, "runtime", "ratelimit", "config")
	if err := mkdir(confDir); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(confDir, "limits.yaml"), []byte(configYAML), 0o600); err != nil {
		return nil, err
	}
	ports := make([]int, 3)
	for i := range ports {
		if ports[i], err = FreePort(); err != nil {
			return nil, err
		}
	}
	env := []string{
		"USE_STATSD=false",
		"LOG_LEVEL=info",
		"REDIS_SOCKET_TYPE=tcp",
		"REDIS_URL=" + redisAddr,
		"RUNTIME_ROOT=" + filepath.Join(dir, "runtime"),
		"RUNTIME_SUBDIRECTORY=ratelimit",
		"RUNTIME_WATCH_ROOT=false",
		"HOST=127.0.0.1", "PORT=" + strconv.Itoa(ports[0]),
		"GRPC_HOST=127.0.0.1", "GRPC_PORT=" + strconv.Itoa(ports[1]),
		"DEBUG_HOST=127.0.0.1", "DEBUG_PORT=" + strconv.Itoa(ports[2]),
	}
	p, err := StartProcess("ratelimit", filepath.Join(dir, "ratelimit.log"), env, bin)
	if err != nil {
		return nil, err
	}
	rl := &Ratelimit{Process: p, HTTPAddr: hostPort(ports[0]), GRPCAddr: hostPort(ports[1])}
	client := &http.Client{Timeout: time.Second}
	err = p.WaitUntil(20*time.Second, func() error {
		resp, err := client.Get("http://" + rl.HTTPAddr + "/healthcheck")
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("/healthcheck: %s", resp.Status)
		}
		return nil
	})
	if err != nil {
		p.Stop(time.Second)
		return nil, err
	}
	return rl, nil
}

// Stop ends the service.
func (r *Ratelimit) Stop() { r.Process.Stop(3 * time.Second) }

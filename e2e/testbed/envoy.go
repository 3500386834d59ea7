package testbed

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"
)

// Envoy is a running Envoy started from a rendered example config.
type Envoy struct {
	*Process
	Binary   EnvoyBinary
	Config   *Rendered
	URL      string // http://127.0.0.1:<gateway port>
	AdminURL string

	stopped atomic.Bool
}

// EnvoyOptions are the knobs of one Envoy run.
type EnvoyOptions struct {
	// Dir receives the rendered config and the logs; required.
	Dir string
	// Concurrency is the number of worker threads (each runs its own copy of every plugin
	// VM); default 2.
	Concurrency int
	// LogLevel is Envoy's log level; default "info". Plugin logs come from the "wasm"
	// component, kept at least at "info".
	LogLevel string
	// ReadyTimeout bounds start-up; default 90s (V8 compiles every module for every worker, which
	// takes tens of seconds for the full chain on a busy 2-core machine).
	ReadyTimeout time.Duration
}

// StartEnvoy renders g and runs Envoy on it until the admin's /ready says LIVE. With
// E2E_ENVOY=docker it runs the envoyproxy/envoy image on the very same file instead. A config
// Envoy refuses, a port taken or a crash during start-up come back as an error quoting Envoy's
// own log.
func StartEnvoy(g Gateway, opt EnvoyOptions) (*Envoy, error) {
	if opt.Dir == "" {
		return nil, fmt.Errorf("testbed: EnvoyOptions.Dir is required")
	}
	if opt.Concurrency == 0 {
		opt.Concurrency = 2
	}
	if opt.LogLevel == "" {
		opt.LogLevel = "info"
	}
	if opt.ReadyTimeout == 0 {
		opt.ReadyTimeout = 90 * time.Second
	}
	r, err := Render(g, opt.Dir)
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(opt.Dir, "envoy.log")
	args := []string{
		"-c", r.Path,
		"--concurrency", fmt.Sprint(opt.Concurrency),
		"--log-level", opt.LogLevel,
		"--component-log-level", "wasm:" + atLeastInfo(opt.LogLevel),
		// Several Envoys run side by side in one test binary: no shared-memory hot restart.
		"--disable-hot-restart",
		// Access logs reach the file within 200 ms instead of Envoy's default 10 s, so tests
		// and the demo can read the entry of the request they just made.
		"--file-flush-interval-msec", "200",
	}
	var bin EnvoyBinary
	var proc *Process
	if os.Getenv("E2E_ENVOY") == "docker" {
		bin, proc, err = startDockerEnvoy(r, logPath, args)
	} else {
		bin, err = FindEnvoy()
		if err == nil {
			proc, err = StartProcess("envoy", logPath, nil, append([]string{bin.Path}, args...)...)
		}
	}
	if err != nil {
		return nil, err
	}
	e := &Envoy{
		Process:  proc,
		Binary:   bin,
		Config:   r,
		URL:      "http://" + hostPort(r.Port("")),
		AdminURL: "http://" + hostPort(r.AdminPort),
	}
	if err := proc.WaitUntil(opt.ReadyTimeout, e.ready); err != nil {
		e.Stop()
		if complaints := e.Complaints(); len(complaints) > 0 {
			err = fmt.Errorf("%w\nEnvoy's errors:\n%s", err, strings.Join(complaints, "\n"))
		}
		return nil, err
	}
	return e, nil
}

// Complaints are the lines Envoy logged at error or critical level: where a refused plugin
// config or a bad Envoy config is explained.
func (e *Envoy) Complaints() []string {
	var out []string
	for _, line := range strings.Split(e.Log(), "\n") {
		if strings.Contains(line, "[error]") || strings.Contains(line, "[critical]") {
			out = append(out, line)
		}
	}
	return out
}

func atLeastInfo(level string) string {
	switch level {
	case "trace", "debug":
		return level
	}
	return "info"
}

// ready asks the admin whether the server is LIVE and listening; until every listener has
// bound, requests would be refused.
func (e *Envoy) ready() error {
	body, err := e.Admin("/ready")
	if err != nil {
		return err
	}
	if strings.TrimSpace(body) != "LIVE" {
		return fmt.Errorf("admin /ready says %q", strings.TrimSpace(body))
	}
	for name, port := range e.Config.Listeners {
		if err := dialable(hostPort(port)); err != nil {
			return fmt.Errorf("listener %s: %w", name, err)
		}
	}
	return nil
}

var adminClient = &http.Client{Timeout: 5 * time.Second}

// Admin GETs a path of the admin interface and returns the body; a status other than 200 is
// an error.
func (e *Envoy) Admin(path string) (string, error) {
	resp, err := adminClient.Get(e.AdminURL + path)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return string(b), fmt.Errorf("admin %s: %s", path, resp.Status)
	}
	return string(b), nil
}

// Stop ends Envoy (drain is not waited for).
func (e *Envoy) Stop() {
	e.stopped.Store(true)
	e.Process.Stop(5 * time.Second)
}

// Died is nil while Envoy runs or after Stop; once Envoy has ended on its own it is an error
// with Envoy's last words.
func (e *Envoy) Died() error {
	if e.stopped.Load() {
		return nil
	}
	if exited, err := e.Exited(); exited {
		return fmt.Errorf("Envoy died (%v); its log ends with:\n%s", err, e.LogTail(40))
	}
	return nil
}

// Client is an HTTP client for requests through Envoy, bounded so a hung request fails the
// test instead of hanging it.
func (e *Envoy) Client() *http.Client { return &http.Client{Timeout: 30 * time.Second} }

// AccessLog is what the access logs wrote so far, one line per request.
func (e *Envoy) AccessLog() string {
	b, _ := os.ReadFile(e.Config.AccessLog)
	return string(b)
}

// WasmErrors are the lines of Envoy's log that report a Wasm failure at error level or above
// (a plugin that failed to load or configure, a VM that crashed).
func (e *Envoy) WasmErrors() []string {
	var out []string
	for _, line := range e.Complaints() {
		if strings.Contains(line, "wasm") || strings.Contains(line, "Wasm") {
			out = append(out, line)
		}
	}
	return out
}

// startDockerEnvoy runs the official image on the host network with the config directory and
// the repository mounted at their own paths, so the rendered file works unchanged.
func startDockerEnvoy(r *Rendered, logPath string, args []string) (EnvoyBinary, *Process, error) {
	image := os.Getenv("E2E_ENVOY_IMAGE")
	if image == "" {
		image = "envoyproxy/envoy:v1.40.0"
	}
	if _, err := exec.LookPath("docker"); err != nil {
		return EnvoyBinary{}, nil, fmt.Errorf("E2E_ENVOY=docker but no docker client: %w", err)
	}
	root, err := RepoRoot()
	if err != nil {
		return EnvoyBinary{}, nil, err
	}
	out, err := exec.Command("docker", "run", "--rm", image, "--version").CombinedOutput()
	if err != nil {
		return EnvoyBinary{}, nil, fmt.Errorf("docker run %s --version: %v: %s", image, err, strings.TrimSpace(string(out)))
	}
	v, err := ParseVersion(string(out))
	if err != nil {
		return EnvoyBinary{}, nil, fmt.Errorf("image %s: %w", image, err)
	}
	if v.Less(MinEnvoy) {
		return EnvoyBinary{}, nil, fmt.Errorf("image %s is Envoy %s; Go wasip1 plugins need %s or newer", image, v, MinEnvoy)
	}
	name := fmt.Sprintf("aiwasm-e2e-%d", r.AdminPort)
	argv := []string{"docker", "run", "--rm", "--name", name, "--network", "host",
		"--user", fmt.Sprintf("%d:%d", os.Getuid(), os.Getgid()),
		"-v", r.Dir + ":" + r.Dir, "-v", root + ":" + root + ":ro", image}
	proc, err := StartProcess("envoy (docker "+image+")", logPath, nil, append(argv, args...)...)
	if err != nil {
		return EnvoyBinary{}, nil, err
	}
	// Stopping the docker client does not always stop the container: remove it as well.
	proc.onStop = func() { _ = exec.Command("docker", "rm", "-f", name).Run() }
	return EnvoyBinary{Path: "docker:" + image, Version: v}, proc, nil
}

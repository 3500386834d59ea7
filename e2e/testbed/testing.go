package testbed

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// MustStartEnvoy starts Envoy for a test and stops it when the test ends. On failure the test
// shows the end of Envoy's log and its access log, so the cause is in the test output. opts, at
// most one, set the worker count or log level; Dir defaults to a test directory.
func MustStartEnvoy(t testing.TB, g Gateway, opts ...EnvoyOptions) *Envoy {
	t.Helper()
	var opt EnvoyOptions
	if len(opts) > 0 {
		opt = opts[0]
	}
	if opt.Dir == "" {
		opt.Dir = t.TempDir()
	}
	e, err := StartEnvoy(g, opt)
	if err != nil {
		t.Fatalf("starting Envoy: %v", err)
	}
	t.Cleanup(func() {
		if err := e.Died(); err != nil {
			t.Errorf("during the test: %v", err)
		}
		e.Stop()
		if t.Failed() {
			t.Logf("Envoy %s log (last 60 lines):\n%s", e.Binary.Version, e.LogTail(60))
			t.Logf("access log (last 10 lines):\n%s", tailLines(e.AccessLog(), 10))
		}
	})
	return e
}

// Module is the path of a built module under out/ (e.g. "key-auth" or "testdata/probe"); the
// test fails, naming the fix, when it has not been built.
func Module(t testing.TB, name string) string {
	t.Helper()
	path, err := RepoPath("out", filepath.FromSlash(name)+".wasm")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("module %s is not built (run `make build`): %v", name, err)
	}
	return path
}

// MustStartRedis starts redis-server for a test and stops it when the test ends. Without
// redis-server on PATH the test skips, unless AIWASM_REQUIRE_REDIS=1 (make test sets it) makes
// that a failure, so the tests cannot silently vanish in CI.
func MustStartRedis(t testing.TB, password string, args ...string) *Redis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		if os.Getenv("AIWASM_REQUIRE_REDIS") == "1" {
			t.Fatalf("redis-server is not on PATH and AIWASM_REQUIRE_REDIS=1: %v", err)
		}
		t.Skip("redis-server is not on PATH (make redis installs it); set AIWASM_REQUIRE_REDIS=1 to fail instead")
	}
	r, err := StartRedis(t.TempDir(), password, args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Stop)
	return r
}

// MustStartRatelimit starts the envoyproxy/ratelimit service on redis for a test, with one
// limits file, and stops it when the test ends.
func MustStartRatelimit(t testing.TB, redis *Redis, configYAML string) *Ratelimit {
	t.Helper()
	rl, err := StartRatelimit(t.TempDir(), redis.Addr, configYAML)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		rl.Stop()
		if t.Failed() {
			t.Logf("ratelimit log (last 20 lines):\n%s", rl.LogTail(20))
		}
	})
	return rl
}

// MustPTTL is the key's time to live in milliseconds, failing the test if Redis cannot say.
func (r *Redis) MustPTTL(t testing.TB, key string) int64 {
	t.Helper()
	n, err := r.PTTL(key)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

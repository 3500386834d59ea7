package wasmhost

import (
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/testbed"
)

// These tests run the Higress Redis host functions (WithRedis) against a real redis-server,
// driven by testdata/higress/redisprobe. Without redis-server on PATH they skip, unless
// AIWASM_REQUIRE_REDIS=1 makes that a failure (CI sets it so the tests cannot silently vanish).

// startRedis starts a throw-away redis-server for the test (the e2e test bed's) and returns
// it; args are extra server options such as "--requirepass", "secret".
func startRedis(t testing.TB, password string, args ...string) *testbed.Redis {
	return testbed.MustStartRedis(t, password, args...)
}

// redisFreeAddr returns 127.0.0.1:<port> for a port nobody listened on a moment ago.
func redisFreeAddr(t testing.TB) string {
	t.Helper()
	port, err := testbed.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
}

// redisModule loads testdata/higress/redisprobe with the Higress Redis functions served by addr.
func redisModule(t testing.TB, addr string) *Module {
	t.Helper()
	path, err := BuildPlugin("testdata/higress/redisprobe")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(path, WithRedis(addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func newRedisProbe(t testing.TB, addr, config string, opts ...PluginOption) *Plugin {
	t.Helper()
	return redisModule(t, addr).TestPlugin(t, config, opts...)
}

// redisRequest sends a request carrying x-redis-cmd through a new stream and returns the
// stream and the request headers as the upstream would see them. It fails the test if the
// call does not finish within limit (a hang).
func redisRequest(t testing.TB, p *Plugin, limit time.Duration, nameValues ...string) (*Stream, Headers) {
	t.Helper()
	type result struct {
		act Action
		err error
	}
	s := p.NewStream()
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		act, err := s.RequestHeaders(with(getRequest, nameValues...), true)
		done <- result{act, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("request headers %v: %v", nameValues, r.err)
		}
		if took := time.Since(start); took > limit {
			t.Fatalf("request headers %v took %v, more than %v", nameValues, took, limit)
		}
	case <-time.After(limit):
		t.Fatalf("request headers %v did not return within %v", nameValues, limit)
	}
	h, _ := s.UpstreamRequest()
	return s, h
}

// redisAssertResumed checks the plugin paused the request and resumed it exactly once.
func redisAssertResumed(t testing.TB, s *Stream) {
	t.Helper()
	if n := s.Resumed(false); n != 1 {
		t.Errorf("stream %d: request resumed %d times, want 1", s.ID(), n)
	}
	if s.RequestPaused() {
		t.Errorf("stream %d: request still paused", s.ID())
	}
}

func TestRedisIncrThroughTwoStreams(t *testing.T) {
	redis := startRedis(t, "")
	addr := redis.Addr
	p := newRedisProbe(t, addr, "")

	for i, want := range []string{":1", ":2"} {
		s, h := redisRequest(t, p, 5*time.Second, "x-redis-cmd", "INCR k1")
		if got := h.Value("x-redis-reply"); got != want {
			t.Errorf("INCR #%d: x-redis-reply = %q, want %q (x-redis-error %q; logs %v)",
				i+1, got, want, h.Value("x-redis-error"), p.Logs())
		}
		redisAssertResumed(t, s)
		if err := s.Complete(); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := redis.Do("GET", "k1"); err != nil || got != "$1\r\n2\r\n" {
		t.Fatalf("k1 in Redis: %q %v, want the bulk string 2", got, err)
	}

	// Multi-line replies: the final CRLF is dropped, inner ones are escaped as `\r\n`.
	if _, err := redis.Do("SET", "k2", "bar"); err != nil {
		t.Fatal(err)
	}
	s, h := redisRequest(t, p, 5*time.Second, "x-redis-cmd", "GET k2")
	if got, want := h.Value("x-redis-reply"), `$3\r\nbar`; got != want {
		t.Errorf("GET k2: x-redis-reply = %q, want %q", got, want)
	}
	redisAssertResumed(t, s)
	s, h = redisRequest(t, p, 5*time.Second, "x-redis-cmd", "MGET k1 k2 nope")
	if got, want := h.Value("x-redis-reply"), `*3\r\n$1\r\n2\r\n$3\r\nbar\r\n$-1`; got != want {
		t.Errorf("MGET: x-redis-reply = %q, want %q", got, want)
	}
	redisAssertResumed(t, s)

	// A Redis error reply is a successful call (status 0) whose reply starts with '-'.
	s, h = redisRequest(t, p, 5*time.Second, "x-redis-cmd", "INCR k2")
	if got := h.Value("x-redis-reply"); !strings.HasPrefix(got, "-ERR") {
		t.Errorf("INCR of a string: x-redis-reply = %q, want a -ERR reply", got)
	}
	redisAssertResumed(t, s)
}

func TestRedisAcrossWorkersSharesOneServer(t *testing.T) {
	addr := startRedis(t, "").Addr
	p := newRedisProbe(t, addr, "", WithWorkers(2))
	workers := map[int]bool{}
	for i := 1; i <= 4; i++ {
		s, h := redisRequest(t, p, 5*time.Second, "x-redis-cmd", "INCR shared")
		workers[s.Worker()] = true
		if got, want := h.Value("x-redis-reply"), ":"+strconv.Itoa(i); got != want {
			t.Errorf("INCR #%d on worker %d: x-redis-reply = %q, want %q", i, s.Worker(), got, want)
		}
		redisAssertResumed(t, s)
	}
	if len(workers) != 2 {
		t.Errorf("streams ran on workers %v, want both", workers)
	}
}

func TestRedisRequirePass(t *testing.T) {
	const password = "s3cret-pass"
	redis := startRedis(t, password, "--requirepass", password)
	addr := redis.Addr
	m := redisModule(t, addr)

	t.Run("right password", func(t *testing.T) {
		p, err := m.NewPlugin(`{"password": "` + password + `"}`)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		s, h := redisRequest(t, p, 5*time.Second, "x-redis-cmd", "INCR authed")
		if got := h.Value("x-redis-reply"); got != ":1" {
			t.Errorf("x-redis-reply = %q, want :1 (x-redis-error %q; logs %v)", got, h.Value("x-redis-error"), p.Logs())
		}
		redisAssertResumed(t, s)
		if got, err := redis.Do("GET", "authed"); err != nil || got != "$1\r\n1\r\n" {
			t.Errorf("authed in Redis: %q %v", got, err)
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		p, err := m.NewPlugin(`{"password": "wrong"}`)
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		s, h := redisRequest(t, p, 5*time.Second, "x-redis-cmd", "INCR authed")
		if h.Has("x-redis-reply") || h.Value("x-redis-error") == "" || h.Value("x-redis-error") == "0" {
			t.Errorf("refused AUTH: want x-redis-error, got reply %q error %q", h.Value("x-redis-reply"), h.Value("x-redis-error"))
		}
		redisAssertResumed(t, s)
	})

	t.Run("no password", func(t *testing.T) {
		p, err := m.NewPlugin("")
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		// Redis answers with an error reply; the call itself succeeded.
		s, h := redisRequest(t, p, 5*time.Second, "x-redis-cmd", "INCR authed")
		if got := h.Value("x-redis-reply"); !strings.HasPrefix(got, "-NOAUTH") {
			t.Errorf("x-redis-reply = %q, want -NOAUTH", got)
		}
		redisAssertResumed(t, s)
	})
}

func TestRedisDownGivesAFailureStatus(t *testing.T) {
	// A port nobody listens on: the dial is refused.
	addr := redisFreeAddr(t)
	p := newRedisProbe(t, addr, `{"timeout_ms": 500}`)
	for i := 0; i < 2; i++ { // and again: a failed client must not wedge later calls
		s, h := redisRequest(t, p, 5*time.Second, "x-redis-cmd", "INCR k1")
		if h.Has("x-redis-reply") || h.Value("x-redis-error") == "" || h.Value("x-redis-error") == "0" {
			t.Fatalf("down Redis: want x-redis-error, got reply %q error %q", h.Value("x-redis-reply"), h.Value("x-redis-error"))
		}
		redisAssertResumed(t, s)
	}
	if !p.LogContains("redis call failed") {
		t.Errorf("the host did not log the failed call: %v", p.Logs())
	}
}

func TestRedisThatNeverAnswersTimesOut(t *testing.T) {
	// A server that accepts and reads but never replies: the plugin's timeout_ms must bound
	// the call.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() { // read and discard until the client gives up and closes
				defer c.Close()
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	p := newRedisProbe(t, l.Addr().String(), `{"timeout_ms": 300}`)
	start := time.Now()
	s, h := redisRequest(t, p, 5*time.Second, "x-redis-cmd", "PING")
	if took := time.Since(start); took < 250*time.Millisecond {
		t.Errorf("the call failed after %v, before the 300 ms timeout", took)
	}
	if h.Has("x-redis-reply") || h.Value("x-redis-error") == "" {
		t.Fatalf("silent Redis: want x-redis-error, got reply %q error %q", h.Value("x-redis-reply"), h.Value("x-redis-error"))
	}
	redisAssertResumed(t, s)
}

func TestRedisCallToAClusterNotInitialised(t *testing.T) {
	p := newRedisProbe(t, redisFreeAddr(t), "")
	s, h := redisRequest(t, p, 5*time.Second, "x-redis-cmd", "PING", "x-redis-cluster", "other")
	if got := h.Value("x-redis-call-error"); got != strconv.Itoa(int(statusBadArgument)) {
		t.Errorf("x-redis-call-error = %q, want BadArgument (%d)", got, statusBadArgument)
	}
	if s.RequestPaused() || s.Resumed(false) != 0 {
		t.Errorf("a refused call must not pause: paused %v resumed %d", s.RequestPaused(), s.Resumed(false))
	}
}

func TestRedisModuleNeedsWithRedisInStrictMode(t *testing.T) {
	path, err := BuildPlugin("testdata/higress/redisprobe")
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(path)
	if err == nil {
		m.Close()
		t.Fatal("strict Load without WithRedis accepted a module importing the Higress Redis functions")
	}
	if !strings.Contains(err.Error(), "env.proxy_redis_call") && !strings.Contains(err.Error(), "env.proxy_redis_init") {
		t.Fatalf("strict Load error does not name env.proxy_redis_call or env.proxy_redis_init: %v", err)
	}
}

//go:build !wasip1

package main

// The higress build's Redis store against a real redis-server (skipped without one, unless
// AIWASM_REQUIRE_REDIS=1): two gateways share answers, scopes stay apart, entries expire,
// and a Redis that fails leaves requests uncached, never failed.

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/fakellm"
	"github.com/aiwasm/aiwasm/e2e/testbed"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
	"github.com/tidwall/gjson"
)

const redisPassword = "r3dis-pw-ca11ab1e"

// redisGateway is one gateway: the higress build in its own module (its own shared data),
// its Redis functions served by the Redis at addr.
func redisGateway(t *testing.T, addr, config string) *wasmhost.Plugin {
	t.Helper()
	return wasmhost.HigressModule(t, ".", addr).TestPlugin(t, config, wasmhost.WithClock(wasmhost.NewClock(t0)), wasmhost.WithCluster("fakellm", fakeLLM(t)))
}

func redisConfig(extra string) string {
	return `{"store": "redis", "ttl": 120,
		"redis": {"service_name": "redis.static", "service_port": 6379, "username": "default", "password": "` + redisPassword + `", "timeout": "500ms"}` + extra + `}`
}

func redisKeys(t *testing.T, r *testbed.Redis) []string {
	t.Helper()
	reply, err := r.Do("KEYS", "ai-cache:*")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, line := range strings.Split(reply, "\r\n") {
		if strings.HasPrefix(line, "ai-cache:") {
			keys = append(keys, line)
		}
	}
	return keys
}

func TestRedisStoreSharedByGateways(t *testing.T) {
	redis := testbed.MustStartRedis(t, redisPassword, "--requirepass", redisPassword)
	a := redisGateway(t, redis.Addr, redisConfig(""))
	b := redisGateway(t, redis.Addr, redisConfig(""))
	alice, bob := consumer("alice"), consumer("bob")
	prompt := "what is the capital of france"

	first := do(t, a, call{body: chatBody(prompt), headers: alice})
	if first.status() != "MISS" || !first.reached {
		t.Fatalf("first on a: %s reached %v", first.status(), first.reached)
	}
	keys := redisKeys(t, redis)
	if len(keys) != 1 || len(keys[0]) != len("ai-cache:")+32 {
		t.Fatalf("redis keys %q: want one ai-cache:<32 hex digits>", keys)
	}
	if ttl := redis.MustPTTL(t, keys[0]); ttl <= 110_000 || ttl > 120_000 {
		t.Fatalf("PTTL %d ms, want the configured 120 s", ttl)
	}
	if v, _ := redis.Do("GET", keys[0]); strings.Contains(keys[0], "france") || !strings.Contains(v, fakellm.Reply(prompt)) {
		t.Fatalf("key %q holds %q", keys[0], v)
	}

	// Another gateway serves it: JSON, then a stream, without reaching the upstream.
	hit := do(t, b, call{body: chatBody(prompt), headers: alice})
	if hit.status() != "HIT" || hit.reached || hit.filterSt != "hit" || hit.headers.Value("age") != "0" ||
		gjson.Get(hit.body, "choices.0.message.content").Str != fakellm.Reply(prompt) {
		t.Fatalf("hit on b: %s reached %v age %q body %s", hit.status(), hit.reached, hit.headers.Value("age"), hit.body)
	}
	streamed := do(t, b, call{body: chatBody(prompt, `"stream":true`), headers: alice})
	if streamed.status() != "HIT" || !strings.HasPrefix(streamed.headers.Value("content-type"), "text/event-stream") ||
		!strings.HasSuffix(streamed.body, "data: [DONE]\n\n") || !strings.Contains(streamed.body, fakellm.Reply(prompt)) {
		t.Fatalf("streamed hit: %s %q", streamed.status(), streamed.body)
	}
	// Scopes stay apart: bob misses and gets his own entry.
	if r := do(t, b, call{body: chatBody(prompt), headers: bob}); r.status() != "MISS" || !r.reached {
		t.Fatalf("bob: %s reached %v", r.status(), r.reached)
	}
	if n := len(redisKeys(t, redis)); n != 2 {
		t.Fatalf("%d keys after bob's miss, want 2", n)
	}
	if metric(a, "ai_cache_stores") != 1 || metric(b, "ai_cache_hits") != 2 || metric(b, "ai_cache_stores") != 1 {
		t.Fatalf("stores a %d, hits b %d, stores b %d", metric(a, "ai_cache_stores"), metric(b, "ai_cache_hits"), metric(b, "ai_cache_stores"))
	}
	for _, p := range []*wasmhost.Plugin{a, b} {
		for _, l := range p.Logs() {
			if strings.Contains(l.Message, redisPassword) || strings.Contains(l.Message, prompt) {
				t.Fatalf("logged a secret or the prompt: %s", l.Message)
			}
		}
	}
}

// Redis expires entries with the configured ttl.
func TestRedisStoreExpires(t *testing.T) {
	redis := testbed.MustStartRedis(t, "")
	p := redisGateway(t, redis.Addr, `{"store": "redis", "scope": "global", "ttl": 1, "redis": {"service_name": "redis.static"}}`)
	do(t, p, call{body: chatBody("short lived")})
	if r := do(t, p, call{body: chatBody("short lived")}); r.status() != "HIT" {
		t.Fatalf("before the ttl: %s", r.status())
	}
	time.Sleep(1200 * time.Millisecond)
	if r := do(t, p, call{body: chatBody("short lived")}); r.status() != "MISS" || !r.reached {
		t.Fatalf("after the ttl: %s", r.status())
	}
}

// A semantic hit whose answer is in Redis: the index answers at once, Redis later.
func TestRedisStoreSemanticHit(t *testing.T) {
	redis := testbed.MustStartRedis(t, "")
	config := strings.Replace(semanticExample, `"scope": "global",`, `"scope": "global", "store": "redis", "redis": {"service_name": "redis.static"},`, 1)
	p := redisGateway(t, redis.Addr, config)
	if r := do(t, p, call{body: chatBody("what is the capital of france")}); r.status() != "MISS" {
		t.Fatalf("first: %s", r.status())
	}
	close := do(t, p, call{body: chatBody("what is the capital of france please")})
	if close.status() != "HIT" || close.reached || !strings.HasPrefix(close.headers.Value("x-ai-cache-similarity"), "0.9") ||
		gjson.Get(close.body, "choices.0.message.content").Str != fakellm.Reply("what is the capital of france") {
		t.Fatalf("close question: %s reached %v %s", close.status(), close.reached, close.body)
	}
	if r := do(t, p, call{body: chatBody("tell me a joke about cats")}); r.status() != "MISS" || !r.reached {
		t.Fatalf("unrelated question: %s", r.status())
	}
}

// A Redis that refuses or is gone: every request is a miss that reaches the upstream and is
// answered; the failures are counted and logged without the password.
func TestRedisStoreFailsOpen(t *testing.T) {
	redis := testbed.MustStartRedis(t, redisPassword, "--requirepass", redisPassword)
	wrong := redisGateway(t, redis.Addr, strings.Replace(redisConfig(""), redisPassword, "wrong-"+redisPassword, 1))
	r := do(t, wrong, call{body: chatBody("hello"), headers: consumer("alice")})
	if r.status() != "MISS" || !r.reached || gjson.Get(r.body, "choices.0.message.content").Str != fakellm.Reply("hello") {
		t.Fatalf("wrong password: %s reached %v %s", r.status(), r.reached, r.body)
	}
	// The GET and the SET both failed.
	if n := metric(wrong, "ai_cache_store_errors"); n != 2 || metric(wrong, "ai_cache_stores") != 0 {
		t.Fatalf("store errors %d (want 2), stores %d (want 0: the SET was refused)", n, metric(wrong, "ai_cache_stores"))
	}
	p := redisGateway(t, redis.Addr, redisConfig(""))
	redis.Stop()
	for range 2 {
		if r := do(t, p, call{body: chatBody("hello"), headers: consumer("alice")}); r.status() != "MISS" || !r.reached {
			t.Fatalf("redis down: %s reached %v", r.status(), r.reached)
		}
	}
	if n := metric(p, "ai_cache_store_errors"); n != 4 {
		t.Fatalf("store errors %d with redis down, want 4", n)
	}
	for _, g := range []*wasmhost.Plugin{wrong, p} {
		for _, l := range g.Logs() {
			if strings.Contains(l.Message, redisPassword) {
				t.Fatalf("logged the password: %s", l.Message)
			}
		}
	}
}

// The higress build's refusals.
func TestRedisStoreConfig(t *testing.T) {
	m := wasmhost.HigressModule(t, ".", "127.0.0.1:1")
	for _, c := range []struct{ config, want string }{
		{`{"store": "redis"}`, "redis: missing required field"},
		{`{"store": "redis", "redis": {"password": "` + redisPassword + `"}}`, "redis.service_name: missing required field"},
		{`{"store": "redis", "redis": {"service_name": "r.static", "database": 3}}`, "redis.database: only database 0"},
		{`{"store": "redis", "redis": {"service_name": "r.static"}, "max_bytes": 65536}`, `max_bytes: only with store "local"`},
		{`{"store": "redis", "redis": {"service_name": "r.static"}, "max_entries": 64}`, `max_entries: only with store "local"`},
		{`{"redis": {"service_name": "r.static", "password": "` + redisPassword + `"}}`, `redis: only with store "redis"`},
	} {
		p, err := m.NewPlugin(c.config)
		if err == nil {
			p.Close()
			t.Errorf("%s accepted", c.config)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), redisPassword) {
			t.Errorf("%s: %v, want %q", c.config, err, c.want)
		}
	}
}

// The README's Redis WasmPlugin, as Higress hands it to the higress build: two gateways on
// one Redis (with the example's password) share each consumer's answers.
func TestReadmeRedisExample(t *testing.T) {
	raw, err := wasmhost.HigressConfig([]byte(readmeBlocks(t, "yaml", readmeYAMLBlocks)[readmeRedisWasmPlugin]))
	if err != nil {
		t.Fatal(err)
	}
	redis := testbed.MustStartRedis(t, "change-me", "--requirepass", "change-me")
	a, b := redisGateway(t, redis.Addr, raw), redisGateway(t, redis.Addr, raw)
	if r := do(t, a, call{body: chatBody("opening hours?"), headers: consumer("alice")}); r.status() != "MISS" {
		t.Fatalf("first: %s", r.status())
	}
	if r := do(t, b, call{body: chatBody("opening hours?"), headers: consumer("alice")}); r.status() != "HIT" {
		t.Fatalf("alice on the other gateway: %s", r.status())
	}
	if r := do(t, b, call{body: chatBody("opening hours?"), headers: consumer("bob")}); r.status() != "MISS" {
		t.Fatalf("bob: %s", r.status())
	}
	if keys := redisKeys(t, redis); len(keys) != 2 {
		t.Fatalf("keys %q", keys)
	}
	if ttl := redis.MustPTTL(t, redisKeys(t, redis)[0]); ttl <= 590_000 {
		t.Fatalf("PTTL %d, want the example's 600 s", ttl)
	}
}

// slowProxy forwards TCP to addr, holding every chunk from the server for d: a Redis that
// answers late, so that other streams run while a lookup waits.
func slowProxy(t *testing.T, addr string, d time.Duration) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("tcp", addr)
			if err != nil {
				client.Close()
				continue
			}
			go io.Copy(server, client)
			go func() {
				defer client.Close()
				buf := make([]byte, 64<<10)
				for {
					n, err := server.Read(buf)
					if n > 0 {
						time.Sleep(d)
						client.Write(buf[:n])
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// A lookup's Redis reply starts the embeddings call while another stream of the same worker
// is alive, and after another has ended: the call belongs to the stream that made it (the
// SDK's current context is set with the host's), so that stream is resumed as a miss and no
// other is touched.
func TestRedisReplyWhileOtherStreamsRun(t *testing.T) {
	redis := testbed.MustStartRedis(t, "")
	config := strings.Replace(semanticExample, `"scope": "global",`, `"scope": "global", "store": "redis", "redis": {"service_name": "redis.static"},`, 1)
	p := redisGateway(t, slowProxy(t, redis.Addr, 300*time.Millisecond), config)
	post := wasmhost.H(":method", "POST", ":path", "/v1/chat/completions", ":authority", "gw.local", "content-type", "application/json")
	get := wasmhost.H(":method", "GET", ":path", "/v1/models", ":authority", "gw.local")

	a := p.NewStreamOn(0)
	if _, err := a.RequestHeaders(post, false); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := a.RequestBody([]byte(chatBody("tell me a joke about cats")), true); done <- err }()
	time.Sleep(100 * time.Millisecond) // a waits for Redis
	ended := p.NewStreamOn(0)
	if _, err := ended.RequestHeaders(get, true); err != nil {
		t.Fatal(err)
	}
	if err := ended.Complete(); err != nil {
		t.Fatal(err)
	}
	alive := p.NewStreamOn(0)
	if _, err := alive.RequestHeaders(get, true); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if a.RequestPaused() || a.Resumed(false) != 1 || a.LocalResponse() != nil || alive.Resumed(false) != 0 {
		t.Fatalf("a: paused %v resumed %d local %v; the other stream resumed %d",
			a.RequestPaused(), a.Resumed(false), a.LocalResponse(), alive.Resumed(false))
	}
	if st, _ := a.Property("cache_status"); st != "miss" {
		t.Fatalf("a: cache_status %q", st)
	}
	for _, l := range p.LogsAt(wasmhost.LevelError) {
		t.Errorf("error logged: %.300s", l.Message)
	}
}

//go:build !wasip1

package main

// The higress build's Redis backend against a real redis-server (skipped without one, unless
// AIWASM_REQUIRE_REDIS=1).

import (
	"strings"
	"testing"

	"github.com/aiwasm/aiwasm/e2e/testbed"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

const redisPassword = "r3dis-pw-61c0ffee"

// higressModule is the higress build, its Redis host functions served by the Redis at addr.
func higressModule(t *testing.T, addr string) *wasmhost.Module {
	t.Helper()
	return wasmhost.HigressModule(t, ".", addr)
}

func TestRedisBackend(t *testing.T) {
	redis := testbed.MustStartRedis(t, redisPassword, "--requirepass", redisPassword)
	m := higressModule(t, redis.Addr)
	p := newPluginOf(t, m, `{"limit_by_consumer": true, "backend": "redis", "window": "fixed",
		"redis": {"service_name": "redis.static", "service_port": 6379, "username": "default", "password": "`+redisPassword+`", "timeout": "500ms"},
		"limit_keys": [{"key": "*", "query_per_minute": 2}]}`)
	var got []int
	for i := 0; i < 3; i++ {
		r := send(t, p, consumer("alice")...)
		got = append(got, r.status)
		if i == 0 && (r.header("x-ratelimit-remaining") != "1" || r.s.Resumed(false) != 1) {
			t.Fatalf("first: %v, resumed %d", r.response, r.s.Resumed(false))
		}
	}
	if !same(got, []int{0, 0, 429}) {
		t.Fatalf("statuses %v", got)
	}
	if reply, err := redis.Do("EXISTS", "key-rate-limit:60000/rule=default;consumer=alice;window=minute"); err != nil || !strings.HasPrefix(reply, ":1") {
		t.Fatalf("EXISTS: %q %v", reply, err)
	}
	for _, l := range p.Logs() {
		if strings.Contains(l.Message, redisPassword) {
			t.Fatalf("logged the password: %s", l.Message)
		}
	}
	// A wrong password: every Take fails, and failure_mode decides.
	q := newPluginOf(t, m, `{"limit_by_consumer": true, "backend": "redis", "failure_mode": "deny",
		"redis": {"service_name": "redis.static", "password": "wrong-`+redisPassword+`"},
		"limit_keys": [{"key": "*", "query_per_minute": 2}]}`)
	if r := send(t, q, consumer("alice")...); r.status != 503 || metric(q, "key_rate_limit_backend_errors") != 1 {
		t.Fatalf("wrong password: %d, errors %d", r.status, metric(q, "key_rate_limit_backend_errors"))
	}
}

// The higress build's refusals, and its password kept out of every message.
func TestRedisConfig(t *testing.T) {
	m := higressModule(t, "127.0.0.1:1")
	const keys = `"limit_keys": [{"key": "*", "query_per_minute": 1}]`
	for _, tc := range []struct{ config, want string }{
		{`{"limit_by_consumer": true, "backend": "redis", ` + keys + `}`, "redis: missing required field"},
		{`{"limit_by_consumer": true, "backend": "redis", "redis": {"password": "` + redisPassword + `"}, ` + keys + `}`, "redis.service_name: missing required field"},
		{`{"limit_by_consumer": true, "backend": "redis", "redis": {"service_name": "r.static", "database": 1, "password": "` + redisPassword + `"}, ` + keys + `}`,
			"redis.database: only database 0"},
		{`{"limit_by_consumer": true, "backend": "redis", "redis": {"service_name": "r.static", "service_port": 70000}, ` + keys + `}`, "redis.service_port: must be at most 65535"},
		{`{"limit_by_consumer": true, "backend": "redis", "redis": {"service_name": "r.static", "timeout": 1000}, ` + keys + `}`, "redis.timeout: want a duration string"},
		{`{"limit_by_consumer": true, "backend": "redis", "redis": {"service_name": "r.static", "password": 5}, ` + keys + `}`, "redis.password: want a string, got number"},
		{`{"limit_by_consumer": true, "redis": {"service_name": "r.static"}, ` + keys + `}`, `redis: only with backend "redis"`},
	} {
		_, err := m.NewPlugin(tc.config)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), redisPassword) {
			t.Errorf("config %s: %v, want %q", tc.config, err, tc.want)
		}
	}
	// database 0 (Higress's default, written out) is accepted.
	p, err := m.NewPlugin(`{"limit_by_consumer": true, "backend": "redis", "redis": {"service_name": "r.static", "database": 0}, ` + keys + `}`)
	if err != nil {
		t.Fatal(err)
	}
	p.Close()
}

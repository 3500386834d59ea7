package redis

// The redis object, and its refusals in both builds.

import (
	"strings"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/config"
)

func TestReadRedis(t *testing.T) {
	for _, tc := range []struct {
		raw, cluster string
		timeout      time.Duration
	}{
		{`{"redis": {"service_name": "redis.static"}}`, "outbound|80||redis.static", time.Second},
		{`{"redis": {"service_name": "redis.dns", "timeout": "250ms"}}`, "outbound|6379||redis.dns", 250 * time.Millisecond},
		{`{"redis": {"service_name": "redis.default.svc.cluster.local", "service_port": 6380}}`, "outbound|6380||redis.default.svc.cluster.local", time.Second},
	} {
		r, err := config.NewReader([]byte(tc.raw))
		if err != nil {
			t.Fatal(err)
		}
		var s Settings
		r.Object("redis", func(o *config.Reader) { s = ReadSettings(o) })
		if err := r.Err(); err != nil || s.Cluster() != tc.cluster || s.Timeout != tc.timeout {
			t.Errorf("%s: cluster %q timeout %v (%v)", tc.raw, s.Cluster(), s.Timeout, err)
		}
	}
}

func TestReadRefusals(t *testing.T) {
	choice := func(wanted bool) Choice {
		return Choice{Wanted: wanted, Field: "store", Plugin: "ai-cache", Otherwise: `use "local"`}
	}
	type tc struct {
		raw    string
		wanted bool
		want   string
	}
	cases := []tc{
		{`{"redis": {"service_name": "r.static", "password": "s3cret-pw"}}`, false, `redis: only with store "redis"`},
	}
	if Available {
		cases = append(cases,
			tc{`{}`, true, "redis: missing required field"},
			tc{`{"redis": {"service_name": "r.static", "database": 2, "password": "s3cret-pw"}}`, true, "redis.database: only database 0"},
			tc{`{"redis": {"service_name": "r.static", "password": 5}}`, true, "redis.password: want a string, got number"},
			tc{`{"redis": {"service_name": "r.static", "timeout": 1000}}`, true, "redis.timeout: want a duration string"})
	} else {
		cases = append(cases,
			tc{`{"redis": {"service_name": "r.static"}}`, true, `store: "redis" needs the higress build of ai-cache (out/higress/ai-cache.wasm, built with -tags higress), which runs on Higress only; use "local"`})
	}
	for _, c := range cases {
		r, err := config.NewReader([]byte(c.raw))
		if err != nil {
			t.Fatal(err)
		}
		Read(r, choice(c.wanted))
		err = r.Err()
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("%s: %v, want %q", c.raw, err, c.want)
		}
	}
	r, _ := config.NewReader([]byte(`{"redis": {"service_name": "r.static"}}`))
	s := Read(r, choice(true))
	switch {
	case Available && (r.Err() != nil || s.Cluster() != "outbound|80||r.static"):
		t.Fatalf("higress build: %+v %v", s, r.Err())
	case !Available && r.Err() == nil:
		t.Fatal("the default build accepted a redis store")
	}
}

func TestOpenOutsideHigressWasm(t *testing.T) {
	if _, err := Open(Settings{Service: "r.static", Port: 80}); err == nil || !strings.Contains(err.Error(), "higress build") {
		t.Fatalf("Open natively = %v", err)
	}
}

//go:build higress && !wasip1

package limitkey

// go test -tags higress: the redis object as the higress build reads it.

import (
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
		s := readRedis(r, true, "test")
		if err := r.Err(); err != nil || s.cluster() != tc.cluster || s.timeout != tc.timeout {
			t.Errorf("%s: cluster %q timeout %v (%v)", tc.raw, s.cluster(), s.timeout, err)
		}
	}
}

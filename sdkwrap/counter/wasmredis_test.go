//go:build !wasip1

package counter_test

import (
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/e2e/testbed"
	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// higressProbe loads the higress build of the probe against the Redis at addr.
func higressProbe(t testing.TB, addr string) *wasmhost.Module {
	t.Helper()
	return wasmhost.HigressModule(t, "testdata/counterprobe", addr)
}

func TestRedisInWasm(t *testing.T) {
	redis := testbed.MustStartRedis(t, "")
	m := higressProbe(t, redis.Addr)
	p := newPlugin(t, m, `{"backend":"redis","cluster":"outbound|6379||redis.static","limit":3,"window_ms":60000}`)
	p.Clock().Advance(10 * time.Second)
	for i, want := range []int64{2, 1, 0} {
		a := send(t, p, 0, "alice")
		if !a.allowed || a.int("x-remaining") != want || a.int("x-limit") != 3 || a.int("x-reset-ms") != 50_000 {
			t.Fatalf("request %d: %+v", i+1, a)
		}
	}
	if a := send(t, p, 0, "alice"); a.allowed || a.int("x-count") != 3 || a.int("x-reset-ms") != 50_000 || a.headers.Has("x-counter-error") {
		t.Fatalf("4th request: %+v", a)
	}
	// The key dies with its window: 50 s left of it on the plugin's clock.
	if ttl := redis.MustPTTL(t, "probe/60000/consumer=alice"); ttl <= 45_000 || ttl > 50_000 {
		t.Fatalf("PTTL = %d, want just under 50000", ttl)
	}
	p.Clock().Advance(50 * time.Second)
	if a := send(t, p, 0, "alice"); !a.allowed || a.int("x-remaining") != 2 {
		t.Fatalf("next window: %+v", a)
	}
	// Sliding windows keep the key one window longer, for the next window's estimate.
	ps := newPlugin(t, m, `{"backend":"redis","limit":10,"window_ms":10000,"sliding":true,"prefix":"sliding/"}`)
	ps.Clock().Advance(9 * time.Second)
	for range 10 {
		send(t, ps, 0, "alice")
	}
	if ttl := redis.MustPTTL(t, "sliding/10000/consumer=alice"); ttl <= 9_000 || ttl > 11_000 {
		t.Fatalf("sliding PTTL = %d, want just under 11000", ttl)
	}
	ps.Clock().Advance(3500 * time.Millisecond) // ceil(0.75 × 10) = 8 of the previous window
	for i := range 3 {
		if a := send(t, ps, 0, "alice"); a.allowed != (i < 2) {
			t.Fatalf("sliding request %d at 25%%: %+v", i+1, a)
		}
	}
	if v := metric(t, p, "probe_backend_errors"); v != 0 {
		t.Fatalf("probe_backend_errors = %d", v)
	}
}

// Every gateway sharing the Redis counts together; two workers racing through it admit
// exactly the limit, because each Take is one atomic script.
func TestRedisTwoWorkersNeverOverAdmit(t *testing.T) {
	redis := testbed.MustStartRedis(t, "")
	p := newPlugin(t, higressProbe(t, redis.Addr), `{"backend":"redis","limit":50,"window_ms":60000}`, wasmhost.WithWorkers(2))
	var admitted atomic.Int64
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				a, err := trySend(p, w, "shared")
				if err != nil {
					t.Error(err)
					return
				}
				if a.allowed {
					admitted.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if admitted.Load() != 50 {
		t.Fatalf("admitted %d, want 50", admitted.Load())
	}
}

func TestRedisFailuresInWasm(t *testing.T) {
	redis := testbed.MustStartRedis(t, "")
	m := higressProbe(t, redis.Addr)
	open := newPlugin(t, m, `{"backend":"redis","limit":5,"fail_open":true}`)
	closed := newPlugin(t, m, `{"backend":"redis","limit":5,"fail_open":false}`)
	// A key Redis refuses to treat as a counter: the script's error comes back.
	if _, err := redis.Do("SET", "probe/1000/consumer=wrongtype", "x"); err != nil {
		t.Fatal(err)
	}
	a := send(t, open, 0, "wrongtype")
	if !a.allowed || !strings.Contains(a.headers.Value("x-counter-error"), "WRONGTYPE") {
		t.Fatalf("wrong type, fail open: %+v", a)
	}
	if a := send(t, closed, 0, "wrongtype"); a.allowed {
		t.Fatalf("wrong type, fail closed: %+v", a)
	}
	// Redis down.
	redis.Stop()
	for range 2 {
		if a := send(t, open, 0, "alice"); !a.allowed || a.headers.Value("x-counter-error") != "redis: call failed (status 1)" {
			t.Fatalf("redis down, fail open: %+v", a)
		}
		if a := send(t, closed, 0, "alice"); a.allowed || a.headers.Value("x-counter-error") == "" {
			t.Fatalf("redis down, fail closed: %+v", a)
		}
	}
	for _, p := range []*wasmhost.Plugin{open, closed} {
		if v := metric(t, p, "probe_backend_errors"); v != 3 {
			t.Fatalf("probe_backend_errors = %d, want 3", v)
		}
	}
}

//go:build !wasip1

package counter_test

import (
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

func TestLocalFixedWindowInWasm(t *testing.T) {
	p := newPlugin(t, defaultProbe(t), `{"backend":"local","limit":3,"window_ms":60000}`)
	p.Clock().Advance(10 * time.Second)
	for i, want := range []int64{2, 1, 0} {
		a := send(t, p, 0, "alice")
		if !a.allowed || a.int("x-remaining") != want || a.int("x-limit") != 3 || a.int("x-reset-ms") != 50_000 {
			t.Fatalf("request %d: %+v", i+1, a)
		}
	}
	a := send(t, p, 0, "alice")
	if a.allowed || a.int("x-remaining") != 0 || a.int("x-count") != 3 || a.int("x-reset-ms") != 50_000 {
		t.Fatalf("4th request: %+v", a)
	}
	if b := send(t, p, 0, "bob"); !b.allowed {
		t.Fatal("bob was limited by alice's counter")
	}
	p.Clock().Advance(50 * time.Second) // the next window
	if a := send(t, p, 0, "alice"); !a.allowed || a.int("x-remaining") != 2 {
		t.Fatalf("next window: %+v", a)
	}
	// One entry per descriptor, not per window.
	if n := p.SharedData().Len(); n != 2 {
		t.Fatalf("%d shared-data keys, want 2", n)
	}
	if _, _, ok := p.SharedData().Get("probe/60000/consumer=alice"); !ok {
		t.Fatal("no key probe/60000/consumer=alice")
	}
}

func TestLocalSlidingWindowInWasm(t *testing.T) {
	p := newPlugin(t, defaultProbe(t), `{"backend":"local","limit":10,"window_ms":10000,"sliding":true}`)
	p.Clock().Advance(9 * time.Second)
	for range 10 {
		if !send(t, p, 0, "alice").allowed {
			t.Fatal("denied within the limit")
		}
	}
	// 25% into the next window the previous 10 weigh ceil(7.5) = 8: two more fit.
	p.Clock().Advance(3500 * time.Millisecond)
	for i := range 2 {
		if a := send(t, p, 0, "alice"); !a.allowed || a.int("x-count") != int64(9+i) {
			t.Fatalf("request %d at 25%%: %+v", i+1, a)
		}
	}
	a := send(t, p, 0, "alice")
	if a.allowed || a.int("x-reset-ms") != 500 {
		t.Fatalf("third request at 25%%: %+v", a)
	}
	p.Clock().Advance(500 * time.Millisecond)
	if !send(t, p, 0, "alice").allowed {
		t.Fatal("denied after ResetAfter")
	}
}

func TestLocalCostsAndReadsInWasm(t *testing.T) {
	p := newPlugin(t, defaultProbe(t), `{"backend":"local","limit":100,"window_ms":60000}`, wasmhost.WithWorkers(2))
	if a := send(t, p, 0, "alice", "x-cost", "0"); !a.allowed || a.int("x-remaining") != 100 {
		t.Fatalf("read of a fresh counter: %+v", a)
	}
	if n := p.SharedData().Len(); n != 0 {
		t.Fatalf("a read created %d keys", n)
	}
	if a := send(t, p, 0, "alice", "x-cost", "101"); a.allowed {
		t.Fatalf("cost above the limit admitted: %+v", a)
	}
	if a := send(t, p, 0, "alice", "x-cost", "70"); !a.allowed || a.int("x-remaining") != 30 {
		t.Fatalf("cost 70: %+v", a)
	}
	if a := send(t, p, 1, "alice", "x-cost", "31"); a.allowed || a.int("x-count") != 70 {
		t.Fatalf("cost 31 of 30 left, on the other worker: %+v", a)
	}
	// Tokens already spent are charged even past the limit.
	if a := send(t, p, 0, "alice", "x-cost", "50", "x-overdraw", "1"); a.allowed || a.int("x-count") != 120 {
		t.Fatalf("overdraw: %+v", a)
	}
	if a := send(t, p, 1, "alice", "x-cost", "0"); a.allowed || a.int("x-count") != 120 || a.int("x-remaining") != 0 {
		t.Fatalf("read after overdraw: %+v", a)
	}
}

// Two workers (two VMs sharing one shared-data store, as Envoy's worker threads do) hammer one
// counter concurrently: exactly the limit gets through.
func TestLocalTwoWorkersNeverOverAdmit(t *testing.T) {
	const limit, perWorker = 100, 200
	p := newPlugin(t, defaultProbe(t), `{"backend":"local","limit":100,"window_ms":60000}`, wasmhost.WithWorkers(2))
	var admitted, denied atomic.Int64
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perWorker {
				a, err := trySend(p, w, "shared")
				switch {
				case err != nil:
					t.Error(err)
					return
				case a.allowed:
					admitted.Add(1)
				default:
					denied.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if admitted.Load() != limit || denied.Load() != 2*perWorker-limit {
		t.Fatalf("admitted %d, denied %d; want exactly %d admitted", admitted.Load(), denied.Load(), limit)
	}
	if v := metric(t, p, "probe_backend_errors"); v != 0 {
		t.Fatalf("%d backend errors (contention)", v)
	}
}

// The first write to a key races too (shared data has no create-if-absent): both workers send
// the first request of each of 500 fresh keys with limit 1 at once; exactly one per key wins.
func TestLocalTwoWorkersRaceOnFirstWrite(t *testing.T) {
	const keys = 500
	p := newPlugin(t, defaultProbe(t), `{"backend":"local","limit":1,"window_ms":60000}`, wasmhost.WithWorkers(2))
	var admitted [keys]atomic.Int32
	for k := range keys {
		var wg sync.WaitGroup
		for w := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := trySend(p, w, "fresh-"+strconv.Itoa(k))
				if err != nil {
					t.Error(err)
				} else if a.allowed {
					admitted[k].Add(1)
				}
			}()
		}
		wg.Wait()
	}
	for k := range keys {
		if n := admitted[k].Load(); n != 1 {
			t.Fatalf("key %d: %d admitted, want 1", k, n)
		}
	}
}

package wasmhost

import (
	"encoding/binary"
	"sync"
	"testing"
	"time"
)

func sharedCounter(t *testing.T, p *Plugin, key string) uint64 {
	t.Helper()
	v, _, ok := p.SharedData().Get(key)
	if !ok || len(v) != 8 {
		t.Fatalf("shared %q = %v, %v", key, v, ok)
	}
	return binary.LittleEndian.Uint64(v)
}

func TestSharedDataCASAcrossConcurrentWorkers(t *testing.T) {
	const workers, perWorker = 2, 300
	p := newProbe(t, "", WithWorkers(workers))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				s := p.NewStreamOn(w)
				if _, err := s.RequestHeaders(with(getRequest, "x-count", "1"), true); err != nil {
					t.Error(err)
					return
				}
				_ = s.Complete()
			}
		}(w)
	}
	wg.Wait()
	if got := sharedCounter(t, p, "count"); got != workers*perWorker {
		t.Fatalf("count = %d, want %d: CAS lost updates", got, workers*perWorker)
	}
	if n, _ := p.Metric("probe_requests"); n != workers*perWorker {
		t.Fatalf("probe_requests = %d, want %d", n, workers*perWorker)
	}
}

func TestCasMismatchIsReported(t *testing.T) {
	s := NewSharedData()
	if st := s.set("k", []byte("a"), 0); st != statusOK {
		t.Fatal(st)
	}
	_, cas, _ := s.Get("k")
	if st := s.set("k", []byte("b"), cas+1); st != statusCasMismatch {
		t.Fatalf("stale cas accepted: %d", st)
	}
	if st := s.set("k", []byte("b"), cas); st != statusOK {
		t.Fatalf("current cas refused: %d", st)
	}
	// Envoy creates a missing key whatever the cas: there is no create-if-absent.
	if st := s.set("missing", []byte("x"), 7); st != statusOK {
		t.Fatalf("a write to a missing key was refused: %d", st)
	}
}

func TestTicksFollowTheClock(t *testing.T) {
	p := newProbe(t, `{"tick_ms": 100}`, WithWorkers(2))
	if err := p.Advance(350 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if got := sharedCounter(t, p, "ticks"); got != 6 {
		t.Fatalf("ticks = %d, want 3 per worker", got)
	}
	if err := p.Tick(); err != nil {
		t.Fatal(err)
	}
	if got := sharedCounter(t, p, "ticks"); got != 8 {
		t.Fatalf("ticks = %d after Tick, want 8", got)
	}
}

func TestSharedQueueWakesTheRegisteringRoot(t *testing.T) {
	p := newProbe(t, "")
	must[Action](t)(p.NewStream().RequestHeaders(with(getRequest, "x-enqueue", "job-42"), true))
	if !p.LogContains("probe: dequeued job-42") {
		t.Fatalf("queue item not delivered; logs: %v", p.Logs())
	}
}

func TestSharedDataIsSharedBetweenPluginsGivenTheSameStore(t *testing.T) {
	store := NewSharedData()
	a := newProbe(t, "", WithSharedData(store))
	b := newProbe(t, "", WithSharedData(store))
	for _, p := range []*Plugin{a, b, a} {
		must[Action](t)(p.NewStream().RequestHeaders(with(getRequest, "x-count", "1"), true))
	}
	if got := sharedCounter(t, a, "count"); got != 3 {
		t.Fatalf("count = %d, want 3", got)
	}
}

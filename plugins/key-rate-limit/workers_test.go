//go:build !wasip1

package main

// Several workers (VMs sharing Envoy's shared data) admit exactly the limit between them.

import (
	"fmt"
	"sync"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// trySend runs one request on worker and returns the status (0: went upstream); for the
// goroutines of a concurrent test, which must not call t.Fatal.
func trySend(p *wasmhost.Plugin, worker int, headers ...string) (int, error) {
	s := p.NewStreamOn(worker)
	h := wasmhost.H(append([]string{":method", "GET", ":path", "/v1/models", ":authority", "gw"}, headers...)...)
	if _, err := s.RequestHeaders(h, true); err != nil {
		return 0, err
	}
	status := 0
	if lr := s.LocalResponse(); lr != nil {
		status = lr.Status
	} else if _, err := s.ResponseHeaders(wasmhost.H(":status", "200"), true); err != nil {
		return 0, err
	}
	return status, s.Complete()
}

func TestWorkersShareCounters(t *testing.T) {
	const workers, limit, perWorker = 4, 25, 20
	for _, key := range []string{"alice", "*"} { // an exact key (Local) and a table key
		t.Run(key, func(t *testing.T) {
			p := newPlugin(t, fmt.Sprintf(`{"limit_by_consumer": true, "limit_keys": [{"key": %q, "query_per_hour": %d}]}`, key, limit),
				wasmhost.WithWorkers(workers))
			var mu sync.Mutex
			admitted, refused := 0, 0
			var wg sync.WaitGroup
			errs := make(chan error, workers)
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; i < perWorker; i++ {
						status, err := trySend(p, (w+i)%workers, "x-mse-consumer", "alice")
						if err != nil {
							errs <- err
							return
						}
						mu.Lock()
						if status == 0 {
							admitted++
						} else if status == 429 {
							refused++
						}
						mu.Unlock()
					}
				}(w)
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			if admitted != limit || refused != workers*perWorker-limit {
				t.Fatalf("admitted %d, refused %d of %d; want exactly %d admitted", admitted, refused, workers*perWorker, limit)
			}
			if got := metric(p, "key_rate_limit_backend_errors"); got != 0 {
				t.Fatalf("%d backend errors (compare-and-swap contention)", got)
			}
		})
	}
}

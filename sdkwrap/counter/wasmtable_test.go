//go:build !wasip1

package counter_test

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aiwasm/aiwasm/sdkwrap/wasmhost"
)

// Four workers send the first requests of 400 fresh descriptors, each to all of them at once,
// into a table of 64 slots: every descriptor that gets a slot admits exactly its limit of 1,
// the others are refused with ErrTableFull (fail closed), and shared data never holds more
// than 64 keys.
func TestLocalTableBoundedAndExactAcrossWorkers(t *testing.T) {
	const workers, keys, slots = 4, 400, 64
	store := wasmhost.NewSharedData()
	p := newPlugin(t, defaultProbe(t), `{"backend":"table","table_keys":64,"limit":1,"window_ms":60000}`,
		wasmhost.WithWorkers(workers), wasmhost.WithSharedData(store))
	var full atomic.Int64
	placed := 0
	for k := range keys {
		var admitted atomic.Int32
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := trySend(p, w, "client-"+strconv.Itoa(k))
				switch {
				case err != nil:
					t.Error(err)
				case a.allowed:
					admitted.Add(1)
				case strings.Contains(a.headers.Value("x-counter-error"), "table slot"):
					full.Add(1)
				}
			}()
		}
		wg.Wait()
		switch n := admitted.Load(); n {
		case 0:
		case 1:
			placed++
		default:
			t.Fatalf("descriptor %d: %d admitted, want at most 1", k, n)
		}
	}
	if n := store.Len(); n > slots {
		t.Fatalf("%d shared-data keys for %d slots", n, slots)
	}
	if placed < slots/2 || placed > slots || full.Load() == 0 {
		t.Fatalf("%d descriptors placed, %d refusals for a full table", placed, full.Load())
	}
}

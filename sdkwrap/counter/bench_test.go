package counter

import (
	"testing"
	"time"
)

func BenchmarkDecide(b *testing.B) {
	for _, sliding := range []bool{false, true} {
		name := map[bool]string{false: "fixed", true: "sliding"}[sliding]
		b.Run(name, func(b *testing.B) {
			q := quota{limit: MaxUnits, cost: 1, size: 60_000, sliding: sliding}
			s := state{start: t0, count: 10, prev: 1000}
			for i := range b.N {
				s, _, _ = decide(s, t0+int64(i%60_000), q)
			}
		})
	}
}

// BenchmarkLocalTakeNative is a whole Local Take on an in-process store: key, read, decode,
// decide, encode, write - everything but the host calls.
func BenchmarkLocalTakeNative(b *testing.B) {
	l := newTestLocal(newFakeStore(), time.UnixMilli(t0))
	req := Request{Descriptor: []Entry{{"consumer", "alice"}}, Limit: MaxUnits, Window: Window{Size: time.Minute}, Cost: 1}
	done := func(Decision, error) {}
	b.ReportAllocs()
	for range b.N {
		l.Take(req, done)
	}
}

func BenchmarkStorageKey(b *testing.B) {
	d := []Entry{{"consumer", "alice"}, {"model", "gpt-4o"}}
	b.ReportAllocs()
	for range b.N {
		_ = storageKey("key-rate-limit/", 60_000, d)
	}
}

package counter

import (
	"fmt"
	"math/bits"
	"time"
)

// Window cuts time into windows of Size aligned to the Unix epoch. Sliding turns on the
// approximate sliding window described in the package documentation.
type Window struct {
	Size    time.Duration
	Sliding bool
}

// maxWindow keeps window arithmetic in milliseconds far from overflow (a year is plenty).
const maxWindow = 366 * 24 * time.Hour

func (w Window) validate() error {
	if w.Size < time.Millisecond || w.Size > maxWindow || w.Size%time.Millisecond != 0 {
		return fmt.Errorf("counter: window size %v is not a whole number of milliseconds between 1ms and 366 days", w.Size)
	}
	return nil
}

func (w Window) millis() int64 { return int64(w.Size / time.Millisecond) }

// windowStart is the start of the window of size holding now (all in Unix milliseconds).
func windowStart(now, size int64) int64 { return now - now%size }

// weightedPrev is the previous window's share of a sliding estimate: what of prev units the
// trailing window still overlaps, rounded up so the estimate never undercounts.
// ceil(prev × (size − elapsed) / size), computed in 128 bits so that large token counts
// and long windows cannot overflow.
func weightedPrev(prev, elapsed, size int64) int64 {
	if prev <= 0 || elapsed >= size {
		return 0
	}
	q, r := mulDiv(prev, size-max(elapsed, 0), size)
	if r != 0 {
		q++
	}
	return q
}

// mulDiv returns a×b / d and its remainder for non-negative a and b. A quotient beyond 2^62
// (or a zero d) saturates there with remainder 0: callers only compare it with smaller
// numbers.
func mulDiv(a, b, d int64) (q, r int64) {
	const ceiling = 1 << 62
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if d <= 0 || hi >= uint64(d) {
		return ceiling, 0
	}
	uq, ur := bits.Div64(hi, lo, uint64(d))
	if uq > ceiling {
		return ceiling, 0
	}
	return int64(uq), int64(ur)
}

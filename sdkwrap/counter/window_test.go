package counter

import (
	"testing"
	"time"
)

func TestWindowValidate(t *testing.T) {
	for _, w := range []Window{{Size: time.Millisecond}, {Size: time.Minute, Sliding: true}, {Size: 366 * 24 * time.Hour}} {
		if err := w.validate(); err != nil {
			t.Errorf("%v: %v", w, err)
		}
	}
	for _, w := range []Window{{}, {Size: -time.Second}, {Size: 1500 * time.Microsecond}, {Size: 367 * 24 * time.Hour}} {
		if err := w.validate(); err == nil {
			t.Errorf("%v: accepted", w)
		}
	}
}

func TestWindowStartAlignsToTheEpoch(t *testing.T) {
	for _, c := range []struct{ now, size, want int64 }{
		{0, 1000, 0},
		{999, 1000, 0},
		{1000, 1000, 1000},
		{1_795_240_987_654, 60_000, 1_795_240_980_000},
		{1_795_240_987_654, 3_600_000, 1_795_240_800_000},
	} {
		if got := windowStart(c.now, c.size); got != c.want {
			t.Errorf("windowStart(%d, %d) = %d, want %d", c.now, c.size, got, c.want)
		}
	}
}

func TestWeightedPrevRoundsUp(t *testing.T) {
	for _, c := range []struct{ prev, elapsed, size, want int64 }{
		{0, 0, 1000, 0},
		{100, 0, 1000, 100},  // the whole previous window still overlaps
		{100, 250, 1000, 75}, // exact
		{100, 999, 1000, 1},  // 0.1 rounds up
		{100, 1000, 1000, 0}, // gone
		{100, 5000, 1000, 0}, // long gone
		{1, 500, 1000, 1},    // 0.5 rounds up
		{3, 1, 3, 2},         // 3×2/3
		{10, -5, 1000, 10},   // a clock a little behind counts as elapsed 0
		{MaxUnits, 1, 86_400_000, MaxUnits - MaxUnits/86_400_000}, // 128-bit product
	} {
		if got := weightedPrev(c.prev, c.elapsed, c.size); got != c.want {
			t.Errorf("weightedPrev(%d, %d, %d) = %d, want %d", c.prev, c.elapsed, c.size, got, c.want)
		}
	}
}

func TestMulDivSaturates(t *testing.T) {
	if q, r := mulDiv(7, 5, 3); q != 11 || r != 2 {
		t.Errorf("mulDiv(7,5,3) = %d, %d", q, r)
	}
	if q, _ := mulDiv(MaxUnits, MaxUnits, 1); q != 1<<62 {
		t.Errorf("mulDiv overflow = %d, want 2^62", q)
	}
	if q, _ := mulDiv(5, 5, 0); q != 1<<62 {
		t.Errorf("mulDiv by zero = %d, want 2^62", q)
	}
}
